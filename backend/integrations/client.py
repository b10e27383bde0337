"""One SOAP call to a kommune's national service on the Serviceplatform, through the
operator's configuration (``shared.national_service``).

Before the call: the service is configured and enabled for the kommune, its endpoint is
still allowed (https on public addresses; loopback http only in development and test), and
its system certificate has not expired. Over https the certificate and its private key
(unsealed in memory, written to a private temporary file only for the TLS handshake)
authenticate Trekant by mutual TLS, as the Serviceplatform's SOAP services require. The
SOAP header carries the Serviceplatform's ``InvocationContext`` (service agreement, user
system, the caller's call id) and the body the kommune's ``AuthorityContext`` (its CVR).

With ``auth = 'token'`` (the newer service versions, OIO IDWS) the client instead gets a
SAML token from the Serviceplatform's STS for the service and the kommune's CVR
(``backend.integrations.sts``, cached until shortly before it expires) and sends it in the
WS-Security header with the message signed by the same certificate (holder-of-key).

Every call has a time limit (10 s) and a size limit (the answer is streamed and cut off).
Each outcome is written to the service's health (last call, last error), on its own
connection. A refusal or failure is a :class:`ServiceError` with a Danish message and a
stable ``reason``; its text never holds what was sent (no CPR number reaches a log line).
"""

from __future__ import annotations

import logging
import os
import re
import ssl
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from lxml import etree

from backend.config import get_settings
from backend.integrations import repository as repo
from backend.integrations import sts
from backend.integrations.settings import ServiceSettingError, check_endpoint, unseal_key
from backend.sealing import Unsealable

log = logging.getLogger("trekant.integrations")

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
INVOCATION_NS = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
AUTHORITY_NS = "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"
TIMEOUT_SECONDS = 10.0
MAX_ANSWER = 5 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_CPR_LIKE = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def scrub(text: str) -> str:
    """``text`` from a service with anything shaped like a CPR number masked: a service
    may echo what it was sent, and no CPR number may reach a health text or the audit."""
    return _CPR_LIKE.sub("xxxxxx-xxxx", text)


class ServiceError(Exception):
    """A call that was refused or failed. ``reason`` is stable (``ikke_sat_op``,
    ``slaaet_fra``, ``certifikat``, ``adresse``, ``sts`` (the STS refused the token request),
    ``svarer_ikke``, ``fejl``, ``ugyldigt_svar``);
    ``message`` is Danish for the person or the operator."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def envelope(
    body: etree._Element, *, agreement: uuid.UUID, user_system: uuid.UUID, call_id: uuid.UUID
) -> bytes:
    """The SOAP 1.1 envelope with the Serviceplatform's InvocationContext header."""
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    header = etree.SubElement(env, f"{{{SOAP_NS}}}Header")
    ctx = etree.SubElement(
        header, f"{{{INVOCATION_NS}}}InvocationContext", nsmap={"ic": INVOCATION_NS}
    )
    for tag, value in (
        ("ServiceAgreementUUID", agreement),
        ("UserSystemUUID", user_system),
        ("UserUUID", user_system),
        ("CallersServiceCallIdentifier", call_id),
        ("AccountingInfo", "Trekant"),
    ):
        etree.SubElement(ctx, f"{{{INVOCATION_NS}}}{tag}").text = str(value)
    etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(body)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def authority(parent: etree._Element, cvr: str) -> None:
    ctx = etree.SubElement(
        parent, f"{{{AUTHORITY_NS}}}AuthorityContext", nsmap={"ac": AUTHORITY_NS}
    )
    etree.SubElement(ctx, f"{{{AUTHORITY_NS}}}MunicipalityCVR").text = cvr


async def _fail(code: str, kind: str, reason: str, message: str) -> ServiceError:
    await repo.record_call(code, kind, message)
    return ServiceError(reason, message)


def _tls(cert_pem: str, key_pem: bytes) -> ssl.SSLContext:
    context = ssl.create_default_context()
    with tempfile.TemporaryDirectory(prefix="trekant-cert-") as tmp:
        path = Path(tmp) / "client.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(cert_pem.encode() + b"\n" + key_pem)
        context.load_cert_chain(str(path))
    return context


async def _token_envelope(
    code: str,
    kind: str,
    use: repo.ServiceUse,
    key: bytes,
    endpoint: str,
    action: str,
    body: etree._Element,
    call_id: uuid.UUID,
) -> bytes:
    assert use.cert_pem is not None  # checked by the caller
    sts_url = sts.sts_endpoint()
    if sts_url is None:
        raise await _fail(
            code, kind, "sts", "STS'ens adresse er ikke sat op (TREKANT_STS_ENDPOINT)"
        )
    try:
        sts_url = await check_endpoint(sts_url, get_settings().env)
    except ServiceSettingError as exc:
        raise await _fail(code, kind, "adresse", f"STS'ens adresse: {exc.message}") from exc
    try:
        token = await sts.token(code, kind, use.cert_pem, key, use.cvr, sts_url)
        return sts.secure_envelope(
            body,
            action=action,
            to=endpoint,
            call_id=call_id,
            token=token,
            cert_pem=use.cert_pem,
            key_pem=key,
        )
    except sts.StsError as exc:
        log.warning("%s token for %s refused: %s", kind, code, exc.reason)
        raise await _fail(code, kind, exc.reason, exc.message) from exc


async def call(
    code: str,
    kind: str,
    action: str,
    body: etree._Element,
    *,
    call_id: uuid.UUID | None = None,
    expect_fault: bool = False,
) -> etree._Element:
    """Send ``body`` (the operation's request element) to kommune ``code``'s ``kind``
    service and return the answer's first Body child. ``action`` names the operation
    (the ``SOAPAction`` header). With ``expect_fault`` (the connection test's call, which
    the service is meant to refuse) a SOAP Fault is the answer, returned, not an error."""
    use = await repo.get_service_use(code, kind)
    if use is None:
        raise ServiceError("ikke_sat_op", "Tjenesten er ikke sat op for kommunen")
    if not use.enabled:
        raise await _fail(code, kind, "slaaet_fra", "Tjenesten er slået fra af driften")
    if use.cert_pem is None or use.cert_not_after is None or use.sealed_key is None:
        raise await _fail(code, kind, "certifikat", "Tjenesten mangler systemcertifikat")
    if use.cert_not_after <= datetime.now(UTC):
        raise await _fail(
            code,
            kind,
            "certifikat",
            f"Systemcertifikatet udløb {use.cert_not_after:%d.%m.%Y}; driften skal indsætte et nyt",
        )
    try:
        endpoint = await check_endpoint(use.endpoint, get_settings().env)
    except ServiceSettingError as exc:
        raise await _fail(code, kind, "adresse", exc.message) from exc
    try:
        key = unseal_key(code, kind, use.cert_pem, use.sealed_key)
    except Unsealable as exc:
        raise await _fail(
            code,
            kind,
            "certifikat",
            "Certifikatets private nøgle kan ikke læses; driften skal indsætte den igen",
        ) from exc
    call_id = call_id or uuid.uuid4()
    if use.auth == "token":
        # OIO IDWS: a token from the STS, the message signed by its holder-of-key
        # certificate; the TLS connection authenticates only the service.
        verify: ssl.SSLContext | bool = True
        payload = await _token_envelope(code, kind, use, key, endpoint, action, body, call_id)
    else:
        verify = _tls(use.cert_pem, key) if endpoint.startswith("https") else True
        payload = envelope(
            body,
            agreement=use.service_agreement_uuid,
            user_system=use.user_system_uuid,
            call_id=call_id,
        )
    try:
        async with httpx.AsyncClient(
            verify=verify, timeout=TIMEOUT_SECONDS, follow_redirects=False
        ) as client:
            async with client.stream(
                "POST",
                endpoint,
                content=payload,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action},
            ) as answer:
                chunks: list[bytes] = []
                size = 0
                async for chunk in answer.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER:
                        raise await _fail(
                            code, kind, "ugyldigt_svar", "Tjenestens svar er for stort"
                        )
                    chunks.append(chunk)
                status = answer.status_code
    except httpx.TimeoutException as exc:
        raise await _fail(
            code,
            kind,
            "svarer_ikke",
            f"Tjenesten svarede ikke inden for {TIMEOUT_SECONDS:g} sekunder",
        ) from exc
    except httpx.HTTPError as exc:
        raise await _fail(code, kind, "svarer_ikke", "Tjenesten kan ikke nås") from exc
    raw = b"".join(chunks)
    try:
        root = etree.fromstring(raw, _PARSER) if raw else None
    except etree.XMLSyntaxError:
        root = None
    fault = root.find(f".//{{{SOAP_NS}}}Fault") if root is not None else None
    if expect_fault and fault is not None:
        await repo.record_call(code, kind, None)
        return fault
    if status >= 400 or fault is not None:
        text = fault.findtext("faultstring") if fault is not None else None
        if use.auth == "token":
            sts.forget(code, kind)  # a refused token is not offered again
        log.warning("%s call %s for %s failed: HTTP %s", kind, action, code, status)
        # A service may echo what it was sent: no CPR number reaches the health or audit.
        detail = f": {scrub(text.strip())[:200]}" if text else f" (HTTP {status})"
        raise await _fail(code, kind, "fejl", f"Tjenesten svarede med en fejl{detail}")
    result = root.find(f"{{{SOAP_NS}}}Body") if root is not None else None
    if result is None or len(result) == 0:
        raise await _fail(code, kind, "ugyldigt_svar", "Tjenestens svar kan ikke læses")
    await repo.record_call(code, kind, None)
    return result[0]
