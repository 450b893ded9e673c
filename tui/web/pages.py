"""What the browser sees outside a session: the busy page, and the words of the start page."""

from __future__ import annotations

from html import escape

from izle.data.i18n import LANGUAGES, N_, translate
from izle.tui.web.limits import BUSY

BUSY_TITLE = N_("İzlə is busy")
BUSY_TEXT = N_("All places for a session are taken right now. Please try again in a few minutes.")
TOO_MANY_TEXT = N_("Too many İzlə sessions are open from your address. "
                   "Close one of them, then try again.")
TRY_AGAIN = N_("Try again")
SESSION_ENDED = N_("The session has ended.")
START_AGAIN = N_("Start again")
FOREIGN_PAGE = N_("An İzlə session can only be opened from İzlə's own page.")


def preferred_language(accept_language: str | None, default: str) -> str:
    """The browser's first choice among az, ru and en (`Accept-Language: ru-RU,ru;q=0.9`), or
    `default` when it names none of them."""
    best, best_q = default, 0.0
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        code = tag.strip().split("-")[0].lower()
        if code not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        q -= position * 1e-6  # equal weights: the first named wins
        if q > best_q:
            best, best_q = code, q
    return best


def busy_page(lang: str, reason: str) -> str:
    """A plain page (no script, no process behind it) in every language, `lang` first.

    Whoever is refused may not read the server's language, so all three are there.
    """
    text = BUSY_TEXT if reason == BUSY else TOO_MANY_TEXT
    order = [lang, *(other for other in LANGUAGES if other != lang)]
    sections = "\n".join(
        f'<section lang="{code}"><h1>{escape(translate(BUSY_TITLE, code))}</h1>'
        f"<p>{escape(translate(text, code))}</p>"
        f'<p><a href="./">{escape(translate(TRY_AGAIN, code))}</a></p></section>'
        for code in order
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(translate(BUSY_TITLE, lang))}</title>"
        "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em}"
        "section{margin-bottom:2em}</style></head>\n"
        f"<body>\n{sections}\n</body></html>\n"
    )


def start_page_words(lang: str) -> dict[str, str]:
    """The few words of the page around the terminal (index.html), in the server's language."""
    return {
        "lang": lang,
        "session_ended": translate(SESSION_ENDED, lang),
        "start_again": translate(START_AGAIN, lang),
    }
