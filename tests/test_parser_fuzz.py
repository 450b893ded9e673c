"""Every parser of what a person types, fed anything: lone surrogates, NULs, escapes, huge
strings. Each answers with a value or a refusal, never an exception."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from izle.data.caller import caller_key, caller_matches
from izle.data.desk import Desk, FormProblem, LookupRequest, Mode
from izle.data.letters import Agency, Names
from izle.data.text import fold, normalize_fin, normalize_phone, normalize_reg_no, parse_date

# Any code point, surrogates included, and the strings that break naive parsers.
ANY = st.one_of(
    st.text(st.characters(codec=None, categories=None), max_size=60),
    st.sampled_from(["\ud800", "\x00", "\x1b[2J", "9" * 100_000, "№", "+994", "31.02.2026",
                     "0000-00-00", "99.99.9999", "\u202e", "İıƏə",
                     # letters whose marks reach them only after a space or control is dropped
                     # (normalize_reg_no once needed a second pass for these)
                     "01-31/C´3073", "S \u0327", "O\x01\u0308", "\u1fe2"]),
)
E164 = re.compile(r"^\+994(10|50|51|55|60|70|77|99)\d{7}$")
AGENCY = Agency("BBGI", Names("Bakı Baş Gömrük İdarəsi"), None, "main_office", 1)


@given(ANY)
def test_a_phone_is_e164_or_refused(text):
    phone = normalize_phone(text)
    assert phone is None or E164.match(phone)


@given(ANY)
def test_a_fin_is_seven_capitals_and_digits_or_refused(text):
    fin = normalize_fin(text)
    assert fin is None or re.fullmatch(r"[0-9A-HJ-NP-Z]{7}", fin)


@given(ANY)
def test_a_letter_number_always_has_a_key_and_the_key_is_stable(text):
    key = normalize_reg_no(text)
    assert normalize_reg_no(key) == key and "\x1b" not in key and " " not in key


@given(ANY)
def test_a_date_is_a_date_or_a_value_error(text):
    try:
        parse_date(text)
    except ValueError:
        pass


@given(ANY, ANY)
def test_the_caller_check_never_fails(stated, name):
    caller_key(stated)
    fold(stated)
    assert caller_matches("5ZK9Q2M", name, stated) in (True, False)


class _NoDesk(Desk):
    """The desk's form checks need no register, store or provider."""

    def __init__(self, mode: Mode) -> None:
        from izle.data.clock import FixedClock

        self.clock, self.mode = FixedClock(), mode


@settings(max_examples=200)
@given(ANY, ANY, ANY, ANY, st.sampled_from([Mode.CITIZEN, Mode.OPERATOR]))
def test_the_forms_answer_a_request_or_a_problem(phone, number, day, caller, mode):
    desk = _NoDesk(mode)
    login = desk.check_login(phone, number)
    assert isinstance(login, FormProblem) or E164.match(login[0])
    checked = desk.check_lookup(AGENCY, number, day, caller)
    assert isinstance(checked, (FormProblem, LookupRequest))
    if isinstance(checked, LookupRequest):
        assert checked.reg_date <= desk.today()
