"""The second validating process: on two CPUs it validates most of a big file while this one
validates the first part and then writes every row."""

from __future__ import annotations

import gc
import marshal
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import astuple
from datetime import date
from pathlib import Path

from izle.data.importer.batches import Batch, validated_batches
from izle.data.importer.kinds import FileProblem, Problem
from izle.data.importer.reading import Part, split_point
from izle.data.importer.source import Source
from izle.data.importer.validating import Refs
from izle.data.statuses import N_

TMP_FULL = 3  # the second process's exit status when its temporary file cannot grow
PARENT_SHARE = 0.22  # of a big file, validated here while the second process does the rest:
# this process also writes every row, so the two finish together (measured on 1M letters: the
# two spend 3.4 and 3.5 CPU-seconds; at 0.12, since cheaper writes, 3.1 and 3.9)


def batches(source: Source, kind: str, refs: Refs, today: date, problems: list[Problem],
            letter_id: Callable[[tuple], int | None] | None, big: bool) -> Iterator[Batch]:
    """The file's validated batches, in file order; for a big letters file, the second process
    validates the bulk of it meanwhile."""
    if not big or _cores() < 2 or (split := split_point(source, PARENT_SHARE)) is None:
        yield from validated_batches(source, kind, refs, today, problems, letter_id)
        return
    child = ValidatingChild(source, kind, refs, today, split)
    try:
        yield from validated_batches(source, kind, refs, today, problems,
                                     part=Part(stop=split.line))
    except BaseException:
        child.close()
        raise
    yield from child.batches(problems)


def _cores() -> int:
    """CPUs this process may run on (POSIX only: the second process needs pass_fds). On one
    CPU a second process would only add the cost of sending the rows across."""
    if os.name != "posix":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def child_main() -> None:
    """The second process: validate a part of a file and append its batches to a file, one
    framed marshal message each (marshal is the fastest codec here), with a tick on stdout
    after each, so that it never waits for the writer."""
    import pickle

    gc.disable()  # a short life of millions of acyclic values: the cyclic GC would only cost
    source, kind, refs, today, part, out_fd = pickle.load(sys.stdin.buffer)
    problems: list[Problem] = []
    try:
        with os.fdopen(out_fd, "wb") as out:
            _validate_into(out, source, kind, refs, today, part, problems)
    except BrokenPipeError:  # the importing process is gone (killed): stop, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError:  # the temporary folder is full (or over quota): the parent says so
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(TMP_FULL)


def _validate_into(out, source, kind, refs, today, part, problems: list[Problem]) -> None:
    try:
        for batch in validated_batches(source, kind, refs, today, problems, part=part):
            found = [astuple(p) for p in problems]
            problems.clear()
            _send(out, ("batch", batch.values, batch.read, batch.refused, batch.position, found))
    except FileProblem as e:
        _send(out, ("file", e.reason, e.params))


def _send(out, message: tuple) -> None:
    payload = marshal.dumps(message)
    out.write(len(payload).to_bytes(8, "little") + payload)
    out.flush()
    sys.stdout.buffer.write(b".")  # one frame more is ready
    sys.stdout.buffer.flush()


def tmp_full() -> FileProblem:
    import tempfile

    return FileProblem(N_("the temporary folder {folder} is full: free space there, or set"
                          " TMPDIR to a folder with room, and import again"),
                       folder=tempfile.gettempdir())


class ValidatingChild:
    """validated_batches of a part of a file, computed by a second process (a plain
    `python -c`, no multiprocessing: nothing depends on how the caller's main module is
    written) while this one is busy; started at once, read with `batches()`.

    The batches go through a temporary file unlinked at once (POSIX): nothing is left
    behind, even after a `kill -9`."""

    def __init__(self, source: Source, kind: str, refs: Refs, today: date, part: Part) -> None:
        import pickle
        import subprocess
        import tempfile

        root = str(Path(__file__).resolve().parents[2])  # where `data` is, installed or not
        path_list = [root, os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, path_list))}
        try:
            out_fd, name = tempfile.mkstemp(prefix="izle-import-")
        except OSError:
            raise tmp_full() from None
        try:
            self.frames = open(name, "rb")  # a second opening: its own read position
        finally:
            os.unlink(name)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from izle.data.importer.parallel import child_main; child_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, pass_fds=(out_fd,))
        os.close(out_fd)
        self.process.stdin.write(pickle.dumps((source, kind, refs, today, part, out_fd)))  # type: ignore[union-attr]
        self.process.stdin.close()  # type: ignore[union-attr]

    def batches(self, problems: list[Problem]) -> Iterator[Batch]:
        try:
            while self.process.stdout.read(1):  # type: ignore[union-attr]
                size = int.from_bytes(self.frames.read(8), "little")
                message = marshal.loads(self.frames.read(size))
                if message[0] == "file":
                    raise FileProblem(message[1], **message[2])
                _, values, read, refused, position, found = message
                problems.extend(Problem(*p) for p in found)
                yield Batch(values, read, refused, position)
            if self.process.wait() == TMP_FULL:
                raise tmp_full()
            if self.process.returncode:
                raise FileProblem(N_("the second validating process stopped (exit status"
                                     " {status}): nothing was imported"),
                                  status=self.process.returncode)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()  # type: ignore[union-attr]
        self.frames.close()
