"""Steps a person takes in İzlə, for Pilot tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from tests.conftest import Person


def text_of(app, selector: str) -> str:
    """What a widget shows, as plain text."""
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


def showing_result(app) -> bool:
    """The result panel is what the person sees (in place of the form or list that asked)."""
    found = app.screen.query("#result-panel")
    return bool(found) and found.first().display


def _login_awaits_provider(app) -> bool:
    """A login whose phone has answered, its outcome not polled from the provider yet. The
    phone stays on screen after PIN1 is accepted until the login screen hears the outcome, so
    "answered" is the phone's own state (no longer ringing), not whether it is showing."""
    from izle.screens.login import LoginScreen
    from izle.screens.phone import PhoneScreen

    if not any(isinstance(s, LoginScreen) and s._pending is not None for s in app.screen_stack):
        return False
    phone = app.screen if isinstance(app.screen, PhoneScreen) else None
    return phone is None or app.emulated_phone.ringing(phone.session_id) is None


async def workers_done(pilot: Pilot) -> None:
    """Every worker finished, but a login's status request: the provider holds it until the
    person answers on the phone (a long poll), which may be never in a test. A worker cancelled
    because its screen went (a login that succeeded) is done, not a failure."""
    from textual.worker import WorkerCancelled

    while busy := [w for w in pilot.app.workers if w.group != "login-poll" and not w.is_finished]:
        for worker in busy:
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
    await pilot.pause()


async def settle(pilot: Pilot) -> None:
    """Workers done, and a login's outcome fetched from the provider (it is polled)."""
    for _ in range(100):
        await workers_done(pilot)
        await pilot.pause()
        if not _login_awaits_provider(pilot.app):
            break
        await pilot.pause(0.05)
    await pilot.pause()


# Key by key, as a person types (restrictions and masks apply); `fill` is the fast way.
TYPE_KEYS = False


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    if TYPE_KEYS:
        await pilot.press(*text)
    else:
        field.value = text
        await pilot.pause()


async def start_login(pilot: Pilot, person: Person, user_id: str | None = None) -> None:
    await type_into(pilot, "#phone", person.phone_typed)
    await type_into(pilot, "#user-id", user_id or person.user_id)
    await pilot.click("#login")
    await settle(pilot)


async def enter_pin(pilot: Pilot, pin: str) -> None:
    await type_into(pilot, "#pin1", pin)
    await pilot.click("#pin1-ok")
    await settle(pilot)


async def log_in(pilot: Pilot, person: Person) -> None:
    await start_login(pilot, person)
    await pilot.click("#phone-confirm")
    await pilot.pause()
    await enter_pin(pilot, person.pin1)


async def to_agency_picker(pilot: Pilot) -> None:
    """From a citizen's list of letters (their first screen) to the authority picker (F4, as
    `#track-other`); where the picker is already showing, nothing."""
    from izle.screens.letters import MyLettersScreen

    await settle(pilot)
    if isinstance(pilot.app.screen, MyLettersScreen):
        await pilot.press("f4")
        await pilot.pause()


async def choose_agency(pilot: Pilot, typed: str) -> None:
    await to_agency_picker(pilot)
    await type_into(pilot, "#agency-filter", typed)
    await pilot.press("enter")
    await pilot.pause()


async def look_up(pilot: Pilot, number: str, day: str, caller: str | None = None) -> None:
    """Fill the lookup form and press *show*; `caller` is the operator's `#caller-check`."""
    await type_into(pilot, "#reg-number", number)
    await type_into(pilot, "#reg-date", day)
    if caller is not None:
        await type_into(pilot, "#caller-check", caller)
    await pilot.click("#show")
    await settle(pilot)


def screen_text(app) -> str:
    """Everything the current screen shows, as plain text (what a person reads)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def terminal_lines(app) -> list[Strip]:
    """The whole terminal, line by line, as a person sees it: the top screen composed over the
    screens beneath (a modal panel lets the login screen show through, as export_screenshot does)."""
    from textual._context import visible_screen_stack

    token = visible_screen_stack.set(app._background_screens)
    try:
        return app.screen._compositor.render_strips()
    finally:
        visible_screen_stack.reset(token)


def words(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (wrapping aside)."""
    return " ".join(text.split())


def shown_in(app, widget: Widget) -> str:
    """What the terminal shows where `widget` draws its content, as `words`: cut where the
    widget is cut by the screen's edge, and another screen's text where that covers it."""
    region = widget.content_region
    lines = terminal_lines(app)[max(region.y, 0):region.bottom]
    return words(" ".join(strip.crop(region.x, region.right).text for strip in lines))


def audit_rows(register, action: str | None = None) -> list[dict]:
    """The audit log of the register's terminal.db, oldest first, as dicts."""
    import json

    from izle.data.db import connect_write

    conn = connect_write(register.with_name("terminal.db"))
    sql = "SELECT * FROM audit" + (" WHERE action = ?" if action else "") + " ORDER BY seq"
    rows = [dict(r) for r in conn.execute(sql, (action,) if action else ())]
    conn.close()
    for row in rows:
        row["query"] = json.loads(row["query"])
    return rows


def key_events(*parts: str):
    """Key events for `parts`: a key name in angle brackets ("<tab>", "<enter>") is that key,
    anything else is text, one key per character."""
    from textual import events
    from textual.keys import _character_to_key

    for part in parts:
        if part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            yield events.Key(name, {"tab": "\t", "enter": "\r"}.get(name))
            continue
        for char in part:
            yield events.Key(char if char.isalnum() else _character_to_key(char), char)


async def burst(pilot: Pilot, *parts: str) -> None:
    """Send every key at once, as a barcode scanner or a paste does: none waits for the app
    (`pilot.press` waits for the app to be idle after each key, as no fast typist does)."""
    driver = pilot.app._driver
    for event in key_events(*parts):
        event.set_sender(pilot.app)
        driver.send_message(event)
