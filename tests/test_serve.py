"""`izle serve`: a citizen tracks a letter in a real Chromium; the server refuses one session too
many with the busy page and leaves no process behind.

Chromium is Debian's (`apt-get install chromium`, .ci/run does it); where it is missing the browser
tests skip and say why. Every server and browser started here is stopped by its fixture.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser import (
    CHROMIUM, CHROMIUM_ARGS, ROOT, children, flat, izle_serve, missing_browser, missing_serve,
    open_sessions, screen_text, wait_for_text, wait_until,
)
from tests.pilot import audit_rows
from izle.data.desk import Mode
from izle.data.desk.sentences import SENTENCES, Asked, Reply
from izle.data.i18n import translate

needs_browser = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "")
needs_serve = pytest.mark.skipif(bool(missing_serve()), reason=missing_serve() or "")
DOCS_SCREENSHOT = ROOT / "docs" / "browser.png"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    """A small demo register (2,000 letters), its identities and sample letters."""
    register = tmp_path_factory.mktemp("serve") / "register.db"
    out = subprocess.run(
        [sys.executable, "-m", "izle", "demo", "--db", str(register), "--letters", "2000", "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120,
    )
    return register, json.loads(out.stdout)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def citizen_and_letter(demo_json: dict) -> tuple[dict, dict]:
    citizen = next(i for i in demo_json["identities"] if i["role"] == "citizen")
    letter = next(s for s in demo_json["samples"] if s["owner_user_id"] == citizen["user_id"]
                  and s["agency"] != "DGK")
    return citizen, letter


def az(message: str) -> str:
    return translate(message, "az")


def type_and_enter(page, text: str, shown: str | None = None) -> None:
    """Type as a person does, see it on the screen, press Enter. What is typed next lands in
    the next field however soon it comes: Enter in a field acts before the keys after it."""
    page.keyboard.type(text)
    wait_for_text(page, shown or text)
    page.keyboard.press("Enter")


@needs_browser
def test_a_citizen_tracks_a_letter_in_the_browser(demo, browser, tmp_path):
    """Typed from the moment the page shows (no click first); after the logout the session is
    over and nothing of it is left in the page's terminal."""
    register, demo_json = demo
    citizen, letter = citizen_and_letter(demo_json)
    with izle_serve(register, "--lang", "az") as server:
        page = open_sessions(browser, server.url, 1)[0]
        # Each step waits for words only its screen shows (the focus is set as it appears).
        type_and_enter(page, citizen["phone"])
        type_and_enter(page, citizen["user_id"])
        wait_for_text(page, az("Confirm only if the same code is on the screen."))
        page.keyboard.press("Enter")           # Confirm, on the phone panel
        wait_for_text(page, az("Enter PIN1"))
        type_and_enter(page, citizen["pin1"], "•" * len(citizen["pin1"]))
        wait_for_text(page, az("Your letters, newest first. Choose one and press Enter."))
        page.keyboard.press("F4")  # from the citizen's list of letters to the seed's path
        wait_for_text(page, az("Which customs authority was the letter addressed to?"))
        type_and_enter(page, letter["agency_name"])
        wait_for_text(page, az("Letter number (as on your receipt)"))
        type_and_enter(page, letter["reg_no"])
        type_and_enter(page, letter["reg_date"])
        result = wait_for_text(page, letter["executor"])
        assert flat(letter["unit"]) in flat(result)
        wait_for_text(page, az("Log out"))  # the footer's keys too, for the screenshot
        shot = tmp_path / "browser.png"
        page.screenshot(path=str(shot))
        if os.environ.get("IZLE_DOCS_SCREENSHOT"):  # README's picture, refreshed on request
            shutil.copy(shot, DOCS_SCREENSHOT)
        page.keyboard.press("Escape")           # Back: the lookup form again
        wait_for_text(page, az("Letter number (as on your receipt)"))
        assert letter["executor"] not in screen_text(page)
        assert flat(citizen["full_name"]) in flat(screen_text(page))  # who is logged in, shown
        page.keyboard.press("F3")               # log out: a browser's session ends with it
        page.wait_for_selector(".closed-dialog", state="visible", timeout=15_000)
        assert page.inner_text(".closed-dialog").strip().startswith(az("You have logged out."))
        wait_until(lambda: not children(server.pid), 10, "the session's process ends")
        left = screen_text(page)
        for private in (citizen["full_name"], citizen["phone"], letter["reg_no"], "Asan"):
            assert flat(private) not in flat(left), private
        assert not page.query_selector("#terminal canvas")
        page.close()
    rows = [r for r in audit_rows(register) if r["terminal"].startswith("web:")]
    actions = [(r["action"], r["outcome"]) for r in rows]
    assert ("lookup", "found") in actions and ("logout", "user") in actions, actions
    assert {r["actor"] for r in rows if r["action"] == "lookup"} == {citizen["user_id"]}
    assert len({r["terminal"] for r in rows}) == 1
    assert "127.0.0.1" not in rows[0]["terminal"]   # a keyed hash, not the address


def _add_twin(register: Path, letter: dict) -> str:
    """A second letter of the same applicant, authority and day whose number has the same
    digits as `letter`'s; returns those digits."""
    import sqlite3
    from datetime import datetime

    from izle.data.text import compact_reg_no, normalize_reg_no

    digits = compact_reg_no(letter["reg_no"])
    twin = f"{digits[:1]}-{digits[1:]}"
    assert normalize_reg_no(twin) != normalize_reg_no(letter["reg_no"])
    day = datetime.strptime(letter["reg_date"], "%d.%m.%Y").date().isoformat()
    conn = sqlite3.connect(register)
    with conn:
        conn.execute("INSERT INTO letters (agency_code, reg_no, reg_no_key, reg_date, status,"
                     " applicant_fin, applicant_name) SELECT agency_code, ?, ?, reg_date, status,"
                     " applicant_fin, applicant_name FROM letters WHERE agency_code = ?"
                     " AND reg_no = ? AND reg_date = ?",
                     (twin, normalize_reg_no(twin), letter["agency"], letter["reg_no"], day))
    conn.close()
    return digits


@needs_browser
def test_digits_two_of_ones_letters_share_ask_for_the_number_as_printed_in_the_browser(
        demo, browser):
    register, demo_json = demo
    citizen, letter = citizen_and_letter(demo_json)
    digits = _add_twin(register, letter)
    with izle_serve(register, "--lang", "az") as server:
        page = open_sessions(browser, server.url, 1)[0]
        type_and_enter(page, citizen["phone"])
        type_and_enter(page, citizen["user_id"])
        wait_for_text(page, az("Confirm only if the same code is on the screen."))
        page.keyboard.press("Enter")
        wait_for_text(page, az("Enter PIN1"))
        type_and_enter(page, citizen["pin1"], "•" * len(citizen["pin1"]))
        wait_for_text(page, az("Your letters, newest first. Choose one and press Enter."))
        page.keyboard.press("F4")
        wait_for_text(page, az("Which customs authority was the letter addressed to?"))
        type_and_enter(page, letter["agency_name"])
        wait_for_text(page, az("Letter number (as on your receipt)"))
        type_and_enter(page, digits)
        type_and_enter(page, letter["reg_date"])
        wait_for_text(page, az(SENTENCES[(Asked.LOOKUP, Reply.AMBIGUOUS, Mode.CITIZEN)]))
        page.close()
    rows = [r for r in audit_rows(register, "lookup") if r["terminal"].startswith("web:")]
    assert ("ambiguous", citizen["user_id"]) in [(r["outcome"], r["actor"]) for r in rows]


@needs_browser
def test_one_session_too_many_gets_the_busy_page_and_no_process(demo, browser):
    register, _json = demo
    with izle_serve(register, "--max-sessions", "2") as server:
        tabs = open_sessions(browser, server.url, 2)
        assert len(children(server.pid)) == 2
        third = browser.new_page()
        response = third.goto(server.url)
        assert response.status == 503
        body = third.inner_text("body")
        assert "İzlə is busy" in body and "İzlə məşğuldur" in body and "İzlə занят" in body
        assert websocket_refused(server.url)  # a script that skips the page is refused too
        assert len(children(server.pid)) == 2
        tabs[0].close()                       # a place frees up when a tab closes
        wait_until(lambda: len(children(server.pid)) == 1, 10, "the closed tab's process ends")
        # The server frees the place once it has seen the socket close (soon after the process).
        wait_until(lambda: third.goto(server.url).status == 200, 10, "the freed place is offered")
        for page in (third, tabs[1]):
            page.close()
        wait_until(lambda: not children(server.pid), 10, "no session process left")


def websocket_refused(url: str) -> bool:
    """The WebSocket handshake itself answers 503 when every place is taken."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url + "ws", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        return error.code == 503
    return False


def run_apart(coroutine) -> None:
    """asyncio.run in a thread of its own: Playwright's sync API keeps a loop in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@needs_serve
def test_twenty_sessions_opened_and_closed_leave_no_process(demo):
    """What a tab does to the server, without painting 20 tabs: open the WebSocket, wait until
    İzlə runs (its first screen arrives), close it; five at a time."""
    register, _json = demo
    with izle_serve(register, "--max-sessions", "5", "--max-per-address", "5") as server:
        seen: set[int] = set()
        for _round in range(4):
            run_apart(sessions_at_once(server, 5, seen))
            wait_until(lambda: not children(server.pid), 15, "every closed session's process ends")
        assert len(seen) == 20
    stops = [r for r in audit_rows(register, "stop") if r["terminal"].startswith("web:")]
    assert len(stops) >= 20   # each ended by SIGTERM, which İzlə audits (earlier tests add more)


async def sessions_at_once(server, count: int, seen: set[int]) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as client:
        sockets = [await client.ws_connect(server.url + "ws?width=100&height=30")
                   for _ in range(count)]
        for socket in sockets:   # bytes of the first screen: İzlə is up, its handlers are set
            message = await asyncio.wait_for(socket.receive(), 20)
            assert message.type == aiohttp.WSMsgType.BINARY, message
        seen.update(children(server.pid))
        assert len(children(server.pid)) == count
        for socket in sockets:
            await socket.close()


@needs_serve
def test_a_socket_gone_silent_ends_its_session(demo):
    """A browser that vanishes without closing (a laptop lid shut, a network gone) stops
    answering the server's WebSocket ping: its process ends within a ping and a half."""
    register, _json = demo
    with izle_serve(register) as server:
        run_apart(silent_session(server))


async def silent_session(server) -> None:
    import aiohttp

    from izle.tui.web.server import HEARTBEAT

    async with aiohttp.ClientSession() as client:
        # autoping off: this client never answers a ping, like a browser that is gone
        socket = await client.ws_connect(server.url + "ws?width=100&height=30", autoping=False)
        message = await asyncio.wait_for(socket.receive(), 20)
        assert message.type == aiohttp.WSMsgType.BINARY
        assert len(children(server.pid)) == 1
        started = time.monotonic()
        while children(server.pid):
            assert time.monotonic() - started < HEARTBEAT * 1.5 + 10, "the silent session lives on"
            await asyncio.sleep(0.2)
        await socket.close()
