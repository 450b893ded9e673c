"""An operator's answers reach only the caller they were asked for: with terminal.db
write-locked (another program's transaction), caller A's page 2 or letter still in flight
when the operator searches for caller B is dropped and audited, never shown for B."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from textual.widgets import DataTable

from izle.data.desk import LoginOutcome, Mode
from izle.data.limits import Limits
from izle.screens.letters import ApplicantScreen
from tests.conftest import CITIZEN_FIN, OPERATOR, OTHER_FIN, izle_app
from tests.pilot import audit_rows, log_in, settle, showing_result, type_into

SIZE = (100, 40)
A, B = (CITIZEN_FIN, "Həsənov"), (OTHER_FIN, "Quliyeva")


def shown_keys(app) -> list[str]:
    table = app.screen.query_one("#my-letters", DataTable)
    return [str(key.value) for key in table.rows]


@contextmanager
def write_locked(register):
    """terminal.db held by another writer, as a long import or a backup tool would."""
    other = sqlite3.connect(register.with_name("terminal.db"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def until(pilot, condition, what: str) -> None:
    for _ in range(500):  # bounded: 500 × 10 ms
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never: {what}")


def running(app, group: str) -> bool:
    return any(w.group == group and not w.is_finished for w in app.screen.workers)


async def search(pilot, fin: str, surname: str) -> None:
    await type_into(pilot, "#applicant-fin", fin)
    await type_into(pilot, "#applicant-surname", surname)
    await pilot.click("#find-applicant")


async def a_listed(pilot) -> list[str]:
    await log_in(pilot, OPERATOR)
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ApplicantScreen)
    await search(pilot, *A)
    await settle(pilot)
    return shown_keys(pilot.app)


async def test_caller_as_next_page_is_never_appended_to_caller_bs_list(register):
    app = izle_app(register, mode="operator", lang="en", limits=Limits(page_size=1))
    async with app.run_test(size=SIZE) as pilot:
        first = await a_listed(pilot)
        assert first and app.screen._more  # more of A's letters are still to come
        with write_locked(register):
            app.screen.query_one("#my-letters", DataTable).focus()
            await pilot.press("down")  # towards the end: the next page of A is asked for
            await until(pilot, lambda: running(app, "letters-more"), "A's page 2 asked for")
            await search(pilot, *B)
            await until(pilot, lambda: running(app, "applicant"), "B's search asked for")
        await settle(pilot)
        await until(pilot, lambda: not running(app, "stale"), "the stale answer audited")
        shown = shown_keys(app)
        assert shown and all(key not in first for key in shown)
        assert all(key.split("|")[1] in ("01-31/4000",) for key in shown), shown  # B's only
    assert [r["query"]["answer"] for r in audit_rows(register, "stale_answer")] == ["page"]


async def test_caller_as_letter_is_never_opened_after_caller_bs_search(register):
    app = izle_app(register, mode="operator", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        assert await a_listed(pilot)
        with write_locked(register):
            app.screen.query_one("#my-letters", DataTable).focus()
            await pilot.press("enter")  # open A's letter
            await until(pilot, lambda: running(app, "letters-open"), "A's letter asked for")
            await search(pilot, *B)
            await until(pilot, lambda: running(app, "applicant"), "B's search asked for")
        await settle(pilot)
        await until(pilot, lambda: not running(app, "stale"), "the stale answer audited")
        assert not showing_result(app)
        assert all(key.split("|")[1] == "01-31/4000" for key in shown_keys(app))
    assert [r["query"]["answer"] for r in audit_rows(register, "stale_answer")] == ["letter"]


def test_a_lookup_while_terminal_db_was_busy_is_audited_with_its_real_caller(register, monkeypatch):
    """The caller's keyed hash is made with the audit row, in its transaction: a terminal.db
    that could not be read a moment before (locked; here the store's separate tagging made
    to fail as it did then) no longer leaves the row saying "?"."""
    from izle.data.audit import keyed_tag
    from izle.data.db import connect_write
    from izle.data.terminal import StoreError
    from tests.test_desk import log_in as desk_log_in, make_desk, request

    desk = make_desk(register, Mode.OPERATOR)
    assert desk_log_in(desk, OPERATOR) is LoginOutcome.OK

    def busy(value: str) -> str:
        raise StoreError()

    monkeypatch.setattr(desk.store, "tag", busy)
    desk.lookup(request(desk, "01-31/3073", "05.03.2026", caller="Quliyeva"))

    [row] = audit_rows(register, "lookup")
    conn = connect_write(register.with_name("terminal.db"))
    assert row["query"]["caller"] == keyed_tag(conn, "quliyeva") != "?"
    conn.close()
