"""Reading a file: rows as lists of strings in the kind's column order, with their lines."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from data.importer.kinds import EXTENSIONS, KINDS, REQUIRED, FileProblem, Problem
from data.statuses import N_


def check_file(path: Path, kind: str) -> None:
    if kind not in KINDS:
        raise FileProblem(N_("unknown kind {kind}; use one of: {kinds}"), kind=kind,
                          kinds=", ".join(KINDS))
    if path.suffix.lower() not in EXTENSIONS:
        raise FileProblem(N_("unsupported file type “{suffix}”: use .csv or .jsonl"),
                          suffix=path.suffix)
    if not path.is_file():
        raise FileProblem(N_("file not found: {path}"), path=str(path))


@dataclass(frozen=True)
class Part:
    """The rows of a file from byte `start` (where line `line` begins) up to line `stop`."""

    start: int = 0
    line: int = 1
    stop: int | None = None


WHOLE = Part()


def read_rows(path: Path, kind: str, problems: list[Problem],
              on_bytes: Callable[[int], None] | None = None,
              part: Part = WHOLE) -> Iterator[tuple[int, list[str]]]:
    """(line, values) for every data row; a row of the wrong shape comes with no values and
    its problem in `problems`."""
    csv_file = path.suffix.lower() == ".csv"
    try:
        header = _csv_header(path) if csv_file and part.start else None
        with open(path, "rb") as raw:
            raw.seek(part.start)
            f = io.TextIOWrapper(raw, encoding="utf-8-sig" if not part.start else "utf-8",
                                 newline="")
            if csv_file:
                yield from _csv_rows(f, kind, problems, on_bytes, part, header)
            else:
                yield from _jsonl_rows(f, kind, problems, on_bytes, part)
    except UnicodeDecodeError as e:
        raise FileProblem(N_("the file is not UTF-8 text ({error})"), error=str(e)) from None


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def split_point(path: Path, fraction: float) -> Part | None:
    """Where a second reader may start, about `fraction` into the file: a line start outside
    any quoted value (an even number of quotes before it, as RFC 4180 doubles inner quotes)."""
    with open(path, "rb") as f:
        head = f.read(int(path.stat().st_size * fraction))
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


def _header(names: list[str], kind: str) -> list[int | None]:
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


def _csv_rows(f, kind, problems, on_bytes, part: Part, header: list[str] | None
              ) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(f, strict=True)
    base = part.line - 1  # lines before the part
    try:
        if header is None:
            header = next(reader, None)
        if not header:
            raise FileProblem(N_("the file is empty: a header row naming the columns comes first"))
        index = _header(header, kind)
        in_order = index == list(range(len(index)))
        width, end, stop = len(header), base + reader.line_num, part.stop or sys.maxsize
        for row in reader:
            line, end = end + 1, base + reader.line_num  # a quoted value may span lines
            if line >= stop:
                return
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
        raise FileProblem(N_("malformed CSV on line {line}: {error}"), line=base + reader.line_num,
                          error=str(e)) from None


def _jsonl_rows(f, kind, problems, on_bytes, part: Part) -> Iterator[tuple[int, list[str]]]:
    columns = KINDS[kind]
    stop = part.stop or sys.maxsize
    for line, text in enumerate(f, start=part.line):
        if line >= stop:
            return
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as e:
            raise FileProblem(N_("malformed JSON on line {line}: {error}"), line=line,
                              error=e.msg) from None
        if not isinstance(record, dict):
            raise FileProblem(N_("line {line} is not a JSON object"), line=line)
        bad = False
        for key in sorted(record.keys() - set(columns)):
            problems.append(Problem(line, str(key)[:40], N_("unknown column")))
            bad = True
        for column in columns:
            if isinstance(record.get(column), (dict, list)):
                problems.append(Problem(line, column, N_("not a plain value")))
                bad = True
        yield line, [] if bad else [_json_text(record.get(c)) for c in columns]
        if on_bytes is not None and not line & 0xFFF:
            on_bytes(f.buffer.tell())


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)
