"""The transcript model: offsets, merging, renaming, the JSON schema round trip."""

from __future__ import annotations

from desktop_app.core.transcript import Segment, Speaker, Transcript, Word, merge_pieces


def piece(text: str, start: float, end: float, speaker: str | None = None) -> Transcript:
    words = [Word(start, (start + end) / 2, text[:1], 0.9), Word((start + end) / 2, end, text[1:])]
    return Transcript(
        segments=[Segment(start, end, text, speaker, 0.8, words)],
        speakers=[Speaker(speaker, f"화자 {speaker}")] if speaker else [],
    )


def test_shifted_moves_segments_and_words() -> None:
    moved = piece("안녕", 0.5, 1.5).shifted(10)
    assert moved.segments[0].start == 10.5 and moved.segments[0].end == 11.5
    assert [w.start for w in moved.segments[0].words] == [10.5, 11.0]


def test_shifted_leaves_the_original_alone() -> None:
    original = piece("안녕", 0.5, 1.5)
    original.shifted(3)
    assert original.segments[0].start == 0.5


def test_merge_pieces_orders_and_unites_speakers() -> None:
    merged = merge_pieces(
        [
            (30.0, piece("둘째", 0.0, 2.0, "1")),
            (0.0, piece("첫째", 1.0, 3.0, "1")),
            (60.0, piece("셋째", 0.5, 1.0, "2")),
        ],
        engine="local",
        source="a.wav",
        duration=61.0,
    )
    assert [s.text for s in merged.segments] == ["첫째", "둘째", "셋째"]
    assert [s.start for s in merged.segments] == [1.0, 30.0, 60.5]
    assert [s.id for s in merged.speakers] == ["1", "2"]
    assert merged.text == "첫째\n둘째\n셋째"
    assert merged.duration == 61.0


def test_rename_speaker_and_json_round_trip() -> None:
    transcript = piece("안녕하세요", 0.0, 2.0, "A")
    transcript.rename_speaker("A", "김기자")
    assert transcript.speaker_name("A") == "김기자"
    assert transcript.speaker_name(None) is None
    data = transcript.to_dict()
    assert data["segments"][0]["words"][1]["confidence"] is None
    assert Transcript.from_dict(data) == transcript
