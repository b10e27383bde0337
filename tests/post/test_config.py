"""Production refuses to send Digital Post without mutual TLS and a token: the worker
does not start (like a missing TREKANT_DATA_KEY), and says which setting is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend import worker
from backend.config import ConfigError, Settings, load_settings
from backend.post.senders import require_config


def _production() -> Settings:
    return msgspec.structs.replace(load_settings(), env="production")


def _pem(tmp_path: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Trekant test (OCES stand-in)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "oces.pem"
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_development_needs_no_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREKANT_DIGITAL_POST_CERT", raising=False)
    monkeypatch.delenv("TREKANT_DIGITAL_POST_TOKEN", raising=False)
    require_config(load_settings())  # the test environment: no error


def test_production_names_each_missing_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _production()
    monkeypatch.setenv("TREKANT_DIGITAL_POST_URL", "http://127.0.0.1:8020")
    with pytest.raises(ConfigError, match="TREKANT_DIGITAL_POST_URL must be set in production"):
        require_config(settings)
    monkeypatch.setenv("TREKANT_DIGITAL_POST_URL", "https://prod.serviceplatformen.dk")
    monkeypatch.delenv("TREKANT_DIGITAL_POST_CERT", raising=False)
    with pytest.raises(ConfigError, match="TREKANT_DIGITAL_POST_CERT must be set in production"):
        require_config(settings)
    monkeypatch.setenv("TREKANT_DIGITAL_POST_CERT", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="TREKANT_DIGITAL_POST_CERT: cannot read"):
        require_config(settings)
    only_cert = tmp_path / "only-cert.pem"
    only_cert.write_text(_pem(tmp_path).read_text().split("-----BEGIN PRIVATE KEY-----")[0])
    monkeypatch.setenv("TREKANT_DIGITAL_POST_CERT", str(only_cert))
    with pytest.raises(ConfigError, match="must hold both the certificate and its private key"):
        require_config(settings)
    monkeypatch.setenv("TREKANT_DIGITAL_POST_CERT", str(_pem(tmp_path)))
    monkeypatch.delenv("TREKANT_DIGITAL_POST_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="TREKANT_DIGITAL_POST_TOKEN must be set in production"):
        require_config(settings)
    monkeypatch.setenv("TREKANT_DIGITAL_POST_TOKEN", "Holder-of-key 1889e404-eada-4046-9283")
    require_config(settings)  # complete: no error


async def test_the_worker_does_not_start_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _production()
    monkeypatch.setattr(worker, "get_settings", lambda: settings)
    monkeypatch.setenv("TREKANT_DATA_KEY", "k" * 40)
    monkeypatch.setenv("TREKANT_DIGITAL_POST_URL", "https://prod.serviceplatformen.dk")
    monkeypatch.delenv("TREKANT_DIGITAL_POST_CERT", raising=False)
    with pytest.raises(ConfigError, match="TREKANT_DIGITAL_POST_CERT must be set in production"):
        await worker.startup({})
