"""Every key in force is readable in the footer: on every screen of each mode, in az, ru and
en, on an 80x24 console (and a 60x17 kiosk), each shown key and its label stand whole on one of
the footer's rows at the bottom of the terminal — a Russian operator's letter has New call and
Read out too, and its legend takes two rows rather than losing Ctrl+Q. Modal screens (the phone,
help, the read-out, the stop question) show their own keys, not the stale legend beneath.

The idle prompt alone has no footer: any key answers it (tests/test_kiosk.py).
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from izle.data.i18n import LANGUAGES, _
from izle.screens.widgets import KioskKey, LocalFooter, legend_rows, shown_keys
from tests.conftest import ADMIN, CITIZEN, OPERATOR, izle_app
from tests.pilot import (choose_agency, enter_pin, look_up, settle, start_login, terminal_lines,
                         to_agency_picker, type_into)


def test_a_legend_wraps_between_keys_never_inside_one():
    assert legend_rows([10, 12, 9], 80) == [3]
    assert legend_rows([40, 30, 12], 80) == [2, 1]  # 40 + 30 + 12 - 1 > 80
    assert legend_rows([40, 41], 80) == [2]  # the last trailing space may pass the edge
    assert legend_rows([90, 5], 80) == [1, 1]  # wider than the row: on a row of its own
    assert legend_rows([], 80) == [0]


def footer_rows(app) -> list[str]:
    """The terminal's rows where the current screen's footer is drawn."""
    footer = app.screen.query_one(LocalFooter)
    region = footer.region
    lines = terminal_lines(app)
    return [lines[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


def expected_items(app) -> list[str]:
    """What the footer must show whole: each shown key with its label (a kiosk: each button's
    label, and its hint)."""
    footer = app.screen.query_one(LocalFooter)
    if footer.has_class("-kiosk"):
        items = [str(button.label) for button in footer.query(KioskKey)]
        return items + [str(hint.render()) for hint in footer.query(".kiosk-hint").results(Static)]
    return [f"{app.get_key_display(binding)} {_(binding.description)}"
            for binding, _enabled in shown_keys(app.screen)]


def every_key_whole(app, where: str, seen: list[str]) -> None:
    width, height = app.size
    footer = app.screen.query_one(LocalFooter)
    region = footer.region
    assert (region.x, region.width, region.bottom) == (0, width, height), \
        f"{where}: the footer is not the terminal's bottom rows: {region}"
    rows, items = footer_rows(app), expected_items(app)
    assert items, f"{where}: no key in the footer"
    for item in items:
        assert any(item in row for row in rows), f"{where}: {item!r} is not whole in {rows}"
    seen.append(where)


async def walk_citizen(pilot, check) -> None:
    await check("login")
    await pilot.click("#login")  # nothing typed: a message
    await settle(pilot)
    await check("login with a message")
    await start_login(pilot, CITIZEN)
    await check("phone")
    await pilot.click("#phone-confirm")
    await pilot.pause()
    await check("phone: PIN1")
    await enter_pin(pilot, CITIZEN.pin1)
    await check("my letters")
    await pilot.press("enter")
    await settle(pilot)
    await check("a letter from my letters")
    await pilot.press("f1")
    await pilot.pause()
    await check("help on a letter")
    await pilot.press("escape", "escape")
    await pilot.pause()
    await to_agency_picker(pilot)
    await check("authorities")
    await choose_agency(pilot, "baki bas")
    await check("number form")
    await look_up(pilot, "01-31/9999", "05.03.2026")
    await check("number form after a miss")
    await look_up(pilot, "01-31/3073", "05.03.2026")
    await check("a letter")


async def walk_operator(pilot, check) -> None:
    await check("login")
    await start_login(pilot, OPERATOR)
    await check("phone")
    await pilot.click("#phone-confirm")
    await pilot.pause()
    await enter_pin(pilot, OPERATOR.pin1)
    await check("authorities")
    await pilot.press("f1")
    await pilot.pause()
    await check("help on the authorities")
    await pilot.press("escape")
    await choose_agency(pilot, "baki bas")
    await check("number form")
    for _miss in range(3):  # the third in a row is flagged: two messages
        await look_up(pilot, "01-31/3073", "05.03.2026", caller="Quliyeva")
    await check("number form, caller not verified, flagged")
    await look_up(pilot, "01-31/3073", "05.03.2026", caller="Həsənov")
    await check("a letter")
    await pilot.press("f6")
    await pilot.pause()
    await check("read-out")
    await pilot.press("escape")
    await pilot.press("f5")  # the next caller
    await pilot.pause()
    await pilot.press("f4")
    await pilot.pause()
    await check("applicant search")
    await type_into(pilot, "#applicant-fin", CITIZEN.fin)
    await type_into(pilot, "#applicant-surname", "Həsənov")
    await pilot.click("#find-applicant")
    await settle(pilot)
    await check("an applicant's letters")
    await pilot.press("enter")
    await settle(pilot)
    await check("a letter from an applicant's letters")


async def walk_kiosk(pilot, check) -> None:
    await walk_citizen(pilot, check)
    await pilot.press("f3")
    await settle(pilot)
    await start_login(pilot, ADMIN)
    await pilot.click("#phone-confirm")
    await pilot.pause()
    await enter_pin(pilot, ADMIN.pin1)
    await check("kiosk administration")
    await pilot.click("#stop-terminal")
    await pilot.pause()
    await check("stop this terminal?")


WALKS = {
    "citizen": ({}, walk_citizen, [(80, 24)]),
    "operator": ({"mode": "operator"}, walk_operator, [(80, 24)]),
    "kiosk": ({"kiosk": True, "terminal": "kiosk-7"}, walk_kiosk, [(80, 24), (60, 17)]),
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("mode", WALKS)
async def test_every_screen_shows_every_key_whole_in_its_footer(register, mode, lang):
    options, walk, sizes = WALKS[mode]
    for size in sizes:
        app = izle_app(register, lang=lang, **options)
        seen: list[str] = []
        async with app.run_test(size=size) as pilot:
            async def check(where: str) -> None:
                await pilot.pause()
                every_key_whole(app, f"{mode} {lang} {size}: {where}", seen)

            await walk(pilot, check)
        assert len(seen) >= 9


async def test_a_russian_operators_letter_keeps_every_key_on_two_rows(register):
    app = izle_app(register, lang="ru", mode="operator")
    async with app.run_test(size=(80, 24)) as pilot:
        await start_login(pilot, OPERATOR)
        await pilot.click("#phone-confirm")
        await pilot.pause()
        await enter_pin(pilot, OPERATOR.pin1)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, "01-31/3073", "05.03.2026", caller="Həsənov")
        rows = footer_rows(app)
        assert len(rows) == 2
        assert "F5 Новый звонок" in rows[0] and "F6 Зачитать" in rows[0]
        assert rows[1].strip() == "Ctrl+Q Закрыть программу"
        await pilot.press("escape")  # the form's legend fits one row again
        await pilot.pause()
        assert len(footer_rows(app)) == 1
