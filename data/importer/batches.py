"""Validated rows in batches: what the writer takes, and what the second process sends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from izle.data.importer.kinds import Problem
from izle.data.importer.reading import WHOLE, Part, read_rows
from izle.data.importer.source import Source
from izle.data.importer.validating import Refs, Validator

BATCH_ROWS = 10_000  # rows per write batch: memory stays flat, progress moves


@dataclass
class Batch:
    values: list  # the good rows' values, one row after another: cheap to send and to bind
    read: int  # rows read in this batch
    refused: int  # of which refused
    position: int  # bytes of the file read so far


def validated_batches(source: Source, kind: str, refs: Refs, today: date, problems: list[Problem],
                      letter_id: Callable[[tuple], int | None] | None = None,
                      part: Part = WHOLE) -> Iterator[Batch]:
    validator = Validator(kind, refs, today, problems, letter_id)
    position = part.start
    read = refused = 0

    def at_byte(n: int) -> None:
        nonlocal position
        position = n

    values: list = []
    pending = 0
    check = validator.row
    for line, raw in read_rows(source, kind, problems, at_byte, part):
        read += 1
        row = check(line, raw)
        if row is None:
            refused += 1
            continue
        values += row
        pending += 1
        if pending >= BATCH_ROWS:
            yield Batch(values, read, refused, position)
            values, pending, read, refused = [], 0, 0, 0
    yield Batch(values, read, refused, source.path.stat().st_size if part.stop is None else position)
