"""Everything a run of İzlə is configured with, built once (by the CLI, or by IzleApp's
keyword arguments) and read by the shell. `data/` never reads the environment: click's
`envvar=` turns IZLE_DB, IZLE_STATE, IZLE_LANG … into these fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from izle.data.db import state_path as default_state_path
from izle.data.limits import Limits
from izle.data.modes import Mode

MODES = (Mode.CITIZEN, Mode.OPERATOR)  # a terminal's; the API's runs without a screen
THEME_NAMES = ("izle", "izle-high-contrast")  # tui/themes.py
DEFAULT_IDLE_TIMEOUT = {Mode.CITIZEN: 60.0, Mode.OPERATOR: 900.0}
# The keys of the app-wide actions, by binding id; a keymap may move them (kiosk keyboards
# without F-keys): `--keymap "help=ctrl+h logout=ctrl+l back=escape,ctrl+b"`.
DEFAULT_KEYS = {"help": "f1", "logout": "f3", "language": "f2", "back": "escape,f12",
                # Speech (a kiosk with --speech): keys a numeric keypad has and no field takes.
                "speak-again": "asterisk", "speak-pause": "slash"}


@dataclass(frozen=True)
class Settings:
    db_path: Path
    state_path: Path | None = None
    mode: Mode = Mode.CITIZEN
    kiosk: bool = False
    lang: str = "az"
    idle_timeout: float | None = None     # None: the mode's default
    idle_prompt: float = 20.0             # WCAG 2.2.1: at least 20 s to answer "still there?"
    confirm_timeout: float = 120.0
    terminal: str | None = None
    limits: Limits = field(default_factory=Limits)
    keymap: dict[str, str] = field(default_factory=dict)
    end_on_logout: bool = False           # a browser's session (izle serve): a logout ends the run
    theme: str = "izle"                   # tui/themes.py: izle or izle-high-contrast
    speech: bool = False                  # say each screen aloud through espeak-ng
    speech_private: bool = False          # a headset: personal data may be said
    speech_to: Path | None = None         # write WAVs and utterances.jsonl here instead
    notice: str = ""  # a sentence for the first screen (the demo built where no register was)

    def __post_init__(self) -> None:
        mode = Mode(self.mode)  # its name ("citizen") is accepted too; ValueError when unknown
        if mode not in MODES:
            raise ValueError(f"unknown mode: {self.mode}")
        object.__setattr__(self, "mode", mode)
        if self.theme not in THEME_NAMES:
            raise ValueError(f"unknown theme: {self.theme} (one of {', '.join(THEME_NAMES)})")

    @property
    def register(self) -> Path:
        return Path(self.db_path)

    @property
    def terminal_db(self) -> Path:
        return Path(self.state_path) if self.state_path else default_state_path(self.register)

    @property
    def idle_seconds(self) -> float:
        return self.idle_timeout if self.idle_timeout is not None else DEFAULT_IDLE_TIMEOUT[self.mode]

    @property
    def audit_mode(self) -> str:
        return "kiosk" if self.kiosk else self.mode.value


def parse_keymap(text: str | None) -> dict[str, str]:
    """`help=ctrl+h logout=ctrl+l` → {"help": "ctrl+h", "logout": "ctrl+l"}; ValueError if odd."""
    keymap: dict[str, str] = {}
    for part in (text or "").split():
        name, sep, keys = part.partition("=")
        if not sep or name.strip() not in DEFAULT_KEYS or not keys.strip():
            raise ValueError(part)
        keymap[name.strip()] = keys.strip()
    return keymap
