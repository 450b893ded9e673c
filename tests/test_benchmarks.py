"""The benchmarks run and print their figures: each main on a tiny register, a few repetitions.

No timing is asserted here: budgets are measured on demand with `python -m benchmarks.run`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import (bench_api, bench_demo, bench_lookup, bench_memory, bench_timing, bench_tui,
                        run, soak_signals)
from benchmarks.common import percentile

LETTERS, BIG = "300", "400"
TABLE = re.compile(r"^\| figure \| subject \| floor \| ratio \| budget \| verdict \|$", re.M)
RATIO = re.compile(r"\| \d+\.\d\dx \|")


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("benchmarks")


def printed(capsys, main, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def assert_report(out: str) -> None:
    assert TABLE.search(out), out
    assert RATIO.search(out), out
    assert re.search(r"\| (OK|OVER)", out), out


def test_lookup_prints_subject_floor_and_ratio_for_both_sizes(work, capsys):
    out = printed(capsys, bench_lookup.main, "--letters", LETTERS, "--big", BIG, "--keys", "30",
                  "--rounds", "3", "--work", str(work))
    assert_report(out)
    assert "300: find_citizen_letter median vs letter + movements" in out
    assert "400: find_letter p99" in out


def test_show_to_result_and_start_up(work, capsys):
    out = printed(capsys, bench_tui.main, "--letters", LETTERS, "--presses", "1", "--rounds", "1",
                  "--blocks", "1", "--starts", "3", "--work", str(work))
    assert_report(out)
    assert "first letter after choosing the authority" in out and "next letters" in out
    assert "first screen painted (İzlə: the citizen's letters" in out and "login screen painted" in out
    # the login against a bare app doing the same work, each mode's first screen
    assert "a citizen's letters painted (bare: a DataTable of them)" in out
    assert "an operator's authority list painted (bare: an OptionList)" in out
    # a letter opened from the citizen's list, the first after the login and the next ones
    assert "Enter on the citizen's list → letter painted, first after the login" in out
    assert "Enter on the citizen's list → letter painted, next letters" in out
    assert "python -X importtime" in out


def test_memory_compares_two_register_sizes(work, capsys):
    out = printed(capsys, bench_memory.main, "--letters", LETTERS, "--big", BIG, "--lookups", "20",
                  "--only", "size", "--work", str(work))
    assert_report(out)
    assert "register on disk per letter" in out


def test_memory_after_lookups_against_a_bare_app(work):
    """Two lookups through the screens, one run of each side: positive figures for both."""
    from benchmarks.common import demo_register

    demo = demo_register(int(LETTERS), 1, work, quiet=True)
    subject = bench_memory.measure_lookups("subject", demo.register.parent, 2)
    floor = bench_memory.measure_lookups("floor", demo.register.parent, 2)
    for side in (subject, floor):
        assert side["peak"] > side["imported"]["rss"] > 0
        assert "textual.app" in side["modules"]
    assert "izle.tui.app" in subject["modules"] and "izle.tui.app" not in floor["modules"]


def test_memory_table_against_a_bare_app(work, capsys):
    out = printed(capsys, bench_memory.main, "--only", "bare", "--big", LETTERS, "--tui-lookups",
                  "1", "--runs", "1", "--no-traced", "--work", str(work))
    assert_report(out)
    assert "peak RSS after 1 lookups vs a bare Textual app" in out
    assert "modules the bare app has not" in out


def test_demo_rate(work, capsys):
    out = printed(capsys, bench_demo.main, "--letters", "200", "--work", str(work))
    assert_report(out)
    assert "letters per second" in out
    assert (work / "demo-200-seed1" / "demo.json").exists()  # kept as the cached register


def test_the_one_command_writes_results_and_keeps_the_rest_of_the_file(work, tmp_path, capsys):
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Results\n\n{run.BEGIN}\nold\n{run.END}\n\n## Fixes\nkept\n")
    out = printed(capsys, run.main, "--quick", "--only", "lookup", "--only", "import",
                  "--letters", LETTERS, "--work", str(work), "--results", str(results))
    assert_report(out)
    assert "## Summary" in out and "import of 300 letters from CSV vs" in out
    text = results.read_text()
    assert "old" not in text and "## Fixes\nkept" in text and "find_letter" in text
    assert "Textual" in text and "CPU" in text


def test_api_per_request_against_raw_sqlite3(work, capsys):
    out = printed(capsys, bench_api.main, "--letters", LETTERS, "--requests", "30",
                  "--work", str(work))
    assert_report(out)
    assert "izle lookup --json --stdin, 30 requests in one process" in out


def test_timing_reaches_every_door(work, capsys):
    """Its verdict is not asserted: five lookups of each kind prove nothing either way."""
    bench_timing.main(["--letters", LETTERS, "--n", "5", "--work", str(work)])
    out = capsys.readouterr().out
    for line in ("desk   not_yours vs missing: KS p", "stdin  wrong_fin vs wrong_surname: sign p",
                 "stdin  missing vs wrong_date: KS p",
                 "search fin_with_letters vs fin_without_letters: sign p"):
        assert line in out, out
    assert "\nRESULT " in out


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 99) == 99 and percentile(values, 50) == 50
    assert percentile([5.0], 99) == 5.0


def test_sync_benchmark_runs_against_the_server(capsys):
    from benchmarks import bench_sync
    from tests.central_pg import admin_url

    out = printed(capsys, bench_sync.main, "--letters", "300", "--changed", "50", "--terminals", "3",
                  "--small", "50", "--pg", admin_url())
    assert_report(out)
    assert "first sync of 300 letters" in out and "queries per sync" in out


def test_the_one_command_skips_sync_without_a_server_and_says_why(monkeypatch, capsys):
    monkeypatch.setenv("IZLE_TEST_PG", "postgresql://nobody@127.0.0.1:1/none")
    out = printed(capsys, run.main, "--only", "sync")
    assert "SKIPPED: no PostgreSQL server answers" in out and "FAILED TO RUN" not in out


def test_jepsen_benchmark_runs_against_the_server(capsys):
    from benchmarks import bench_jepsen
    from tests.central_pg import admin_url

    out = printed(capsys, bench_jepsen.main, "--seeds", "1", "--syncs", "3", "--baseline-seeds",
                  "1", "--held-letters", "100", "--held-changed", "20", "--pg", admin_url())
    assert_report(out)
    assert "exact rule: syncs off their snapshot, of 12 (1 seeds) | 0 " in out
    assert "[20, 20, 20, 20, 20] vs old rule [20, 40, 60, 80, 100]" in out


def test_the_signal_soak_runs_and_every_run_ends_cleanly(work, capsys):
    """Three runs of benchmarks/soak_signals.py (seed 2: SIGTERM, a hang-up in a pty, one in tmux)."""
    out = printed(capsys, soak_signals.main, "--runs", "3", "--jobs", "1", "--seed", "2",
                  "--moments", "painted,phone", "--kinds", "SIGTERM,hangup,tmux",
                  "--letters", LETTERS, "--work", str(work))
    assert "3 runs in" in out and ": 3 clean" in out, out
    assert "exited within 15 s of the signal: 3 of 3" in out, out
