"""textual-serve's Server, made safe for the public: counted sessions, one process each, ended.

Each WebSocket runs `python -m izle` in citizen mode (never operator, never kiosk: the kiosk's
admin screen is not for the web) under the name `web:<keyed hash of the client address>`.
A session that cannot get a slot gets the busy page and no process. When the socket closes or
goes silent (no pong to the heartbeat) the process gets SIGTERM, which İzlə audits as a logout,
then SIGKILL if it has not gone within a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from izle.tui.web.limits import SessionLimits, client_address
from izle.tui.web.pages import busy_page, start_page_words

log = logging.getLogger("izle.serve")

HEARTBEAT = 10.0     # seconds between WebSocket pings; a socket without a pong is closed
STOP_GRACE = 5.0     # seconds a session's process has to end after SIGTERM, before SIGKILL


class SessionProcess(AppService):
    """One browser session's `python -m izle`, started without a shell so it can be signalled."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment,
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

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


class IzleServer(Server):
    """Serves İzlə's citizen flow; `session_argv(terminal)` is the command of one session."""

    def __init__(self, *, session_argv, terminal_name, limits: SessionLimits, lang: str,
                 host: str, port: int, public_url: str | None) -> None:
        super().__init__("izle", host=host, port=port, title="İzlə", public_url=public_url,
                         templates_path=Path(__file__).parent)
        self.given_public_url = public_url
        self.session_argv = session_argv
        self.terminal_name = terminal_name
        self.limits = limits
        self.lang = lang
        self.processes: dict[int, SessionProcess] = {}

    async def on_startup(self, app: web.Application) -> None:
        log.info("İzlə: %s", self.public_url)

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: so do the sessions' processes, none left behind."""
        await asyncio.gather(*(p.stop() for p in list(self.processes.values())))

    def _client(self, request: web.Request) -> str:
        return client_address(request.remote, request.headers)

    def _busy(self, reason: str) -> web.Response:
        return web.Response(status=503, text=busy_page(self.lang, reason),
                            content_type="text/html", headers={"Retry-After": "60"})

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        # Advisory: the slot itself is taken when the page's WebSocket connects.
        if reason := self.limits.refusal(self._client(request)):
            return self._busy(reason)
        # Without --public-url, the address the browser used (textual-serve would write the bind
        # address, useless to a browser elsewhere when listening on 0.0.0.0).
        base = (self.given_public_url or f"{request.scheme}://{request.host}").rstrip("/")
        scheme, rest = base.split(":", 1)
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + "/ws",
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": self.title},
            "words": start_page_words(self.lang),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        address = self._client(request)
        if reason := self.limits.acquire(address):
            return self._busy(reason)  # refused before the upgrade: no process is started
        try:
            return await self._session(request, address)
        finally:
            self.limits.release(address)

    async def _session(self, request: web.Request, address: str) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        await websocket.prepare(request)
        service = SessionProcess(
            self.session_argv(self.terminal_name(address)),
            write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
            download_manager=self.download_manager, debug=self.debug,
        )
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        try:
            await service.start(width, height)
            self.processes[service.pid] = service
            # A process that ends by itself (Ctrl+Q, a crash) closes its socket too.
            service._task.add_done_callback(lambda _t: asyncio.ensure_future(websocket.close()))
            await self._process_messages(websocket, service)
        except (asyncio.CancelledError, ConnectionError):
            pass
        except Exception as error:  # a broken message must not leave the process running
            log.exception(error)
        finally:
            await service.stop()
            self.processes.pop(service.pid, None)
            await websocket.close()
        return websocket


def session_command(*, db: Path, state: Path | None, lang: str,
                    idle_timeout: float | None) -> callable:
    """The `python -m izle …` of one session: citizen mode, this register, named per client."""
    def argv(terminal: str) -> list[str]:
        command = [sys.executable, "-m", "izle", "--db", str(db), "--lang", lang,
                   "--terminal", terminal]
        if state is not None:
            command += ["--state", str(state)]
        if idle_timeout is not None:
            command += ["--idle-timeout", str(idle_timeout)]
        return command
    return argv
