"""Connections to the central register, and messages that never show a password.

A URL is a libpq connection string (`postgresql://user:secret@host/db` or `host=… password=…`).
libpq's own error messages may quote the string it could not parse, so every message that
leaves this package goes through `redact`, which removes the password however it was written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from izle.data.problems import ProblemError
from izle.data.i18n import N_

if TYPE_CHECKING:  # psycopg is imported lazily: only the central commands need it
    import psycopg

CONNECT_TIMEOUT_S = 10
# user:PASSWORD@ in a URL; password=PASSWORD (quoted or not) in a key/value string or URL query.
_URL_SECRET = re.compile(r"(?P<head>://[^/?#@]*?:)(?P<secret>[^@/?#]*)@")
_KV_SECRET = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^\s&]*)", re.I)
HIDDEN = "***"


class CentralError(ProblemError):
    """The central register cannot do what was asked (every value already redacted)."""


def secrets_in(url: str) -> list[str]:
    """Every password written in `url`, as written and (for a URL) percent-decoded."""
    from urllib.parse import unquote

    found = [m.group("secret") for m in _URL_SECRET.finditer(url)]
    found += [m.group("secret").strip("'") for m in _KV_SECRET.finditer(url)]
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def redact(text: str, url: str) -> str:
    """`text` with every password of `url` replaced by ***."""
    text = _KV_SECRET.sub(lambda m: m.group("head") + HIDDEN, _URL_SECRET.sub(
        lambda m: m.group("head") + HIDDEN + "@", text))
    for secret in secrets_in(url):
        text = text.replace(secret, HIDDEN)
    return text


def connect(url: str, *, autocommit: bool = False) -> "psycopg.Connection":
    """A connection to the central register, or CentralError saying why not (redacted)."""
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="izle")
    except (psycopg.Error, ValueError) as error:
        raise CentralError(N_("The central register at {url} cannot be reached: {error}"),
                           url=redact(url, url), error=redact(_first_line(error), url)) from None
    return conn


def failure(error: BaseException, url: str) -> CentralError:
    """A psycopg error met while working, as one redacted sentence."""
    return CentralError(N_("The central register at {url} failed: {error}"),
                        url=redact(url, url), error=redact(_first_line(error), url))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0].strip()
