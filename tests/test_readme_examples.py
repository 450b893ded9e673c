"""The README's JSON examples, run against the demo register `izle demo` builds: each command
as written, its answer as shown (wrapping ignored; `…` stands for the rest of the answer)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from izle.data.clock import FixedClock
from izle.data.demo import AS_OF, build_demo
from izle.tui.cli.run import run

ROOT = Path(__file__).resolve().parent.parent
SECTION = "### JSON interface"


def examples() -> list[tuple[str, str | None, str]]:
    """(command line, stdin, answer shown) of every `$ … izle lookup …` in the section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", 1) if "\n## " in section else None]
    found = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for command, answer in re.findall(r"^\$ (.*?(?:\\\n.*?)*)\n(.*?)(?=^\$ |\Z)", block,
                                          flags=re.S | re.M):
            command = command.replace("\\\n", " ")
            stdin = None
            if command.startswith("printf"):
                printf, _bar, command = command.partition("|")
                stdin = shlex.split(printf)[2] + "\n"
            found.append((command.strip(), stdin, answer))
    return found


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    register = tmp_path_factory.mktemp("readme") / "register.db"
    build_demo(register, register.with_name("terminal.db"))  # the default demo, as `izle demo`
    return register


def test_the_readme_has_json_examples_with_answers():
    shown = examples()
    assert len(shown) >= 3 and all(answer.strip() for _c, _s, answer in shown)


@pytest.mark.parametrize("command, stdin, answer", examples())
def test_a_readme_example_answers_as_shown(demo, command, stdin, answer):
    args = shlex.split(command)
    assert args[0] == "izle"
    done = CliRunner().invoke(run, [*args[1:], "--db", str(demo)], input=stdin,
                              obj={"clock": FixedClock(AS_OF)})
    got, want = squeezed(done.stdout), squeezed(answer)
    head, ellipsis, tail = want.partition("…")
    if ellipsis:
        assert got.startswith(head) and got.endswith(tail), done.stdout
    else:
        assert got == want, done.stdout
