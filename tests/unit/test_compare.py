"""Aligning transcripts by several engines: constructed cases, invariants on random edits, and
real clips (both offline engines' transcripts against each other and the reference text)."""

from __future__ import annotations

import json
import random
import wave
from pathlib import Path

import pytest

from desktop_app.core.compare import Comparison, align, normalise
from desktop_app.core.transcript import Segment, Transcript, Word

SYLLABLES = "가나다라마바사아자차카타파하는을를이가에서고도만와과한국어음성인식시험회의록"
PUNCTUATION = ".,?!…·"


def t(*texts: str, step: float = 2.0) -> Transcript:
    return Transcript(
        segments=[Segment(i * step, (i + 1) * step, text) for i, text in enumerate(texts)]
    )


def check_invariants(comparison: Comparison) -> None:
    for name, transcript in comparison.transcripts.items():
        joined = "".join(span.texts[name] for span in comparison.spans)
        assert "".join(joined.split()) == "".join(transcript.text.split()), name
    for span in comparison.spans:
        values = {normalise(text) for text in span.texts.values()}
        assert span.agree == (len(values) == 1)
        assert span.start <= span.end
    assert 0.0 <= comparison.agreement <= 1.0


def span_texts(comparison: Comparison) -> list[tuple[tuple[str, ...], bool]]:
    return [(tuple(s.texts.values()), s.agree) for s in comparison.spans]


def test_identical_transcripts_agree_fully() -> None:
    c = align(
        {
            "a": t("오늘 회의를 시작합니다", "안건은 두 가지입니다"),
            "b": t("오늘 회의를 시작합니다", "안건은 두 가지입니다"),
        }
    )
    check_invariants(c)
    assert c.agreement == 1.0
    assert all(s.agree for s in c.spans)
    assert [s.texts["a"] for s in c.spans] == ["오늘 회의를 시작합니다", "안건은 두 가지입니다"]


def test_spacing_and_punctuation_only_differences_agree() -> None:
    c = align({"a": t("안녕 하세요. 반갑습니다!"), "b": t("안녕하세요, 반갑 습니다")})
    check_invariants(c)
    assert c.agreement == 1.0
    assert all(s.agree for s in c.spans)


def test_substitution_is_one_word_span() -> None:
    c = align({"a": t("내일 회의는 세 시에 합니다"), "b": t("내일 회의는 네 시에 합니다")})
    check_invariants(c)
    assert span_texts(c) == [
        (("내일 회의는", "내일 회의는"), True),
        (("세", "네"), False),
        (("시에 합니다", "시에 합니다"), True),
    ]
    assert c.agreement == pytest.approx(10 / 11)


def test_insertion_and_deletion() -> None:
    c = align({"a": t("우리는 오늘 정말 많이 걸었다"), "b": t("우리는 많이 걸었다 그리고 쉬었다")})
    check_invariants(c)
    disagreeing = [s.texts for s in c.spans if not s.agree]
    assert {"a": "오늘 정말", "b": ""} in disagreeing
    assert {"a": "", "b": "그리고 쉬었다"} in disagreeing


def test_insertion_inside_a_word_grows_to_the_whole_word() -> None:
    c = align({"a": t("그렇게 했다 고"), "b": t("그렇게 했었다 고")})
    check_invariants(c)
    assert span_texts(c)[1] == (("했다", "했었다"), False)


def test_empty_transcripts() -> None:
    both = align({"a": Transcript(), "b": Transcript()})
    assert both.spans == [] and both.agreement == 1.0
    one = align({"a": t("말이 있습니다"), "b": Transcript()})
    check_invariants(one)
    assert span_texts(one) == [(("말이 있습니다", ""), False)]
    assert one.agreement == 0.0
    punctuation = align({"a": t("..."), "b": Transcript()})
    check_invariants(punctuation)
    assert punctuation.agreement == 1.0


def test_one_engine_silent_in_a_stretch() -> None:
    a = t("회의를 시작합니다", "잠시 조용히 해 주세요", "첫 안건입니다")
    b = Transcript(segments=[Segment(0, 2, "회의를 시작합니다"), Segment(4, 6, "첫 안건입니다")])
    c = align({"a": a, "b": b})
    check_invariants(c)
    assert span_texts(c) == [
        (("회의를 시작합니다", "회의를 시작합니다"), True),
        (("잠시 조용히 해 주세요", ""), False),
        (("첫 안건입니다", "첫 안건입니다"), True),
    ]
    assert c.spans[1].start == pytest.approx(2.0)


def test_different_segmentations_of_the_same_text() -> None:
    a = t("하나 둘 셋 넷 다섯 여섯", step=6.0)
    b = t("하나 둘", "셋 넷", "다섯 여섯")
    c = align({"a": a, "b": b})
    check_invariants(c)
    assert c.agreement == 1.0


def test_three_engines() -> None:
    c = align(
        {
            "a": t("사과와 배를 샀다"),
            "b": t("사과와 배를 샀다"),
            "c": t("사과와 베를 샀다"),
        }
    )
    check_invariants(c)
    assert span_texts(c)[1] == (("배를", "배를", "베를"), False)


def test_time_places_a_gap_among_repeated_words() -> None:
    a = t("첫 문장입니다", "둘째 문장입니다", "셋째 문장입니다")
    b = Transcript(segments=[Segment(0, 2, "첫 문장입니다"), Segment(4, 6, "셋째 문장입니다")])
    c = align({"a": a, "b": b})
    check_invariants(c)
    assert span_texts(c) == [
        (("첫 문장입니다", "첫 문장입니다"), True),
        (("둘째 문장입니다", ""), False),
        (("셋째 문장입니다", "셋째 문장입니다"), True),
    ]


def test_a_silent_first_engine_does_not_hide_agreement() -> None:
    c = align({"quiet": Transcript(), "b": t("같은 말입니다"), "c": t("같은 말 입니다")})
    check_invariants(c)
    assert span_texts(c) == [(("", "같은 말입니다", "같은 말 입니다"), False)]
    c = align({"quiet": t("말입니다"), "b": t("같은 말입니다"), "c": t("같은 말 입니다")})
    check_invariants(c)
    assert span_texts(c) == [
        (("", "같은", "같은"), False),
        (("말입니다", "말입니다", "말 입니다"), True),
    ]


def test_word_times_place_spans() -> None:
    words = [Word(0.0, 0.5, "하나"), Word(5.0, 5.5, "둘")]
    a = Transcript(segments=[Segment(0.0, 5.5, "하나 둘", words=words)])
    b = Transcript(segments=[Segment(0.0, 0.5, "하나"), Segment(5.0, 5.5, "셋")])
    c = align({"a": a, "b": b})
    check_invariants(c)
    assert c.spans[-1].start == pytest.approx(5.0)


def test_json_round_trip() -> None:
    c = align({"a": t("가 나 다"), "b": t("가 너 다")})
    data = json.loads(json.dumps(c.to_dict(), ensure_ascii=False))
    assert set(data) >= {"engines", "transcripts", "spans", "agreement"}
    assert data["transcripts"]["a"] == c.transcripts["a"].to_dict()
    assert Comparison.from_dict(data).to_dict() == c.to_dict()


def random_words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(count)]


def edited(rng: random.Random, words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < 0.05:
            continue
        if roll < 0.10:
            out.append("".join(rng.choices(SYLLABLES, k=len(word))))
        elif roll < 0.15:
            out.extend([word, "".join(rng.choices(SYLLABLES, k=2))])
        elif roll < 0.25 and out:
            out[-1] += word  # spacing difference
        elif roll < 0.30:
            out.append(word + rng.choice(PUNCTUATION))
        else:
            out.append(word)
    return out


def as_transcript(
    rng: random.Random, words: list[str], duration: float, jitter: float = 0.0
) -> Transcript:
    """Words in segments of 1-12; ``jitter`` moves segment times (they may overlap or even run
    backwards, as some engines' do)."""
    segments = []
    i = 0
    while i < len(words):
        size = rng.randint(1, 12)
        chunk = words[i : i + size]
        start = duration * i / max(1, len(words)) + rng.uniform(-jitter, jitter)
        end = duration * min(len(words), i + size) / max(1, len(words)) + rng.uniform(
            -jitter, jitter
        )
        segments.append(Segment(start, max(start, end), " ".join(chunk)))
        i += size
    return Transcript(segments=segments, duration=duration)


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_keep_the_invariants(seed: int) -> None:
    rng = random.Random(seed)
    words = random_words(rng, rng.randint(0, 300))
    engines = rng.choice([2, 2, 3])
    transcripts = {"ref": as_transcript(rng, words, len(words) * 0.4)}
    for k in range(1, engines):
        jitter = rng.choice([0.0, 0.5, 3.0])
        transcripts[f"e{k}"] = as_transcript(rng, edited(rng, words), len(words) * 0.4, jitter)
    c = align(transcripts)
    check_invariants(c)


def test_unchanged_random_text_agrees_despite_spacing_and_times() -> None:
    rng = random.Random(7)
    words = random_words(rng, 2000)
    spaced: list[str] = []
    for word in words:
        if spaced and rng.random() < 0.2:
            spaced[-1] += word
        else:
            spaced.append(word)
    c = align({"a": as_transcript(rng, words, 800.0), "b": as_transcript(rng, spaced, 790.0, 3.0)})
    check_invariants(c)
    assert c.agreement == 1.0


def test_real_clips_reference_against_itself_with_edits(speech_ko: Path) -> None:
    """Reference texts of real clips as one engine, a copy with spacing and one changed word
    as another: only the changed word disagrees."""
    texts = [p.read_text(encoding="utf-8").strip() for p in sorted(speech_ko.glob("*.txt"))[:20]]
    texts = [x for x in texts if x]
    reference = t(*texts, step=5.0)
    changed = list(texts)
    words = changed[3].split()
    words[0] = "변경된말"
    changed[3] = " ".join(words)
    other = t(*["".join(x.split()) if i % 2 else x for i, x in enumerate(changed)], step=5.0)
    c = align({"reference": reference, "other": other})
    check_invariants(c)
    wrong = [s for s in c.spans if not s.agree]
    assert len(wrong) == 1
    assert "변경된말" in wrong[0].texts["other"]


@pytest.mark.vosk
@pytest.mark.slow
async def test_real_clips_through_two_engines_and_the_reference(
    speech_ko: Path, tmp_path: Path
) -> None:
    """Real speech through both offline engines, aligned with each other and with the reference
    texts placed at each clip's time: the invariants hold, both agree and differ somewhere, and
    the more accurate engine agrees more with the reference."""
    from desktop_app.core.options import TranscriptionOptions
    from desktop_app.providers import registry
    from desktop_app.providers.base import MediaSource

    gap = b"\x00\x00" * 8000
    pcm = b""
    reference = Transcript()
    for clip in sorted(speech_ko.glob("*.pcm"))[:6]:
        start = len(pcm) / 32000
        data = clip.read_bytes()
        pcm += data + gap
        text = clip.with_suffix(".txt").read_text(encoding="utf-8").strip()
        reference.segments.append(Segment(start, start + len(data) / 32000, text))
    path = tmp_path / "clips.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm)
    heard: dict[str, Transcript] = {}
    for name in ("whisper", "vosk"):
        engine = registry.create(name)
        try:
            heard[name] = await engine.transcribe(MediaSource(path=path), TranscriptionOptions())
        finally:
            await engine.aclose()
    c = align({"reference": reference, **heard})
    check_invariants(c)
    assert 0.0 < c.agreement < 1.0
    assert any(s.agree for s in c.spans) and any(not s.agree for s in c.spans)
    pair = {name: align({"reference": reference, name: heard[name]}) for name in heard}
    for comparison in pair.values():
        check_invariants(comparison)
    assert pair["whisper"].agreement > pair["vosk"].agreement
    for span in c.spans:
        assert -1.0 <= span.start <= len(pcm) / 32000 + 1.0
