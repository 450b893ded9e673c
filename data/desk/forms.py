"""The forms' rules: what a person typed, checked before the register is asked anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from izle.data.i18n import N_
from izle.data.letters import Agency
from izle.data.problems import Problem
from izle.data.text import (fold, has_surrogate, normalize_fin, normalize_phone, normalize_reg_no,
                             parse_typed_date)

LOWEST_YEAR = 1991  # the Committee's register starts with independence


@dataclass(frozen=True)
class FormProblem:
    """A form field that is wrong, and why."""

    field: str  # "phone", "user_id", "number", "date", "caller"
    problem: Problem


@dataclass(frozen=True)
class LookupRequest:
    agency: Agency
    number: str
    reg_date: date
    caller: str = ""


def not_text(**fields: str) -> FormProblem | None:
    """The first field holding a lone surrogate (no character at all: a terminal or a paste
    can deliver one, and no file, hash or query can hold it), refused as bad input."""
    for name, value in fields.items():
        if has_surrogate(value):
            return FormProblem(name, Problem("not_text", N_(
                "This field holds something that is not a letter, digit or sign. Clear it and type it again.")))
    return None


def check_date(text: str, today: date) -> date | FormProblem:
    """A registration date: real, not before LOWEST_YEAR, not after `today`."""
    if not text.strip():
        return FormProblem("date", Problem("empty", N_("Enter the registration date, e.g. 05.03.2026.")))
    try:
        value = parse_typed_date(text)  # 05.03.2026, or 05032026 from a keypad
    except ValueError:
        return FormProblem("date", Problem("no_such_date", N_("There is no such date. Enter it as DD.MM.YYYY, e.g. 05.03.2026.")))
    if value > today:
        return FormProblem("date", Problem("future", N_("The registration date cannot be in the future.")))
    if value.year < LOWEST_YEAR:
        return FormProblem("date", Problem("too_early", N_("The register starts in {year}: check the year."),
                                           {"year": LOWEST_YEAR}))
    return value


def check_lookup(agency: Agency, number: str, date_text: str, caller: str, *, today: date,
                 asks_caller: bool) -> LookupRequest | FormProblem:
    """The number form; `asks_caller`: the caller's FIN or surname must be given too."""
    if bad := not_text(number=number, date=date_text, caller=caller):
        return bad
    number = number.strip()
    if not number:
        return FormProblem("number", Problem("empty", N_("Enter the letter's registration number.")))
    if not normalize_reg_no(number):  # nothing but invisible or control characters
        return FormProblem("number", Problem("number", N_("A registration number has letters or digits, e.g. 01-31/3073.")))
    checked = check_date(date_text, today)
    if isinstance(checked, FormProblem):
        return checked
    caller = caller.strip()
    if asks_caller and not caller:
        return FormProblem("caller", Problem("empty", N_("Ask the caller for the applicant's FIN or surname and enter it as they say it.")))
    return LookupRequest(agency, number, checked, caller)


def check_login(phone_text: str, user_id_text: str) -> tuple[str, str] | FormProblem:
    if bad := not_text(phone=phone_text, user_id=user_id_text):
        return bad
    phone = normalize_phone(phone_text)
    if phone is None:
        return FormProblem("phone", Problem("phone", N_("Enter a mobile number like 050 123 45 67 (+994 and an operator code 10, 50, 51, 55, 60, 70, 77 or 99).")))
    user_id = user_id_text.strip()
    if not user_id:
        return FormProblem("user_id", Problem("user_id", N_("Enter your user ID.")))
    return phone, user_id


def check_applicant(fin_text: str, surname_text: str) -> tuple[str, str] | FormProblem:
    """The operator's applicant search form: a FIN's shape, and a surname."""
    if bad := not_text(fin=fin_text, surname=surname_text):
        return bad
    fin = normalize_fin(fin_text)
    if fin is None:
        return FormProblem("fin", Problem("fin", N_("Enter the applicant's FIN: 7 letters and digits, e.g. 5ZK9Q2M.")))
    if not fold(surname_text).strip():
        return FormProblem("surname", Problem("empty", N_("Enter the applicant's surname as the caller states it.")))
    return fin, surname_text.strip()


def check_api(agency: Agency | None, number: str, date_text: str, fin: str | None,
              surname: str | None, today: date) -> LookupRequest | FormProblem:
    """A machine's request, checked like the number form and in its order (authority,
    number, date), plus exactly one of FIN/surname; `agency` is the one its code named (None:
    no such code)."""
    if agency is None:
        return FormProblem("agency", Problem("agency", N_("No such customs authority code.")))
    checked = check_lookup(agency, number, date_text, "", today=today, asks_caller=False)
    if isinstance(checked, FormProblem):
        return checked
    if not fin and not surname:
        return FormProblem("caller", Problem("no_caller", N_("Give the applicant's FIN or surname (one of them).")))
    if fin and surname:
        return FormProblem("caller", Problem("two_callers", N_("Give the applicant's FIN or surname, not both.")))
    if fin and normalize_fin(fin) is None:
        return FormProblem("caller", Problem("fin", N_("Enter the applicant's FIN: 7 letters and digits, e.g. 5ZK9Q2M.")))
    caller = normalize_fin(fin) if fin else (surname or "").strip()
    return LookupRequest(agency, checked.number, checked.reg_date, caller or "")
