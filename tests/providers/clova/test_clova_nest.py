"""The CLOVA Speech real-time protocol without a network: config JSON, answers, error texts,
alignInfos and the assembly of results by position (shapes from the service's documents)."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from desktop_app.core.errors import (
    AudioError,
    AuthError,
    ConfigurationError,
    NetworkError,
    RateLimitError,
    ServerError,
    SoriError,
)
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Word
from desktop_app.providers.clova.nest import (
    build_config,
    check_config_ack,
    parse_contents,
    refusal_error,
    rpc_error,
    status_error,
)
from desktop_app.providers.clova.stream_results import (
    NestResult,
    PositionAssembler,
    parse_result,
    words_from_align,
)

# The result sample of the service's documentation.
DOC_RESULT: dict[str, Any] = {
    "uid": "u",
    "responseType": ["transcription"],
    "transcription": {
        "text": "これはテキストです。",
        "position": 0,
        "periodPositions": [3],
        "periodAlignIndices": [3],
        "epFlag": False,
        "seqId": 0,
        "epdType": "durationThreshold",
        "startTimestamp": 190,
        "endTimestamp": 840,
        "confidence": 0.997389124199423,
        "alignInfos": [
            {"word": "これは", "start": 190, "end": 340, "confidence": 0.9988637124943075},
            {"word": "テキスト", "start": 341, "end": 447, "confidence": 0.9990018488549978},
            {"word": "です", "start": 448, "end": 580, "confidence": 0.9912501264550316},
            {"word": ".", "start": 581, "end": 700, "confidence": 0.9994397226648595},
            {"word": " ", "start": 701, "end": 840, "confidence": 0.9984142043105126},
        ],
    },
}


def result(text: str, position: int, *, final: bool = True, start: float = 0.0) -> NestResult:
    return NestResult(text, position, final, False, 0, "gap" if final else None, start,
                      start + 1, None)  # fmt: skip


def test_config_groups_keywords_by_weight_and_passes_epd_options() -> None:
    options = TranscriptionOptions(
        language="Japanese",
        keywords=[Keyword("A", 1.5), Keyword(" B "), Keyword("C", 1.5)],
        forbidden=["x", "y"],
        extra={"useWordEpd": False, "durationThreshold": 20000, "syllableThreshold": 0},
    )
    assert build_config(options) == {
        "transcription": {"language": "ja"},
        "keywordBoosting": {"boostings": [{"words": "A,C", "weight": 1.5}, {"words": "B"}]},
        "forbidden": {"forbiddens": "x,y"},
        "semanticEpd": {"useWordEpd": False, "durationThreshold": 20000, "syllableThreshold": 0},
    }
    assert build_config(TranscriptionOptions()) == {"transcription": {"language": "ko"}}


@pytest.mark.parametrize(
    "options",
    [
        TranscriptionOptions(language="zh"),
        TranscriptionOptions(keywords=[Keyword("a,b")]),
        TranscriptionOptions(forbidden=["x,y"]),
        TranscriptionOptions(extra={"gapThreshold": -1}),
        TranscriptionOptions(extra={"gapThreshold": True}),
        TranscriptionOptions(extra={"skipEmptyText": "maybe"}),
    ],
)
def test_config_refuses_what_the_service_cannot_take(options: TranscriptionOptions) -> None:
    with pytest.raises(ConfigurationError) as caught:
        build_config(options)
    assert caught.value.message_ko and caught.value.fix_ko


def test_the_documented_result_sample() -> None:
    parsed = parse_result(DOC_RESULT)
    assert (parsed.text, parsed.position, parsed.final, parsed.epd_type) == (
        "これはテキストです。", 0, True, "durationThreshold")  # fmt: skip
    assert (parsed.start, parsed.end) == (0.19, 0.84)
    assert [(w.text, w.start, w.end) for w in parsed.words] == [
        ("これは", 0.19, 0.34),
        ("テキスト", 0.341, 0.447),
        ("です.", 0.448, 0.7),
    ]


@pytest.mark.parametrize(
    ("fields", "final"),
    [
        ({}, False),
        ({"epdType": ""}, False),
        ({"epdType": "gap"}, True),
        ({"epdType": "unvoice"}, True),
        ({"epFlag": True, "seqId": 7}, True),
    ],
)
def test_partial_unless_an_end_point_rule_or_ep_flag(fields: dict[str, Any], final: bool) -> None:
    body = {"responseType": ["transcription"], "transcription": {"text": "a", **fields}}
    assert parse_result(body).final is final


def test_align_infos_grouped_into_the_texts_words() -> None:
    syllables = [
        {"word": ch, "start": 100 * i, "end": 100 * i + 90}
        for i, ch in enumerate("안녕하세요반가워요.")
    ]
    words = words_from_align("안녕하세요 반가워요.", syllables)
    assert [(w.text, w.start, w.end) for w in words] == [("안녕하세요", 0.0, 0.49),
                                                         ("반가워요.", 0.5, 0.99)]  # fmt: skip
    assert words_from_align("", [{"word": " ", "start": 1, "end": 2}]) == []
    assert words_from_align("a", [{"word": "a", "start": "x", "end": 2}, "junk"]) == []


def test_results_assemble_into_the_running_text_by_position() -> None:
    assembler = PositionAssembler()
    first = assembler.apply(result("ABC", 0), 0.0)
    second = assembler.apply(result("DEFG", 3, start=1.0), 0.0)
    assert [(e.key, e.segment.text) for e in first + second] == [(0, "ABC"), (3, "DEFG")]
    revised = assembler.apply(result("CX", 2, final=False, start=0.5), 0.0)
    assert [(e.key, e.segment.text, e.final) for e in revised] == [
        (3, "", True),  # withdrawn: the text from position 2 on was rewritten
        (0, "AB", True),  # cut where the new result begins
        (2, "CX", False),
    ]
    assert [(e.key, e.final) for e in assembler.settle()] == [(2, True)]
    assert [s.text for s in assembler.segments()] == ["AB", "CX"]


def test_an_empty_result_withdraws_a_partial_and_untimed_results_get_a_time() -> None:
    assembler = PositionAssembler()
    assembler.apply(result("A", 0, final=False), 0.0)
    gone = assembler.apply(NestResult("", 0, True, False, 0, "gap", None, None, None), 3.0)
    assert [(e.key, e.segment.text, e.final) for e in gone] == [(0, "", True)]
    untimed = NestResult(" B", 0, True, False, 0, "gap", None, None, 0.5, [Word(1.0, 1.5, "B")])
    (event,) = assembler.apply(untimed, 3.0)
    assert (event.segment.start, event.segment.end, event.segment.text) == (1.0, 1.5, "B")
    bare = NestResult("C", 1, False, False, 0, None, None, None, None)
    (_, event) = assembler.apply(bare, 4.0)
    assert (event.segment.start, event.segment.end) == (4.0, 4.0)


def test_config_acknowledgements() -> None:
    check_config_ack(
        {"responseType": ["config"], "config": {"status": "Success",
                                                "keywordBoosting": {"status": "Success"}}}
    )  # fmt: skip
    with pytest.raises(ConfigurationError, match="hobidden"):
        check_config_ack(
            {"responseType": ["config"], "config": {"status": "Unknown key: hobidden"}}
        )
    with pytest.raises(ServerError, match="keywordBoosting"):
        check_config_ack(
            {"responseType": ["config"],
             "config": {"status": "Success", "keywordBoosting": {"status": "Internal system error"}}}
        )  # fmt: skip
    with pytest.raises(ServerError):
        check_config_ack({"responseType": ["transcription"], "transcription": {}})


@pytest.mark.parametrize(
    ("status", "kind", "named"),
    [
        ("No more slot", RateLimitError, "slot"),
        ("RESOURCE_EXHAUSTED", RateLimitError, "slot"),
        ("Lifespan expired", NetworkError, "time limit"),
        ("Unknown key: transcription-lang", ConfigurationError, "transcription.lang"),
        ("Invalid type: semanticEpd-gapThreshold", ConfigurationError, "semanticEpd.gapThreshold"),
        ("Invalid language code: zz", ConfigurationError, "zz"),
        ("Not Authorized", ConfigurationError, "not enabled"),
        ("Invalid format", AudioError, "audio"),
        ("ConfigRequest did not complete", ConfigurationError, "ConfigRequest"),
        ("Model server is not working", ServerError, "Model server"),
        ("Something new", ServerError, "Something new"),
    ],
)
def test_status_texts(status: str, kind: type[SoriError], named: str) -> None:
    error = status_error(status, section=None)
    assert type(error) is kind
    assert named in error.message
    assert error.message_ko and error.describe("ko") != error.describe("en")


def test_recognize_refusals_name_the_field() -> None:
    body = {"responseType": ["recognize"],
            "recognize": {"status": "Required key is not provided", "epFlag": {"status": "Not found"}}}  # fmt: skip
    error = refusal_error(body)
    assert isinstance(error, ConfigurationError)
    assert "epFlag: Not found" in error.message


@pytest.mark.parametrize(
    ("code", "details", "kind"),
    [
        (grpc.StatusCode.UNAUTHENTICATED, "bad key", AuthError),
        (grpc.StatusCode.PERMISSION_DENIED, None, AuthError),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, None, RateLimitError),
        (grpc.StatusCode.UNAVAILABLE, "Connection dropped", NetworkError),
        (grpc.StatusCode.DEADLINE_EXCEEDED, None, NetworkError),
        (grpc.StatusCode.INTERNAL, "Internal error from Core", NetworkError),
        (grpc.StatusCode.UNKNOWN, "Stream removed", NetworkError),
        (grpc.StatusCode.UNKNOWN, "NullPointerException", ServerError),
        (grpc.StatusCode.UNIMPLEMENTED, None, ConfigurationError),
    ],
)
def test_grpc_statuses(code: grpc.StatusCode, details: str | None, kind: type[SoriError]) -> None:
    assert type(rpc_error(code, details)) is kind


def test_unreadable_answers_are_server_errors() -> None:
    for text in ("{", "[]", ""):
        with pytest.raises(ServerError):
            parse_contents(text)
    with pytest.raises(ServerError):
        parse_result({"responseType": ["transcription"]})
