"""The whole answer at 80x24 without scrolling: unit, executor, phone, the status
sentence, the due date and the newest three movements, each value beside its own label, in
every language and both modes — checked on what the terminal shows, not on widget state.
A label that needs two lines (Russian "Структурное подразделение") keeps its value two rows
high rather than being cut.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from izle.data.i18n import LANGUAGES, _
from izle.screens.result import FIELDS, LABEL_WIDTH, OPERATOR_FIELDS, Fields
from tests import tour
from tests.conftest import izle_app
from tests.pilot import shown_in, terminal_lines, words

SIZE = (80, 24)
MODES = {"citizen": (tour.result_long, FIELDS),
         "operator": (tour.operator_result_long, OPERATOR_FIELDS + FIELDS)}
NEWEST_THREE = ("15.09.2026", "10.09.2026", "02.09.2026")  # conftest MOVEMENTS of 05-22/2201


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("mode", MODES)
async def test_every_value_reads_beside_its_label_without_scrolling(register, mode, lang):
    steps, fields = MODES[mode]
    app = izle_app(register, **({"mode": "operator"} if mode == "operator" else {}), lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await steps(pilot)
        footer_top = SIZE[1] - 1
        lines = terminal_lines(app)
        left = app.screen.query_one(Fields).content_region.x
        for label, widget_id in fields:
            value = app.screen.query_one(f"#{widget_id}", Static)
            region = value.content_region
            assert region.bottom <= footer_top, f"{widget_id} is below the fold"
            text = words(str(value.render()))
            shown = shown_in(app, value)
            # Whole, or (the one-line names) cut with "…" — never cut silently.
            assert shown == text or (shown.endswith("…") and text.startswith(shown[:-1])), widget_id
            # The label column beside the value's rows: the label, whole, and nothing else.
            drawn = " ".join(line.crop(left, left + LABEL_WIDTH).text
                             for line in lines[region.y:region.bottom])
            assert words(drawn) == words(_(label)), widget_id
        history = shown_in(app, app.screen.query_one("#result-history"))
        assert all(day in history for day in NEWEST_THREE)
        assert app.screen.query_one("#result-history").region.bottom <= footer_top
