"""Credentials: keyring storage, environment override, refusal of insecure or missing keyrings."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from desktop_app.core.errors import AuthError, EngineUnavailableError
from desktop_app.core.secrets import CredentialStore, mask, redact
from desktop_app.providers import registry
from tests.helpers.keyrings import MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's file backend."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


# The credential groups are declared by the engines, which the registry loads on first use.
registry.provider_names()


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> CredentialStore:
    for var in [
        v for v in os.environ if v.startswith("SORI_") and v.endswith(("_ID", "SECRET", "KEY"))
    ]:
        monkeypatch.delenv(var)
    monkeypatch.delenv("SORI_NHN_APPKEY", raising=False)
    return CredentialStore(MemoryKeyring())


def test_set_get_delete_round_trip_with_korean(store: CredentialStore) -> None:
    store.set("rtzr", "client_id", "아이디-123")
    store.set("rtzr", "client_secret", "  s3cr3t-값  ")
    assert store.get("rtzr", "client_secret") == "s3cr3t-값"
    assert store.load("rtzr") == {"client_id": "아이디-123", "client_secret": "s3cr3t-값"}
    assert store.source("rtzr", "client_id") == "keyring"
    assert store.delete("rtzr", "client_id") is True
    assert store.delete("rtzr", "client_id") is False
    assert store.get("rtzr", "client_id") is None


def test_environment_overrides_keyring(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set("nhn", "secret", "from-keyring")
    monkeypatch.setenv("SORI_NHN_SECRET", "from-env")
    assert store.get("nhn", "secret") == "from-env"
    assert store.source("nhn", "secret") == "environment"


def test_require_names_missing_values(store: CredentialStore) -> None:
    store.set("clova-csr", "client_id", "id")
    with pytest.raises(AuthError) as info:
        store.require("clova-csr", "clova-csr")
    text = info.value.describe()
    assert "Client Secret" in text and "SORI_CLOVA_CSR_CLIENT_SECRET" in text
    assert "클라이언트 시크릿" in info.value.describe("ko")


def test_empty_value_is_refused(store: CredentialStore) -> None:
    with pytest.raises(AuthError):
        store.set("nhn", "secret", "   ")


def test_missing_keyring_is_reported_not_bypassed() -> None:
    store = CredentialStore(keyring.backends.fail.Keyring())
    ok, why = store.available()
    assert not ok and "keyring" in why.lower()
    with pytest.raises(EngineUnavailableError):
        store.set("nhn", "secret", "x")
    assert store.get("nhn", "secret") is None


def test_plaintext_keyring_is_refused() -> None:
    with pytest.raises(EngineUnavailableError, match="file"):
        CredentialStore(PlaintextKeyring()).set("nhn", "secret", "x")


@pytest.mark.parametrize(("value", "shown"), [("abc", "•••"), ("abcdefghijkl", "ab••••••••kl")])
def test_mask_never_reveals_the_middle(value: str, shown: str) -> None:
    assert mask(value) == shown


def _secret_service_running() -> bool:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    try:
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        return backend.priority > 0
    except Exception:
        return False


@pytest.mark.skipif(not _secret_service_running(), reason="no Secret Service on the session bus")
def test_real_secret_service_stores_korean_secrets() -> None:
    from keyring.backends import SecretService

    store = CredentialStore(SecretService.Keyring())
    value = f"비밀-{uuid.uuid4()}"
    store.set("clova-speech", "secret", value)
    try:
        assert store.get("clova-speech", "secret") == value
        # A different process sees it too: it is really in the keyring service.
        out = subprocess.run(
            ["secret-tool", "lookup", "service", "sori", "username", "clova-speech:secret"],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode == 0:
            assert out.stdout.strip() == value
    finally:
        store.delete("clova-speech", "secret")


def test_redact_masks_every_known_credential(
    store: CredentialStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set("nhn", "appkey", "AppKey12345")
    monkeypatch.setenv("SORI_RTZR_CLIENT_SECRET", "rtzr-secret-value")
    text = "GET https://api/v2.0/appkeys/AppKey12345/stt failed; secret rtzr-secret-value"
    cleaned = redact(text, store)
    assert "AppKey12345" not in cleaned and "rtzr-secret-value" not in cleaned
    assert "https://api/v2.0/appkeys/" in cleaned


def test_credentials_never_show_in_repr_or_str(store: CredentialStore) -> None:
    from desktop_app.providers.base import ProviderConfig

    store.set("rtzr", "client_id", "my-client-id-77")
    store.set("rtzr", "client_secret", "top-secret-value-42")
    values = store.require("rtzr", "rtzr")
    assert values["client_secret"] == "top-secret-value-42"  # usable as it is
    for shown in (repr(values), str(values), f"{values}", repr([values])):
        assert "top-secret-value-42" not in shown and "my-client-id-77" not in shown
    config = ProviderConfig(credentials={"client_secret": "top-secret-value-42"})
    assert "top-secret-value-42" not in repr(config)


@pytest.mark.parametrize(
    ("source", "stored"),
    [
        ("https://b.invalid/a.m4a?X-Amz-Signature=s&X-Amz-Credential=c", "https://b.invalid/a.m4a"),
        ("https://user:pw@b.invalid/x/a.m4a#frag", "https://b.invalid/x/a.m4a"),
        ("http://127.0.0.1:8080/a.wav?sig=1", "http://127.0.0.1:8080/a.wav"),
        ("/home/me/회의?.wav", "/home/me/회의?.wav"),
        ("obs://meetings/a?.m4a", "obs://meetings/a?.m4a"),
    ],
)
def test_public_source_drops_signatures_only_from_urls(source: str, stored: str) -> None:
    from desktop_app.core.secrets import public_source

    assert public_source(source) == stored


def test_config_and_data_folders_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    from desktop_app.core.paths import config_dir, data_dir, write_private_file

    (tmp_path / "existing").mkdir(mode=0o755)
    monkeypatch.setenv("SORI_CONFIG_DIR", str(tmp_path / "new" / "config"))
    monkeypatch.setenv("SORI_DATA_DIR", str(tmp_path / "existing"))
    previous = os.umask(0o022)
    try:
        folders = [config_dir(), data_dir()]
        write_private_file(folders[0] / "settings.json", b"{}")
    finally:
        os.umask(previous)
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((folders[0] / "settings.json").stat().st_mode) == 0o600
    assert (folders[0] / "settings.json").read_bytes() == b"{}"
    assert [p.name for p in folders[0].iterdir()] == ["settings.json"]
