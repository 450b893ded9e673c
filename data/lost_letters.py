"""Text that lost its letters when a file was saved in an encoding without them.

Excel in a Russian locale saves `Dövlət Gömrük Komitəsi` as Windows-1251, which has no ə ö ü ğ
ı ş ç: each becomes `?` (`D?vl?t G?mr?k Komit?si`). A file decoded with replacement carries
U+FFFD instead. Either way the letters are gone and no encoding brings them back, so such a
value is refused at import and reported by `izle check` when it is already stored.
"""

from __future__ import annotations

import re

# A `?` touching a letter stands where a letter stood (a name has no question marks);
# U+FFFD is never written on purpose.
_LOST = re.compile(r"\ufffd|[^\W\d_]\?|\?[^\W\d_]")
REPLACEMENT = "\ufffd"
# Names and other words where a `?` cannot be meant; a movement's note may ask a question.
WORD_COLUMNS = frozenset({"name_az", "name_ru", "name_en", "full_name", "applicant_name",
                          "forwarded_to"})
# (table, column) of the register holding such words, for `izle check`.
STORED_WORDS = (("agencies", "name_az"), ("agencies", "name_ru"), ("agencies", "name_en"),
                ("units", "name_az"), ("units", "name_ru"), ("units", "name_en"),
                ("executors", "full_name"), ("letters", "applicant_name"),
                ("letters", "forwarded_to"))


def lost_letters(value: str, column: str) -> bool:
    """Whether `value` of `column` shows letters lost in a lossy save."""
    if column in WORD_COLUMNS:
        return _LOST.search(value) is not None
    return REPLACEMENT in value
