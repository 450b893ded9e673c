"""One shape for everything `data/` has to say about a problem.

A `Problem` is a short code (for scripts, tests and the audit) and an English msgid with
`{placeholders}`; whoever shows it translates the msgid and fills in the values, so `data/`
never needs to know the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from izle.data.i18n import N_  # noqa: F401 - importable from here too, as it always was



@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    params: dict = field(default_factory=dict)
    path: str = ""  # the file it is in, where that matters (izle check: register or terminal)

    def text(self, translate: Callable[[str], str] = lambda m: m) -> str:
        """The sentence in the language of `translate` (English when none is given)."""
        return translate(self.message).format(**self.params)


class ProblemError(Exception):
    """An operation refused, carrying its Problem: the one exception shape of `data/`
    (a store that fails, an identity refused, a file that cannot be imported, a central
    register that cannot be reached), so every interface shows any of them the same way."""

    def __init__(self, message: str, code: str = "", **params: object) -> None:
        super().__init__(message.format(**params))
        self.problem = Problem(code or type(self).__name__, message, dict(params))

    @property
    def reason(self) -> str:
        return self.problem.message

    @property
    def params(self) -> dict:
        return self.problem.params
