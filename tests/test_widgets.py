"""Pieces every screen shares (screens/widgets.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from izle.screens.widgets import LocalFooter


class FooterScreen(Screen):
    BINDINGS = [Binding("f2", "ring", "Ring"), Binding("f5", "nothing", "Nothing"),
                Binding("f6", "hidden", "Hidden", show=False)]

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield LocalFooter()

    def action_ring(self) -> None:
        self.app.rung += 1

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return None if action == "nothing" else True  # None: shown, but disabled


class FooterApp(App):
    rung = 0

    def __init__(self, screen: type[Screen] = FooterScreen) -> None:
        super().__init__()
        self.first_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.first_screen())

    def get_key_display(self, binding: Binding) -> str:
        return binding.key.upper()


def footer_line(app) -> str:
    return str(app.screen.query_one(LocalFooter).render())


async def test_the_legend_shows_each_shown_key_in_the_first_frame():
    app = FooterApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        assert footer_line(app) == " F2 Ring  F5 Nothing "
        assert app.screen.query_one(LocalFooter).descriptions() == ["Ring", "Nothing"]


async def test_a_click_on_a_key_presses_it_and_a_disabled_key_only_rings():
    app = FooterApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        await pilot.click(LocalFooter, offset=(2, 0))  # on " F2 Ring "
        await pilot.pause()
        assert app.rung == 1
        await pilot.click(LocalFooter, offset=(12, 0))  # on " F5 Nothing ": disabled
        await pilot.click(LocalFooter, offset=(40, 0))  # past the last key: nothing
        await pilot.pause()
        assert app.rung == 1


async def test_the_legend_follows_the_keys_of_what_has_focus():
    class FieldKeys(Input):
        BINDINGS = [Binding("f7", "clear_field", "Clear")]

    class Screen2(FooterScreen):
        def compose(self) -> ComposeResult:
            yield FieldKeys(id="field")
            yield Input(id="other")
            yield LocalFooter()

    app = FooterApp(Screen2)
    async with app.run_test(size=(60, 5)) as pilot:
        app.screen.query_one("#field").focus()
        await pilot.pause()
        assert "F7 Clear" in footer_line(app)
        app.screen.query_one("#other").focus()
        await pilot.pause()
        assert "Clear" not in footer_line(app)


async def test_the_key_under_the_mouse_is_highlighted():
    def styles(content, start: int, end: int) -> list:
        return [(s.start, s.end, str(s.style)) for s in content.spans if s.start < end and s.end > start]

    app = FooterApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(LocalFooter)
        plain = footer.render()
        await pilot.hover(LocalFooter, offset=(2, 0))  # over " F2 Ring "
        await pilot.pause()
        hovered, ring = footer.render(), len(" F2 Ring ")
        assert str(hovered) == str(plain)
        assert styles(hovered, 0, ring) != styles(plain, 0, ring)
        assert styles(hovered, ring, 99) == styles(plain, ring, 99)
