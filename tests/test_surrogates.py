"""A lone surrogate (not a character: a terminal or a paste can deliver one) is bad input in
every field, refused with a sentence, never a WorkerFailed or a traceback."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from izle.data.desk import FormProblem, Mode
from izle.screens.lookup import LookupScreen
from tests.conftest import OPERATOR
from tests.pilot import choose_agency, log_in, settle, text_of
from tests.test_desk import make_desk

BAD = "\ud83d"  # half of an emoji's pair


def refused(checked, field: str) -> None:
    assert isinstance(checked, FormProblem) and checked.field == field
    assert checked.problem.code == "not_text"


@pytest.mark.parametrize("field", ["number", "date", "caller"])
def test_the_number_form_refuses_a_surrogate_in_each_field(register, field):
    desk = make_desk(register, Mode.OPERATOR)
    values = {"number": "01-31/3073", "date": "05.03.2026", "caller": "Həsənov"}
    values[field] += BAD
    refused(desk.check_lookup(desk.register.agency("BBGI"), values["number"], values["date"],
                              values["caller"]), field)


@pytest.mark.parametrize("field", ["phone", "user_id"])
def test_the_login_refuses_a_surrogate_in_each_field(register, field):
    desk = make_desk(register)
    values = {"phone": "050 123 45 67", "user_id": "100001"}
    values[field] += BAD
    refused(desk.check_login(values["phone"], values["user_id"]), field)


@pytest.mark.parametrize("field", ["fin", "surname"])
def test_the_applicant_search_refuses_a_surrogate_in_each_field(register, field):
    desk = make_desk(register, Mode.OPERATOR)
    values = {"fin": "5ZK9Q2M", "surname": "Həsənov"}
    values[field] += BAD
    refused(desk.check_applicant(values["fin"], values["surname"]), field)


@pytest.mark.parametrize("field", ["agency", "number", "date", "fin", "surname"])
def test_the_json_api_answers_bad_input_for_a_surrogate_in_each_field(register, field):
    from izle.tui.cli.run import run

    request = {"agency": "BBGI", "number": "01-31/3073", "date": "05.03.2026"}
    request["surname" if field == "surname" else "fin"] = "Həsənov" if field == "surname" else "5ZK9Q2M"
    request[field] = request.get(field, "x") + BAD
    line = json.dumps(request)  # \ud83d escaped: JSON carries it, json.loads gives it back
    done = CliRunner().invoke(run, ["--lang", "en", "lookup", "--json", "--stdin", "--db", str(register)],
                              input=line + "\n")
    assert done.exit_code == 0 and "Traceback" not in done.output
    assert json.loads(done.stdout)["code"] == "bad_text"


async def test_a_surrogate_typed_into_the_caller_check_is_a_sentence_on_screen(register):
    from tests.conftest import izle_app

    app = izle_app(register, mode="operator", lang="en")
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        assert isinstance(app.screen, LookupScreen)
        app.screen.query_one("#reg-number").value = "01-31/3073"
        app.screen.query_one("#reg-date").value = "05.03.2026"
        app.screen.query_one("#caller-check").value = "Həs" + BAD
        await pilot.click("#show")
        await settle(pilot)
        assert "not a letter, digit or sign" in text_of(app, "#lookup-error")
        assert app.is_running
