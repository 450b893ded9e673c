"""Azerbaijani-aware text handling: case, folding, numbers, dates, phones.

Python's str.lower()/upper() are wrong for Azerbaijani ("İ".lower() is two code points,
"i".upper() is "I" instead of "İ"), so every comparison in İzlə goes through `fold`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from izle.data.i18n import N_

_AZ_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_AZ_LOWER = str.maketrans({"İ": "i", "I": "ı"})
# After lower-casing, the letters a person may type without their marks.
_FOLD_MARKS = str.maketrans({"ı": "i", "ə": "e", "ğ": "g", "ö": "o", "ü": "u", "ç": "c", "ş": "s"})
# Cyrillic, as Azerbaijanis type their language on a Russian keyboard (г for q and g, ё/ю after a
# consonant for ö/ü, я for ə, ы for ı, э for ə/e) and as the 1958–1991 Azerbaijani Cyrillic
# alphabet spells it (ғ ҝ һ ҹ ј ө ү ә). Russian words go through the same table, so a Russian
# name folds the same way whether it is stored or typed.
_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ж": "j", "җ": "c",
    "з": "z", "и": "i", "й": "y", "ј": "y", "к": "k", "қ": "q", "ҝ": "g", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ү": "u", "ұ": "u", "ф": "f", "х": "x", "һ": "h", "ц": "ts", "ч": "c", "ҹ": "c", "ш": "s",
    "щ": "sc", "ъ": "", "ы": "i", "ь": "", "э": "e", "ә": "e", "і": "i", "ї": "yi", "є": "ye",
    "ў": "u",
})
# дж is Azerbaijani c (Джалилабад = Cəlilabad). ё, ю, я: a vowel of their own after a consonant (Гёмрюк = Gömrük, Гянджа = Gəncə), with a
# y before them at the start of a word or after a vowel (Ёл = Yol, Юхары = Yuxarı).
_SOFT = {"ё": "o", "ю": "u", "я": "e"}
_IOTATED = {"ё": "yo", "ю": "yu", "я": "ya"}
_VOWELS = frozenset("aeiouəıöüаеёиоуыэюяәөүұіїєъь")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def az_upper(text: str) -> str:
    """Upper-case the Azerbaijani way: i → İ, ı → I."""
    return text.translate(_AZ_UPPER).upper()


def az_lower(text: str) -> str:
    """Lower-case the Azerbaijani way: İ → i, I → ı."""
    return text.translate(_AZ_LOWER).lower()


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _cyrillic_to_latin(text: str) -> str:
    """Transliterate lower-case Cyrillic (NFC) to the Latin letters `fold` compares."""
    if not any("\u0400" <= ch <= "\u052f" for ch in text):
        return text
    out: list[str] = []
    previous = ""
    for ch in text.replace("дж", "c"):
        if ch in _SOFT:
            after_consonant = previous.isalpha() and previous not in _VOWELS
            out.append(_SOFT[ch] if after_consonant else _IOTATED[ch])
        else:
            out.append(ch)
        previous = ch
    return "".join(out).translate(_CYRILLIC)


def fold(text: str) -> str:
    """A comparison key that ignores case, Azerbaijani letter marks, script and spacing.

    `fold("BAKI BAŞ")` == `fold("bakı baş")` == `fold("baki bas")` == `fold("Бакы Баш")`;
    `fold("Гёмрюк")` == `fold("Gömrük")`. The one place where İzlə decides that two spellings
    are the same text: the authority filter, the operator's caller check and the letter numbers
    all go through it. Idempotent: fold(fold(s)) == fold(s); fold(az_upper(s)) == fold(s).
    """
    text = az_lower(unicodedata.normalize("NFC", text)).translate(_FOLD_MARKS)
    text = _cyrillic_to_latin(unicodedata.normalize("NFC", text.casefold()))
    text = _strip_marks(text).casefold().translate(_FOLD_MARKS).translate(_CYRILLIC)
    text = _strip_marks(text).casefold()
    return _SPACES.sub(" ", text).strip()


def strip_controls(text: str) -> str:
    """Drop C0/C1 control characters (ESC included) but keep tab and newline."""
    return _CONTROL.sub("", text)


def has_controls(text: str) -> bool:
    return bool(_CONTROL.search(text))


_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D_]")
_SLASHES = re.compile(r"[\\\u2044\u2215\uFF0F|]")
_PREFIX = re.compile(r"^(?:№|NO\.?|N\.?)(?=\d)")


def _reg_no_pass(number: str) -> str:
    key = az_upper(strip_controls(unicodedata.normalize("NFKC", number)))
    key = _SPACES.sub("", key)
    key = _DASHES.sub("-", key)
    key = _SLASHES.sub("/", key)
    return _PREFIX.sub("", key)


# Passes after the first that a key may need before it stops changing (two suffice for every
# input the fuzz tests found; the bound only guards against a Unicode surprise).
_MORE_PASSES = 4


def normalize_reg_no(number: str) -> str:
    """The register key of a letter number as printed on a receipt.

    Azerbaijani upper-case, spaces dropped, dash and slash variants unified, a leading
    `№`/`N`/`No.` dropped: "№ 01–31 / 3073" → "01-31/3073".

    Idempotent: normalize_reg_no(key) == key. One pass is not always enough: dropping a space
    or a control character can put a combining mark right after a letter (`"R¸"` is NFKC
    `"R ̧"`, `"C\x01\u0301"`), and upper-casing can leave a decomposed letter (`"ῢ"` becomes
    `"Ϋ̀"` in three code points): the next pass composes them. So the pass repeats until the
    key stops changing; a key that one pass leaves as it is (every ASCII key, every number
    stored before this) is exactly what it always was.
    """
    key = _reg_no_pass(number)
    if key.isascii():  # a pass leaves an ASCII key as it is: no second pass to pay for
        return key
    for _ in range(_MORE_PASSES):
        again = _reg_no_pass(key)
        if again == key:
            break
        key = again
    return key


# The lowest and highest year of a date anywhere in İzlə (the form, the importer): the Republic's
# appeals begin in 1991, and a year past 2100 is a typing mistake.
MIN_YEAR, MAX_YEAR = 1991, 2100

_DMY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_date(text: str) -> date:
    """Parse `DD.MM.YYYY` (also with / or -) or ISO `YYYY-MM-DD`; ValueError otherwise."""
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(year, month, day)


_TYPED_DIGITS = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def parse_typed_date(text: str) -> date:
    """A date as a person types it on a form: everything `parse_date` reads, and the same
    date as eight digits without its dots, DDMMYYYY (a kiosk keypad has no dot key):
    `05032026` is 05.03.2026. Six or seven digits are refused, not guessed: `050326` could be
    1926 or 2026, `5032026` 5 March or 50 … — ValueError, and the form asks for DD.MM.YYYY."""
    if m := _TYPED_DIGITS.match(text):
        day, month, year = (int(g) for g in m.groups())
        return date(year, month, day)
    return parse_date(text)


_SEPARATORS = re.compile(r"[-/.]")


def compact_reg_no(number: str) -> str:
    """A letter number's key without its separators: `01-31/3073` and `01313073` are both
    `01313073`. A number typed on a keypad (no dash, no slash) is matched by this key; two
    letters of one authority and day that share it are not guessed between (data/letters.py)."""
    return _SEPARATORS.sub("", normalize_reg_no(number))


def has_separators(number: str) -> bool:
    """Whether a typed number says where its parts end (then it is matched exactly)."""
    return bool(_SEPARATORS.search(normalize_reg_no(number)))


def date_problem(text: str) -> tuple[str, dict] | None:
    """Why `text` is not an acceptable date (an English msgid and its values), or None.

    Tells a well-written date that does not exist (31.02.2026) from one written wrongly, and
    both from a year outside MIN_YEAR..MAX_YEAR."""
    m = _ISO.match(text)
    dmy = None if m else _DMY.match(text)
    if not (m or dmy):
        return N_("not a date (use YYYY-MM-DD or DD.MM.YYYY)"), {}
    year, month, day = (int(g) for g in m.groups()) if m else (
        int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))  # type: ignore[union-attr]
    try:
        date(year, month, day)
    except ValueError:
        return N_("the date {value} does not exist"), {"value": text.strip()[:20]}
    if not MIN_YEAR <= year <= MAX_YEAR:
        return N_("the year must be between {min} and {max}"), {"min": MIN_YEAR, "max": MAX_YEAR}
    return None


def format_date(value: date | str | None) -> str:
    """`DD.MM.YYYY`, the way every Azerbaijani form prints a date."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


MOBILE_OPERATOR_CODES = ("10", "50", "51", "55", "60", "70", "77", "99")
_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalize_phone(text: str) -> str | None:
    """E.164 form of an Azerbaijani mobile number, or None when it is not one.

    Accepts `050 123 45 67`, `+994 50 123-45-67`, `994501234567`, `50 123 45 67`.
    """
    digits = _PHONE_JUNK.sub("", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("994"):
            return None
    if not digits.isdigit():
        return None
    if len(digits) == 12 and digits.startswith("994"):
        national = digits[3:]
    elif len(digits) == 10 and digits.startswith("0"):
        national = digits[1:]
    elif len(digits) == 9:
        national = digits
    else:
        return None
    if national[:2] not in MOBILE_OPERATOR_CODES:
        return None
    return "+994" + national


_ANY_PHONE = re.compile(r"(?:\+?994|0)?([1-9]\d{8})\Z")


def normalize_desk_phone(text: str) -> str | None:
    """Any Azerbaijani number, a landline too (an executor's desk phone), in the display form
    `+994 12 404 11 22`; None when it is not one."""
    m = _ANY_PHONE.match(_PHONE_JUNK.sub("", text.strip()))
    return format_phone("+994" + m.group(1)) if m else None


def format_phone(e164: str) -> str:
    """`+994 50 123 45 67` for display."""
    n = e164.removeprefix("+994")
    if len(n) != 9:
        return e164
    return f"+994 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}"


# A FIN, normalized: `match` is all a million-row import needs for the common case.
FIN_SHAPE = re.compile(r"[0-9A-HJ-NP-Z]{7}\Z")


def normalize_fin(text: str) -> str | None:
    """The 7-character personal identification number (FİN), upper-case, or None."""
    fin = az_upper(text.strip()).replace("İ", "I")
    return fin if FIN_SHAPE.match(fin) else None


# An id as the agency writes it (a unit's `01-31`, an executor's `E-7`, an authority's `BBGI`):
# letters and digits with `-`, `/`, `.` (and `_`) between them, up to 32, compared exactly.
_KEY = re.compile(r"[^\W_][\w./-]{0,31}\Z")


def is_key(text: str) -> bool:
    """Whether `text` (already stripped) is an id the register accepts."""
    return bool(_KEY.match(text))


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone surrogate: not a character, and not encodable as UTF-8."""
    return _SURROGATE.search(text) is not None
