"""Accuracy measures for transcripts: character error rate (CER) after a fair normalisation.

Korean references and engine output differ in spacing and punctuation far more than in content,
so both sides keep only letters (Hangul included) and digits before they are compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def normalise_for_cer(text: str) -> str:
    """Only the letters (any script, Hangul included) and digits of ``text``, lower-cased."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def edit_distance(reference: Sequence[T], hypothesis: Sequence[T]) -> int:
    """Levenshtein distance: substitutions, insertions and deletions, each costing one."""
    if len(reference) < len(hypothesis):
        reference, hypothesis = hypothesis, reference
    previous = list(range(len(hypothesis) + 1))
    for i, ref_item in enumerate(reference, start=1):
        current = [i]
        for j, hyp_item in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (ref_item != hyp_item),
                )
            )
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of ``hypothesis`` against ``reference`` (both normalised).

    0.0 is perfect; it can exceed 1.0 when the hypothesis inserts many characters. An empty
    reference gives 0.0 for an empty hypothesis and 1.0 otherwise.
    """
    ref = normalise_for_cer(reference)
    hyp = normalise_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def corpus_cer(pairs: Iterable[tuple[str, str]]) -> float:
    """CER over many ``(reference, hypothesis)`` pairs: total edits / total reference length."""
    edits = 0
    length = 0
    for reference, hypothesis in pairs:
        ref = normalise_for_cer(reference)
        edits += edit_distance(ref, normalise_for_cer(hypothesis))
        length += len(ref)
    return edits / length if length else 0.0
