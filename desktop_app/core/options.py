"""What a user asks of an engine: language, diarization, word lists and engine-specific switches.

The same :class:`TranscriptionOptions` object comes from the command line and from the window;
:func:`check_options` compares it with a provider's :class:`~desktop_app.providers.base.Capabilities`
so an option the engine cannot honour fails early with a message naming both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class Keyword:
    """A word to boost, with an optional weight (engine-specific scale)."""

    word: str
    weight: float | None = None

    @classmethod
    def parse(cls, text: str) -> Keyword:
        """Parse ``WORD`` or ``WORD:WEIGHT``."""
        word, sep, weight = text.strip().rpartition(":")
        if not sep:
            word, weight = weight, ""
        word = word.strip()
        if not word:
            raise ConfigurationError(
                f"Empty keyword in '{text}'",
                fix="Write keywords as WORD or WORD:WEIGHT.",
                message_ko=f"'{text}'에 빈 키워드가 있습니다",
                fix_ko="키워드는 단어 또는 단어:가중치 형식으로 쓰세요.",
            )
        if not weight.strip():
            return cls(word)
        try:
            return cls(word, float(weight))
        except ValueError:
            # A colon that is part of the word itself, not a weight.
            return cls(text.strip())

    def __str__(self) -> str:
        return self.word if self.weight is None else f"{self.word}:{self.weight:g}"


def parse_biasing(text: str) -> str:
    """Check one biasing entry ``ANSWER_RECOGNIZED`` and return it normalised."""
    answer, sep, recognized = text.strip().partition("_")
    if not sep or not answer.strip() or not recognized.strip():
        raise ConfigurationError(
            f"Biasing entry '{text}' is not of the form ANSWER_RECOGNIZED",
            fix="Write the correct word, an underscore, then what the engine hears (차단기_차단계).",
            message_ko=f"바이어싱 항목 '{text}'이(가) '정답_인식값' 형식이 아닙니다",
            fix_ko="정답, 밑줄, 엔진이 잘못 듣는 말 순서로 쓰세요(예: 차단기_차단계).",
        )
    return f"{answer.strip()}_{recognized.strip()}"


@dataclass(slots=True)
class TranscriptionOptions:
    """Engine-neutral options; ``extra`` holds engine-specific ones by their declared names."""

    language: str | None = None
    diarization: bool = False
    speakers: int | None = None
    speakers_min: int | None = None
    speakers_max: int | None = None
    keywords: list[Keyword] = field(default_factory=list)
    biasing: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
