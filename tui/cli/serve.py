"""`izle serve`: the citizen flow in a browser (textual-serve), one process per connection."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from izle.tui.cli.common import db_option, state_option
from izle.data.i18n import LANGUAGES, _

DEFAULT_PER_ADDRESS = 4  # a family behind one home router, a few tabs each; not a crawler


@click.command(help=_("Serve the citizen flow to web browsers: each connection runs its own "
                      "İzlə session, logged out when idle and ended when its tab closes. Binds "
                      "to this machine only unless --host says otherwise; put a TLS proxy in "
                      "front of it (README)."))
@db_option
@state_option
@click.option("--host", default="127.0.0.1", show_default=True, metavar=_("ADDRESS"),
              help=_("address to listen on"))
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help=_("port to listen on"))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help=_("language: az (default), ru or en"))
@click.option("--max-sessions", type=click.IntRange(min=1), default=None,
              help=_("sessions at once (default: four per CPU); one more gets a 'busy' page"))
@click.option("--max-per-address", type=click.IntRange(min=1), default=DEFAULT_PER_ADDRESS,
              show_default=True, help=_("sessions at once from one client address"))
@click.option("--public-url", default=None, metavar=_("URL"),
              help=_("the address browsers use, e.g. https://izle.example.az behind a proxy"))
@click.option("--idle-timeout", type=click.FloatRange(min=1), default=None, metavar=_("SECONDS"),
              help=_("seconds of inactivity before the 'still there?' prompt"))
@click.option("--demo", is_flag=True,
              help=_("where there is no register yet, build a demo register and serve it"))
def serve(db: Path | None, state: Path | None, host: str, port: int, lang: str | None,
          max_sessions: int | None, max_per_address: int, public_url: str | None,
          idle_timeout: float | None, demo: bool) -> None:
    try:
        import textual_serve  # noqa: F401  (an optional extra: say how to get it)
    except ModuleNotFoundError:
        raise click.ClickException(
            _("izle serve needs textual-serve: pip install 'izle[serve]'")) from None
    from izle.tui.cli.common import resolve_paths
    from izle.tui.cli.run import check_register
    from izle.data.i18n import set_language

    # `izle serve --lang X` or `izle --lang X serve` ($IZLE_LANG): the pages' and sessions' language.
    lang = lang or click.get_current_context().find_root().params.get("lang") or "az"
    set_language(lang)

    register, terminal_db = resolve_paths(db, state)
    # A register that is missing is refused: a typo in --db or an unmounted disk must not
    # become a public demo. A demo register (built here with --demo, or by `izle demo`) shows
    # its demo identity on the login screen, as it does at a terminal: it holds no real letter.
    check_register(register, terminal_db, may_build_demo=demo)
    listening = _listen(host, port)
    _server(register, terminal_db, state, lang, listening, max_sessions,
            max_per_address, public_url, idle_timeout).serve()


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is said: a busy port is one sentence."""
    try:
        return socket.create_server((host, port), family=_family(host), backlog=128)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            message = _("Port {port} on {host} is already in use: stop what listens there or "
                        "choose another with --port.")
        else:
            message = _("Cannot listen on {host} port {port}: {error}")
        raise click.ClickException(message.format(host=host, port=port,
                                                  error=error.strerror or error)) from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _server(register: Path, terminal_db: Path, state: Path | None, lang: str,
            listening: socket.socket, max_sessions: int | None, per_address: int,
            public_url: str | None, idle_timeout: float | None):
    from izle.tui.settings import DEFAULT_IDLE_TIMEOUT, Settings
    from izle.tui.web.limits import SessionLimits, default_max_sessions
    from izle.tui.web.server import IzleServer, session_command

    limits = SessionLimits(max_sessions or default_max_sessions(), per_address)
    host, port = listening.getsockname()[:2]
    click.echo(_("Serving İzlə on http://{host}:{port} ({count} sessions at most).").format(
        host=host, port=port, count=limits.max_sessions), err=True)
    return IzleServer(
        session_argv=session_command(db=register, state=state and terminal_db, lang=lang,
                                     idle_timeout=idle_timeout),
        terminal_name=web_terminal_namer(terminal_db), limits=limits, lang=lang,
        listening=listening, public_url=public_url,
        idle=idle_timeout or DEFAULT_IDLE_TIMEOUT["citizen"],
        idle_prompt=Settings.idle_prompt,
    )


def web_terminal_namer(terminal_db: Path):
    """`web:` + a keyed hash of the client address, with terminal.db's audit key.

    The audit can tell sessions from one address apart from others without holding the address
    (personal data); the key stays on this machine, so no one can hash every IPv4 address to
    find it.
    """
    from izle.data import audit
    from izle.data.db import connect_write
    from izle.data.schema import ensure_terminal

    ensure_terminal(terminal_db)
    conn = connect_write(terminal_db)
    return lambda address: "web:" + audit.keyed_tag(conn, "web-client:" + address)
