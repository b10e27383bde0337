"""A token from the Serviceplatform's STS (KOMBIT's "Security Token Service" in
Fælleskommunal Adgangsstyring) for a kommune's call to a national service, and the OIO IDWS
SOAP header that presents it (docs/integrations.md, "Token (STS, OIO IDWS)").

The request is a WS-Trust 1.3 ``RequestSecurityToken`` (Issue) in a SOAP 1.2 envelope with
WS-Addressing headers, signed with the kommune's system certificate (its private key opened
in memory only): the certificate travels as a ``wsse:BinarySecurityToken``; the signature
covers Action, MessageID, To, ReplyTo, the Timestamp, the certificate and the Body. The body
asks for a SAML 2.0 token (``TokenType``) for the service's entity id (``wsp:AppliesTo``) on
behalf of the kommune's CVR number (the ``wst:Claims`` of dialect
``…/wsfed/authorization/200706/authclaims`` with ``dk:gov:saml:attribute:CvrNumberIdentifier``),
holder-of-key with the same certificate (``KeyType`` PublicKey, ``UseKey``). The STS answers
with a signed ``saml:Assertion`` whose subject is confirmed by that certificate.

Tokens are kept in this process per kommune, service and certificate until a minute before
they expire (``MARGIN``), so a job run or a burst of lookups asks the STS once. Failures are
:class:`~backend.integrations.client.ServiceError` with reason ``sts`` (refused) or
``svarer_ikke`` (time-out, unreachable) and a Danish message for the operator's console.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from backend.integrations import wssec

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSSE11 = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd"
WSU = wssec.WSU
WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512"
WSP = "http://schemas.xmlsoap.org/ws/2004/09/policy"
AUTH = "http://docs.oasis-open.org/wsfed/authorization/200706"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SBF = "urn:liberty:sb:2006-08"
SBF_PROFILE = "urn:liberty:sb:profile"
REQUEST_HEADER_NS = "http://kombit.dk/xml/schemas/RequestHeader/1/"
SOAP12_TYPE = "application/soap+xml; charset=utf-8"
ISSUE_ACTION = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue"
ISSUE_REQUEST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue"
SAML_TOKEN_TYPE = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0"  # noqa: S105
SAML_ID_TYPE = "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID"
X509_TYPE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64 = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
PUBLIC_KEY = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey"
CLAIMS_DIALECT = "http://docs.oasis-open.org/wsfed/authorization/200706/authclaims"
CVR_CLAIM = "dk:gov:saml:attribute:CvrNumberIdentifier"
HOLDER_OF_KEY = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key"

# KOMBIT's STS in the external test environment (kombit/kosdy_infrastructureSamples-net6,
# appsettings.json). Production's address comes from TREKANT_STS_ENDPOINT.
STS_TEST_ENDPOINT = (
    "https://adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/services/kombittrust/14/"
    "certificatemixed"
)
# The services' entity ids, what a token is asked for (AppliesTo). Sources in the docs.
ENTITY_IDS = {
    "sf1500": "http://stoettesystemerne.dk/service/organisation/3",
    "sf1470": "http://entityid.kombit.dk/service/sdi/sagdokumentindeks/6",
    # CPR's PersonBaseDataExtended version 5 (SF1520): the service contract's
    # ``service.entityID`` as KOMBIT's and others' clients of version 5 use it.
    "sf1520": "http://cpr.serviceplatformen.dk/service/personbasedataextended/5",
}
TIMEOUT_SECONDS = 10.0
MAX_ANSWER = 256 * 1024
MARGIN = timedelta(seconds=60)
REQUEST_LIFETIME = timedelta(minutes=5)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class StsError(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Token:
    assertion: bytes  # the saml:Assertion as the STS sent it
    assertion_id: str
    expires: datetime


_cache: dict[tuple[str, str, str], Token] = {}
_locks: dict[tuple[str, str, str], asyncio.Lock] = {}


def clear_cache() -> None:
    _cache.clear()


def forget(code: str, kind: str) -> None:
    """Drop the kommune's tokens for ``kind`` (the service refused one)."""
    for key in [k for k in _cache if k[0] == code and k[1] == kind]:
        _cache.pop(key, None)


def sts_endpoint() -> str | None:
    return os.environ.get("TREKANT_STS_ENDPOINT") or None


def _xml_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


def _load(cert_pem: str, key_pem: bytes) -> tuple[bytes, wssec.PrivateKey]:
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)
    key = serialization.load_pem_private_key(key_pem, password=None)
    if not isinstance(key, wssec.PrivateKey):
        raise StsError("certifikat", "Systemcertifikatets nøgle kan ikke bruges til at signere")
    return der, key


def _el(parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _binary_token(parent: Any, der: bytes, token_id: str | None = None) -> Any:
    attrs = {"EncodingType": BASE64, "ValueType": X509_TYPE}
    if token_id:
        attrs[f"{{{WSU}}}Id"] = token_id
    return _el(parent, WSSE, "BinarySecurityToken", base64.b64encode(der).decode(), **attrs)


def _timestamp(parent: Any, now: datetime) -> Any:
    ts = _el(parent, WSU, "Timestamp", **{f"{{{WSU}}}Id": _id("TS")})
    _el(ts, WSU, "Created", _xml_time(now))
    _el(ts, WSU, "Expires", _xml_time(now + REQUEST_LIFETIME))
    return ts


def issue_request(
    cert_pem: str, key_pem: bytes, cvr: str, entity_id: str, to: str, *, signed: bool = True
) -> bytes:
    """The signed RST Issue for ``entity_id`` on behalf of ``cvr`` (``signed=False`` only
    for the tests of the STS's refusal)."""
    der, key = _load(cert_pem, key_pem)
    now = datetime.now(UTC)
    env = etree.Element(
        f"{{{SOAP12}}}Envelope",
        nsmap={"s": SOAP12, "a": WSA, "u": WSU, "o": WSSE, "wst": WST},
    )
    header = _el(env, SOAP12, "Header")
    signed_parts = [
        _el(header, WSA, "Action", ISSUE_ACTION, **{f"{{{WSU}}}Id": _id("A")}),
        _el(header, WSA, "MessageID", f"urn:uuid:{uuid.uuid4()}", **{f"{{{WSU}}}Id": _id("M")}),
        _el(header, WSA, "To", to, **{f"{{{WSU}}}Id": _id("T")}),
    ]
    reply = _el(header, WSA, "ReplyTo", **{f"{{{WSU}}}Id": _id("R")})
    _el(reply, WSA, "Address", "http://www.w3.org/2005/08/addressing/anonymous")
    signed_parts.append(reply)
    security = _el(header, WSSE, "Security", **{f"{{{SOAP12}}}mustUnderstand": "1"})
    bst_id = _id("X509")
    bst = _binary_token(security, der, bst_id)
    ts = _timestamp(security, now)
    body = _el(env, SOAP12, "Body", **{f"{{{WSU}}}Id": _id("B")})
    rst = _el(body, WST, "RequestSecurityToken")
    _el(rst, WST, "TokenType", SAML_TOKEN_TYPE)
    _el(rst, WST, "RequestType", ISSUE_REQUEST)
    applies = _el(rst, WSP, "AppliesTo")
    _el(_el(applies, WSA, "EndpointReference"), WSA, "Address", entity_id)
    claims = _el(rst, WST, "Claims", Dialect=CLAIMS_DIALECT)
    claim = _el(claims, AUTH, "ClaimType", Uri=CVR_CLAIM)
    _el(claim, AUTH, "Value", cvr)
    _el(rst, WST, "KeyType", PUBLIC_KEY)
    _binary_token(_el(rst, WST, "UseKey"), der)
    if signed:
        ref = etree.Element(f"{{{WSSE}}}SecurityTokenReference")
        _el(ref, WSSE, "Reference", URI=f"#{bst_id}", ValueType=X509_TYPE)
        wssec.sign(security, [*signed_parts, ts, bst, body], key, ref)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def _fault_text(root: Any) -> tuple[str, str]:
    """(subcode or faultcode, reason text) of a SOAP 1.1 or 1.2 Fault."""
    fault = root.find(f".//{{{SOAP12}}}Fault")
    if fault is not None:
        code = fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Subcode/{{{SOAP12}}}Value") or ""
        text = fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text") or ""
        return code.split(":")[-1], text.strip()
    fault = root.find(f".//{{{SOAP11}}}Fault")
    if fault is not None:
        return (fault.findtext("faultcode") or "").split(":")[-1], (
            fault.findtext("faultstring") or ""
        ).strip()
    return "", ""


def read_answer(raw: bytes) -> Token:
    """The token in the STS's RSTR (its first saml:Assertion) and when it expires."""
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise StsError("sts", "STS'ens svar kan ikke læses") from exc
    code, text = _fault_text(root)
    if code or text:
        if code in ("FailedAuthentication", "InvalidSecurity", "InvalidSecurityToken"):
            raise StsError("sts", f"STS afviste certifikatet: {text[:200]}")
        raise StsError("sts", f"STS afviste anmodningen: {text[:200] or code}")
    assertion = root.find(f".//{{{WST}}}RequestedSecurityToken/{{{SAML}}}Assertion")
    if assertion is None:
        raise StsError("sts", "STS'ens svar indeholder ingen token")
    not_after = assertion.find(f"{{{SAML}}}Conditions")
    expires_text = not_after.get("NotOnOrAfter") if not_after is not None else None
    try:
        expires = datetime.fromisoformat((expires_text or "").replace("Z", "+00:00"))
    except ValueError as exc:
        raise StsError("sts", "STS'ens token har ingen gyldighedsperiode") from exc
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    token_id = assertion.get("ID")
    if not token_id:
        raise StsError("sts", "STS'ens token har intet ID")
    return Token(bytes(etree.tostring(assertion)), token_id, expires)


async def _fetch(endpoint: str, payload: bytes) -> Token:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
            async with client.stream(
                "POST",
                endpoint,
                content=payload,
                headers={"Content-Type": f'{SOAP12_TYPE}; action="{ISSUE_ACTION}"'},
            ) as answer:
                chunks: list[bytes] = []
                size = 0
                async for chunk in answer.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_ANSWER:
                        raise StsError("sts", "STS'ens svar er for stort")
                    chunks.append(chunk)
                status = answer.status_code
    except httpx.TimeoutException as exc:
        raise StsError(
            "svarer_ikke", f"STS svarede ikke inden for {TIMEOUT_SECONDS:g} sekunder"
        ) from exc
    except httpx.HTTPError as exc:
        raise StsError("svarer_ikke", "STS kan ikke nås") from exc
    raw = b"".join(chunks)
    if not raw and status >= 400:
        raise StsError("sts", f"STS svarede med en fejl (HTTP {status})")
    return read_answer(raw)


async def token(
    code: str, kind: str, cert_pem: str, key_pem: bytes, cvr: str, endpoint: str
) -> Token:
    """A token for kommune ``code``'s ``kind`` service: the cached one while it has more
    than ``MARGIN`` left, else a new one from the STS at ``endpoint``."""
    entity_id = ENTITY_IDS.get(kind)
    if entity_id is None:
        raise StsError("ikke_sat_op", "Tjenesten kan ikke kaldes med token fra STS")
    fingerprint = hashlib.sha256(cert_pem.encode()).hexdigest()
    key = (code, kind, fingerprint)
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:
        held = _cache.get(key)
        if held is not None and held.expires - MARGIN > datetime.now(UTC):
            return held
        _cache.pop(key, None)
        payload = issue_request(cert_pem, key_pem, cvr, entity_id, endpoint)
        fresh = await _fetch(endpoint, payload)
        _cache[key] = fresh
        return fresh


def secure_envelope(
    body: Any,
    *,
    action: str,
    to: str,
    call_id: uuid.UUID,
    token: Token,
    cert_pem: str,
    key_pem: bytes,
    extra_headers: list[Any] | None = None,
) -> bytes:
    """The OIO IDWS SOAP 1.1 envelope: Liberty framework header, WS-Addressing, KOMBIT's
    RequestHeader (TransactionUUID = the call id), and WS-Security with a timestamp, the
    token and a signature by the token's holder-of-key certificate over the addressing
    headers, the timestamp, the token and the Body."""
    _, key = _load(cert_pem, key_pem)
    now = datetime.now(UTC)
    env = etree.Element(f"{{{SOAP11}}}Envelope", nsmap={"s": SOAP11, "a": WSA, "u": WSU, "o": WSSE})
    header = _el(env, SOAP11, "Header")
    framework = _el(header, SBF, "Framework", version="2.0")
    framework.set(f"{{{SBF_PROFILE}}}profile", "urn:liberty:sb:profile:basic")
    signed = [
        _el(header, WSA, "Action", action, **{f"{{{WSU}}}Id": _id("A")}),
        _el(header, WSA, "MessageID", f"urn:uuid:{uuid.uuid4()}", **{f"{{{WSU}}}Id": _id("M")}),
    ]
    reply = _el(header, WSA, "ReplyTo", **{f"{{{WSU}}}Id": _id("R")})
    _el(reply, WSA, "Address", "http://www.w3.org/2005/08/addressing/anonymous")
    signed += [reply, _el(header, WSA, "To", to, **{f"{{{WSU}}}Id": _id("T")})]
    request_header = _el(header, REQUEST_HEADER_NS, "RequestHeader")
    _el(request_header, REQUEST_HEADER_NS, "TransactionUUID", str(call_id))
    for extra in extra_headers or []:
        header.append(extra)
    security = _el(header, WSSE, "Security", **{f"{{{SOAP11}}}mustUnderstand": "1"})
    ts = _timestamp(security, now)
    assertion = etree.fromstring(token.assertion, _PARSER)
    security.append(assertion)
    body_el = _el(env, SOAP11, "Body", **{f"{{{WSU}}}Id": _id("B")})
    body_el.append(body)
    ref = etree.Element(f"{{{WSSE}}}SecurityTokenReference")
    ref.set(f"{{{WSSE11}}}TokenType", SAML_TOKEN_TYPE)
    _el(ref, WSSE, "KeyIdentifier", token.assertion_id, ValueType=SAML_ID_TYPE)
    wssec.sign(security, [*signed, ts, assertion, body_el], key, ref)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))
