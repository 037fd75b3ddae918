"""How two-pass live merges Vosk's events and Whisper's answers (the decision logic alone)."""

from __future__ import annotations

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.stream import TranscriptAssembler
from desktop_app.core.transcript import Segment, Word
from desktop_app.providers.base import StreamEvent
from desktop_app.providers.whisper.two_pass import Decoded, Span, TwoPassState


def words(*items: tuple[float, float, str]) -> list[Word]:
    return [Word(start, end, text) for start, end, text in items]


def vosk(key: int, final: bool, *items: tuple[float, float, str]) -> StreamEvent:
    found = words(*items)
    text = " ".join(word.text for word in found)
    return StreamEvent(key, Segment(found[0].start, found[-1].end, text, words=found), final)


def whisper(start: float, end: float, text: str) -> Decoded:
    return Decoded(start, end, [Segment(start + 0.1, end - 0.1, text)], spans=1)


class Screen:
    """What a viewer would show: the events applied in order."""

    def __init__(self) -> None:
        self.assembler = TranscriptAssembler()

    def show(self, events: list[StreamEvent]) -> list[StreamEvent]:
        for event in events:
            self.assembler.apply(event)
        return events

    @property
    def text(self) -> str:
        shown = self.assembler.final_segments + self.assembler.partial_segments
        return " | ".join(s.text for s in sorted(shown, key=lambda s: s.start))


def test_whisper_replaces_the_vosk_text_it_covers_in_place() -> None:
    submitted: list[Span] = []
    state = TwoPassState(submitted.append)
    screen = Screen()
    state.audio(b"\0\0" * 16000 * 3)
    screen.show(state.vosk(vosk(0, False, (0.5, 0.9, "가"))))
    [final] = screen.show(state.vosk(vosk(0, True, (0.5, 0.9, "가"), (1.0, 1.6, "나"))))
    assert [span.start for span in submitted] == [0.0]
    assert submitted[0].end == 1.6 + 0.25
    events = screen.show(state.whisper(whisper(0.0, 1.85, "가나다.")))
    assert [event.key for event in events] == [final.key]
    assert screen.text == "가나다."
    assert state.pending == 0


def test_vosk_text_across_the_end_keeps_only_its_later_words() -> None:
    state = TwoPassState(lambda span: None)
    screen = Screen()
    state.audio(b"\0\0" * 16000 * 5)
    screen.show(state.vosk(vosk(0, True, (0.5, 1.0, "하나"))))
    screen.show(state.vosk(vosk(1, False, (1.8, 2.2, "둘"), (3.0, 3.4, "셋"))))
    screen.show(state.whisper(whisper(0.0, 2.5, "하나 둘")))
    assert screen.text == "하나 둘 | 셋"
    # Vosk's later events for that utterance lose the words Whisper already has.
    screen.show(state.vosk(vosk(1, True, (1.8, 2.2, "둘"), (3.0, 3.4, "셋"), (3.5, 3.9, "넷"))))
    assert screen.text == "하나 둘 | 셋 넷"
    # An event wholly inside Whisper's audio is dropped.
    assert state.vosk(vosk(7, True, (1.0, 2.0, "늦은"))) == []


def test_a_vosk_key_whisper_took_over_continues_under_a_new_key() -> None:
    state = TwoPassState(lambda span: None)
    screen = Screen()
    state.audio(b"\0\0" * 16000 * 6)
    [first] = screen.show(state.vosk(vosk(0, False, (0.2, 0.8, "처음"))))
    [replaced] = screen.show(state.whisper(whisper(0.0, 1.0, "처음에")))
    assert replaced.key == first.key
    [later] = screen.show(state.vosk(vosk(0, False, (0.2, 0.8, "처음"), (1.5, 2.0, "다음"))))
    assert later.key != first.key and later.segment.text == "다음"
    assert screen.text == "처음에 | 다음"


def test_covered_keys_are_emptied_and_nothing_is_written_twice() -> None:
    state = TwoPassState(lambda span: None)
    screen = Screen()
    state.audio(b"\0\0" * 16000 * 6)
    screen.show(state.vosk(vosk(0, True, (0.2, 0.6, "A"))))
    screen.show(state.vosk(vosk(1, True, (1.0, 1.4, "B"))))
    screen.show(state.vosk(vosk(2, True, (2.0, 2.4, "C"))))
    screen.show(state.whisper(whisper(0.0, 2.7, "에이 비 씨")))
    assert screen.text == "에이 비 씨"


def test_when_whisper_hears_nothing_vosk_stays() -> None:
    state = TwoPassState(lambda span: None)
    screen = Screen()
    state.audio(b"\0\0" * 16000 * 3)
    screen.show(state.vosk(vosk(0, True, (0.2, 0.6, "음"))))
    assert state.whisper(Decoded(0.0, 1.0, [], spans=1)) == []
    assert screen.text == "음" and state.pending == 0
    # Nor do later answers: of a Vosk segment across both, only the later words go.
    screen.show(state.vosk(vosk(0, True, (0.2, 0.6, "음"), (1.5, 2.0, "네"))))
    screen.show(state.whisper(whisper(1.0, 2.3, "네.")))
    assert screen.text == "음 | 네."


def test_long_speech_goes_to_whisper_in_windows() -> None:
    submitted: list[Span] = []
    state = TwoPassState(submitted.append)
    # Syllables: 0.2 s loud, 0.1 s soft, for 65 s without a pause.
    syllable = (b"\x00\x30\x00\xd0" * 1600) + (b"\x58\x02\xa8\xfd" * 800)
    for _ in range(int(65 / 0.3)):
        state.audio(syllable)
    assert len(submitted) == 2
    assert submitted[0].start == 0.0 and submitted[1].start == submitted[0].end
    assert all(len(span.pcm) / BYTES_PER_SECOND <= 28.0 for span in submitted)
    state.audio_ended()
    assert len(submitted) == 3 and submitted[2].end == 64.8
