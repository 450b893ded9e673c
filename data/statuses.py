"""The states of a letter, each with a title and one sentence giving its date and the next step.

Titles and sentences are English gettext msgids with `{placeholders}`; data/ knows nothing of
the TUI, so the screen layer translates them with `data.i18n._` and then fills the values in:

    title, sentence, values = explain(letter, deadline, lang)
    _(title), _(sentence).format(**values)

Grounded in DGK's appeal-handling instruction and Law No. 1308-IVQ "On citizens' appeals".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from izle.data.text import format_date
from izle.data.i18n import N_

if TYPE_CHECKING:
    from izle.data.deadlines import Deadline
    from izle.data.letters import LetterView



def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural msgid pair for extraction (`-k NP_:1,2`); shown with ngettext."""
    return singular, plural


REGISTERED = "registered"
IN_EXECUTION = "in_execution"
EXTENDED = "extended"
FORWARDED = "forwarded"
ATTACHED = "attached"
ANSWERED = "answered"

STATUSES = (REGISTERED, IN_EXECUTION, EXTENDED, FORWARDED, ATTACHED, ANSWERED)
# No answer is owed by the authority any more: the deadline stops counting.
CLOSED_STATUSES = frozenset({FORWARDED, ATTACHED, ANSWERED})

STATUS_TITLES: dict[str, str] = {
    # i18n: msgid (az: Qeydiyyata alınıb)
    REGISTERED: N_("Registered"),
    # i18n: msgid (az: İcradadır)
    IN_EXECUTION: N_("In execution"),
    # i18n: msgid (az: Baxılma müddəti uzadılıb)
    EXTENDED: N_("Time for consideration extended"),
    # i18n: msgid (az: Aidiyyəti üzrə göndərilib)
    FORWARDED: N_("Forwarded by competence"),
    # i18n: msgid (az: Əvvəlki müraciətə əlavə edilib)
    ATTACHED: N_("Attached to an earlier letter"),
    # i18n: msgid (az: Cavablandırılıb)
    ANSWERED: N_("Answered"),
}

# Placeholders: {unit} (the unit, or the authority when no unit is assigned yet), {due},
# {registered}, {answered} (dates DD.MM.YYYY), {body} (where it was forwarded), {earlier}
# (the earlier letter's number).
STATUS_SENTENCES: dict[str, str] = {
    # i18n: msgid
    REGISTERED: N_("Registered on {registered} at {unit}; by law an answer is due by {due}."),
    # i18n: msgid
    IN_EXECUTION: N_("In execution at {unit}; by law an answer is due by {due}."),
    # i18n: msgid
    EXTENDED: N_("The time for consideration at {unit} was extended; by law an answer is due by {due}."),
    # i18n: msgid
    FORWARDED: N_("Forwarded to {body}, which will consider it and answer you."),
    # i18n: msgid
    ATTACHED: N_("Attached to the earlier letter {earlier}; you will get one answer to both."),
    # i18n: msgid
    ANSWERED: N_("Answered on {answered}; the answer has been sent to you."),
}

# The same sentences once the legal term has passed without an answer.
OVERDUE_SENTENCES: dict[str, str] = {
    # i18n: msgid
    REGISTERED: N_("Registered on {registered} at {unit}; by law an answer was due by {due}."),
    # i18n: msgid
    IN_EXECUTION: N_("In execution at {unit}; by law an answer was due by {due}."),
    # i18n: msgid
    EXTENDED: N_("The time for consideration at {unit} was extended; by law an answer was due by {due}."),
}

# i18n: msgid — shown when the register holds a status this program does not know.
UNKNOWN_SENTENCE = N_("The state of this letter is recorded as “{status}”.")

# The deadline line of the result panel: a marker (never colour alone) and words.
# ASCII only: a kiosk's Linux console font has no symbols beyond it.
DEADLINE_MARKERS = {"open": "[ ]", "due_today": "[!]", "overdue": "[!!]", "closed": "[x]"}
DEADLINE_TEXTS: dict[str, tuple[str, str]] = {  # state -> (singular, plural) for ngettext
    # i18n: msgid
    "open": NP_("Due by {due}: {n} working day left", "Due by {due}: {n} working days left"),
    # i18n: msgid
    "due_today": NP_("Due today, {due}", "Due today, {due}"),
    # i18n: msgid
    "overdue": NP_("Due by {due}: overdue by {n} working day",
                   "Due by {due}: overdue by {n} working days"),
    # i18n: msgid — answered, forwarded or attached: this authority's part is done. Not "no
    # answer is coming": a forwarded or attached letter's sentence promises one.
    "closed": NP_("Was due by {due}; handling here is complete",
                  "Was due by {due}; handling here is complete"),
}


def explain(letter: LetterView, deadline: Deadline | None, lang: str = "az") -> tuple[str, str, dict]:
    """(title msgid, sentence msgid, values) for a letter; values are display-ready strings."""
    status = letter.status
    unit = letter.unit.get(lang) if letter.unit else letter.agency.name.get(lang)
    values = {
        "status": status,
        "unit": unit,
        "registered": format_date(letter.reg_date),
        "due": format_date(deadline.due) if deadline else "",
        "body": letter.forwarded_to or "",
        "earlier": letter.attached_to or "",
        "answered": format_date(letter.answered_on),
    }
    title = STATUS_TITLES.get(status, status)
    sentence = STATUS_SENTENCES.get(status, UNKNOWN_SENTENCE)
    if deadline is not None and deadline.state == "overdue":
        sentence = OVERDUE_SENTENCES.get(status, sentence)
    return title, sentence, values


def describe_deadline(deadline: Deadline) -> tuple[str, str, str, int, dict]:
    """(marker, singular msgid, plural msgid, n, values) for the due-date line.

    Show it as `marker + " " + ngettext(singular, plural, n).format(**values)`.
    """
    singular, plural = DEADLINE_TEXTS[deadline.state]
    n = deadline.overdue_days if deadline.state == "overdue" else (deadline.days_left or 0)
    return DEADLINE_MARKERS[deadline.state], singular, plural, n, {
        "due": format_date(deadline.due), "n": n,
    }
