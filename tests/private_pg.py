"""A PostgreSQL cluster of the test's own (initdb, pg_ctl, pg_basebackup from the Debian
server package) on a free loopback port, in a temporary folder: a test may stop it, restore a
base backup over it and start it again. Skips, saying why, only where the binaries are absent.

initdb refuses to run as root: as root the commands run as the `postgres` system user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(os.environ.get("IZLE_PG_BIN", "/usr/lib/postgresql/15/bin"))
TIMEOUT_S = 60


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_user, str(BIN / tool), *args], check=True, capture_output=True,
                       timeout=TIMEOUT_S, cwd=self.folder)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                 "-w", "-t", str(TIMEOUT_S), "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(TIMEOUT_S), "stop")

    def base_backup(self, name: str) -> Path:
        target = self.folder / name
        self.run("pg_basebackup", "-D", str(target), "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", "-X", "stream", "-c", "fast")
        return target

    def restore(self, backup: Path) -> None:
        """Stopped: the data folder becomes a copy of `backup` (same system identifier)."""
        shutil.rmtree(self.data)
        shutil.copytree(backup, self.data, symlinks=True)
        _own(self.data)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _own(path: Path) -> None:
    if os.geteuid() != 0:
        return
    import pwd

    user = pwd.getpwnam("postgres")
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(root, name), user.pw_uid, user.pw_gid)
    os.chown(path, user.pw_uid, user.pw_gid)


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A running cluster in a fresh folder under the system's temporary folder (which the
    `postgres` user can reach, unlike root's pytest folders); removed afterwards."""
    if not (BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {BIN} (set IZLE_PG_BIN)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: initdb cannot run as root")
    folder = Path(tempfile.mkdtemp(prefix="izle-pg-"))
    try:
        _own(folder)
        cluster = Cluster(folder)
        cluster.run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                    "--no-sync")
        cluster.start()
        try:
            yield cluster
        finally:
            try:
                cluster.stop()
            except subprocess.SubprocessError:
                pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
