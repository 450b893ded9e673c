"""Connections to the central register, and messages that never show a password.

A URL is a libpq connection string (`postgresql://user:secret@host/db` or `host=… password=…`).
libpq's own error messages may quote the string it could not parse, so every message that
leaves this package goes through `redact`, which removes the password however it was written.

TLS by default: libpq's own default (`sslmode=prefer`) falls back to plaintext without a word
and never checks a certificate, so a URL to another machine must say its `sslmode`; plaintext
is allowed only over loopback or a Unix socket, or when the URL says `sslmode=disable`. The
check reads the URL alone and comes before any connection.
"""

from __future__ import annotations

import ipaddress
import os
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


# Only administrators' commands talk to the centre, so its driver is an extra of the package.
NO_DRIVER = N_("Talking to the central register needs İzlə's central extra, which is not "
               "installed: pipx install 'izle[central]' (or pip install 'izle[central]').")


def central_driver():
    """psycopg, imported on first use; CentralError naming the extra when it is missing."""
    try:
        import psycopg
    except ImportError:
        raise CentralError(NO_DRIVER) from None
    return psycopg


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


def connect(url: str, *, autocommit: bool = False, name: str | None = None) -> "psycopg.Connection":
    """A connection to the central register, or CentralError saying why not (redacted).

    `name` is shown to the centre's administrator as the connection's application_name
    (pg_stat_activity); by default the role the URL logs in as, else "izle"."""
    psycopg = central_driver()

    params = parse(url)
    require_tls(params, url)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name=name or params.get("user") or "izle")
    except (psycopg.Error, ValueError) as error:
        raise CentralError(N_("The central register at {url} cannot be reached: {error}"),
                           url=redact(url, url), error=redact(_first_line(error), url)) from None
    return conn


# A server that is full or starting says so and asks to be tried again later; anything else
# (a wrong password, no such host, nothing listening) will not change by waiting.
_TRY_AGAIN = ("too many clients", "remaining connection slots", "starting up", "shutting down",
              "in recovery mode")
FIRST_WAIT_S, LONGEST_WAIT_S, PATIENCE_S = 0.25, 8.0, 60.0


def connect_patiently(url: str, *, clock, rng, autocommit: bool = False, name: str | None = None,
                      jitter_s: float = 0, patience_s: float = PATIENCE_S) -> "psycopg.Connection":
    """`connect` after a random wait of up to `jitter_s` (terminals on one timer then do not
    all arrive in the same second), tried again with growing random waits (full jitter) while
    the centre is full or starting, for at most `patience_s`; then the last refusal as one
    sentence."""
    require_tls(parse(url), url)  # a URL that can never work: said at once, before any wait
    clock.sleep(rng.uniform(0, jitter_s))
    deadline = clock.monotonic() + patience_s
    wait = FIRST_WAIT_S
    while True:
        try:
            return connect(url, autocommit=autocommit, name=name)
        except CentralError as error:
            reason = str(error.params.get("error", "")).lower()
            pause = rng.uniform(0, wait)
            if not any(s in reason for s in _TRY_AGAIN) or clock.monotonic() + pause > deadline:
                raise
            clock.sleep(pause)
            wait = min(wait * 2, LONGEST_WAIT_S)


def parse(url: str) -> dict[str, str]:
    """The URL's parameters (libpq's parser), or CentralError saying it is not a URL."""
    psycopg = central_driver()
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except (psycopg.Error, ValueError) as error:
        raise CentralError(N_("{url} is not a PostgreSQL connection string: {error}"),
                           url=redact(url, url), error=redact(_first_line(error), url)) from None


# sslmode values that may send the password and the register in clear to another machine.
_PLAINTEXT_MODES = {"disable", "allow", "prefer"}


def require_tls(params: dict[str, str], url: str) -> None:
    """CentralError unless the connection would be encrypted or stay on this machine."""
    settings = {**_service(params), **{k: v for k, v in params.items() if k != "service"}}
    mode = settings.get("sslmode") or os.environ.get("PGSSLMODE")
    if mode == "disable" or (mode and mode not in _PLAINTEXT_MODES):
        return  # an explicit choice: disable, or require / verify-ca / verify-full
    hosts = settings.get("hostaddr") or settings.get("host") or os.environ.get("PGHOST", "")
    remote = [h for h in hosts.split(",") if not is_local(h.strip())]
    if remote:
        raise CentralError(N_("{url} reaches {host} without TLS: add sslmode=verify-full and "
                              "sslrootcert=<the centre's CA certificate> to the URL (or "
                              "sslmode=disable, knowingly, on a private network)."),
                           url=redact(url, url), host=remote[0].strip())


def is_local(host: str) -> bool:
    """A Unix socket, `localhost` or a loopback address: nothing leaves this machine."""
    if host == "" or host.startswith(("/", "@")) or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _service(params: dict[str, str]) -> dict[str, str]:
    """The settings of a libpq service (pg_service.conf) the URL names, for the TLS check."""
    import configparser
    from pathlib import Path

    name = params.get("service") or os.environ.get("PGSERVICE")
    if not name:
        return {}
    files = [os.environ.get("PGSERVICEFILE") or Path.home() / ".pg_service.conf",
             Path(os.environ.get("PGSYSCONFDIR", "/etc/postgresql-common")) / "pg_service.conf"]
    for file in files:
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(file, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        if config.has_section(name):
            return dict(config.items(name))
    return {}


def failure(error: BaseException, url: str) -> CentralError:
    """A psycopg error met while working, as one redacted sentence."""
    return CentralError(N_("The central register at {url} failed: {error}"),
                        url=redact(url, url), error=redact(_first_line(error), url))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0].strip()
