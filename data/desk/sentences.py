"""What each answer of the desk says to a person: ONE table for every front door (the kiosk's
and the operator's screens, the JSON API), so a sentence is changed in one place.

The sentences are msgids; whoever shows one translates it in the person's language.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from izle.data.i18n import N_
from izle.data.modes import Mode

from izle.data.desk.answers import Consequence, ListAnswer, LookupAnswer, Outcome


class Asked(Enum):
    """What was asked of the desk: the same outcome reads differently for each."""

    LOOKUP = "lookup"  # a letter by its number and date
    SEARCH = "search"  # an operator's search by applicant
    LIST = "list"      # the list of a person's letters
    OPEN = "open"      # a letter opened from that list


class Reply(Enum):
    """An answer as a person hears it: outcome and consequence together."""

    FAILED = "failed"
    LOCKED = "locked"
    UNVERIFIED = "unverified"
    AMBIGUOUS = "ambiguous"
    MISS = "miss"


# (what was asked, the reply, the mode) → msgid; None as the mode: any mode.
SENTENCES: dict[tuple[Asked, Reply, Mode | None], str] = {
    (Asked.LOOKUP, Reply.FAILED, None): N_("The lookup could not be completed. Please try again or ask staff for help."),
    (Asked.LOOKUP, Reply.FAILED, Mode.API): N_("The lookup could not be completed."),
    (Asked.LOOKUP, Reply.LOCKED, Mode.CITIZEN): N_("Too many unsuccessful searches for this account: please try again tomorrow or ask staff for help."),
    (Asked.LOOKUP, Reply.LOCKED, Mode.OPERATOR): N_("Lookups from this account are locked after too many unsuccessful searches. A supervisor can unlock them."),
    (Asked.LOOKUP, Reply.LOCKED, Mode.API): N_("Too many lookups found nothing lately. Please try again later."),
    (Asked.LOOKUP, Reply.UNVERIFIED, None): N_("The caller could not be verified: the FIN or surname they gave does not match the applicant. Give no details of this letter."),
    (Asked.LOOKUP, Reply.AMBIGUOUS, Mode.CITIZEN): N_("More than one of your letters at this authority on this date has a number with these digits. Type the number with its dashes and slashes exactly as printed on your receipt, or choose the letter in the list of your letters."),
    (Asked.LOOKUP, Reply.AMBIGUOUS, Mode.OPERATOR): N_("More than one letter of this applicant at this authority on this date has a number with these digits. Ask the caller for the number with its dashes and slashes exactly as printed on the receipt."),
    (Asked.LOOKUP, Reply.AMBIGUOUS, None): N_("More than one letter of this applicant at this authority on this date has a number with these digits. Give the number with its dashes and slashes exactly as printed on the receipt."),
    (Asked.LOOKUP, Reply.MISS, Mode.CITIZEN): N_("No letter of yours with this number and registration date was found at this authority. Check both on your receipt."),
    (Asked.LOOKUP, Reply.MISS, None): N_("No letter with this number and registration date was found at this authority."),
    (Asked.SEARCH, Reply.FAILED, None): N_("The lookup could not be completed. Please try again or ask staff for help."),
    (Asked.SEARCH, Reply.LOCKED, None): N_("Lookups from this account are locked after too many unsuccessful searches. A supervisor can unlock them."),
    (Asked.SEARCH, Reply.UNVERIFIED, None): N_("The applicant could not be verified: the FIN and surname the caller gave do not name one applicant with letters. Give no details."),
    (Asked.SEARCH, Reply.MISS, None): N_("The applicant could not be verified: the FIN and surname the caller gave do not name one applicant with letters. Give no details."),
    (Asked.LIST, Reply.FAILED, None): N_("Your letters could not be listed. You can still find one of your letters by the number and date on its receipt."),
    (Asked.LIST, Reply.MISS, None): N_("There are no letters under your name in the register. If you have the "
                                       "receipt of a letter of yours, choose “Another of my letters, by its receipt”."),
    (Asked.OPEN, Reply.FAILED, None): N_("The letter could not be opened. Please try again or ask staff for help."),
    (Asked.OPEN, Reply.MISS, None): N_("The letter could not be opened. Please try again or ask staff for help."),
}

# What follows from a miss, said beside the reply (a citizen's session end is said instead).
CONSEQUENCES: dict[Consequence, str] = {
    Consequence.SESSION_ENDED: N_("Too many unsuccessful searches: for your safety the session has ended."),
    Consequence.FLAGGED: N_("Warning: several lookups in a row found nothing or could not verify the caller. This has been recorded for your supervisor."),
}


def reply(answer: LookupAnswer | ListAnswer) -> Reply | None:
    """How the answer reads; None when something was found (the letter or list is shown)."""
    if answer.outcome is Outcome.FAILED:
        return Reply.FAILED
    if answer.outcome is Outcome.REFUSED or answer.consequence is Consequence.LOCKED:
        return Reply.LOCKED
    if answer.outcome is Outcome.FOUND:
        return None
    if answer.outcome is Outcome.AMBIGUOUS:
        return Reply.AMBIGUOUS
    return Reply.UNVERIFIED if answer.outcome is Outcome.UNVERIFIED else Reply.MISS


def sentence(asked: Asked, answer: LookupAnswer | ListAnswer, mode: Mode) -> str | None:
    """The msgid that answers `asked` in `mode`; None when there is nothing to say."""
    said = reply(answer)
    if said is None:
        return None
    return SENTENCES.get((asked, said, mode)) or SENTENCES.get((asked, said, None))


def consequence_sentence(answer: LookupAnswer | ListAnswer) -> str | None:
    """The msgid of what follows from this answer (the session ended, a supervisor's flag)."""
    return CONSEQUENCES.get(answer.consequence)


def spoken(msgid: str | None, translate: Callable[[str], str]) -> str:
    """`msgid` in the person's language, or "" when there is nothing to say (gettext of "" is
    the catalog's header, never an empty sentence)."""
    return translate(msgid) if msgid else ""
