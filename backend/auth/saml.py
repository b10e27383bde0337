"""Trekant as a SAML 2.0 service provider behind KOMBIT's Context Handler
(Fælleskommunal Adgangsstyring), by the OIOSAML 3 web SSO profile, with pysaml2 and
Debian's ``xmlsec1``.

One service provider per kommune: entity id ``{public}/api/auth/saml/{code}/metadata``,
assertion consumer service ``{public}/api/auth/saml/{code}/acs`` (HTTP-POST), signed
AuthnRequests over HTTP-Redirect (RSA-SHA256). The kommune's signing and encryption key
and certificate are the kommune's own, from ``TREKANT_SAML_KEY_<code>`` and
``TREKANT_SAML_CERT_<code>`` (PEM) and no other variable: one kommune's key never opens
another kommune's assertions.

A response is accepted only when every check passes (:func:`verify_response`): the
assertion is encrypted (a plain ``<Assertion>`` is refused before decryption) and signed by
the Context Handler's key from its metadata; audience is this kommune's entity id; the
time conditions hold with 30 s skew; ``InResponseTo`` names the AuthnRequest this browser
started (the caller looks it up in Redis); the assertion id was never seen before (replay
cache in Redis until ``NotOnOrAfter``); the NSIS level of assurance is at least the
kommune's required level; and the privileges attribute (OIO Basic Privilege Profile)
carries at least one of Trekant's brugersystemroller for the kommune's CVR number.
"""

from __future__ import annotations

import asyncio
import base64
import calendar
import contextlib
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from defusedxml import ElementTree as SafeET

from backend.core.tls import client_context

XMLSEC = os.environ.get("TREKANT_XMLSEC1", "/usr/bin/xmlsec1")
SKEW_SECONDS = 30
MAX_RESPONSE_BYTES = 256 * 1024
MAX_METADATA_BYTES = 256 * 1024
METADATA_TTL = 600.0

NSIS_LEVELS = ("Low", "Substantial", "High")
SPEC_VERSION = "OIO-SAML-3.0"

# OIOSAML 3.0 attribute names (OIOSAML Web SSO Profile 3.0, § 5; KOMBIT's Context Handler
# sends the same names in its OIOSAML 3 profile).
ATTR_SPEC_VERSION = "https://data.gov.dk/model/core/specVersion"
ATTR_LOA = "https://data.gov.dk/concept/core/nsis/loa"
ATTR_PRIVILEGES = "https://data.gov.dk/model/core/eid/privilegesIntermediate"
ATTR_PRIVILEGES_OIOSAML2 = "dk:gov:saml:attribute:Privileges_intermediate"
ATTR_CVR = "https://data.gov.dk/model/core/eid/professional/cvr"
ATTR_ORG_NAME = "https://data.gov.dk/model/core/eid/professional/orgName"
ATTR_FULL_NAME = "https://data.gov.dk/model/core/eid/fullName"
ATTR_EMAIL = "https://data.gov.dk/model/core/eid/email"
ATTR_UUID = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"

# The OIO Basic Privilege Profile (1.2 uses digst.dk, older issuers itst.dk).
BPP_NAMESPACES = (
    "http://digst.dk/oiosaml/basic_privilege_profile",
    "http://itst.dk/oiosaml/basic_privilege_profile",
)
CVR_SCOPE = "urn:dk:gov:saml:cvrNumberIdentifier:"
NSIS_CLASS_REF = "https://data.gov.dk/concept/core/nsis/"

# Trekant's brugersystemroller, as registered in Fælleskommunalt Administrationsmodul:
# entity id per role, and its description there. A privilege carrying one of these
# entity ids gives the Trekant role (backend/core/permissions.py).
ROLE_PREFIX = "http://trekant.dk/roles/usersystemrole/"
USER_SYSTEM_ROLES: dict[str, tuple[str, str]] = {
    "sagsbehandler": (
        "Sagsbehandler",
        "Sagsbehandler i børne- og ungeområdet: egne og teamets sager, underretninger, "
        "undersøgelser, afgørelser, breve.",
    ),
    "leder": (
        "Leder",
        "Faglig leder: teamets sager, fordeling, godkendelser og ledelsesinformation.",
    ),
    "oekonomi": ("Økonomi", "Økonomimedarbejder: bevillinger, betalinger og priser."),
    "administrator": (
        "Administrator",
        "Kommunens administrator: brugere, teams, indstillinger og revisionsspor.",
    ),
    "laeser": ("Læser", "Læseadgang, fx revision: ser sager uden at ændre dem."),
}
# The data restrictions (dataafgrænsninger) a role may carry, and how each value looks.
CONSTRAINT_KLE = "http://sts.kombit.dk/constraints/KLE/1"
CONSTRAINT_ORG = "http://sts.kombit.dk/constraints/orgenhed/1"
CONSTRAINTS: dict[str, re.Pattern[str]] = {
    CONSTRAINT_KLE: re.compile(r"^\d{2}(\.\d{2}(\.\d{2})?)?(\.\*)?$"),
    CONSTRAINT_ORG: re.compile(
        r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    ),
}
CONSTRAINT_KEYS = {CONSTRAINT_KLE: "kle", CONSTRAINT_ORG: "orgenhed"}


def role_entity_id(role: str) -> str:
    return f"{ROLE_PREFIX}{role}/1"


ROLE_BY_ENTITY_ID = {role_entity_id(role): role for role in USER_SYSTEM_ROLES}


class SamlRefused(Exception):
    """A SAML response that fails a check. ``code`` is what the login page explains in
    Danish; ``reason`` (English, no personal data) goes to the audit and the log."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class SamlUnavailable(Exception):
    """The Context Handler's metadata cannot be had, or the kommune's keys are missing.
    ``operator_message`` (Danish) is what the operator console shows as the login's health."""

    def __init__(self, reason: str, operator_message: str = "") -> None:
        super().__init__(reason)
        self.operator_message = operator_message or "Log ind via Context Handleren fejler"


@dataclass(frozen=True)
class KommuneSp:
    """What a kommune's service provider needs."""

    code: str
    base_url: str
    idp_entity_id: str
    idp_metadata: str
    cvr: str
    nsis_level: str

    @property
    def entity_id(self) -> str:
        return sp_entity_id(self.base_url, self.code)

    @property
    def acs_url(self) -> str:
        return acs_url(self.base_url, self.code)


def sp_entity_id(base_url: str, code: str) -> str:
    return f"{base_url}/api/auth/saml/{code}/metadata"


def acs_url(base_url: str, code: str) -> str:
    return f"{base_url}/api/auth/saml/{code}/acs"


def slo_url(base_url: str, code: str) -> str:
    """The kommune's SingleLogoutService (HTTP-Redirect), published in its SP metadata."""
    return f"{base_url}/api/auth/saml/{code}/slo"


@dataclass
class SamlIdentity:
    """A verified assertion, read into what Trekant needs."""

    assertion_id: str
    not_on_or_after: float
    name_id: str
    username: str
    display_name: str
    nsis_level: str
    roles: dict[str, dict[str, list[str]]]
    ignored_privileges: list[str] = field(default_factory=list)
    # The Context Handler's session (AuthnStatement/@SessionIndex), named in single logout.
    session_index: str | None = None


# --- keys ----------------------------------------------------------------------------


def key_env(code: str) -> str:
    return f"TREKANT_SAML_KEY_{code}"


def cert_env(code: str) -> str:
    return f"TREKANT_SAML_CERT_{code}"


_key_files: dict[tuple[str, str, str], tuple[str, str]] = {}
_key_dir: str | None = None


def _sp_key_files(code: str) -> tuple[str, str]:
    """The kommune's key and certificate as files for xmlsec1 (private to this process,
    mode 0600); :class:`SamlUnavailable` when its variables are not set."""
    global _key_dir
    key, cert = os.environ.get(key_env(code), ""), os.environ.get(cert_env(code), "")
    if "PRIVATE KEY" not in key or "CERTIFICATE" not in cert:
        raise SamlUnavailable(f"{key_env(code)} and {cert_env(code)} must hold PEM")
    cached = _key_files.get((code, key, cert))
    if cached:
        return cached
    if _key_dir is None:
        _key_dir = tempfile.mkdtemp(prefix="trekant-saml-")
    key_path, cert_path = Path(_key_dir) / f"{code}.key", Path(_key_dir) / f"{code}.crt"
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    cert_path.write_text(cert)
    _key_files[(code, key, cert)] = (str(key_path), str(cert_path))
    return str(key_path), str(cert_path)


def sp_certificate(code: str) -> str:
    """The kommune's certificate (PEM), for its metadata."""
    cert = os.environ.get(cert_env(code), "")
    if "CERTIFICATE" not in cert:
        raise SamlUnavailable(f"{cert_env(code)} is not set")
    return cert


# --- the Context Handler's metadata ---------------------------------------------------

_metadata_cache: dict[tuple[str, str | None], tuple[float, str]] = {}

_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
_DS = "http://www.w3.org/2000/09/xmldsig#"


def check_metadata_cert(pem: str) -> str:
    """``pem`` if it is one readable X.509 certificate that has not expired; else
    ``ValueError`` with a Danish reason (the operator's field)."""
    from cryptography import x509

    text = pem.strip()
    if not text.startswith("-----BEGIN CERTIFICATE-----") or len(text) > 20_000:
        raise ValueError(
            "Indsæt certifikatet, der signerer metadata, som PEM (-----BEGIN CERTIFICATE-----)"
        )
    try:
        cert = x509.load_pem_x509_certificate(text.encode())
    except ValueError as exc:
        raise ValueError("Certifikatet kan ikke læses (PEM)") from exc
    if cert.not_valid_after_utc.timestamp() < time.time():
        raise ValueError(
            f"Certifikatet udløb {cert.not_valid_after_utc:%d.%m.%Y}: hent KOMBITs gældende"
        )
    return text


def metadata_cert_info(pem: str | None) -> tuple[str, datetime] | None:
    """The subject (RFC 4514, e.g. ``CN=…,O=…,C=DK``) and expiry of a stored metadata
    certificate, for the operator's console (which shows these, never the PEM); ``None``
    when none is stored or it cannot be read."""
    from cryptography import x509

    if not pem:
        return None
    try:
        cert = x509.load_pem_x509_certificate(pem.strip().encode())
    except ValueError:
        return None
    return cert.subject.rfc4514_string(), cert.not_valid_after_utc


def _verify_metadata_signature(body: bytes, root: Any, cert_pem: str) -> None:
    """The metadata's root element carries an enveloped XML signature (one Reference, to the
    root's own ID) that verifies with ``cert_pem`` (xmlsec1, through pysaml2's backend);
    :class:`SamlUnavailable` otherwise. The structure is checked first so that a valid
    signature over some other element of the document (signature wrapping) counts for
    nothing."""
    from saml2.sigver import CryptoBackendXmlSec1, SignatureError

    root_id = root.get("ID") or ""
    # The document's first Signature must be a child of the root (enveloped).
    signature = next(root.iter(f"{{{_DS}}}Signature"), None)
    if not root_id or signature is None or signature not in list(root):
        raise SamlUnavailable(
            "metadata not signed",
            "Context Handlerens metadata er ikke signeret, men driften har angivet et "
            "certifikat, der skal signere den",
        )
    references = signature.findall(f"{{{_DS}}}SignedInfo/{{{_DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != f"#{root_id}":
        raise SamlUnavailable(
            "metadata signature does not cover the whole document",
            "Context Handlerens metadata er signeret, men signaturen dækker ikke hele metadata",
        )
    fd, cert_file = tempfile.mkstemp(prefix="trekant-md-", suffix=".pem")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(cert_pem)
        ok = CryptoBackendXmlSec1(XMLSEC, delete_tmpfiles=True).validate_signature(
            body, cert_file, "pem", f"{_MD}:EntityDescriptor", root_id
        )
    except SignatureError:
        ok = False
    finally:
        os.unlink(cert_file)
    if not ok:
        raise SamlUnavailable(
            "metadata signature not valid for the configured certificate",
            "Context Handlerens metadata er ikke signeret med det certifikat, driften har "
            "angivet (ugyldig signatur eller andet certifikat)",
        )


async def idp_metadata(url: str, entity_id: str, cert_pem: str | None = None) -> str:
    """The Context Handler's metadata from ``url`` (10 s, 256 KiB, cached 10 minutes); it
    must describe ``entity_id`` and, with ``cert_pem``, carry a valid XML signature by that
    certificate over the whole document. The URL was checked by the caller
    (``backend.core.public_url``)."""
    cached = _metadata_cache.get((url, cert_pem))
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        async with (
            httpx.AsyncClient(
                timeout=10.0, verify=client_context(), follow_redirects=False
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise SamlUnavailable(
                    f"metadata answered {response.status_code}",
                    f"Context Handlerens metadata kan ikke hentes (svar {response.status_code})",
                )
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_METADATA_BYTES:
                    raise SamlUnavailable(
                        "metadata larger than 256 KiB",
                        "Context Handlerens metadata er større end 256 KiB",
                    )
    except httpx.HTTPError as exc:
        raise SamlUnavailable(
            f"metadata not reachable: {type(exc).__name__}",
            "Context Handlerens metadata kan ikke hentes (adressen svarer ikke)",
        ) from exc
    text = body.decode("utf-8", "replace")
    try:
        root = SafeET.fromstring(body)
    except Exception as exc:
        raise SamlUnavailable(
            "metadata is not XML", "Context Handlerens metadata er ikke gyldig XML"
        ) from exc
    if root.get("entityID") != entity_id:
        raise SamlUnavailable(
            "metadata describes another entity than the configured one",
            "Context Handlerens metadata beskriver et andet entity id end det angivne",
        )
    if cert_pem:
        await asyncio.to_thread(_verify_metadata_signature, body, root, cert_pem)
    _metadata_cache[(url, cert_pem)] = (time.monotonic() + METADATA_TTL, text)
    return text


# --- pysaml2 -------------------------------------------------------------------------


_clients: dict[tuple[KommuneSp, str, str], Any] = {}


def sp_client(sp: KommuneSp) -> Any:
    """The kommune's pysaml2 client, kept while its settings, the Context Handler's
    metadata and the kommune's key stay the same (loading metadata takes a while)."""
    key_file, _cert_file = _sp_key_files(sp.code)
    cache_key = (sp, key_file, os.environ.get(key_env(sp.code), ""))
    client = _clients.get(cache_key)
    if client is None:
        for old in [k for k in _clients if k[0].code == sp.code and k[0].base_url == sp.base_url]:
            del _clients[old]
        client = _clients[cache_key] = _new_client(sp)
    return client


def _new_client(sp: KommuneSp) -> Any:
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.client import Saml2Client
    from saml2.config import SPConfig
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    key_file, cert_file = _sp_key_files(sp.code)
    config = SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "xmlsec_binary": XMLSEC,
            "key_file": key_file,
            "cert_file": cert_file,
            "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
            "metadata": {"inline": [sp.idp_metadata]},
            "accepted_time_diff": SKEW_SECONDS,
            "allow_unknown_attributes": True,
            "delete_tmpfiles": True,
            "service": {
                "sp": {
                    "name": f"Trekant {sp.code}",
                    "endpoints": {
                        "assertion_consumer_service": [(sp.acs_url, BINDING_HTTP_POST)],
                        "single_logout_service": [
                            (slo_url(sp.base_url, sp.code), BINDING_HTTP_REDIRECT)
                        ],
                    },
                    "authn_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "want_assertions_or_response_signed": True,
                    "allow_unsolicited": False,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                    "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
                    "idp": {sp.idp_entity_id: {}},
                    "binding": BINDING_HTTP_REDIRECT,
                }
            },
        }
    )
    return Saml2Client(config=config)


_sp_metadata: dict[tuple[str, str, str], str] = {}


def sp_metadata(code: str, base_url: str) -> str:
    """The kommune's SP metadata (cached per certificate)."""
    cache_key = (code, base_url, sp_certificate(code))
    if cache_key not in _sp_metadata:
        _sp_metadata[cache_key] = _make_sp_metadata(code, base_url)
    return _sp_metadata[cache_key]


def _make_sp_metadata(code: str, base_url: str) -> str:
    """The kommune's SP metadata (for registration with KOMBIT): entity id, ACS
    (HTTP-POST), signing and encryption certificate, persistent NameID, signed requests."""
    from saml2.config import SPConfig
    from saml2.metadata import entity_descriptor
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    key_file, cert_file = _sp_key_files(code)
    config = SPConfig()
    config.load(
        {
            "entityid": sp_entity_id(base_url, code),
            "xmlsec_binary": XMLSEC,
            "key_file": key_file,
            "cert_file": cert_file,
            "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
            "service": {
                "sp": {
                    "name": f"Trekant {code}",
                    "endpoints": {
                        "assertion_consumer_service": [
                            (
                                acs_url(base_url, code),
                                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                            )
                        ],
                        "single_logout_service": [
                            (
                                slo_url(base_url, code),
                                "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                            )
                        ],
                    },
                    "authn_requests_signed": True,
                    "want_assertions_signed": True,
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                }
            },
        }
    )
    return str(entity_descriptor(config))


def authn_request_url(sp: KommuneSp) -> tuple[str, str]:
    """A signed AuthnRequest over HTTP-Redirect asking for at least the kommune's NSIS
    level: (the Context Handler URL to send the browser to, the request id)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import AuthnContextClassRef
    from saml2.samlp import RequestedAuthnContext
    from saml2.xmldsig import SIG_RSA_SHA256

    client = sp_client(sp)
    context = RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(text=NSIS_CLASS_REF + sp.nsis_level)],
        comparison="minimum",
    )
    request_id, info = client.prepare_for_authenticate(
        entityid=sp.idp_entity_id,
        binding=BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
        requested_authn_context=context,
    )
    location = dict(info["headers"])["Location"]
    return str(location), str(request_id)


# --- the response --------------------------------------------------------------------

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_XMLENC = "http://www.w3.org/2001/04/xmlenc#"


def decode_response(saml_response: str) -> bytes:
    """The response's XML; :class:`SamlRefused` when it is not base64 or too large."""
    if not saml_response or len(saml_response) > MAX_RESPONSE_BYTES * 4 // 3 + 4:
        raise SamlRefused("ugyldigt-svar", "missing or oversized SAMLResponse")
    try:
        return base64.b64decode(saml_response, validate=False)
    except ValueError as exc:
        raise SamlRefused("ugyldigt-svar", "SAMLResponse is not base64") from exc


def peek_in_response_to(xml: bytes) -> str:
    """The (not yet verified) ``InResponseTo`` of a response, to find the pending login;
    also refuses a response whose assertion is not encrypted."""
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:
        raise SamlRefused("ugyldigt-svar", "SAMLResponse is not well-formed XML") from exc
    if root.tag != f"{{{_SAMLP}}}Response":
        raise SamlRefused("ugyldigt-svar", "not a SAML Response")
    if root.find(f"{{{_SAML}}}Assertion") is not None:
        raise SamlRefused("afvist", "assertion not encrypted")
    if root.find(f"{{{_SAML}}}EncryptedAssertion") is None:
        status = root.find(f"{{{_SAMLP}}}Status/{{{_SAMLP}}}StatusCode")
        value = status.get("Value", "") if status is not None else ""
        if value and not value.endswith(":Success"):
            raise SamlRefused("afbrudt", f"Context Handler answered {value.rsplit(':', 1)[-1]}")
        raise SamlRefused("afvist", "no encrypted assertion")
    for method in root.iter(f"{{{_XMLENC}}}EncryptionMethod"):
        algorithm = method.get("Algorithm", "")
        if (
            algorithm.startswith(
                ("http://www.w3.org/2001/04/xmlenc#aes", "http://www.w3.org/2009/xmlenc11#aes")
            )
            and "gcm" not in algorithm
            and "kw-" not in algorithm
        ):
            raise SamlRefused(
                "afvist", f"assertion encrypted with {algorithm.rsplit('#', 1)[-1]}, not AES-GCM"
            )
        if algorithm.endswith(("#tripledes-cbc", "#des-cbc")):
            raise SamlRefused(
                "afvist", f"assertion encrypted with {algorithm.rsplit('#', 1)[-1]}, not AES-GCM"
            )
    return str(root.get("InResponseTo") or "")


def verify_response(sp: KommuneSp, xml: bytes, request_id: str) -> SamlIdentity:
    """Decrypt and verify the response for the AuthnRequest ``request_id`` and read it.

    pysaml2 checks the signature against the Context Handler's metadata, the audience (this
    kommune's entity id), the destination, the time conditions with ``SKEW_SECONDS`` and
    ``InResponseTo``; here the assertion's own signature, the NSIS level, the OIOSAML 3
    spec version and the privileges. The replay check is the caller's (Redis).
    """
    from saml2 import BINDING_HTTP_POST
    from saml2.response import StatusError

    peek_in_response_to(xml)
    client = sp_client(sp)
    encoded = base64.b64encode(xml).decode()
    response = None
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    except StatusError as exc:
        raise SamlRefused("afbrudt", f"Context Handler status {type(exc).__name__}") from exc
    except Exception as exc:  # pysaml2 raises many kinds; each is a refusal
        raise SamlRefused("afvist", _pysaml2_reason(exc)) from exc
    finally:
        # pysaml2 caches every person it has seen (for its own single logout); Trekant keeps
        # sessions in Redis, so the cache is emptied rather than grow with every login.
        seen = getattr(response, "name_id", None)
        if seen is not None:
            with contextlib.suppress(KeyError):
                client.users.remove_person(seen)
    if response is None:
        raise SamlRefused("afvist", "response not accepted")
    assertion = response.assertion
    if assertion is None:
        raise SamlRefused("afvist", "no assertion this kommune's key can decrypt")
    if assertion.signature is None:
        raise SamlRefused("afvist", "assertion not signed")
    attributes = _attributes(assertion)
    if attributes.get(ATTR_SPEC_VERSION, [""])[0] != SPEC_VERSION:
        raise SamlRefused("afvist", "not an OIOSAML 3.0 assertion (specVersion)")
    level = attributes.get(ATTR_LOA, [""])[0]
    if level not in NSIS_LEVELS:
        raise SamlRefused("sikringsniveau", "no NSIS level of assurance")
    if NSIS_LEVELS.index(level) < NSIS_LEVELS.index(sp.nsis_level):
        raise SamlRefused("sikringsniveau", f"NSIS level {level} below {sp.nsis_level}")
    cvr = attributes.get(ATTR_CVR, [""])[0]
    if cvr and cvr != sp.cvr:
        raise SamlRefused("afvist", "the user belongs to another organisation (CVR)")
    raw_privileges = (
        attributes.get(ATTR_PRIVILEGES) or attributes.get(ATTR_PRIVILEGES_OIOSAML2) or [""]
    )[0]
    if not raw_privileges:
        raise SamlRefused("ingen-roller", "no privileges attribute")
    roles, ignored = parse_privileges(raw_privileges, sp.cvr)
    if not roles:
        if ignored:
            raise SamlRefused("ukendt-rolle", "no privilege Trekant knows: " + ", ".join(ignored))
        raise SamlRefused("ingen-roller", "no privilege for this kommune")
    name_id = response.name_id
    subject = str(getattr(name_id, "text", "") or "").strip()
    if not subject or len(subject) > 500:
        raise SamlRefused("afvist", "no NameID")
    email = attributes.get(ATTR_EMAIL, [""])[0].strip().lower()
    if not (3 <= len(email) <= 254) or "@" not in email:
        raise SamlRefused("mangler-oplysninger", "no usable e-mail attribute")
    name = attributes.get(ATTR_FULL_NAME, [""])[0].strip()[:200] or email
    session_index = next(
        (
            str(statement.session_index)[:200]
            for statement in assertion.authn_statement or []
            if statement.session_index
        ),
        None,
    )
    conditions = assertion.conditions
    not_after = _epoch(conditions.not_on_or_after) if conditions is not None else 0.0
    return SamlIdentity(
        assertion_id=str(assertion.id),
        not_on_or_after=not_after or time.time() + 300,
        name_id=subject,
        username=email,
        display_name=name,
        nsis_level=level,
        roles=roles,
        ignored_privileges=ignored,
        session_index=session_index,
    )


def _pysaml2_reason(exc: Exception) -> str:
    text = str(exc).lower()
    name = type(exc).__name__
    if "condition not ok" in text:
        return "conditions not met (audience or validity period)"
    if "audience" in text or "not for me" in text or name == "ToEarly":
        return "wrong audience" if "audience" in text or "not for me" in text else "not yet valid"
    if name in ("ResponseLifetimeExceed",) or "expired" in text or "lifetime" in text:
        return "expired"
    if "signature" in text or "signed" in text or name in ("SignatureError",):
        return "signature not valid"
    if "in_response_to" in text or "unsolicited" in text or name == "UnsolicitedResponse":
        return "InResponseTo does not match"
    if "decrypt" in text:
        return "cannot decrypt (not for this kommune's key)"
    return f"response not valid ({name})"


def _epoch(value: str | None) -> float:
    if not value:
        return 0.0
    from saml2.time_util import str_to_time

    try:
        return float(calendar.timegm(str_to_time(value)))
    except (ValueError, TypeError):
        return 0.0


def _attributes(assertion: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values = [str(v.text or "").strip() for v in attribute.attribute_value or []]
            found.setdefault(str(attribute.name), []).extend(values)
    return found


def parse_privileges(raw: str, cvr: str) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """Trekant's roles with their data restrictions from the base64 OIO-BPP
    ``PrivilegeList``, for privilege groups scoped to ``cvr``; and the privileges that were
    ignored (not Trekant's, or with a restriction Trekant cannot honour).

    A privilege with an unknown or malformed restriction is ignored rather than granted
    without it: a role is never wider than the Administrationsmodul gave it.
    """
    if len(raw) > 64 * 1024:
        raise SamlRefused("afvist", "privileges attribute too large")
    try:
        xml = base64.b64decode(raw.strip(), validate=False)
        root = SafeET.fromstring(xml)
    except Exception as exc:
        raise SamlRefused("afvist", "privileges attribute is not base64 OIO-BPP XML") from exc
    if not any(root.tag == f"{{{ns}}}PrivilegeList" for ns in BPP_NAMESPACES):
        raise SamlRefused("afvist", "privileges attribute is not a PrivilegeList")
    roles: dict[str, dict[str, list[str]]] = {}
    ignored: list[str] = []
    for group in root.iter():
        if group.tag.rsplit("}", 1)[-1] != "PrivilegeGroup":
            continue
        if group.get("Scope", "") != CVR_SCOPE + cvr:
            continue  # another organisation's privileges
        constraints: dict[str, list[str]] = {}
        bad_constraint = False
        for child in group:
            if child.tag.rsplit("}", 1)[-1] != "Constraint":
                continue
            name, value = child.get("Name", ""), (child.text or "").strip()
            pattern = CONSTRAINTS.get(name)
            values = [v.strip() for v in value.split(",") if v.strip()]
            if pattern is None or not values or not all(pattern.match(v) for v in values):
                bad_constraint = True
                continue
            constraints.setdefault(CONSTRAINT_KEYS[name], []).extend(values)
        for child in group:
            if child.tag.rsplit("}", 1)[-1] != "Privilege":
                continue
            entity_id = (child.text or "").strip()[:300]
            role = ROLE_BY_ENTITY_ID.get(entity_id)
            if role is None or bad_constraint:
                ignored.append(entity_id)
                continue
            merged = roles.setdefault(role, {})
            for key, values in constraints.items():
                merged.setdefault(key, []).extend(v for v in values if v not in merged.get(key, []))
    return roles, ignored
