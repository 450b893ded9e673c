"""An operator's call is one clean flow: New call leaves nothing of the last caller on screen,
in the widgets or in the session, and marks the boundary in the audit; the result names the
verified applicant; Read out gives the caller the result in their language."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from izle.screens.agency import AgencyScreen
from izle.screens.readout import ReadoutScreen
from izle.screens.result import ResultPanel
from tests.conftest import OPERATOR, izle_app
from tests.pilot import (audit_rows, choose_agency, log_in, look_up, screen_text, settle,
                         showing_result, text_of, type_into)

SIZE = (80, 24)
CALLER = ("01-31/3073", "05.03.2026", "Həsənov")  # Həsənov Orxan's letter at Bakı Baş
TRACES = ("Həsənov", "Məmmədov", "01-31/3073", "05.03.2026", "Gömrük nəzarəti", "5ZK9Q2M")


def nothing_of_the_last_caller(app) -> None:
    assert isinstance(app.screen, AgencyScreen) and len(app.screen_stack) == 2
    shown = screen_text(app)
    assert not any(trace in shown for trace in TRACES), shown
    for widget in app._registry:  # no widget anywhere still holds a trace
        if isinstance(widget, Input):
            assert widget.value == ""
        if isinstance(widget, ResultPanel):
            raise AssertionError("a result panel of the last call survived")
        if isinstance(widget, Static):
            assert not any(trace in str(widget.render()) for trace in TRACES)
    session = app.session
    assert session.applicant is None and session.agency is None


async def test_new_call_after_a_letter_clears_every_trace_and_audits_the_boundary(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *CALLER[:2], caller=CALLER[2])
        assert showing_result(app)
        assert text_of(app, "#result-applicant") == "Həsənov Orxan Vaqif oğlu"  # the verified applicant
        await pilot.press("f5")
        await pilot.pause()
        nothing_of_the_last_caller(app)
        assert app.focused.id == "agency-filter"
    calls = audit_rows(register, "call")
    assert [(row["outcome"], row["actor"]) for row in calls] == [("new", OPERATOR.user_id)]
    lookups = audit_rows(register, "lookup")
    assert lookups[-1]["seq"] < calls[-1]["seq"]  # the boundary after the last call's lookup


async def test_the_new_call_button_ends_an_applicant_search(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await pilot.press("f4")  # find by applicant
        await pilot.pause()
        await type_into(pilot, "#applicant-fin", "5ZK9Q2M")
        await type_into(pilot, "#applicant-surname", "Həsənov")
        await pilot.click("#find-applicant")
        await settle(pilot)
        assert "01-31/3073" in screen_text(app)
        await pilot.click("#new-call")
        await pilot.pause()
        nothing_of_the_last_caller(app)
    assert len(audit_rows(register, "call")) == 1


async def test_read_out_in_the_callers_language_leaves_the_operators_own(register):
    app = izle_app(register, mode="operator")  # the operator works in Azerbaijani
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *CALLER[:2], caller=CALLER[2])
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, ReadoutScreen)
        text = text_of(app, "#readout-text")
        assert "Структурное подразделение" in text and "Управление таможенного контроля" in text
        assert "На исполнении: Управление таможенного контроля" in text
        await pilot.press("f6")  # the next language
        await pilot.pause()
        assert "Customs Control Department" in text_of(app, "#readout-text")
        await pilot.press("escape")
        await pilot.pause()
        assert showing_result(app) and app.lang == "az"
        assert text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"  # the operator's language


async def test_no_read_out_and_no_new_call_for_a_citizen(register):
    from tests.conftest import CITIZEN

    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, CITIZEN)
        await pilot.press("enter")
        await settle(pilot)
        assert showing_result(app)
        await pilot.press("f5", "f6")
        await pilot.pause()
        assert showing_result(app) and not app.screen.query("#new-call")
    assert audit_rows(register, "call") == []


# --- New call from every operator screen, by Tab and Enter -------------------------------------

async def to_authorities(pilot) -> None:
    await type_into(pilot, "#agency-filter", "baki")


async def to_number_form(pilot) -> None:
    await choose_agency(pilot, "baki bas")
    await look_up(pilot, *CALLER[:2], caller="Quliyeva")  # a caller not verified: a message
    assert "01-31/3073" in screen_text(pilot.app)


async def to_letter(pilot) -> None:
    await choose_agency(pilot, "baki bas")
    await look_up(pilot, *CALLER[:2], caller=CALLER[2])
    assert showing_result(pilot.app)


async def to_read_out(pilot) -> None:
    await to_letter(pilot)
    await pilot.press("f6")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReadoutScreen)


async def to_applicant_search(pilot) -> None:
    await pilot.press("f4")
    await pilot.pause()
    await type_into(pilot, "#applicant-fin", "5ZK9Q2M")
    await type_into(pilot, "#applicant-surname", "Məmmədov")  # not the applicant: a message
    await pilot.click("#find-applicant")
    await settle(pilot)


async def to_applicant_letters(pilot) -> None:
    await pilot.press("f4")
    await pilot.pause()
    await type_into(pilot, "#applicant-fin", "5ZK9Q2M")
    await type_into(pilot, "#applicant-surname", "Həsənov")
    await pilot.click("#find-applicant")
    await settle(pilot)
    assert "01-31/3073" in screen_text(pilot.app)


async def to_applicant_letter(pilot) -> None:
    await to_applicant_letters(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert showing_result(pilot.app)


OPERATOR_SCREENS = {
    "authorities": to_authorities,
    "number form": to_number_form,
    "letter": to_letter,
    "read-out": to_read_out,
    "applicant search": to_applicant_search,
    "applicant's letters": to_applicant_letters,
    "applicant's letter": to_applicant_letter,
}


async def tab_to_new_call(pilot) -> None:
    """Tab, as a keyboard-only operator does, until New call has the focus."""
    for _ in range(20):
        if pilot.app.focused is not None and pilot.app.focused.id == "new-call":
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #new-call; at {pilot.app.focused!r}")


@pytest.mark.parametrize("where", OPERATOR_SCREENS)
async def test_the_new_call_button_is_on_every_operator_screen_and_ends_the_call(register, where):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await OPERATOR_SCREENS[where](pilot)
        await tab_to_new_call(pilot)
        button = app.focused
        assert app.screen.find_widget(button).region.bottom < SIZE[1]  # on the terminal, above the footer
        await pilot.press("enter")
        await pilot.pause()
        nothing_of_the_last_caller(app)
        assert app.focused.id == "agency-filter"
    calls = audit_rows(register, "call")
    assert [(row["outcome"], row["actor"]) for row in calls] == [("new", OPERATOR.user_id)]
    after = [row["action"] for row in audit_rows(register) if row["seq"] > calls[-1]["seq"]]
    assert after == [], after  # the boundary follows everything of the call
