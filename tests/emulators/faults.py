"""Fault injection and request recording shared by every emulator.

:class:`Faults` is a thread-safe queue of rules that the test thread fills and the emulator's
event-loop thread consumes. Each rule affects the next ``times`` requests whose
``"METHOD /path"`` string matches the regular expression ``match`` (``None`` matches every
request), after letting ``skip`` matching requests through untouched. A request consumes at most
one rule: the first one, in the order added, that matches and still has uses left. Kinds:

* ``status``          — answer at once with the provider's error body for that HTTP status
  (429 is the provider's rate-limit answer; 502/503/504 are an HTML page from a "load balancer");
  ``Retry-After`` is added when ``retry_after`` is given.
* ``provider_error``  — answer at once with a documented provider error code (STT998, 5000001,
  A0002, …) exactly as that code is answered in the normal flow.
* ``delay``           — sleep ``seconds`` before handling the request normally.
* ``drop``            — handle the request normally (side effects such as job creation happen),
  then break the answer: ``stage="no_response"`` closes the connection before any byte,
  ``"after_headers"`` after the status line and headers, ``"mid_body"`` after half the body.
* ``malformed_json``  — handle normally, then send only the first half of the JSON body
  (status and ``Content-Type: application/json`` unchanged).
* ``trickle``         — handle normally, then send the body one byte every ``seconds`` (a server
  that never trips a per-read timeout).
* ``huge_body``       — handle normally, then answer 200 with a JSON body of ``size`` bytes,
  streamed (``Content-Length`` omitted when ``declared`` is false).
* ``job_failure``     — not tied to a request: the next ``times`` jobs created end as failed
  (with the given provider ``code``/``message`` when set, else the provider's default).

:class:`RequestLog` records every request except the ``/_emulator/`` control endpoints.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Literal

DropStage = Literal["no_response", "after_headers", "mid_body"]
FaultKind = Literal[
    "status", "provider_error", "delay", "drop", "malformed_json", "trickle", "huge_body"
]


@dataclass
class FaultRule:
    """One injected fault; mutable only under :class:`Faults`' lock."""

    kind: FaultKind
    times: int
    match: re.Pattern[str] | None = None
    skip: int = 0
    status: int = 0
    code: str = ""
    retry_after: float | None = None
    seconds: float = 0.0
    stage: DropStage = "mid_body"
    size: int = 0
    declared: bool = True

    def matches(self, request_line: str) -> bool:
        return self.match is None or self.match.search(request_line) is not None


@dataclass(frozen=True)
class JobFailure:
    """A failure to apply to the next job: provider code and message, or None for defaults."""

    code: str | None
    message: str | None


class Faults:
    """Thread-safe fault plan of one emulator; filled from tests, read on the server loop."""

    def __init__(self, known_codes: Collection[str] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._job_failures: list[JobFailure] = []
        self._known_codes = frozenset(known_codes)

    # -- test-facing API ---------------------------------------------------------------------
    def http_error(
        self,
        status: int = 500,
        times: int = 1,
        *,
        retry_after: float | None = None,
        match: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next matching requests with the provider's error for ``status``."""
        if not 400 <= status <= 599:
            raise ValueError(f"status {status} is not an HTTP error status")
        self._add(FaultRule("status", times, status=status, retry_after=retry_after), match, skip)

    def rate_limit(
        self,
        times: int = 1,
        *,
        retry_after: float | None = None,
        match: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next matching requests with the provider's HTTP 429."""
        self.http_error(429, times, retry_after=retry_after, match=match, skip=skip)

    def provider_error(
        self,
        code: str | int,
        times: int = 1,
        *,
        retry_after: float | None = None,
        match: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next matching requests with a documented provider error code."""
        text = str(code)
        if text not in self._known_codes:
            raise ValueError(f"unknown error code {text!r}; known: {sorted(self._known_codes)}")
        rule = FaultRule("provider_error", times, code=text, retry_after=retry_after)
        self._add(rule, match, skip)

    def delay(
        self, seconds: float, times: int = 1, *, match: str | None = None, skip: int = 0
    ) -> None:
        """Hold the next matching requests for ``seconds`` before answering normally."""
        self._add(FaultRule("delay", times, seconds=seconds), match, skip)

    def drop_connection(
        self,
        times: int = 1,
        *,
        stage: DropStage = "mid_body",
        match: str | None = None,
        skip: int = 0,
    ) -> None:
        """Close the connection while answering the next matching requests."""
        self._add(FaultRule("drop", times, stage=stage), match, skip)

    def malformed_json(self, times: int = 1, *, match: str | None = None, skip: int = 0) -> None:
        """Send a truncated JSON body for the next matching requests."""
        self._add(FaultRule("malformed_json", times), match, skip)

    def trickle(
        self, seconds: float = 0.05, times: int = 1, *, match: str | None = None, skip: int = 0
    ) -> None:
        """Answer the next matching requests one byte every ``seconds``."""
        self._add(FaultRule("trickle", times, seconds=seconds), match, skip)

    def huge_body(
        self,
        size: int = 50 * 1024 * 1024,
        times: int = 1,
        *,
        declared: bool = True,
        match: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next matching requests with a JSON body of ``size`` bytes."""
        self._add(FaultRule("huge_body", times, size=size, declared=declared), match, skip)

    def job_failure(
        self, times: int = 1, *, code: str | None = None, message: str | None = None
    ) -> None:
        """Make the next ``times`` jobs created fail."""
        with self._lock:
            self._job_failures.extend(JobFailure(code, message) for _ in range(times))

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._rules.clear()
            self._job_failures.clear()

    def pending(self) -> int:
        """How many request faults still have uses left."""
        with self._lock:
            return sum(rule.times for rule in self._rules)

    def add_from_json(self, spec: dict[str, Any]) -> None:
        """Add a fault described by the control endpoint's JSON (``kind`` + keyword args)."""
        spec = dict(spec)
        kind = spec.pop("kind", None)
        methods: dict[str, Callable[..., None]] = {
            "http_error": self.http_error,
            "rate_limit": self.rate_limit,
            "provider_error": self.provider_error,
            "delay": self.delay,
            "drop_connection": self.drop_connection,
            "malformed_json": self.malformed_json,
            "trickle": self.trickle,
            "huge_body": self.huge_body,
            "job_failure": self.job_failure,
        }
        if kind not in methods:
            raise ValueError(f"kind must be one of {sorted(methods)}")
        methods[kind](**spec)

    # -- server-facing API -------------------------------------------------------------------
    def take(self, method: str, path: str) -> FaultRule | None:
        """Consume and return the rule that applies to this request, if any."""
        line = f"{method.upper()} {path}"
        with self._lock:
            for rule in self._rules:
                if rule.times <= 0 or not rule.matches(line):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.times -= 1
                taken = FaultRule(**{**rule.__dict__, "times": 1})
                self._rules = [r for r in self._rules if r.times > 0]
                return taken
        return None

    def take_job_failure(self) -> JobFailure | None:
        """Consume the next pending job failure, if any."""
        with self._lock:
            return self._job_failures.pop(0) if self._job_failures else None

    def _add(self, rule: FaultRule, match: str | None, skip: int) -> None:
        if rule.times < 1:
            raise ValueError("times must be at least 1")
        rule.match = re.compile(match) if match is not None else None
        rule.skip = skip
        with self._lock:
            self._rules.append(rule)


@dataclass(frozen=True)
class FileInfo:
    """What the emulator received in one file part or raw body."""

    filename: str | None
    content_type: str | None
    size: int


@dataclass
class RecordedRequest:
    """One received request. Written on the server loop; read by tests after the answer."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body_size: int = 0
    json_body: Any = None
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[FileInfo]] = field(default_factory=dict)
    fault: str | None = None
    status: int | None = None

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"

    def json_part(self, name: str) -> Any:
        """Parse the first text part called ``name`` as JSON."""
        return json.loads(self.form[name][0])

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body_size": self.body_size,
            "json_body": self.json_body,
            "form": self.form,
            "files": {
                name: [info.__dict__ for info in infos] for name, infos in self.files.items()
            },
            "fault": self.fault,
            "status": self.status,
        }


class RequestLog:
    """Thread-safe list of :class:`RecordedRequest`; ``pattern`` filters search ``METHOD /path``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def all(self, pattern: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            items = list(self._items)
        if pattern is None:
            return items
        regex = re.compile(pattern)
        return [item for item in items if regex.search(item.line)]

    def count(self, pattern: str | None = None) -> int:
        return len(self.all(pattern))

    def last(self, pattern: str | None = None) -> RecordedRequest:
        items = self.all(pattern)
        if not items:
            raise LookupError(f"no request matched {pattern!r}")
        return items[-1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
