"""Why a browser session ended, passed from its run to its page.

The run (`--end-on-logout`) exits with a status of its own for each kind of logout; the server,
which sees that status as the process ends, closes the page's WebSocket with a matching code
(4000–4999 are the application's own), and the page says the sentence of that code instead of
its plain "The session has ended." The sentences are the app's own, from the same catalog.
"""

from __future__ import annotations

from izle.data.i18n import N_, translate

CLOSE_CODES_FROM = 4000
# The logout's reason (as audited) → the run's exit status and what the page then says.
ENDINGS = {
    "user": (20, N_("You have logged out.")),
    "idle": (21, N_("You were logged out because the terminal was not used.")),
    "miss_limit": (22, N_("Too many unsuccessful searches: "
                          "for your safety the session has ended.")),
}


def exit_status(reason: str) -> int:
    return ENDINGS[reason][0] if reason in ENDINGS else 0


def close_code(status: int | None) -> int | None:
    """The WebSocket close code for a run's exit status; None for a status with no sentence."""
    known = {code for code, _message in ENDINGS.values()}
    return CLOSE_CODES_FROM + status if status in known else None


def page_sentences(lang: str) -> dict[int, str]:
    """Close code → the sentence the page shows, in `lang`."""
    return {CLOSE_CODES_FROM + code: translate(message, lang)
            for code, message in ENDINGS.values()}
