"""A call-centre operator looks letters up for callers, and sees details only for a checked caller."""

from __future__ import annotations

from datetime import date

import pytest

from izle.screens.login import LoginScreen
from izle.screens.lookup import LookupScreen
from tests.conftest import izle_app, CITIZEN, CITIZEN_FIN, OPERATOR, OTHER_FIN
from tests.pilot import audit_rows, choose_agency, log_in, look_up, start_login, screen_text, settle, text_of, showing_result
from izle.tui.app import IzleApp

SIZE = (100, 40)
LETTER = ("01-31/3073", "05.03.2026")  # Həsənov Orxan's letter at Bakı Baş Gömrük İdarəsi




@pytest.mark.parametrize("caller", ["Həsənov", "hesenov", "HƏSƏNOV", "Hasanov", "Гасанов",
                                    CITIZEN_FIN.lower(), f" {CITIZEN_FIN} "])
async def test_a_verified_caller_hears_where_the_letter_is(register, caller):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *LETTER, caller=caller)
        assert showing_result(app)
        assert text_of(app, "#result-unit") == "Gömrük nəzarəti idarəsi"
        assert text_of(app, "#result-executor") == "Məmmədov Elvin Rauf oğlu"
        assert text_of(app, "#result-applicant") == "Həsənov Orxan Vaqif oğlu"
        assert text_of(app, "#result-channel") == "yazılı"
    lookup = audit_rows(register, "lookup")[-1]
    assert lookup["outcome"] == "found" and lookup["mode"] == "operator"
    assert lookup["actor"] == OPERATOR.user_id
    assert lookup["query"]["check"] == "match" and lookup["query"]["reg_no"] == "01-31/3073"


@pytest.mark.parametrize("caller", ["Quliyeva", OTHER_FIN, "Həsən", "Orxan"])
async def test_an_unverified_caller_learns_nothing_about_the_letter(register, caller):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *LETTER, caller=caller)
        assert isinstance(app.screen, LookupScreen)
        error = text_of(app, "#lookup-error")
        assert "təsdiqlənmədi" in error
        shown = screen_text(app)
        for secret in ("Gömrük nəzarəti", "Məmmədov", "404 11 22", "Həsənov Orxan", "İcradadır"):
            assert secret not in shown
    lookup = audit_rows(register, "lookup")[-1]
    assert lookup["outcome"] == "unverified" and lookup["query"]["check"] == "mismatch"


async def test_the_caller_check_is_asked_for_before_any_lookup(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *LETTER, caller="")
        assert isinstance(app.screen, LookupScreen)
        assert "FİN" in text_of(app, "#lookup-error")
        assert app.focused.id == "caller-check"
    assert audit_rows(register, "lookup") == []


async def test_an_operator_is_told_plainly_when_there_is_no_such_letter(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, "99-99/9999", "05.03.2026", caller="Həsənov")
        assert text_of(app, "#lookup-error") == "Bu orqanda bu nömrə və qeydiyyat tarixi ilə məktub tapılmadı."
    assert audit_rows(register, "lookup")[-1]["outcome"] == "miss"


async def test_a_citizen_is_refused_operator_mode(register):
    """Refused before the verification code is sent: no phone rings for a login that cannot work."""
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        started, start = [], app.desk.provider.start
        app.desk.provider.start = lambda *args: started.append(args) or start(*args)
        await start_login(pilot, CITIZEN)
        assert isinstance(app.screen, LoginScreen)  # no phone panel above it
        assert app.session is None and started == []  # the provider was never asked
        assert text_of(app, "#verification-code") == ""
        assert "operator" in text_of(app, "#login-error")
    login = audit_rows(register, "login")[-1]
    assert login["outcome"] == "ROLE_REFUSED" and login["query"]["before_code"] is True


async def test_a_burst_of_misses_is_flagged_and_the_session_goes_on(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *LETTER, caller="Quliyeva")
        await look_up(pilot, "00-00/1", "05.03.2026", caller="Həsənov")
        assert text_of(app, "#lookup-warning") == ""
        await look_up(pilot, *LETTER, caller="Əliyev")
        assert "Diqqət" in text_of(app, "#lookup-warning")
        # Five misses do not end an operator's session (only a citizen's).
        await look_up(pilot, *LETTER, caller="Əliyev")
        await look_up(pilot, *LETTER, caller="Əliyev")
        assert isinstance(app.screen, LookupScreen) and app.session is not None
        await look_up(pilot, *LETTER, caller="Həsənov")
        assert showing_result(app)
    flags = audit_rows(register, "flag")
    assert [f["outcome"] for f in flags] == ["miss_burst"]
    assert flags[0]["actor"] == OPERATOR.user_id


async def test_back_from_a_result_clears_the_caller_check(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, *LETTER, caller="Həsənov")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#caller-check").value == ""


@pytest.mark.parametrize("caller", ["Quliyeva", "Kuliyeva", "Кулиева", "QULIYEVA"])
async def test_the_usual_spellings_of_a_surname_verify_a_caller(register, caller):
    """Callers and passports write Quliyeva as Kuliyeva, Кулиева (and Əliyeva as Aliyeva,
    Алиева: tests/test_desk.py); a different surname is still refused (above)."""
    app = izle_app(register, mode="operator")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, OPERATOR)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, "01-31/4000", "01.04.2026", caller=caller)
        assert showing_result(app)
        assert text_of(app, "#result-applicant") == "Quliyeva Səbinə Elşən qızı"


async def test_operator_mode_hints_an_operator_identity(tmp_path):
    from izle.data.demo import IDENTITIES, build_demo
    from izle.data.text import format_phone

    build_demo(tmp_path / "register.db", tmp_path / "terminal.db", letters=100)
    operator = next(i for i in IDENTITIES if i.role == "operator")
    app = izle_app(tmp_path / "register.db", mode="operator")
    async with app.run_test(size=SIZE):
        hint = text_of(app, "#demo-hint")
        assert operator.user_id in hint and format_phone(operator.phone) in hint
