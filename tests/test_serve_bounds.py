"""`izle serve` against a client that is not a browser: huge terminals, a 4 MB frame, sockets
held silent, a foreign page, the server killed with SIGKILL, a busy port, no register.

Every server here listens on loopback and is stopped by its fixture; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import ROOT, children, free_port, izle_serve, missing_serve, wait_until
from tests.pilot import audit_rows

pytestmark = pytest.mark.skipif(bool(missing_serve()), reason=missing_serve() or "")

CURSOR_ROW = re.compile(rb"\x1b\[(\d+);\d+H")


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve-bounds") / "register.db"
    subprocess.run([sys.executable, "-m", "izle", "demo", "--db", str(path), "--letters", "200"],
                   cwd=ROOT, capture_output=True, check=True, timeout=120)
    return path


def run_async(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int, *, of_reaped_children: bool = False) -> float:
    """CPU time of `pid`, or of its children that have ended and been waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    first = 13 if of_reaped_children else 11   # cutime, cstime / utime, stime
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


async def cpu_until_it_ends(server, session: int, action) -> float:
    """CPU seconds `session` spends from `action()` until its end (its own shutdown included),
    read from the server once the server has waited for it."""
    before = cpu_seconds(session)
    reaped_before = cpu_seconds(server.pid, of_reaped_children=True)
    await action()
    end = time.monotonic() + 15
    while session in children(server.pid) or alive(session):
        assert time.monotonic() < end, "the session lives on"
        await asyncio.sleep(0.05)
    return cpu_seconds(server.pid, of_reaped_children=True) - reaped_before - before


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


async def painted_rows(websocket, rows: int) -> int:
    """Read the session's output until row `rows` is painted; the last row painted by then."""
    seen = b""
    while True:
        message = await asyncio.wait_for(websocket.receive(), 20)
        assert message.type.name == "BINARY", message
        seen += message.data
        painted = [int(r) for r in CURSOR_ROW.findall(seen)]
        if painted and max(painted) >= rows:
            return max(painted)


def test_a_huge_terminal_is_painted_at_most_500_by_200_and_stays_small(register):
    """100000×100000 asked in the URL and in a resize: painted 200 rows high, the session's
    memory as small as a normal session's (unbounded, one such socket reached 2.9 GB)."""
    import aiohttp

    async def ask(server) -> tuple[int, int, float]:
        async with aiohttp.ClientSession() as client:
            huge = await client.ws_connect(server.url + "ws?width=100000&height=100000")
            first = await painted_rows(huge, 200)
            normal = await client.ws_connect(server.url + "ws?width=100&height=30")
            await painted_rows(normal, 30)
            await normal.send_json(["resize", {"width": 10**9, "height": 10**9}])
            resized = await painted_rows(normal, 200)
            pids = children(server.pid)
            sizes = [rss_mb(pid) for pid in pids]
            await huge.close()
            await normal.close()
            return first, resized, max(sizes)

    with izle_serve(register) as server:
        first, resized, largest = run_async(ask(server))
    assert first == 200 and resized == 200
    assert largest < 200, f"a session holds {largest:.0f} MB"


def test_a_4mb_frame_or_a_flood_of_keys_closes_its_socket(register):
    """Unbounded, a 4 MB frame of keys cost its session 5 s of CPU and 170 MB."""
    import aiohttp

    async def send_until_closed(server, frames: list[str]) -> tuple[int | None, float]:
        async with aiohttp.ClientSession() as client:
            websocket = await client.ws_connect(server.url + "ws?width=100&height=30")
            await painted_rows(websocket, 30)

            async def flood() -> None:
                try:
                    for frame in frames:
                        await websocket.send_str(frame)
                except ConnectionError:
                    pass  # the server may close before the whole flood is written
                while (await asyncio.wait_for(websocket.receive(), 10)).type not in (
                        aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.ERROR):
                    pass

            spent = await cpu_until_it_ends(server, children(server.pid)[0], flood)
            return websocket.close_code, spent

    huge_frame = [json.dumps(["stdin", "x" * (4 * 1024 * 1024)])]
    many_frames = [json.dumps(["stdin", "7" * 6_000])] * 64   # each under both caps
    with izle_serve(register) as server:
        code, spent_on_huge = run_async(send_until_closed(server, huge_frame))
        # The server refuses from the frame's header (1009, "too big"); the client, still
        # writing, may see its connection reset (1006) before that close frame.
        assert code in (1006, 1009)
        code, spent_on_many = run_async(send_until_closed(server, many_frames))
        assert code in (1006, 1008)   # 1008: "policy violation", past the keys' budget
        assert run_async(a_session_starts(server))   # and it goes on serving
    # What the session spent after the flood began, its own shutdown included (unbounded,
    # either flood costs it many seconds).
    assert spent_on_huge < 2.0 and spent_on_many < 2.0, (spent_on_huge, spent_on_many)


async def a_session_starts(server) -> bool:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        websocket = await client.ws_connect(server.url + "ws?width=100&height=30")
        await painted_rows(websocket, 30)
        await websocket.close()
    return True


def test_silent_sockets_give_their_places_to_a_newcomer(register):
    """Two sockets that never type hold both places; after the idle time they are ended and a
    third client gets a session (it was refused while they held them)."""
    import aiohttp

    async def hold(server) -> tuple[int, float]:
        async with aiohttp.ClientSession() as client:
            started = time.monotonic()
            holders = [await client.ws_connect(server.url + "ws?width=100&height=30")
                       for _ in range(2)]
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(server.url + "ws")
            for holder in holders:   # each is closed by the server, not by this client
                while (await asyncio.wait_for(holder.receive(), 15)).type.name not in (
                        "CLOSE", "CLOSED", "CLOSING"):
                    pass  # the login screen arrives first
            waited = time.monotonic() - started
            # Let in (a 101 upgrade, its process started); it too would end after 1 s idle.
            newcomer = await first_free_place(client, server.url + "ws?width=100&height=30")
            await newcomer.close()
            return refused.value.status, waited

    with izle_serve(register, "--max-sessions", "2", "--idle-timeout", "1") as server:
        status, waited = run_async(hold(server))
    assert status == 503
    assert waited < 10


async def first_free_place(client, url: str):
    """A newcomer's socket, once the server has freed a place (it may take a moment after the
    last socket was closed: the process is stopped first)."""
    import aiohttp

    end = time.monotonic() + 10
    while True:
        try:
            return await client.ws_connect(url)
        except aiohttp.WSServerHandshakeError as refused:
            if refused.status != 503 or time.monotonic() > end:
                raise
        await asyncio.sleep(0.1)


def test_a_page_of_another_site_gets_no_session(register):
    import aiohttp

    async def connect(server, origin: str | None) -> int:
        async with aiohttp.ClientSession() as client:
            try:
                websocket = await client.ws_connect(server.url + "ws", origin=origin)
            except aiohttp.WSServerHandshakeError as refused:
                return refused.status
            await websocket.close()
            return 101

    with izle_serve(register) as server:
        own = server.url.rstrip("/")
        assert run_async(connect(server, "https://evil.example")) == 403
        assert run_async(connect(server, own.replace("127.0.0.1", "localhost"))) == 403
        assert not children(server.pid)
        assert run_async(connect(server, own)) == 101
    with izle_serve(register, "--public-url", "https://izle.example.az") as server:
        assert run_async(connect(server, "https://izle.example.az")) == 101
        assert run_async(connect(server, "http://izle.example.az")) == 403
        assert run_async(connect(server, server.url.rstrip("/"))) == 403


def test_sessions_end_when_the_server_is_killed_with_sigkill(register):
    """No code of the server runs after SIGKILL: the kernel ends the sessions (parent-death
    signal), each audited as a stop."""
    import aiohttp

    stops_before = len(audit_rows(register, "stop"))

    async def open_two_then_kill(server) -> list[int]:
        async with aiohttp.ClientSession() as client:
            sockets = [await client.ws_connect(server.url + "ws?width=100&height=30")
                       for _ in range(2)]
            for websocket in sockets:
                await painted_rows(websocket, 30)
            sessions = children(server.pid)
            os.kill(server.pid, signal.SIGKILL)
            return sessions

    with izle_serve(register) as server:
        sessions = run_async(open_two_then_kill(server))
        try:
            assert len(sessions) == 2
            wait_until(lambda: not any(alive(pid) for pid in sessions), 15,
                       "the sessions end with their server")
        finally:  # should this fail, its orphans are not left to run
            for pid in filter(alive, sessions):
                os.kill(pid, signal.SIGKILL)
    assert len(audit_rows(register, "stop")) == stops_before + 2


def test_the_log_names_clients_by_their_keyed_tag_never_their_address(register):
    """From 127.0.0.2 (loopback, so the proxy's X-Forwarded-For is believed too): neither
    address is in the log; each request is there under the audit's `web:` tag."""
    import http.client

    with izle_serve(register) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        for path, headers in (("/", {}), ("/nowhere", {}),
                              ("/", {"X-Forwarded-For": "203.0.113.9"})):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10,
                                                    source_address=("127.0.0.2", 0))
            connection.request("GET", path, headers=headers)
            connection.getresponse().read()
            connection.close()
        with socket.create_connection(("127.0.0.1", port), timeout=10,
                                      source_address=("127.0.0.2", 0)) as broken:
            broken.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n")
            assert b" 400 " in broken.recv(100)
    assert re.search(r"Error handling request from web:[0-9a-f]{16}", server.log), server.log
    requests = [line for line in server.log.splitlines() if " GET /" in line]
    assert len(requests) == 3, server.log
    assert all(re.search(r" web:[0-9a-f]{16} GET /", line) for line in requests), requests
    assert "127.0.0.2" not in server.log and "203.0.113.9" not in server.log


def test_a_busy_port_is_one_sentence(register):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "izle", "--lang", "en", "serve", "--db", str(register),
             "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"Error: Port {port} on 127.0.0.1 is already in use: stop what "
                                  "listens there or choose another with --port.")
    assert out.stdout == ""


def test_a_missing_register_is_refused_unless_a_demo_is_asked_for(tmp_path):
    missing = tmp_path / "nowhere" / "register.db"
    out = subprocess.run(
        [sys.executable, "-m", "izle", "--lang", "en", "serve", "--db", str(missing),
         "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.startswith(f"Error: No register at {missing}.")
    assert "Traceback" not in out.stderr and "Serving" not in out.stderr
    assert not missing.exists()
    with izle_serve(missing, "--demo") as server:   # built, then served
        import urllib.request

        with urllib.request.urlopen(server.url, timeout=10) as page:
            assert page.status == 200
    assert missing.exists()
