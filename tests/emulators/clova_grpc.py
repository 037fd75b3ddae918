"""Emulator of CLOVA Speech real-time recognition: ``NestService/recognize`` over gRPC
(API-NOTES §3, seeds/clova-speech-grpc-streaming.txt), served by ``grpc.aio`` on 127.0.0.1.

Built from the documents, not from our client. One call goes like this:

* The first request is read, then the metadata is checked: ``authorization`` must be ``Bearer``
  + :data:`~tests.emulators.credentials.CLOVA_SPEECH_SECRET`, else the call is aborted with
  ``UNAUTHENTICATED`` (the documents name no status; reading the first request before refusing
  keeps a client's CONFIG write from racing the refusal).
* It must be a CONFIG (else a ``recognize`` answer ``ConfigRequest did not complete``). The JSON
  is checked by :func:`~tests.emulators.clova_grpc_rules.parse_config`; a failure answers
  ``{"uid", "responseType": ["config"], "config": {"status": TEXT}}`` and ends the call,
  success answers ``"status": "Success"`` plus ``{"status": "Success"}`` for each section sent.
* Every later request must be DATA whose ``extra_contents`` is a JSON object with exactly
  ``seqId`` (int) and ``epFlag`` (bool) and whose chunk is whole 16-bit samples; refusals are
  ``{"uid", "responseType": ["recognize"], "recognize": {"status", "epFlag"|"seqId"|"audio":
  {"status"}}}`` with the documented texts (``Invalid request json format``, ``Required key is
  not provided`` / ``Not found``, ``Invalid Type`` / ``Invalid type``, ``Unknown key``,
  ``Invalid format``, ``ConfigRequest is already called``), after which the call ends.
* Audio becomes ``{"uid", "responseType": ["transcription"], "transcription": {...}}`` answers
  by the rules of :mod:`tests.emulators.clova_grpc_rules` (partials, finals, positions, the
  ``epFlag``/``seqId`` answer). When the client ends its stream the open region is closed and the
  call ends with status OK.

Error answers end the call with status OK after the JSON (what the real service does next is not
documented). Faults (:class:`StreamFaults`, settable from any thread; each rule is used by the
next ``times`` calls): ``drop_after(chunks)`` aborts with ``UNAVAILABLE`` after answering that
many DATA requests; ``stall_after(chunks)`` stops reading requests after that many (the
client's sends then block); ``no_more_slot()`` answers the CONFIG with status ``No more slot``;
``lifespan_expired(after_chunks)`` answers ``Lifespan expired`` as a ``recognize`` error;
``abort(code)`` ends the call with a gRPC status as soon as it starts; ``section_failure(section,
status)`` fails one config section; ``delay(seconds)`` waits before every answer (with
``final_only=True`` only before ``epFlag`` answers) until ``clear()``. Every call is recorded in :attr:`ClovaGrpcEmulator.calls`.

Use :func:`start_clova_grpc` in tests (``endpoint`` is ``grpc://127.0.0.1:PORT``; with ``tls``
it serves TLS and ``endpoint`` is ``grpcs://127.0.0.1:PORT``). By hand:
``python -m tests.emulators.clova_grpc --port 50051``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import uuid
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import grpc
import grpc.aio

from desktop_app.providers.clova.proto import nest_pb2, nest_pb2_grpc
from tests.emulators.clova_grpc_rules import (
    ConfigRejected,
    StreamRecognizer,
    StreamSettings,
    parse_config,
)
from tests.emulators.credentials import CLOVA_SPEECH_SECRET

UNVOICE_SECONDS = 10.0


@dataclass
class _Rule:
    kind: str
    times: int
    chunks: int = 0
    code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE
    details: str = ""
    section: str = ""
    status: str = ""


class StreamFaults:
    """Injected faults; the test thread adds them, the server thread takes them per call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._delay = 0.0
        self._final_delay = 0.0

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def drop_after(self, chunks: int, *, times: int = 1) -> None:
        self._add(_Rule("drop", times, chunks=chunks))

    def stall_after(self, chunks: int, *, times: int = 1) -> None:
        """Stop reading requests (and answering) after that many DATA requests."""
        self._add(_Rule("stall", times, chunks=chunks))

    def no_more_slot(self, *, times: int = 1) -> None:
        self._add(_Rule("no_more_slot", times))

    def lifespan_expired(self, *, after_chunks: int = 0, times: int = 1) -> None:
        self._add(_Rule("lifespan", times, chunks=after_chunks))

    def abort(self, code: grpc.StatusCode, details: str = "", *, times: int = 1) -> None:
        self._add(_Rule("abort", times, code=code, details=details))

    def section_failure(
        self, section: str, status: str = "Internal system error", *, times: int = 1
    ) -> None:
        self._add(_Rule("section", times, section=section, status=status))

    def delay(self, seconds: float, *, final_only: bool = False) -> None:
        """Wait before every answer (or only before ``epFlag`` answers) until :meth:`clear`."""
        with self._lock:
            if final_only:
                self._final_delay = seconds
            else:
                self._delay = seconds

    def delay_for(self, answer: dict[str, Any]) -> float:
        with self._lock:
            final = answer.get("transcription", {}).get("epFlag") is True
            return self._delay + (self._final_delay if final else 0.0)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._delay = self._final_delay = 0.0

    def take_for_call(self) -> dict[str, _Rule]:
        """One use of the first pending rule of each kind, for a new call."""
        taken: dict[str, _Rule] = {}
        with self._lock:
            for rule in self._rules:
                if rule.times > 0 and rule.kind not in taken:
                    rule.times -= 1
                    taken[rule.kind] = rule
            self._rules = [rule for rule in self._rules if rule.times > 0]
        return taken


@dataclass
class CallRecord:
    """What one recognize call carried and how it ended (filled on the server thread)."""

    metadata: dict[str, str]
    config: dict[str, Any] | None = None
    chunk_sizes: list[int] = field(default_factory=list)
    extras: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = "running"
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def chunks(self) -> int:
        return len(self.chunk_sizes)

    @property
    def audio_bytes(self) -> int:
        return sum(self.chunk_sizes)

    def transcriptions(self) -> list[dict[str, Any]]:
        return [a["transcription"] for a in self.answers if "transcription" in a]


class _Ended(Exception):
    """The call is over (an error answer was sent)."""


class ClovaGrpcEmulator(nest_pb2_grpc.NestServiceServicer):
    """The NestService. Handlers run on the server thread's loop; ``faults``, ``calls`` and the
    knobs ``restate_previous`` / ``unvoice_seconds`` may be used from the test thread."""

    def __init__(self) -> None:
        self.faults = StreamFaults()
        self.calls: list[CallRecord] = []
        self.internal_errors: list[str] = []
        self.restate_previous = False
        self.unvoice_seconds = UNVOICE_SECONDS

    async def recognize(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> None:
        metadata = {str(k): str(v) for k, v in context.invocation_metadata() or ()}
        record = CallRecord(metadata=metadata)
        self.calls.append(record)
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        pump = asyncio.create_task(_pump(request_iterator, inbox))
        try:
            await self._serve(record, inbox, context, pump)
            if record.outcome == "running":
                record.outcome = "ok"
        except _Ended as ended:
            record.outcome = str(ended)
        except grpc.aio.AbortError:
            raise
        except asyncio.CancelledError:
            if record.outcome == "running":
                record.outcome = "cancelled by the client"
            raise
        except Exception as exc:
            self.internal_errors.append(f"{type(exc).__name__}: {exc}")
            record.outcome = "internal error"
            raise
        finally:
            pump.cancel()
            record.finished.set()

    async def _serve(
        self,
        record: CallRecord,
        inbox: asyncio.Queue[Any],
        context: grpc.aio.ServicerContext,
        pump: asyncio.Task[None],
    ) -> None:
        faults = self.faults.take_for_call()
        uid = uuid.uuid4().hex
        first = await inbox.get()
        if "abort" in faults:
            rule = faults["abort"]
            record.outcome = f"aborted {rule.code.name}"
            await context.abort(rule.code, rule.details or "injected fault")
        if record.metadata.get("authorization") != f"Bearer {CLOVA_SPEECH_SECRET}":
            record.outcome = "aborted UNAUTHENTICATED"
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "Invalid secret key")
        if first is None:
            return
        if first.WhichOneof("part") != "config" or first.type != nest_pb2.CONFIG:
            await self._refuse(context, record, uid, "ConfigRequest did not complete")
        settings = await self._configure(context, record, uid, first.config.config, faults)
        recognizer = StreamRecognizer(settings, restate_previous=self.restate_previous)
        while True:
            try:
                request = await asyncio.wait_for(inbox.get(), self.unvoice_seconds)
            except TimeoutError:
                for body in recognizer.flush(0, ep_flag=False, epd_type="unvoice"):
                    await self._transcription(context, record, uid, body, settings.skip_empty)
                continue
            if request is None:
                for body in recognizer.flush(0, ep_flag=False, epd_type="endPoint"):
                    await self._transcription(context, record, uid, body, settings.skip_empty)
                return
            if request.WhichOneof("part") == "config" or request.type == nest_pb2.CONFIG:
                await self._refuse(context, record, uid, "ConfigRequest is already called")
            extra = await self._extra(context, record, uid, request.data.extra_contents)
            chunk = request.data.chunk
            if len(chunk) % 2:
                await self._refuse(context, record, uid, "Invalid format", audio="Invalid format")
            record.chunk_sizes.append(len(chunk))
            record.extras.append(extra)
            lifespan = faults.get("lifespan")
            if lifespan is not None and record.chunks > lifespan.chunks:
                await self._refuse(context, record, uid, "Lifespan expired")
            bodies = recognizer.feed(chunk)
            if extra["epFlag"]:
                bodies += recognizer.flush(extra["seqId"], ep_flag=True, epd_type="endPoint")
            for body in bodies:
                await self._transcription(context, record, uid, body, settings.skip_empty)
            stall = faults.get("stall")
            if stall is not None and record.chunks >= stall.chunks:
                record.outcome = "stalled"
                pump.cancel()
                await asyncio.Event().wait()  # until the client gives up and cancels
            drop = faults.get("drop")
            if drop is not None and record.chunks >= drop.chunks:
                record.outcome = "aborted UNAVAILABLE"
                await context.abort(grpc.StatusCode.UNAVAILABLE, "Connection dropped")

    async def _configure(
        self,
        context: grpc.aio.ServicerContext,
        record: CallRecord,
        uid: str,
        text: str,
        faults: dict[str, _Rule],
    ) -> StreamSettings:
        def ended(status: str) -> dict[str, Any]:
            return {"uid": uid, "responseType": ["config"], "config": {"status": status}}

        if "no_more_slot" in faults:
            await self._answer(context, record, ended("No more slot"))
            raise _Ended("No more slot")
        try:
            config, settings = parse_config(text)
        except ConfigRejected as exc:
            await self._answer(context, record, ended(str(exc)))
            raise _Ended(f"config refused: {exc}") from None
        record.config = config
        sections: dict[str, Any] = {name: {"status": "Success"} for name in settings.sections}
        failure = faults.get("section")
        if failure is not None:
            sections[failure.section] = {"status": failure.status}
        answer = ended("Success")
        answer["config"].update(sections)
        await self._answer(context, record, answer)
        if failure is not None:
            raise _Ended(f"config section {failure.section} failed")
        return settings

    async def _extra(
        self, context: grpc.aio.ServicerContext, record: CallRecord, uid: str, text: str
    ) -> dict[str, Any]:
        try:
            extra = json.loads(text)
        except ValueError:
            extra = None
        if not isinstance(extra, dict):
            await self._refuse(context, record, uid, "Invalid request json format")
        assert isinstance(extra, dict)
        if set(extra) - {"seqId", "epFlag"}:
            await self._refuse(context, record, uid, "Unknown key")
        if "epFlag" not in extra:
            await self._refuse(
                context, record, uid, "Required key is not provided", epFlag="Not found"
            )
        fields: dict[str, str] = {}
        if not isinstance(extra["epFlag"], bool):
            fields["epFlag"] = "Invalid type"
        seq_id = extra.get("seqId", 0)
        if not isinstance(seq_id, int) or isinstance(seq_id, bool):
            fields["seqId"] = "Invalid type"
        if fields:
            await self._refuse(context, record, uid, "Invalid Type", **fields)
        return {"seqId": seq_id, "epFlag": extra["epFlag"]}

    async def _refuse(
        self,
        context: grpc.aio.ServicerContext,
        record: CallRecord,
        uid: str,
        status: str,
        **fields: str,
    ) -> None:
        recognize: dict[str, Any] = {"status": status}
        recognize.update({name: {"status": value} for name, value in fields.items()})
        answer = {"uid": uid, "responseType": ["recognize"], "recognize": recognize}
        await self._answer(context, record, answer)
        raise _Ended(f"refused: {status}")

    async def _transcription(
        self,
        context: grpc.aio.ServicerContext,
        record: CallRecord,
        uid: str,
        body: dict[str, Any],
        skip_empty: bool,
    ) -> None:
        if skip_empty and not body["text"].strip() and not body["epFlag"]:
            return
        answer = {"uid": uid, "responseType": ["transcription"], "transcription": body}
        await self._answer(context, record, answer)

    async def _answer(
        self, context: grpc.aio.ServicerContext, record: CallRecord, answer: dict[str, Any]
    ) -> None:
        delay = self.faults.delay_for(answer)
        if delay > 0:
            await asyncio.sleep(delay)
        contents = json.dumps(answer, ensure_ascii=False)
        try:
            await context.write(nest_pb2.NestResponse(contents=contents))
        except Exception as exc:  # gRPC fails writes to a stream the client has dropped
            raise _Ended("cancelled by the client") from exc
        record.answers.append(answer)


async def _pump(requests: Any, inbox: asyncio.Queue[Any]) -> None:
    """Move requests into ``inbox``; ``None`` marks the end of the client's stream."""
    try:
        async for request in requests:
            inbox.put_nowait(request)
    except (grpc.aio.AioRpcError, grpc.RpcError, asyncio.InvalidStateError):
        pass
    finally:
        inbox.put_nowait(None)


class ClovaGrpcServer:
    """Serves a :class:`ClovaGrpcEmulator` on 127.0.0.1 from a thread with its own asyncio loop.

    ``start()`` returns once the port listens; ``stop()`` ends the server and joins the thread.
    Usable as a sync or async context manager. ``tls`` = ``(certificate_pem, key_pem)``."""

    def __init__(
        self,
        emulator: ClovaGrpcEmulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: tuple[bytes, bytes] | None = None,
    ) -> None:
        self.emulator = emulator or ClovaGrpcEmulator()
        self.host = host
        self.port = 0
        self._requested_port = port
        self._tls = tls
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def endpoint(self) -> str:
        if not self.port:
            raise RuntimeError("the emulator is not running")
        scheme = "grpcs" if self._tls else "grpc"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def faults(self) -> StreamFaults:
        return self.emulator.faults

    @property
    def calls(self) -> list[CallRecord]:
        return self.emulator.calls

    def last_call(self, timeout: float = 10.0) -> CallRecord:
        """The latest call, once the server has finished with it."""
        record = self.emulator.calls[-1]
        if not record.finished.wait(timeout):
            raise TimeoutError("the emulator's last call is still running")
        return record

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._run, name="emulator-clova-grpc", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError(f"emulator could not start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)
        self._thread = None
        self.port = 0

    def __enter__(self) -> Self:
        return self if self._thread is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self if self._thread is not None else await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()
            self._ready.set()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        server = grpc.aio.server()
        nest_pb2_grpc.add_NestServiceServicer_to_server(self.emulator, server)
        address = f"{self.host}:{self._requested_port}"
        try:
            if self._tls is None:
                self.port = server.add_insecure_port(address)
            else:
                certificate, key = self._tls
                credentials = grpc.ssl_server_credentials([(key, certificate)])
                self.port = server.add_secure_port(address, credentials)
            await server.start()
        except (RuntimeError, OSError) as exc:
            self._error = exc
            return
        finally:
            self._ready.set()
        await self._stop.wait()
        await server.stop(grace=0.5)


def start_clova_grpc(*, port: int = 0, tls: tuple[bytes, bytes] | None = None) -> ClovaGrpcServer:
    """A started emulator server (use it as a context manager to stop it)."""
    return ClovaGrpcServer(port=port, tls=tls).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.emulators.clova_grpc",
        description="Serve the CLOVA Speech real-time (gRPC) emulator until Ctrl+C.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument(
        "--restate", action="store_true", help="send every second final over the previous one"
    )
    args = parser.parse_args(argv)
    server = ClovaGrpcServer(port=args.port)
    server.emulator.restate_previous = args.restate
    server.start()
    try:
        print(f"clova_grpc emulator at {server.endpoint}")
        print(f"  sori live --provider clova-stream --endpoint {server.endpoint}")
        print(f"credentials: SORI_CLOVA_SPEECH_SECRET={CLOVA_SPEECH_SECRET}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
