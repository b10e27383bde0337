"""The development STS of ``infra/serviceplatform`` and the token check of its services.

The STS (``STS_PATH``) takes a WS-Trust 1.3 Issue as KOMBIT's does (see
``backend/integrations/sts.py``) and refuses, as a SOAP 1.2 Fault with subcode
``wst:FailedAuthentication``, a request that is unsigned, whose signature does not verify
with the certificate in its BinarySecurityToken or does not cover Body and Timestamp, whose
timestamp has expired, or whose certificate is not registered for the CVR number it asks
for (``POST /dev/sts/certifikat``, what KOMBIT's administration module does when a kommune
approves the IT system's service agreement). Otherwise it issues a SAML 2.0 assertion signed
with its own key: audience the service's entity id, the CVR as
``dk:gov:saml:attribute:CvrNumberIdentifier``, holder-of-key confirmed by the caller's
certificate, valid ``lifetime`` seconds (``POST /dev/sts {"lifetime": n}``).

A service call carrying WS-Security is checked by :func:`check_call`: the token's signature
is the STS's, it has not expired, its audience is the service, and the message is signed by
the token's holder-of-key certificate over Body, Timestamp, token, Action and To.
"""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree

from backend.integrations import sts as proto
from backend.integrations import wssec

ISSUER = "https://sts.serviceplatform.udvikling.trekant.dk"
DS = wssec.DS
SKEW = timedelta(seconds=30)
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _now() -> datetime:
    return datetime.now(UTC)


def _time(text: str | None) -> datetime:
    try:
        value = datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError as exc:
        raise Refused("InvalidSecurity", "Ugyldigt tidspunkt") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def identity(folder: Path | None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The development STS's signing key and certificate: kept in ``folder`` (``sts-key.pem``,
    ``sts.pem``; made once), so the services in other processes (``infra/sf1520``) verify its
    tokens with :func:`sts_certificate`; without a folder, a new one in memory."""
    key_path = folder / "sts-key.pem" if folder else None
    cert_path = folder / "sts.pem" if folder else None
    if key_path and cert_path and key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if isinstance(key, ec.EllipticCurvePrivateKey) and cert.not_valid_after_utc > _now():
            return key, cert
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Udviklings-STS")])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    if key_path and cert_path:
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def sts_certificate(folder: Path) -> Path:
    """The development STS's certificate file in ``folder`` (made if missing): what a
    development service trusts tokens by."""
    identity(folder)
    return folder / "sts.pem"


class DevSts:
    def __init__(self, registered: dict[str, list[str]], folder: Path | None = None) -> None:
        self.lock = threading.Lock()
        self.key, self.cert = identity(folder)
        self.registered = registered  # CVR -> SHA-256 fingerprints (hex) of certificates
        self.lifetime = 3600
        self.issued = 0

    # --- administration (development) ---------------------------------------------------

    def register(self, cvr: str, cert_pem: str) -> None:
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
        with self.lock:
            held = self.registered.setdefault(cvr, [])
            if fingerprint not in held:
                held.append(fingerprint)

    # --- the STS ------------------------------------------------------------------------

    def issue(self, raw: bytes) -> bytes:
        try:
            root = etree.fromstring(raw, PARSER)
        except etree.XMLSyntaxError as exc:
            raise Refused("InvalidRequest", "Anmodningen er ikke gyldig XML") from exc
        security = root.find(f"{{{proto.SOAP12}}}Header/{{{proto.WSSE}}}Security")
        body = root.find(f"{{{proto.SOAP12}}}Body")
        if security is None or body is None:
            raise Refused("FailedAuthentication", "Anmodningen har ingen WS-Security-header")
        bst = security.find(f"{{{proto.WSSE}}}BinarySecurityToken")
        signature = security.find(f"{{{DS}}}Signature")
        if bst is None or not bst.text:
            raise Refused("FailedAuthentication", "Anmodningen har intet certifikat")
        if signature is None:
            raise Refused("FailedAuthentication", "Anmodningen er ikke signeret")
        try:
            der = base64.b64decode(bst.text)
            cert = x509.load_der_x509_certificate(der)
        except ValueError as exc:
            raise Refused("FailedAuthentication", "Certifikatet kan ikke læses") from exc
        public = cert.public_key()
        if not isinstance(public, wssec.PublicKey):
            raise Refused("FailedAuthentication", "Certifikatets nøgletype kendes ikke")
        try:
            covered = wssec.verify(signature, public)
        except wssec.SignatureError as exc:
            raise Refused("FailedAuthentication", f"Signaturen afvist: {exc}") from exc
        ts = security.find(f"{{{wssec.WSU}}}Timestamp")
        if body not in covered or ts is None or ts not in covered:
            raise Refused("FailedAuthentication", "Signaturen dækker ikke Body og Timestamp")
        if _time(ts.findtext(f"{{{wssec.WSU}}}Expires")) < _now() - SKEW:
            raise Refused("FailedAuthentication", "Anmodningens tidsstempel er udløbet")
        now = _now()
        if not (cert.not_valid_before_utc - SKEW <= now <= cert.not_valid_after_utc):
            raise Refused("FailedAuthentication", "Certifikatet er udløbet")
        rst = body.find(f"{{{proto.WST}}}RequestSecurityToken")
        if rst is None:
            raise Refused("InvalidRequest", "RequestSecurityToken mangler")
        applies = rst.findtext(
            f"{{{proto.WSP}}}AppliesTo/{{{proto.WSA}}}EndpointReference/{{{proto.WSA}}}Address"
        )
        if applies not in proto.ENTITY_IDS.values():
            raise Refused("InvalidRequest", f"Ukendt tjeneste (AppliesTo {applies})")
        cvr = None
        for claim in rst.iterfind(f"{{{proto.WST}}}Claims/{{{proto.AUTH}}}ClaimType"):
            if claim.get("Uri") == proto.CVR_CLAIM:
                cvr = claim.findtext(f"{{{proto.AUTH}}}Value")
        if not cvr:
            raise Refused("InvalidRequest", "Anmodningen mangler kommunens CVR-nummer")
        use_key = rst.findtext(f"{{{proto.WST}}}UseKey/{{{proto.WSSE}}}BinarySecurityToken")
        if use_key is None or base64.b64decode(use_key) != der:
            raise Refused("FailedAuthentication", "UseKey er ikke det signerende certifikat")
        with self.lock:
            allowed = cert.fingerprint(hashes.SHA256()).hex() in self.registered.get(cvr, [])
            lifetime = self.lifetime
        if not allowed:
            raise Refused(
                "FailedAuthentication",
                f"Certifikatet er ikke registreret til en serviceaftale for CVR {cvr}",
            )
        assertion = self._assertion(cert, der, cvr, applies, lifetime)
        with self.lock:
            self.issued += 1
        return self._answer(assertion, applies)

    def _assertion(
        self, cert: x509.Certificate, der: bytes, cvr: str, audience: str, lifetime: int
    ) -> Any:
        saml = proto.SAML
        now = _now()
        ns = {"saml": saml, "ds": DS}
        a = etree.Element(
            f"{{{saml}}}Assertion",
            nsmap=ns,
            ID=f"_{uuid.uuid4()}",
            IssueInstant=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            Version="2.0",
        )
        etree.SubElement(a, f"{{{saml}}}Issuer").text = ISSUER
        subject = etree.SubElement(a, f"{{{saml}}}Subject")
        name_id = etree.SubElement(
            subject,
            f"{{{saml}}}NameID",
            Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName",
        )
        name_id.text = cert.subject.rfc4514_string()
        confirmation = etree.SubElement(
            subject, f"{{{saml}}}SubjectConfirmation", Method=proto.HOLDER_OF_KEY
        )
        data = etree.SubElement(confirmation, f"{{{saml}}}SubjectConfirmationData")
        key_info = etree.SubElement(data, f"{{{DS}}}KeyInfo")
        x509_data = etree.SubElement(key_info, f"{{{DS}}}X509Data")
        etree.SubElement(x509_data, f"{{{DS}}}X509Certificate").text = base64.b64encode(
            der
        ).decode()
        conditions = etree.SubElement(
            a,
            f"{{{saml}}}Conditions",
            NotBefore=(now - SKEW).strftime("%Y-%m-%dT%H:%M:%SZ"),
            NotOnOrAfter=(now + timedelta(seconds=lifetime)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        restriction = etree.SubElement(conditions, f"{{{saml}}}AudienceRestriction")
        etree.SubElement(restriction, f"{{{saml}}}Audience").text = audience
        statement = etree.SubElement(a, f"{{{saml}}}AttributeStatement")
        attribute = etree.SubElement(statement, f"{{{saml}}}Attribute", Name=proto.CVR_CLAIM)
        etree.SubElement(attribute, f"{{{saml}}}AttributeValue").text = cvr
        sts_info = etree.Element(f"{{{DS}}}X509Data")
        etree.SubElement(sts_info, f"{{{DS}}}X509Certificate").text = base64.b64encode(
            self.cert.public_bytes(serialization.Encoding.DER)
        ).decode()
        wssec.sign(a, [a], self.key, sts_info, enveloped=True, index=1)
        return a

    def _answer(self, assertion: Any, applies: str) -> bytes:
        env = etree.Element(f"{{{proto.SOAP12}}}Envelope", nsmap={"s": proto.SOAP12})
        body = etree.SubElement(env, f"{{{proto.SOAP12}}}Body")
        coll = etree.SubElement(body, f"{{{proto.WST}}}RequestSecurityTokenResponseCollection")
        rstr = etree.SubElement(coll, f"{{{proto.WST}}}RequestSecurityTokenResponse")
        etree.SubElement(rstr, f"{{{proto.WST}}}TokenType").text = proto.SAML_TOKEN_TYPE
        etree.SubElement(rstr, f"{{{proto.WST}}}RequestedSecurityToken").append(assertion)
        ref = etree.SubElement(
            etree.SubElement(rstr, f"{{{proto.WSP}}}AppliesTo"),
            f"{{{proto.WSA}}}EndpointReference",
        )
        etree.SubElement(ref, f"{{{proto.WSA}}}Address").text = applies
        return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))

    # --- the services' check of a call with a token -------------------------------------

    def check_call(self, root: Any, entity_id: str) -> str:
        """The CVR number of a call carrying WS-Security, or :class:`Refused`."""
        return check_call(root, entity_id, self.key.public_key())


def check_call(root: Any, entity_id: str, sts_key: wssec.PublicKey) -> str:
    """The CVR number of a SOAP 1.1 call carrying an STS token in WS-Security, or
    :class:`Refused`: the token is signed by ``sts_key`` (the STS's), valid now, for
    ``entity_id``; the message is signed by the token's holder-of-key certificate over Body,
    Timestamp, token, Action and To, and its timestamp has not expired. Shared by the
    development Serviceplatform's services and the development SF1520 service."""
    security = root.find(f"{{{proto.SOAP11}}}Header/{{{proto.WSSE}}}Security")
    body = root.find(f"{{{proto.SOAP11}}}Body")
    if security is None or body is None:
        raise Refused("InvalidSecurity", "Kaldet har ingen WS-Security-header")
    assertion = security.find(f"{{{proto.SAML}}}Assertion")
    signature = security.find(f"{{{DS}}}Signature")
    if assertion is None or signature is None:
        raise Refused("InvalidSecurity", "Kaldet mangler token eller signatur")
    token_signature = assertion.find(f"{{{DS}}}Signature")
    if token_signature is None:
        raise Refused("InvalidSecurityToken", "Token er ikke signeret")
    try:
        if wssec.verify(token_signature, sts_key) != [assertion]:
            raise Refused("InvalidSecurityToken", "Tokenets signatur dækker ikke token")
    except wssec.SignatureError as exc:
        raise Refused("InvalidSecurityToken", "Token er ikke udstedt af STS") from exc
    conditions = assertion.find(f"{{{proto.SAML}}}Conditions")
    if conditions is None:
        raise Refused("InvalidSecurityToken", "Token har ingen gyldighedsperiode")
    now = _now()
    if _time(conditions.get("NotOnOrAfter")) <= now:
        raise Refused("InvalidSecurityToken", "Token er udløbet")
    if _time(conditions.get("NotBefore")) > now + SKEW:
        raise Refused("InvalidSecurityToken", "Token er endnu ikke gyldigt")
    audience = conditions.findtext(f"{{{proto.SAML}}}AudienceRestriction/{{{proto.SAML}}}Audience")
    if audience != entity_id:
        raise Refused("InvalidSecurityToken", f"Token er udstedt til {audience}")
    holder = assertion.findtext(
        f"{{{proto.SAML}}}Subject/{{{proto.SAML}}}SubjectConfirmation/"
        f"{{{proto.SAML}}}SubjectConfirmationData/{{{DS}}}KeyInfo/{{{DS}}}X509Data/"
        f"{{{DS}}}X509Certificate"
    )
    try:
        public = x509.load_der_x509_certificate(base64.b64decode(holder or "")).public_key()
    except ValueError as exc:
        raise Refused("InvalidSecurityToken", "Token har ingen nøgleindehaver") from exc
    if not isinstance(public, wssec.PublicKey):
        raise Refused("InvalidSecurityToken", "Nøgleindehaverens nøgletype kendes ikke")
    try:
        covered = wssec.verify(signature, public)
    except wssec.SignatureError as exc:
        raise Refused("FailedCheck", f"Kaldets signatur afvist: {exc}") from exc
    header = root.find(f"{{{proto.SOAP11}}}Header")
    needed = [
        body,
        assertion,
        security.find(f"{{{wssec.WSU}}}Timestamp"),
        header.find(f"{{{proto.WSA}}}Action"),
        header.find(f"{{{proto.WSA}}}To"),
    ]
    if any(el is None or el not in covered for el in needed):
        raise Refused("FailedCheck", "Signaturen dækker ikke Body, Timestamp, token og To")
    ts = security.find(f"{{{wssec.WSU}}}Timestamp")
    if _time(ts.findtext(f"{{{wssec.WSU}}}Expires")) < now - SKEW:
        raise Refused("MessageExpired", "Kaldets tidsstempel er udløbet")
    for attribute in assertion.iterfind(
        f"{{{proto.SAML}}}AttributeStatement/{{{proto.SAML}}}Attribute"
    ):
        if attribute.get("Name") == proto.CVR_CLAIM:
            return str(attribute.findtext(f"{{{proto.SAML}}}AttributeValue") or "")
    raise Refused("InvalidSecurityToken", "Token nævner ingen myndighed (CVR)")
