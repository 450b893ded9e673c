"""Fuzzing the import's row parsers: whatever the bytes, every row is accepted or
refused with a reason; the only other outcome is a FileProblem sentence, never a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from izle.data.importer import FileProblem, import_file
from izle.data.importer.batches import validated_batches
from izle.data.importer.kinds import KINDS
from izle.data.importer.source import open_source
from izle.data.importer.validating import Refs

TODAY = date(2026, 3, 10)
COLUMNS = KINDS["letters"]
# Any code point, lone surrogates and NUL included; now and then a field past 128 KB.
chars = st.characters(blacklist_categories=())
fields = st.one_of(st.text(chars, max_size=12), st.sampled_from(
    ["DGK", "1/1", "05.03.2026", "31.02.2026", "registered", "1", "7", "1\x002", '"', "x" * 140_000]))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def refs() -> Refs:
    return Refs(agencies={"DGK"}, units={"1"}, executors={"7": "1"})


def parse(path: Path) -> tuple[int, int]:
    """(rows read, rows refused), or (-1, -1) for a file refused whole with a sentence; asserts
    every accepted value is storable text."""
    problems: list = []
    read = refused = 0
    try:
        for batch in validated_batches(open_source(path, "letters"), "letters", refs(), TODAY,
                                       problems):
            read, refused = read + batch.read, refused + batch.refused
            for value in batch.values:
                if isinstance(value, str):
                    value.encode("utf-8")  # a lone surrogate here would crash SQLite's binding
    except FileProblem:
        return -1, -1
    assert refused == 0 or any(not p.warning for p in problems)
    return read, refused


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(COLUMNS + ("colour",)), fields), max_size=5),
       st.lists(st.binary(max_size=40), max_size=3))
def test_json_lines_rows_are_accepted_or_refused(folder, records, junk):
    path = folder / "fuzz.jsonl"
    lines = [json.dumps(r).encode() for r in records] + junk + [b'{"reg_no": 1' + b"0" * 5000 + b"}"]
    path.write_bytes(b"\n".join(lines))
    read, refused = parse(path)
    assert read == -1 or read >= len(records)


@FUZZ
@given(st.lists(st.lists(fields, min_size=1, max_size=6), max_size=5), st.sampled_from([",", ";", "\t"]))
def test_csv_rows_are_accepted_or_refused(folder, records, delimiter):
    path = folder / "fuzz.csv"
    header = delimiter.join(("agency_code", "reg_no", "reg_date", "status"))
    body = "\n".join(delimiter.join(row) for row in records)
    path.write_bytes((header + "\n" + body).encode("utf-8", "surrogatepass"))
    parse(path)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(("reg_no", "applicant_name", "status")), fields),
                min_size=1, max_size=3))
def test_the_whole_import_never_raises_more_than_a_sentence(folder, records):
    register = folder / "register.db"
    path = folder / "whole.jsonl"
    path.write_text("\n".join(json.dumps({"agency_code": "DGK", "reg_date": "2026-03-05",
                                          "status": "registered", **r}) for r in records))
    if not register.exists():
        (folder / "agencies.csv").write_text("code,name_az\nDGK,Komitə\n")
        import_file(register, folder / "agencies.csv", "agencies", today=TODAY)
    result = import_file(register, path, "letters", today=TODAY)
    assert result.read == len(records) and result.refused <= result.read
