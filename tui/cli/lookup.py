"""`izle lookup --json`: one letter for a machine (the call centre's IVR, other systems).

    izle lookup --agency BBGI --number 01-31/3073 --date 05.03.2026 --fin 5ZK9Q2M --json
    izle lookup --json --stdin < requests.jsonl     # one JSON request per line, one answer each

The API's rule is the operator's: the letter's details are built only after the caller check
(FIN exactly, or surname in its usual spellings) matched its applicant; "not found", "not
verified" and "wrong date" are one and the same `{"found": false}`, answered at the desk's one
fixed moment. A number typed as digits only that is the digits of several letters of the
verified applicant is `{"code": "ambiguous"}`: give it as printed (not a miss). A request may
name its `caller_id` (the phone line's number: misses limited per caller) and its `lang`. Every
call is audited in mode `api`. Exit status: 0 found, 1 not found, 2 bad input (an ambiguous
number too), 3 the register or the audit log failed, 4 refused after too many misses; every
error is `{"error": sentence, "code": stable word}`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click

from izle.data.i18n import LANGUAGES, N_, _
from izle.data.limits import Limits
from izle.data.problems import ProblemError
from izle.tui.cli.common import cli_clock, db_option, resolve_paths, state_option
from izle.tui.cli.json_lines import NOT_TEXT, LineProblem, has_surrogate, parse_request, read_lines

FOUND, NOT_FOUND, BAD_INPUT, FAILED, REFUSED = 0, 1, 2, 3, 4
REQUEST_FIELDS = ("agency", "number", "date", "fin", "surname", "caller_id", "lang")

# Each error answer's stable `code`, from the form problem the desk found: (field, problem).
FORM_CODES = {("agency", "agency"): "unknown_agency", ("number", "empty"): "no_number",
              ("date", "empty"): "no_date", ("caller", "no_caller"): "no_caller",
              ("caller", "two_callers"): "two_callers", ("caller", "fin"): "bad_fin"}
FIELD_CODES = {"number": "bad_number", "date": "bad_date"}  # any other problem of the field
CALLER_ID = re.compile(r"\+?[0-9]{3,20}")  # what a phone line receives, spaces removed



class JsonCommand(click.Command):
    """Usage errors (an unknown option, a missing value) answer `{"error": …}`, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            emit(error_json(error.format_message(), "usage"))
            sys.exit(BAD_INPUT)


def error_json(sentence: str, code: str) -> dict:
    return {"error": sentence, "code": code}


def emit(payload: dict) -> None:
    """One answer line, flushed at once. Text that cannot be written as UTF-8 (a lone
    surrogate someone sent) is escaped instead: the answer is still one valid JSON line."""
    try:
        line = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(payload).encode("ascii")
    sys.stdout.buffer.write(line + b"\n")
    sys.stdout.buffer.flush()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Answer one request in its own language, then go back to the process's."""
    from izle.data.i18n import language, set_language

    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def answer_error(answer, code: str) -> dict:
    """An answer of the desk that is not a letter, in the API's sentence (one table for every
    front door: data/desk/sentences.py), with its code."""
    from izle.data.desk import Mode
    from izle.data.desk.sentences import Asked, sentence, spoken

    return error_json(spoken(sentence(Asked.LOOKUP, answer, Mode.API), _), code)


def form_code(problem) -> str:
    """The stable code of a FormProblem of `Desk.check_api`."""
    if problem.problem.code == "not_text":  # any field holding no text (a lone surrogate)
        return "bad_text"
    return (FORM_CODES.get((problem.field, problem.problem.code))
            or FIELD_CODES.get(problem.field, "bad_request"))


def caller_id_of(text: str | None) -> str | None | LineProblem:
    """The phone line's number, spaces and dashes removed; None when the request has none."""
    if text is None:
        return None
    compact = re.sub(r"[\s().-]", "", text)
    if not CALLER_ID.fullmatch(compact):
        return LineProblem("bad_caller_id", N_("caller_id is the caller's phone number, digits "
                                                 "with an optional leading +."))
    return compact


def letter_json(letter, lang: str) -> dict:
    """The answer's fields (DESIGN §5), dates ISO 8601, titles and sentence in `lang`."""
    from izle.data.statuses import STATUS_TITLES, explain
    from izle.data.text import strip_controls

    title, sentence, values = explain(letter, letter.deadline, lang)
    deadline = letter.deadline
    return {
        "found": True,
        "agency": letter.agency.code,
        "reg_no": letter.reg_no,
        "reg_date": letter.reg_date.isoformat(),
        "unit": letter.unit.get(lang) if letter.unit else None,
        "executor": letter.executor,
        "executor_phone": letter.executor_phone,
        "status": letter.status,
        "status_title": _(title),
        "status_sentence": _(sentence).format(**{k: strip_controls(str(v)) for k, v in values.items()}),
        "due_date": deadline.due.isoformat() if deadline else None,
        "days_left": deadline.days_left if deadline else None,
        "movements": [
            {"at": move.at.isoformat(), "status": move.status,
             "status_title": _(STATUS_TITLES.get(move.status, move.status)),
             "unit": move.unit.get(lang) if move.unit else None, "note": move.note}
            for move in letter.movements
        ],
    }


class Api:
    """One desk for the whole process: a request is one lookup, audited."""

    def __init__(self, register: Path, state: Path, terminal: str, lang: str,
                 limits=None) -> None:
        from izle.data.clock import system_random
        from izle.data.desk import Desk, Mode
        from izle.data.letters import Register
        from izle.data.schema import ensure_terminal
        from izle.data.terminal import TerminalStore
        from izle.tui.cli.common import cli_clock

        clock = cli_clock()
        ensure_terminal(state)
        self.lang = lang
        self.desk = Desk(register=Register(register, clock=clock),
                         store=TerminalStore(state, clock, system_random()),
                         provider=None, clock=clock, mode=Mode.API,  # type: ignore[arg-type]
                         terminal=terminal, limits=limits)

    def answer(self, request: dict) -> tuple[dict, int]:
        """The answer to one request and its exit status; never raises."""
        lang = request.get("lang")
        if lang is not None and lang not in LANGUAGES:
            return self._bad("lang", LineProblem("bad_lang", N_("lang is one of az, ru, en.")))
        with speaking(lang or self.lang):
            try:
                return self._answer(request, lang or self.lang)
            except Exception:  # noqa: BLE001 - whatever went wrong, an answer and the next line
                from izle.data.desk import LookupAnswer, Outcome

                self.desk.record_safely("lookup", "failed", {"code": "failed"},
                                        actor=self.desk.terminal)
                return answer_error(LookupAnswer(Outcome.FAILED), "failed"), FAILED

    def _answer(self, request: dict, lang: str) -> tuple[dict, int]:
        from izle.data.desk import FormProblem, Outcome

        desk = self.desk
        unknown = sorted(set(request) - set(REQUEST_FIELDS))
        if unknown:
            return self._bad("request", LineProblem("unknown_field", N_("Unknown field: {name}.")),
                             name=unknown[0])
        values = {k: request.get(k) for k in REQUEST_FIELDS}
        if any(v is not None and not isinstance(v, str) for v in values.values()):
            return self._bad("request", LineProblem("bad_field", N_("Every field of a request is a string.")))
        if any(has_surrogate(v) for v in values.values() if v):  # also argv's undecodable bytes
            return self._bad("request", NOT_TEXT)
        caller_id = caller_id_of(values["caller_id"])
        if isinstance(caller_id, LineProblem):
            return self._bad("caller_id", caller_id)
        checked = desk.check_api(*(values[k] or "" for k in ("agency", "number", "date")),
                                 values["fin"], values["surname"])
        if isinstance(checked, FormProblem):
            return self._bad(checked.field, LineProblem(form_code(checked), checked.problem.message),
                             **checked.problem.params)
        answer = desk.api_lookup(checked, by_fin=bool(values["fin"]), caller_id=caller_id)
        if answer.outcome is Outcome.FAILED:
            return answer_error(answer, "failed"), FAILED
        if answer.outcome is Outcome.REFUSED:
            return answer_error(answer, "too_many_misses"), REFUSED
        if answer.outcome is Outcome.AMBIGUOUS:  # the request must give the number as printed
            return answer_error(answer, "ambiguous"), BAD_INPUT
        if answer.outcome is Outcome.FOUND and answer.letter is not None:
            return letter_json(answer.letter, lang), FOUND
        return {"found": False}, NOT_FOUND

    def _bad(self, field: str, problem: LineProblem, **params) -> tuple[dict, int]:
        self.desk.record_safely("lookup", "invalid", {"field": field, "code": problem.code},
                                actor=self.desk.terminal)
        return error_json(_(problem.message).format(**params), problem.code), BAD_INPUT

    def serve(self, stream: BinaryIO) -> None:
        """One answer per request line, flushed at once; whatever the line, the next is read."""
        for line in read_lines(stream):
            if isinstance(line, bytes):
                if not line.strip():
                    continue
                line = parse_request(line)
            if isinstance(line, LineProblem):
                emit(self._bad("request", line)[0])
            else:
                emit(self.answer(line)[0])


@click.command("lookup", cls=JsonCommand,
               help=_("Look one letter up for another system and print the answer as JSON "
                      "(exit status 0 found, 1 not found, 2 bad input or an ambiguous number, "
                      "3 failed, 4 refused after too many misses)."))
@click.option("--agency", metavar=_("CODE"), help=_("the customs authority's code"))
@click.option("--number", metavar=_("TEXT"), help=_("the letter's registration number"))
@click.option("--date", "date_text", metavar=_("DATE"), help=_("registration date, DD.MM.YYYY or YYYY-MM-DD"))
@click.option("--fin", metavar=_("FIN"), help=_("the applicant's FIN, as the caller states it"))
@click.option("--surname", metavar=_("TEXT"), help=_("the applicant's surname, as the caller states it"))
@click.option("--caller-id", metavar=_("PHONE"),
              help=_("the number the phone line received; misses are limited per caller"))
@db_option
@state_option
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, envvar="IZLE_LANG",
              help=_("language of the status title and sentence"))
@click.option("--terminal", default="api", show_default=True,
              help=_("the calling system's name, for the audit log"))
@click.option("--misses-per-hour", type=click.IntRange(min=1), default=Limits.api_misses,
              envvar="IZLE_API_MISSES", show_default=True,
              help=_("misses this calling system may have within an hour, all callers together"))
@click.option("--anonymous-misses-per-hour", type=click.IntRange(min=1),
              default=Limits.anonymous_misses, envvar="IZLE_API_ANONYMOUS_MISSES", show_default=True,
              help=_("misses within an hour of the requests without a caller_id, together"))
@click.option("--json", "as_json", is_flag=True, help=_("print JSON (the only format)"))
@click.option("--stdin", "from_stdin", is_flag=True,
              help=_("read one JSON request per line from standard input, answer one line each"))
def lookup(agency, number, date_text, fin, surname, caller_id, db, state, lang, terminal,
           misses_per_hour, anonymous_misses_per_hour, as_json, from_stdin) -> None:
    from izle.data.i18n import language, set_language

    if lang:  # the group set its own (or the default) before this command's options were read
        set_language(lang)
    register, terminal_db = resolve_paths(db, state)
    if not register.exists():
        emit(error_json(_("No register at {path}.").format(path=register), "no_register"))
        sys.exit(BAD_INPUT)
    try:
        limits = Limits(api_misses=misses_per_hour, anonymous_misses=anonymous_misses_per_hour)
        api = Api(register, terminal_db, terminal, lang or language(), limits)
        if from_stdin:
            api.serve(sys.stdin.buffer)
            return
        request = {k: v for k, v in (("agency", agency), ("number", number), ("date", date_text),
                                     ("fin", fin), ("surname", surname), ("caller_id", caller_id))
                   if v is not None}
        payload, status = api.answer(request)
    except (sqlite3.Error, OSError, ProblemError) as error:  # a full disk, a newer terminal.db
        from izle.tui.cli.run import describe_error

        payload, status = error_json(_("The lookup could not be completed: {reason}").format(
            reason=describe_error(error)), "failed"), FAILED
    emit(payload)
    sys.exit(status)
