"""Finding a customs authority by what a person types: any script, any case, a typo allowed.

A query matches a name when every typed word matches a word of that name:
- both are compared as *skeletons*: `data.text.fold` (case, Azerbaijani marks, Cyrillic
  transliteration) and then a few letters people interchange collapsed — q/g (Russian г stands
  for both), x/h, and the digraphs sh/ch/zh/kh/gh of English-style typing;
- the typed word is a prefix of the name's word (`baki bas` finds *Bakı Baş Gömrük İdarəsi*),
- or, for typed words of 5 letters or more, it is one edit away from a prefix of it: a missing
  letter, an extra letter, a wrong letter or two neighbours swapped (`Balkaən` finds *Balakən*).

Several names can stand for one authority (az, ru, en, its code): a query matches the authority
when all its words match one of them. Plain Python, no Textual.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from izle.data.text import fold

FUZZY_FROM = 5  # typed words this long may hold one typo
_WORD = re.compile(r"[^\W_]+")
_DIGRAPHS = (("sh", "s"), ("ch", "c"), ("zh", "j"), ("kh", "h"), ("gh", "g"))
_INTERCHANGED = str.maketrans({"q": "g", "x": "h"})

# How well a typed word matches a name's word (higher is better).
WHOLE_WORD, PREFIX, ONE_EDIT = 3, 2, 1


def skeleton(text: str) -> str:
    """The reduced comparison form of already folded text."""
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return text.translate(_INTERCHANGED)


def words(text: str) -> list[str]:
    """The skeleton words of any text, as compared."""
    return [skeleton(w) for w in _WORD.findall(fold(text))]


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each word of a name with the skeletons of all its prefixes.

    Prefixes are taken before the skeleton is, so a typed `k` still finds `Khachmaz` (whose
    skeleton starts with `h`).
    """
    return tuple(
        (skeleton(w), frozenset(skeleton(w[:k]) for k in range(1, len(w) + 1)))
        for w in _WORD.findall(fold(name))
    )


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance ≤ 1: equal, or one insertion, deletion, substitution
    or swap of two neighbouring letters apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i + 1:i + 2] + a[i:i + 1] == b[i:i + 2] and a[i + 2:] == b[i + 2:]
        return swapped or a[i + 1:] == b[i + 1:]
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


def word_score(typed: str, name_word: tuple[str, frozenset[str]]) -> int:
    """How a typed skeleton word matches one word of a name; 0 when it does not."""
    whole, prefixes = name_word
    if typed == whole:
        return WHOLE_WORD
    if typed in prefixes:
        return PREFIX
    if len(typed) >= FUZZY_FROM and any(
        abs(len(p) - len(typed)) <= 1 and within_one_edit(typed, p) for p in prefixes
    ):
        return ONE_EDIT
    return 0


def name_score(query: str, name: str) -> int | None:
    """The sum of the typed words' best scores against one name; None unless all match."""
    typed_words = words(query)
    name_words = _name_words(name)
    total = 0
    for typed in typed_words:
        best = max((word_score(typed, w) for w in name_words), default=0)
        if best == 0:
            return None
        total += best
    return total


def score(query: str, names: Iterable[str | None]) -> int | None:
    """How well the query matches the best of an authority's names; None when none matches.

    An empty query matches everything with score 0.
    """
    scores = [s for n in names if n and (s := name_score(query, n)) is not None]
    return max(scores, default=None)


def matches(query: str, names: Iterable[str | None]) -> bool:
    """Whether every typed word matches a word of one of the names (see the module's rules)."""
    return score(query, names) is not None
