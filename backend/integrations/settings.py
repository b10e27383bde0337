"""Checking what the operator enters for a national service: the endpoint, the UUIDs, the
CVR number and the system certificate with its private key. Pure functions; each refusal
is a :class:`ServiceSettingError` naming the field, in Danish.

The private key is sealed (``backend.sealing``) bound to the kommune, the service and the
certificate's SHA-256 fingerprint, so it opens for that certificate only: a key copied to
another kommune or service, or kept after the certificate is replaced, does not open.
"""

from __future__ import annotations

import enum
import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from backend import sealing
from backend.core.public_url import PublicUrlRefused, check_public_url

KEY_PURPOSE = "national service private key"
MAX_PEM = 20_000
WARN_DAYS = 30


class ServiceKind(enum.StrEnum):
    SF1500 = "sf1500"  # FK Organisation
    SF1470 = "sf1470"  # Sags- og dokumentindeks
    SF1520 = "sf1520"  # CPR (branch cpr builds its client)
    CONTEXT_HANDLER = "contexthandler"  # Fælleskommunal Adgangsstyring (branch saml)


KIND_LABELS = {
    ServiceKind.SF1500: "FK Organisation (SF1500)",
    ServiceKind.SF1470: "Sags- og dokumentindeks (SF1470)",
    ServiceKind.SF1520: "CPR-opslag (SF1520)",
    ServiceKind.CONTEXT_HANDLER: "Fælleskommunal Adgangsstyring (Context Handler)",
}


class ServiceSettingError(ValueError):
    """A refused setting; ``field`` names it, ``message`` is Danish."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Certificate:
    pem: str
    subject: str
    not_after: datetime
    fingerprint: bytes  # SHA-256 of the DER


def check_kind(kind: str) -> ServiceKind:
    try:
        return ServiceKind(kind)
    except ValueError as exc:
        raise ServiceSettingError("kind", "Ukendt tjeneste") from exc


AUTH_KINDS = ("tls", "token")


def check_auth(value: str) -> str:
    """How Trekant authenticates to the service: ``tls`` or ``token``."""
    auth = (value or "").strip()
    if auth not in AUTH_KINDS:
        raise ServiceSettingError(
            "auth", "Vælg godkendelse: systemcertifikat (TLS) eller token fra STS"
        )
    return auth


def check_uuid(field: str, value: str, label: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ServiceSettingError(
            field, f"{label} skal være et UUID, fx 3fa85f64-5717-4562-b3fc-2c963f66afa6"
        ) from exc


def check_cvr(value: str) -> str:
    cvr = value.strip()
    if not re.fullmatch(r"[0-9]{8}", cvr):
        raise ServiceSettingError("cvr", "Kommunens CVR-nummer skal være otte cifre")
    return cvr


async def check_endpoint(endpoint: str, env: str) -> str:
    """``endpoint`` if Trekant may call it in ``env``: https on public addresses only;
    loopback http only in development and test (the development servers under ``infra/``),
    by ``backend.core.public_url``. Checked when the operator saves it and again before
    every call."""
    try:
        return await check_public_url(endpoint, env)
    except PublicUrlRefused as exc:
        raise ServiceSettingError("endpoint", exc.message) from exc


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def check_certificate(pem: str, *, now: datetime | None = None) -> Certificate:
    """The PEM certificate parsed; refused when unreadable or already expired."""
    text = pem.strip()
    if not text or len(text) > MAX_PEM:
        raise ServiceSettingError("cert_pem", "Indsæt systemcertifikatet (PEM)")
    try:
        cert = x509.load_pem_x509_certificate(text.encode())
    except ValueError as exc:
        raise ServiceSettingError(
            "cert_pem",
            "Certifikatet kan ikke læses; indsæt det i PEM-format (-----BEGIN CERTIFICATE-----)",
        ) from exc
    not_after = cert.not_valid_after_utc
    if not_after <= (now or datetime.now(UTC)):
        raise ServiceSettingError(
            "cert_pem", f"Certifikatet udløb {not_after:%d.%m.%Y}; indsæt et gyldigt certifikat"
        )
    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(
        pem=text + "\n",
        subject=_subject(cert),
        not_after=not_after,
        fingerprint=hashlib.sha256(der).digest(),
    )


def check_private_key(pem: str, cert: Certificate) -> bytes:
    """The private key (PEM, unencrypted) if it belongs to ``cert``; its PKCS#8 PEM bytes."""
    text = pem.strip()
    if not text or len(text) > MAX_PEM:
        raise ServiceSettingError("private_key_pem", "Indsæt certifikatets private nøgle (PEM)")
    try:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ServiceSettingError(
            "private_key_pem",
            "Den private nøgle kan ikke læses; indsæt den ukrypteret i PEM-format",
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ServiceSettingError("private_key_pem", "Nøglen skal være en RSA- eller EC-nøgle")
    public = x509.load_pem_x509_certificate(cert.pem.encode()).public_key()
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*spki) != public.public_bytes(*spki):
        raise ServiceSettingError(
            "private_key_pem", "Den private nøgle hører ikke til certifikatet"
        )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _aad(code: str, kind: str, fingerprint: bytes) -> bytes:
    return msgspec.json.encode(["trekant.national_service_key", code, kind, fingerprint.hex()])


def seal_key(code: str, kind: str, cert: Certificate, key_pem: bytes) -> bytes:
    return sealing.seal(KEY_PURPOSE, key_pem, _aad(code, kind, cert.fingerprint))


def unseal_key(code: str, kind: str, cert_pem: str, sealed: bytes) -> bytes:
    """The private key for this kommune, service and certificate; :class:`sealing.Unsealable`
    when it was sealed for anything else."""
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)
    return sealing.unseal(KEY_PURPOSE, sealed, _aad(code, kind, hashlib.sha256(der).digest()))


def certificate_state(not_after: datetime | None, now: datetime | None = None) -> str:
    """``mangler``, ``udloebet``, ``udloeber_snart`` (under 30 days) or ``gyldigt``."""
    if not_after is None:
        return "mangler"
    now = now or datetime.now(UTC)
    if not_after <= now:
        return "udloebet"
    if (not_after - now).days < WARN_DAYS:
        return "udloeber_snart"
    return "gyldigt"
