"""What a browser may ask of a session, bounded: its terminal's size, a message's size and kind,
and how long it may stay silent.

Plain Python (no aiohttp): the server reads every message from the page through `read_message`,
so nothing the page sends reaches the session's process unchecked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Textual allocates its screen per cell: 100000×100000 asked for made a session reach 2.9 GB.
# 500×200 is more than a 4K screen shows at the smallest readable font (≈ 480×135 at 8×16 px).
MAX_WIDTH, MAX_HEIGHT = 500, 200
DEFAULT_SIZE = (80, 24)
# One keystroke, a paste or a mouse report is a few bytes; İzlə's longest field takes 20
# characters. A bigger frame is refused by aiohttp from its header, before it is read.
MAX_MESSAGE_BYTES = 16 * 1024
# Keys a session's process is given per second, on average, and at once: a person types a few
# keys a second, a mouse moving without pause reports ≤ 14 bytes a frame (≈ 2 KiB/s at 144 Hz),
# İzlə's fields take 20 characters. Textual spends 50–80 µs of CPU on a byte of keys (measured
# over 6 KB on the login screen), so a page sending as fast as it may costs its session ~15% of
# a core at most.
STDIN_RATE, STDIN_BURST = 2 * 1024, 8 * 1024
# After the app's own idle logout (idle time + the "still there?" prompt) the server allows
# this much more before it ends a session that is still silent.
IDLE_MARGIN = 5.0


def bounded(value: Any, low: int, high: int, default: int) -> int:
    """An integer from the page (a query string or JSON), clamped to [low, high]."""
    if isinstance(value, bool):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return max(low, min(high, number))


def terminal_size(width: Any, height: Any) -> tuple[int, int]:
    """The terminal size a session runs with, whatever the page asked for."""
    return (bounded(width, 1, MAX_WIDTH, DEFAULT_SIZE[0]),
            bounded(height, 1, MAX_HEIGHT, DEFAULT_SIZE[1]))


@dataclass(frozen=True)
class BrowserMessage:
    kind: str                        # stdin, resize, ping, focus, blur
    text: str = ""                   # stdin's keys, ping's token
    size: tuple[int, int] = DEFAULT_SIZE


def read_message(raw: str) -> BrowserMessage | None:
    """One message of textual-serve's page (`["stdin", "keys"]`, `["resize", {"width", "height"}]`,
    `["ping", "token"]`, `["focus"]`, `["blur"]`); None for anything else, which is ignored."""
    try:
        envelope = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind, argument = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind in ("stdin", "ping") and isinstance(argument, str):
        return BrowserMessage(kind, text=argument)
    if kind == "resize" and isinstance(argument, dict):
        return BrowserMessage(kind, size=terminal_size(argument.get("width"),
                                                       argument.get("height")))
    if kind in ("focus", "blur"):
        return BrowserMessage(kind)
    return None


@dataclass
class IdleDeadline:
    """When a silent session ends. Nobody has typed yet: after the idle time (the app shows no
    prompt over a blank login, so no one is reading anything). Someone has: after the app's own
    idle logout would have come (idle time + prompt), with a margin."""

    idle: float
    prompt: float
    started: float
    last_input: float | None = None

    def touch(self, now: float) -> None:
        self.last_input = now

    def at(self) -> float:
        if self.last_input is None:
            return self.started + self.idle
        return self.last_input + self.idle + self.prompt + IDLE_MARGIN

    def left(self, now: float) -> float:
        return self.at() - now


@dataclass
class StdinBudget:
    """A token bucket over the bytes of keys a page sends: `take` is False once the page sends
    faster than a person could, for longer than a paste."""

    rate: float = STDIN_RATE
    burst: float = STDIN_BURST
    tokens: float = STDIN_BURST
    last: float | None = None

    def take(self, size: int, now: float) -> bool:
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        self.tokens -= size
        return self.tokens >= 0
