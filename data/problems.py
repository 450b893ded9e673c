"""One shape for everything `data/` has to say about a problem.

A `Problem` is a short code (for scripts, tests and the audit) and an English msgid with
`{placeholders}`; whoever shows it translates the msgid and fills in the values, so `data/`
never needs to know the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a msgid for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    params: dict = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] = lambda m: m) -> str:
        """The sentence in the language of `translate` (English when none is given)."""
        return translate(self.message).format(**self.params)
