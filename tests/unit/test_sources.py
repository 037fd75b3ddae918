"""Audio sources without a sound card: the file source (content, pacing on a virtual clock, fast
mode, pause/resume, close), the converter and level meter behind the microphone source, and a
machine without PortAudio or without any input device."""

from __future__ import annotations

import asyncio
import importlib.abc
import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.audio.convert import LEVEL_FLOOR_DB, PcmConverter, measure_level
from desktop_app.audio.devices import (
    find_input_device,
    list_input_devices,
    load_sounddevice,
    recording_available,
)
from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.sources import FileSource, PacingClock
from desktop_app.core.errors import AudioFileNotFoundError, EngineUnavailableError
from tests.media import make_media, speech_pcm, tone_pcm

REPO = Path(__file__).resolve().parents[2]
CHUNK = BYTES_PER_SECOND // 10


class VirtualClock(PacingClock):
    """Pacing time that passes only when the source waits (the file source's clock seam)."""

    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    async def wait(self, event: asyncio.Event, timeout: float | None) -> None:
        if timeout is None:
            await event.wait()
            return
        self.time += timeout
        await asyncio.sleep(0)


def chunk_ends(sizes: list[int], speed: float) -> list[float]:
    """When each chunk is due: once the audio in it has been played at ``speed``."""
    return [sum(sizes[: i + 1]) / BYTES_PER_SECOND / speed for i in range(len(sizes))]


# --- file source ------------------------------------------------------------------------------


async def test_file_source_delivers_the_file_exactly(korean_clip: Path) -> None:
    async with FileSource(korean_clip, realtime=False) as source:
        chunks = [chunk async for chunk in source]
    assert b"".join(chunks) == speech_pcm()
    assert {len(chunk) for chunk in chunks[:-1]} == {CHUNK}
    assert 0 < len(chunks[-1]) <= CHUNK
    assert source.elapsed == pytest.approx(len(speech_pcm()) / BYTES_PER_SECOND)
    assert source.duration == pytest.approx(source.elapsed, abs=0.01)


@pytest.mark.parametrize("speed", [1.0, 3.0])
async def test_file_source_paces_chunks_in_real_time(korean_clip: Path, speed: float) -> None:
    clock = VirtualClock()
    delivered: list[tuple[float, bytes]] = []
    async with FileSource(korean_clip, realtime=speed, clock=clock) as source:
        async for chunk in source:
            delivered.append((clock.now(), chunk))
    chunks = [chunk for _, chunk in delivered]
    assert b"".join(chunks) == speech_pcm()
    expected = chunk_ends([len(c) for c in chunks], speed)
    assert [when for when, _ in delivered] == pytest.approx(expected)


async def test_file_source_fast_mode_and_other_chunk_sizes(tmp_path: Path) -> None:
    pcm = speech_pcm()
    flac = make_media(tmp_path / "speech.flac", "flac", pcm=pcm)
    async with FileSource(flac, realtime=50.0, chunk_seconds=0.25) as fast:
        chunks = [chunk async for chunk in fast]
    assert b"".join(chunks) == pcm  # FLAC is lossless: the same samples as the WAV
    assert len(chunks[0]) == BYTES_PER_SECOND // 4
    mp3 = make_media(tmp_path / "speech.mp3", "mp3", pcm=pcm)
    async with FileSource(mp3, realtime=False) as unpaced:
        total = sum([len(chunk) async for chunk in unpaced])
    assert abs(total - len(pcm)) < 0.1 * BYTES_PER_SECOND


async def test_pause_holds_the_file_and_resume_continues(korean_clip: Path) -> None:
    clock = VirtualClock()
    source = FileSource(korean_clip, clock=clock)
    delivered: list[tuple[float, bytes]] = []

    def resume_later() -> None:
        assert source.paused
        clock.time += 10.0  # ten seconds pass while paused
        source.resume()

    async with source:
        async for chunk in source:
            delivered.append((clock.now(), chunk))
            if len(delivered) == 5:
                source.pause()
                assert source.level.peak_db == LEVEL_FLOOR_DB
                asyncio.get_running_loop().call_later(0.01, resume_later)
    chunks = [chunk for _, chunk in delivered]
    assert b"".join(chunks) == speech_pcm()  # nothing lost or repeated
    expected = chunk_ends([len(c) for c in chunks], 1.0)
    expected = expected[:5] + [when + 10.0 for when in expected[5:]]
    assert [when for when, _ in delivered] == pytest.approx(expected)
    assert source.elapsed == pytest.approx(len(speech_pcm()) / BYTES_PER_SECOND)


async def test_pause_and_close_from_another_thread(korean_clip: Path) -> None:
    source = FileSource(korean_clip, realtime=False)
    count = 0
    async with source:
        async for _ in source:
            count += 1
            if count == 3:
                await asyncio.to_thread(source.pause)
                await asyncio.to_thread(source.close)  # wakes the paused iteration
    assert count == 3
    assert source.closed


async def test_close_ends_a_waiting_file_source(korean_clip: Path) -> None:
    source = FileSource(korean_clip, realtime=True)
    async with source:
        first = await anext(source)
        waiting = asyncio.ensure_future(anext(source))  # waits ~0.1 s for the next chunk
        await asyncio.sleep(0)
        source.close()
        with pytest.raises(StopAsyncIteration):
            await waiting
    assert len(first) == CHUNK


async def test_file_source_errors_are_audio_errors(tmp_path: Path) -> None:
    with pytest.raises(AudioFileNotFoundError):
        async with FileSource(tmp_path / "missing.wav"):
            pass
    with pytest.raises(ValueError):
        FileSource(tmp_path / "x.wav", realtime=0)


async def test_level_follows_the_latest_chunk(tmp_path: Path) -> None:
    loud = tone_pcm(0.5, amplitude=0.5)
    quiet = bytes(BYTES_PER_SECOND // 2)
    path = make_media(tmp_path / "levels.wav", "wav", pcm=loud + quiet)
    levels = []
    async with FileSource(path, realtime=False) as source:
        async for _ in source:
            levels.append(source.level)
    assert -7.0 < levels[0].peak_db < -5.0  # 0.5 of full scale is -6 dBFS
    assert levels[0].rms_db < levels[0].peak_db
    assert levels[-1].peak_db == levels[-1].rms_db == LEVEL_FLOOR_DB


# --- conversion and level ---------------------------------------------------------------------


def sine(rate: int, seconds: float, frequency: float = 440.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * math.pi * frequency * t)).astype(np.float32)


def blocks(samples: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(samples), size):
        yield samples[start : start + size]


def test_16k_mono_passes_through_bit_exact() -> None:
    pcm = speech_pcm()
    as_float = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
    stereo = np.stack([as_float, as_float], axis=1)  # the same sound on both channels
    converter = PcmConverter(SAMPLE_RATE, 2)
    out = [chunk for block in blocks(stereo, 1234) for chunk in converter.push(block)]
    out += converter.flush()
    assert b"".join(out) == pcm
    assert {len(chunk) for chunk in out[:-1]} == {CHUNK}


@pytest.mark.parametrize(("rate", "channels"), [(48000, 2), (44100, 1), (8000, 1)])
def test_other_rates_are_resampled_to_16k_mono(rate: int, channels: int) -> None:
    tone = sine(rate, 2.0)
    frames = np.repeat(tone[:, None], channels, axis=1)
    converter = PcmConverter(rate, channels)
    out = b"".join(c for block in blocks(frames, rate // 10) for c in converter.push(block))
    out += b"".join(converter.flush())
    samples = np.frombuffer(out, "<i2").astype(np.float64) / 32768.0
    assert len(samples) == pytest.approx(2 * SAMPLE_RATE, abs=64)
    expected = sine(SAMPLE_RATE, 2.0).astype(np.float64)
    # Apart from the resampler's delay of a few samples, the same wave comes out.
    errors = [
        np.max(np.abs(samples[1000 + lag : 30000 + lag] - expected[1000:30000]))
        for lag in range(-20, 21)
    ]
    assert min(errors) < 0.01
    assert measure_level(out).peak_db == pytest.approx(20 * math.log10(0.5), abs=0.3)


def test_measure_level() -> None:
    full = np.array([32767, -32768] * 800, dtype="<i2").tobytes()
    level = measure_level(full)
    assert level.peak_db == pytest.approx(0.0, abs=0.01)
    assert level.rms_db == pytest.approx(0.0, abs=0.01)
    assert measure_level(bytes(3200)).rms_db == LEVEL_FLOOR_DB
    assert measure_level(b"").peak_db == LEVEL_FLOOR_DB


# --- no PortAudio, no device ------------------------------------------------------------------


class _PortAudioMissing(importlib.abc.MetaPathFinder):
    """Makes ``import sounddevice`` fail the way it does where the PortAudio library is missing."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")


@pytest.fixture
def without_portaudio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_PortAudioMissing(), *sys.meta_path])


@pytest.mark.usefixtures("without_portaudio")
async def test_without_portaudio_recording_says_why() -> None:
    with pytest.raises(EngineUnavailableError) as caught:
        load_sounddevice()
    error = caught.value
    assert "PortAudio" in error.describe("en")
    assert "libportaudio2" in error.describe("en")
    assert "PortAudio" in error.describe("ko") and "설치" in error.describe("ko")
    available, reason = recording_available("ko")
    assert not available
    assert "녹음" in reason
    with pytest.raises(EngineUnavailableError):
        list_input_devices()
    with pytest.raises(EngineUnavailableError):
        find_input_device()
    microphone = MicrophoneSource()
    with pytest.raises(EngineUnavailableError):
        async with microphone:
            pass


def test_the_audio_modules_import_without_sounddevice(tmp_path: Path) -> None:
    """The app's audio layer loads on a machine where importing sounddevice fails."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "sounddevice.py").write_text('raise OSError("PortAudio library not found")\n')
    script = textwrap.dedent(
        """
        import sys
        import desktop_app.audio.recorder, desktop_app.audio.sources, desktop_app.audio.devices
        import desktop_app.audio.microphone
        from desktop_app.audio.devices import recording_available
        assert "sounddevice" not in sys.modules
        print(recording_available("en")[1])
        """
    )
    env = {**os.environ, "PYTHONPATH": f"{shadow}{os.pathsep}{REPO}"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert "PortAudio" in done.stdout


def test_without_any_input_device_recording_says_why(tmp_path: Path) -> None:
    """PortAudio works but finds nothing to record from (no sound server, no sound card)."""
    conf = tmp_path / "client.conf"
    conf.write_text("autospawn = no\n")
    env = {
        **os.environ,
        "PULSE_SERVER": f"unix:{tmp_path / 'no-such-socket'}",
        "PULSE_CLIENTCONFIG": str(conf),
        "PIPEWIRE_REMOTE": str(tmp_path / "no-such-pipewire"),
    }
    script = textwrap.dedent(
        """
        import asyncio
        from desktop_app.audio.devices import list_input_devices, recording_available
        from desktop_app.audio.microphone import MicrophoneSource
        from desktop_app.core.errors import EngineUnavailableError
        if list_input_devices():
            print("HAS-DEVICES")
            raise SystemExit
        print(recording_available("en")[1])
        async def main():
            try:
                async with MicrophoneSource():
                    pass
            except EngineUnavailableError as exc:
                print("RAISED", exc.describe("ko"))
        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    if "HAS-DEVICES" in done.stdout:
        pytest.skip("this machine has a sound card that PortAudio finds without a sound server")
    assert "no microphone" in done.stdout
    assert "RAISED" in done.stdout and "마이크" in done.stdout
