"""What a screen asks of the shell: it posts one of these and the router (tui/router.py)
decides which screen comes next. A screen never pushes another screen or calls the App."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from izle.data.desk import ListAnswer
    from izle.data.letters import Agency
    from izle.data.mobile_id import MidStart


class LoginSteps(Protocol):
    """What the router does to the login screen that asked (screens/login.py)."""

    async def retranslate(self, lang: str) -> None: ...

    def phone_shown(self) -> None: ...

    def take_keys(self) -> None: ...

    def phone_put_away(self, result: None = None) -> None: ...


class Navigate(Message):
    """A screen change a screen asks for (the router handles every subclass)."""


class LanguageChosen(Navigate):
    """The person chose another language on the login screen."""

    def __init__(self, screen: LoginSteps, lang: str) -> None:
        super().__init__()
        self.screen, self.lang = screen, lang


class LoginUnderWay(Navigate):
    """The code is shown: the phone rings; the session's first screen can be built ahead."""

    def __init__(self, screen: LoginSteps, started: MidStart) -> None:
        super().__init__()
        self.screen, self.started = screen, started


class LoggedIn(Navigate):
    """The login succeeded: the session's first screen, with the data it was given ahead."""

    def __init__(self, first_page: ListAnswer | None) -> None:
        super().__init__()
        self.first_page = first_page


class LoginFailed(Navigate):
    """The login was refused or timed out: the phone, if still shown, is put away."""


class TrackOther(Navigate):
    """From a citizen's list: track another letter by its authority, number and date."""


class AgencyChosen(Navigate):
    """An authority was chosen: the number form for it."""

    def __init__(self, agency: Agency) -> None:
        super().__init__()
        self.agency = agency


class FindApplicant(Navigate):
    """An operator's search for a caller's letters by applicant."""


class Back(Navigate):
    """Back to the screen beneath."""


class NewCall(Navigate):
    """An operator's next caller: nothing of the last call may stay."""


class SessionEnded(Navigate):
    """Log out: `reason` for the audit log, `message` (a msgid) for the next login screen."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__()
        self.reason, self.message = reason, message


class OutOfService(Navigate):
    """The register cannot be read: the terminal says so instead of going on."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class StopAsked(Navigate):
    """A kiosk's administrator asked to stop the terminal (asked once more before it stops)."""
