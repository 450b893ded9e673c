"""What each kind of file holds, and how findings and results are told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from izle.data.identities import ROLES  # noqa: F401 - the roles an identities file may give
from izle.data.problems import ProblemError
from izle.data.clock import SystemClock

# kind -> its columns in the order of DESIGN §4 (plus an agency's `sort` and a movement's
# `seq`, which the agency's records may carry), and the columns a file must have.
KINDS: dict[str, tuple[str, ...]] = {
    "agencies": ("code", "name_az", "name_ru", "name_en", "parent_code", "kind", "sort"),
    "units": ("id", "agency_code", "name_az", "name_ru", "name_en"),
    "executors": ("id", "unit_id", "full_name", "phone"),
    "identities": ("user_id", "phone", "fin", "full_name", "role", "pin1"),
    "letters": ("agency_code", "reg_no", "reg_date", "channel", "applicant_fin", "applicant_name",
                "status", "unit_id", "executor_id", "due_date", "needs_study", "extended_to",
                "answered_on", "forwarded_to", "attached_to"),
    "movements": ("agency_code", "reg_no", "reg_date", "at", "status", "unit_id", "executor_id",
                  "note", "seq"),
    "calendar": ("date", "kind", "note"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "agencies": ("code", "name_az"),
    "units": ("id", "agency_code", "name_az"),
    "executors": KINDS["executors"],
    "identities": KINDS["identities"],
    "letters": ("agency_code", "reg_no", "reg_date", "status"),
    "movements": ("agency_code", "reg_no", "reg_date", "at", "status"),
    "calendar": ("date", "kind"),
}
EXTENSIONS = (".csv", ".jsonl", ".xlsx")
AGENCY_KINDS = ("committee", "main_office", "office")
CALENDAR_KINDS = ("workday", "holiday")
# Free text, where a control character is dropped with a warning; in any other column it
# refuses the row (a NUL inside a number must not quietly join two numbers into one).
FREE_TEXT = {"name_az", "name_ru", "name_en", "full_name", "applicant_name", "note",
             "forwarded_to", "attached_to", "channel"}
MULTILINE = {"note"}  # the only column where a newline or tab is kept
MAX_LEN = {"reg_no": 64, "attached_to": 64, "channel": 32, "code": 32, "note": 2000}
DEFAULT_MAX_LEN = 300

Progress = Callable[[int, int, int], None]  # (rows read, bytes read, bytes in the file)


@dataclass(frozen=True)
class Problem:
    """One finding on one line; `reason` is an English msgid, `params` fill its placeholders."""

    line: int
    column: str
    reason: str
    params: dict = field(default_factory=dict)
    warning: bool = False


class FileProblem(ProblemError):
    """The file as a whole cannot be imported (the CLI exits with status 2)."""


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    strict: bool = False


def now_iso() -> str:
    return SystemClock().now().isoformat(timespec="seconds")
