"""A tour of every screen and state İzlə can show, for tests that look at all of them
(the catalog check in test_i18n.py, the snapshots in test_snapshots.py)."""

from __future__ import annotations

from tests.conftest import ADMIN, CITIZEN, OPERATOR
from tests.pilot import (choose_agency, log_in, look_up, settle, start_login, to_agency_picker,
                         type_into)


async def login_error(pilot) -> None:
    await pilot.click("#login")
    await settle(pilot)


async def phone(pilot) -> None:
    await start_login(pilot, CITIZEN)


async def phone_pin(pilot) -> None:
    await start_login(pilot, CITIZEN)
    await pilot.click("#phone-confirm")
    await pilot.pause()


async def phone_wrong_pin(pilot) -> None:
    await phone_pin(pilot)
    await type_into(pilot, "#pin1", "0000")
    await pilot.click("#pin1-ok")
    await settle(pilot)


async def my_letters(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await settle(pilot)


async def my_letters_empty(pilot) -> None:
    await log_in(pilot, ADMIN)  # citizen mode outside a kiosk: an identity without letters
    await settle(pilot)


async def agency(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await to_agency_picker(pilot)


async def agency_filtered(pilot) -> None:
    await agency(pilot)
    await type_into(pilot, "#agency-filter", "Бакы Баш Гёмрюк")


async def agency_empty(pilot) -> None:
    await agency(pilot)
    await type_into(pilot, "#agency-filter", "zzzzzz")


async def help_(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await pilot.press("f1")
    await pilot.pause()


async def help_result(pilot) -> None:
    """Help on a letter: what the result shows, the due markers, Back."""
    await result(pilot)
    await pilot.press("f1")
    await pilot.pause()


async def operator_help(pilot) -> None:
    await log_in(pilot, OPERATOR)
    await pilot.press("f1")
    await pilot.pause()


async def idle(pilot) -> None:
    from izle.screens.idle import IdleScreen

    await log_in(pilot, CITIZEN)
    pilot.app.push_screen(IdleScreen(20, pilot.app.clock))
    await pilot.pause()


async def lookup(pilot) -> None:
    await log_in(pilot, CITIZEN)
    await choose_agency(pilot, "baki")


async def lookup_empty(pilot) -> None:
    await lookup(pilot)
    await pilot.click("#show")
    await settle(pilot)


async def lookup_error(pilot) -> None:
    await lookup(pilot)
    await look_up(pilot, "01-31/3073", "31.02.2026")


async def lookup_miss(pilot) -> None:
    await lookup(pilot)
    await look_up(pilot, "99-99/9999", "05.03.2026")


async def result(pilot) -> None:
    await lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026")


async def result_answered(pilot) -> None:
    await lookup(pilot)
    await look_up(pilot, "02-14/118", "12.10.2026")


async def result_long(pilot) -> None:
    """Long unit and executor names, four movements: the newest three show without scrolling."""
    await lookup(pilot)
    await look_up(pilot, "05-22/2201", "01.09.2026")


async def operator_result_long(pilot) -> None:
    await operator_lookup(pilot)
    await look_up(pilot, "05-22/2201", "01.09.2026", caller="Həsənov")


async def operator_lookup(pilot) -> None:
    await log_in(pilot, OPERATOR)
    await choose_agency(pilot, "baki")


async def operator_unverified(pilot) -> None:
    await operator_lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026", caller="Quliyeva")


async def operator_result(pilot) -> None:
    await operator_lookup(pilot)
    await look_up(pilot, "01-31/3073", "05.03.2026", caller="Həsənov")


async def applicant(pilot) -> None:
    await log_in(pilot, OPERATOR)
    await pilot.press("f4")
    await pilot.pause()


async def applicant_search(pilot, surname: str) -> None:
    await applicant(pilot)
    await type_into(pilot, "#applicant-fin", CITIZEN.fin)
    await type_into(pilot, "#applicant-surname", surname)
    await pilot.click("#find-applicant")
    await settle(pilot)


async def applicant_found(pilot) -> None:
    await applicant_search(pilot, "Həsənov")


async def applicant_unverified(pilot) -> None:
    await applicant_search(pilot, "Quliyeva")


async def applicant_error(pilot) -> None:
    await applicant(pilot)
    await pilot.click("#find-applicant")
    await settle(pilot)


async def kiosk_admin(pilot) -> None:
    await log_in(pilot, ADMIN)


CITIZEN_MODE: dict = {}
OPERATOR_MODE = {"mode": "operator"}
KIOSK = {"kiosk": True, "terminal": "kiosk-7"}
# name: (how the app is built, the steps to the screen, the screen it shows [and a widget shown on it])
SCREENS = {
    "login": (CITIZEN_MODE, None, "LoginScreen"),
    "login-error": (CITIZEN_MODE, login_error, "LoginScreen"),
    "phone": (CITIZEN_MODE, phone, "PhoneScreen"),
    "phone-pin": (CITIZEN_MODE, phone_pin, "PhoneScreen"),
    "phone-wrong-pin": (CITIZEN_MODE, phone_wrong_pin, "PhoneScreen"),
    "my-letters": (CITIZEN_MODE, my_letters, "MyLettersScreen"),
    "my-letters-empty": (CITIZEN_MODE, my_letters_empty, "MyLettersScreen"),
    "agency": (CITIZEN_MODE, agency, "AgencyScreen"),
    "agency-filtered": (CITIZEN_MODE, agency_filtered, "AgencyScreen"),
    "agency-empty": (CITIZEN_MODE, agency_empty, "AgencyScreen"),
    "help": (CITIZEN_MODE, help_, "HelpScreen"),
    "help-result": (CITIZEN_MODE, help_result, "HelpScreen"),
    "idle": (CITIZEN_MODE, idle, "IdleScreen"),
    "lookup": (CITIZEN_MODE, lookup, "LookupScreen"),
    "lookup-empty": (CITIZEN_MODE, lookup_empty, "LookupScreen"),
    "lookup-error": (CITIZEN_MODE, lookup_error, "LookupScreen"),
    "lookup-miss": (CITIZEN_MODE, lookup_miss, "LookupScreen"),
    "result": (CITIZEN_MODE, result, "LookupScreen #result-panel"),
    "result-answered": (CITIZEN_MODE, result_answered, "LookupScreen #result-panel"),
    "result-long": (CITIZEN_MODE, result_long, "LookupScreen #result-panel"),
    "operator-lookup": (OPERATOR_MODE, operator_lookup, "LookupScreen"),
    "operator-unverified": (OPERATOR_MODE, operator_unverified, "LookupScreen"),
    "operator-result": (OPERATOR_MODE, operator_result, "LookupScreen #result-panel"),
    "operator-result-long": (OPERATOR_MODE, operator_result_long, "LookupScreen #result-panel"),
    "operator-help": (OPERATOR_MODE, operator_help, "HelpScreen"),
    "operator-applicant": (OPERATOR_MODE, applicant, "ApplicantScreen"),
    "operator-applicant-found": (OPERATOR_MODE, applicant_found, "ApplicantScreen"),
    "operator-applicant-unverified": (OPERATOR_MODE, applicant_unverified, "ApplicantScreen"),
    "operator-applicant-error": (OPERATOR_MODE, applicant_error, "ApplicantScreen"),
    "kiosk-admin": (KIOSK, kiosk_admin, "AdminScreen"),
}
# Screens as a wide terminal (120x40) shows them: the list's columns share the width.
WIDE_SCREENS = {
    "my-letters-wide": (CITIZEN_MODE, my_letters, "MyLettersScreen"),
}
