"""Files that cannot be used end a command with one sentence and its documented exit status,
never a traceback: a terminal.db of a newer schema, a full disk, a full TMPDIR during a big
import, a FIFO where a register should be."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from izle.data.schema import LETTER_INDEXES, TERMINAL_MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "import"
LOOKUP = ("lookup", "--json", "--agency", "BBGI", "--number", "1", "--date", "01.01.2026",
          "--fin", "5ZK8M1P")
# Run izle with no file able to grow past `limit` bytes (RLIMIT_FSIZE, SIGXFSZ ignored): what a
# full disk looks like to the program (writes fail with an error instead of a signal).
FULL_DISK = ("import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
             " limit = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit));"
             " os.execv(sys.executable, [sys.executable, '-m', 'izle', *sys.argv[2:]])")


# Run izle on one CPU: a big import then has no second validating process.
ONE_CPU = ("import os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))});"
           " os.execv(sys.executable, [sys.executable, '-m', 'izle', *sys.argv[1:]])")


def izle(*args: str, full_disk: int | None = None, stdin: str = "", env: dict | None = None,
         one_cpu: bool = False) -> subprocess.CompletedProcess:
    head = [sys.executable, "-c", FULL_DISK, str(full_disk)] if full_disk else [sys.executable, "-m", "izle"]
    if one_cpu:
        head = [sys.executable, "-c", ONE_CPU]
    return subprocess.run([*head, "--lang", "en", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, input=stdin,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT),
                               **(env or {})})


@pytest.fixture
def demo(small_demo) -> Path:
    return small_demo


def one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def newer_terminal(register: Path) -> None:
    conn = sqlite3.connect(register.with_name("terminal.db"))
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()


NEWER = (f"terminal.db was written by a newer İzlə (schema version 9; this one knows"
         f" {len(TERMINAL_MIGRATIONS)})")


def test_a_newer_terminal_db_stops_the_tui_before_its_first_screen(demo):
    newer_terminal(demo)
    done = izle("--db", str(demo))
    assert done.returncode == 1
    assert NEWER in one_sentence(done.stderr)


def test_a_newer_terminal_db_gives_lookup_an_error_and_identity_a_sentence(demo):
    newer_terminal(demo)
    looked = izle("--db", str(demo), *LOOKUP)
    assert looked.returncode == 3 and NEWER in json.loads(looked.stdout)["error"]
    listed = izle("--db", str(demo), "identity", "list")
    assert listed.returncode == 1 and NEWER in one_sentence(listed.stderr)
    assert sqlite3.connect(demo.with_name("terminal.db")).execute(
        "PRAGMA user_version").fetchone() == (9,)  # never downgraded


@pytest.mark.parametrize("limit", [100, 20_000])  # no room for -shm; room, but not to grow
def test_a_full_disk_gives_lookup_its_error_and_identity_add_a_sentence(demo, limit):
    looked = izle("--db", str(demo), *LOOKUP, full_disk=limit)
    assert "Traceback" not in looked.stderr
    assert looked.returncode == 3 and "could not be completed" in json.loads(looked.stdout)["error"]

    added = izle("--db", str(demo), "identity", "add", "--role", "operator", "--phone",
                 "050 111 22 33", "--user-id", "5", "--name", "Operator Five", "--pin1-stdin",
                 stdin="1234\n", full_disk=limit)
    assert added.returncode == 1
    assert one_sentence(added.stderr).startswith("izle: the data could not be read or written:")


def test_a_fifo_as_register_or_terminal_db_is_refused_before_it_is_opened(demo, tmp_path):
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    for args in (("--db", str(fifo)), ("--db", str(demo), "--state", str(fifo))):
        done = izle(*args)  # would block in open() before the refusal
        assert done.returncode == 1
        assert one_sentence(done.stderr) == f"Error: {fifo} is not a regular file: İzlə keeps its data in SQLite files."
    checked = izle("--db", str(fifo), "check")
    assert checked.returncode == 1 and "is not a regular file" in checked.stdout + checked.stderr
    looked = izle("--db", str(fifo), *LOOKUP)
    assert looked.returncode == 3 and "error" in json.loads(looked.stdout)


@pytest.fixture
def small_tmpdir(tmp_path):
    """A 256 KiB tmpfs as TMPDIR (needs the right to mount: root in the test containers)."""
    folder = tmp_path / "tmpfs"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True, text=True, timeout=10)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs for TMPDIR: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], timeout=10)


def test_a_full_tmpdir_during_a_big_import_is_one_sentence(demo, small_tmpdir, tmp_path):
    letters = tmp_path / "letters.csv"
    rows = "".join(f"BBGI,9-{n}/2026,05.03.2026,,,Məmmədov Elvin,registered\n" for n in range(110_000))
    letters.write_text("agency_code,reg_no,reg_date,channel,applicant_fin,applicant_name,status\n"
                       + rows, encoding="utf-8")

    done = izle("--db", str(demo), "import", str(letters), "--kind", "letters",
                env={"TMPDIR": str(small_tmpdir)})

    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (  # after the progress lines
        f"Cannot import {letters}: the temporary folder {small_tmpdir} is full: free space"
        " there, or set TMPDIR to a folder with room, and import again")
    assert sqlite3.connect(demo).execute("SELECT count(*) FROM letters WHERE reg_no LIKE '9-%'"
                                         ).fetchone() == (0,)


def test_a_first_load_without_room_in_tmpdir_sorts_its_index_keys_in_memory(small_tmpdir, tmp_path):
    """A first load of 100k+ letters sorts its index keys in runs kept in TMPDIR; on one CPU
    (no second process, so TMPDIR holds nothing else) a TMPDIR without room for them makes
    it sort them in memory instead: every letter is loaded, every index is there."""
    register = tmp_path / "register.db"
    for kind in ("agencies", "units", "executors"):  # the fixtures' bad rows are refused (status 1)
        izle("--db", str(register), "import", str(FIXTURES / f"{kind}.csv"), "--kind", kind)
    letters = tmp_path / "letters.csv"
    rows = "".join(f"BBGI,9-{n}/2026,05.03.2026,,5ZK9Q2M,Məmmədov Elvin,registered\n"
                   for n in range(110_000))
    letters.write_text("agency_code,reg_no,reg_date,channel,applicant_fin,applicant_name,status\n"
                       + rows, encoding="utf-8")

    done = izle("--db", str(register), "import", str(letters), "--kind", "letters",
                env={"TMPDIR": str(small_tmpdir)}, one_cpu=True)

    assert done.returncode == 0, done.stderr
    assert "110000 read, 110000 added" in done.stdout
    conn = sqlite3.connect(register)
    assert conn.execute("SELECT count(*) FROM letters").fetchone() == (110_000,)
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert indexes >= set(LETTER_INDEXES)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
