"""The crash-safe WAV writer, WAV repair, the recorder tee and start-up recovery: header sizes
kept current, a killed writer's file repaired to every sample, a full disk leaving a playable
file, and unfinished recordings found and fixed."""

from __future__ import annotations

import asyncio
import errno
import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from desktop_app.audio import BYTES_PER_SECOND
from desktop_app.audio.decode import decode_pcm
from desktop_app.audio.recorder import (
    MARKER_SUFFIX,
    Recorder,
    recording_path,
    recordings_dir,
    recover_recordings,
)
from desktop_app.audio.sources import FileSource
from desktop_app.audio.wavfile import (
    HEADER_SIZE,
    RecordingWriteError,
    WavWriter,
    repair_wav,
)
from desktop_app.core.errors import EmptyAudioError, SoriError, TruncatedAudioError
from tests.media import make_media, speech_pcm, tone_pcm

REPO = Path(__file__).resolve().parents[2]
CHUNK = BYTES_PER_SECOND // 10  # 0.1 s


class ManualClock:
    """A clock the test moves by hand (the writer's seam for time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FullDisk(io.BytesIO):
    """A file on a disk with ``capacity`` bytes free: writes beyond it are cut short, then fail
    with ENOSPC, as an unbuffered file on a full disk behaves."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        room = self.capacity - self.tell()
        if room <= 0 and len(view) > 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(view[: max(room, 0)])

    def close(self) -> None:
        self.final = self.getvalue()
        super().close()


class FullDiskFile(io.FileIO):
    """A real file that refuses to grow past ``capacity`` bytes (the recorder's opener seam)."""

    def __init__(self, path: Path, capacity: int) -> None:
        super().__init__(path, "xb")
        self.capacity = capacity

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        room = self.capacity - self.tell()
        if room <= 0 and len(view) > 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(view[: max(room, 0)])


def header_sizes(path: Path) -> tuple[int, int]:
    """(RIFF size, data size) as the file on disk states them."""
    with open(path, "rb") as file:
        head = file.read(HEADER_SIZE)
    return struct.unpack_from("<I", head, 4)[0], struct.unpack_from("<I", head, 40)[0]


def wav_frames(data: bytes | Path) -> bytes:
    """The samples a standard WAV reader sees (it trusts the header)."""
    source: BinaryIO = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115
    with source, wave.open(source, "rb") as reader:
        assert (reader.getframerate(), reader.getnchannels(), reader.getsampwidth()) == (
            16000,
            1,
            2,
        )
        return reader.readframes(reader.getnframes())


def chunks_of(pcm: bytes, size: int = CHUNK) -> Iterator[bytes]:
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


# --- the writer -------------------------------------------------------------------------------


def test_new_file_is_a_valid_empty_wav(tmp_path: Path) -> None:
    path = tmp_path / "new.wav"
    writer = WavWriter.create(path)
    assert path.stat().st_size == HEADER_SIZE
    assert wav_frames(path) == b""
    writer.close()
    assert wav_frames(path) == b""


def test_header_counts_the_audio_at_least_once_per_interval(tmp_path: Path) -> None:
    path = tmp_path / "growing.wav"
    clock = ManualClock()
    writer = WavWriter(open(path, "xb", buffering=0), path=path, sync_interval=1.0, clock=clock)  # noqa: SIM115
    pcm = tone_pcm(5.0)
    written = 0
    for index, chunk in enumerate(chunks_of(pcm)):
        clock.now = index / 10  # a chunk every 0.1 s, as they come from a microphone
        writer.write(chunk)
        written += len(chunk)
        # Every sample is in the file at once; the header is never more than a second behind.
        assert path.stat().st_size == HEADER_SIZE + written
        riff, data = header_sizes(path)
        assert riff == 36 + data
        assert written - data <= BYTES_PER_SECOND
    assert header_sizes(path)[1] < written  # the last part is not counted yet ...
    clock.now += 1.1
    writer.sync_if_due()  # ... until the next interval passes, even with no new audio
    assert header_sizes(path)[1] == written
    writer.close()
    assert wav_frames(path) == pcm
    assert writer.closed and writer.clean


def test_snapshot_of_a_file_being_written_repairs_to_every_sample(tmp_path: Path) -> None:
    path = tmp_path / "live.wav"
    clock = ManualClock()
    writer = WavWriter(open(path, "xb", buffering=0), path=path, clock=clock)  # noqa: SIM115
    pcm = speech_pcm()[: 33 * CHUNK]
    for chunk in chunks_of(pcm):
        writer.write(chunk)
        clock.now += 0.1
    snapshot = tmp_path / "snapshot.wav"
    shutil.copyfile(path, snapshot)  # what a crash right now would leave
    unrepaired = wav_frames(snapshot)
    assert len(pcm) - len(unrepaired) <= BYTES_PER_SECOND
    result = repair_wav(snapshot)
    assert result.repaired
    assert result.seconds == pytest.approx(len(pcm) / BYTES_PER_SECOND)
    assert wav_frames(snapshot) == pcm
    assert b"".join(decode_pcm(snapshot)) == pcm
    writer.close()


def test_full_disk_keeps_what_was_written_with_a_matching_header() -> None:
    capacity = HEADER_SIZE + 2 * BYTES_PER_SECOND + 1  # room for 2 s and half a sample
    disk = FullDisk(capacity)
    writer = WavWriter(disk)
    pcm = tone_pcm(3.0)
    with pytest.raises(RecordingWriteError) as caught:
        for chunk in chunks_of(pcm):
            writer.write(chunk)
    error = caught.value
    assert "disk is full" in error.describe("en")
    assert "디스크" in error.describe("ko")
    assert error.seconds == pytest.approx(2.0)
    assert writer.closed and writer.clean
    saved = disk.final
    assert len(saved) == HEADER_SIZE + 2 * BYTES_PER_SECOND  # the half sample was cut off
    assert wav_frames(saved) == pcm[: 2 * BYTES_PER_SECOND]
    with pytest.raises(ValueError, match="closed"):
        writer.write(pcm[:CHUNK])


def test_a_disk_full_before_the_header_fits_is_reported() -> None:
    with pytest.raises(RecordingWriteError) as caught:
        WavWriter(FullDisk(10))
    assert caught.value.seconds == 0


def test_writer_rejects_half_samples(tmp_path: Path) -> None:
    writer = WavWriter.create(tmp_path / "a.wav")
    with pytest.raises(ValueError, match="whole number"):
        writer.write(b"\x01\x02\x03")
    writer.close()


def test_create_refuses_to_replace_a_file(tmp_path: Path) -> None:
    path = tmp_path / "taken.wav"
    path.write_bytes(b"keep me")
    with pytest.raises(RecordingWriteError) as caught:
        WavWriter.create(path)
    assert "another name" in caught.value.describe()
    assert path.read_bytes() == b"keep me"


# --- repair -----------------------------------------------------------------------------------


def test_repair_leaves_a_good_file_alone(tmp_path: Path) -> None:
    path = make_media(tmp_path / "good.wav", "wav", pcm=speech_pcm())
    before = path.read_bytes()
    result = repair_wav(path)
    assert not result.repaired
    assert path.read_bytes() == before


def test_repair_fixes_a_file_with_extra_chunks_and_zero_sizes(tmp_path: Path) -> None:
    # FFmpeg writes a LIST chunk before the data, so the data does not start at byte 44.
    path = make_media(tmp_path / "ffmpeg.wav", "wav", pcm=speech_pcm())
    raw = bytearray(path.read_bytes())
    data_at = raw.index(b"data")
    assert data_at > 36
    raw[4:8] = struct.pack("<I", 0)
    raw[data_at + 4 : data_at + 8] = struct.pack("<I", 0)
    path.write_bytes(bytes(raw) + b"\x7f")  # and a half sample at the end
    result = repair_wav(path)
    assert result.repaired
    assert b"".join(decode_pcm(path)) == speech_pcm()
    assert path.stat().st_size == len(raw)


def test_repair_refuses_what_is_not_a_pcm_wav(tmp_path: Path) -> None:
    text = tmp_path / "notes.wav"
    text.write_bytes(b"this is not a recording at all")
    with pytest.raises(TruncatedAudioError):
        repair_wav(text)
    mp3 = make_media(tmp_path / "song.mp3", "mp3", seconds=0.5)
    with pytest.raises(TruncatedAudioError):
        repair_wav(mp3)


def test_repair_of_a_file_without_audio_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(EmptyAudioError):
        repair_wav(empty)
    header_only = tmp_path / "header.wav"
    WavWriter.create(header_only).close()
    with pytest.raises(EmptyAudioError):
        repair_wav(header_only)


# --- recorder, kill and recovery --------------------------------------------------------------


async def test_recorder_passes_chunks_on_and_saves_them(tmp_path: Path, korean_clip: Path) -> None:
    recorder = Recorder(folder=tmp_path, name="meeting")
    passed: list[bytes] = []
    async with FileSource(korean_clip, realtime=False) as source:
        async for chunk in recorder.record(source):
            passed.append(chunk)
            assert recorder.path is not None
            assert Path(str(recorder.path) + MARKER_SUFFIX).exists()
    assert recorder.finished
    assert recorder.path == tmp_path / "meeting.wav"
    assert b"".join(passed) == speech_pcm()
    assert recorder.elapsed == pytest.approx(len(speech_pcm()) / BYTES_PER_SECOND)
    assert wav_frames(recorder.path) == speech_pcm()
    assert not Path(str(recorder.path) + MARKER_SUFFIX).exists()
    with pytest.raises(RuntimeError):
        await anext(recorder.record(FileSource(korean_clip)))


async def test_recorder_pause_holds_the_source(tmp_path: Path, korean_clip: Path) -> None:
    recorder = Recorder(folder=tmp_path, name="paused")
    states: list[bool] = []

    def resume() -> None:
        states.append(recorder.paused)
        recorder.resume()

    async with FileSource(korean_clip, realtime=False) as source:
        async for _ in recorder.record(source):
            if recorder.elapsed == pytest.approx(0.3):
                recorder.pause()
                states.append(source.paused)
                asyncio.get_running_loop().call_later(0.05, resume)
    assert states == [True, True]
    assert not recorder.paused
    assert wav_frames(tmp_path / "paused.wav") == speech_pcm()  # a file waits, loses nothing


async def test_recorder_default_location_and_names(korean_clip: Path) -> None:
    async with FileSource(korean_clip, realtime=False) as source:
        saved = await Recorder().save(source)
    assert saved.parent == recordings_dir()
    assert saved.suffix == ".wav"
    assert recording_path(saved.stem) == saved.with_name(f"{saved.stem}-2.wav")
    assert recording_path('a/b:c*?"<>|.wav', saved.parent).name == "a_b_c_.wav"


async def test_recorder_refuses_to_overwrite_a_chosen_path(
    tmp_path: Path, korean_clip: Path
) -> None:
    target = tmp_path / "keep.wav"
    target.write_bytes(b"precious")
    with pytest.raises(RecordingWriteError):
        async with FileSource(korean_clip, realtime=False) as source:
            await Recorder(target).save(source)
    assert target.read_bytes() == b"precious"
    assert not Path(str(target) + MARKER_SUFFIX).exists()
    async with FileSource(korean_clip, realtime=False) as source:
        await Recorder(target, overwrite=True).save(source)
    assert wav_frames(target) == speech_pcm()


async def test_recorder_stops_with_a_clear_error_on_a_full_disk(
    tmp_path: Path, korean_clip: Path
) -> None:
    capacity = HEADER_SIZE + 3 * BYTES_PER_SECOND
    recorder = Recorder(folder=tmp_path, name="full", opener=lambda p: FullDiskFile(p, capacity))
    passed = 0
    async with FileSource(korean_clip, realtime=False) as source:
        with pytest.raises(RecordingWriteError) as caught:
            async for chunk in recorder.record(source):
                passed += len(chunk)
                await asyncio.sleep(0.005)  # a consumer that takes a moment, like a live engine
    assert isinstance(caught.value, SoriError)
    assert caught.value.path == tmp_path / "full.wav"
    assert passed >= 3 * BYTES_PER_SECOND
    assert wav_frames(tmp_path / "full.wav") == speech_pcm()[: 3 * BYTES_PER_SECOND]
    assert not (tmp_path / f"full.wav{MARKER_SUFFIX}").exists()
    assert recorder.finished


def test_killed_recording_is_recovered_to_every_sample(tmp_path: Path, korean_clip: Path) -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.audio_device.record_child",
            "--folder",
            str(tmp_path),
            "--input-file",
            str(korean_clip),
            "--speed",
            "2",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        seconds = 0.0
        for line in child.stdout:
            if line.startswith("written"):
                seconds = float(line.split()[1])
                if seconds >= 2.0:
                    break
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    wav = tmp_path / "killed.wav"
    assert (tmp_path / f"killed.wav{MARKER_SUFFIX}").exists()
    on_disk = wav.stat().st_size - HEADER_SIZE
    # Chunks passed on but not yet handed to the disk thread are all a kill may lose.
    assert on_disk >= (seconds - 1.0) * BYTES_PER_SECOND

    (result,) = recover_recordings(tmp_path)
    assert result.path == wav
    assert result.seconds == pytest.approx(on_disk / BYTES_PER_SECOND)
    assert not (tmp_path / f"killed.wav{MARKER_SUFFIX}").exists()
    recovered = b"".join(decode_pcm(wav))  # PyAV reads it as a normal WAV file
    assert len(recovered) == on_disk
    assert recovered == speech_pcm()[:on_disk]
    assert recover_recordings(tmp_path) == []


async def test_recovery_skips_a_recording_in_progress(tmp_path: Path, korean_clip: Path) -> None:
    recorder = Recorder(folder=tmp_path, name="busy")
    seen: list[object] = []
    async with FileSource(korean_clip, realtime=False) as source:
        async for _ in recorder.record(source):
            if not seen:
                seen.append(await asyncio.to_thread(recover_recordings, tmp_path))
    assert seen == [[]]
    assert wav_frames(tmp_path / "busy.wav") == speech_pcm()


def test_recovery_removes_leftovers_without_audio(tmp_path: Path) -> None:
    empty = tmp_path / "nothing.wav"
    WavWriter.create(empty).close()
    Path(str(empty) + MARKER_SUFFIX).write_text("{}")
    orphan = tmp_path / "gone.wav"
    Path(str(orphan) + MARKER_SUFFIX).write_text("{}")
    finished = make_media(tmp_path / "finished.wav", "wav", seconds=0.5)
    assert recover_recordings(tmp_path) == []
    assert not empty.exists()
    assert list(tmp_path.iterdir()) == [finished]
