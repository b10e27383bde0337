"""The development Context Handler's assertions: OIOSAML 3 shaped, signed by the Context
Handler's key and encrypted for the service provider's certificate, built with pysaml2's
IdP (``saml2.server.Server``). The knobs let the tests make each kind of bad assertion the
service provider must refuse (unsigned, not encrypted, wrong audience, expired, another
NSIS level, other privileges)."""

from __future__ import annotations

import base64
import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

XMLSEC = "/usr/bin/xmlsec1"
# OIOSAML 3 asks for AES-GCM; pysaml2's IdP encrypts with 3DES-CBC unless told otherwise.
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"


def _use_aes_gcm() -> None:
    """Make pysaml2's IdP encrypt assertions with AES-256-GCM (its ``pre_encryption_part``
    takes the algorithm as an argument, but ``Entity._encrypt_assertion`` does not pass it)."""
    import functools

    from saml2 import entity, sigver

    if not getattr(entity.pre_encryption_part, "trekant_aes_gcm", False):
        patched = functools.partial(sigver.pre_encryption_part, msg_enc=AES256_GCM)
        patched.trekant_aes_gcm = True  # type: ignore[attr-defined]
        entity.pre_encryption_part = patched


BPP_NS = "http://digst.dk/oiosaml/basic_privilege_profile"
ROLE_PREFIX = "http://trekant.dk/roles/usersystemrole/"
NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


def make_key_pair(common_name: str) -> tuple[str, str]:
    """A fresh RSA 2048 key and self-signed certificate (PEM), ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


def privilege_list(cvr: str, roles: list[tuple[str, dict[str, str]]]) -> str:
    """An OIO-BPP PrivilegeList (base64) with one PrivilegeGroup per role, scoped to the
    kommune's CVR number, the role's data restrictions as Constraints. A role given as a
    full URI is used as it is (a privilege Trekant does not know)."""
    groups = []
    for role, constraints in roles:
        entity_id = role if "://" in role else f"{ROLE_PREFIX}{role}/1"
        parts = [f"<Privilege>{escape(entity_id)}</Privilege>"]
        parts += [
            f"<Constraint Name={quoteattr(name)}>{escape(value)}</Constraint>"
            for name, value in constraints.items()
        ]
        groups.append(
            f'<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:{cvr}">'
            + "".join(parts)
            + "</PrivilegeGroup>"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<bpp:PrivilegeList xmlns:bpp="{BPP_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + "".join(groups)
        + "</bpp:PrivilegeList>"
    )
    return base64.b64encode(xml.encode()).decode()


def redirect_signature(fields: dict[str, str]) -> dict[str, Any]:
    """The HTTP-Redirect binding's signature fields of a request, as pysaml2's IdP parsers
    take them (they verify it against the SP's registered metadata)."""
    return {
        "relay_state": fields.get("RelayState") or None,
        "sigalg": fields.get("SigAlg"),
        "signature": fields.get("Signature"),
    }


@dataclass
class Issuer:
    """The Context Handler as an IdP: its entity id, SSO URL and key (PEM)."""

    entity_id: str
    sso_url: str
    key_pem: str
    cert_pem: str
    sp_metadata: list[str]

    def __post_init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="trekant-ch-")
        self.key_file = str(Path(self._dir) / "ch.key")
        self.cert_file = str(Path(self._dir) / "ch.crt")
        Path(self.key_file).write_text(self.key_pem)
        Path(self.key_file).chmod(0o600)
        Path(self.cert_file).write_text(self.cert_pem)
        self._server: Any = None

    def server(self) -> Any:
        if self._server is None:
            _use_aes_gcm()
            from saml2 import BINDING_HTTP_REDIRECT
            from saml2.config import IdPConfig
            from saml2.server import Server

            config = IdPConfig()
            config.load(
                {
                    "entityid": self.entity_id,
                    "xmlsec_binary": XMLSEC,
                    "key_file": self.key_file,
                    "cert_file": self.cert_file,
                    "delete_tmpfiles": True,
                    "allow_unknown_attributes": True,
                    "metadata": {"inline": self.sp_metadata},
                    "service": {
                        "idp": {
                            "endpoints": {
                                "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)],
                                "single_logout_service": [(self.slo_url, BINDING_HTTP_REDIRECT)],
                            },
                            "name_id_format": [NAMEID_PERSISTENT],
                            "want_authn_requests_signed": True,
                            "policy": {
                                "default": {
                                    "lifetime": {"minutes": 5},
                                    "name_form": URI,
                                    "attribute_restrictions": None,
                                }
                            },
                        }
                    },
                }
            )
            self._server = Server(config=config)
            sec = self._server.sec
            original = sec.encrypt_assertion

            def encrypt_aes(
                statement: Any,
                enc_key: Any,
                template: Any,
                key_type: str = "",
                node_xpath: Any = None,
            ) -> Any:
                return original(statement, enc_key, template, "aes-256", node_xpath)

            sec.encrypt_assertion = encrypt_aes
        return self._server

    @property
    def slo_url(self) -> str:
        return self.sso_url.rsplit("/sso", 1)[0] + "/slo"

    def metadata(self) -> str:
        """Its metadata, signed (enveloped, RSA-SHA256) with its own key, as KOMBIT signs the
        Context Handler's."""
        from saml2.metadata import entity_descriptor, sign_entity_descriptor
        from saml2.sigver import security_context

        config = self.server().config
        _, signed = sign_entity_descriptor(
            entity_descriptor(config),
            None,
            security_context(config),
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        return str(signed)

    def _sp_slo(self, sp_entity_id: str) -> str:
        from saml2 import BINDING_HTTP_REDIRECT

        found = self.server().metadata.single_logout_service(
            sp_entity_id, BINDING_HTTP_REDIRECT, "spsso"
        )
        if not found:
            raise ValueError("tjenesteudbyderen har ingen SingleLogoutService")
        return str(found[0]["location"])

    def logout_request_url(
        self, sp_entity_id: str, name_id: str, session_indexes: list[str] | None = None
    ) -> str:
        """A signed LogoutRequest (HTTP-Redirect) to the SP's SingleLogoutService: the person
        ``name_id`` logged out at the Context Handler (its sessions ``session_indexes``, or
        all)."""
        import time

        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.saml import NameID
        from saml2.xmldsig import SIG_RSA_SHA256

        server = self.server()
        destination = self._sp_slo(sp_entity_id)
        _, request = server.create_logout_request(
            destination,
            self.entity_id,
            name_id=NameID(format=NAMEID_PERSISTENT, text=name_id),
            reason="urn:oasis:names:tc:SAML:2.0:logout:user",
            expire=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300)),
            session_indexes=session_indexes or None,
            sign=False,
        )
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(request), destination, sign=True, sigalg=SIG_RSA_SHA256
        )
        return str(dict(info["headers"])["Location"])

    def answer_logout_request(self, fields: dict[str, str]) -> str:
        """The SP's signed LogoutRequest (HTTP-Redirect, signature verified against its
        registered metadata): the URL of the signed LogoutResponse (Success) to its
        SingleLogoutService."""
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.xmldsig import SIG_RSA_SHA256

        server = self.server()
        if not fields.get("Signature"):
            raise ValueError("log ud-anmodningen er ikke signeret")
        request = server.parse_logout_request(
            fields.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT, **redirect_signature(fields)
        )
        message = request.message
        issuer = message.issuer.text if message.issuer is not None else ""
        destination = self._sp_slo(issuer)
        response = server.create_logout_response(message, [BINDING_HTTP_REDIRECT], sign=False)
        response.destination = destination
        info = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            relay_state=fields.get("RelayState", ""),
            response=True,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return str(dict(info["headers"])["Location"])

    def read_logout_response(self, fields: dict[str, str], sp_cert_pem: str) -> str:
        """The status of the SP's signed LogoutResponse (its redirect signature verified with
        ``sp_cert_pem``)."""
        from defusedxml import ElementTree
        from saml2.s_utils import decode_base64_and_inflate
        from saml2.sigver import verify_redirect_signature

        server = self.server()
        body = "".join(line for line in sp_cert_pem.strip().splitlines() if "CERT" not in line)
        if not verify_redirect_signature(dict(fields), server.sec.sec_backend, cert=body):
            raise ValueError("svaret er ikke signeret af tjenesteudbyderen")
        root = ElementTree.fromstring(decode_base64_and_inflate(fields["SAMLResponse"]))
        code = root.find(
            "{urn:oasis:names:tc:SAML:2.0:protocol}Status/"
            "{urn:oasis:names:tc:SAML:2.0:protocol}StatusCode"
        )
        return str(code.get("Value") if code is not None else "")

    def response(
        self,
        *,
        in_response_to: str | None,
        destination: str,
        audience: str,
        sp_cert_pem: str,
        name_id: str,
        attributes: dict[str, str],
        sign_assertion: bool = True,
        encrypt: bool = True,
        lifetime_minutes: int = 5,
        nsis_level: str = "Substantial",
    ) -> str:
        """A base64 SAML Response for the SP's ACS (HTTP-POST binding)."""
        from saml2.assertion import Policy
        from saml2.saml import NameID

        server = self.server()
        server.config.setattr(
            "idp",
            "policy",
            Policy(
                {
                    "default": {
                        "lifetime": {"minutes": lifetime_minutes},
                        "name_form": URI,
                        "attribute_restrictions": None,
                    }
                },
                server.config.metadata,
            ),
        )
        unwrapped = "".join(
            line for line in sp_cert_pem.strip().splitlines() if "CERTIFICATE" not in line
        )
        response = server.create_authn_response(
            identity={name: [value] for name, value in attributes.items()},
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_PERSISTENT, text=name_id),
            authn={
                "class_ref": f"https://data.gov.dk/concept/core/nsis/{nsis_level}",
                "authn_auth": self.entity_id,
            },
            sign_response=False,
            sign_assertion=sign_assertion,
            encrypt_assertion=encrypt,
            encrypt_cert_assertion=unwrapped if encrypt else None,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        return base64.b64encode(str(response).encode()).decode()
