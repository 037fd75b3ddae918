"""Transcripts for the transcript-view tests, the benchmark and the screenshots.

``meeting()`` is a short Korean meeting with three speakers, word timings and one word the
engine was unsure of; ``long_transcript(n)`` builds ``n`` segments of varied length.
"""

from __future__ import annotations

import random
from collections.abc import Set as AbstractSet

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word


def words_for(
    text: str, start: float, end: float, unsure: AbstractSet[int] = frozenset()
) -> list[Word]:
    """Words evenly spread over ``start..end``; indexes in ``unsure`` get confidence 0.3."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [
        Word(start + i * step, start + (i + 1) * step, token, 0.3 if i in unsure else 0.95)
        for i, token in enumerate(tokens)
    ]


def segment(
    start: float, end: float, text: str, speaker: str | None, unsure: AbstractSet[int] = frozenset()
) -> Segment:
    return Segment(start, end, text, speaker, None, words_for(text, start, end, unsure))


def meeting() -> Transcript:
    lines = [
        (0.0, 4.2, "안녕하세요 오늘 회의를 시작하겠습니다", "S1", set()),
        (4.6, 9.8, "네 지난주에 말씀드린 일정부터 확인해 보겠습니다", "S2", set()),
        (10.1, 14.0, "배포는 다음 주 화요일로 잡혀 있습니다", "S3", {3}),
        (14.5, 19.2, "테스트 서버에서 오류가 두 건 있었는데 모두 고쳤습니다", "S2", set()),
        (19.8, 23.5, "좋습니다 그럼 문서 정리는 누가 맡을까요", "S1", set()),
        (24.0, 27.9, "제가 금요일까지 정리해서 공유하겠습니다", "S3", set()),
        (28.3, 31.0, "Great, thanks everyone", "S1", set()),
    ]
    return Transcript(
        segments=[segment(*line) for line in lines],
        speakers=[Speaker("S1", "김지수"), Speaker("S2", "박민준"), Speaker("S3", "이서연")],
        language="ko",
        engine="local",
        source="/recordings/weekly-meeting.m4a",
        duration=31.0,
    )


_VOCABULARY = [
    "오늘",
    "회의",
    "일정",
    "배포",
    "서버",
    "테스트",
    "문서",
    "확인",
    "공유",
    "고객",
    "요청",
    "사항",
    "다음",
    "주",
    "화요일",
    "금요일",
    "정리",
    "검토",
    "결과",
    "예산",
    "보고서",
    "디자인",
    "개발",
    "품질",
    "지원",
    "계획",
    "진행",
    "상황",
    "담당",
    "완료",
    "예정",
]


def long_transcript(count: int, seed: int = 7) -> Transcript:
    """``count`` segments (1–40 words each), three speakers, word timings on every segment."""
    rng = random.Random(seed)
    segments: list[Segment] = []
    now = 0.0
    for index in range(count):
        length = rng.choice((1, 3, 6, 10, 14, 20, 40))
        text = " ".join(rng.choice(_VOCABULARY) for _ in range(length))
        duration = 0.35 * length + 0.5
        unsure = {rng.randrange(length)} if rng.random() < 0.2 else set()
        segments.append(segment(now, now + duration, text, f"S{index % 3 + 1}", unsure))
        now += duration + 0.3
    return Transcript(
        segments=segments,
        speakers=[Speaker(f"S{i}", f"화자 {i}") for i in (1, 2, 3)],
        engine="local",
        source="/recordings/long.wav",
        duration=now,
    )
