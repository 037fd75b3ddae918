"""Character error rate helpers."""

from __future__ import annotations

import pytest

from desktop_app.core.metrics import cer, corpus_cer, edit_distance, normalise_for_cer


def test_normalisation_keeps_letters_and_digits() -> None:
    assert normalise_for_cer("아 몬 소리야, 그건 또.") == "아몬소리야그건또"
    assert normalise_for_cer("Hello, World 2024!") == "helloworld2024"
    assert normalise_for_cer(" \t.,?!") == ""


def test_edit_distance() -> None:
    assert edit_distance("", "") == 0
    assert edit_distance("abc", "") == 3
    assert edit_distance("", "ab") == 2
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("안녕하세요", "안영하세요") == 1
    assert edit_distance([1, 2, 3], [1, 3]) == 1


def test_cer() -> None:
    assert cer("안녕하세요", "안녕 하세요.") == 0.0
    assert cer("안녕하세요", "안영하세") == pytest.approx(2 / 5)
    assert cer("", "") == 0.0
    assert cer("", "뭔가") == 1.0
    assert cer("가", "가나다라") == 3.0


def test_corpus_cer_weights_by_reference_length() -> None:
    pairs = [("가나다라", "가나다라"), ("마", "바")]
    assert corpus_cer(pairs) == pytest.approx(1 / 5)
    assert corpus_cer([]) == 0.0
