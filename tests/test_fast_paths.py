"""The private Textual calls (screens/fast_paths.py) are fast paths, never needed: the names
they use are still Textual's, and with IZLE_PLAIN_TEXTUAL=1 the story tests pass on the public
fallbacks."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget

from izle.screens import fast_paths
from izle.screens.letters import MyLettersScreen
from tests.conftest import CITIZEN, izle_app
from tests.pilot import enter_pin, settle, start_login

ROOT = Path(__file__).resolve().parents[1]
# A citizen's and an operator's whole story: login, list, lookup, result, back, logout, help.
STORIES = [
    "tests/test_citizen_flow.py::test_a_citizen_with_two_letters_tracks_both_then_back",
    "tests/test_citizen_flow.py::test_f3_logs_out_to_an_empty_login_screen_and_f1_shows_help",
    "tests/test_letters.py::test_an_operator_with_a_matching_fin_and_surname_sees_the_list_and_opens_one",
    "tests/test_fast_paths.py::test_with_plain_textual_no_screen_is_built_ahead",
]


def test_textual_is_the_pinned_version_and_still_has_the_private_names():
    pinned = re.findall(r'"textual==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned == [version("textual")]
    assert callable(App._init_mode) and callable(Screen._refresh_layout)
    assert callable(Widget._css_bases) and isinstance(Widget._css_type_name, str)
    assert {"is_default_css", "tie_breaker", "scope"} <= set(inspect.signature(Stylesheet.add_source).parameters)
    screen = Screen()
    assert callable(screen._compositor.reflow) and hasattr(screen, "_css_update_count")
    assert "_css_update_count" in inspect.getsource(App.__init__)


@pytest.mark.skipif(not fast_paths.PLAIN, reason="run by the plain-Textual story run below")
async def test_with_plain_textual_no_screen_is_built_ahead(register):
    app = izle_app(register)
    async with app.run_test(size=(100, 40)) as pilot:
        await start_login(pilot, CITIZEN)
        await pilot.click("#phone-confirm")
        await settle(pilot)
        assert app.screen_ahead.screen is None  # the fallback: built when it is shown
        await enter_pin(pilot, CITIZEN.pin1)
        assert isinstance(app.screen, MyLettersScreen)
        assert app.screen.query_one("#my-letters").row_count > 0


def test_the_story_tests_pass_on_the_public_fallbacks():
    environment = {**os.environ, "IZLE_PLAIN_TEXTUAL": "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-q", "-p", "no:cacheprovider",
                          *STORIES], cwd=ROOT, env=environment,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert f"{len(STORIES)} passed" in run.stdout and "skipped" not in run.stdout  # the plain one ran
