"""Recording from a real, clocked capture device: the monitor of a PulseAudio null sink that a
known Korean clip is played into. The saved recording must hold the played audio (bit-exact at
16 kHz mono, near-exact through resampling), pausing must keep audio out, and a recorder killed
with SIGKILL must leave a playable, nearly complete file."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.audio.decode import decode_pcm
from desktop_app.audio.devices import find_input_device, list_input_devices, recording_available
from desktop_app.audio.microphone import MicrophoneSource
from desktop_app.audio.recorder import MARKER_SUFFIX, Recorder, recover_recordings
from desktop_app.core.errors import ConfigurationError
from tests.audio_device.conftest import Player
from tests.audio_device.helpers import find_offset, pcm_array
from tests.media import speech_pcm

REPO = Path(__file__).resolve().parents[2]
SETTLE = int(0.3 * SAMPLE_RATE)
"""PulseAudio may lose the first moment of a new playback stream; comparisons start after it."""
AFTER_PLAYBACK_CHUNKS = 5
SAFETY_TIMEOUT = 90.0


async def record_clip(
    source: MicrophoneSource, recorder: Recorder, play: Player, clip: Path
) -> tuple[bytes, list[float]]:
    """Record while ``clip`` plays, until half a second after it ended; return the chunks passed
    on and the peak level of each."""
    passed = bytearray()
    peaks: list[float] = []
    player: subprocess.Popen[bytes] | None = None
    after = 0

    async def run() -> None:
        nonlocal player, after
        async with source:
            async for chunk in recorder.record(source):
                passed.extend(chunk)
                peaks.append(source.level.peak_db)
                if player is None:
                    player = play(clip)
                elif player.poll() is not None:
                    after += 1
                    if after == AFTER_PLAYBACK_CHUNKS:
                        source.close()  # the rest already captured still comes through

    await asyncio.wait_for(run(), SAFETY_TIMEOUT)
    return bytes(passed), peaks


def wav_samples(path: Path) -> bytes:
    with wave.open(str(path), "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (
            SAMPLE_RATE,
            1,
            2,
        )
        return reader.readframes(reader.getnframes())


@pytest.mark.slow
async def test_recording_holds_the_played_clip_bit_exact(
    tmp_path: Path, play: Player, korean_clip: Path
) -> None:
    source = MicrophoneSource("pulse", samplerate=SAMPLE_RATE, channels=1)
    recorder = Recorder(folder=tmp_path, name="exact")
    passed, peaks = await record_clip(source, recorder, play, korean_clip)
    assert recorder.path is not None and recorder.finished
    saved = wav_samples(recorder.path)
    assert saved == passed  # the tee wrote exactly what it passed on
    assert source.overflows == 0
    assert source.elapsed == pytest.approx(len(saved) / BYTES_PER_SECOND)

    reference = pcm_array(speech_pcm())
    recorded = pcm_array(saved)
    offset = find_offset(recorded, reference)
    assert offset + len(reference) <= len(recorded)  # the whole clip is in the recording
    played = recorded[offset : offset + len(reference)]
    same = np.count_nonzero(played[SETTLE:] == reference[SETTLE:])
    assert same / (len(reference) - SETTLE) >= 0.99
    assert max(peaks) > -20.0  # the meter saw the speech
    assert peaks[-1] <= -60.0  # and the silence after it


@pytest.mark.slow
async def test_default_device_at_its_own_rate_is_resampled_faithfully(
    tmp_path: Path, play: Player, korean_clip: Path
) -> None:
    source = MicrophoneSource()  # PulseAudio's default source, at the device's own 44.1 kHz
    recorder = Recorder(folder=tmp_path, name="resampled")
    passed, _ = await record_clip(source, recorder, play, korean_clip)
    assert source.samplerate != SAMPLE_RATE  # this really went through the resampler
    assert recorder.path is not None
    assert wav_samples(recorder.path) == passed
    reference = pcm_array(speech_pcm())
    recorded = pcm_array(passed)
    offset = find_offset(recorded, reference)
    played = recorded[offset : offset + len(reference)]
    assert len(played) == len(reference)
    correlation = np.corrcoef(played[SETTLE:], reference[SETTLE:])[0, 1]
    assert correlation > 0.99


@pytest.mark.slow
async def test_paused_audio_is_neither_recorded_nor_passed_on(
    tmp_path: Path, play: Player, korean_clip: Path
) -> None:
    source = MicrophoneSource("pulse", samplerate=SAMPLE_RATE, channels=1)
    recorder = Recorder(folder=tmp_path, name="paused")
    passed = bytearray()

    async def run() -> None:
        async with source:
            chunks = recorder.record(source)
            passed.extend(await anext(chunks))
            recorder.pause()
            assert recorder.paused and source.paused
            player = play(korean_clip)
            await asyncio.to_thread(player.wait)  # the whole clip plays while paused
            await asyncio.sleep(0.5)  # and its last samples leave PulseAudio's buffers
            recorder.resume()
            async for chunk in chunks:
                passed.extend(chunk)
                if len(passed) >= BYTES_PER_SECOND:
                    source.close()

    await asyncio.wait_for(run(), SAFETY_TIMEOUT)
    assert recorder.path is not None
    recorded = pcm_array(wav_samples(recorder.path))
    assert len(recorded) * 2 == len(passed) >= BYTES_PER_SECOND
    # Nothing was played while recording: the file holds silence only, no speech at all.
    assert np.max(np.abs(recorded)) < 100
    assert source.elapsed < 3.0  # far less than the 7.8 s clip


def test_devices_are_listed_and_chosen() -> None:
    available, reason = recording_available()
    assert available, reason
    devices = list_input_devices()
    assert any(device.is_default for device in devices)
    for number, name, rate, channels, _ in devices:  # plain tuples for simple callers
        assert isinstance(number, int) and name and rate > 0 and channels > 0
    pulse = find_input_device("pulse")
    assert pulse.name == "pulse"
    assert find_input_device(pulse.id) == pulse
    assert find_input_device(str(pulse.id)) == pulse
    assert find_input_device("PULSE") == pulse
    assert find_input_device().is_default
    with pytest.raises(ConfigurationError) as caught:
        find_input_device("no such microphone")
    assert "pulse" in caught.value.describe()


async def test_close_ends_the_stream_and_its_threads(tmp_path: Path) -> None:
    source = MicrophoneSource("pulse", samplerate=SAMPLE_RATE, channels=1)
    count = 0
    async with source:
        async for _ in source:
            count += 1
            if count == 3:
                await source.aclose()
    assert count >= 3
    assert source.closed
    assert not [t for t in threading.enumerate() if t.name == "sori-mic-convert"]
    with pytest.raises(StopAsyncIteration):
        await anext(source)


async def test_a_consumer_that_falls_behind_loses_counted_blocks_not_memory() -> None:
    source = MicrophoneSource("pulse", samplerate=SAMPLE_RATE, channels=1, buffer_seconds=0.3)
    async with source:
        await anext(source)
        await asyncio.sleep(1.5)  # busy elsewhere while 15 blocks arrive
        source.close()
        late = [chunk async for chunk in source]
    assert source.overflows > 0
    # What waited is bounded by the buffers (0.3 s twice, plus a block in each hand).
    assert len(late) <= 2 * 3 + 2


@pytest.mark.slow
def test_killed_recording_is_playable_and_nearly_complete(tmp_path: Path, play: Player) -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.audio_device.record_child",
            "--folder",
            str(tmp_path),
            "--device",
            "pulse",
            "--samplerate",
            str(SAMPLE_RATE),
            "--channels",
            "1",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        started = 0.0
        for line in child.stdout:
            if line.startswith("recording"):
                started = time.monotonic()
                play(REPO / "tests" / "data" / "ko_short.wav")
            elif line.startswith("written") and float(line.split()[1]) >= 2.0:
                break
        child.send_signal(signal.SIGKILL)
        elapsed = time.monotonic() - started
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    wav = tmp_path / "killed.wav"
    assert Path(str(wav) + MARKER_SUFFIX).exists()

    (result,) = recover_recordings(tmp_path)
    assert result.path == wav
    assert result.seconds >= elapsed - 1.0
    recovered = b"".join(decode_pcm(wav))  # PyAV plays it as an ordinary WAV file
    assert len(recovered) == round(result.seconds * BYTES_PER_SECOND)
    # It holds the start of the clip that was playing.
    reference = pcm_array(speech_pcm())
    recorded = pcm_array(recovered)
    offset = find_offset(recorded, reference[: SAMPLE_RATE // 2])
    overlap = min(len(recorded) - offset, len(reference))
    assert overlap > SETTLE + SAMPLE_RATE // 2
    window = slice(SETTLE, overlap)
    assert np.corrcoef(recorded[offset:][window], reference[window])[0, 1] > 0.99
