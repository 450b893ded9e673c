"""Reading a file: rows as lists of strings in the kind's column order, with their lines.

A row that cannot be read (an unclosed quote, a line that is not JSON, a key given twice) is
refused alone, with its line, as a row with a bad value is: the rest of the file still counts.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TextIO

from izle.data.importer.kinds import KINDS, REQUIRED, FileProblem, Problem
from izle.data.importer.source import Source, not_in
from izle.data.i18n import N_

Rows = Iterator[tuple[int, list[str]]]
OnBytes = Callable[[int], None] | None
# A value may be long (the validator refuses it by its column's limit); past this even the CSV
# reader gives up, and the row is skipped as malformed.
FIELD_LIMIT = 1 << 24
MAX_MALFORMED = 100  # rows skipped as unreadable before the file is given up as not CSV


@dataclass(frozen=True)
class Part:
    """The rows of a file from byte `start` (where line `line` begins) up to line `stop`."""

    start: int = 0
    line: int = 1
    stop: int | None = None


WHOLE = Part()


def read_rows(source: Source, kind: str, problems: list[Problem], on_bytes: OnBytes = None,
              part: Part = WHOLE) -> Rows:
    """(line, values) for every data row; a row of the wrong shape comes with no values and
    its problem in `problems`."""
    if source.format == "xlsx":
        from izle.data.importer.sheets import xlsx_rows

        yield from xlsx_rows(source, kind, problems)
        return
    try:
        if source.format == "csv":
            yield from _csv_rows(source, kind, problems, on_bytes, part)
        else:
            with _text(source, part.start) as f:
                yield from _jsonl_rows(f, kind, problems, on_bytes, part)
    except UnicodeError:  # a byte the codec cannot decode, or a codec that decodes nothing
        raise not_in(source.encoding) from None


@contextmanager
def _text(source: Source, start: int) -> Iterator[TextIO]:
    with open(source.path, "rb") as raw:
        raw.seek(start or source.bom)
        yield io.TextIOWrapper(raw, encoding=source.encoding, newline="")


def split_point(source: Source, fraction: float) -> Part | None:
    """Where a second reader may start, about `fraction` into the file: a line start outside
    any quoted value (an even number of quotes before it, as RFC 4180 doubles inner quotes)."""
    if not source.splittable:
        return None
    with open(source.path, "rb") as f:
        head = f.read(int(source.path.stat().st_size * fraction))
        head += f.readline()
        while head.count(b'"') % 2:
            more = f.readline()
            if not more:
                return None
            head += more
        if not f.read(1):
            return None  # nothing after it
    lines = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n")
    return Part(start=len(head), line=lines + 1)


def header_index(names: list[str], kind: str) -> list[int | None]:
    """Where each of the kind's columns is in the file's header (None: not there)."""
    columns = KINDS[kind]
    names = [n.strip().lower() for n in names]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise FileProblem(N_("duplicate columns: {columns}"), columns=", ".join(dupes))
    if unknown := [n for n in names if n not in columns]:
        raise FileProblem(N_("unknown columns: {columns}"), columns=", ".join(unknown))
    if missing := [c for c in REQUIRED[kind] if c not in names]:
        raise FileProblem(N_("missing columns: {columns}"), columns=", ".join(missing))
    return [names.index(c) if c in names else None for c in columns]


def _reader(lines: Iterator[str], source: Source):
    return csv.reader(lines, delimiter=source.delimiter, strict=True)


def _csv_header(source: Source) -> tuple[list[str], int]:
    """The header's names and the lines it takes."""
    with _text(source, 0) as f:
        reader = _reader(f, source)
        try:
            return next(reader, []), reader.line_num
        except csv.Error as e:
            raise FileProblem(N_("malformed CSV on line {line}: {error}"), line=1,
                              error=str(e)) from None


def _csv_rows(source: Source, kind: str, problems: list[Problem], on_bytes: OnBytes,
              part: Part) -> Rows:
    """The CSV rows; after a row that cannot be read, reading resumes on the line after the
    one it began on (a stray quote swallows what follows it: those lines are read again)."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    header, header_lines = _csv_header(source)
    if not header:
        raise FileProblem(N_("the file is empty: a header row naming the columns comes first"))
    index = header_index(header, kind)
    first = part.line + (header_lines if part.start == 0 else 0)  # the first data line
    malformed = 0
    while first is not None:
        bad = yield from _csv_part(source, part, first, index, len(header), problems, on_bytes)
        first = None
        if bad is not None:
            malformed += 1
            if malformed > MAX_MALFORMED:
                raise FileProblem(N_("more than {count} rows cannot be read as CSV: is this a"
                                     " CSV file?"), count=MAX_MALFORMED)
            line, error = bad
            problems.append(Problem(line, "", N_("this row cannot be read as CSV ({error})"),
                                    {"error": error}))
            yield line, []
            first = line + 1


def _csv_part(source: Source, part: Part, first: int, index: list[int | None], width: int,
              problems: list[Problem], on_bytes: OnBytes):
    """Rows from line `first` to the part's end; returns (line, error) of an unreadable row."""
    in_order = index == list(range(len(index)))
    stop = part.stop or sys.maxsize
    with _text(source, part.start) as f:
        lines = iter(f)
        next(islice(lines, first - part.line, first - part.line), None)  # skip, at C speed
        reader = _reader(lines, source)
        end = first - 1
        try:
            for row in reader:
                line, end = end + 1, first - 1 + reader.line_num  # a quoted value may span lines
                if line >= stop:
                    return None
                if not row:
                    continue  # a blank line
                if len(row) != width:
                    problems.append(Problem(line, "", N_("expected {expected} values, found {found}"),
                                            {"expected": width, "found": len(row)}))
                    yield line, []
                else:
                    yield line, row if in_order else [row[i] if i is not None else "" for i in index]
                if on_bytes is not None and not line & 0xFFF:
                    on_bytes(f.buffer.tell())
        except csv.Error as e:
            return (end + 1, str(e)) if end + 1 < stop else None
    return None


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """json's object hook: a key given twice is refused, not quietly the last value."""
    record: dict = {}
    for key, value in pairs:
        if key in record:
            raise _DuplicateKey(key)
        record[key] = value
    return record


def _jsonl_rows(f: TextIO, kind: str, problems: list[Problem], on_bytes: OnBytes,
                part: Part) -> Rows:
    columns = KINDS[kind]
    stop = part.stop or sys.maxsize
    for line, text in enumerate(f, start=part.line):
        if line >= stop:
            return
        if not text.strip():
            continue
        record = _json_record(line, text, problems)
        bad = record is None
        for key in sorted((record or {}).keys() - set(columns)):
            problems.append(Problem(line, printable(key), N_("unknown column")))
            bad = True
        for column in columns:
            if not bad and isinstance(record.get(column), (dict, list)):  # type: ignore[union-attr]
                problems.append(Problem(line, column, N_("not a plain value")))
                bad = True
        yield line, [] if bad else [_json_text(record.get(c)) for c in columns]  # type: ignore[union-attr]
        if on_bytes is not None and not line & 0xFFF:
            on_bytes(f.buffer.tell())


def _json_record(line: int, text: str, problems: list[Problem]) -> dict | None:
    """The line's object, or None with its problem told."""
    try:
        record = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        problems.append(Problem(line, "", N_("not valid JSON: {error}"), {"error": e.msg}))
        return None
    except _DuplicateKey as e:
        problems.append(Problem(line, printable(str(e.args[0])), N_("the key appears twice")))
        return None
    except (ValueError, RecursionError) as e:  # a number of 5,000 digits; nesting too deep
        problems.append(Problem(line, "", N_("not valid JSON: {error}"), {"error": str(e)[:80]}))
        return None
    if not isinstance(record, dict):
        problems.append(Problem(line, "", N_("not a JSON object")))
        return None
    return record


def printable(name: object) -> str:
    """A column name fit for a message: at most 40 characters, a lone surrogate escaped."""
    return str(name)[:40].encode("utf-8", "backslashreplace").decode("utf-8")


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)
