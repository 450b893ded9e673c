"""How a list of letters (screens/letters.py) shares its width: which column gets how many
cells, and whether a letter may take two lines.

The short columns (number, date, answer due) are always whole. The long ones, authority and
state, share what is left:
- everything on one line when it fits;
- on a wide table (an operator's 120-column console), a letter whose authority or state does not
  fit on one line takes two, wrapped at word boundaries; only what does not fit in two lines is
  cut with "…", and the room is split so that as little as possible is;
- on a narrow one (a kiosk's 80 or 60 columns) one line per letter, authority and state cut with
  "…": there two lines would still cut most Russian and Azerbaijani names (32 cells for both
  columns against up to 87) and show half as many letters on a 24-row screen, where the keypad
  scrolls a line at a time. The whole name is on the letter's result, one Enter away.

Pure functions of texts and widths (no widget), so the rule is tested on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

AUTHORITY, STATE = 0, 3  # the long columns
# Their least widths when one line is cut ("…"): still a recognisable start of the name.
LEAST = {AUTHORITY: 16, STATE: 13}
# The cells authority and state need together before a second line is worth it: an 80-column
# kiosk gives them 32, a 100-column terminal 52, a 120-column console 72.
TWO_LINES_FROM = 48


@dataclass(frozen=True)
class Fit:
    """The columns' widths and the most lines a letter may take (1 or 2)."""

    widths: tuple[int, ...]
    lines: int = 1


def words_of(text: str) -> list[str]:
    return text.split()


def need(text: str, lines: int) -> int:
    """The least width in which `text`, wrapped at spaces, is whole in `lines` lines (1 or 2)."""
    words = words_of(text)
    whole = cell_len(" ".join(words))
    if lines == 1 or len(words) < 2:
        return whole
    return min(max(cell_len(" ".join(words[:i])), cell_len(" ".join(words[i:])))
               for i in range(1, len(words)))


def first_line(text: str, width: int) -> tuple[str, str]:
    """The words of `text` that fit on a line of `width` cells, and the rest; a first word
    wider than the line is folded (the rest of it goes on)."""
    words = words_of(text)
    line, taken = "", 0
    for word in words:
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) > width:
            break
        line, taken = candidate, taken + 1
    if taken == 0 and words:
        line = set_cell_size(words[0], width).rstrip()
        rest = [words[0][len(line):], *words[1:]]
        return line, " ".join(rest)
    return line, " ".join(words[taken:])


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending in "…" when cut."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return set_cell_size(text, width - 1).rstrip() + "…"


def wrap_cell(text: str, width: int, lines: int) -> list[str]:
    """`text` on at most `lines` lines of `width` cells, wrapped at spaces, the last one cut
    with "…" when the text does not fit."""
    text = " ".join(words_of(text))
    out: list[str] = []
    while cell_len(text) > width and len(out) < lines - 1:
        line, text = first_line(text, width)
        out.append(line)
    out.append(cut(text, width))
    return out


def share_widths(room: int, wants: list[int]) -> list[int]:
    """One line per letter: every column whole if all fit; else the short columns whole, and
    authority and state each at least its least width, the rest of the room split between them
    in proportion to what each still lacks."""
    if sum(wants) <= room:
        return list(wants)
    widths = [min(want, LEAST[i]) if i in LEAST else want for i, want in enumerate(wants)]
    spare = room - sum(widths)
    lacking = {i: wants[i] - widths[i] for i in LEAST}
    if spare > 0 and sum(lacking.values()):
        total = sum(lacking.values())
        for i, lack in lacking.items():
            widths[i] += min(lack, spare * lack // total)
    return widths


def fit_table(room: int, labels: list[str], rows: list[tuple[str, ...]]) -> Fit:
    """The widths of a table of `rows` (texts, one per column) under `labels`, in `room` cells
    of text (padding aside), and how many lines a letter may take there."""
    wants = [max([cell_len(label), *(cell_len(r[i]) for r in rows)]) for i, label in enumerate(labels)]
    if sum(wants) <= room:
        return Fit(tuple(wants))
    long_room = room - sum(w for i, w in enumerate(wants) if i not in LEAST)
    if long_room < TWO_LINES_FROM:
        return Fit(tuple(share_widths(room, wants)))
    authority = best_split(long_room, [cell_len(labels[AUTHORITY]), cell_len(labels[STATE])], rows)
    widths = list(wants)
    widths[AUTHORITY], widths[STATE] = authority, long_room - authority
    return Fit(tuple(widths), lines=2)


def best_split(room: int, labels: list[int], rows: list[tuple[str, ...]]) -> int:
    """The authority's width out of `room` (the state gets the rest) that cuts the fewest
    long cells in two lines, then puts the fewest letters on two lines, then is the most even
    split of what is lacking. Each column is at least its least width and its label's."""
    kinds = Counter((need(r[AUTHORITY], 1), need(r[AUTHORITY], 2), need(r[STATE], 1), need(r[STATE], 2))
                    for r in rows)  # a few authorities and six states: few kinds of row
    low = max(LEAST[AUTHORITY], labels[0])
    high = room - max(LEAST[STATE], labels[1])
    if high < low:
        return max(LEAST[AUTHORITY], room // 2)
    want_a = max(k[0] for k in kinds)
    want_s = max(k[2] for k in kinds)

    def cost(a: int) -> tuple[int, int, int]:
        s = room - a
        cut_cells = sum(n * ((k[1] > a) + (k[3] > s)) for k, n in kinds.items())
        tall = sum(n for k, n in kinds.items() if k[0] > a or k[2] > s)
        uneven = abs(a * (want_a + want_s) - room * want_a)
        return cut_cells, tall, uneven

    return min(range(low, high + 1), key=cost)


def cell_lines(text: str, width: int, lines: int) -> list[str]:
    """A long cell as shown: on one line the table cuts it ("…"); where two are allowed it is
    wrapped here, at spaces."""
    return [text] if lines == 1 else wrap_cell(text, width, lines)
