"""The desk's seams: one sentence table for every front door, one audited step, one N_."""

from __future__ import annotations

import ast
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from izle.data.desk import Consequence, ListAnswer, LookupAnswer, Mode, Outcome
from izle.data.desk.audited import AuditTrail
from izle.data.desk.sentences import Asked, Reply, consequence_sentence, sentence
from izle.data.i18n import LANGUAGES, translate
from izle.data.terminal import StoreError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("mode", [Mode.CITIZEN, Mode.OPERATOR])
@pytest.mark.parametrize("outcome", [Outcome.MISS, Outcome.UNVERIFIED, Outcome.REFUSED, Outcome.FAILED])
def test_every_lookup_that_shows_nothing_says_why_in_every_language(mode, outcome):
    msgid = sentence(Asked.LOOKUP, LookupAnswer(outcome), mode)
    assert msgid
    for lang in LANGUAGES:
        assert translate(msgid, lang).strip()
    assert translate(msgid, "az") != msgid  # translated, not the English msgid


def test_a_citizen_and_an_operator_hear_different_misses_and_locks():
    miss, locked = LookupAnswer(Outcome.MISS), LookupAnswer(Outcome.MISS, consequence=Consequence.LOCKED)
    assert "yours" in sentence(Asked.LOOKUP, miss, Mode.CITIZEN)
    assert "yours" not in sentence(Asked.LOOKUP, miss, Mode.OPERATOR)
    assert "supervisor" in sentence(Asked.LOOKUP, locked, Mode.OPERATOR)
    assert "tomorrow" in sentence(Asked.LOOKUP, locked, Mode.CITIZEN)


def test_the_api_says_a_failure_without_asking_for_staff():
    assert sentence(Asked.LOOKUP, LookupAnswer(Outcome.FAILED), Mode.API) == "The lookup could not be completed."


def test_a_found_letter_needs_no_sentence_and_a_flag_is_said_beside_it():
    assert sentence(Asked.LOOKUP, LookupAnswer(Outcome.FOUND), Mode.CITIZEN) is None
    assert "supervisor" in consequence_sentence(ListAnswer(Outcome.UNVERIFIED, consequence=Consequence.FLAGGED))
    assert consequence_sentence(LookupAnswer(Outcome.MISS)) is None
    assert sentence(Asked.SEARCH, ListAnswer(Outcome.UNVERIFIED), Mode.OPERATOR).startswith("The applicant")
    assert {r for r in Reply} == {Reply.FAILED, Reply.LOCKED, Reply.UNVERIFIED, Reply.MISS,
                                  Reply.AMBIGUOUS}


class Store:
    """A terminal store that keeps its rows, or fails as told."""

    def __init__(self, fails: bool = False) -> None:
        self.rows: list[dict] = []
        self.fails = fails

    @contextmanager
    def exclusive(self):
        """The real store's one write transaction; rows here are kept at once."""
        yield

    def record(self, **row) -> int:
        if self.fails:
            raise StoreError()
        self.rows.append(row)
        return len(self.rows)


def test_an_audited_step_records_its_outcome_before_giving_its_answer():
    store = Store()
    trail = AuditTrail(store, "t1", "citizen", lambda: "u1")  # type: ignore[arg-type]
    query: dict = {}

    def step():
        query["check"] = "match"
        return "found", "the answer"

    assert trail.audited("lookup", query, step, "failed answer") == "the answer"
    assert store.rows == [{"terminal": "t1", "mode": "citizen", "actor": "u1", "action": "lookup",
                           "outcome": "found", "query": {"check": "match"}}]


def test_a_failed_register_is_recorded_and_a_failed_audit_shows_nothing():
    store = Store()
    trail = AuditTrail(store, "t1", "operator", lambda: "u1")  # type: ignore[arg-type]

    def broken():
        raise sqlite3.DatabaseError("database disk image is malformed")

    assert trail.audited("search", {"fin": "x"}, broken, "nothing") == "nothing"
    assert [(r["action"], r["outcome"], r["query"]) for r in store.rows] == [("search", "failed", {"fin": "x"})]
    silent = AuditTrail(Store(fails=True), "t1", "operator", lambda: "u1")  # type: ignore[arg-type]
    assert silent.audited("lookup", {}, lambda: ("found", "letter"), "nothing") == "nothing"


def test_n_underscore_is_defined_once():
    defined = [path.relative_to(ROOT).as_posix()
               for folder in ("data", "screens", "tui") for path in (ROOT / folder).rglob("*.py")
               if any(isinstance(node, ast.FunctionDef) and node.name == "N_"
                      for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert defined == ["data/i18n.py"]


def test_nothing_to_say_is_said_as_nothing_not_as_the_catalogs_header():
    from izle.data.desk.sentences import spoken

    assert "Project-Id-Version" in translate("", "az")  # why "" is never handed to gettext
    assert spoken(sentence(Asked.LOOKUP, LookupAnswer(Outcome.FOUND), Mode.CITIZEN),
                  lambda m: translate(m, "az")) == ""
    assert spoken(consequence_sentence(LookupAnswer(Outcome.MISS)), lambda m: translate(m, "ru")) == ""
