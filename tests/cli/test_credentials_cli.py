"""``sori credentials``: values go to the keyring, ``show`` masks secrets."""

from __future__ import annotations

import argparse
import io
import os

import pytest

from desktop_app.cli import credentials
from desktop_app.core.secrets import CredentialStore
from tests.helpers.keyrings import MemoryKeyring


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> CredentialStore:
    for var in list(os.environ):
        if var.startswith("SORI_") and var not in {"SORI_CONFIG_DIR", "SORI_DATA_DIR"}:
            monkeypatch.delenv(var)
    return CredentialStore(MemoryKeyring())


def run(store: CredentialStore, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    credentials.add_parser(sub)
    return credentials.run(parser.parse_args(["credentials", *argv]), store)


def test_set_from_stdin_then_show_masked(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("my-client-id\nsuper-secret-value-123\n"))
    assert run(store, "set", "rtzr") == 0
    assert store.get("rtzr", "client_secret") == "super-secret-value-123"
    capsys.readouterr()
    assert run(store, "show", "rtzr") == 0
    out = capsys.readouterr().out
    assert "my-client-id" in out
    assert "super-secret-value-123" not in out
    assert "su" in out and "23" in out


def test_stream_engine_uses_its_family_credentials(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("abc\n"))
    assert run(store, "set", "clova-stream", "--field", "secret") == 0
    assert store.get("clova-speech", "secret") == "abc"


def test_environment_source_is_named(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SORI_NHN_SECRET", "env-secret-abcdef")
    assert run(store, "show", "nhn") == 0
    out = capsys.readouterr().out
    assert "SORI_NHN_SECRET" in out and "env-secret-abcdef" not in out


def test_delete_and_unknown_engine(
    store: CredentialStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.set("nhn", "secret", "x")
    assert run(store, "delete", "nhn") == 0
    assert store.get("nhn", "secret") is None
    assert run(store, "show", "local") == 2
    assert "no credentials" in capsys.readouterr().err
