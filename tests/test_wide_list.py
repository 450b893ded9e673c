"""Columns share the width they have: at 120 columns nothing of a demo citizen's list is cut
(az, en; Russian names need more than 120), at 80 the long columns are cut with "…" as before;
and the 80x24 login card holds a two-line message under the demo hint without scrolling."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from izle.data.demo import build_demo
from izle.screens.letters import AUTHORITY_WIDTH, STATE_WIDTH, share_widths
from tests.conftest import Person, izle_app
from tests.pilot import log_in, settle, shown_in, terminal_lines, type_into, words


def test_all_whole_where_all_fit():
    assert share_widths(80, [20, 9, 10, 12, 15]) == [20, 9, 10, 12, 15]


def test_short_columns_whole_and_the_long_two_share_the_rest():
    wants = [43, 9, 10, 31, 15]
    widths = share_widths(64, wants)
    assert widths[1:3] == [9, 10] and widths[4] == 15
    assert widths[0] >= AUTHORITY_WIDTH and widths[3] >= STATE_WIDTH and sum(widths) <= 64
    assert share_widths(40, wants) == [AUTHORITY_WIDTH, 9, 10, STATE_WIDTH, 15]  # a kiosk's least


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    identities = build_demo(folder / "register.db", folder / "terminal.db")["identities"]
    return folder / "register.db", [
        Person(i["user_id"], i["phone"], i["phone"], i["pin1"], i["fin"], i["full_name"], i["role"])
        for i in identities if i["role"] == "citizen"]


def table_lines(app) -> list[str]:
    table = app.screen.query_one("#my-letters", DataTable)
    region = table.region
    return [strip.crop(region.x, region.right).text
            for strip in terminal_lines(app)[region.y:region.bottom]]


async def test_at_120_columns_no_demo_list_is_cut(demo):
    register, citizens = demo
    app = izle_app(register, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        for person in citizens[:2]:  # the first has the widest list (43 + 31 cells of text)
            await log_in(pilot, person)
            await settle(pilot)
            await pilot.pause()
            lines = table_lines(app)
            rows = app.screen._rows.values()
            assert len([line for line in lines if line.strip()]) == 1 + len(rows)
            assert not [line for line in lines if "…" in line], "\n".join(lines)
            for row in rows:  # each authority whole on its row
                assert any(row.agency.name.en in line and row.reg_no in line for line in lines)
            await pilot.press("f3")
            await settle(pilot)


async def test_a_two_line_message_fits_the_80x24_login_card_under_the_demo_hint(demo):
    register, _citizens = demo
    app = izle_app(register, lang="ru", mode="operator")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, "#phone", "12")
        await pilot.click("#login")
        await pilot.pause()
        screen = app.screen
        lines = [strip.text for strip in terminal_lines(app)]
        assert "Режим оператора: вход с Asan İmza" in lines[4]  # operator mode, said at once
        error = screen.query_one("#login-error", Static)
        assert error.content_region.height == 2  # two lines
        for widget in (error, screen.query_one("#demo-hint", Static)):
            assert shown_in(app, widget) == words(str(widget.render()))
        panel = screen.query_one("#login-panel")
        assert panel.region.bottom <= 23 and panel.max_scroll_y == 0  # above the footer, unscrolled
        assert lines[panel.region.bottom - 1].strip().startswith("└")
