"""How a glossary becomes each engine's own word lists, through one generic hook.

:func:`apply_glossary` finds the engine's compiler and merges what it makes into the
:class:`~desktop_app.core.options.TranscriptionOptions` the engine already understands (its
keywords and NHN-style biasing pairs), so no engine needs to know about glossaries. The compiler
is, in this order:

1. the engine class's ``glossary_compiler`` attribute (``"module:function"``), when it has one;
2. ``compile_<engine name with - as _>`` in the ``glossary`` module of the engine's package
   (``desktop_app.providers.rtzr.glossary.compile_rtzr_stream``);
3. :func:`generic_compile`, from the engine's capabilities: keywords (with weights when the
   engine takes weights), else biasing pairs, else one notice that the engine has no native form.

A compiler returns a :class:`CompiledGlossary`; it reports entries it leaves out as notices and
raises :class:`~desktop_app.core.errors.ConfigurationError` naming the entry for anything that
would be refused at upload (too many entries, a character the wire form cannot carry).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from desktop_app.core.errors import ConfigurationError
from desktop_app.core.glossary import Glossary, GlossaryEntry
from desktop_app.core.options import Keyword, TranscriptionOptions
from desktop_app.core.transcript import Notice
from desktop_app.providers.base import Provider


@dataclass(slots=True)
class CompiledGlossary:
    """What a glossary adds to an engine's options, and what people should know about it."""

    keywords: list[Keyword] = field(default_factory=list)
    biasing: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


Compiler = Callable[[Glossary, TranscriptionOptions], CompiledGlossary]


def listed(entries: Iterable[GlossaryEntry], limit: int = 5) -> str:
    """Entries for a message: ``'a' (file:3), 'b' (file:4)`` and how many more."""
    items = [f"'{e.word}' ({e.origin})" if e.origin else f"'{e.word}'" for e in entries]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def no_native_form(engine: str) -> Notice:
    return Notice(
        "glossary-not-native",
        f"The engine '{engine}' has no way to boost words; the glossary is used only for fixes "
        "after transcription (--glossary-fix).",
        f"'{engine}' 엔진에는 단어를 강조하는 기능이 없습니다. 용어집은 전사 후 고치기"
        "(--glossary-fix)에만 쓰입니다.",
    )


def skipped(engine: str, entries: list[GlossaryEntry], why: str, why_ko: str) -> Notice:
    return Notice(
        "glossary-skipped",
        f"{engine}: glossary entries not sent ({why}): {listed(entries)}",
        f"{engine}: 용어집 항목 {len(entries)}개를 보내지 않았습니다({why_ko}): {listed(entries)}",
    )


def too_many(engine: str, entries: list[GlossaryEntry], limit: int) -> ConfigurationError:
    first = entries[limit]
    return ConfigurationError(
        f"{engine} takes at most {limit} glossary terms; {len(entries)} were given, "
        f"from '{first.word}' ({first.origin}) on they do not fit",
        fix=f"Keep the glossary for {engine} to {limit} terms.",
        message_ko=f"{engine}에는 용어를 최대 {limit}개까지 보낼 수 있습니다({len(entries)}개, "
        f"'{first.word}'({first.origin})부터 초과)",
        fix_ko=f"{engine}용 용어집을 {limit}개 이하로 줄이세요.",
    )


def bad_entry(engine: str, entry: GlossaryEntry, why: str, why_ko: str) -> ConfigurationError:
    return ConfigurationError(
        f"{entry.origin}: '{entry}' cannot be sent to {engine}: {why}",
        fix="Change or remove this glossary entry.",
        message_ko=f"{entry.origin}: '{entry}'을(를) {engine}에 보낼 수 없습니다: {why_ko}",
        fix_ko="이 용어집 항목을 고치거나 지우세요.",
    )


def generic_compile(
    provider: type[Provider], glossary: Glossary, options: TranscriptionOptions
) -> CompiledGlossary:
    """The form an engine's capabilities allow, with no engine-specific rules."""
    del options
    caps = provider.capabilities
    if caps.keywords:
        weighted = [e for e in glossary.entries if e.weight is not None]
        notices = []
        if weighted and not caps.keyword_weights:
            notices.append(
                Notice(
                    "glossary-weights-dropped",
                    f"{provider.name} boosts words without weights; the weights of "
                    f"{listed(weighted)} are not used.",
                    f"{provider.name}은(는) 가중치 없이 단어를 강조합니다. {listed(weighted)}의 "
                    "가중치는 쓰지 않습니다.",
                )
            )
        return CompiledGlossary(
            keywords=[
                Keyword(e.word, e.weight if caps.keyword_weights else None)
                for e in glossary.entries
            ],
            notices=notices,
        )
    if caps.biasing:
        return CompiledGlossary(biasing=biasing_pairs(provider.name, glossary))
    return CompiledGlossary(notices=[no_native_form(provider.name)])


def biasing_pairs(engine: str, glossary: Glossary) -> list[str]:
    """``WORD_HEARD_AS`` for every heard-as form; an underscore inside would split it wrongly."""
    pairs: list[str] = []
    for entry in glossary.entries:
        for heard in entry.heard_as:
            if "_" in entry.word or "_" in heard:
                raise bad_entry(
                    engine, entry, "'_' separates the word from what is heard",
                    "'_'는 단어와 잘못 들은 말을 나누는 기호입니다",
                )  # fmt: skip
            pairs.append(f"{entry.word}_{heard}")
    return list(dict.fromkeys(pairs))


def compiler_for(provider: type[Provider]) -> Compiler:
    """The engine's glossary compiler (see the module docstring for the order)."""
    explicit = getattr(provider, "glossary_compiler", None)
    if isinstance(explicit, str) and ":" in explicit:
        module_name, _, function = explicit.partition(":")
        compiler: Compiler = getattr(importlib.import_module(module_name), function)
        return compiler
    package = provider.__module__.rpartition(".")[0]
    if package:
        module_name = f"{package}.glossary"
        if importlib.util.find_spec(module_name) is not None:
            module = importlib.import_module(module_name)
            found = getattr(module, "compile_" + provider.name.replace("-", "_"), None)
            if found is not None:
                return found  # type: ignore[no-any-return,unused-ignore]
    return lambda glossary, options: generic_compile(provider, glossary, options)


def apply_glossary(
    provider: type[Provider], glossary: Glossary, options: TranscriptionOptions
) -> tuple[TranscriptionOptions, list[Notice]]:
    """``options`` with the glossary compiled in for ``provider`` (words given with --keyword
    or --biasing stay and win), and the notices to show."""
    if not glossary:
        return options, []
    compiled = compiler_for(provider)(glossary, options)
    given = {k.word for k in options.keywords}
    keywords = list(options.keywords) + [k for k in compiled.keywords if k.word not in given]
    biasing = list(dict.fromkeys([*options.biasing, *compiled.biasing]))
    return dataclasses.replace(options, keywords=keywords, biasing=biasing), compiled.notices
