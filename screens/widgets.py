"""Pieces every screen shares: the title bar, a translated footer, register text as data."""

from __future__ import annotations

import math
from dataclasses import replace
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len

from textual import events
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.visual import VisualType
from textual.widget import Widget
from textual.timer import Timer
from textual.widgets import Button, Input, OptionList, Static

from izle.data.i18n import _, language, ngettext
from izle.data.text import strip_controls
from izle.screens import fast_paths

if TYPE_CHECKING:
    from izle.data.desk import Desk


# Seconds before a button whose answer is on its way looks busy (dimmed): a quick answer is not
# worth two restyles of the button.
BUSY_AFTER = 0.15


class Asking:
    """A question a screen's button asked, on its way: one at a time (a second press would be
    checked, counted and audited twice), and the button dims only when the answer is slow."""

    def __init__(self, screen: Screen, button: str) -> None:
        self.screen, self.button = screen, button
        self._timer: Timer | None = None

    @property
    def on_its_way(self) -> bool:
        return self._timer is not None

    def start(self) -> None:
        self._timer = self.screen.set_timer(BUSY_AFTER, self._looks_busy)

    def _looks_busy(self) -> None:
        self.screen.query_one(self.button, Button).disabled = True

    def answered(self) -> None:
        """The answer is here: the button works again."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        button = self.screen.query_one(self.button, Button)
        if button.disabled:
            button.disabled = False


class FormFlow:
    """A screen whose form Enter walks through (a mixin for Screen classes): Enter in a field
    moves to the next one, and in the last field — or in any field once every field is filled,
    as after a miss being corrected — asks the form's question (`submit_form`).

    The shell calls `enter_in` from a priority binding and the focus moves with `set_focus`,
    at once: keys typed right after Enter land in the field a slow typist's would."""

    def form_fields(self) -> tuple[str, ...]:
        """The form's Input selectors, in order."""
        raise NotImplementedError

    def submit_form(self) -> None:
        raise NotImplementedError

    def owns(self, field: Input) -> bool:
        return f"#{field.id}" in self.form_fields()

    def enter_in(self, field: Input) -> None:
        """Enter pressed in `field`, one of this form's."""
        if not field.is_attached or not self.owns(field):
            return  # the screen changed before the keys ahead of Enter were handled
        fields = [self.query_one(selector, Input) for selector in self.form_fields()]  # type: ignore[attr-defined]
        position = fields.index(field)
        if position == len(fields) - 1 or all(f.value.strip() for f in fields):
            self.submit_form()
        else:
            self.move_to(fields[position + 1])

    def move_to(self, field: Input) -> None:
        """Focus `field` now, not after the keys already queued (Widget.focus waits for them)."""
        self.set_focus(field)  # type: ignore[attr-defined]


class NewCallButton(Button):
    """An operator's New call: the router clears every trace of the last caller."""

    def __init__(self) -> None:
        super().__init__(_("New call"), id="new-call", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        from izle.screens.messages import NewCall

        event.stop()
        self.post_message(NewCall())


def say(message: Static, text: str) -> None:
    """A message shown, or hidden while it says nothing (an empty one takes no rows)."""
    message.update(text)
    message.display = bool(text)


def wait_sentence(seconds: float) -> str:
    """What a deliberate slow-down says while it lasts."""
    n = max(1, math.ceil(seconds))
    return ngettext("Please wait {n} second: after several unsuccessful searches every answer takes longer.",
                    "Please wait {n} seconds: after several unsuccessful searches every answer takes longer.",
                    n).format(n=n)


def data_text(value: object | None) -> Content:
    """Register text exactly as stored, never markup; control characters dropped."""
    return Content(strip_controls("" if value is None else str(value)))


class Plain(Static):
    """A Static for text only: never markup, and no link styling pass on every line drawn (no
    register text is a link; the pass is most of a first paint)."""

    auto_links = Reactive(False)

    def __init__(self, content: VisualType = "", **kwargs) -> None:
        super().__init__(content, markup=False, **kwargs)


def paint_now(screen: Screen) -> None:
    """Lay `screen` out and paint it now rather than at the next frame tick (up to 1/60 s
    later, and after whatever else is queued): what Textual does itself when a screen is
    pushed. For the answer a person is waiting for, shown in place. A screen under another
    (help, the idle prompt) is left to Textual: it is painted when it returns."""
    if screen.is_current:
        fast_paths.paint_now(screen)


def lay_out_unseen(screen: Screen, shown: Widget, hidden: Widget) -> None:
    """Lay `screen` out once as it will be with `shown` displayed in place of `hidden`, then put
    it back, with no frame drawn in between: nothing changes on the terminal.

    Textual arranges a container and measures its texts the first time it is displayed and
    caches that; done here while the person reads the screen, the first letter shown no longer
    pays for it — it then costs what the next ones do. Without the private reflow
    (IZLE_PLAIN_TEXTUAL=1) nothing is done: the first letter is laid out when it is shown."""
    size = screen.outer_size
    if not size or shown.display or not hidden.display or not fast_paths.fast():
        return
    hidden.display, shown.display = False, True
    try:
        fast_paths.reflow(screen, size)
    finally:
        hidden.display, shown.display = True, False
        fast_paths.reflow(screen, size)


def modal_keys(screen: Screen) -> list[tuple[Binding, bool]]:
    """The app's shown priority bindings, which act over a modal screen too (Textual's
    active_bindings stop at a modal), where the app lets them act."""
    if not screen.is_modal:
        return []
    app = screen.app
    return [(binding, True) for binding in app.BINDINGS
            if isinstance(binding, Binding) and binding.priority and binding.show
            and app.check_action(binding.action, ()) is not False]


def shown_keys(screen: Screen) -> list[tuple[Binding, bool]]:
    """The shown bindings of `screen`'s focused chain, one per action, each with every key in
    force for it ("escape,ctrl+b": Textual keeps one binding per key, a keymap's included)."""
    first: dict[str, tuple[Binding, bool]] = {}
    keys: dict[str, list[str]] = {}
    active = [(binding, enabled) for _node, binding, enabled, _tip in screen.active_bindings.values()]
    for binding, enabled in active + modal_keys(screen):
        if binding.show:
            first.setdefault(binding.action, (binding, enabled))
            if binding.key not in keys.setdefault(binding.action, []):
                keys[binding.action].append(binding.key)
    return [(replace(binding, key=",".join(keys[action])), enabled)
            for action, (binding, enabled) in first.items()]


class LocalFooter(Widget, can_focus=False):
    """The key legend: each key and what it does, in the current language; a click on a key
    presses it. Every key and label is whole: what does not fit on one line goes on the next
    (a Russian operator's letter at 80 columns, a keymap's longer keys).

    One widget drawing the lines, where Textual's Footer mounts a widget per key — and only a
    frame after its screen's first paint, then again whenever focus moves. The look is
    Footer's: the same theme variables, a disabled key dimmed, the key under the mouse
    highlighted.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer-key--key", "footer-key--description",
                                             "footer-key--hover"}
    DEFAULT_CSS = """
    LocalFooter {
        dock: bottom;
        height: auto;
        text-wrap: nowrap;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._legend: tuple = ()
        # Where each key was last drawn: row, columns [start, end), the key, whether enabled.
        self._keys: list[tuple[int, int, int, str, bool]] = []
        self._hovered: str | None = None  # the key under the mouse pointer
        self._kiosk_legend: tuple = ()
        self._kiosk_rows: list[int] = []  # how many of the kiosk's items each row holds

    def compose(self):
        """On a kiosk: each action a button Tab reaches (a keypad has no F-keys), in as many
        rows as the terminal's width needs."""
        if self.app.has_class("-kiosk"):
            self.add_class("-kiosk")
            items = list(kiosk_items(self))
            self._kiosk_rows = kiosk_rows([width for width, _item in items], self._room())
            for count in self._kiosk_rows:
                yield Horizontal(*(item for _width, item in items[:count]), classes="kiosk-row")
                items = items[count:]

    def on_mount(self) -> None:
        if self.has_class("-kiosk"):
            self._kiosk_legend = kiosk_legend(self)
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        """A kiosk's rows are made for a width: another width may want other rows."""
        if self.has_class("-kiosk"):
            widths = [width for width, _item in kiosk_items(self)]
            if kiosk_rows(widths, self._room()) != self._kiosk_rows:
                self.refresh(recompose=True)

    def _room(self) -> int:
        """The footer's width; before its first layout, the terminal's."""
        return self.size.width or self.app.size.width

    def legend(self) -> list[tuple[Binding, bool]]:
        """The shown bindings of the focused chain, one per action (as Textual's Footer)."""
        return shown_keys(self.screen)

    def descriptions(self) -> list[str]:
        return [_(binding.description) for binding, _enabled in self.legend()]

    def bindings_changed(self, screen: Screen) -> None:
        """Redrawn only when the legend reads differently (focus moves often, keys rarely)."""
        if self.has_class("-kiosk"):
            if (legend := kiosk_legend(self)) != self._kiosk_legend:
                self._kiosk_legend = legend
                self.refresh(recompose=True)
            return
        legend = (language(),
                  *((b.key, b.action, b.description, on) for b, on in self.legend()))
        if legend != self._legend:
            self._legend = legend
            # Laid out again only when the new legend takes another number of lines.
            lines = len(legend_rows([part.cell_length for part, _key, _on in self.parts()],
                                    self.content_size.width))
            self.refresh(layout=lines != self.content_size.height)

    def parts(self) -> list[tuple[Content, str, bool]]:
        """Each shown key with its label as drawn (" F1 Help "), the key a click presses, and
        whether it is enabled."""
        key_style = self.get_visual_style("footer-key--key")
        description_style = self.get_visual_style("footer-key--description")
        parts = []
        for binding, enabled in self.legend():
            key = Content.styled(f" {self.app.get_key_display(binding)} ", key_style)
            part = key + Content.styled(f"{_(binding.description)} ", description_style)
            first_key = binding.key.split(",")[0]  # what a click presses
            if not enabled:
                part = part.stylize("dim")
            elif first_key == self._hovered:
                part = part.stylize(self.get_visual_style("footer-key--hover"))
            parts.append((part, first_key, enabled))
        return parts

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.has_class("-kiosk"):
            return super().get_content_height(container, viewport, width)
        return len(legend_rows([part.cell_length for part, _key, _on in self.parts()], width))

    def render(self) -> Content:
        if self.has_class("-kiosk"):
            return Content("")
        parts = self.parts()
        rows = legend_rows([part.cell_length for part, _key, _on in parts], self.content_size.width)
        lines: list[Content] = []
        self._keys = []
        for y, count in enumerate(rows):
            column = 0
            for part, key, enabled in parts[:count]:
                self._keys.append((y, column, column + part.cell_length, key, enabled))
                column += part.cell_length
            lines.append(Content("").join(part for part, _key, _on in parts[:count]))
            parts = parts[count:]
        return Content("\n").join(lines)

    def _key_at(self, x: int, y: int) -> tuple[str, bool] | None:
        """The key drawn at (`x`, `y`) (as last drawn), and whether it is enabled."""
        return next(((key, enabled) for row, start, end, key, enabled in self._keys
                     if row == y and start <= x < end), None)

    def _hover(self, key: str | None) -> None:
        if key != self._hovered:  # redrawn when the highlight moves, not on every mouse move
            self._hovered = key
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        under = self._key_at(event.x, event.y)
        self._hover(under[0] if under else None)

    def on_leave(self, _event: events.Leave) -> None:
        self._hover(None)

    def on_click(self, event: events.Click) -> None:
        under = self._key_at(event.x, event.y)
        if under is None:
            return
        key, enabled = under
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()


def legend_rows(widths: list[int], room: int) -> list[int]:
    """How many of the legend's parts (of `widths` cells each, a trailing space included) each
    line holds, filled in order: a part never split, its trailing space may pass the edge."""
    rows: list[int] = []
    used = 0
    for width in widths:
        if rows and rows[-1] and used + width - 1 <= room:
            rows[-1] += 1
            used += width
        else:
            rows.append(1)
            used = width
    return rows or [0]


# What a kiosk's keypad has: the footer names these keys, and makes every other action a button.
KEYPAD_KEYS = frozenset({"enter", "escape", "tab", "shift+tab", "backspace", "up", "down", "left",
                         "right", "asterisk", "slash", "plus", "minus", *"0123456789"})
KEYPAD_NAMES = {"escape": "Esc", "asterisk": "*", "slash": "/", "plus": "+", "minus": "-"}
KEY_MIN_WIDTH = 6  # a kiosk footer button's least width (app.tcss: .kiosk-key)


class KioskKey(Button):
    """A footer button of a kiosk: runs its binding's action where the binding lives."""

    def __init__(self, label: str, node: object, action: str) -> None:
        super().__init__(label, compact=True, classes="kiosk-key")
        self.node, self.action_name = node, action

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.node.run_action(self.action_name)  # type: ignore[attr-defined]


def kiosk_legend(footer: Widget) -> tuple:
    """The screen's and the app's shown actions (not the focused widget's: the legend stays
    put while Tab walks onto the footer itself), with the keypad key of each, if it has one."""
    screen, app = footer.screen, footer.app
    speech = getattr(app, "reader", None) is not None
    seen: dict[str, tuple] = {}
    for node, binding, enabled, _tip in screen.active_bindings.values():
        if node not in (screen, app) or not enabled or binding.action in seen:
            continue
        if not binding.show and not (speech and binding.action in ("speak_again", "speak_pause")):
            continue
        keys = [k.strip() for k in binding.key.split(",")]
        keypad = next((k for k in keys if k in KEYPAD_KEYS), None)
        seen[binding.action] = (getattr(app, "lang", None), node, binding.action,
                                binding.description, keypad)
    return tuple(seen.values())


def kiosk_items(footer: Widget) -> Iterator[tuple[int, Widget]]:
    """The kiosk footer's buttons, then its hint, each with the columns it takes (a compact
    button: its label, a cell each side, at least KEY_MIN_WIDTH; then a column of margin)."""
    for _lang, node, action, description, keypad in kiosk_legend(footer):
        key = KEYPAD_NAMES.get(keypad, keypad.capitalize()) if keypad else ""
        label = f"{key} {_(description)}".strip()
        yield max(KEY_MIN_WIDTH, cell_len(label) + 2) + 1, KioskKey(label, node, action)
    if getattr(footer.app, "reader", None) is None:  # with speech the keys leave no room for it
        hint = _("Tab: next · Enter: press")
        yield cell_len(hint) + 1, Static(hint, classes="kiosk-hint", markup=False)


def kiosk_rows(widths: list[int], room: int) -> list[int]:
    """How many of the kiosk footer's items each row holds: as many as fit, in order."""
    return legend_rows(widths, room)


class TitleBar(Widget):
    """Service name on the left, who is logged in on the right: one widget drawing one line (a
    container with two labels cost every screen three widgets to mount).
    A title too long for the room left ends at a word, as a one-line label's wrap did."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary; color: $text; dock: top; padding: 0 1; }
    """
    GAP = 2  # columns between the title and the name

    def __init__(self, desk: Desk | None = None) -> None:
        """`desk`: whose session's person is named (none on the login screen)."""
        super().__init__()
        self.desk = desk

    def who(self) -> Content:
        session = self.desk.session if self.desk is not None else None
        if session is None:
            return Content("")
        return Content(strip_controls(session.identity.full_name or session.identity.user_id))

    def render(self) -> Content:
        width = self.content_size.width
        who = self.who().truncate(width, ellipsis=True)
        room = width - who.cell_length - (self.GAP if who else 0)
        lines = Content(_("İzlə — State Customs Committee: tracking of letters")).wrap(room) if room > 0 else []
        title = lines[0].stylize("bold") if lines else Content("")
        return Content.assemble(title, " " * (width - title.cell_length - who.cell_length), who)


class PagingOptionList(OptionList):
    """An OptionList whose PageUp/PageDown work at any height. With no room for a single line
    (a terminal a few rows high) Textual's paging looks the highlight up among lines it never
    laid out and raised KeyError, which ended the app: such a page is one option instead."""

    def action_page_down(self) -> None:
        try:
            super().action_page_down()
        except KeyError:
            self.action_cursor_down()

    def action_page_up(self) -> None:
        try:
            super().action_page_up()
        except KeyError:
            self.action_cursor_up()
