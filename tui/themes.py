"""İzlə's two colour themes, registered by the app: `izle` (the default) and
`izle-high-contrast`. Both are dark (a kiosk in a hall is read against glare from above).

`izle` keeps every text cell at ≥ 4.5:1 against its background and every field's and button's
edge at ≥ 3:1 against the page (WCAG 2.2 1.4.3, 1.4.11); `izle-high-contrast` keeps text at
≥ 7:1 (1.4.6). tests/contrast.py measures both, cell by cell, on every screen of the tour.

Fields are light on the dark page: a dark field on a dark page is an edge of about 1.1:1. The
variables `izle-field-*` style them (app.tcss); `text` is opaque (Textual's default, 87 % white
over the background, costs a blue title bar its 4.5:1).
"""

from __future__ import annotations

from textual.theme import Theme

from izle.tui.settings import THEME_NAMES

DEFAULT_THEME, HIGH_CONTRAST_THEME = THEME_NAMES

IZLE = Theme(
    name=DEFAULT_THEME,
    primary="#1565B0",   # white on it 5.9:1; against the page 3.3:1 (a button's edge)
    secondary="#004578",
    accent="#FFB74D",    # focus: dark text on it, 10:1
    warning="#FFB74D",
    error="#FF7B8E",     # error text on the page 7:1
    success="#5CCB7F",
    foreground="#E6E6E6",
    background="#121212",
    surface="#1E1E1E",
    panel="#262B30",
    dark=True,
    variables={
        "text": "auto 100%",
        "text-muted": "#C4C4C4",
        "text-disabled": "#A8A8A8",
        "footer-key-foreground": "#FFB74D",
        "footer-description-foreground": "#E6E6E6",
        "footer-background": "#262B30",
        "footer-description-background": "#262B30",
        "footer-key-background": "#262B30",
        "izle-button-background": "#1565B0",
        "izle-button-foreground": "#FFFFFF",
        "izle-current-background": "#FFFFFF",  # the language in use: inverted
        "izle-current-foreground": "#0B3D75",
        "izle-field-background": "#ECECEC",
        "izle-field-focus-background": "#FFFFFF",
        "izle-field-foreground": "#121212",
        "izle-field-placeholder": "#4D4D4D",
        "input-cursor-background": "#121212",
        "input-cursor-foreground": "#FFFFFF",
        "input-selection-background": "#1565B0",
        "button-focus-text-style": "bold underline",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-background": "#1565B0",
        "block-cursor-text-style": "bold",
        "error-muted": "#5A1F2A",
        "text-error": "#FFB3BE",
    },
)

IZLE_HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST_THEME,
    primary="#0B3D75",   # white on it 11:1
    secondary="#002B55",
    accent="#FFE14D",    # black on it 16:1
    warning="#FFE14D",
    error="#FFA0AC",     # on black 11:1
    success="#8CF0A8",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#101010",
    dark=True,
    variables={
        "text": "auto 100%",
        "text-muted": "#E0E0E0",
        "text-disabled": "#D0D0D0",
        "footer-key-foreground": "#FFE14D",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "footer-description-background": "#000000",
        "footer-key-background": "#000000",
        "izle-button-background": "#D8D8D8",  # black on it 14:1; a dark blue is lost on black
        "izle-button-foreground": "#000000",
        "izle-current-background": "#FFFFFF",
        "izle-current-foreground": "#000000",
        "izle-field-background": "#FFFFFF",
        "izle-field-focus-background": "#FFFFFF",
        "izle-field-foreground": "#000000",
        "izle-field-placeholder": "#3A3A3A",
        "input-cursor-background": "#000000",
        "input-cursor-foreground": "#FFFFFF",
        "input-selection-background": "#0B3D75",
        "button-focus-text-style": "bold underline",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFE14D",
        "block-cursor-text-style": "bold",
        "error-muted": "#000000",
        "text-error": "#FFA0AC",
    },
)

# The variables only İzlə's stylesheet uses, for any other theme (Textual's own, in a test).
IZLE_VARIABLES = {name: value for name, value in IZLE.variables.items() if name.startswith("izle-")}

THEMES = {theme.name: theme for theme in (IZLE, IZLE_HIGH_CONTRAST)}
