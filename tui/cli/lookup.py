"""`izle lookup --json`: one letter for a machine (the call centre's IVR, other systems).

    izle lookup --agency BBGI --number 01-31/3073 --date 05.03.2026 --fin 5ZK9Q2M --json
    izle lookup --json --stdin < requests.jsonl     # one JSON request per line, one answer each

The API's rule is the operator's: the letter's details are built only after the caller check
(FIN exactly, or surname in its usual spellings) matched its applicant; "not found", "not
verified" and "wrong date" are one and the same `{"found": false}`. Every call is audited in
mode `api`, its actor the calling system (`--terminal`). Exit status: 0 found, 1 not found,
2 bad input (`{"error": …}`), 3 the register or the audit log failed (`{"error": …}`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from izle.data.i18n import LANGUAGES, _
from izle.tui.cli.common import db_option, resolve_paths, state_option

FOUND, NOT_FOUND, BAD_INPUT, FAILED = 0, 1, 2, 3
REQUEST_FIELDS = ("agency", "number", "date", "fin", "surname")


class JsonCommand(click.Command):
    """Usage errors (an unknown option, a missing value) answer `{"error": …}`, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            emit({"error": error.format_message()})
            sys.exit(BAD_INPUT)


def emit(payload: dict) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))
    sys.stdout.flush()


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

    def __init__(self, register: Path, state: Path, terminal: str, lang: str) -> None:
        from izle.data.clock import SystemClock, system_random
        from izle.data.desk import Desk, Mode
        from izle.data.letters import Register
        from izle.data.schema import ensure_terminal
        from izle.data.terminal import TerminalStore

        clock = SystemClock()
        ensure_terminal(state)
        self.lang = lang
        self.desk = Desk(register=Register(register, clock=clock),
                         store=TerminalStore(state, clock, system_random()),
                         provider=None, clock=clock, mode=Mode.API,  # type: ignore[arg-type]
                         terminal=terminal)

    def answer(self, request: dict) -> tuple[dict, int]:
        from izle.data.desk import FormProblem, Outcome

        desk = self.desk
        unknown = sorted(set(request) - set(REQUEST_FIELDS))
        if unknown:
            return self._bad("request", _("Unknown field: {name}.").format(name=unknown[0]))
        values = {k: request.get(k) for k in REQUEST_FIELDS}
        if any(v is not None and not isinstance(v, str) for v in values.values()):
            return self._bad("request", _("Every field of a request is a string."))
        try:
            checked = desk.check_api(values["agency"] or "", values["number"] or "",
                                     values["date"] or "", values["fin"], values["surname"])
        except Exception:  # noqa: BLE001 - the register cannot be read: no traceback, an answer
            return self._failed()
        if isinstance(checked, FormProblem):
            return self._bad(checked.field, checked.problem.text(_))
        answer = desk.api_lookup(checked, by_fin=bool(values["fin"]))
        if answer.outcome is Outcome.FAILED:
            return self._failed()
        if answer.outcome is Outcome.FOUND and answer.letter is not None:
            return letter_json(answer.letter, self.lang), FOUND
        return {"found": False}, NOT_FOUND

    def _failed(self) -> tuple[dict, int]:
        """The register or the audit log failed: the API's sentence for it."""
        from izle.data.desk import LookupAnswer, Mode, Outcome
        from izle.data.desk.sentences import Asked, sentence

        return {"error": _(sentence(Asked.LOOKUP, LookupAnswer(Outcome.FAILED), Mode.API) or "")}, FAILED

    def _bad(self, field: str, message: str) -> tuple[dict, int]:
        self.desk.record_safely("lookup", "invalid", {"field": field}, actor=self.desk.terminal)
        return {"error": message}, BAD_INPUT

    def serve(self, lines) -> None:
        """One answer per request line, flushed at once; a bad line answers an error."""
        for line in lines:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError:
                request = None
            if not isinstance(request, dict):
                emit(self._bad("request", _("A request is one JSON object per line."))[0])
                continue
            emit(self.answer(request)[0])


@click.command("lookup", cls=JsonCommand,
               help=_("Look one letter up for another system and print the answer as JSON "
                      "(exit status 0 found, 1 not found, 2 bad input)."))
@click.option("--agency", metavar=_("CODE"), help=_("the customs authority's code"))
@click.option("--number", metavar=_("TEXT"), help=_("the letter's registration number"))
@click.option("--date", "date_text", metavar=_("DATE"), help=_("registration date, DD.MM.YYYY or YYYY-MM-DD"))
@click.option("--fin", metavar=_("FIN"), help=_("the applicant's FIN, as the caller states it"))
@click.option("--surname", metavar=_("TEXT"), help=_("the applicant's surname, as the caller states it"))
@db_option
@state_option
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, envvar="IZLE_LANG",
              help=_("language of the status title and sentence"))
@click.option("--terminal", default="api", show_default=True,
              help=_("the calling system's name, for the audit log"))
@click.option("--json", "as_json", is_flag=True, help=_("print JSON (the only format)"))
@click.option("--stdin", "from_stdin", is_flag=True,
              help=_("read one JSON request per line from standard input, answer one line each"))
def lookup(agency, number, date_text, fin, surname, db, state, lang, terminal, as_json,
           from_stdin) -> None:
    from izle.data.i18n import language, set_language

    if lang:  # the group set its own (or the default) before this command's options were read
        set_language(lang)
    register, terminal_db = resolve_paths(db, state)
    if not register.exists():
        emit({"error": _("No register at {path}.").format(path=register)})
        sys.exit(BAD_INPUT)
    api = Api(register, terminal_db, terminal, lang or language())
    if from_stdin:
        api.serve(sys.stdin)
        return
    request = {k: v for k, v in (("agency", agency), ("number", number), ("date", date_text),
                                 ("fin", fin), ("surname", surname)) if v is not None}
    payload, status = api.answer(request)
    emit(payload)
    sys.exit(status)
