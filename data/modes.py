"""The three ways a terminal is used, and what each one's session looks like.

A light module (no register, no audit): the shell reads a mode's profile before the desk is
opened, to paint the login screen and to build the session's first screen ahead of the login.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):  # equal to its name, so settings and audit rows read "citizen"
    CITIZEN = "citizen"    # a kiosk: a person finds only their own letters
    OPERATOR = "operator"  # a call centre: any letter, once the caller is verified
    API = "api"            # another system (the phone line): one request, no login


OPERATOR_ROLES = ("operator", "admin")


@dataclass(frozen=True)
class ModeProfile:
    """The rules a mode's session follows; screens and the desk read them instead of the mode."""

    mode: Mode
    first_screen: str          # "letters" (the person's own) or "agency" (choose, then a number)
    asks_caller: bool          # the number form asks for the caller's FIN or surname
    shows_applicant: bool      # a result shows the applicant and the channel, to check the caller
    applicant_search: bool     # the letters of an applicant named by FIN and surname (F4)
    admitted_roles: tuple[str, ...] | None  # roles that may log in; None: any identity
    locks_lookups: bool        # many misses lock the account (until an admin unlocks it),
                               # rather than end the session and refuse for a while

    @property
    def operator(self) -> bool:
        return self.mode is Mode.OPERATOR


PROFILES = {
    Mode.CITIZEN: ModeProfile(Mode.CITIZEN, first_screen="letters", asks_caller=False,
                              shows_applicant=False, applicant_search=False,
                              admitted_roles=None, locks_lookups=False),
    Mode.OPERATOR: ModeProfile(Mode.OPERATOR, first_screen="agency", asks_caller=True,
                               shows_applicant=True, applicant_search=True,
                               admitted_roles=OPERATOR_ROLES, locks_lookups=True),
    Mode.API: ModeProfile(Mode.API, first_screen="agency", asks_caller=True,
                          shows_applicant=False, applicant_search=False,
                          admitted_roles=None, locks_lookups=False),
}


def profile(mode: Mode | str) -> ModeProfile:
    """The profile of `mode` (its enum or its name: "citizen", "operator", "api")."""
    return PROFILES[Mode(mode)]
