"""The keys of the actions a keymap may move, by binding id: every screen binds them from here
and the shell's settings (tui/settings.py) check a keymap against them.

`back` is every Back, on every screen; `track-other` is F4's other way to a letter (a citizen's
by number and date, an operator's by applicant).
"""

DEFAULT_KEYS = {
    "help": "f1",
    "logout": "f3",
    "lang": "f2",
    "back": "escape,f12",
    "track-other": "f4",
    "new-call": "f5",
    "readout": "f6",
    # Speech (a kiosk with --speech): keys a numeric keypad has and no field takes.
    "speak-again": "asterisk",
    "speak-pause": "slash",
}
