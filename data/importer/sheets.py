"""An Excel workbook's first sheet, read as a CSV file would be (openpyxl, loaded only here).

Row numbers are the sheet's own, as Excel shows them (the header is row 1). A cell's value is
turned into the text a CSV export would hold: a date as ISO, a whole number without `.0`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

from izle.data.importer.kinds import FileProblem, Problem
from izle.data.importer.reading import header_index
from izle.data.importer.source import Source
from izle.data.i18n import N_


# openpyxl holds one cell's text, and every shared string, in memory: bounded before it reads.
# Excel's own limit is 32,767 characters a cell; in the XML that is at most ~6 bytes each.
MAX_CELL_BYTES = 256 * 1024
MAX_SHARED_STRINGS_BYTES = 64 << 20
MAX_WORKBOOK_BYTES = 4 << 30  # uncompressed: a million rows of letters is well under 1 GB
_CHUNK = 1 << 20
_LONG_TEXT = re.compile(rb"[^<>]{%d,}" % MAX_CELL_BYTES)


def check_bounds(path) -> None:
    """FileProblem when the workbook would take more memory than a sheet of letters needs."""
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
            if sum(m.file_size for m in members) > MAX_WORKBOOK_BYTES:
                raise FileProblem(N_("the workbook is larger than {limit} GB unpacked: save the"
                                     " sheet as CSV instead"), limit=MAX_WORKBOOK_BYTES >> 30)
            for member in members:
                if member.filename == "xl/sharedStrings.xml" and \
                        member.file_size > MAX_SHARED_STRINGS_BYTES:
                    raise FileProblem(N_("the workbook's text is larger than {limit} MB: save the"
                                         " sheet as CSV instead"), limit=MAX_SHARED_STRINGS_BYTES >> 20)
                if member.filename.startswith("xl/worksheets/") or \
                        member.filename == "xl/sharedStrings.xml":
                    _check_cells(book, member)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as error:
        raise FileProblem(N_("not an Excel workbook (.xlsx): {error}"), error=str(error)[:200]) from None


def _check_cells(book: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Stream the part unpacked, a MiB at a time, looking for a text run over the cell limit."""
    carried = 0  # text bytes since the last tag, from the chunks before
    with book.open(member) as part:
        while chunk := part.read(_CHUNK):
            first = min((i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0),
                        default=len(chunk))
            last = max(chunk.rfind(b"<"), chunk.rfind(b">"))
            if carried + first >= MAX_CELL_BYTES or _LONG_TEXT.search(chunk):
                raise FileProblem(N_("a cell holds more than 32,767 characters, Excel's own limit:"
                                     " nothing was imported"))
            carried = carried + len(chunk) if last < 0 else len(chunk) - last - 1


def xlsx_rows(source: Source, kind: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    try:  # first: without the reader no workbook can be read, whatever this one holds
        from openpyxl import load_workbook
    except ImportError:
        raise FileProblem(N_("reading .xlsx needs İzlə's xlsx extra (pipx install 'izle[xlsx]' "
                             "or pip install 'izle[xlsx]'); or save the sheet as CSV instead")) from None
    check_bounds(source.path)
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
