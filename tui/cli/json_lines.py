"""Reading `izle lookup --stdin`'s request lines so that no line can end the process.

A line is read as bytes, at most `MAX_LINE` of them (the rest of a longer line is skipped
unread into memory), decoded as strict UTF-8 and parsed as JSON; whatever is wrong with it
becomes a `LineProblem` (a stable code and a msgid), never an exception: deep nesting hits
Python's recursion limit inside `json.loads`, a `"\\ud800"` escape yields a lone surrogate that
SQLite cannot store, and bytes that are not UTF-8 cannot be decoded at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from izle.data.problems import N_

MAX_LINE = 16 * 1024  # bytes; a real request is a few hundred


@dataclass(frozen=True)
class LineProblem:
    code: str
    message: str


TOO_LONG = LineProblem("too_long", N_("A request line is at most 16 KB."))
NOT_UTF8 = LineProblem("bad_encoding", N_("A request line must be UTF-8 text."))
NOT_JSON = LineProblem("bad_json", N_("A request is one JSON object per line."))
NOT_TEXT = LineProblem("bad_text", N_("A request holds text that is not valid Unicode."))


def read_lines(stream: BinaryIO, limit: int = MAX_LINE) -> Iterator[bytes | LineProblem]:
    """Each line of `stream` without its end, or TOO_LONG for a line longer than `limit`
    (read on in `limit`-sized pieces to its end, so memory stays bounded)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or (len(line) == limit + 1 and line.endswith(b"\n")):
            yield line.rstrip(b"\r\n")
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(limit)
        yield TOO_LONG


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def parse_request(line: bytes) -> dict | LineProblem:
    """One line as a JSON object whose keys and string values are valid Unicode."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    try:
        request = json.loads(text)
    except (ValueError, RecursionError):
        return NOT_JSON
    if not isinstance(request, dict):
        return NOT_JSON
    texts = [*request, *(v for v in request.values() if isinstance(v, str))]
    if any(has_surrogate(t) for t in texts):
        return NOT_TEXT
    return request
