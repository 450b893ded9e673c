"""Pieces every screen shares (screens/widgets.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from screens.widgets import LocalFooter


class FooterScreen(Screen):
    BINDINGS = [("f2", "app.bell", "Ring")]

    def compose(self) -> ComposeResult:
        yield LocalFooter()


class FooterApp(App):
    def on_mount(self) -> None:
        self.push_screen(FooterScreen())


async def test_a_rebuilt_footer_keeps_nothing_of_its_old_keys():
    """Textual data-binds each key to the footer's `compact`; a rebuild must not keep the old
    keys alive through those bindings (they grew a kiosk's memory with every lookup)."""
    app = FooterApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.screen.query_one(LocalFooter)
        for _ in range(5):
            footer.refresh(recompose=True)
            await pilot.pause()
        keys = list(footer.query(FooterKey))
        bound = [node for node, _callback in getattr(footer, "__watchers")["compact"]]
        assert bound and all(node in keys for node in bound)  # 6 bound, 2 keys without the fix
