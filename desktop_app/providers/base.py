"""The Provider contract every speech engine fulfils, and what an engine declares it can do.

A provider is created from a :class:`ProviderConfig` (endpoint, credentials, settings) and
offers two coroutines that run on the engine event loop (never the GUI thread):

* :meth:`Provider.transcribe` — a whole file or URL to a :class:`Transcript`, reporting
  :class:`~desktop_app.core.progress.Progress`; cancelled by cancelling the task.
* :meth:`Provider.stream` — live audio (an async iterator of PCM chunks) to a stream of
  :class:`StreamEvent`; ends after the audio ends and the last result arrived.

CPU-bound engines run their work in threads from inside these coroutines.
"""

from __future__ import annotations

import math
from abc import ABC
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from desktop_app.core.errors import ConfigurationError, UnsupportedOptionError
from desktop_app.core.journal import JobJournal, RemoteJob
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.stream import StreamEvent
from desktop_app.core.transcript import Transcript

if TYPE_CHECKING:
    from desktop_app.providers.description import EngineDescription

InputKind = Literal["file", "url", "object_storage", "stream"]


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence in English and Korean; :meth:`pick` chooses by the interface language."""

    en: str
    ko: str

    def pick(self, language: str) -> str:
        return self.ko if language == "ko" and self.ko else self.en


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
KIND_NAMES = {
    "bool": ("true or false", "true 또는 false"),
    "int": ("a whole number", "정수"),
    "float": ("a number", "숫자"),
    "str": ("text", "글자"),
}


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """An engine-specific option the UI and CLI can offer (stored in ``options.extra[name]``).

    ``choice_labels`` names some choices for people (value, English, Korean); on the command
    line every option is ``--option NAME=VALUE``; ``enabled_by`` names a bool option this one
    only matters under; ``in_settings`` options choose where the engine
    is reached and are set in Settings rather than per job. :meth:`coerce` is the one place a
    value from the command line, the settings file or the window becomes the declared type."""

    name: str
    kind: Literal["bool", "int", "float", "choice", "str"]
    default: Any
    label: str
    label_ko: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    help_ko: str = ""
    choice_labels: tuple[tuple[str, str, str], ...] = ()
    enabled_by: str | None = None
    in_settings: bool = False

    def choice_label(self, value: str, language: str) -> str:
        for choice, english, korean in self.choice_labels:
            if choice == value:
                return korean if language == "ko" and korean else english
        return value

    def coerce(self, value: Any) -> Any:
        """``value`` (a typed value or text) as this option's type, checked against its range
        and choices; a :class:`ConfigurationError` naming the option and the fix otherwise."""
        try:
            result = self._convert(value)
        except (TypeError, ValueError):
            raise self._invalid(value) from None
        if self.kind in ("int", "float") and (
            (self.minimum is not None and result < self.minimum)
            or (self.maximum is not None and result > self.maximum)
        ):
            raise self._invalid(value)
        if self.kind == "choice" and result not in self.choices:
            raise self._invalid(value)
        return result

    def _convert(self, value: Any) -> Any:
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in TRUE_WORDS or text in FALSE_WORDS:
                return text in TRUE_WORDS
            raise ValueError(value)
        if isinstance(value, bool):
            if self.kind in ("int", "float"):
                raise ValueError(value)
            return str(value).lower()
        if self.kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return int(value) if isinstance(value, int | float) else int(str(value).strip())
        if self.kind == "float":
            result = float(value if isinstance(value, int | float) else str(value).strip())
            if math.isnan(result):
                raise ValueError(value)
            return result
        return str(value).strip()

    def _invalid(self, value: Any) -> ConfigurationError:
        if self.kind == "choice":
            expected = expected_ko = ", ".join(self.choices)
        else:
            expected, expected_ko = KIND_NAMES[self.kind]
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            if low or high:
                expected += f" ({low}…{high})"
                expected_ko += f"({low}…{high})"
        return ConfigurationError(
            f"'{value}' is not a valid value for {self.name}",
            fix=f"Give {self.name} {expected}.",
            message_ko=f"'{value}'은(는) {self.name}에 쓸 수 없는 값입니다",
            fix_ko=f"{self.name}에는 {expected_ko}을(를) 쓰세요.",
        )


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an engine can do; the UI shows only these options and the core checks them."""

    inputs: frozenset[InputKind] = frozenset({"file"})
    languages: tuple[str, ...] = ("ko",)
    max_duration: float | None = None  # seconds per request; longer audio is split by the core
    max_bytes: int | None = None  # bytes per request
    diarization: bool = False
    speaker_count: Literal["none", "exact", "range"] = "none"
    keywords: bool = False
    keyword_weights: bool = False
    biasing: bool = False
    forbidden: bool = False
    word_timestamps: bool = False
    live: bool = False
    offline: bool = False
    extra_options: tuple[OptionSpec, ...] = ()

    def describe_features(self) -> list[str]:
        """Short feature names for listings (``sori providers``)."""
        names: list[str] = sorted(self.inputs)
        if self.diarization:
            names.append("diarization")
        if self.keywords:
            names.append("keywords" + ("(weights)" if self.keyword_weights else ""))
        for flag, name in (
            (self.biasing, "biasing"),
            (self.forbidden, "forbidden"),
            (self.word_timestamps, "word-timestamps"),
            (self.live, "live"),
            (self.offline, "offline"),
        ):
            if flag:
                names.append(name)
        return names


@dataclass(slots=True)
class ProviderConfig:
    """How to reach and authenticate an engine; filled from settings, keyring and flags."""

    endpoint: str | None = None
    credentials: dict[str, str] = field(default_factory=dict, repr=False)
    settings: dict[str, Any] = field(default_factory=dict)
    journal: JobJournal | None = None  # where asynchronous engines note accepted remote jobs


@dataclass(frozen=True, slots=True)
class MediaSource:
    """What to transcribe: a local file, a public URL or a provider storage key."""

    path: Path | None = None
    url: str | None = None
    data_key: str | None = None

    @property
    def kind(self) -> InputKind:
        if self.path is not None:
            return "file"
        if self.url is not None:
            return "url"
        return "object_storage"

    @property
    def label(self) -> str:
        return str(self.path or self.url or self.data_key or "")


class Provider(ABC):
    """Base of all engines; a subclass sets ``description`` (its
    :class:`~desktop_app.providers.description.EngineDescription`) and implements the coroutines."""

    description: ClassVar[EngineDescription]
    # Taken from the description when the class is defined:
    name: ClassVar[str]
    display_name: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    credential_group: ClassVar[str | None] = None
    # Names this engine's settings section had in earlier versions, read when it has none.
    former_names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        described = cls.__dict__.get("description")
        if described is not None:
            cls.name = described.id
            cls.display_name = described.name.en
            cls.capabilities = described.capabilities
            cls.credential_group = described.credentials.name if described.credentials else None

    def __init__(self, config: ProviderConfig | None = None) -> None:
        self.config = config or ProviderConfig()

    def credentials(self) -> dict[str, str]:
        """The engine's keys: from the config when complete, else from the keyring/env."""
        keys = self.description.credentials
        if keys is None:
            return {}
        from desktop_app.core.secrets import Credentials, CredentialStore

        if all(self.config.credentials.get(field.name) for field in keys.fields):
            return Credentials(self.config.credentials)
        return CredentialStore().require(keys.name, self.name)

    async def transcribe(
        self,
        source: MediaSource,
        options: TranscriptionOptions,
        progress: ProgressCallback = ignore_progress,
    ) -> Transcript:
        """Transcribe a whole source: the options are checked against the engine's
        capabilities first, then :meth:`transcribe_source` does the work."""
        self.check_options(options, source)
        return await self.transcribe_source(source, options, progress)

    async def transcribe_source(
        self, source: MediaSource, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        """Transcribe a source whose kind and options passed :meth:`check_options`. File-only
        engines implement :meth:`transcribe_file`; engines that also take URLs or stored
        objects override this."""
        if source.path is None:
            raise UnsupportedOptionError(f"{source.kind} input", self.name)
        return await self.transcribe_file(Path(source.path), options, progress)

    async def transcribe_file(
        self, path: Path, options: TranscriptionOptions, progress: ProgressCallback
    ) -> Transcript:
        """Transcribe a local media file."""
        raise UnsupportedOptionError("file input", self.name)

    async def resume(
        self, job: RemoteJob, progress: ProgressCallback = ignore_progress
    ) -> Transcript:
        """Collect a remote job accepted earlier (see :mod:`desktop_app.core.journal`)."""
        raise UnsupportedOptionError("resuming jobs", self.name)

    def stream(
        self, audio: AsyncIterator[bytes], options: TranscriptionOptions
    ) -> AsyncIterator[StreamEvent]:
        """Transcribe live 16 kHz mono s16 PCM as it arrives."""
        raise UnsupportedOptionError("live mode", self.name)

    async def check_connection(self) -> None:
        """Make one cheap real call proving the endpoint and credentials work (Settings' Test
        connection); returns quietly on success and raises the :class:`SoriError` that says
        what is wrong otherwise."""
        raise UnsupportedOptionError("a connection test", self.name)

    @classmethod
    def can_check_connection(cls) -> bool:
        """Whether this engine offers :meth:`check_connection`."""
        return cls.check_connection is not Provider.check_connection

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections and models."""

    @classmethod
    def check_options(
        cls, options: TranscriptionOptions, source: MediaSource | None = None
    ) -> None:
        """Raise :class:`UnsupportedOptionError` for anything this engine cannot honour."""
        check_options(options, cls.capabilities, cls.name, source)


def check_options(
    options: TranscriptionOptions,
    caps: Capabilities,
    engine: str,
    source: MediaSource | None = None,
) -> None:
    """Compare options (and the kind of input) with an engine's capabilities."""
    if source is not None and source.kind not in caps.inputs:
        raise UnsupportedOptionError(f"{source.kind} input", engine)
    if options.language and not language_supported(options.language, caps.languages):
        raise UnsupportedOptionError(
            f"language '{options.language}'",
            engine,
            detail="supported: " + ", ".join(caps.languages),
        )
    if options.diarization and not caps.diarization:
        raise UnsupportedOptionError("--diarization", engine)
    wants_count = options.speakers is not None or options.speakers_min or options.speakers_max
    if wants_count and caps.speaker_count == "none":
        raise UnsupportedOptionError("--speakers", engine)
    if wants_count and not options.diarization:
        raise ConfigurationError(
            "A speaker count was given without diarization",
            fix="Add --diarization (or turn on speaker separation).",
            message_ko="화자 분리 없이 화자 수를 지정했습니다",
            fix_ko="--diarization을 함께 쓰세요(또는 화자 분리를 켜세요).",
        )
    if options.keywords and not caps.keywords:
        raise UnsupportedOptionError("--keyword", engine)
    if options.biasing and not caps.biasing:
        raise UnsupportedOptionError("--biasing", engine)
    if options.forbidden and not caps.forbidden:
        raise UnsupportedOptionError("--forbidden", engine)
    known = {spec.name: spec for spec in caps.extra_options}
    for name, value in options.extra.items():
        spec = known.get(name)
        if spec is None:
            raise UnsupportedOptionError(f"option '{name}'", engine)
        spec.coerce(value)


def option_values(specs: tuple[OptionSpec, ...], extra: dict[str, Any]) -> dict[str, Any]:
    """Every option of ``specs`` with its value from ``extra`` (else its default), coerced by
    its spec: what an engine maps onto its wire format."""
    return {spec.name: spec.coerce(extra.get(spec.name, spec.default)) for spec in specs}


LANGUAGE_ALIASES: dict[str, str] = {
    "ko": "ko", "ko-kr": "ko", "kor": "ko", "korean": "ko",
    "en": "en", "en-us": "en", "eng": "en", "english": "en",
    "ja": "ja", "ja-jp": "ja", "jpn": "ja", "japanese": "ja",
    "zh": "zh", "zh-cn": "zh", "chn": "zh", "chinese": "zh",
}  # fmt: skip


def normalise_language(code: str) -> str:
    """Map ko/en/ja/zh and engine spellings (Kor, ko-KR, ...) to a two-letter code when known."""
    return LANGUAGE_ALIASES.get(code.strip().lower(), code.strip())


def language_supported(code: str, languages: tuple[str, ...]) -> bool:
    lowered = {lang.lower() for lang in languages}
    return code.lower() in lowered or normalise_language(code).lower() in lowered
