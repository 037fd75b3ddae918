"""Setting a cue's words into lines: width counting, where lines break, speaker labels.

Lines break only between words (for Korean, between 어절, so a particle stays with its word).
A cue takes as few lines as its text needs; when it needs more than one, the break points are
chosen to balance the lines, but a break right after a sentence end is taken whenever the lines
still fit, and one after a comma when it costs up to 5 characters of balance; on a tie the lower
line is the longer (a "pyramid" reads more easily). A word wider than a line is never cut: it
stays whole on a line of its own and the rule checker reports the line.

A speaker label (``Name: ``) is part of its first line and counts towards its width, but it is
never part of a word: it cannot be separated from the first word, and is left out of reading
speed.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

from desktop_app.export.common import text_width
from desktop_app.export.subtitle_rules import SubtitleRules

WIDTH_EPSILON = 1e-9
DIALOGUE_DASH = "- "
_SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
_CLAUSE_END = (",", ";", ":", "、", "，")
_CLOSING_QUOTES = "\"'”’)]」』》"
_SENTENCE_BONUS = 10.0
_CLAUSE_BONUS = 5.0
_OVERFLOW_COST = 1000.0


@functools.lru_cache(maxsize=16384)
def width(text: str, narrow_weight: float) -> float:
    """Width of ``text`` in characters; narrow characters count ``narrow_weight``."""
    return text_width(text, narrow_weight)


def ends_sentence(word: str) -> bool:
    return word.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)


def ends_clause(word: str) -> bool:
    return word.rstrip(_CLOSING_QUOTES).endswith(_CLAUSE_END)


def speaker_label(name: str, rules: SubtitleRules, first_word: str = "") -> str:
    """``Name: `` shortened with ``…`` so the label takes at most half a line and leaves room
    for ``first_word`` beside it (down to one character and ``…``)."""
    budget = rules.max_line_chars / 2
    if first_word:
        budget = min(budget, rules.max_line_chars - width(f"{first_word}", rules.narrow_weight))
    label = name.strip()
    if width(f"{label}: ", rules.narrow_weight) > budget + WIDTH_EPSILON:
        while len(label) > 1 and width(f"{label}…: ", rules.narrow_weight) > budget:
            label = label[:-1]
        label = f"{label.rstrip()}…"
    return f"{label}: "


def _widths(words: Sequence[str], label: str, rules: SubtitleRules) -> list[float]:
    sizes = [width(w, rules.narrow_weight) for w in words]
    if sizes and label:
        sizes[0] += width(label, rules.narrow_weight)
    return sizes


def _greedy_lines(sizes: Sequence[float], limit: float, space: float) -> list[float]:
    """Line widths when each line is filled as far as it goes (the fewest lines possible)."""
    lines: list[float] = []
    for size in sizes:
        if lines and lines[-1] + space + size <= limit + WIDTH_EPSILON:
            lines[-1] += space + size
        else:
            lines.append(size)
    return lines


def fits(words: Sequence[str], label: str, rules: SubtitleRules) -> bool:
    """True when the words (after ``label``) fit in ``max_lines`` lines of the line width."""
    return fits_sizes(_widths(words, label, rules), rules)


def fits_sizes(sizes: Sequence[float], rules: SubtitleRules) -> bool:
    """:func:`fits` for words already measured (the label's width added to the first)."""
    if not sizes:
        return True
    space = width(" ", rules.narrow_weight)
    limit = rules.max_line_chars
    # Each line break drops one space: more than this can never fit.
    dropped = min(len(sizes), rules.max_lines) - 1
    if sum(sizes) + space * (len(sizes) - 1 - dropped) > limit * rules.max_lines + WIDTH_EPSILON:
        return False
    lines = _greedy_lines(sizes, limit, space)
    return len(lines) <= rules.max_lines and all(line <= limit + WIDTH_EPSILON for line in lines)


def one_line_width(words: Sequence[str], label: str, rules: SubtitleRules) -> float:
    sizes = _widths(words, label, rules)
    return sum(sizes) + width(" ", rules.narrow_weight) * max(0, len(sizes) - 1)


def layout(words: Sequence[str], label: str, rules: SubtitleRules) -> tuple[str, ...]:
    """The words set in as few lines as they need, balanced, breaking after punctuation when
    that costs little balance; ``label`` starts the first line."""
    if not words:
        return (label.rstrip(),) if label.strip() else ()
    limit = rules.max_line_chars
    space = width(" ", rules.narrow_weight)
    sizes = _widths(words, label, rules)
    count = len(_greedy_lines(sizes, limit, space))
    if count <= 1:
        return (label + " ".join(words),)
    total = sum(sizes) + space * (len(sizes) - 1)
    mean = (total - space * (count - 1)) / count
    n = len(words)
    # prefix[i]: width of words[:i] set on one line.
    prefix = [0.0]
    for index, size in enumerate(sizes):
        prefix.append(prefix[-1] + size + (space if index else 0.0))

    def line_cost(start: int, stop: int) -> float:
        line = prefix[stop] - prefix[start] - (space if start else 0.0)
        cost = abs(line - mean) + _OVERFLOW_COST * max(0.0, line - limit)
        if stop < n:
            if ends_sentence(words[stop - 1]):
                cost -= _SENTENCE_BONUS
            elif ends_clause(words[stop - 1]):
                cost -= _CLAUSE_BONUS
        return cost

    inf = float("inf")
    # best[k][i]: cost of words[:i] in k lines, with the start of the last line.
    best = [[(inf, 0)] * (n + 1) for _ in range(count + 1)]
    best[0][0] = (0.0, 0)
    for lines in range(1, count + 1):
        for stop in range(lines, n + 1):
            options = [
                (best[lines - 1][start][0] + line_cost(start, stop), start)
                for start in range(lines - 1, stop)
                if best[lines - 1][start][0] < inf
            ]
            if options:
                # The earlier start wins a tie: the lower line is the longer one.
                best[lines][stop] = min(options, key=lambda item: (round(item[0], 6), item[1]))
    breaks: list[int] = []
    stop = n
    for lines in range(count, 0, -1):
        start = best[lines][stop][1]
        breaks.append(start)
        stop = start
    bounds = [*reversed(breaks), n]
    out = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
    out[0] = label + out[0]
    return tuple(out)


def dialogue_line(words: Sequence[str], label: str) -> str:
    """One speaker's line of a two-speaker cue: ``- `` then the optional label and the words."""
    return DIALOGUE_DASH + label + " ".join(words)


def dialogue_fits(words: Sequence[str], label: str, rules: SubtitleRules) -> bool:
    return (
        width(dialogue_line(words, label), rules.narrow_weight)
        <= rules.max_line_chars + WIDTH_EPSILON
    )
