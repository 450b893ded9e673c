"""An Excel workbook's first sheet, read as a CSV file would be (openpyxl, loaded only here).

Row numbers are the sheet's own, as Excel shows them (the header is row 1). A cell's value is
turned into the text a CSV export would hold: a date as ISO, a whole number without `.0`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from izle.data.importer.kinds import FileProblem, Problem
from izle.data.importer.reading import header_index
from izle.data.importer.source import Source
from izle.data.i18n import N_


def xlsx_rows(source: Source, kind: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise FileProblem(N_("reading .xlsx needs İzlə's xlsx extra (pipx install 'izle[xlsx]' "
                             "or pip install 'izle[xlsx]'); or save the sheet as CSV instead")) from None
    try:
        book = load_workbook(source.path, read_only=True, data_only=True)
    except Exception as error:  # a zip, XML or format error: all mean "not a workbook"
        raise FileProblem(N_("not an Excel workbook (.xlsx): {error}"), error=str(error)[:200]) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise FileProblem(N_("the file is empty: a header row naming the columns comes first"))
        index, width = header_index(header, kind), len(header)
        for line, values in enumerate(rows, start=2):
            cells = [cell_text(v) for v in values]
            if not any(cells):
                continue
            if any(cells[width:]):
                problems.append(Problem(line, "", N_("expected {expected} values, found {found}"),
                                        {"expected": width, "found": len(cells)}))
                yield line, []
                continue
            cells += [""] * (width - len(cells))
            yield line, [cells[i] if i is not None else "" for i in index]
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
