"""Validation of CLOVA Speech long-form ``params`` (API-NOTES §2 "params fields").

Every documented key may be absent or JSON ``null`` (the official client sends nulls); a present,
non-null value of the wrong JSON type is rejected. Unknown keys are ignored. Rules:

* ``language`` (string) required: missing/null/empty → STT004; not one of ``ko-KR en-US enko ja
  zh-cn zh-tw`` → STT005.
* ``completion``: ``"sync"`` or ``"async"`` (default async). ``callback``: string.
  Async without ``callback`` and without ``resultToObs: true`` is rejected (the docs say the
  callback is then required); the emulator knob ``require_callback_for_async`` turns this off.
* booleans: ``wordAlignment`` (default true), ``fullText`` (true), ``resultToObs`` (false),
  ``noiseFiltering`` (true), ``useDomainBoostings`` (false).
* ``boostings``: array of objects whose ``words`` is a string; ``forbiddens``: string;
  ``userdata``: object; ``format``: string; ``sed``: object with boolean ``enable``.
* ``diarization``: object; ``enable`` boolean (default false); ``speakerCountMin`` /
  ``speakerCountMax`` integers ≥ -1 (-1 and 0 mean "not set"); min > max (both set) is rejected.

Keyword echo: the first non-empty comma-separated item of ``boostings[0].words``, stripped.
Forbidden words: the comma-separated items of ``forbiddens``, stripped.
Speakers with diarization on: start from 2, raise to ``speakerCountMin`` if set, then lower to
``speakerCountMax`` if set. Diarization absent/null/disabled → no speakers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("ko-KR", "en-US", "enko", "ja", "zh-cn", "zh-tw")
BOOL_DEFAULTS = {
    "wordAlignment": True,
    "fullText": True,
    "resultToObs": False,
    "noiseFiltering": True,
    "useDomainBoostings": False,
}


class ParamsRejected(Exception):
    """``code`` is ``"400"`` (Invalid request parameters), ``"STT004"`` or ``"STT005"``."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class ClovaParams:
    """Validated long-form params with defaults applied."""

    language: str
    completion: str
    callback: str | None
    userdata: dict[str, Any] | None
    flags: dict[str, bool]
    boostings: list[dict[str, Any]] = field(default_factory=list)
    forbiddens: str = ""
    diarization_enabled: bool = False
    speaker_count_min: int = -1
    speaker_count_max: int = -1
    sed_enabled: bool = False
    format: str | None = None

    @property
    def word_alignment(self) -> bool:
        return self.flags["wordAlignment"]

    @property
    def full_text(self) -> bool:
        return self.flags["fullText"]

    def keyword(self) -> str | None:
        if not self.boostings:
            return None
        items = [w.strip() for w in str(self.boostings[0]["words"]).split(",")]
        return next((w for w in items if w), None)

    def forbidden_words(self) -> list[str]:
        return [w.strip() for w in self.forbiddens.split(",") if w.strip()]

    def speakers(self) -> int | None:
        if not self.diarization_enabled:
            return None
        count = 2
        if self.speaker_count_min >= 1:
            count = max(count, self.speaker_count_min)
        if self.speaker_count_max >= 1:
            count = min(count, self.speaker_count_max)
        return count

    def echo(self, *, task_id: int, token: str, domain_id: str) -> dict[str, Any]:
        """The ``params`` object a result carries (shape of the documented real capture)."""
        userdata = dict(self.userdata or {})
        userdata.update(
            {
                "_ncp_DomainCode": "sori-emulator",
                "_ncp_DomainId": int(domain_id),
                "_ncp_TaskId": task_id,
                "_ncp_TraceId": token,
            }
        )
        return {
            "service": "ncp",
            "domain": "general",
            "lang": self.language,
            "completion": self.completion,
            "callback": self.callback or "",
            "diarization": {
                "enable": self.diarization_enabled,
                "speakerCountMin": self.speaker_count_min,
                "speakerCountMax": self.speaker_count_max,
            },
            "sed": {"enable": self.sed_enabled},
            "boostings": self.boostings,
            "forbiddens": self.forbiddens,
            **self.flags,
            "priority": 0,
            "userdata": userdata,
        }


def _typed(raw: dict[str, Any], key: str, kind: type, label: str, prefix: str = "") -> Any:
    value = raw.get(key)
    if value is None:
        return None
    # bool is an int in Python but not in JSON: keep the two apart.
    wrong_bool = kind is int and isinstance(value, bool)
    if not isinstance(value, kind) or wrong_bool:
        raise ParamsRejected("400", f"{prefix}{key} must be {label}")
    return value


def parse_params(raw: Any, *, require_callback_for_async: bool = True) -> ClovaParams:
    """Validate a decoded ``params`` JSON value; raises :class:`ParamsRejected`."""
    if not isinstance(raw, dict):
        raise ParamsRejected("400", "params must be a JSON object")
    language = _typed(raw, "language", str, "a string")
    if not language:
        raise ParamsRejected("STT004", "language is missing")
    if language not in LANGUAGES:
        raise ParamsRejected("STT005", f"language must be one of {', '.join(LANGUAGES)}")
    completion = _typed(raw, "completion", str, "a string") or "async"
    if completion not in ("sync", "async"):
        raise ParamsRejected("400", "completion must be 'sync' or 'async'")
    callback = _typed(raw, "callback", str, "a string") or None
    userdata = _typed(raw, "userdata", dict, "an object")
    flags = {}
    for key, default in BOOL_DEFAULTS.items():
        value = _typed(raw, key, bool, "a boolean")
        flags[key] = default if value is None else value
    needs_callback = completion == "async" and not flags["resultToObs"]
    if needs_callback and callback is None and require_callback_for_async:
        raise ParamsRejected("400", "callback is required for async unless resultToObs")
    boostings = _typed(raw, "boostings", list, "an array") or []
    for item in boostings:
        if not isinstance(item, dict) or not isinstance(item.get("words"), str):
            raise ParamsRejected("400", "each boostings item must be {'words': string}")
    forbiddens = _typed(raw, "forbiddens", str, "a string") or ""
    params = ClovaParams(
        language=language,
        completion=completion,
        callback=callback,
        userdata=userdata,
        flags=flags,
        boostings=boostings,
        forbiddens=forbiddens,
        format=_typed(raw, "format", str, "a string"),
    )
    diarization = _typed(raw, "diarization", dict, "an object")
    if diarization is not None:
        enable = _typed(diarization, "enable", bool, "a boolean", "diarization.")
        low = _typed(diarization, "speakerCountMin", int, "an integer", "diarization.")
        high = _typed(diarization, "speakerCountMax", int, "an integer", "diarization.")
        params.diarization_enabled = bool(enable)
        params.speaker_count_min = -1 if low is None else low
        params.speaker_count_max = -1 if high is None else high
        if min(params.speaker_count_min, params.speaker_count_max) < -1:
            raise ParamsRejected("400", "speakerCountMin/Max must be -1 or more")
        if 1 <= params.speaker_count_max < params.speaker_count_min:
            raise ParamsRejected("400", "speakerCountMin is larger than speakerCountMax")
    sed = _typed(raw, "sed", dict, "an object")
    if sed is not None:
        params.sed_enabled = bool(_typed(sed, "enable", bool, "a boolean", "sed."))
    return params
