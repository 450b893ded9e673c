"""The session's first screen, built while the person confirms the code and types PIN1.

After PIN1 the person waits for the check (scrypt, ~50 ms, off the UI thread) and then for the
first screen: composing, styling and mounting it was about half of what came after the check.
While the phone asks for the code and PIN1 the UI is idle
for seconds, so the screen is built then, out of sight, and filled and shown when the login
succeeds. Until then it holds nothing of anyone, so a login that fails leaves it for the next.

Out of sight means in a Textual mode (a screen stack) of its own. Each visit has one: the
login is shown in it, then, when the login succeeds, the mode built ahead becomes the visit's
and the login's mode is removed with the login screen and what was typed into it. A logout
shows the next login in the mode the session had, on its blank base screen, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.app import App
from textual.screen import Screen

from izle.screens import fast_paths

S = TypeVar("S", bound=Screen)


class ScreenAhead:
    def __init__(self, app: App) -> None:
        self.app = app
        self._visits = 0
        self._mode = ""  # the mode built ahead, "" when none is
        self._lang = ""

    @property
    def screen(self) -> Screen | None:
        """The screen built ahead and not shown yet, if there is one."""
        return self.app.get_screen_stack(self._mode)[-1] if self._mode else None

    def _blank(self) -> Screen:
        return self._styled(Screen())

    def _styled(self, screen: S) -> S:
        """Marked as styled by the stylesheet as it is now: showing the mode would otherwise
        re-parse every stylesheet of the app (~20 ms, inside what the person waits for)."""
        fast_paths.mark_styled(screen, self.app)
        return screen

    def _new_mode(self) -> str:
        self._visits += 1
        name = f"visit-{self._visits}"
        self.app.add_mode(name, self._blank)
        return name

    def start(self) -> None:
        """The first visit's mode (Textual's own first mode can be neither left for good nor
        removed)."""
        self.app.switch_mode(self._new_mode())

    def prepare(self, build: Callable[[], Screen], lang: str) -> None:
        """Compose, style and mount `build()`'s screen in a mode not shown (once per login).
        Without Textual's private way to make a mode's stack unseen nothing is built: the
        session's first screen is then built when it is shown."""
        if self._mode or not fast_paths.fast():
            return
        app = self.app
        mode = self._mode = self._new_mode()
        self._lang = lang
        fast_paths.build_mode(app, mode)
        app.push_screen(self._styled(build()), mode=mode)

    def take(self, kind: type[S], lang: str) -> S | None:
        """The screen built ahead, if it is a `kind` in this language; else none (and it goes)."""
        screen = self.screen
        if screen is None:
            return None
        if isinstance(screen, kind) and lang == self._lang and screen.is_mounted:
            return screen
        self.discard()
        return None

    def show(self) -> None:
        """The session begins in the mode built ahead; the login's mode goes, with what was
        typed into it."""
        app, login_mode = self.app, self.app.current_mode
        app.switch_mode(self._mode)
        self._mode = ""
        app.remove_mode(login_mode)

    def discard(self) -> None:
        """The screen built ahead is not wanted (another language, another kind of user)."""
        if self._mode:
            self.app.remove_mode(self._mode)
            self._mode = ""
