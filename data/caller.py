"""The operator's caller check (DESIGN §2): does what the caller states name the applicant?

A caller gives the applicant's FIN (compared exactly) or surname. Surnames are compared the
way they are really written: Azerbaijani Latin, its Russian Cyrillic rendering and the Latin of
passports and foreign forms. *Əliyeva* is "Aliyeva" on a passport and "Алиева" in Russian,
*Həsənov* is "Гасанов", *Məmmədov* "Мамедов", *Quliyeva* "Кулиева", *Cəfərov* "Jafarov".
So each spelling is reduced to keys where those renderings meet: ə may stand for a or e,
h/x/q/k/g/ğ for one another, j for c, "iye" for "ie", doubled letters single. A different
surname (Məmmədov against Əliyeva) still has no key in common. Plain Python, no SQL.
"""

from __future__ import annotations

import itertools
import re

from izle.data.text import az_lower, fold, normalize_fin

# Consonants that the Azerbaijani, Russian and passport spellings of a name swap.
_CONSONANTS = str.maketrans({"h": "k", "x": "k", "q": "k", "g": "k", "j": "c"})
_DIGRAPHS = (("dzh", "c"), ("sh", "s"), ("ch", "c"), ("zh", "j"), ("kh", "x"), ("gh", "g"))
_YOT = re.compile(r"(?<=i)y(?=[aeiou])")  # Aliyeva / Алиева: the y is not written in Russian
_DOUBLE = re.compile(r"(.)\1+")
MAX_SCHWAS = 6  # variants grow as 2**n; no surname has more


def applicant_surname(name: str | None) -> str:
    """The surname: names are stored in official order, "Surname Name Patronymic"."""
    words = (name or "").split()
    return words[0] if words else ""


def caller_key(stated: str) -> str:
    """What the caller said, normalized: a FIN in capitals, else the folded surname.

    The audit log keeps only a keyed hash of this, never the text itself.
    """
    return normalize_fin(stated) or fold(stated)


def _reduce(folded: str) -> str:
    for digraph, letter in _DIGRAPHS:
        folded = folded.replace(digraph, letter)
    folded = _YOT.sub("", folded.translate(_CONSONANTS))
    return _DOUBLE.sub(r"\1", folded)


def surname_keys(surname: str) -> frozenset[str]:
    """The comparison keys of a surname in any of its usual spellings."""
    lowered = az_lower(surname.strip())
    parts = lowered.split("ə")
    if len(parts) - 1 > MAX_SCHWAS:
        return frozenset({_reduce(fold(lowered))})
    keys = set()
    for vowels in itertools.product("ae", repeat=len(parts) - 1):
        spelled = parts[0] + "".join(v + p for v, p in zip(vowels, parts[1:]))
        keys.add(_reduce(fold(spelled)))
    return frozenset(k for k in keys if k)


def same_surname(stated: str, applicant_name: str | None) -> bool:
    """The stated surname is the applicant's, in any usual spelling."""
    surname = applicant_surname(applicant_name)
    return bool(surname and stated.strip()) and bool(surname_keys(stated) & surname_keys(surname))


def caller_matches(applicant_fin: str | None, applicant_name: str | None, stated: str) -> bool:
    """The caller's FIN (exact) or surname names this applicant.

    Both are tried: a 7-letter surname such as "Babayev" also has the shape of a FIN.
    """
    fin = normalize_fin(stated)
    if fin is not None and applicant_fin and fin == applicant_fin:
        return True
    return same_surname(stated, applicant_name)
