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

from abc import ABC
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from desktop_app.core.errors import ConfigurationError, UnsupportedOptionError
from desktop_app.core.journal import JobJournal, RemoteJob
from desktop_app.core.options import TranscriptionOptions
from desktop_app.core.progress import ProgressCallback, ignore_progress
from desktop_app.core.stream import StreamEvent
from desktop_app.core.transcript import Transcript

InputKind = Literal["file", "url", "object_storage", "stream"]


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """An engine-specific option the UI and CLI can offer (stored in ``options.extra[name]``)."""

    name: str
    kind: Literal["bool", "int", "float", "choice", "str"]
    default: Any
    label: str
    label_ko: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


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
    credentials: tuple[str, ...] = ()  # names of the secrets the engine needs
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
    """Base of all engines; subclasses set the class attributes and implement the coroutines."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    credential_group: ClassVar[str | None] = None  # key in core.secrets.CREDENTIAL_GROUPS
    # Names this engine's settings section had in earlier versions, read when it has none.
    former_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: ProviderConfig | None = None) -> None:
        self.config = config or ProviderConfig()

    def credentials(self) -> dict[str, str]:
        """The engine's keys: from the config when complete, else from the keyring/env."""
        group = self.credential_group
        if group is None:
            return {}
        from desktop_app.core.secrets import CREDENTIAL_GROUPS, Credentials, CredentialStore

        needed = [field.name for field in CREDENTIAL_GROUPS[group]]
        if all(self.config.credentials.get(name) for name in needed):
            return Credentials(self.config.credentials)
        return CredentialStore().require(group, self.name)

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
        if spec.kind == "choice" and str(value) not in spec.choices:
            raise ConfigurationError(
                f"'{value}' is not a valid value for {name}",
                fix="Use one of: " + ", ".join(spec.choices) + ".",
                message_ko=f"'{value}'은(는) {name}에 쓸 수 없는 값입니다",
                fix_ko="다음 중 하나를 쓰세요: " + ", ".join(spec.choices),
            )


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
