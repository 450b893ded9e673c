"""One browser session's `python -m izle`: started without a shell, in a process group of its
own, and tied to the server's life by the kernel.

How it dies with the server, also on `kill -9` (when no code of the server runs any more):
- a process group alone does not do it: nobody signals the group when the server is killed;
- a pipe the child watches would: but İzlə's child already reads one (its stdin, from the
  server) through Textual's web driver, which ignores end-of-file; watching another means a
  thread in every session and code of the server's in the app;
- PR_SET_PDEATHSIG does, with nothing running in the child: the kernel sends the signal when
  the thread that forked it ends — the server's event loop thread, which lives as long as the
  server. It survives exec, and is set in the child between fork and exec (`preexec_fn`), so
  a server that dies in between is caught by checking the parent afterwards. Linux only, as
  `izle serve` is. SIGTERM is the signal: İzlə audits it as a stop and exits.
The group (`start_new_session`) keeps a Ctrl+C typed at the server's terminal from reaching the
sessions directly: the server ends them itself, each with its audit row.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
from typing import Any

from textual_serve.app_service import AppService

STOP_GRACE = 5.0     # seconds a session's process has to end after SIGTERM, before SIGKILL
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# Resolved here, in the server: between fork and exec (where Python warns that a lock held by
# another thread of the server could never be released) the child imports, logs and allocates
# nothing of its own; it makes one system call through this ready function and compares a pid.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def _dies_with(parent: int):
    def in_child() -> None:
        _prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the server ended before the signal was set
            os._exit(1)
    return in_child


class SessionProcess(AppService):
    """textual-serve's AppService, with the process started and ended as described above."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment,
            start_new_session=True, preexec_fn=_dies_with(os.getpid()),
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def exit_status(self, within: float) -> int | None:
        """The process's exit status once it has ended, waiting `within` seconds at most."""
        if self._process is None:
            return None
        try:
            return await asyncio.wait_for(self._process.wait(), within)
        except TimeoutError:
            return None

    async def stop(self) -> None:
        """End the process whatever state it is in: SIGTERM, a grace period, then SIGKILL."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._task is not None:
            await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            await self._task
            self._task = None
