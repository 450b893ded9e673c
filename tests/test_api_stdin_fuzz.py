"""`izle lookup --json --stdin` never dies on input: one real process, and any line — random
bytes, deep nesting, lone surrogates, invalid UTF-8, 10 MB — gets one answer line, after
which the next request is answered as usual."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"agency": "BBGI", "number": "01-31/3073", "date": "05.03.2026", "fin": "5ZK9Q2M"}


class StdinApi:
    """A `--stdin` process and a thread that hands over its answer lines as they come."""

    def __init__(self, register: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "izle", "lookup", "--json", "--stdin", "--db", str(register),
             "--terminal", "fuzz", "--lang", "en", "--anonymous-misses-per-hour", "100000"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.answers: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.answers.put(line)
        self.answers.put(b"")  # the process ended

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]

    def answer(self) -> dict:
        line = self.answers.get(timeout=60)
        assert line, f"the process ended: {self.process.stderr.read().decode()[-2000:]}"  # type: ignore[union-attr]
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        try:
            self.process.wait(timeout=30)
        finally:
            self.process.kill()


@pytest.fixture(scope="module")
def api(tmp_path_factory, _template):
    import shutil

    folder = tmp_path_factory.mktemp("fuzz")
    for name in ("register.db", "terminal.db"):
        shutil.copy(_template / name, folder / name)
    running = StdinApi(folder / "register.db")
    yield running
    running.close()
    assert running.process.returncode == 0


def is_one_answer(answer: dict) -> bool:
    """A letter, "not found", or an error with its sentence and stable code."""
    if "found" in answer:
        return isinstance(answer["found"], bool)
    return set(answer) == {"error", "code"} and all(isinstance(v, str) and v for v in answer.values())


def ask_then_good(api: StdinApi, line: bytes) -> dict | None:
    """Send `line` and a good request; the answer to `line` (None for a blank line, which
    gets none), after checking the good request was answered as ever."""
    api.send(line + b"\n" + json.dumps(GOOD).encode() + b"\n")
    first = None if not line.strip() else api.answer()
    good = api.answer()
    assert good["found"] is True and good["reg_no"] == "01-31/3073", good
    return first


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
# Any text, lone surrogates included (they reach a JSON line as "\ud800" escapes, or raw).
ANY_TEXT = st.text(st.characters(categories=["Cs"]) | st.characters(), max_size=30)
REQUEST_LIKE = st.fixed_dictionaries(
    {}, optional={k: ANY_TEXT | JSON_VALUES for k in (*GOOD, "surname", "caller_id", "lang")})
LINES = st.one_of(
    st.binary(max_size=300),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    REQUEST_LIKE.map(lambda v: json.dumps(v).encode()),
    REQUEST_LIKE.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
).map(lambda line: line.replace(b"\n", b" "))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=LINES)
@example(line=b"[" * 100_000)
@example(line=b'{"agency": "\\ud800", "number": "1", "date": "01.01.2020", "fin": "5ZK9Q2M"}')
@example(line=b'{"\\udfff": "x"}')
@example(line=b'{"agency": "BBGI", "number": "\xff\xfe", "date": "05.03.2026"}')
@example(line=b"\xc3\x28")
@example(line=b'{"surname": "' + b"a" * (10 * 1024 * 1024) + b'"}')
@example(line=b'["' * 5000)
def test_any_line_gets_one_answer_and_the_next_line_is_answered(api, line):
    first = ask_then_good(api, line)
    assert first is None or is_one_answer(first), first


@pytest.mark.parametrize("line, code", [
    (b"[" * 100_000, "too_long"),
    (b"[" * 10_000, "bad_json"),
    (b'{"agency": "\\ud800", "number": "1", "date": "01.01.2020", "fin": "5ZK9Q2M"}', "bad_text"),
    (b"\xff\xfe{}", "bad_encoding"),
    (b"x" * (10 * 1024 * 1024), "too_long"),
    (b"[1, 2]", "bad_json"),
], ids=["100k-brackets", "10k-brackets", "surrogate", "not-utf8", "10MB", "not-an-object"])
def test_each_kind_of_broken_line_has_its_code(api, line, code):
    answer = ask_then_good(api, line)
    assert set(answer) == {"error", "code"} and answer["code"] == code
