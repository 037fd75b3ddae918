"""The glossary file format, merging, the fixes after transcription, and compiling a glossary
into each engine's options through the generic hook."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.glossary import Glossary, GlossaryEntry, fix_transcript, load_glossaries
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Segment, Transcript, Word
from desktop_app.providers import registry
from desktop_app.providers.base import Capabilities, MediaSource, Provider
from desktop_app.providers.glossary_base import apply_glossary

SAMPLE = """\
# 회의 용어
차단기:3 = 차단계, 차단 게

에스티티
Sori:1.5
리턴제로 = 리턴 제로
"""


def write(tmp_path: Path, text: str, name: str = "terms.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_entries_weights_and_heard_as() -> None:
    glossary = Glossary.parse(SAMPLE, "terms.txt")
    assert [(e.word, e.weight, e.heard_as) for e in glossary.entries] == [
        ("차단기", 3.0, ("차단계", "차단 게")),
        ("에스티티", None, ()),
        ("Sori", 1.5, ()),
        ("리턴제로", None, ("리턴 제로",)),
    ]
    assert glossary.entries[0].origin == "terms.txt:2"
    assert str(glossary.entries[0]) == "차단기:3 = 차단계, 차단 게"


def test_colon_that_is_not_a_weight_stays_in_the_word() -> None:
    glossary = Glossary.parse("시간:오전\nC#\n10:30:2")
    assert [(e.word, e.weight) for e in glossary.entries] == [
        ("시간:오전", None),
        ("C#", None),
        ("10:30", 2.0),
    ]


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        (":3", "has no word"),
        ("= 차단계", "has no word"),
        ("차단기 =", "empty heard-as"),
        ("차단기 = 차단계, ", "empty heard-as"),
        ("차단기:" + "9" * 400, "finite"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, line: str, needle: str) -> None:
    path = write(tmp_path, f"# fine\n좋은말\n{line}\n")
    with pytest.raises(ConfigurationError) as caught:
        Glossary.load(path)
    assert f"{path}:3" in caught.value.message and needle in caught.value.message
    assert caught.value.message_ko and f"{path}:3" in caught.value.message_ko


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "없음.txt"
    with pytest.raises(ConfigurationError, match="does not exist") as caught:
        Glossary.load(missing)
    assert str(missing) in caught.value.message
    latin = tmp_path / "latin.txt"
    latin.write_bytes("첫줄\n".encode() + "caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigurationError, match="UTF-8") as caught:
        Glossary.load(latin)
    assert f"{latin}:2" in caught.value.message
    with pytest.raises(ConfigurationError, match="cannot be read"):
        Glossary.load(tmp_path)


def test_files_merge_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, "차단기 = 차단계\n소리:1\n", "a.txt")
    second = write(tmp_path, "\ufeff차단기:2 = 차단 기\n소리\n", "b.txt")
    glossary = load_glossaries([first, second])
    assert [(e.word, e.weight, e.heard_as) for e in glossary.entries] == [
        ("차단기", 2.0, ("차단계", "차단 기")),
        ("소리", 1.0, ()),
    ]


def test_fix_replaces_heard_as_forms_as_one_edit() -> None:
    glossary = Glossary.parse("차단기 = 차단계, 차단\n리턴제로 = 리턴 제로")
    transcript = Transcript(
        segments=[
            Segment(0, 2, "차단계가 내려갔고 차단기는 멀쩡", words=[Word(0, 1, "차단계가")]),
            Segment(2, 4, "리턴 제로 차단 해제"),
        ],
        engine="nhn",
    )
    fixed, fixes = fix_transcript(transcript, glossary)
    assert [s.text for s in fixed.segments] == [
        "차단기가 내려갔고 차단기는 멀쩡",
        "리턴제로 차단기 해제",
    ]
    assert fixed.segments[0].words[0].text == "차단기가"
    assert [(f.segment, f.offset, f.before, f.after) for f in fixes] == [
        (0, 0, "차단계", "차단기"),
        (1, 0, "리턴 제로", "리턴제로"),
        (1, 6, "차단", "차단기"),
    ]
    assert transcript.segments[0].text.startswith("차단계")  # the original is untouched
    again, more = fix_transcript(fixed, glossary)
    assert more == [] and [s.text for s in again.segments] == [s.text for s in fixed.segments]


def test_fix_without_heard_as_changes_nothing() -> None:
    transcript = Transcript(segments=[Segment(0, 1, "그대로")])
    fixed, fixes = fix_transcript(transcript, Glossary.parse("소리"))
    assert fixes == [] and fixed.segments[0].text == "그대로"


class _Plain(Provider):
    name: ClassVar[str] = "plain-test"
    display_name: ClassVar[str] = "plain"
    capabilities: ClassVar[Capabilities] = Capabilities()

    async def transcribe(
        self, source: MediaSource, options: TranscriptionOptions, progress: object = None
    ) -> Transcript:
        return Transcript()


class _Weighted(_Plain):
    name: ClassVar[str] = "weighted-test"
    capabilities: ClassVar[Capabilities] = Capabilities(keywords=True, keyword_weights=True)


class _Unweighted(_Plain):
    name: ClassVar[str] = "unweighted-test"
    capabilities: ClassVar[Capabilities] = Capabilities(keywords=True)


class _Explicit(_Plain):
    name: ClassVar[str] = "explicit-test"
    glossary_compiler: ClassVar[str] = "desktop_app.providers.nhn.glossary:compile_nhn"


GLOSSARY = Glossary.parse(SAMPLE, "terms.txt")


def test_generic_hook_by_capabilities() -> None:
    options, notices = apply_glossary(_Plain, GLOSSARY, TranscriptionOptions())
    assert options.keywords == [] and options.biasing == []
    assert [n.code for n in notices] == ["glossary-not-native"]
    options, notices = apply_glossary(
        _Weighted, GLOSSARY, TranscriptionOptions(keywords=[Keyword("Sori", 4.0)])
    )
    assert options.keywords == [
        Keyword("Sori", 4.0),
        Keyword("차단기", 3.0),
        Keyword("에스티티"),
        Keyword("리턴제로"),
    ]
    assert notices == []
    options, notices = apply_glossary(_Unweighted, GLOSSARY, TranscriptionOptions())
    assert options.keywords[0] == Keyword("차단기") and options.keywords[2] == Keyword("Sori")
    assert [n.code for n in notices] == ["glossary-weights-dropped"]
    assert "'차단기' (terms.txt:2)" in notices[0].message
    options, _ = apply_glossary(_Explicit, GLOSSARY, TranscriptionOptions())
    assert options.biasing == ["차단기_차단계", "차단기_차단 게", "리턴제로_리턴 제로"]


def test_empty_glossary_leaves_options_alone() -> None:
    options = TranscriptionOptions(keywords=[Keyword("a")])
    assert apply_glossary(_Plain, Glossary(), options) == (options, [])


@pytest.mark.parametrize("engine", ["vosk", "clova-csr"])
def test_engines_without_a_native_form_say_so(engine: str) -> None:
    options, notices = apply_glossary(
        registry.provider_class(engine), GLOSSARY, TranscriptionOptions()
    )
    assert options.keywords == [] and options.biasing == []
    assert [n.code for n in notices] == ["glossary-not-native"]
    assert engine in notices[0].message and notices[0].message_ko


def test_each_engine_gets_its_own_form() -> None:
    def compiled(engine: str, **kw: object) -> tuple[TranscriptionOptions, list[str]]:
        options, notices = apply_glossary(
            registry.provider_class(engine),
            GLOSSARY,
            TranscriptionOptions(**kw),  # type: ignore[arg-type]
        )
        return options, [n.code for n in notices]

    options, codes = compiled("clova-speech")
    assert options.keywords == [Keyword(w) for w in ("차단기", "에스티티", "Sori", "리턴제로")]
    assert codes == ["glossary-weights-dropped"]
    options, codes = compiled("clova-speech", extra={"mode": "short"})
    assert options.keywords == [] and codes == ["glossary-skipped"]
    options, codes = compiled("clova-stream")
    assert options.keywords == [
        Keyword("차단기", 3.0), Keyword("에스티티"), Keyword("Sori", 1.5), Keyword("리턴제로")
    ]  # fmt: skip
    assert codes == []
    options, codes = compiled("rtzr")
    assert options.keywords == [Keyword("차단기"), Keyword("에스티티"), Keyword("리턴제로")]
    assert codes == ["glossary-skipped", "glossary-weights-dropped"]
    options, codes = compiled("rtzr-stream")
    assert options.keywords == [Keyword("차단기", 3.0), Keyword("에스티티"), Keyword("리턴제로")]
    assert codes == ["glossary-skipped"]
    options, codes = compiled("rtzr", extra={"model_name": "whisper"})
    assert options.keywords == [] and codes == ["glossary-skipped"]
    options, codes = compiled("nhn")
    assert options.biasing == ["차단기_차단계", "차단기_차단 게", "리턴제로_리턴 제로"]
    assert codes == ["glossary-skipped"]


def test_rtzr_limits_name_the_entry() -> None:
    many = Glossary(
        [
            GlossaryEntry("가" + "나" * (i % 15) + "다" * (i // 15), None, (), f"g:{i + 1}")
            for i in range(120)
        ]
    )
    rtzr = registry.provider_class("rtzr")
    with pytest.raises(ConfigurationError) as caught:
        apply_glossary(rtzr, many, TranscriptionOptions())
    assert "at most 100" in caught.value.message and "(g:101)" in caught.value.message
    weights = Glossary.parse("소리:9\n음성:-7\n말:2", "w.txt")
    options, notices = apply_glossary(
        registry.provider_class("rtzr-stream"), weights, TranscriptionOptions()
    )
    assert options.keywords == [Keyword("소리", 5.0), Keyword("음성", -5.0), Keyword("말", 2.0)]
    assert "'소리' (w.txt:1)" in notices[0].message


@pytest.mark.parametrize(
    ("engine", "text", "needle"),
    [
        ("clova-speech", "하나, 둘", "commas"),
        ("clova-stream", "하나, 둘:2", "commas"),
        ("nhn", "차_단기 = 차단계", "'_'"),
        ("nhn", "차단기 = 차단_계", "'_'"),
    ],
)
def test_entries_the_wire_cannot_carry_are_refused(engine: str, text: str, needle: str) -> None:
    glossary = Glossary.parse(f"좋은말\n{text}", "bad.txt")
    with pytest.raises(ConfigurationError) as caught:
        apply_glossary(registry.provider_class(engine), glossary, TranscriptionOptions())
    assert "bad.txt:2" in caught.value.message and needle in caught.value.message
