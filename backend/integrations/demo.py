"""The demo's national services (``trekant dev``): Odense (0461) gets FK Organisation and
the Sags- og dokumentindeks at the development Serviceplatform, with a development system
certificate made once per data folder and registered with the development STS, called with
a token from it (``auth = 'token'``, OIO IDWS); its three demo teams are mapped to their
units and imported, so the newcomer sees the teams come from FK Organisation. Each demo
kommune's CPR service (SF1520) is the development ``infra/sf1520``; Odense's is called with a
token from the same STS (version 5), the others with the certificate in TLS (version 4)."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend.db import DB
from backend.integrations import fkorg
from backend.integrations import repository as repo
from backend.integrations.settings import (
    ServiceKind,
    check_certificate,
    check_private_key,
    seal_key,
)
from tenancy.context import tenant_transaction

DEMO_CODE = "0461"
DEMO_CVR = "11110461"  # infra/serviceplatform/demo_org.py
AGREEMENT = uuid.UUID("0f5c7d3a-2c8e-4c1e-9d0b-6a1f0b2f0461")
USER_SYSTEM = uuid.UUID("5e3a9b71-8d2f-4a6c-b1e4-7c2d9f8e0461")


def development_certificate(folder: Path, days: int = 365) -> tuple[str, str]:
    """A self-signed system certificate and its key (PEM), made once per data folder."""
    cert_path, key_path = folder / "dev-system-cert.pem", folder / "dev-system-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path.read_text(), key_path.read_text()
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DK"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Trekant (udvikling)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Trekant systemcertifikat (udvikling)"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_path.write_text(key_pem)
    key_path.chmod(0o600)
    cert_path.write_text(cert_pem)
    return cert_pem, key_pem


async def configure(
    owner_dsn: str,
    code: str,
    kind: ServiceKind,
    endpoint: str,
    cvr: str,
    cert_pem: str,
    key_pem: str,
    by: str = "trekant dev",
    agreement: uuid.UUID = AGREEMENT,
    user_system: uuid.UUID = USER_SYSTEM,
    auth: str = "tls",
) -> None:
    """Set one service up for ``code`` (as the owner; the operator's path is the console)."""
    cert = check_certificate(cert_pem)
    sealed = seal_key(code, kind, cert, check_private_key(key_pem, cert))
    c = await asyncpg.connect(owner_dsn, statement_cache_size=0)
    try:
        async with c.transaction():
            await repo.upsert_service(
                c,
                code=code,
                kind=kind,
                endpoint=endpoint,
                service_agreement_uuid=agreement,
                user_system_uuid=user_system,
                cvr=cvr,
                cert_pem=cert.pem,
                cert_subject=cert.subject,
                cert_not_after=cert.not_after,
                enabled=True,
                by=by,
                auth=auth,
            )
            await repo.replace_key(c, code, kind, sealed)
    finally:
        await c.close()


def sf1520_cvr(code: str) -> str:
    """A fictitious CVR number for a demo kommune (eight digits ending in its code)."""
    return f"1111{code}"


async def register_with_sts(cvr: str, cert_pem: str) -> bool:
    """Register a system certificate for ``cvr`` with the development STS (what KOMBIT's
    administration does when the kommune approves the service agreement); False when no
    development Serviceplatform with an STS runs."""
    platform = os.environ.get("TREKANT_SERVICEPLATFORM_URL")
    if not (platform and os.environ.get("TREKANT_STS_ENDPOINT")):
        return False
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            r = await client.post(
                platform + "/dev/sts/certifikat", json={"cvr": cvr, "cert_pem": cert_pem}
            )
            r.raise_for_status()
    except httpx.HTTPError:
        return False  # the demo still works with the certificate in the connection
    return True


async def configure_sf1520(
    owner_dsn: str, code: str, endpoint: str, certificates: Path, token_endpoint: str | None = None
) -> str:
    """Kommune ``code``'s CPR service (SF1520) at the development service ``infra/sf1520``
    with Trekant's development client certificate (``certificates``: its ``client.pem`` and
    ``client-key.pem``), under the development service agreement: what the operator does on
    the console or with ``trekant tenant set-service``. With ``token_endpoint`` (version 5)
    and a development STS that registers the certificate for the kommune's CVR, the service
    is called with a token (``auth = 'token'``); returns the ``auth`` set."""
    from infra.sf1520 import DEV_AGREEMENT, DEV_USER_SYSTEM

    cert_pem = (certificates / "client.pem").read_text()
    auth = "tls"
    if token_endpoint and await register_with_sts(sf1520_cvr(code), cert_pem):
        auth, endpoint = "token", token_endpoint
    await configure(
        owner_dsn,
        code,
        ServiceKind.SF1520,
        endpoint,
        sf1520_cvr(code),
        cert_pem,
        (certificates / "client-key.pem").read_text(),
        agreement=uuid.UUID(DEV_AGREEMENT),
        user_system=uuid.UUID(DEV_USER_SYSTEM),
        auth=auth,
    )
    return auth


async def seed(owner_dsn: str, folder: Path, fkorg_endpoint: str, index_endpoint: str) -> str:
    """Odense's services, team mapping and first import; a line for the start-up message."""
    from infra.serviceplatform.demo_org import uid

    cert_pem, key_pem = development_certificate(folder)
    auth = "token" if await register_with_sts(DEMO_CVR, cert_pem) else "tls"
    for kind, endpoint in (
        (ServiceKind.SF1500, fkorg_endpoint),
        (ServiceKind.SF1470, index_endpoint),
    ):
        await configure(
            owner_dsn, DEMO_CODE, kind, endpoint, DEMO_CVR, cert_pem, key_pem, auth=auth
        )
    async with tenant_transaction(DB, DEMO_CODE) as scope:
        for team_id, name in await repo.list_unmapped_teams(
            ["Modtagelsen", "Familieteam Nord", "Familieteam Syd"]
        ):
            await repo.map_team(team_id, uuid.UUID(uid(name)), name)
        import_id = await fkorg.request_import("trekant:demo")
        await fkorg.run_import(
            scope, uuid.uuid4(), {"import_id": str(import_id), "by": "trekant:demo"}
        )
        row = await repo.get_import(import_id)
    # The audit rows' outbox jobs are relayed by the worker's sweep (no queue here yet).
    if row is None or row.status != "faerdig":
        return f"FK Organisation: hentningen fejlede ({row.error if row else 'ukendt'})"
    return (
        f"FK Organisation: Odenses teams hentet ({row.created} nye brugere, "
        f"{row.updated} opdateret)"
    )
