"""Sound input devices through PortAudio (the ``sounddevice`` package), loaded only when needed.

``sounddevice`` loads the PortAudio C library when it is imported and raises :class:`OSError`
where that library is missing, so nothing imports it at module level: the app starts without
PortAudio and :func:`recording_available` says why recording is off. Every failure here is an
:class:`~desktop_app.core.errors.EngineUnavailableError` (no PortAudio, no input device) or a
:class:`~desktop_app.core.errors.ConfigurationError` (a device name or number that does not
exist), with the cause and the fix in English and Korean.

PortAudio lists devices once, when it starts. :func:`rescan_devices` restarts it to pick up a
microphone plugged in later; that is only possible while no stream is open, so the microphone
source registers its streams with :func:`stream_opened`/:func:`stream_closed`.
"""

from __future__ import annotations

import importlib
import logging
import threading
from types import ModuleType
from typing import Any, NamedTuple

from desktop_app.core.errors import ConfigurationError, EngineUnavailableError, SoriError

log = logging.getLogger(__name__)

_lock = threading.Lock()
_open_streams = 0


class InputDevice(NamedTuple):
    """A device that can record: PortAudio's device number, its name, its own sample rate and
    the most channels it records, and whether it is the system's default input."""

    id: int
    name: str
    default_samplerate: float
    channels: int
    is_default: bool


def load_sounddevice() -> ModuleType:
    """The ``sounddevice`` module, or :class:`EngineUnavailableError` when PortAudio is missing."""
    try:
        return importlib.import_module("sounddevice")
    except OSError as exc:  # the package is there, the PortAudio library is not
        raise _no_portaudio(str(exc)) from exc
    except ImportError as exc:
        raise EngineUnavailableError(
            f"Recording is unavailable: the Python package 'sounddevice' is missing ({exc})",
            fix="Reinstall Sori, or run 'pip install sounddevice' in its environment.",
            message_ko=f"녹음을 사용할 수 없습니다: 파이썬 패키지 'sounddevice'가 없습니다({exc})",
            fix_ko="Sori를 다시 설치하거나, Sori 환경에서 'pip install sounddevice'를 실행하세요.",
        ) from exc


def _no_portaudio(detail: str) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"Recording is unavailable: the PortAudio sound library could not be loaded ({detail})",
        fix="Install PortAudio (Debian/Ubuntu: 'sudo apt install libportaudio2', "
        "Fedora: 'sudo dnf install portaudio') and start Sori again.",
        message_ko=f"녹음을 사용할 수 없습니다: PortAudio 사운드 라이브러리를 불러오지 못했습니다"
        f"({detail})",
        fix_ko="PortAudio를 설치한 뒤(Debian/Ubuntu: 'sudo apt install libportaudio2', "
        "Fedora: 'sudo dnf install portaudio') Sori를 다시 시작하세요.",
    )


def no_input_device() -> EngineUnavailableError:
    """The error for a machine where PortAudio works but nothing can record."""
    return EngineUnavailableError(
        "Recording is unavailable: no microphone or other sound input device was found",
        fix="Plug in a microphone (or enable one in the system's sound settings) and try again.",
        message_ko="녹음을 사용할 수 없습니다: 마이크나 다른 소리 입력 장치를 찾지 못했습니다",
        fix_ko="마이크를 연결하거나 시스템 소리 설정에서 입력 장치를 켠 뒤 다시 시도하세요.",
    )


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel, the default one marked.

    Raises :class:`EngineUnavailableError` when PortAudio is missing; an empty list means
    PortAudio works but found nothing to record from.
    """
    sd = load_sounddevice()
    return _input_devices(sd)


def _input_devices(sd: ModuleType) -> list[InputDevice]:
    try:
        devices: list[dict[str, Any]] = list(sd.query_devices())
        host_apis: list[dict[str, Any]] = list(sd.query_hostapis())
        default_id = _default_input_id(sd)
    except sd.PortAudioError as exc:
        raise _no_portaudio(str(exc)) from exc
    inputs = [
        (index, info)
        for index, info in enumerate(devices)
        if int(info.get("max_input_channels", 0)) > 0
    ]
    # Windows lists one microphone once per sound system (MME, WASAPI, ...): name them apart.
    names = [str(info["name"]) for _, info in inputs]
    found: list[InputDevice] = []
    for index, info in inputs:
        name = str(info["name"])
        if names.count(name) > 1:
            api_index = int(info.get("hostapi", -1))
            if 0 <= api_index < len(host_apis):
                name = f"{name} [{host_apis[api_index]['name']}]"
        number = int(info.get("index", index))
        found.append(
            InputDevice(
                id=number,
                name=name,
                default_samplerate=float(info.get("default_samplerate") or 0.0),
                channels=int(info["max_input_channels"]),
                is_default=number == default_id,
            )
        )
    return found


def _default_input_id(sd: ModuleType) -> int:
    """PortAudio's default input device number, or -1 when there is none."""
    try:
        return int(sd.query_devices(kind="input")["index"])
    except (sd.PortAudioError, ValueError, KeyError, TypeError):
        return -1


def find_input_device(device: int | str | None = None) -> InputDevice:
    """The device to record from: a PortAudio device number, a name (exact, or a unique part of
    one, ignoring case), or None for the system's default input.

    Raises :class:`EngineUnavailableError` without PortAudio or without any input device, and
    :class:`ConfigurationError` for a number or name that matches no input device.
    """
    devices = list_input_devices()
    if not devices and rescan_devices():
        devices = list_input_devices()
    if not devices:
        raise no_input_device()
    if device is None:
        return next((d for d in devices if d.is_default), devices[0])
    if isinstance(device, int) or (isinstance(device, str) and device.strip().isdigit()):
        number = int(device)
        for candidate in devices:
            if candidate.id == number:
                return candidate
        raise _unknown_device(str(number), devices)
    wanted = device.strip().casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted in d.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = ", ".join(f"{d.id}: {d.name}" for d in partial)
        raise ConfigurationError(
            f"More than one input device matches '{device}': {names}",
            fix="Give the device number or its full name (see 'sori devices').",
            message_ko=f"'{device}'에 맞는 입력 장치가 여러 개입니다: {names}",
            fix_ko="장치 번호나 전체 이름을 지정하세요('sori devices' 참고).",
        )
    raise _unknown_device(device, devices)


def _unknown_device(device: str, devices: list[InputDevice]) -> ConfigurationError:
    names = ", ".join(f"{d.id}: {d.name}" for d in devices)
    return ConfigurationError(
        f"No input device '{device}' (available: {names})",
        fix="Choose one of the listed devices by number or name.",
        message_ko=f"입력 장치 '{device}'이(가) 없습니다(사용 가능: {names})",
        fix_ko="목록에 있는 장치의 번호나 이름을 지정하세요.",
    )


def recording_available(language: str = "en") -> tuple[bool, str]:
    """Whether recording can work here, and if not, why and what to do (in ``language``)."""
    try:
        devices = list_input_devices()
        if not devices and rescan_devices():
            devices = list_input_devices()
        if not devices:
            raise no_input_device()
    except SoriError as exc:
        return False, exc.describe(language)
    return True, ""


def rescan_devices() -> bool:
    """Restart PortAudio so that it lists devices again; False (and nothing done) while a
    stream is open, because restarting would close it."""
    try:
        sd = load_sounddevice()
    except EngineUnavailableError:
        return False
    with _lock:
        if _open_streams:
            return False
        try:
            sd._terminate()
            sd._initialize()
        except sd.PortAudioError as exc:
            log.warning("PortAudio could not be restarted: %s", exc)
            return False
    return True


def stream_opened() -> None:
    """Note that a stream is open (no rescans until it is closed)."""
    global _open_streams
    with _lock:
        _open_streams += 1


def stream_closed() -> None:
    """Note that a stream registered with :func:`stream_opened` is closed."""
    global _open_streams
    with _lock:
        _open_streams = max(0, _open_streams - 1)
