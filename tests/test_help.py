"""F1 help: it tells each mode how it reaches a letter (a citizen's My letters and F4, an
operator's F4 search by applicant), and every line of it reads whole on an 80x24 console."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Static

from izle.data.i18n import LANGUAGES, _
from izle.screens.help import HelpScreen
from tests.conftest import izle_app
from tests.pilot import shown_in, words
from tests.tour import CITIZEN_MODE, OPERATOR_MODE, help_, operator_help

MODES = {"citizen": (CITIZEN_MODE, help_), "operator": (OPERATOR_MODE, operator_help)}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("mode", MODES)
async def test_the_help_names_f4_and_reads_whole_at_80x24(register, mode, lang):
    options, steps = MODES[mode]
    app = izle_app(register, lang=lang, **options)
    async with app.run_test(size=(80, 24)) as pilot:
        await steps(pilot)
        assert isinstance(app.screen, HelpScreen)
        texts = list(app.screen.query("Label, Static").results(Static))
        keys = [words(str(w.render())) for w in texts if w.has_class("help-key")]
        assert any(key.startswith("F4 ") for key in keys), keys
        if mode == "citizen":  # the list is named as its screen names it
            assert any(_("My letters") in str(w.render()) for w in texts)
        for widget in texts:
            assert shown_in(app, widget) == words(str(widget.render())), widget
