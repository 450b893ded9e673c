"""A keymap that cannot lie: what a terminal cannot send, or one key for two actions, is refused
at start with a sentence; the keys moved are the keys in force, in the footer and in help."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from izle.data.clock import FixedClock
from izle.data.i18n import set_language
from izle.screens.help import HelpScreen
from izle.screens.letters import MyLettersScreen
from izle.screens.widgets import LocalFooter
from izle.tui.app import IzleApp
from izle.tui.cli.run import run
from izle.tui.settings import KeymapError, Settings, parse_keymap
from tests.conftest import CITIZEN, TODAY
from tests.pilot import log_in, settle, showing_result, words

KEYMAP = "help=ctrl+o logout=ctrl+l back=escape,ctrl+b"


@pytest.mark.parametrize("keymap, sentence", [
    ("help=ctrl+h", "ctrl+h cannot be used for help: terminals send it as Backspace."),
    ("back=ctrl+i", "ctrl+i cannot be used for back: terminals send it as Tab."),
    ("logout=ctrl+j", "ctrl+j cannot be used for logout: terminals send it as Enter."),
    ("lang=ctrl+m", "ctrl+m cannot be used for lang: terminals send it as Enter."),
    ("back=ctrl+[", "ctrl+[ cannot be used for back: terminals send it as Esc."),
    ("help=f3", "f3 cannot do two things: it is given to both help and logout."),
    ("new-call=f12", "f12 cannot do two things: it is given to both back and new-call."),
    ("readout=x", "x cannot be used for readout: typing and moving between fields need it."),
    ("help=tab", "tab cannot be used for help: typing and moving between fields need it."),
    ("help=ctlr+o", "ctlr+o is not a key name İzlə knows (for help)"),
    ("back-to-list=f9", "back-to-list is not an action whose key can be changed"),
    ("help", "not a key assignment: help"),
])
def test_a_keymap_that_would_lie_is_refused_with_a_sentence(keymap, sentence):
    set_language("en")
    with pytest.raises(KeymapError) as refused:
        parse_keymap(keymap)
    assert str(refused.value).startswith(sentence)


def test_keys_that_work_are_taken_as_given():
    assert parse_keymap(KEYMAP + " track-other=F9") == {
        "help": "ctrl+o", "logout": "ctrl+l", "back": "escape,ctrl+b", "track-other": "f9"}


def test_the_command_refuses_it_at_start_in_the_users_language(register):
    result = CliRunner().invoke(run, ["--db", str(register), "--lang", "en", "--keymap", "help=ctrl+h"])
    assert result.exit_code == 2
    assert "ctrl+h cannot be used for help: terminals send it as Backspace" in words(result.output)
    assert "Traceback" not in result.output
    result = CliRunner().invoke(run, ["--db", str(register), "--lang", "az", "--keymap", "help=f3"])
    assert result.exit_code == 2
    assert "f3 iki iş görə bilməz" in words(result.output)


def test_the_settings_refuse_it_too(register):
    with pytest.raises(KeymapError):
        Settings(db_path=register, keymap={"help": "ctrl+h"})


async def test_the_moved_keys_are_the_ones_in_force_in_footer_help_and_on_a_letter(register):
    """A letter opened from "my letters" goes back with the keymap's Back; help opens and
    closes with the keymap's Help; footer and help name those keys, not the defaults."""
    settings = Settings(db_path=register, lang="en", keymap=parse_keymap(KEYMAP))
    app = IzleApp(settings=settings, clock=FixedClock(TODAY), rng=random.Random(7))
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, CITIZEN)
        assert isinstance(app.screen, MyLettersScreen)
        await pilot.press("enter")  # the newest letter
        await settle(pilot)
        assert showing_result(app)
        footer = str(app.screen.query_one(LocalFooter).render())
        assert "Esc/Ctrl+B Back" in footer and "Ctrl+O Help" in footer and "Ctrl+L Log out" in footer
        assert "F1" not in footer and "F12" not in footer and "F3" not in footer
        await pilot.press("f1")  # no longer help
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = [words(str(label.render())) for label in app.screen.query(".help-key")]
        assert "Esc/Ctrl+B Back" in keys and "Ctrl+O Help" in keys and "Ctrl+L Log out" in keys
        assert not any(key.startswith(("F1 ", "F3 ", "Esc/F12 ")) for key in keys)
        await pilot.press("ctrl+o")  # help again closes it
        await pilot.pause()
        assert showing_result(app)
        await pilot.press("ctrl+b")  # Back, on a letter opened from the list
        await pilot.pause()
        assert isinstance(app.screen, MyLettersScreen) and not showing_result(app)
