"""The ``whisper`` engine end to end: real base model, real files, real decoding."""

from __future__ import annotations

import asyncio
import re
import shutil
import threading
from pathlib import Path

import pytest

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.core.errors import (
    ConfigurationError,
    EngineUnavailableError,
    UnsupportedOptionError,
)
from desktop_app.core.metrics import cer
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.progress import Progress
from desktop_app.core.transcript import Transcript
from desktop_app.providers import registry
from desktop_app.providers.base import MediaSource, ProviderConfig
from desktop_app.providers.finish import transcribe_and_finish
from desktop_app.providers.whisper import provider as whisper_provider
from desktop_app.providers.whisper.provider import WhisperProvider, keyword_hints, time_left
from desktop_app.providers.whisper.runner import DecodeOptions, WhisperRunner
from tests.providers.whisper.conftest import (
    pink_noise,
    silence,
    speech_clip,
    white_noise,
    write_wav,
)

HANGUL = re.compile(r"[\uac00-\ud7a3]")


async def transcribe(
    path: Path, options: TranscriptionOptions | None = None, **settings: str
) -> tuple[Transcript, list[Progress]]:
    reports: list[Progress] = []
    provider = WhisperProvider(ProviderConfig(settings=dict(settings)))
    transcript = await transcribe_and_finish(
        provider, MediaSource(path=path), options or TranscriptionOptions(), reports.append
    )  # as the window and the command line run it: with the notices for every engine
    return transcript, reports


def check_timeline(transcript: Transcript, duration: float) -> None:
    previous_end = 0.0
    for segment in transcript.segments:
        assert segment.words, segment  # word timestamps on every segment
        assert 0.0 <= segment.start <= segment.end <= duration + 0.5
        assert segment.start >= previous_end - 0.5
        for word in segment.words:
            assert segment.start - 0.01 <= word.start <= word.end <= segment.end + 0.01
        previous_end = segment.end


def test_registered_as_the_default_with_local_as_alias() -> None:
    assert registry.DEFAULT_PROVIDER == "whisper"
    assert registry.provider_class("whisper") is WhisperProvider
    assert registry.provider_class("local") is WhisperProvider
    assert registry.provider_class("vosk").name == "vosk"
    assert "local" not in registry.provider_names()
    caps = WhisperProvider.capabilities
    assert caps.offline and caps.keywords and caps.word_timestamps
    assert caps.languages[:2] == ("ko", "auto") and "en" in caps.languages


def test_options_map_to_decoding() -> None:
    provider = WhisperProvider()
    assert provider.decode_options(TranscriptionOptions()).beam_size == 5
    assert provider.decode_options(TranscriptionOptions()).language == "ko"
    fast = TranscriptionOptions(language="auto", extra={"quality": "fast"})
    assert provider.decode_options(fast) == DecodeOptions(language=None, beam_size=1)
    english = provider.decode_options(TranscriptionOptions(language="en-US"))
    assert english.language == "en"
    hotwords, prompt = keyword_hints([Keyword("소리"), Keyword("김지호", 3.0), Keyword("소리")])
    assert hotwords == "소리, 김지호" and prompt == "소리, 김지호."
    assert keyword_hints([]) == (None, None)
    with pytest.raises(ConfigurationError):
        WhisperProvider.check_options(TranscriptionOptions(extra={"quality": "ultra"}))
    with pytest.raises(UnsupportedOptionError):
        WhisperProvider.check_options(TranscriptionOptions(language="tlh"))


def test_time_left_reads_naturally() -> None:
    assert time_left(2) == "about 5 s left"
    assert time_left(42) == "about 40 s left"
    assert time_left(125) == "about 2 min 05 s left"
    assert time_left(2 * 3600 + 7 * 60) == "about 2 h 07 min left"


@pytest.mark.slow
async def test_two_utterances_across_a_long_pause(
    speech_ko: Path, tmp_path: Path, base_model: Path
) -> None:
    first, first_text = speech_clip(speech_ko, 2)
    second, second_text = speech_clip(speech_ko, 3)
    pause = 25.0
    pcm = first + silence(pause) + second
    duration = len(pcm) / BYTES_PER_SECOND
    transcript, reports = await transcribe(write_wav(tmp_path / "pause.wav", pcm))
    assert transcript.engine == "whisper" and transcript.language == "ko"
    assert transcript.duration == pytest.approx(duration, abs=0.01)
    check_timeline(transcript, duration)
    gap_start = len(first) / BYTES_PER_SECOND
    before = " ".join(s.text for s in transcript.segments if s.end <= gap_start + 0.5)
    after = " ".join(s.text for s in transcript.segments if s.start >= gap_start + pause - 0.5)
    inside = [s for s in transcript.segments if gap_start + 1 < s.start < gap_start + pause - 1]
    assert inside == []  # nothing written in the pause
    assert cer(first_text, before) < 0.5 and cer(second_text, after) < 0.5
    assert not transcript.notices
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["silence", "white", "pink"])
async def test_silence_and_noise_give_no_text(tmp_path: Path, base_model: Path, kind: str) -> None:
    audio = {"silence": silence(20), "white": white_noise(20), "pink": pink_noise(20)}[kind]
    transcript, _ = await transcribe(write_wav(tmp_path / f"{kind}.wav", audio))
    assert transcript.segments == []
    assert [n.code for n in transcript.notices] == ["no-speech"]
    assert transcript.duration == pytest.approx(20.0, abs=0.01)


@pytest.mark.slow
async def test_windows_keep_times_and_text(
    speech_ko: Path, tmp_path: Path, base_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clips = [speech_clip(speech_ko, n) for n in (4, 5, 6)]
    pcm = b"".join(clip + silence(1.0) for clip, _ in clips)
    path = write_wav(tmp_path / "three.wav", pcm)
    whole, _ = await transcribe(path)
    monkeypatch.setattr(whisper_provider, "WINDOW_TARGET_SECONDS", 4.0)
    monkeypatch.setattr(whisper_provider, "WINDOW_MAX_SECONDS", 6.0)
    windowed, _ = await transcribe(path)
    duration = len(pcm) / BYTES_PER_SECOND
    check_timeline(windowed, duration)
    assert cer(whole.text, windowed.text) < 0.25
    assert windowed.segments[-1].end == pytest.approx(whole.segments[-1].end, abs=1.0)


@pytest.mark.slow
async def test_language_auto_detects_korean(
    speech_ko: Path, tmp_path: Path, base_model: Path
) -> None:
    pcm, _ = speech_clip(speech_ko, 7)
    transcript, _ = await transcribe(
        write_wav(tmp_path / "auto.wav", pcm), TranscriptionOptions(language="auto")
    )
    assert transcript.language == "ko" and HANGUL.search(transcript.text)


@pytest.mark.slow
def test_transcribe_pcm_for_one_utterance(speech_ko: Path, runner: WhisperRunner) -> None:
    pcm, reference = speech_clip(speech_ko, 1)
    segments = runner.transcribe_pcm(pcm, DecodeOptions(beam_size=1))
    text = " ".join(s.text for s in segments)
    assert cer(reference, text) < 0.5
    assert all(s.words for s in segments)
    assert runner.transcribe_pcm(silence(3), DecodeOptions(beam_size=1)) == []


@pytest.mark.slow
async def test_cancel_stops_between_batches(
    speech_ko: Path, tmp_path: Path, base_model: Path
) -> None:
    # About 10 minutes of speech: many batches, so the cancel always lands before the end
    # however fast or slow the machine reports the first one.
    pcm = b"".join(speech_clip(speech_ko, n)[0] for n in range(1, 61)) * 2
    path = write_wav(tmp_path / "long.wav", pcm)
    underway = asyncio.Event()
    reports: list[Progress] = []

    def watch(report: Progress) -> None:
        reports.append(report)
        if report.fraction:
            underway.set()

    provider = WhisperProvider()
    task = asyncio.create_task(
        provider.transcribe(MediaSource(path=path), TranscriptionOptions(), watch)
    )
    await asyncio.wait_for(underway.wait(), timeout=120)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=300)  # one batch at most, on a busy machine
    # The coroutine ended after its threads' work returned; the threads themselves end at once.
    workers = [t for t in threading.enumerate() if t.name.startswith("sori-whisper")]
    for worker in workers:
        worker.join(timeout=10)
    assert not [t for t in workers if t.is_alive()]
    count = len(reports)
    await asyncio.sleep(0.3)
    assert len(reports) == count and (reports[-1].fraction or 0) < 1.0


def test_gpu_failure_falls_back_to_the_cpu(base_model: Path) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("a GPU is present here, so it does not fail to initialise")
    runner = WhisperRunner(base_model, device="cuda")
    assert runner.device == "cpu"
    assert [n.code for n in runner.notices] == ["gpu-fallback"]
    assert "CPU" in runner.notices[0].message and runner.notices[0].message_ko


async def test_missing_and_damaged_model_folders(tmp_path: Path, base_model: Path) -> None:
    clip = write_wav(tmp_path / "a.wav", silence(1))
    with pytest.raises(EngineUnavailableError) as missing:
        await transcribe(clip, model_path=str(tmp_path / "nowhere"))
    assert "does not exist" in missing.value.message and missing.value.message_ko
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(base_model / name, damaged / name)
    (damaged / "model.bin").write_bytes(b"\0" * 1000)
    with pytest.raises(EngineUnavailableError) as broken:
        await transcribe(clip, TranscriptionOptions(extra={"model": str(damaged)}))
    assert "could not be loaded" in broken.value.message
    assert "손상" in broken.value.describe("ko")
    with pytest.raises(EngineUnavailableError) as unknown:
        await transcribe(clip, model_path="no-such-model")
    assert "not installed" in unknown.value.message
