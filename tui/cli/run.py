"""`izle` itself: options of the TUI, and the group that holds the administrator's commands."""

from __future__ import annotations

import gc
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from izle import __version__
from izle.data.i18n import LANGUAGES, _, set_language
from izle.tui.cli import LazyGroup
from izle.tui.settings import THEME_NAMES

if TYPE_CHECKING:
    from izle.tui.settings import Settings


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]},
             options_metavar=_("[OPTIONS]"), subcommand_metavar=_("COMMAND [ARGS]..."),
             help=_("İzlə: where is my letter to the State Customs Committee?\n\n"
                    "Without a command, runs the terminal application. With no register yet, "
                    "it first builds a demo register and says where."))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar=_("FILE"),
              envvar="IZLE_DB", help=_("register.db (default: $IZLE_DB or the user data folder)"))
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar=_("FILE"),
              envvar="IZLE_STATE", help=_("terminal.db (default: $IZLE_STATE or beside the register)"))
@click.option("--operator", is_flag=True, help=_("call-centre operator mode"))
@click.option("--kiosk", is_flag=True, help=_("kiosk lockdown (citizen mode, no way out)"))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, envvar="IZLE_LANG",
              help=_("language: az (default), ru or en"))
@click.option("--terminal", default=None, metavar=_("NAME"), envvar="IZLE_TERMINAL",
              help=_("this terminal's name in the audit log (default: host name)"))
@click.option("--idle-timeout", type=click.FloatRange(min=1), default=None, metavar=_("SECONDS"),
              help=_("seconds of inactivity before the 'still there?' prompt"))
@click.option("--confirm-timeout", type=click.FloatRange(min=1), default=120.0, show_default=True,
              metavar=_("SECONDS"),
              help=_("seconds to confirm the login on the phone"))
@click.option("--keymap", default=None, metavar=_("KEYS"), envvar="IZLE_KEYMAP",
              help=_("other keys for help, logout, lang, back, track-other, new-call, readout, e.g. \"help=ctrl+o logout=ctrl+l\""))
# `izle serve` runs each browser session with it: one person's session, whose logout ends it.
@click.option("--end-on-logout", is_flag=True, hidden=True)
@click.option("--theme", type=click.Choice(THEME_NAMES), default="izle", envvar="IZLE_THEME",
              show_default=True, help=_("colours: izle, or izle-high-contrast (text at 7:1 or more)"))
@click.option("--speech", is_flag=True, help=_("say each screen aloud (espeak-ng)"))
@click.option("--speech-private", is_flag=True,
              help=_("a kiosk with a headset: names, numbers and a letter's details may be said"))
@click.option("--speech-to", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar=_("DIR"), help=_("write what would be said to DIR (numbered WAV files and utterances.jsonl) instead of playing it"))
@click.version_option(__version__, "--version", "-V", prog_name="izle",
                      message="%(prog)s %(version)s", help=_("show the version and exit"))
@click.pass_context
def run(ctx: click.Context, db: Path | None, state: Path | None, operator: bool, kiosk: bool,
        lang: str | None, terminal: str | None, idle_timeout: float | None,
        confirm_timeout: float, keymap: str | None, end_on_logout: bool, theme: str,
        speech: bool, speech_private: bool, speech_to: Path | None) -> None:
    """Run the TUI, or prepare the context of an administrator's subcommand (help above)."""
    set_language(lang or "az")
    if ctx.invoked_subcommand is not None:
        return
    if operator and kiosk:
        raise click.UsageError(_("--kiosk is for citizens; it cannot be combined with --operator."))
    from izle.tui.stopping import caught_early

    with caught_early():  # a SIGTERM or SIGHUP from now on stops the app, audited, once it runs
        app = _terminal_app(db, state, operator, kiosk, lang, terminal, idle_timeout,
                            confirm_timeout, keymap, end_on_logout, theme, speech,
                            speech_private, speech_to)
        # What is loaded now lives as long as the process: kept out of the cyclic collector's
        # scans, so no full collection (40-50 ms) lands in the first frame.
        gc.freeze()
        app.run()
    # A service manager tells a crash (1) or an administrator's stop (10) from a clean stop (0).
    ctx.exit(app.return_code or 0)


def _terminal_app(db, state, operator, kiosk, lang, terminal, idle_timeout, confirm_timeout,
                  keymap, end_on_logout, theme, speech, speech_private, speech_to):
    """The app the options describe, its register checked (a demo built where none was)."""
    settings = _settings(db, state, operator, kiosk, lang, terminal, idle_timeout,
                         confirm_timeout, keymap, end_on_logout, theme)
    settings = replace(settings, speech=speech or speech_private, speech_private=speech_private,
                       speech_to=speech_to)
    if settings.speech or speech_to:
        from izle.data.speech import espeak_missing

        if missing := espeak_missing():  # one sentence; the terminal works on without a voice
            click.echo(_(missing), err=True)
    built = check_register(settings.register, settings.terminal_db,
                           may_build_demo=db is None and not settings.kiosk)
    if built:
        settings = replace(settings, notice=built)
    from izle.tui.app import IzleApp

    try:
        return IzleApp(settings=settings)
    except (sqlite3.Error, OSError) as error:  # terminal.db unreadable or not writable
        raise click.ClickException(
            _("{path} cannot be opened: {error}").format(path=settings.terminal_db,
                                                         error=describe_error(error)))


def describe_error(error: BaseException) -> str:
    """An error of a file in the user's language: our own sentence when it carries one."""
    from izle.data.problems import ProblemError

    if isinstance(error, ProblemError):
        return error.problem.text(_)
    return getattr(error, "strerror", None) or str(error)


def _settings(db, state, operator, kiosk, lang, terminal, idle_timeout, confirm_timeout,
              keymap, end_on_logout=False, theme="izle") -> Settings:
    from izle.data.db import register_path, state_path
    from izle.data.modes import Mode
    from izle.tui.settings import Settings, parse_keymap

    try:
        keys = parse_keymap(keymap)
    except ValueError as bad:  # KeymapError: its sentence says what is wrong
        raise click.BadParameter(str(bad), param_hint="--keymap") from None
    register = register_path(db)
    return Settings(db_path=register, state_path=state_path(register, state),
                    mode=Mode.OPERATOR if operator else Mode.CITIZEN, kiosk=kiosk, lang=lang or "az",
                    idle_timeout=idle_timeout, confirm_timeout=confirm_timeout,
                    terminal=terminal, keymap=keys, end_on_logout=end_on_logout,
                    theme=theme)


def check_register(register: Path, terminal_db: Path, *, may_build_demo: bool) -> str:
    """A sentence, not a traceback, for a missing or bad register. Only a plain `izle` (no
    --db, no kiosk) builds a demo where none is: a kiosk whose disk is missing, or a path
    someone typed, must not quietly become a demo that shows a demo PIN1 to the public.
    Returns what the first screen must say (a demo was built, and where), else ""."""
    built = ""
    if not register.exists():
        if not may_build_demo:
            raise click.ClickException(_("No register at {path}. Load one with `izle import` or build a demo with `izle demo --db {path}`.").format(path=register))
        _build_first_demo(register, terminal_db)
        built = _("There was no register at {path}: a demo register was built there.").format(
            path=register)
    from izle.data.schema import register_problem, terminal_problem

    if problem := register_problem(register) or terminal_problem(terminal_db):
        raise click.ClickException(problem.text(_))
    return built


def _build_first_demo(register: Path, terminal_db: Path) -> None:
    from izle.data.demo import build_demo

    click.echo(_("No register at {path} yet: building a demo register there…").format(path=register), err=True)
    try:
        build_demo(register, terminal_db)
    except (OSError, sqlite3.Error) as error:  # a read-only or missing folder, a full disk
        raise click.ClickException(
            _("{path} cannot be opened: {error}").format(path=register, error=getattr(error, "strerror", None) or error))
    click.echo(_("Demo register ready: {path}").format(path=register), err=True)
