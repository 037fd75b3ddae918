"""One glossary of terms for every engine, and the "heard as → term" fixes after transcription.

A glossary file is UTF-8 text, one entry a line::

    # comments and blank lines are ignored
    차단기:3 = 차단계, 차단 게
    에스티티
    Sori

``WORD[:WEIGHT]`` names a term to boost (the weight on the engine's own scale where it has one);
``= HEARD_AS, HEARD_AS…`` lists what engines write instead of it. Each engine compiles the
glossary into its own form (see :mod:`desktop_app.providers.glossary_base`); :func:`fix_transcript`
replaces the heard-as forms in a finished transcript, as one edit.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.transcript import Transcript


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One term: the word, its weight (``None`` when not given), and what it is misheard as.
    ``origin`` is ``FILE:LINE`` for messages."""

    word: str
    weight: float | None = None
    heard_as: tuple[str, ...] = ()
    origin: str = ""

    def __str__(self) -> str:
        text = self.word if self.weight is None else f"{self.word}:{self.weight:g}"
        return f"{text} = {', '.join(self.heard_as)}" if self.heard_as else text


@dataclass(slots=True)
class Glossary:
    """Terms in file order; a word given twice keeps its last weight and all its heard-as forms."""

    entries: list[GlossaryEntry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def add(self, entry: GlossaryEntry) -> None:
        for index, old in enumerate(self.entries):
            if old.word == entry.word:
                heard = tuple(dict.fromkeys(old.heard_as + entry.heard_as))
                weight = entry.weight if entry.weight is not None else old.weight
                self.entries[index] = GlossaryEntry(old.word, weight, heard, entry.origin)
                return
        self.entries.append(entry)

    def merged(self, other: Glossary) -> Glossary:
        result = Glossary(list(self.entries))
        for entry in other.entries:
            result.add(entry)
        return result

    def replacements(self) -> list[tuple[str, str]]:
        """``(heard_as, word)`` pairs, longest heard-as form first."""
        pairs = [(heard, e.word) for e in self.entries for heard in e.heard_as if heard != e.word]
        return sorted(dict.fromkeys(pairs), key=lambda pair: -len(pair[0]))

    @classmethod
    def parse(cls, text: str, origin: str = "glossary") -> Glossary:
        glossary = cls()
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip().lstrip("\ufeff").strip()
            if line and not line.startswith("#"):
                glossary.add(_parse_line(line, f"{origin}:{number}"))
        return glossary

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read a glossary file; every problem names the file (and the line)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise _error(
                str(path), "The glossary file does not exist", "용어집 파일이 없습니다"
            ) from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise _error(
                str(path),
                f"The glossary file cannot be read ({reason})",
                "용어집 파일을 읽을 수 없습니다",
            ) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _error(
                f"{path}:{line}",
                "The glossary is not UTF-8 text",
                "용어집이 UTF-8 텍스트가 아닙니다",
                fix="Save the file as UTF-8.",
                fix_ko="파일을 UTF-8로 저장하세요.",
            ) from None
        return cls.parse(text, str(path))


def load_glossaries(paths: Iterable[Path | str]) -> Glossary:
    """Several glossary files merged in order."""
    glossary = Glossary()
    for path in paths:
        glossary = glossary.merged(Glossary.load(Path(path)))
    return glossary


_FORMAT_FIX = "Write entries as WORD, WORD:WEIGHT or WORD[:WEIGHT] = HEARD_AS, HEARD_AS."
_FORMAT_FIX_KO = "항목은 단어, 단어:가중치 또는 단어[:가중치] = 잘못 들은 말, … 형식으로 쓰세요."


def _error(
    origin: str, message: str, message_ko: str, *, fix: str = "", fix_ko: str = ""
) -> ConfigurationError:
    return ConfigurationError(
        f"{origin}: {message}",
        fix=fix or "Check the glossary file's path.",
        message_ko=f"{origin}: {message_ko}",
        fix_ko=fix_ko or "용어집 파일 경로를 확인하세요.",
    )


def _parse_line(line: str, origin: str) -> GlossaryEntry:
    head, sep, tail = line.partition("=")
    head = head.strip()
    word, colon, weight_text = head.rpartition(":")
    weight: float | None = None
    if colon and _is_number(weight_text):
        weight = float(weight_text)
        if not math.isfinite(weight):
            raise _error(
                origin, f"The weight in '{line}' is not a finite number", f"'{line}'의 가중치가 올바른 수가 아닙니다",
                fix=_FORMAT_FIX, fix_ko=_FORMAT_FIX_KO,
            )  # fmt: skip
        word = word.strip()
    else:
        word = head
    if not word:
        raise _error(
            origin, f"'{line}' has no word", f"'{line}'에 단어가 없습니다",
            fix=_FORMAT_FIX, fix_ko=_FORMAT_FIX_KO,
        )  # fmt: skip
    heard: tuple[str, ...] = ()
    if sep:
        items = [item.strip() for item in tail.split(",")]
        if not any(items) or not all(items):
            raise _error(
                origin, f"'{line}' has an empty heard-as form after '='",
                f"'{line}'의 '=' 뒤에 빈 항목이 있습니다",
                fix=_FORMAT_FIX, fix_ko=_FORMAT_FIX_KO,
            )  # fmt: skip
        heard = tuple(dict.fromkeys(items))
    return GlossaryEntry(word, weight, heard, origin)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*", text))


@dataclass(frozen=True, slots=True)
class GlossaryFix:
    """One replacement made in a transcript: segment index, offset in the old segment text."""

    segment: int
    offset: int
    before: str
    after: str


def _pattern(pairs: list[tuple[str, str]]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(heard) for heard, _ in pairs))


def _replace(
    text: str, pairs: list[tuple[str, str]], pattern: re.Pattern[str]
) -> tuple[str, list[tuple[int, str, str]]]:
    """``text`` with each heard-as form replaced, except where it is already part of its word
    (``차단`` inside ``차단기``)."""
    lookup = dict(pairs)
    out: list[str] = []
    changes: list[tuple[int, str, str]] = []
    last = 0
    for match in pattern.finditer(text):
        heard = match.group()
        word = lookup[heard]
        if _inside_word(text, match.start(), heard, word):
            continue
        out.append(text[last : match.start()])
        out.append(word)
        changes.append((match.start(), heard, word))
        last = match.end()
    out.append(text[last:])
    return "".join(out), changes


def _inside_word(text: str, at: int, heard: str, word: str) -> bool:
    offset = word.find(heard)
    while offset >= 0:
        begin = at - offset
        if begin >= 0 and text[begin : begin + len(word)] == word:
            return True
        offset = word.find(heard, offset + 1)
    return False


def fix_transcript(
    transcript: Transcript, glossary: Glossary
) -> tuple[Transcript, list[GlossaryFix]]:
    """A copy of ``transcript`` with every heard-as form replaced by its word (in segment texts
    and word timings alike), and the list of replacements made; the original is unchanged."""
    pairs = glossary.replacements()
    if not pairs:
        return dataclasses.replace(transcript), []
    pattern = _pattern(pairs)
    fixes: list[GlossaryFix] = []
    segments = []
    for index, segment in enumerate(transcript.segments):
        text, changes = _replace(segment.text, pairs, pattern)
        fixes.extend(GlossaryFix(index, at, before, after) for at, before, after in changes)
        words = [
            dataclasses.replace(w, text=_replace(w.text, pairs, pattern)[0]) for w in segment.words
        ]
        segments.append(dataclasses.replace(segment, text=text, words=words))
    fixed = dataclasses.replace(
        transcript,
        segments=segments,
        speakers=[dataclasses.replace(s) for s in transcript.speakers],
        notices=list(transcript.notices),
    )
    return fixed, fixes
