"""`izle` itself refuses a file that is not a register with a sentence, never a traceback."""

import sqlite3

from click.testing import CliRunner

from izle.tui.cli.run import run
from izle.data.schema import REGISTER_MIGRATIONS


def test_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "register.db"
    bad.write_text("these are not the letters you are looking for")
    result = CliRunner().invoke(run, ["--db", str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert f"{bad} cannot be opened: file is not a database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_database_of_another_program(tmp_path):
    other = tmp_path / "register.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text)")
    conn.close()
    result = CliRunner().invoke(run, ["--db", str(other)])
    assert result.exit_code == 1
    expected = len(REGISTER_MIGRATIONS)
    assert f"{other}: sxem versiyası 0, bu proqram isə {expected} versiyasını gözləyir." in result.output


def test_a_terminal_db_that_is_not_a_database(register, tmp_path):
    bad = tmp_path / "state.db"
    bad.write_text("not a database")
    result = CliRunner().invoke(run, ["--db", str(register), "--state", str(bad), "--lang", "en"])
    assert result.exit_code == 1
    assert f"{bad} cannot be opened: file is not a database" in result.output


def test_the_program_starts_with_its_loaded_objects_out_of_the_collectors_scans(
        register, tmp_path, monkeypatch):
    """A full garbage collection of every loaded module cost 40-50 ms inside the first frame:
    `izle` freezes them before the app runs."""
    import gc

    from izle.tui.app import IzleApp

    seen = []
    monkeypatch.setattr(IzleApp, "run", lambda self: seen.append(gc.get_freeze_count()))
    gc.unfreeze()
    try:
        result = CliRunner().invoke(run, ["--db", str(register), "--state", str(tmp_path / "t.db")])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert seen and seen[0] > 10_000
