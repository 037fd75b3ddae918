"""Decoding and probing real media files made by PyAV: every common format, windows, timeline
gaps, odd names, and every kind of broken input."""

from __future__ import annotations

import os
import wave
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from desktop_app.audio import BYTES_PER_SECOND, SAMPLE_RATE
from desktop_app.audio.decode import MediaInfo, decode_pcm, probe
from desktop_app.core.errors import (
    AudioFileNotFoundError,
    AudioUnreadableError,
    EmptyAudioError,
    NoAudioTrackError,
    NotMediaError,
    SoriError,
    TruncatedAudioError,
)
from tests.media import FORMATS, make_media, missing_encoder, speech_pcm

ALL_FORMATS = list(FORMATS)
VIDEO_FORMATS = [name for name, spec in FORMATS.items() if spec.video_codec]
SPEECH_SECONDS = len(speech_pcm()) / BYTES_PER_SECOND  # 7.84 s


MediaFactory = Callable[[str], Path]


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """The test sentence encoded once per format (with a picture stream where one fits)."""
    folder = tmp_path_factory.mktemp("media")
    made: dict[str, Path] = {}

    def get(fmt: str) -> Path:
        missing = missing_encoder(fmt)
        if missing:
            pytest.skip(f"this FFmpeg build has no {missing} encoder")
        if fmt not in made:
            video = FORMATS[fmt].video_codec is not None
            made[fmt] = make_media(folder / f"speech.{fmt}", fmt, pcm=speech_pcm(), video=video)
        return made[fmt]

    return get


@pytest.fixture(scope="session")
def decoded(media: MediaFactory) -> Callable[[str], np.ndarray]:
    """Whole-file decodes, cached like the files."""
    cache: dict[str, np.ndarray] = {}

    def get(fmt: str) -> np.ndarray:
        if fmt not in cache:
            cache[fmt] = samples(b"".join(decode_pcm(media(fmt))))
        return cache[fmt]

    return get


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def envelope(signal: np.ndarray, hop: int = 320) -> np.ndarray:
    """RMS per 20 ms."""
    usable = len(signal) // hop * hop
    return np.sqrt(np.mean(signal[:usable].reshape(-1, hop) ** 2, axis=1))


def best_correlation(a: np.ndarray, b: np.ndarray, max_lag: int) -> tuple[int, float]:
    """The lag of ``a`` against ``b`` (in samples) where they correlate best, and how well."""
    length = min(len(a), len(b)) - 2 * max_lag
    assert length > 0
    reference = b[max_lag : max_lag + length]
    best = (0, -1.0)
    for lag in range(-max_lag, max_lag + 1):
        moved = a[max_lag + lag : max_lag + lag + length]
        value = float(np.corrcoef(moved, reference)[0, 1])
        if value > best[1]:
            best = (lag, value)
    return best


def write_wav(path: Path, frames: np.ndarray, rate: int, channels: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames.astype("<i2").tobytes())
    return path


# --- every format -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_probe_reads_duration_and_track(fmt: str, media: MediaFactory) -> None:
    info = probe(media(fmt))
    spec = FORMATS[fmt]
    assert isinstance(info, MediaInfo)
    assert info.duration == pytest.approx(SPEECH_SECONDS, abs=0.1)
    assert info.sample_rate == spec.sample_rate
    assert info.channels == len(av.AudioLayout(spec.layout).channels)
    assert info.has_video == (spec.video_codec is not None)
    assert info.codec and info.container


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_decodes_to_16k_mono_of_the_right_length(
    fmt: str, decoded: Callable[[str], np.ndarray]
) -> None:
    audio = decoded(fmt)
    # 16 kHz mono: as many samples as seconds × 16000 (plus codec padding, at most ~0.1 s).
    assert len(audio) / SAMPLE_RATE == pytest.approx(SPEECH_SECONDS, abs=0.1)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_speech_survives(fmt: str, decoded: Callable[[str], np.ndarray]) -> None:
    source = samples(speech_pcm())
    audio = decoded(fmt)
    # Loudness over time matches (allowing up to 100 ms of codec delay) ...
    _, shape = best_correlation(envelope(audio), envelope(source), max_lag=5)
    assert shape > 0.9
    # ... and so does the overall level: every channel held the speech, so the mono downmix
    # (stereo, 5.1) gives it back at full level.
    assert np.std(audio) / np.std(source) == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize("fmt", ["mp3", "m4a", "ogg", "opus", "mp4", "mkv", "webm"])
def test_waveform_survives_lossy_codecs_in_time(
    fmt: str, decoded: Callable[[str], np.ndarray]
) -> None:
    """Containers that record codec delay give the speech back at time 0, sample-aligned."""
    lag, match = best_correlation(decoded(fmt), samples(speech_pcm()), max_lag=32)
    assert abs(lag) <= 8  # at most 0.5 ms (Matroska keeps milliseconds)
    assert match > 0.98


@pytest.mark.parametrize("fmt", ["wav", "flac"])
def test_lossless_formats_are_bit_exact(fmt: str, media: MediaFactory) -> None:
    assert b"".join(decode_pcm(media(fmt))) == speech_pcm()


@pytest.mark.parametrize("fmt", ["aac", "amr"])
def test_raw_streams_are_measured_by_a_packet_scan(fmt: str, media: MediaFactory) -> None:
    """ADTS and AMR have no length in a header; FFmpeg's bit-rate guess is replaced by a scan."""
    path = media(fmt)
    decoded_seconds = sum(len(chunk) for chunk in decode_pcm(path)) / BYTES_PER_SECOND
    assert probe(path).duration == pytest.approx(decoded_seconds, abs=0.03)


# --- chunks and windows -----------------------------------------------------------------------


@pytest.mark.parametrize("chunk_seconds", [0.02, 0.1, 0.5, 3.0])
def test_chunks_have_the_requested_size(chunk_seconds: float, media: MediaFactory) -> None:
    chunks = list(decode_pcm(media("mp3"), chunk_seconds=chunk_seconds))
    size = round(chunk_seconds * SAMPLE_RATE) * 2
    assert all(len(chunk) == size for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= size
    assert sum(map(len, chunks)) == len(b"".join(decode_pcm(media("mp3"))))


def test_decode_is_lazy_and_stops_early(media: MediaFactory) -> None:
    chunks = decode_pcm(media("m4a"), chunk_seconds=0.25)
    first = next(chunks)
    assert len(first) == 0.25 * BYTES_PER_SECOND
    chunks.close()  # type: ignore[attr-defined]  # a generator; closing frees the file


@pytest.mark.parametrize("window", [(2.0, 4.5), (0.3, 1.0), (6.0, None), (7.5, 9.0)])
def test_window_of_lossless_file_is_the_exact_slice(
    window: tuple[float, float | None], media: MediaFactory
) -> None:
    start, end = window
    whole = speech_pcm()
    piece = b"".join(decode_pcm(media("flac"), start=start, end=end))
    last = None if end is None else int(end * SAMPLE_RATE) * 2
    assert piece == whole[int(start * SAMPLE_RATE) * 2 : last]


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_window_matches_the_same_stretch_of_a_whole_decode(
    fmt: str, media: MediaFactory, decoded: Callable[[str], np.ndarray]
) -> None:
    window = samples(b"".join(decode_pcm(media(fmt), start=2.0, end=4.5)))
    assert len(window) == int(2.5 * SAMPLE_RATE)
    reference = decoded(fmt)[2 * SAMPLE_RATE : int(4.5 * SAMPLE_RATE)]
    lag, match = best_correlation(window, reference, max_lag=32)
    assert abs(lag) <= 8
    assert match > 0.99


def test_window_past_the_end_is_empty(media: MediaFactory) -> None:
    assert list(decode_pcm(media("mp3"), start=30.0, end=40.0)) == []
    assert list(decode_pcm(media("wav"), start=30.0)) == []


@pytest.mark.parametrize(
    "kwargs",
    [{"chunk_seconds": 0}, {"start": -1.0}, {"start": 3.0, "end": 2.0}, {"end": 0.0}],
)
def test_bad_arguments_are_programming_errors(kwargs: dict, media: MediaFactory) -> None:
    with pytest.raises(ValueError):
        decode_pcm(media("wav"), **kwargs)


# --- channels, rates, timeline ---------------------------------------------------------------


def test_stereo_is_averaged_to_mono(tmp_path: Path) -> None:
    left = samples(speech_pcm()).astype(np.int16)
    frames = np.stack([left, np.zeros_like(left)], axis=1).reshape(-1)
    path = write_wav(tmp_path / "left only.wav", frames, SAMPLE_RATE, 2)
    mono = samples(b"".join(decode_pcm(path)))
    assert len(mono) == len(left)
    assert np.max(np.abs(mono - left / 2)) <= 1


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000])
def test_any_sample_rate_is_resampled(rate: int, tmp_path: Path) -> None:
    path = make_media(tmp_path / f"r{rate}.wav", "wav", pcm=speech_pcm(), sample_rate=rate)
    assert probe(path).sample_rate == rate
    audio = samples(b"".join(decode_pcm(path)))
    assert len(audio) / SAMPLE_RATE == pytest.approx(SPEECH_SECONDS, abs=0.01)
    lag, match = best_correlation(audio, samples(speech_pcm()), max_lag=8)
    assert lag == 0
    assert match > (0.9 if rate == 8000 else 0.99)  # 8 kHz keeps only the band below 4 kHz


def test_8_bit_wav(tmp_path: Path) -> None:
    source = samples(speech_pcm())
    unsigned = (np.round(source / 256) + 128).clip(0, 255).astype(np.uint8)
    path = tmp_path / "old.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(unsigned.tobytes())
    audio = samples(b"".join(decode_pcm(path)))
    assert len(audio) == len(source)
    assert np.max(np.abs(audio - source)) <= 128  # the 8 bits that were thrown away


def test_stream_that_changes_rate_and_channels_midway(tmp_path: Path) -> None:
    first = make_media(tmp_path / "a.aac", "aac", pcm=speech_pcm(), sample_rate=22050)
    second = make_media(
        tmp_path / "b.aac", "aac", pcm=speech_pcm(), sample_rate=44100, layout="stereo"
    )
    joined = tmp_path / "joined.aac"
    joined.write_bytes(first.read_bytes() + second.read_bytes())
    seconds = sum(map(len, decode_pcm(joined))) / BYTES_PER_SECOND
    assert seconds == pytest.approx(2 * SPEECH_SECONDS, abs=0.2)


def _remux(source: Path, target: Path, *, drop: tuple[float, float] = (0, 0), delay: float = 0):
    """Copy a file's packets, leaving out audio in ``drop`` and delaying the audio."""
    with av.open(str(source)) as reader, av.open(str(target), "w") as writer:
        streams = {s.index: writer.add_stream_from_template(s) for s in reader.streams}
        for packet in reader.demux():
            if packet.dts is None or packet.pts is None:
                continue
            if packet.stream.type == "audio":
                at = float(packet.pts * packet.time_base)
                if drop[0] <= at < drop[1]:
                    continue
                shift = round(delay / packet.time_base)
                packet.pts += shift
                packet.dts += shift
            packet.stream = streams[packet.stream.index]
            writer.mux(packet)
    return target


def test_missing_stretch_becomes_silence_in_place(media: MediaFactory, tmp_path: Path) -> None:
    holed = _remux(media("mkv"), tmp_path / "holed.mkv", drop=(2.0, 3.0))
    audio = samples(b"".join(decode_pcm(holed)))
    whole = samples(speech_pcm())
    assert len(audio) == pytest.approx(len(whole), abs=SAMPLE_RATE * 0.01)
    assert np.max(np.abs(audio[int(2.05 * SAMPLE_RATE) : int(2.95 * SAMPLE_RATE)])) == 0
    # after the hole the speech is where it was, not 1 s early
    after = slice(int(3.1 * SAMPLE_RATE), int(7.5 * SAMPLE_RATE))
    lag, match = best_correlation(audio[after], whole[after], max_lag=16)
    assert abs(lag) <= 8
    assert match > 0.99


def test_audio_starting_after_the_video_keeps_its_place(
    media: MediaFactory, tmp_path: Path
) -> None:
    late = _remux(media("mkv"), tmp_path / "late.mkv", delay=1.0)
    audio = samples(b"".join(decode_pcm(late)))
    assert np.max(np.abs(audio[: int(0.99 * SAMPLE_RATE)])) == 0
    lag, match = best_correlation(audio[SAMPLE_RATE:], samples(speech_pcm()), max_lag=16)
    assert abs(lag) <= 8
    assert match > 0.99


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["회의 녹음 1.m4a", "강의 노트.mp3", "a:b c.wav", "x%20y#1.ogg"])
def test_korean_spaces_and_odd_characters_in_names(name: str, tmp_path: Path) -> None:
    fmt = name.rsplit(".", 1)[1]
    folder = tmp_path / "내 파일들"
    folder.mkdir()
    path = make_media(folder / name, fmt, seconds=1.0)
    assert probe(path).duration == pytest.approx(1.0, abs=0.1)
    assert sum(map(len, decode_pcm(str(path)))) / BYTES_PER_SECOND == pytest.approx(1.0, abs=0.1)


# --- errors ----------------------------------------------------------------------------------


def assert_bilingual(error: SoriError, name: str) -> None:
    assert name in error.describe("en")
    korean = error.describe("ko")
    assert name in korean
    assert any("\uac00" <= char <= "\ud7a3" for char in korean)


def test_missing_file_raises_before_iterating(tmp_path: Path) -> None:
    path = tmp_path / "없는 파일.mp3"
    with pytest.raises(AudioFileNotFoundError) as caught:
        decode_pcm(path)
    assert_bilingual(caught.value, "없는 파일.mp3")
    with pytest.raises(AudioFileNotFoundError):
        probe(path)


def test_folder_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "music.mp3"
    folder.mkdir()
    with pytest.raises(AudioUnreadableError) as caught:
        decode_pcm(folder)
    assert_bilingual(caught.value, "music.mp3")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    with pytest.raises(AudioUnreadableError) as caught:
        probe(fifo)
    assert_bilingual(caught.value, "pipe.wav")


def test_path_through_a_file_is_unreadable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AudioUnreadableError):
        decode_pcm(blocker / "inner.wav")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_file_without_read_permission(media: MediaFactory, tmp_path: Path) -> None:
    locked = tmp_path / "locked.wav"
    locked.write_bytes(media("wav").read_bytes())
    locked.chmod(0)
    with pytest.raises(AudioUnreadableError) as caught:
        decode_pcm(locked)
    assert_bilingual(caught.value, "locked.wav")


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "빈 파일.wav"
    empty.touch()
    with pytest.raises(EmptyAudioError) as caught:
        decode_pcm(empty)
    assert_bilingual(caught.value, "빈 파일.wav")
    with pytest.raises(EmptyAudioError):
        probe(empty)


def test_header_without_samples_is_empty_while_iterating(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "header only.wav", np.zeros(0), SAMPLE_RATE, 1)
    chunks = decode_pcm(path)  # opening works; there is just nothing inside
    with pytest.raises(EmptyAudioError) as caught:
        list(chunks)
    assert_bilingual(caught.value, "header only.wav")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"hello world\n" * 200),
        ("메모.txt", "안녕하세요 반갑습니다\n".encode() * 100),
        ("fake.mp3", b"not really an mp3\n" * 100),
        ("noise.bin", np.random.default_rng(7).integers(0, 256, 50_000, np.uint8).tobytes()),
        ("noise.mp4", np.random.default_rng(8).integers(0, 256, 50_000, np.uint8).tobytes()),
        ("page.html", b"<html><body>hi</body></html>\n" * 50),
        ("two bytes", b"\x00\x01"),
    ],
)
def test_files_that_are_not_media(name: str, content: bytes, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NotMediaError) as caught:
        decode_pcm(path)
    assert_bilingual(caught.value, name)
    with pytest.raises(NotMediaError):
        probe(path)


def test_picture_has_no_audio_track(tmp_path: Path) -> None:
    path = tmp_path / "사진.png"
    with av.open(str(path), "w", format="image2") as container:
        stream = container.add_stream("png", rate=1)
        assert isinstance(stream, av.video.stream.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "rgb24"
        picture = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(picture), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(NoAudioTrackError) as caught:
        decode_pcm(path)
    assert_bilingual(caught.value, "사진.png")


@pytest.mark.parametrize("fmt", VIDEO_FORMATS)
def test_video_without_sound_has_no_audio_track(fmt: str, tmp_path: Path) -> None:
    path = make_media(tmp_path / f"silent film.{fmt}", fmt, seconds=1.0, video=True, audio=False)
    with pytest.raises(NoAudioTrackError):
        probe(path)
    with pytest.raises(NoAudioTrackError):
        decode_pcm(path)


def _cut(source: Path, target: Path, fraction: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3", "aac", "ac3", "ogg", "opus", "amr", "mkv"])
def test_file_cut_short_yields_the_audio_it_holds(
    fmt: str, media: MediaFactory, tmp_path: Path
) -> None:
    half = _cut(media(fmt), tmp_path / f"half.{fmt}", 0.5)
    seconds = sum(map(len, decode_pcm(half))) / BYTES_PER_SECOND
    # compression varies along the speech, so half the bytes is not exactly half the time
    assert 0.3 * SPEECH_SECONDS < seconds < 0.7 * SPEECH_SECONDS


@pytest.mark.parametrize("fmt", ["mp4", "m4a", "mov"])
def test_mp4_cut_short_is_truncated(fmt: str, media: MediaFactory, tmp_path: Path) -> None:
    """The index of these files sits at the end: without it nothing can be found."""
    half = _cut(media(fmt), tmp_path / f"반쪽.{fmt}", 0.5)
    with pytest.raises(TruncatedAudioError) as caught:
        decode_pcm(half)
    assert_bilingual(caught.value, f"반쪽.{fmt}")
    with pytest.raises(TruncatedAudioError):
        probe(half)


def _damage(source: Path, target: Path, start: int, length: int, seed: int = 3) -> Path:
    data = bytearray(source.read_bytes())
    noise = np.random.default_rng(seed).integers(0, 256, length, np.uint8).tobytes()
    data[start : start + length] = noise
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("fmt", ["mp3", "m4a", "aac", "ac3", "mp4", "mkv", "webm", "ogg"])
def test_garbage_in_the_middle_is_skipped(fmt: str, media: MediaFactory, tmp_path: Path) -> None:
    source = media(fmt)
    size = source.stat().st_size
    damaged = _damage(source, tmp_path / f"damaged.{fmt}", size // 3, size // 10)
    audio = samples(b"".join(decode_pcm(damaged)))
    # the damaged tenth is lost (or silent), the rest comes through
    assert len(audio) / SAMPLE_RATE > 0.75 * SPEECH_SECONDS
    assert np.std(audio) > 0.5 * np.std(samples(speech_pcm()))


@pytest.mark.parametrize(("fmt", "offset"), [("wav", 8), ("ogg", 8), ("opus", 8), ("mkv", 4)])
def test_damaged_header_is_truncated(
    fmt: str, offset: int, media: MediaFactory, tmp_path: Path
) -> None:
    damaged = _damage(media(fmt), tmp_path / f"broken head.{fmt}", offset, 192)
    with pytest.raises(TruncatedAudioError) as caught:
        probe(damaged)
    assert_bilingual(caught.value, f"broken head.{fmt}")


def test_damage_found_while_iterating_is_a_sori_error(media: MediaFactory, tmp_path: Path) -> None:
    """A FLAC whose STREAMINFO block is wiped opens, but then yields no sound at all."""
    data = bytearray(media("flac").read_bytes())
    data[8:42] = bytes(34)
    damaged = tmp_path / "streaminfo.flac"
    damaged.write_bytes(bytes(data))
    chunks = decode_pcm(damaged)
    with pytest.raises(TruncatedAudioError) as caught:
        list(chunks)
    assert_bilingual(caught.value, "streaminfo.flac")
