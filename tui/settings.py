"""Everything a run of İzlə is configured with, built once (by the CLI, or by IzleApp's
keyword arguments) and read by the shell. `data/` never reads the environment: click's
`envvar=` turns IZLE_DB, IZLE_STATE, IZLE_LANG … into these fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from izle.data.db import state_path as default_state_path
from izle.data.i18n import _
from izle.data.limits import Limits
from izle.data.modes import Mode
from izle.screens.keys import DEFAULT_KEYS

MODES = (Mode.CITIZEN, Mode.OPERATOR)  # a terminal's; the API's runs without a screen
THEME_NAMES = ("izle", "izle-high-contrast")  # tui/themes.py
DEFAULT_IDLE_TIMEOUT = {Mode.CITIZEN: 60.0, Mode.OPERATOR: 900.0}
# A keymap moves the keys of DEFAULT_KEYS (kiosk keyboards without F-keys), e.g.
# `--keymap "help=ctrl+o logout=ctrl+l back=escape,ctrl+b"`.
# Keys a terminal sends as another key's byte: bound, they would never arrive as themselves.
SENT_AS = {"ctrl+h": "Backspace", "ctrl+i": "Tab", "ctrl+j": "Enter", "ctrl+m": "Enter",
           "ctrl+[": "Esc", "ctrl+left_square_bracket": "Esc", "ctrl+space": "Ctrl+@"}
# Keys the forms and lists need as they are (typing, moving, Ctrl+Q to quit, Ctrl+C to copy).
KEPT = {"tab", "shift+tab", "enter", "backspace", "delete", "space", "up", "down", "left",
        "right", "home", "end", "pageup", "pagedown", "ctrl+q", "ctrl+c"}
MODIFIERS = {"ctrl", "shift", "alt"}
NAMED_KEYS = {"escape", "enter", "tab", "backspace", "space", "delete", "insert", "home", "end",
              "pageup", "pagedown", "up", "down", "left", "right", "asterisk", "slash",
              *(f"f{n}" for n in range(1, 25))}


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
        check_keymap(self.keymap)

    def keys(self, binding_id: str) -> str:
        """The keys in force for a movable action: the keymap's, else the default."""
        return self.keymap.get(binding_id, DEFAULT_KEYS[binding_id])

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


class KeymapError(ValueError):
    """A keymap that would lie: the sentence says what is wrong, in the user's language."""


def parse_keymap(text: str | None) -> dict[str, str]:
    """`help=ctrl+o logout=ctrl+l` → {"help": "ctrl+o", "logout": "ctrl+l"}; KeymapError with a
    sentence for what cannot work (check_keymap)."""
    keymap: dict[str, str] = {}
    for part in (text or "").split():
        name, sep, keys = part.partition("=")
        name, keys = name.strip(), keys.strip()
        if not sep or not keys:
            raise KeymapError(_("not a key assignment: {part}").format(part=part))
        keymap[name] = ",".join(key.strip().lower() for key in keys.split(","))
    check_keymap(keymap)
    return keymap


def check_keymap(keymap: dict[str, str]) -> None:
    """Refuse, with a sentence, what would not work at the terminal: an unknown action or key,
    a key the terminal sends as another one, a key the forms need, one key for two actions."""
    owners: dict[str, str] = {}
    for name in DEFAULT_KEYS:
        for key in (k.strip() for k in keymap.get(name, DEFAULT_KEYS[name]).split(",")):
            _check_key(name, key)
            if key in owners:
                raise KeymapError(_("{key} cannot do two things: it is given to both {first} and {second}.").format(
                    key=key, first=owners[key], second=name))
            owners[key] = name
    for name in keymap:
        if name not in DEFAULT_KEYS:
            raise KeymapError(_("{name} is not an action whose key can be changed; these are: {names}.").format(
                name=name, names=", ".join(DEFAULT_KEYS)))


def _check_key(name: str, key: str) -> None:
    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if key in SENT_AS:
        raise KeymapError(_("{key} cannot be used for {name}: terminals send it as {other}. Choose another key, e.g. an F-key or Ctrl with another letter.").format(
            key=key, name=name, other=SENT_AS[key]))
    known = set(modifiers) <= MODIFIERS and (base in NAMED_KEYS or (len(base) == 1 and base.isascii() and base.isalnum()))
    if not known or len(set(modifiers)) != len(modifiers):
        raise KeymapError(_("{key} is not a key name İzlə knows (for {name}); write keys as f5, ctrl+o or escape.").format(
            key=key, name=name))
    if key in KEPT or (not modifiers and len(base) == 1) or modifiers == ["shift"] and len(base) == 1:
        raise KeymapError(_("{key} cannot be used for {name}: typing and moving between fields need it.").format(
            key=key, name=name))
