"""Export the README's screenshots from the app itself: `python docs/make_screenshots.py`.

Builds a demo register in a temporary folder, walks a demo citizen through the seed's four
steps with Textual's Pilot and saves each screen as SVG into docs/.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from izle.data.clock import FixedClock  # noqa: E402
from izle.data.demo import AS_OF, build_demo  # noqa: E402
from izle.tui.app import IzleApp  # noqa: E402

SIZE = (100, 30)


async def walk(register: Path, demo: dict) -> None:
    citizen = next(i for i in demo["identities"] if i["role"] == "citizen")
    letter = next(s for s in demo["samples"]
                  if s["owner_user_id"] == citizen["user_id"] and s["status"] == "in_execution")
    app = IzleApp(register, clock=FixedClock(AS_OF))  # the demo register's "today"
    async with app.run_test(size=SIZE) as pilot:
        async def fill(selector: str, text: str) -> None:
            app.screen.query_one(selector).value = text
            await pilot.pause()

        async def shot(name: str) -> None:
            await app.workers.wait_for_complete()
            await pilot.hover(None, offset=(0, 0))
            await pilot.pause(0.3)
            app.save_screenshot(str(DOCS / f"{name}.svg"))

        await fill("#phone", citizen["phone"])
        await fill("#user-id", citizen["user_id"])
        await shot("login")
        await pilot.click("#login")
        await pilot.pause()
        await shot("phone")
        await pilot.click("#phone-confirm")
        await fill("#pin1", citizen["pin1"])
        await pilot.click("#pin1-ok")
        while app.session is None:  # the login screen hears the outcome from the provider
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        await shot("my-letters")
        await pilot.press("f4")  # a citizen's letters come first; F4 tracks another
        await pilot.pause()
        await fill("#agency-filter", letter["agency_name"].split()[0])
        await shot("agency")
        await pilot.press("enter")
        await pilot.pause()
        await fill("#reg-number", letter["reg_no"])
        await fill("#reg-date", letter["reg_date"])
        await shot("lookup")
        await pilot.click("#show")
        while not app.screen.query_one("#result-panel").display:
            await pilot.pause(0.05)
        await shot("result")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        register = Path(folder) / "register.db"
        demo = build_demo(register, Path(folder) / "terminal.db", letters=3000, seed=1)
        asyncio.run(walk(register, demo))
    print("saved:", ", ".join(sorted(p.name for p in DOCS.glob("*.svg"))))


if __name__ == "__main__":
    main()
