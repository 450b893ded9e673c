"""Columns share the width they have (screens/list_fit.py). On an operator's 120-column console
every letter's authority and state of a demo citizen's list reads whole in every language —
a letter whose Russian names do not fit on one line takes two, wrapped at words — and on an
80-column kiosk every letter keeps one line (long names cut with "…"). The layout follows a
resize and every page added, and the cursor stays on its letter. Also: the 80x24 login card
holds a two-line message under the demo hint without scrolling."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from izle.data.demo import build_demo
from izle.data.i18n import LANGUAGES, translate
from izle.data.limits import Limits
from izle.data.statuses import STATUS_TITLES
from izle.screens.letters import AUTHORITY_WIDTH, STATE_WIDTH, row_texts
from izle.screens.list_fit import Fit, fit_table, need, share_widths, wrap_cell
from tests.conftest import Person, izle_app
from tests.pilot import log_in, settle, shown_in, terminal_lines, type_into, words

RU_LABELS = ["Орган", "Номер", "Дата", "Состояние", "Срок ответа"]
RU_ROWS = [  # the widest of the demo's Russian names
    ("Западное территориальное главное таможенное управление", "04-22/132", "07.10.2026",
     "Срок рассмотрения продлён", "[!!] 16.11.2026"),
    ("Главное таможенное управление на воздушном транспорте", "01-31/197", "20.11.2026",
     "Зарегистрировано", "11.12.2026"),
    ("Астаринское таможенное управление", "03-21/89", "29.07.2026",
     "Приобщено к предыдущему обращению", "-"),
    ("Государственный таможенный комитет", "02-3/426", "13.11.2026", "На исполнении",
     "[!!] 04.12.2026"),
]


# --- the rule, on texts alone ----------------------------------------------------------------

def test_all_whole_on_one_line_where_all_fit():
    assert share_widths(80, [20, 9, 10, 12, 15]) == [20, 9, 10, 12, 15]
    assert fit_table(121, RU_LABELS, RU_ROWS) == Fit((54, 9, 10, 33, 15), lines=1)


def test_short_columns_whole_and_the_long_two_share_the_rest():
    wants = [43, 9, 10, 31, 15]
    widths = share_widths(64, wants)
    assert widths[1:3] == [9, 10] and widths[4] == 15
    assert widths[0] >= AUTHORITY_WIDTH and widths[3] >= STATE_WIDTH and sum(widths) <= 64
    assert share_widths(40, wants) == [AUTHORITY_WIDTH, 9, 10, STATE_WIDTH, 15]  # a kiosk's least


def test_a_wide_table_wraps_a_long_name_at_words_onto_a_second_line():
    fit = fit_table(106, RU_LABELS, RU_ROWS)  # a 120-column console's room
    assert fit.lines == 2 and fit.widths[1:3] == (9, 10) and fit.widths[4] == 15
    assert sum(fit.widths) <= 106
    heights = []
    for row in RU_ROWS:
        cells = {i: wrap_cell(row[i], fit.widths[i], 2) for i in (0, 3)}
        for i, lines in cells.items():
            assert " ".join(lines) == row[i]  # whole, wrapped between words
            assert all(len(line) <= fit.widths[i] for line in lines)
        heights.append(max(len(lines) for lines in cells.values()))
    assert heights == [2, 2, 1, 1]  # only the letters whose names need it take two lines


def test_a_narrow_table_keeps_one_line_per_letter():
    fit = fit_table(66, RU_LABELS, RU_ROWS)  # an 80-column kiosk's room
    assert fit.lines == 1
    assert fit.widths[1:3] == (9, 10) and fit.widths[4] == 15
    assert fit.widths[0] >= AUTHORITY_WIDTH and fit.widths[3] >= STATE_WIDTH


def test_only_what_does_not_fit_in_two_lines_is_cut():
    name = "Главное управление по администрированию таможенных платежей"
    assert need(name, 2) == len("администрированию таможенных платежей")  # the longer half
    assert wrap_cell(name, 40, 2) == ["Главное управление по администрированию",
                                      "таможенных платежей"]
    assert wrap_cell(name, 25, 2) == ["Главное управление по", "администрированию таможе…"]
    assert wrap_cell("Administration", 6, 2) == ["Admini", "strat…"]  # a word wider than the column


# --- as a person sees it ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    identities = build_demo(folder / "register.db", folder / "terminal.db")["identities"]
    return folder / "register.db", [
        Person(i["user_id"], i["phone"], i["phone"], i["pin1"], i["fin"], i["full_name"], i["role"])
        for i in identities if i["role"] == "citizen"]


def table_of(app) -> DataTable:
    return app.screen.query_one("#my-letters", DataTable)


def table_lines(app) -> list[str]:
    region = table_of(app).region
    return [strip.crop(region.x, region.right).text
            for strip in terminal_lines(app)[region.y:region.bottom]]


def cell_shown(app, row: int, column: int) -> str:
    """What the terminal shows in one cell of the list, its lines joined."""
    table = table_of(app)
    columns, rows = table.ordered_columns, table.ordered_rows
    x = table.region.x + sum(c.get_render_width(table) for c in columns[:column]) - int(table.scroll_x)
    y = table.region.y + 1 + sum(r.height for r in rows[:row]) - int(table.scroll_y)
    width = columns[column].get_render_width(table)
    lines = terminal_lines(app)[y:y + rows[row].height]
    return words(" ".join(strip.crop(x, x + width).text for strip in lines))


def letters(app) -> list:
    return list(app.screen._rows.values())


def state_title(row, lang: str) -> str:
    return translate(STATUS_TITLES[row.status], lang)


async def session(pilot, person) -> None:
    await log_in(pilot, person)
    await settle(pilot)
    await pilot.pause()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_at_120_columns_every_authority_and_state_reads_whole(demo, lang):
    register, citizens = demo
    app = izle_app(register, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        for person in citizens[:2]:  # the first has the widest list
            await session(pilot, person)
            rows, table = letters(app), table_of(app)
            assert not [line for line in table_lines(app) if "…" in line], "\n".join(table_lines(app))
            for i, row in enumerate(rows):
                assert cell_shown(app, i, 0) == row.agency.name.get(lang)
                assert cell_shown(app, i, 1) == row.reg_no
                assert cell_shown(app, i, 3) == state_title(row, lang)
            heights = [r.height for r in table.ordered_rows]
            if lang == "ru":  # Russian names need ~131 columns: some letters take two lines
                assert 2 in heights and set(heights) <= {1, 2}
            else:
                assert set(heights) == {1}
            await pilot.press("f3")
            await settle(pilot)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_at_80_columns_each_letter_keeps_one_line(demo, lang):
    register, citizens = demo
    app = izle_app(register, lang=lang, kiosk=True, terminal="kiosk-7")
    async with app.run_test(size=(80, 24)) as pilot:
        await session(pilot, citizens[0])
        rows, table = letters(app), table_of(app)
        assert [r.height for r in table.ordered_rows] == [1] * len(rows)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scroll
        cut = 0
        for i, row in enumerate(rows):
            assert cell_shown(app, i, 1) == row.reg_no  # the short columns whole
            for column, whole in ((0, row.agency.name.get(lang)), (3, state_title(row, lang))):
                shown = cell_shown(app, i, column)
                assert shown == whole or (shown.endswith("…") and whole.startswith(shown[:-1]))
                cut += shown != whole
        assert cut  # the long names do not all fit: they are cut, the letters stay one line each


@pytest.mark.parametrize("size", [(80, 14), (120, 16)])
async def test_a_list_taller_than_its_room_scrolls_down_never_sideways(demo, size):
    """The scrollbar a long list gets has its room kept: the columns fitted before it came
    still fit, and the due dates stay whole."""
    register, citizens = demo
    app = izle_app(register, lang="ru")
    async with app.run_test(size=size) as pilot:
        await session(pilot, citizens[0])
        table = table_of(app)
        assert table.max_scroll_y > 0  # taller than its room
        assert table.max_scroll_x == 0
        assert table.virtual_size.width <= table.scrollable_content_region.width
        for i, row in enumerate(letters(app)[:3]):
            assert cell_shown(app, i, 2) == row_texts(row, "ru")[2]  # the date
            assert cell_shown(app, i, 4) == row_texts(row, "ru")[4]  # the answer due


async def test_a_resize_lays_the_list_out_again_with_the_cursor_on_its_letter(demo):
    register, citizens = demo
    app = izle_app(register, lang="ru", mode="citizen")
    async with app.run_test(size=(120, 40)) as pilot:
        await session(pilot, citizens[0])
        table = table_of(app)
        await pilot.press("down", "down", "down")
        chosen = table.ordered_rows[table.cursor_row].key
        assert 2 in [r.height for r in table.ordered_rows]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause()
        assert {r.height for r in table.ordered_rows} == {1}
        assert table.ordered_rows[table.cursor_row].key == chosen
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        await pilot.pause()
        assert 2 in [r.height for r in table.ordered_rows]
        assert table.ordered_rows[table.cursor_row].key == chosen
        row = letters(app)[table.cursor_row]
        assert cell_shown(app, table.cursor_row, 0) == row.agency.name.ru
        await pilot.press("enter")  # the letter under the cursor is the one opened
        await settle(pilot)
        assert row.reg_no in str(app.screen.query_one("#result-title", Static).render())


async def test_each_page_added_is_laid_out_with_the_rest_and_the_cursor_stays(demo):
    register, citizens = demo
    app = izle_app(register, lang="ru", limits=Limits(page_size=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await session(pilot, citizens[0])
        table = table_of(app)
        await pilot.press("down")
        chosen = table.ordered_rows[table.cursor_row].key
        for _ in range(5):  # every page asked for as the cursor nears the end
            await settle(pilot)
            await pilot.pause()
        rows = letters(app)
        assert len(rows) == table.row_count > 2  # more than the first page
        assert table.ordered_rows[table.cursor_row].key == chosen
        for i, row in enumerate(rows):  # the rows of the first page as well as the last
            assert cell_shown(app, i, 0) == row.agency.name.ru
            assert cell_shown(app, i, 3) == state_title(row, "ru")


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
