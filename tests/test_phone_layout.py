"""The emulated phone and the login screen side by side: a person compares the two verification
codes, so both must be readable whole — at 80x24 (a kiosk console) and 100x30, in every language.

What is checked is what the terminal shows (the modal composed over the login screen), cropped
to each widget's content region: a text covered by the phone, cut by the screen's edge or
cropped instead of wrapped does not read the same there.
"""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from izle.data.i18n import LANGUAGES
from izle.screens.login import LoginScreen
from izle.screens.phone import PhoneScreen
from tests import tour
from tests.conftest import izle_app
from tests.pilot import shown_in, type_into, words


async def phone_short_pin(pilot) -> None:
    """PIN1 too short: the phone's own message, before any check."""
    await tour.phone_pin(pilot)
    await type_into(pilot, "#pin1", "12")
    await pilot.click("#pin1-ok")
    await pilot.pause()


# state: (the steps to it, the phone's texts it must show among others, the first not empty)
STATES = {
    "phone": (tour.phone, ("#phone-code", "#phone-confirm", "#phone-cancel")),
    "phone-pin": (tour.phone_pin, ("#pin1-ok", "#pin1-cancel")),
    "phone-wrong-pin": (tour.phone_wrong_pin, ("#pin1-error", "#pin1-ok", "#pin1-cancel")),
    "phone-short-pin": (phone_short_pin, ("#pin1-error", "#pin1-ok", "#pin1-cancel")),
}
SIZES = [(80, 24), (100, 30)]


def text_of(widget: Widget) -> str:
    """The whole text a Label, Static or Button has to show."""
    return words(str(widget.label if isinstance(widget, Button) else widget.render()))


def shown(widget: Widget) -> bool:
    """Displayed: neither it nor a container around it is `display: none` (a step not shown)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("state", STATES)
async def test_both_codes_and_every_phone_text_read_whole(register, monkeypatch, state, size, lang):
    await check_phone(register, monkeypatch, state, size, lang, console=False)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", ["phone", "phone-wrong-pin"])  # the tallest phone of each step
async def test_on_a_linux_console_too(register, monkeypatch, state, lang):
    await check_phone(register, monkeypatch, state, (80, 24), lang, console=True)


async def check_phone(register, monkeypatch, state: str, size: tuple[int, int], lang: str,
                      console: bool) -> None:
    if console:
        monkeypatch.setenv("IZLE_CONSOLE", "1")  # console.tcss: buttons in boxes of 3 lines
    steps, must_show = STATES[state]
    app = izle_app(register, lang=lang)
    async with app.run_test(size=size) as pilot:
        await steps(pilot)
        await pilot.pause()
        phone = app.screen
        assert isinstance(phone, PhoneScreen)
        login = next(s for s in app.screen_stack if isinstance(s, LoginScreen))
        code = login.query_one("#verification-code", Static)
        assert phone.code in text_of(code)  # the sentence with the code, not an empty line
        assert shown_in(app, code) == text_of(code)
        texts = [w for w in phone.query("Label, Static, Button") if shown(w)]
        assert {f"#{w.id}" for w in texts} >= set(must_show)
        assert text_of(phone.query_one(must_show[0]))  # the code, or the PIN1 message
        for widget in texts:
            assert shown_in(app, widget) == text_of(widget), widget


async def test_the_login_panel_takes_its_room_back_when_the_phone_is_put_away(register):
    app = izle_app(register)
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.screen.query_one("#login-panel")
        width = panel.region.width
        await tour.phone(pilot)
        assert panel.region.right <= app.screen.query_one("#phone-body").region.x
        await pilot.click("#phone-cancel")
        await pilot.pause()
        assert not isinstance(app.screen, PhoneScreen) and panel.region.width == width
