"""The central register's driver and the spreadsheet reader are extras (`izle[central]`,
`izle[xlsx]`): without them the commands that need them say which extra to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from izle.data.i18n import LANGUAGES, translate
from izle.data.importer.kinds import FileProblem
from izle.data.importer.sheets import xlsx_rows
from izle.data.importer.source import Source


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_central_command_without_the_driver_names_the_central_extra(monkeypatch, lang):
    from izle.tui.cli.run import run

    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` fails as if not installed
    done = CliRunner().invoke(run, ["--lang", lang, "central", "init", "postgresql://nobody@127.0.0.1:1/x"])
    assert done.exit_code == 2
    assert "izle[central]" in done.output and "Traceback" not in done.output


def test_an_xlsx_sheet_without_the_reader_names_the_xlsx_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(FileProblem) as refused:
        list(xlsx_rows(Source(Path(tmp_path / "letters.xlsx"), "xlsx"), "letters", []))
    for lang in LANGUAGES:
        assert "izle[xlsx]" in translate(refused.value.reason, lang)


def test_izle_version_says_the_packages_version():
    from izle import __version__
    from izle.tui.cli.run import run

    done = CliRunner().invoke(run, ["--version"])
    assert done.exit_code == 0 and done.output.strip() == f"izle {__version__}"
