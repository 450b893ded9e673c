"""The result panel is laid out once, unseen, while the person reads the form or list that will
ask for a letter (screens/widgets.py `lay_out_unseen`): the first letter then costs what the
next ones do. What the person sees must not change for it,
and the first letter shown must be the same as without it.
"""

from __future__ import annotations

from izle.screens.widgets import lay_out_unseen
from tests import tour
from tests.conftest import izle_app
from tests.pilot import choose_agency, look_up, screen_text, settle, showing_result

SIZE = (80, 24)


async def test_each_screen_that_shows_letters_has_its_panel_laid_out_before_the_first(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await tour.my_letters(pilot)
        letters = app.screen.result
        assert not letters.display and letters._arrangement_cache  # arranged, never shown
        await choose_agency(pilot, "baki")
        await settle(pilot)
        panel = app.screen.result
        assert not panel.display and panel._arrangement_cache
        assert app.screen.query_one("#lookup-form").display


async def test_laying_out_unseen_changes_nothing_the_person_sees(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await tour.lookup(pilot)
        await pilot.press("0", "1")  # typing the number
        before, focused = screen_text(app), app.focused
        lay_out_unseen(app.screen, app.screen.result, app.screen.query_one("#lookup-form"))
        await pilot.pause()
        assert screen_text(app) == before and app.focused is focused
        assert app.screen.query_one("#reg-number").value.endswith("01")
        assert not showing_result(app)


async def test_the_first_letter_reads_the_same_as_when_it_is_shown_again(register):
    app = izle_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await tour.result_long(pilot)
        first = screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await look_up(pilot, "05-22/2201", "01.09.2026")
        assert showing_result(app) and screen_text(app) == first
        assert "05-22/2201" in first
