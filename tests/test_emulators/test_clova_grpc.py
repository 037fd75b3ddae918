"""The CLOVA Speech real-time emulator on its own: raw gRPC requests against the documented
rules (config checks, DATA checks, refusal texts, authentication) and the online recognition."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import grpc
import grpc.aio
import pytest

from desktop_app.providers.clova.proto import nest_pb2, nest_pb2_grpc
from tests.emulators.clova_grpc import ClovaGrpcServer, start_clova_grpc
from tests.emulators.clova_grpc_rules import StreamRecognizer, StreamSettings, parse_config
from tests.emulators.credentials import CLOVA_SPEECH_SECRET
from tests.emulators.recognition import expected_segments
from tests.media import SPEECH_WAV, speech_pcm

# grpc.aio hands the completion of a call's last operations to the loop that started it, a
# moment after the call ends; one loop per module (like the app's one engine loop) keeps those
# from landing on a loop that a finished test has already closed.
module_loop = pytest.mark.asyncio(loop_scope="module")

AUTH = (("authorization", f"Bearer {CLOVA_SPEECH_SECRET}"),)
KO = json.dumps({"transcription": {"language": "ko"}})


@pytest.fixture(scope="module")
def server() -> Iterator[ClovaGrpcServer]:
    with start_clova_grpc() as running:
        yield running
        assert running.emulator.internal_errors == []


@pytest.fixture(autouse=True)
def clean(server: ClovaGrpcServer) -> Iterator[None]:
    yield
    server.faults.clear()
    server.emulator.unvoice_seconds = 10.0


def config(text: str) -> nest_pb2.NestRequest:
    return nest_pb2.NestRequest(type=nest_pb2.CONFIG, config=nest_pb2.NestConfig(config=text))


def data(chunk: bytes, extra: Any = None) -> nest_pb2.NestRequest:
    text = extra if isinstance(extra, str) else json.dumps(extra or {"seqId": 0, "epFlag": False})
    return nest_pb2.NestRequest(
        type=nest_pb2.DATA, data=nest_pb2.NestData(chunk=chunk, extra_contents=text)
    )


async def exchange(
    server: ClovaGrpcServer, requests: list[nest_pb2.NestRequest], metadata: Any = AUTH
) -> tuple[list[dict[str, Any]], grpc.StatusCode]:
    """Send ``requests``, then read every answer until the call ends."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        call = nest_pb2_grpc.NestServiceStub(channel).recognize(metadata=metadata)
        try:
            for request in requests:
                await call.write(request)
            await call.done_writing()
        except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
            pass  # the server ended the call early; its answers are still readable
        answers = []
        try:
            async for answer in call:
                answers.append(json.loads(answer.contents))
        except grpc.aio.AioRpcError:
            pass
        return answers, await call.code()


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("{not json", "Invalid request json format"),
        (json.dumps({"hobidden": {}}), "Unknown key: hobidden"),
        (json.dumps({"semanticEpd": {"gap": 1}}), "Unknown key: semanticEpd-gap"),
        (json.dumps({"forbidden": {"forbiddens": ["x"]}}), "Invalid type: forbidden-forbiddens"),
        (
            json.dumps({"semanticEpd": {"gapThreshold": True}}),
            "Invalid type: semanticEpd-gapThreshold",
        ),
        (json.dumps({"transcription": {"language": "xx"}}), "Invalid language code: xx"),
        (json.dumps({"translation": {"targets": []}}), "Targets are empty"),
    ],
)
@module_loop
async def test_config_refusals(server: ClovaGrpcServer, text: str, status: str) -> None:
    answers, code = await exchange(server, [config(text)])
    assert code is grpc.StatusCode.OK
    assert [(a["responseType"], a["config"]["status"]) for a in answers] == [(["config"], status)]


@module_loop
async def test_config_success_lists_each_section(server: ClovaGrpcServer) -> None:
    text = json.dumps({"transcription": {"language": "en"}, "forbidden": {"forbiddens": "x"}})
    answers, code = await exchange(server, [config(text)])
    assert code is grpc.StatusCode.OK
    assert answers[0]["config"] == {
        "status": "Success",
        "transcription": {"status": "Success"},
        "forbidden": {"status": "Success"},
    }
    assert answers[0]["uid"]


@pytest.mark.parametrize(
    ("requests", "recognize"),
    [
        ([data(b"")], {"status": "ConfigRequest did not complete"}),
        ([config(KO), config(KO)], {"status": "ConfigRequest is already called"}),
        ([config(KO), data(b"", "nope")], {"status": "Invalid request json format"}),
        ([config(KO), data(b"", {"seqId": 1})],
         {"status": "Required key is not provided", "epFlag": {"status": "Not found"}}),
        ([config(KO), data(b"", {"seqId": "1", "epFlag": 0})],
         {"status": "Invalid Type", "epFlag": {"status": "Invalid type"},
          "seqId": {"status": "Invalid type"}}),
        ([config(KO), data(b"", {"epFlag": False, "extra": 1})], {"status": "Unknown key"}),
        ([config(KO), data(b"\0\0\0")], {"status": "Invalid format", "audio": {"status": "Invalid format"}}),
    ],
)  # fmt: skip
@module_loop
async def test_request_refusals(
    server: ClovaGrpcServer, requests: list[nest_pb2.NestRequest], recognize: dict[str, Any]
) -> None:
    answers, code = await exchange(server, requests)
    assert code is grpc.StatusCode.OK
    assert answers[-1]["responseType"] == ["recognize"]
    assert answers[-1]["recognize"] == recognize


@pytest.mark.parametrize("metadata", [(), (("authorization", "Bearer wrong"),)])
@module_loop
async def test_authentication(server: ClovaGrpcServer, metadata: Any) -> None:
    answers, code = await exchange(server, [config(KO)], metadata)
    assert (answers, code) == ([], grpc.StatusCode.UNAUTHENTICATED)


@module_loop
async def test_ep_flag_answers_with_its_seq_id_even_without_speech(
    server: ClovaGrpcServer,
) -> None:
    skip = json.dumps({"semanticEpd": {"skipEmptyText": True}})
    silence = b"\0\0" * 16000
    answers, _ = await exchange(server, [config(skip), data(silence, {"seqId": 9, "epFlag": True})])
    (answer,) = [a["transcription"] for a in answers if "transcription" in a]
    assert (answer["text"], answer["seqId"], answer["epFlag"]) == ("", 9, True)
    assert answer["position"] == 0 and answer["endTimestamp"] == 1000


@module_loop
async def test_silence_from_the_client_closes_the_region_as_unvoice(
    server: ClovaGrpcServer,
) -> None:
    server.emulator.unvoice_seconds = 0.05
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        call = nest_pb2_grpc.NestServiceStub(channel).recognize(metadata=AUTH)
        await call.write(config(KO))
        await call.write(data(speech_pcm()[:32000]))  # 1 s: inside the first region
        kinds = []
        async for answer in call:
            body = json.loads(answer.contents)
            kinds.append(body.get("transcription", {}).get("epdType"))
            if kinds[-1] == "unvoice":
                break
        call.cancel()
        await call.code()
    assert kinds[0] is None and kinds[-1] == "unvoice"


@pytest.mark.parametrize("size", [320, 3334, 32000, 10**7])
def test_online_recognition_follows_the_file_rule_for_any_chunking(size: int) -> None:
    pcm = speech_pcm()
    _, settings = parse_config(json.dumps({"keywordBoosting": {"boostings": [{"words": "회의"}]}}))
    recognizer = StreamRecognizer(settings)
    bodies: list[dict[str, Any]] = []
    for start in range(0, len(pcm), size):
        bodies += recognizer.feed(pcm[start : start + size])
    bodies += recognizer.flush(5, ep_flag=True, epd_type="endPoint")
    finals = [b for b in bodies if "epdType" in b and b["text"]]
    expected = expected_segments(SPEECH_WAV, keyword="회의")
    assert [b["text"].strip() for b in finals] == [e.text for e in expected]
    assert [(b["startTimestamp"], b["endTimestamp"]) for b in finals] == [
        (e.start_ms, e.end_ms) for e in expected
    ]
    assert recognizer.full_text == " ".join(e.text for e in expected)
    assert [b["position"] for b in finals] == [
        recognizer.full_text.index(e.text) - (1 if i else 0) for i, e in enumerate(expected)
    ]
    assert (bodies[-1]["text"], bodies[-1]["seqId"], bodies[-1]["epFlag"]) == ("", 5, True)


def test_duration_threshold_cuts_long_speech() -> None:
    settings = StreamSettings(duration_frames=50)  # 1 s
    recognizer = StreamRecognizer(settings)
    bodies = recognizer.feed(speech_pcm())
    cut = [b for b in bodies if b.get("epdType") == "durationThreshold"]
    assert cut and all(b["endTimestamp"] - b["startTimestamp"] <= 1000 for b in cut)


@module_loop
async def test_faults_apply_to_the_next_call_only(server: ClovaGrpcServer) -> None:
    server.faults.no_more_slot()
    first, _ = await exchange(server, [config(KO)])
    second, _ = await exchange(server, [config(KO)])
    assert first[0]["config"]["status"] == "No more slot"
    assert second[0]["config"]["status"] == "Success"
    server.faults.lifespan_expired(after_chunks=1)
    answers, _ = await exchange(server, [config(KO), data(b"\0\0"), data(b"\0\0")])
    assert answers[-1]["recognize"] == {"status": "Lifespan expired"}
    assert server.last_call().chunks == 2
