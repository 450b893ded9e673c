"""What a file is before its rows are read: its format, its text encoding and its delimiter.

Offices save CSV from Excel: in an Azerbaijani or Russian locale that is `;`-separated, often
in Windows-1251 or UTF-16. The byte order mark decides where there is one; a file without one
is read as UTF-8 unless `--encoding` says otherwise (cp1251 and cp1254 bytes look alike, so
guessing between them would be unsafe: the refusal names the option instead).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from izle.data.importer.kinds import EXTENSIONS, KINDS, FileProblem
from izle.data.i18n import N_

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"))
DELIMITERS = (",", ";", "\t")
HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class Source:
    """A file to import: `encoding` is a Python codec name, `bom` the bytes to skip."""

    path: Path
    format: str  # "csv", "jsonl" or "xlsx"
    encoding: str = "utf-8"
    bom: int = 0
    delimiter: str = ","

    @property
    def splittable(self) -> bool:
        """Whether a second reader may start at a byte found by counting quotes and newlines:
        true of CSV in an encoding where those are single ASCII bytes."""
        return self.format == "csv" and _ascii_compatible(self.encoding)


def open_source(path: Path, kind: str, encoding: str | None = None) -> Source:
    """The Source of `path`, or FileProblem saying in one sentence why it cannot be read."""
    if kind not in KINDS:
        raise FileProblem(N_("unknown kind {kind}; use one of: {kinds}"), kind=kind,
                          kinds=", ".join(KINDS))
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileProblem(N_("unsupported file type “{suffix}”: use .csv, .jsonl or .xlsx"),
                          suffix=path.suffix)
    if not path.is_file():
        raise FileProblem(N_("file not found: {path}"), path=str(path))
    if suffix == ".xlsx":
        return Source(path, "xlsx")
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    codec, bom = _encoding(head, encoding)
    text = _decode_head(head[bom:], codec)
    delimiter = sniff_delimiter(text.partition("\n")[0]) if suffix == ".csv" else ","
    return Source(path, suffix[1:], codec, bom, delimiter)


def _encoding(head: bytes, given: str | None) -> tuple[str, int]:
    for bom, codec in BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    if given:
        return text_codec(given), 0
    if head.count(b"\x00") * 4 > len(head):  # ASCII in UTF-16: a zero in every other byte
        raise FileProblem(N_("the file looks like UTF-16 without a byte order mark: give"
                             " --encoding utf-16-le (or utf-16-be)"))
    return "utf-8", 0


@lru_cache(maxsize=None)
def _ascii_compatible(codec: str) -> bool:
    """Newlines, quotes and delimiters are the same single bytes as in ASCII (not UTF-16/32,
    not EBCDIC)."""
    try:
        return '\n\r",;\t'.encode(codec) == b'\n\r",;\t'
    except (UnicodeError, LookupError):
        return False


def text_codec(given: str) -> str:
    """The codec named `given` if it decodes text that CSV reads line by line (cp1251, utf-16,
    ...); FileProblem for an unknown name and for codecs of bytes or of nothing (base64, zlib,
    rot13, undefined), which would fail half-way or turn the file into something else."""
    try:
        info = codecs.lookup(given)
    except LookupError:
        raise FileProblem(N_("unknown encoding “{encoding}”; for example --encoding cp1251"),
                          encoding=given[:40]) from None
    if not getattr(info, "_is_text_encoding", True) or not _reads_csv(info.name):
        raise FileProblem(N_("“{encoding}” is not a text encoding a spreadsheet saves in; for"
                             " example --encoding cp1251 or --encoding utf-16"), encoding=given[:40])
    return info.name


def _reads_csv(codec: str) -> bool:
    """Whether CSV's own characters survive a round trip through the codec."""
    sample = 'code;name,"x"\t\r\n'
    try:
        return sample.encode(codec).decode(codec) == sample
    except (UnicodeError, LookupError, TypeError, ValueError):
        return False


def _decode_head(head: bytes, codec: str) -> str:
    """The head as text; a cut in the middle of a character at its end is not an error."""
    try:
        return codecs.getincrementaldecoder(codec)().decode(head, final=False)
    except UnicodeError:
        raise not_in(codec) from None


def not_in(codec: str) -> FileProblem:
    return FileProblem(N_("the file cannot be read as {encoding}: give the encoding it was saved"
                          " in, e.g. --encoding cp1251 (Windows Cyrillic) or --encoding utf-16"),
                       encoding=codec.upper())


def sniff_delimiter(header: str) -> str:
    """`,`, `;` or tab: whichever the header line has most of outside quotes (`,` on a tie)."""
    outside = "".join(header.split('"')[::2])
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","
