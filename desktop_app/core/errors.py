"""The one exception tree of Sori.

Every failure that reaches a user is a :class:`SoriError`. Providers, the audio layer and the
settings code convert library errors (httpx, grpc, PyAV, keyring, ...) and the providers' own
error codes into these types at their edge, so the window and the command line choose behaviour
from the type alone and show :meth:`SoriError.describe` — a sentence naming the cause and one
naming the fix, in English or Korean — never a traceback::

    SoriError
     ├── ConfigurationError         settings or options that cannot work
     │    ├── UnsupportedOptionError   an option the chosen engine does not offer
     │    └── OutputError              a result cannot be written where it should go
     ├── AuthError                  missing, wrong or expired credentials
     ├── RateLimitError             too many requests (``retry_after`` when known)
     │    └── QuotaExceededError       quota used up or API not enabled (not retried)
     ├── LimitExceededError         audio too long or too large for the engine
     ├── AudioError                 input that cannot be used as audio
     │    ├── AudioFileNotFoundError
     │    ├── AudioUnreadableError     permissions, a directory, I/O error
     │    ├── EmptyAudioError          zero bytes or no samples
     │    ├── NotMediaError            not an audio/video container
     │    ├── NoAudioTrackError        a container without an audio stream
     │    └── TruncatedAudioError      damaged or cut-off media
     ├── NetworkError               connection failed, dropped, timed out (transient)
     ├── ServerError                the provider failed (5xx and equivalents, transient)
     ├── EngineUnavailableError     a local component is missing (model, PortAudio, keyring)
     └── CancelledByUserError       the user stopped the job
"""

from __future__ import annotations

from typing import ClassVar


class SoriError(Exception):
    """Base of all errors shown to users.

    ``message``/``fix`` are English; ``message_ko``/``fix_ko`` Korean (falling back to English).
    ``code`` is the provider's own error code when there is one (``STT001``, ``4010001``, ...).
    ``transient`` tells retry logic whether trying again may help.
    """

    transient: ClassVar[bool] = False
    default_fix: ClassVar[str] = ""
    default_fix_ko: ClassVar[str] = ""
    exit_code: ClassVar[int] = 1

    def __init__(
        self,
        message: str,
        *,
        fix: str | None = None,
        message_ko: str | None = None,
        fix_ko: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix if fix is not None else self.default_fix
        self.message_ko = message_ko
        self.fix_ko = fix_ko if fix_ko is not None else (self.default_fix_ko or None)
        self.code = code

    def describe(self, language: str = "en") -> str:
        """One line for a person: the cause, then what to do."""
        korean = language.lower().startswith("ko")
        message = (self.message_ko or self.message) if korean else self.message
        fix = (self.fix_ko or self.fix) if korean else self.fix
        text = message.rstrip()
        if self.code and self.code not in text:
            text = f"{text} [{self.code}]"
        if fix:
            text = f"{text}{'' if text.endswith(('.', '!', '?')) else '.'} {fix.strip()}"
        return text

    def __str__(self) -> str:
        return self.describe("en")


class ConfigurationError(SoriError):
    """Settings or options that cannot work together."""

    exit_code = 2


class UnsupportedOptionError(ConfigurationError):
    """An option the chosen engine does not offer."""

    def __init__(self, option: str, engine: str, *, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"The engine '{engine}' does not support {option}{extra}",
            fix="Remove the option or choose an engine that supports it (see 'sori providers').",
            message_ko=f"'{engine}' 엔진은 {option} 옵션을 지원하지 않습니다{extra}",
            fix_ko="옵션을 빼거나 이를 지원하는 엔진을 고르세요('sori providers' 참고).",
        )
        self.option = option
        self.engine = engine


class OutputError(ConfigurationError):
    """An output file or folder that cannot be written (found before work starts where
    possible); one exit code for every such case."""

    exit_code = 7


class AuthError(SoriError):
    """Missing, wrong or expired credentials."""

    default_fix = "Check the keys with 'sori credentials set <engine>' or in Settings."
    default_fix_ko = "'sori credentials set <엔진>' 또는 설정에서 키를 확인하세요."
    exit_code = 3


class RateLimitError(SoriError):
    """Too many requests or an exhausted quota; ``retry_after`` seconds when the server said."""

    transient = True
    default_fix = "Wait a moment and try again, or lower the number of parallel jobs."
    default_fix_ko = "잠시 후 다시 시도하거나 동시 작업 수를 줄이세요."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: str) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class QuotaExceededError(RateLimitError):
    """The account's quota is used up, or the API is not enabled: waiting will not help."""

    transient = False
    default_fix = "Check the usage limits and enabled APIs in the provider's console."
    default_fix_ko = "서비스 콘솔에서 사용 한도와 API 활성화 여부를 확인하세요."


class LimitExceededError(SoriError):
    """Audio too long or too large for the engine."""

    default_fix = "Use a shorter file or an engine for long audio (see `sori providers`)."
    default_fix_ko = "더 짧은 파일을 쓰거나 긴 오디오용 엔진을 고르세요(`sori providers` 참고)."


class AudioError(SoriError):
    """Input that cannot be used as audio."""

    default_fix = "Choose an audio or video file that plays in a media player."
    default_fix_ko = "미디어 플레이어에서 재생되는 오디오/동영상 파일을 고르세요."
    exit_code = 4


class AudioFileNotFoundError(AudioError):
    default_fix = "Check the path and file name."
    default_fix_ko = "경로와 파일 이름을 확인하세요."


class AudioUnreadableError(AudioError):
    default_fix = "Check that the path is a file you are allowed to read."
    default_fix_ko = "읽기 권한이 있는 파일인지 확인하세요."


class EmptyAudioError(AudioError):
    default_fix = "The file holds no sound; choose another file or record again."
    default_fix_ko = "소리가 없는 파일입니다. 다른 파일을 고르거나 다시 녹음하세요."


class NotMediaError(AudioError):
    pass


class NoAudioTrackError(AudioError):
    default_fix = "The file has no sound track; export the video with audio, or pick another."
    default_fix_ko = "소리 트랙이 없습니다. 오디오가 포함된 파일을 고르세요."


class TruncatedAudioError(AudioError):
    default_fix = "The file is damaged or incomplete; copy or download it again."
    default_fix_ko = "파일이 손상되었거나 잘렸습니다. 다시 복사하거나 내려받으세요."


class NetworkError(SoriError):
    """The connection failed, dropped or timed out."""

    transient = True
    default_fix = "Check the internet connection (and proxy/firewall) and try again."
    default_fix_ko = "인터넷 연결(프록시/방화벽 포함)을 확인한 뒤 다시 시도하세요."
    exit_code = 5


class ServerError(SoriError):
    """The provider reported an internal failure."""

    transient = True
    default_fix = "The service had a problem; try again in a few minutes."
    default_fix_ko = "서비스에 문제가 생겼습니다. 몇 분 뒤 다시 시도하세요."
    exit_code = 5


class EngineUnavailableError(SoriError):
    """A local component is missing (speech model, PortAudio, keyring service)."""

    exit_code = 6


class CancelledByUserError(SoriError):
    """The user stopped the job."""

    exit_code = 130

    def __init__(self, message: str = "Cancelled", **kwargs: str) -> None:
        kwargs.setdefault("message_ko", "취소되었습니다")
        super().__init__(message, **kwargs)
