"""The development Serviceplatform for the national-service tests, once for the package,
and helpers to set a service up as the operator would (through the operator's API)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from infra.devprocess import free_port


@pytest.fixture(scope="package")
def platform() -> Iterator[Any]:
    from infra import serviceplatform

    root = Path(__file__).resolve().parent.parent.parent
    data_dir = Path(os.environ.get("TREKANT_TEST_DATA_DIR", root / "var" / "test")).resolve()
    (data_dir / "serviceplatform" / "received.json").unlink(missing_ok=True)
    server, env = serviceplatform.prepare(data_dir, free_port())
    server.start()
    server.env = env  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()


def certificate(days: int = 365, cn: str = "Trekant test") -> tuple[str, str]:
    """A self-signed certificate valid for ``days`` (negative: expired) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.now(UTC)
    start = min(now, now + timedelta(days=days)) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def settings_body(endpoint: str, cvr: str, cert: tuple[str, str] | None = None) -> dict[str, Any]:
    cert_pem, key_pem = cert or certificate()
    return {
        "endpoint": endpoint,
        "service_agreement_uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "user_system_uuid": "6fa85f64-5717-4562-b3fc-2c963f66afa7",
        "cvr": cvr,
        "enabled": True,
        "cert_pem": cert_pem,
        "private_key_pem": key_pem,
    }


@pytest.fixture
async def operator(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    from tests.oidc_login import login as oidc_login

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        r = await oidc_login(c, None, "drift@trekant.dk")
        assert r.headers["location"] == "/drift", r.headers
        session = (await c.get("/api/session")).json()
        c.headers["X-CSRF-Token"] = session["csrf_token"]
        yield c


@pytest.fixture
async def owner(registry: Any) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(registry.dsn)
    try:
        yield conn
    finally:
        await conn.close()


async def configure(
    operator: httpx.AsyncClient, code: str, kind: str, endpoint: str, cvr: str
) -> dict[str, Any]:
    r = await operator.put(
        f"/api/operator/kommuner/{code}/tjenester/{kind}", json=settings_body(endpoint, cvr)
    )
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data
