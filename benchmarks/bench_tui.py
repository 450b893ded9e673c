"""TUI budgets (DESIGN §6): show-to-result and start-up, each against a bare Textual app.

    python -m benchmarks.bench_tui [--letters N] [--presses K] [--blocks B] [--starts S]

Show-to-result (Pilot, headless, 80x24): the real IzleApp, logged in as the demo citizen
through the real login and phone screens, on the lookup screen with a letter's number and
date filled in. Timed from pressing *show* (`Button.press()`, the message a click posts) until
the first frame showing the result panel has been rendered by the compositor. In between: the
validation, the worker thread with the desk's lookup and its audit row (written and committed
before anything is shown), then the result panel filled, shown in place of the form, laid out
and painted (screens/result.py). The first letter after choosing the authority and the next
ones are reported apart; so is PIN1 OK → the citizen's list painted with its rows.
Floor: `BareLookupApp` below — two Inputs and a Button; the press starts a thread worker that
runs the same SQL (letter and movements, sqlite3, read-only) and pushes a screen of 8 Statics.
The two apps run in alternate blocks (one app at a time in the process), `--presses` each;
before each, what is loaded is frozen out of the garbage collector's scans, as `izle` does.

From the list (`--only list`): what a citizen mostly does now — after the login, Enter on one
of their letters (the table's select action) until the letter is painted in place of the
list; the first after the login and the next ones apart. Floor: the bare app's DataTable of
the same first page, whose Enter reads the letter and its movements in a thread worker and
pushes the same screen of Statics.

Start-up: a fresh interpreter (`python -c`) until the login screen's first frame is rendered,
timed by the parent from spawn to a line the child prints on that frame. Subject: the `izle`
command itself (`tui.cli.main`, `--db` a demo register), headless, its modules read from
bytecode as after `pip install .` (written once by a warm-up run, under work/pycache). Floor: `BareLoginApp`
below — a title, two Labels and Inputs, a Button — through the same harness. Alternated runs.
Plus `python -X importtime` of the modules on the path to the first screen, slowest first.

"Rendered" is detected by wrapping `App._display` (Textual 8.2.8): headless, Textual composes
the frame and skips only the terminal write.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from benchmarks.common import ROOT, WORK, Demo, Row, demo_register, median, print_table

# DESIGN §6: show-to-result (first and next letters) ≤ 1.3×, interpreter start to the login
# screen ≤ 1.5× (a commit of 2026-12-03 had tightened the latter to 1.3× without a word).
SHOW_BUDGET = 1.3
START_BUDGET = 1.5
SIZE = (80, 24)
Times = dict[str, list[float]]  # "login" | "first" | "next" -> seconds
IDLE = 3600.0  # no "still there?" prompt during a benchmark


# --- the floor apps ---------------------------------------------------------------------------

LETTER_SQL = """
SELECT l.id, l.reg_no, l.reg_date, l.status, l.due_date, u.name_az, e.full_name, e.phone
FROM letters l
LEFT JOIN units u ON u.id = l.unit_id
LEFT JOIN executors e ON e.id = l.executor_id
WHERE l.agency_code = ? AND l.reg_no_key = ? AND l.reg_date = ?
"""
# The bare list opens a letter by its id (kept as the row's key): a primary-key read, if
# anything cheaper than İzlə's, which also checks the letter is still the citizen's.
LETTER_BY_ID_SQL = LETTER_SQL.split("WHERE")[0] + "WHERE l.id = ?"
# A citizen's first page of letters, newest first (the index İzlə's list uses).
MY_LETTERS_SQL = """
SELECT a.name_az, l.reg_no, l.reg_date, l.status, l.due_date, l.id
FROM letters l JOIN agencies a ON a.code = l.agency_code
WHERE l.applicant_fin = ? ORDER BY l.reg_date DESC, l.id DESC LIMIT 50
"""
MOVEMENTS_SQL = """
SELECT m.at, m.status, u.name_az, e.full_name, m.note
FROM movements m
LEFT JOIN units u ON u.id = m.unit_id
LEFT JOIN executors e ON e.id = m.executor_id
WHERE m.letter_id = ? ORDER BY m.seq DESC
"""


def bare_apps():
    """The floor apps, built on demand: importing this module must not import Textual.

    Built the way İzlə is: a PIN form whose press checks the PIN1 scrypt hash (the same stored
    hash, in a thread worker) and reads the authorities, then pushes a screen with their
    OptionList (or the citizen's letters in a DataTable, whose Enter opens one the same way);
    choosing one pushes a number form; *show* runs the same indexed SQL in a thread worker and
    pushes a screen of six Statics.
    """
    from textual import on, work
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Button, DataTable, Input, OptionList, Static
    from textual.widgets.option_list import Option

    class BareResult(Screen):
        BINDINGS = [("escape", "app.pop_screen")]

        def __init__(self, values: list[str]) -> None:
            super().__init__()
            self.values = values

        def compose(self) -> ComposeResult:
            for value in self.values:
                yield Static(value, markup=False)

    def show_letter(app, sql: str, args: tuple) -> None:
        """In a worker thread: the letter and its movements, then a BareResult pushed."""
        conn = sqlite3.connect(f"{app.register.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute(sql, args).fetchone()
            moves = conn.execute(MOVEMENTS_SQL, (row[0],)).fetchall()
        finally:
            conn.close()
        values = [str(v) for v in row[5:8]] + [str(row[3]), str(row[4])]
        values.append("\n".join(" ".join(map(str, m)) for m in moves[:3]))
        app.call_from_thread(app.push_screen, BareResult(values))

    class BareLookup(Screen):
        BINDINGS = [("escape", "app.pop_screen")]

        def compose(self) -> ComposeResult:
            yield Input(id="reg-number")
            yield Input(id="reg-date")
            yield Button("Show", id="show")

        @on(Button.Pressed, "#show")
        def show(self) -> None:
            number = self.query_one("#reg-number", Input).value
            day = datetime.strptime(self.query_one("#reg-date", Input).value, "%d.%m.%Y").date()
            self.lookup(number, day.isoformat())

        @work(thread=True)
        def lookup(self, number: str, day: str) -> None:
            show_letter(self.app, LETTER_SQL, (self.app.agency, number, day))  # type: ignore[attr-defined]

    class BareAgency(Screen):
        def __init__(self, names: list[tuple[str, str]]) -> None:
            super().__init__()
            self.names = names

        def compose(self) -> ComposeResult:
            yield Input(id="agency-filter")
            yield OptionList(*(Option(name, id=code) for code, name in self.names),
                             id="agency-list")

        @on(OptionList.OptionSelected)
        def chosen(self, event: OptionList.OptionSelected) -> None:
            self.app.agency = event.option.id  # type: ignore[attr-defined]
            self.app.push_screen(BareLookup())

    class BarePin(Screen):
        def compose(self) -> ComposeResult:
            yield Static("PIN1")
            yield Input(id="pin1", password=True)
            yield Button("OK", id="pin1-ok")

        @on(Button.Pressed, "#pin1-ok")
        def ok(self) -> None:
            self.check(self.query_one("#pin1", Input).value)

        @work(thread=True)
        def check(self, pin: str) -> None:
            from izle.data.identities import pin_matches

            app: BareLookupApp = self.app  # type: ignore[assignment]
            state = sqlite3.connect(app.state)
            try:
                stored = state.execute("SELECT pin1_hash FROM identities WHERE user_id = ?",
                                       (app.user_id,)).fetchone()[0]
            finally:
                state.close()
            assert pin_matches(pin, stored)
            conn = sqlite3.connect(f"{app.register.resolve().as_uri()}?mode=ro", uri=True)
            try:
                if app.fin:  # the citizen's letters first, as İzlə lists them
                    rows = conn.execute(MY_LETTERS_SQL, (app.fin,)).fetchall()
                else:
                    names = conn.execute("SELECT code, name_az FROM agencies ORDER BY sort").fetchall()
            finally:
                conn.close()
            app.call_from_thread(app.push_screen, BareLetters(rows) if app.fin else BareAgency(names))

    class BareLetters(Screen):
        def __init__(self, rows: list[tuple]) -> None:
            super().__init__()
            self.rows = rows

        def compose(self) -> ComposeResult:
            yield DataTable(id="my-letters", cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Authority", "Number", "Date", "State", "Answer due")
            for row in self.rows:
                table.add_row(*map(str, row[:5]), key=str(row[5]))
            table.focus()

        @on(DataTable.RowSelected)
        def chosen(self, event: DataTable.RowSelected) -> None:
            self.open(int(event.row_key.value))  # type: ignore[arg-type]

        @work(thread=True)
        def open(self, letter_id: int) -> None:
            show_letter(self.app, LETTER_BY_ID_SQL, (letter_id,))

    class BareLookupApp(App):
        def __init__(self, register: Path, state: Path, user_id: str, agency: str,
                     fin: str = "") -> None:
            super().__init__()
            self.register, self.state, self.user_id, self.agency = register, state, user_id, agency
            self.fin = fin  # given: after PIN1 the citizen's letters, else the authorities

        def on_mount(self) -> None:
            self.push_screen(BarePin())

    return BareLookupApp, BareLookup, BareResult


# --- painting ---------------------------------------------------------------------------------


class PaintWatch:
    """Notes the first frame, after `expect`, that shows a screen of a given class (and, when
    given, passes a check of that screen), with the frame turned into the terminal's bytes.

    Textual composes every frame in `Screen._compositor_refresh` and hands it to
    `App._display`; headless, `_display` skips only turning it into escape sequences and
    writing them. The spy does that conversion (`render_segments`) for every frame of both
    apps, so the timed span ends where a real terminal would get its bytes.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.target: str | None = None
        self.check: Callable[[object], bool] | None = None
        self.painted_at = 0.0
        self.event = asyncio.Event()
        display = app._display

        def spy(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            render = getattr(renderable, "render_segments", None)
            if render is not None:
                render(app.console)
            if type(screen).__name__ == self.target and (self.check is None or self.check(screen)):
                self.painted_at = time.perf_counter()
                self.target = None
                self.event.set()

        app._display = spy

    def expect(self, screen_class: str, check: Callable[[object], bool] | None = None) -> None:
        self.target, self.check, self.painted_at = screen_class, check, 0.0
        self.event.clear()

    async def wait(self, timeout: float = 30.0) -> float:
        await asyncio.wait_for(self.event.wait(), timeout)
        return self.painted_at


async def until(pilot, check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0.01)


def screen_is(app, name: str) -> Callable[[], bool]:
    return lambda: type(app.screen).__name__ == name


async def arrive(pilot, name: str) -> None:
    """Wait until a screen of this class is the current one and has processed its messages."""
    await until(pilot, screen_is(pilot.app, name))
    await pilot.pause()


def has_options(screen) -> bool:
    found = screen.query("#agency-list")
    return bool(found) and found.first().option_count > 0


# --- show-to-result ---------------------------------------------------------------------------


def samples_of(demo: Demo) -> list[dict]:
    owner = demo.citizen["user_id"]
    return [s for s in demo.info["samples"] if s["owner_user_id"] == owner]


async def _to_pin(pilot, demo: Demo, who: dict | None = None) -> None:
    from textual.widgets import Button, Input

    app, who = pilot.app, who or demo.citizen
    await arrive(pilot, "LoginScreen")
    app.screen.query_one("#phone", Input).value = who["phone"]
    app.screen.query_one("#user-id", Input).value = who["user_id"]
    app.screen.query_one("#login", Button).press()
    await arrive(pilot, "PhoneScreen")
    app.screen.query_one("#phone-confirm", Button).press()
    await until(pilot, lambda: app.screen.query("#pin1").first().display)
    # Təsdiq shows its press for 0.2 s; a person takes longer than that to type PIN1, so its
    # restyle is not inside the timed span of PIN1 OK (as it is not in the bare app's).
    confirm = app.screen.query_one("#phone-confirm", Button)
    await until(pilot, lambda: not confirm.has_class("-active"))
    await pilot.pause()
    app.screen.query_one("#pin1", Input).value = who["pin1"]


def has_rows(screen) -> bool:
    """The citizen's list of letters is painted with its rows."""
    try:
        return screen.query_one("#my-letters").row_count > 0
    except Exception:  # noqa: BLE001 - not composed yet
        return False


LIST_SCREENS = ("MyLettersScreen", "BareLetters")  # painted once their rows are


async def _press_pin(pilot, watch: PaintWatch | None, agency_screen: str) -> float:
    """Press PIN1 OK; seconds until the authority list is painted with its options."""
    from textual.widgets import Button

    await pilot.pause()
    if watch is not None:
        watch.expect(agency_screen, has_rows if agency_screen in LIST_SCREENS else has_options)
    started = time.perf_counter()
    pilot.app.screen.query_one("#pin1-ok", Button).press()
    if watch is None:
        await arrive(pilot, agency_screen)
        return 0.0
    took = await watch.wait() - started
    await arrive(pilot, agency_screen)
    return took


async def _log_in(pilot, demo: Demo, watch: PaintWatch | None = None) -> float:
    """PIN1 OK → the citizen's first screen (their letters) painted; then F4 to the authorities."""
    await _to_pin(pilot, demo)
    seconds = await _press_pin(pilot, watch, "MyLettersScreen")
    await pilot.press("f4")
    await arrive(pilot, "AgencyScreen")
    return seconds


async def _choose_agency(pilot, code: str) -> None:
    from textual.widgets import OptionList

    app = pilot.app
    options = app.screen.query_one("#agency-list", OptionList)
    await until(pilot, lambda: options.option_count > 0)
    options.highlighted = options.get_option_index(code)
    options.action_select()
    await until(pilot, lambda: type(app.screen).__name__ in ("LookupScreen", "BareLookup"))
    await pilot.pause()


def result_in_place(screen) -> bool:
    """İzlə shows a letter in place of its number form (screens/result.py `ResultPanel`)."""
    return screen.result.shown


# Where each app shows a result: (screen class, check of that screen or None).
SUBJECT_RESULT = ("LookupScreen", result_in_place)
FLOOR_RESULT = ("BareResult", None)


async def _press_show(pilot, watch: PaintWatch, result: tuple, sample: dict,
                      click: bool = False) -> float:
    """Fill the form, press show, return the seconds until the result's frame is painted.

    `click`: press with `pilot.click("#show")` (with Pilot's own pauses), else with
    `Button.press()` — the message a click posts, nothing of the harness in the timed span.
    """
    from textual.widgets import Button, Input

    app = pilot.app
    lookup_screen = type(app.screen).__name__
    app.screen.query_one("#reg-number", Input).value = sample["reg_no"]
    app.screen.query_one("#reg-date", Input).value = sample["reg_date"]
    button = app.screen.query_one("#show", Button)
    # A click on a button still showing its last press (-active, 0.2 s) is ignored by Textual.
    await until(pilot, lambda: not button.has_class("-active"))
    await pilot.pause()
    watch.expect(*result)
    started = time.perf_counter()
    if click:
        await pilot.click("#show")
    else:
        button.press()
    took = await watch.wait() - started
    await pilot.pause()
    await pilot.press("escape")  # Back: İzlə closes the panel, the bare app pops its screen
    await until(pilot, lambda: type(app.screen).__name__ == lookup_screen
                and not (hasattr(app.screen, "result") and app.screen.result.shown))
    await pilot.pause()
    return took


async def _rounds(pilot, watch: PaintWatch, result: tuple, letters: list[dict], rounds: int,
                  presses: int, agency_screen: str) -> Times:
    """`rounds` times: choose the authority, the first letter, then `presses` next ones — other
    letters at the same authority, as a person's next letters are (a repeated letter would find
    Textual's content caches warm)."""
    times: Times = {"first": [], "next": []}
    for _round in range(rounds):
        await _choose_agency(pilot, letters[0]["agency"])
        times["first"].append(await _press_show(pilot, watch, result, letters[0]))
        for i in range(presses):
            times["next"].append(await _press_show(pilot, watch, result, letters[1 + i % (len(letters) - 1)]))
        await pilot.press("escape")
        await arrive(pilot, agency_screen)
    return times


NEXT_LETTERS = 5  # letters of the citizen at one authority, besides the first


def with_letters_at_one_authority(demo: Demo, folder: Path) -> tuple[Demo, list[dict]]:
    """A copy of the demo register and terminal.db in which the demo citizen also owns
    `NEXT_LETTERS` other real letters (other units, executors, movements) at the authority of
    their first sample; the shared demo register is left as it is. Returns the copy and the
    letters, the first sample first."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = Demo(folder / "register.db", folder / "terminal.db", demo.letters, demo.info, None)
    for source, target in ((demo.register, copy.register), (demo.state, copy.state)):
        target.unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    first = samples_of(demo)[0]
    with sqlite3.connect(copy.register) as conn:
        rows = conn.execute(
            "SELECT id, reg_no, reg_date FROM letters WHERE agency_code = ? AND "
            "(applicant_fin IS NULL OR applicant_fin <> ?) ORDER BY id LIMIT ?",
            (first["agency"], demo.citizen["fin"], NEXT_LETTERS)).fetchall()
        conn.executemany("UPDATE letters SET applicant_fin = ? WHERE id = ?",
                         [(demo.citizen["fin"], row[0]) for row in rows])
    conn.close()
    others = [{"agency": first["agency"], "reg_no": reg_no,
               "reg_date": datetime.strptime(day, "%Y-%m-%d").strftime("%d.%m.%Y")}
              for _id, reg_no, day in rows]
    return copy, [first, *(others or [first])]  # a tiny register may have no others


def as_izle_starts() -> None:
    """What `izle` does before its app runs (tui/cli/run.py): what is loaded so far is kept out of
    the cyclic collector's scans. Done before every app, of both kinds: else a full collection of
    every object this process has made so far (125-176 ms, measured) lands in a random span."""
    gc.freeze()


async def subject_block(demo: Demo, letters: list[dict], rounds: int, presses: int) -> Times:
    """The real app: log in (timed from PIN1 OK), then choose the authority and look letters
    up, `rounds` times."""
    as_izle_starts()
    from izle.tui.app import IzleApp

    app = IzleApp(demo.register, idle_timeout=IDLE, state_path=demo.state)
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        login = await _log_in(pilot, demo, watch)
        times = await _rounds(pilot, watch, SUBJECT_RESULT, letters, rounds, presses,
                              "AgencyScreen")
        times["login"] = [login]
        return times


async def floor_block(demo: Demo, letters: list[dict], rounds: int, presses: int) -> Times:
    as_izle_starts()
    from izle.data.text import normalize_reg_no

    # The bare app does not normalize: it is given the keys.
    letters = [{**letter, "reg_no": normalize_reg_no(letter["reg_no"])} for letter in letters]
    app_class, _lookup, _result = bare_apps()
    app = app_class(demo.register, demo.state, demo.citizen["user_id"], letters[0]["agency"])
    async with app.run_test(size=SIZE) as pilot:
        from textual.widgets import Input

        watch = PaintWatch(app)
        await arrive(pilot, "BarePin")
        app.screen.query_one("#pin1", Input).value = demo.citizen["pin1"]
        login = await _press_pin(pilot, watch, "BareAgency")
        times = await _rounds(pilot, watch, FLOOR_RESULT, letters, rounds, presses, "BareAgency")
        times["login"] = [login]
        return times


KINDS = ("login", "first", "next")


def show_to_result(demo: Demo, rounds: int, presses: int, blocks: int) -> tuple[Times, Times]:
    """Blocks of the real app and the bare one, alternately (one app at a time); the first
    block of each is a warm-up and is not counted."""
    subject: Times = {k: [] for k in KINDS}
    floor: Times = {k: [] for k in KINDS}
    runs: list[tuple[Callable[[Demo, list[dict], int, int], Awaitable[Times]], Times]] = [
        (subject_block, subject), (floor_block, floor)]
    demo, letters = with_letters_at_one_authority(demo, demo.register.parent / "tui-letters")
    for block in range(blocks + 1):
        for run, times in runs if block % 2 == 0 else reversed(runs):
            got = asyncio.run(run(demo, letters, rounds, presses))
            if block:
                for kind, values in got.items():
                    times[kind] += values
    return subject, floor


# --- login, each first screen against its own floor ----------------------------------------

LOGINS = ("citizen", "operator")


async def subject_login(demo: Demo, who: str) -> float:
    """PIN1 OK → İzlə's first screen painted: a citizen's letters, an operator's authorities."""
    as_izle_starts()
    from izle.tui.app import IzleApp

    person = demo.citizen if who == "citizen" else demo.operator
    app = IzleApp(demo.register, mode=who, idle_timeout=IDLE, state_path=demo.state)
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        await _to_pin(pilot, demo, person)
        return await _press_pin(pilot, watch, "MyLettersScreen" if who == "citizen" else "AgencyScreen")


async def floor_login(demo: Demo, who: str) -> float:
    """The bare app doing the same work: the same PIN1 check, then a DataTable of the citizen's
    letters (same index, first page) or an OptionList of the authorities."""
    as_izle_starts()
    from textual.widgets import Input

    person = demo.citizen if who == "citizen" else demo.operator
    app_class, _lookup, _result = bare_apps()
    app = app_class(demo.register, demo.state, person["user_id"], "",
                    fin=person["fin"] if who == "citizen" else "")
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        await arrive(pilot, "BarePin")
        app.screen.query_one("#pin1", Input).value = person["pin1"]
        return await _press_pin(pilot, watch, "BareLetters" if who == "citizen" else "BareAgency")


LOGINS_PER_BLOCK = 3  # the first of each block is not counted


def logins(demo: Demo, blocks: int) -> tuple[Times, Times]:
    """Blocks of logins of one app, the two apps alternately, a fresh app for each login.

    The first login of each block is not counted: it follows the other app's block in this
    process, with Textual's module-level caches filled by that app — what a terminal, which
    only ever runs İzlə, never sees (it moved İzlə's median by ~20 ms). The others are the
    logins of a terminal already running: one person after another."""
    subject: Times = {who: [] for who in LOGINS}
    floor: Times = {who: [] for who in LOGINS}
    for block in range(blocks + 1):
        for who in LOGINS:
            pair = [(subject_login, subject), (floor_login, floor)]
            for run, times in pair if block % 2 == 0 else reversed(pair):
                for i in range(LOGINS_PER_BLOCK):
                    took = asyncio.run(run(demo, who))
                    if block and i:
                        times[who].append(took)
    return subject, floor


def budget_rows(letters: int, labels: dict[str, str], subject: Times, floor: Times) -> list[Row]:
    """A row per label's key: the medians of both apps against the show/login budget."""
    return [Row(f"{letters:,} letters: {label}, median", median(subject[key]), median(floor[key]),
                "ms", f"≤ {SHOW_BUDGET}x", median(subject[key]) <= SHOW_BUDGET * median(floor[key]))
            for key, label in labels.items()]


def login_rows(letters: int, subject: Times, floor: Times) -> list[Row]:
    return budget_rows(letters, {
        "citizen": "PIN1 OK → a citizen's letters painted (bare: a DataTable of them)",
        "operator": "PIN1 OK → an operator's authority list painted (bare: an OptionList)",
    }, subject, floor)


def spread(values: list[float]) -> str:
    """median [p25–p75] p90, in ms."""
    q = statistics.quantiles(values, n=20) if len(values) > 1 else [values[0]] * 19
    return (f"{median(values) * 1e3:.1f} ms [IQR {q[4] * 1e3:.1f}–{q[14] * 1e3:.1f}, "
            f"p90 {q[17] * 1e3:.1f}]")


def show_rows(letters: int, subject: Times, floor: Times) -> list[Row]:
    budget = f"≤ {SHOW_BUDGET}x"
    labels = {
        "login": "PIN1 OK pressed → first screen painted (İzlə: the citizen's letters; bare: "
                 "an authority list)",
        "first": "show pressed → result painted, first letter after choosing the authority",
        "next": "show pressed → result painted, next letters",
    }
    rows = []
    for kind in KINDS:
        s, f = median(subject[kind]), median(floor[kind])
        rows.append(Row(f"{letters:,} letters: {labels[kind]}, median", s, f, "ms", budget,
                        s <= SHOW_BUDGET * f))
    return rows


def spread_notes(subject: Times, floor: Times) -> list[str]:
    return [f"- {kind}: İzlə {spread(subject[kind])}; bare {spread(floor[kind])} "
            f"({len(subject[kind])} and {len(floor[kind])} samples)" for kind in KINDS]


# --- a letter opened from the citizen's list -------------------------------------------------

LIST_OPENS = 6  # letters opened from the list per login: the first, then the next ones


async def _open_from_list(pilot, watch: PaintWatch, result: tuple, list_screen: str) -> Times:
    """Open the citizen's letters from their list, row by row (Enter: the table's select
    action, what the key runs, nothing of the harness in the timed span); Esc back each time."""
    from textual.widgets import DataTable

    app = pilot.app
    times: Times = {"first": [], "next": []}
    await until(pilot, lambda: has_rows(app.screen))
    for i in range(min(LIST_OPENS, app.screen.query_one("#my-letters", DataTable).row_count)):
        table = app.screen.query_one("#my-letters", DataTable)
        table.move_cursor(row=i)
        await pilot.pause()
        watch.expect(*result)
        started = time.perf_counter()
        table.action_select_cursor()
        times["first" if i == 0 else "next"].append(await watch.wait() - started)
        await pilot.pause()
        await pilot.press("escape")  # İzlə closes the panel, the bare app pops its screen
        await until(pilot, lambda: type(app.screen).__name__ == list_screen
                    and not (hasattr(app.screen, "result") and app.screen.result.shown))
        await pilot.pause()
    return times


async def subject_list(demo: Demo) -> Times:
    as_izle_starts()
    from izle.tui.app import IzleApp

    app = IzleApp(demo.register, idle_timeout=IDLE, state_path=demo.state)
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        await _to_pin(pilot, demo)
        await _press_pin(pilot, None, "MyLettersScreen")
        return await _open_from_list(pilot, watch, ("MyLettersScreen", result_in_place),
                                     "MyLettersScreen")


async def floor_list(demo: Demo) -> Times:
    as_izle_starts()
    from textual.widgets import Input

    person = demo.citizen
    app_class, _lookup, _result = bare_apps()
    app = app_class(demo.register, demo.state, person["user_id"], "", fin=person["fin"])
    async with app.run_test(size=SIZE) as pilot:
        watch = PaintWatch(app)
        await arrive(pilot, "BarePin")
        app.screen.query_one("#pin1", Input).value = person["pin1"]
        await _press_pin(pilot, None, "BareLetters")
        return await _open_from_list(pilot, watch, FLOOR_RESULT, "BareLetters")


def from_the_list(demo: Demo, blocks: int) -> tuple[Times, Times]:
    """Blocks of `LOGINS_PER_BLOCK` fresh apps of one kind, alternately; the first app of a
    block not counted (it runs on Textual's caches as the other app left them, see `logins`)."""
    subject: Times = {"first": [], "next": []}
    floor: Times = {"first": [], "next": []}
    pair = [(subject_list, subject), (floor_list, floor)]
    for block in range(blocks + 1):
        for run, times in pair if block % 2 == 0 else reversed(pair):
            for i in range(LOGINS_PER_BLOCK):
                got = asyncio.run(run(demo))
                if block and i:
                    for kind, values in got.items():
                        times[kind] += values
    return subject, floor


def list_rows(letters: int, subject: Times, floor: Times) -> list[Row]:
    return budget_rows(letters, {
        "first": "Enter on the citizen's list → letter painted, first after the login",
        "next": "Enter on the citizen's list → letter painted, next letters",
    }, subject, floor)


# --- start-up ---------------------------------------------------------------------------------

CHILD = r"""
import os, sys
from textual.app import App

TARGET = sys.argv[1]
_run, _display = App.run, App._display

def run(self, *args, **kwargs):
    kwargs.update(headless=True, size=(80, 24))
    return _run(self, *args, **kwargs)

def display(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is not None and type(screen).__name__ == TARGET:
        os.write(1, b"painted\n")
        os._exit(0)

App.run, App._display = run, display
"""

SUBJECT_CHILD = CHILD + r"""
sys.argv = ["izle", "--db", sys.argv[2], "--idle-timeout", "3600"]
from izle.tui.cli import main
main()
"""

FLOOR_CHILD = CHILD + r"""
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Button, Input, Label

class BareLogin(Screen):
    def compose(self) -> ComposeResult:
        yield Label("İzlə — log in")
        yield Label("Mobile number")
        yield Input(id="phone")
        yield Label("User ID")
        yield Input(id="user-id")
        yield Button("Log in", id="login")

class BareLoginApp(App):
    def on_mount(self) -> None:
        self.push_screen(BareLogin())

BareLoginApp().run()
"""


# Bytecode of the project's modules, as `pip install .` leaves it in site-packages (Textual's
# is there already): the warm-up run writes it here, outside the source tree.
PYCACHE = WORK / "pycache"


def time_child(code: str, *args: str) -> float:
    """Seconds from spawning `python -c code` to its 'painted' line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
    line = child.stdout.readline()  # type: ignore[union-attr]
    took = time.perf_counter() - started
    _out, err = child.communicate(timeout=60)
    if line.strip() != b"painted":
        raise RuntimeError(f"the child never painted its first screen:\n{err.decode()[-2000:]}")
    return took


def start_up(demo: Demo, runs: int) -> tuple[list[float], list[float]]:
    subject: list[float] = []
    floor: list[float] = []
    # Warm the OS cache, and write the bytecode an installed package has.
    time_child(SUBJECT_CHILD, "LoginScreen", str(demo.register))
    time_child(FLOOR_CHILD, "BareLogin")
    for i in range(runs):
        pair = [(lambda: time_child(SUBJECT_CHILD, "LoginScreen", str(demo.register)), subject),
                (lambda: time_child(FLOOR_CHILD, "BareLogin"), floor)]
        for run, times in pair if i % 2 == 0 else reversed(pair):
            times.append(run())
    return subject, floor


IMPORTS = "import izle.tui.cli, izle.tui.app, izle.screens.login"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_profile() -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every import on the path to the login screen."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORTS], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT),
                              "PYTHONPYCACHEPREFIX": str(PYCACHE)})
    return [(int(m[1]), int(m[2]), m[4])
            for m in map(_IMPORT_LINE.match, out.stderr.splitlines()) if m]


def print_import_profile(rows: list[tuple[int, int, str]], top: int = 10) -> None:
    print(f"\nSlowest imports of `{IMPORTS}` (python -X importtime; cumulative includes"
          " what the module imports):\n")
    print("| cumulative | self | module |")
    print("|---|---|---|")
    for own, total, name in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"| {total / 1000:.1f} ms | {own / 1000:.1f} ms | `{name}` |")
    packages: dict[str, int] = {}
    for own, _total, name in rows:
        packages[name.split(".")[0]] = packages.get(name.split(".")[0], 0) + own
    biggest = sorted(packages.items(), key=lambda p: -p[1])[:8]
    print("\nImport time by top-level package (sum of self times): "
          + ", ".join(f"{name} {us / 1000:.1f} ms" for name, us in biggest) + ".")
    found = sorted({"holidays", "sqlite_utils", "babel"} & set(packages))
    print(f"\nHeavy modules on the path to the first screen: {', '.join(found) or 'none'}"
          " (holidays, sqlite_utils and babel must load only where needed).")


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--presses", type=int, default=5,
                        help="next letters after the first, per authority chosen")
    parser.add_argument("--rounds", type=int, default=3, help="authority choices per block")
    parser.add_argument("--blocks", type=int, default=8,
                        help="alternate blocks (fresh app each), plus one warm-up block each")
    parser.add_argument("--starts", type=int, default=12, help="start-ups of each app")
    parser.add_argument("--only", choices=("show", "list", "login", "start"), default=None)
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)

    demo = demo_register(args.letters, args.seed, args.work)
    if args.only in (None, "show"):
        subject, floor = show_to_result(demo, args.rounds, args.presses, args.blocks)
        print_table("Login and show-to-result in the TUI (Pilot, headless, 80x24) vs a bare "
                    "Textual app", show_rows(args.letters, subject, floor), [
            f"{args.blocks} alternate blocks of each app (a fresh app each, after one warm-up "
            f"block each): one login, then {args.rounds} times: choose the authority, look up "
            f"the first letter, then {args.presses} next ones (other letters of the citizen "
            "there). Timed from `Button.press()` to "
            "the first frame showing the target screen, turned into terminal bytes; no "
            "harness pause inside the timed span. Median [interquartile range, p90]:",
            "\n".join(spread_notes(subject, floor)),
        ])
    if args.only in (None, "list"):
        subject, floor = from_the_list(demo, args.blocks)
        print_table("A letter opened from the citizen's list vs a bare DataTable doing the same "
                    "work", list_rows(args.letters, subject, floor), [
            f"{args.blocks} alternate blocks of {LOGINS_PER_BLOCK} fresh apps of each (the first "
            f"of a block not counted), after one warm-up block each: log in, then open up to "
            f"{LIST_OPENS} of the citizen's letters from the list, Esc back after each. Timed "
            "from the table's select action (what Enter runs) to the first frame showing the "
            "letter, turned into terminal bytes. Median [interquartile range, p90]:",
            "\n".join(f"- {kind}: İzlə {spread(subject[kind])}; bare {spread(floor[kind])} "
                      f"({len(subject[kind])} and {len(floor[kind])} samples)"
                      for kind in ("first", "next")),
        ])
    if args.only in (None, "login"):
        subject, floor = logins(demo, args.blocks)
        print_table("Login: PIN1 OK to each mode's first screen vs a bare app doing the same work",
                    login_rows(args.letters, subject, floor), [
            f"{args.blocks} alternate blocks of {LOGINS_PER_BLOCK} logins of each app (a fresh app "
            "each; the first of a block not counted), after one warm-up block each; timed as "
            "above. Median [interquartile range, p90]:",
            "\n".join(f"- {who}: İzlə {spread(subject[who])}; bare {spread(floor[who])}"
                      for who in LOGINS),
        ])
    if args.only in (None, "start"):
        subject, floor = start_up(demo, args.starts)
        print_table("Start-up: interpreter start to the login screen painted vs a bare app", [
            Row("`izle --db …` → login screen painted, median", median(subject), median(floor),
                "ms", f"≤ {START_BUDGET}x", median(subject) <= START_BUDGET * median(floor)),
            Row("slowest", max(subject), max(floor), "ms", "(context)", None),
        ], [f"{len(subject)} start-ups of each, alternated. İzlə {spread(subject)}; "
            f"bare {spread(floor)}."])
        print_import_profile(import_profile())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
