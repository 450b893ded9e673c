"""Every screen change is the router's (tui/router.py): screens post messages, receive what they
use when they are built, and reach the App only for what Textual itself defines."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App

from izle.screens.agency import AgencyScreen
from izle.screens.letters import MyLettersScreen
from tests.conftest import CITIZEN, OPERATOR, izle_app
from tests.pilot import log_in, settle

ROOT = Path(__file__).resolve().parents[1]
SCREEN_CHANGES = {"push_screen", "pop_screen", "switch_screen", "switch_mode", "install_screen"}


def _app_attributes(path: Path) -> set[str]:
    """Every `X` of `self.app.X` in the module."""
    return {node.attr for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
            and node.value.attr == "app"}


def test_screens_use_only_what_textual_defines_on_the_app_and_change_no_screen():
    for path in sorted((ROOT / "screens").glob("*.py")):
        used = _app_attributes(path)
        assert used <= set(dir(App)), (path.name, used - set(dir(App)))
        assert not used & SCREEN_CHANGES, (path.name, used & SCREEN_CHANGES)
        source = path.read_text(encoding="utf-8")
        assert "getattr(self.app" not in source, path.name


async def test_a_citizens_track_other_and_back_go_through_the_router(register):
    app = izle_app(register)
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen)
        await pilot.press("f4")
        await settle(pilot)
        agency = app.screen
        assert isinstance(agency, AgencyScreen) and agency.back_to_letters
        assert agency.desk is app.desk and agency.lang == app.lang and agency.profile is app.profile
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyLettersScreen)


async def test_an_operators_first_screen_has_no_way_back_and_finds_by_applicant(register):
    app = izle_app(register, mode="operator")
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, OPERATOR)
        screen = app.screen
        assert isinstance(screen, AgencyScreen) and not screen.back_to_letters
        assert screen.check_action("back", ()) is False
        assert screen.check_action("find_applicant", ()) is True
        assert screen.profile.mode.value == "operator"
