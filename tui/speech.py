"""What a screen says when it is shown and when the focus moves (data/speech.py decides how).

Read from what the screen shows, so every screen speaks without code of its own: its title
(the purpose), any error on it, a letter's result fields, and the focused control — a field's
label and value, a button's label. A password field's value is never read; field values and a
letter's details are personal (said only on a private kiosk).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static

from izle.data.i18n import _
from izle.data.speech import Said, Speaker

if TYPE_CHECKING:
    from textual.screen import Screen

RESULT_FIELDS = ("result-unit", "result-executor", "result-phone", "result-status", "result-due")


def _shown(widget: Widget) -> bool:
    return widget.display and all(node.display for node in widget.ancestors if isinstance(node, Widget))


def _text(widget: Widget) -> str:
    if isinstance(widget, Button):
        return str(widget.label).strip()
    if isinstance(widget, (Static, Label)):
        return " ".join(str(widget.render()).split())
    return ""


class ScreenReader:
    """The app's speech: `screen_shown` and `focus_moved` are called by the shell."""

    def __init__(self, speaker: Speaker, lang: Callable[[], str]) -> None:
        self.speaker = speaker
        self._lang = lang
        self._seen: tuple = ()  # the screen, its errors and its letter, as last said
        self._unheard: list[Said] = []  # news said since the last key: a focus move repeats it

    def _say(self, screen: Screen, *parts: Said) -> None:
        """Say `parts`; a PIN typed on this screen is kept from every utterance from now on."""
        for field in screen.query(Input):
            if field.password and len(field.value) >= 4:
                self.speaker.keep_secret(field.value)
        self.speaker.say(*parts)

    def said(self, text: str, personal: bool = False, answer: bool = True) -> Said:
        return Said(self._lang(), text, personal, answer)

    def screen_shown(self, screen: Screen) -> None:
        """The screen's purpose, its errors, a letter if it shows one, then the focused control."""
        parts = [self.said(t) for t in self._titles(screen)]
        # A goodbye on a fresh login is in the language of the person who left (LoginScreen).
        errors_lang = getattr(screen, "message_lang", None) or self._lang()
        parts += [Said(errors_lang, t) for t in self._errors(screen)]
        parts += self._result(screen)
        if screen.focused is not None:
            parts += self._control(screen.focused)
        self._seen, self._unheard = self._state(screen), []
        self._say(screen, *parts)

    def focus_moved(self, widget: Widget) -> None:
        """The focused control; first, what changed on the screen with it (a letter shown, the
        focus then put on its Back button): news nobody has cut short with a key yet."""
        if not self._seen or self._seen[0] != id(widget.screen):
            return  # the screen's first focus: screen_shown says it with the screen
        news = self._news(widget.screen) or self._unheard
        self._say(widget.screen, *news, *self._control(widget))

    def key_pressed(self) -> None:
        """A key: speech stops (EN 301 549 5.1.3.5), and what it cut short stays unsaid."""
        self.speaker.interrupt()
        self._unheard = []

    def changes_on(self, screen: Screen) -> None:
        """Called often: a new error or a letter shown on the same screen is said once."""
        if news := self._news(screen):
            self._unheard = news
            self._say(screen, *news)

    def _news(self, screen: Screen) -> list[Said]:
        state, before = self._state(screen), self._seen
        if state == before or not before or before[0] != state[0]:
            return []  # nothing new, or a new screen (screen_shown says it)
        self._seen = state
        if state[2] and state[2] != before[2]:
            return self._result(screen)
        if state[1] and state[1] != before[1]:
            return [self.said(t) for t in state[1]]
        return []

    def _state(self, screen: Screen) -> tuple:
        panel = screen.query("#result-panel")
        letter = _text(screen.query_one("#result-title")) if panel and panel.first().display else ""
        return (id(screen), tuple(self._errors(screen)), letter)

    # --- what a screen shows -------------------------------------------------------------

    def _titles(self, screen: Screen) -> list[str]:
        """The screen's title; on the phone its request and code, on "still there?" the time left
        (never the login's hint: a demo register prints its demo PIN1 there)."""
        shown = screen.query(".panel-title, .phone-text, #phone-code, #idle-countdown, #idle-body .hint")
        titles = [t for w in shown if _shown(w) and (t := _text(w))]
        if not titles:  # a form without a title (the lookup): its first label and value
            first = screen.query(".field-label, .value")[:2]
            titles = [": ".join(t for w in first if _shown(w) and (t := _text(w)))]
        return titles

    def _errors(self, screen: Screen) -> list[str]:
        return [t for w in screen.query(".error") if _shown(w) and (t := _text(w))]

    def _result(self, screen: Screen) -> list[Said]:
        from izle.screens.result import FIELDS

        panel = screen.query("#result-panel")
        if not panel or not panel.first().display:
            return []
        parts = [self.said(_text(screen.query_one("#result-title")), personal=True)]
        for label, widget_id in FIELDS:
            found = screen.query(f"#{widget_id}")
            if found and (value := _text(found.first())):
                parts.append(self.said(f"{_(label)}: {value}.", personal=True))
        return parts

    def _control(self, widget: Widget) -> list[Said]:
        if isinstance(widget, Button):
            return [self.said(_("Button: {label}.").format(label=_text(widget)))]
        if isinstance(widget, Input):
            label = self._label_of(widget)
            if widget.password:  # a PIN: never its digits, nor how many were typed
                return [self.said(_("{label}: a secret field; what you type is not said.").format(label=label))]
            parts = [self.said(_("Field: {label}.").format(label=label))]
            if widget.value:
                parts.append(self.said(widget.value, personal=True, answer=False))
            return parts
        if isinstance(widget, OptionList) and widget.highlighted is not None:
            option = widget.get_option_at_index(widget.highlighted)
            return [self.said(" ".join(str(option.prompt).split()))]
        return []

    def _label_of(self, field: Input) -> str:
        """The label printed above a field, else its placeholder (what the person reads)."""
        siblings = list(field.parent.children) if field.parent else []
        before = siblings[:siblings.index(field)] if field in siblings else []
        labels = [w for w in before if isinstance(w, Label)]
        if labels:
            return _text(labels[-1])
        return str(field.placeholder or field.id or "")
