"""SAML 2.0 single logout (SLO) with KOMBIT's Context Handler, HTTP-Redirect binding both
ways (OIOSAML 3 requires a service provider to support SLO; the Context Handler's
SingleLogoutService is read from its metadata).

- **Trekant → Context Handler** (:func:`logout_request_url`): a LogoutRequest naming the
  person (the assertion's persistent NameID) and the session (its SessionIndex), signed on
  the query string (RSA-SHA256) with the kommune's key.
- **Context Handler → Trekant**: a LogoutResponse to that request, or a LogoutRequest of its
  own (the person logged out elsewhere), at ``/api/auth/saml/{code}/slo``. Both are accepted
  only with a valid query-string signature by a signing key in the Context Handler's
  metadata (:func:`verify_redirect`), checked over the query exactly as it was sent (the
  binding's rule; re-encoding the decoded values would break on another encoder), then read
  with defusedxml: issuer is the Context Handler, destination is this kommune's SLO
  endpoint, the request is fresh.
- **Trekant's answer** to a LogoutRequest (:func:`logout_response_url`): a signed
  LogoutResponse, Success or PartialLogout, to the Context Handler's SLO response location.
"""

from __future__ import annotations

import base64
import calendar
import time
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from defusedxml import ElementTree as SafeET

from backend.auth.saml import (
    SKEW_SECONDS,
    KommuneSp,
    SamlRefused,
    SamlUnavailable,
    slo_url,
    sp_client,
)

MAX_MESSAGE_BYTES = 64 * 1024
MAX_QUERY = 32 * 1024
REQUEST_LIFETIME = 300  # a LogoutRequest we send is valid this long

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
PARTIAL = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout"
REASON_USER = "urn:oasis:names:tc:SAML:2.0:logout:user"

# Query-string signature algorithms accepted: RSA PKCS#1 v1.5 with SHA-256/512, and
# RSASSA-PSS (MGF1) with SHA-256, which OCES3 certificates use (FoxIDs' Context Handler
# guide: "OIOSAML 3 and OCES3 (RSASSA-PSS)").
_ALGORITHMS: dict[str, tuple[hashes.HashAlgorithm, bool]] = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": (hashes.SHA256(), False),
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": (hashes.SHA512(), False),
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1": (hashes.SHA256(), True),
}


@dataclass(frozen=True)
class LogoutRequestIn:
    """A verified LogoutRequest from the Context Handler."""

    id: str
    name_id: str
    session_indexes: list[str]
    xml: bytes


@dataclass(frozen=True)
class LogoutResponseIn:
    in_response_to: str
    success: bool


def _idp_slo_endpoint(sp: KommuneSp, response: bool) -> str:
    client = sp_client(sp)
    try:
        endpoints = client.metadata.single_logout_service(sp.idp_entity_id, REDIRECT, "idpsso")
    except Exception:  # pysaml2 raises several kinds for an entity without the service
        endpoints = []
    for endpoint in endpoints or []:
        location = endpoint.get("response_location") if response else None
        location = location or endpoint.get("location")
        if location:
            return str(location)
    raise SamlUnavailable(
        "the Context Handler's metadata has no SingleLogoutService (HTTP-Redirect)",
        "Context Handlerens metadata har ingen SingleLogoutService (HTTP-Redirect)",
    )


def logout_request_url(sp: KommuneSp, name_id: str, session_index: str | None) -> tuple[str, str]:
    """A signed LogoutRequest over HTTP-Redirect for the person ``name_id`` and their
    session ``session_index``: (the Context Handler URL to send the browser to, its id)."""
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
    from saml2.xmldsig import SIG_RSA_SHA256

    client = sp_client(sp)
    destination = _idp_slo_endpoint(sp, response=False)
    request_id, request = client.create_logout_request(
        destination,
        sp.idp_entity_id,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
        reason=REASON_USER,
        expire=_instant(time.time() + REQUEST_LIFETIME),
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = client.apply_binding(
        REDIRECT, str(request), destination, relay_state="", sign=True, sigalg=SIG_RSA_SHA256
    )
    return str(dict(info["headers"])["Location"]), str(request_id)


def logout_response_url(sp: KommuneSp, request: LogoutRequestIn, success: bool) -> str:
    """The signed LogoutResponse (HTTP-Redirect) to the Context Handler's LogoutRequest."""
    from saml2.samlp import (
        STATUS_PARTIAL_LOGOUT,
        STATUS_SUCCESS,
        Status,
        StatusCode,
        logout_request_from_string,
    )
    from saml2.xmldsig import SIG_RSA_SHA256

    client = sp_client(sp)
    destination = _idp_slo_endpoint(sp, response=True)
    parsed = logout_request_from_string(request.xml.decode("utf-8"))
    status = Status(
        status_code=StatusCode(value=STATUS_SUCCESS if success else STATUS_PARTIAL_LOGOUT)
    )
    response = client.create_logout_response(parsed, [REDIRECT], status=status, sign=False)
    response.destination = destination
    info = client.apply_binding(
        REDIRECT, str(response), destination, response=True, sign=True, sigalg=SIG_RSA_SHA256
    )
    return str(dict(info["headers"])["Location"])


def _instant(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(
            calendar.timegm(time.strptime(value.split(".")[0].rstrip("Z"), "%Y-%m-%dT%H:%M:%S"))
        )
    except ValueError:
        return None


def _signing_keys(sp: KommuneSp) -> list[Any]:
    client = sp_client(sp)
    keys = []
    for _name, cert_b64 in client.metadata.certs(sp.idp_entity_id, "idpsso", "signing"):
        der = base64.b64decode("".join(str(cert_b64).split()))
        keys.append(x509.load_der_x509_certificate(der).public_key())
    return keys


def verify_redirect(sp: KommuneSp, query: str, kind: str) -> bytes:
    """The XML of the ``kind`` (``SAMLRequest``/``SAMLResponse``) message in the raw query
    string ``query``, after its signature verified with a signing key of the Context
    Handler's metadata; :class:`SamlRefused` otherwise."""
    if not query or len(query) > MAX_QUERY:
        raise SamlRefused("ugyldigt-svar", "missing or oversized query")
    raw: dict[str, str] = {}
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key in raw:
            raise SamlRefused("ugyldigt-svar", f"{key} given twice")
        raw[key] = value
    if kind not in raw or "SigAlg" not in raw or "Signature" not in raw:
        raise SamlRefused("afvist", f"{kind} without a query-string signature")
    algorithm = _ALGORITHMS.get(unquote_plus(raw["SigAlg"]))
    if algorithm is None:
        raise SamlRefused("afvist", "signature algorithm not accepted")
    signed = f"{kind}={raw[kind]}"
    if "RelayState" in raw:
        signed += f"&RelayState={raw['RelayState']}"
    signed += f"&SigAlg={raw['SigAlg']}"
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=False)
    except ValueError as exc:
        raise SamlRefused("afvist", "signature is not base64") from exc
    digest, pss = algorithm
    pad: Any = (
        padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
        if pss
        else padding.PKCS1v15()
    )
    for key in _signing_keys(sp):
        if not isinstance(key, rsa.RSAPublicKey):
            continue
        try:
            key.verify(signature, signed.encode("ascii"), pad, digest)
            break
        except (InvalidSignature, ValueError):
            continue
    else:
        raise SamlRefused("afvist", "query-string signature not valid")
    try:
        deflated = base64.b64decode(unquote_plus(raw[kind]), validate=False)
        inflater = zlib.decompressobj(-15)
        xml = inflater.decompress(deflated, MAX_MESSAGE_BYTES)
        if inflater.unconsumed_tail:
            raise SamlRefused("ugyldigt-svar", "message larger than 64 KiB")
    except (ValueError, zlib.error) as exc:
        raise SamlRefused("ugyldigt-svar", "message is not deflated base64") from exc
    return xml


def _root(sp: KommuneSp, xml: bytes, tag: str, base_url: str) -> Any:
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:
        raise SamlRefused("ugyldigt-svar", "message is not well-formed XML") from exc
    if root.tag != f"{{{_SAMLP}}}{tag}":
        raise SamlRefused("ugyldigt-svar", f"not a {tag}")
    issuer = root.find(f"{{{_SAML}}}Issuer")
    if issuer is None or (issuer.text or "").strip() != sp.idp_entity_id:
        raise SamlRefused("afvist", f"{tag} not issued by the Context Handler")
    destination = root.get("Destination")
    if destination and destination != slo_url(base_url, sp.code):
        raise SamlRefused("afvist", f"{tag} for another destination")
    issued = _epoch(root.get("IssueInstant"))
    if issued is None or abs(issued - time.time()) > REQUEST_LIFETIME + SKEW_SECONDS:
        raise SamlRefused("afvist", f"{tag} not fresh (IssueInstant)")
    return root


def read_logout_response(sp: KommuneSp, xml: bytes, base_url: str) -> LogoutResponseIn:
    """A verified (see :func:`verify_redirect`) LogoutResponse, read."""
    root = _root(sp, xml, "LogoutResponse", base_url)
    in_response_to = root.get("InResponseTo") or ""
    if not in_response_to or len(in_response_to) > 200:
        raise SamlRefused("ugyldigt-svar", "LogoutResponse without InResponseTo")
    status = root.find(f"{{{_SAMLP}}}Status/{{{_SAMLP}}}StatusCode")
    success = status is not None and status.get("Value") == SUCCESS
    return LogoutResponseIn(in_response_to, success)


def read_logout_request(sp: KommuneSp, xml: bytes, base_url: str) -> LogoutRequestIn:
    """A verified (see :func:`verify_redirect`) LogoutRequest, read: its id, the person's
    NameID and the sessions it names (none: every session of the person)."""
    root = _root(sp, xml, "LogoutRequest", base_url)
    request_id = root.get("ID") or ""
    if not request_id or len(request_id) > 200:
        raise SamlRefused("ugyldigt-svar", "LogoutRequest without ID")
    expires = _epoch(root.get("NotOnOrAfter"))
    if root.get("NotOnOrAfter") and (expires is None or expires + SKEW_SECONDS < time.time()):
        raise SamlRefused("afvist", "LogoutRequest expired")
    name_id = root.find(f"{{{_SAML}}}NameID")
    subject = (name_id.text or "").strip() if name_id is not None else ""
    if not subject or len(subject) > 500:
        raise SamlRefused("afvist", "LogoutRequest without NameID")
    indexes = [
        (el.text or "").strip()[:200]
        for el in root.findall(f"{{{_SAMLP}}}SessionIndex")
        if (el.text or "").strip()
    ][:20]
    return LogoutRequestIn(request_id, subject, indexes, xml)
