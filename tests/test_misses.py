"""Misses that explain themselves: before the miss that ends a session the person is told how
many remain; a deliberate slow-down says how long it takes; a corrected form asks again."""

from __future__ import annotations

import threading

from izle.data.clock import FixedClock
from izle.data.desk import Mode, Outcome
from izle.data.limits import Limits
from izle.screens.login import LoginScreen
from tests.conftest import CITIZEN, OPERATOR, TODAY, izle_app
from tests.pilot import audit_rows, choose_agency, log_in, look_up, text_of, type_into
from tests.test_desk import log_in as desk_log_in
from tests.test_desk import make_desk, request


def test_the_desk_counts_down_a_citizens_misses_and_not_an_operators(register):
    desk = make_desk(register, limits=Limits(session_misses=3, slow_from=100, miss_answer=0))
    desk_log_in(desk, CITIZEN)
    left = [desk.lookup(request(desk, f"00-00/{n}", "05.03.2026")).misses_left for n in range(2)]
    assert left == [2, 1]
    assert desk.lookup(request(desk, "01-31/3073", "05.03.2026")).misses_left is None  # found
    operator = make_desk(register, Mode.OPERATOR, limits=Limits(slow_from=100, miss_answer=0))
    desk_log_in(operator, OPERATOR)
    assert operator.lookup(request(operator, "00-00/1", "05.03.2026", "Həsənov")).misses_left is None


def test_the_desk_says_how_long_it_will_wait_before_it_waits(register):
    clock = FixedClock(TODAY)
    desk = make_desk(register, clock=clock, limits=Limits(slow_from=1, miss_answer=0))
    desk_log_in(desk, CITIZEN)
    heard: list[tuple[float, float]] = []  # (seconds announced, the clock then)
    desk.lookup(request(desk, "00-00/1", "05.03.2026"), on_wait=lambda s: heard.append((s, clock.monotonic())))
    assert heard == []  # no miss yet: no wait
    before = clock.monotonic()
    answer = desk.lookup(request(desk, "01-31/3073", "05.03.2026"),
                         on_wait=lambda s: heard.append((s, clock.monotonic())))
    assert answer.outcome is Outcome.FOUND
    assert heard == [(0.5, before)]  # told before the wait began
    assert clock.monotonic() - before == 0.5


async def test_the_last_miss_is_announced_before_it_ends_the_session(register):
    app = izle_app(register, lang="en", limits=Limits(session_misses=3, slow_from=100, miss_answer=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, "00-00/1", "05.03.2026")
        assert "2 more unsuccessful searches end this session." in text_of(app, "#lookup-error")
        await look_up(pilot, "00-00/2", "05.03.2026")
        assert "1 more unsuccessful search ends this session." in text_of(app, "#lookup-error")
        await look_up(pilot, "00-00/3", "05.03.2026")
        assert isinstance(app.screen, LoginScreen) and app.session is None
    assert audit_rows(register, "logout")[-1]["outcome"] == "miss_limit"


class HeldClock(FixedClock):
    """A fixed clock whose deliberate waits last until the test lets them go (bounded)."""

    def __init__(self) -> None:
        super().__init__(TODAY)
        self.waiting, self.go = threading.Event(), threading.Event()

    def sleep(self, seconds: float) -> None:
        if seconds >= 0.5:  # the slow-down, not the fixed answer time of a miss
            self.waiting.set()
            self.go.wait(10)
        super().sleep(seconds)


async def test_a_deliberate_wait_says_so_while_it_lasts(register):
    clock = HeldClock()
    app = izle_app(register, lang="en", clock=clock, limits=Limits(slow_from=1, miss_answer=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, CITIZEN)
        await choose_agency(pilot, "baki bas")
        await look_up(pilot, "00-00/1", "05.03.2026")
        await type_into(pilot, "#reg-number", "01-31/3073")
        await pilot.click("#show")
        for _ in range(250):  # until the desk waits and the screen says so (bounded)
            if clock.waiting.is_set() and text_of(app, "#lookup-error").startswith("Please wait"):
                break
            await pilot.pause(0.02)
        assert text_of(app, "#lookup-error") == ("Please wait 1 second: after several "
                                                 "unsuccessful searches every answer takes longer.")
        clock.go.set()
        for _ in range(250):
            if app.screen.query("#result-panel") and app.screen.query_one("#result-panel").display:
                break
            await pilot.pause(0.02)
        assert text_of(app, "#result-unit") == "Customs Control Department"
