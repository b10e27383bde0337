"""XML signatures for WS-Security (the STS request, the OIO IDWS call, the STS's token).

Exclusive XML canonicalisation (lxml's C14N 1.0 exclusive), SHA-256 digests, RSA-SHA256 or
ECDSA-SHA256 (by the key), references by ``wsu:Id`` or a SAML ``ID``; the only transforms
are exclusive C14N and, for a token's own signature, the enveloped-signature transform.
:func:`verify` is strict: a document with two elements of the same id is refused (no
signature wrapping), each reference must digest to its element, and the caller gets the
elements that were covered so it can insist that the Body, the timestamp and the token are
among them. Shared by Trekant's clients and the development servers under ``infra/``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class SignatureError(ValueError):
    """The signature is missing, malformed or does not verify; the text says which."""


def c14n(el: Any) -> bytes:
    return bytes(etree.tostring(el, method="c14n", exclusive=True, with_comments=False))


def element_id(el: Any) -> str | None:
    value = el.get(f"{{{WSU}}}Id") or el.get("ID")
    return str(value) if value else None


def _ids(root: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        value = element_id(el)
        if value is None:
            continue
        if value in found:
            raise SignatureError(f"id {value} forekommer to gange")
        found[value] = el
    return found


def _digest(el: Any, enveloped: Any | None) -> bytes:
    if enveloped is not None:
        # The enveloped-signature transform: the element without its own Signature.
        copy = etree.fromstring(etree.tostring(el))
        for sig in copy.findall(f"{{{DS}}}Signature"):
            copy.remove(sig)
        return hashlib.sha256(c14n(copy)).digest()
    return hashlib.sha256(c14n(el)).digest()


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    return etree.SubElement(parent, f"{{{DS}}}{tag}", attrs)


def sign(
    parent: Any,
    targets: Iterable[Any],
    key: PrivateKey,
    key_info: Any | None,
    *,
    enveloped: bool = False,
    index: int | None = None,
) -> Any:
    """Add a ``ds:Signature`` to ``parent`` over ``targets`` (elements carrying ``wsu:Id``
    or ``ID``). ``enveloped``: the signature sits inside its one target (a token).
    ``key_info`` (an element) goes into ``ds:KeyInfo``. Returns the Signature element."""
    signature = etree.Element(f"{{{DS}}}Signature", nsmap={"ds": DS})
    if index is None:
        parent.append(signature)
    else:
        parent.insert(index, signature)
    info = _sub(signature, "SignedInfo")
    _sub(info, "CanonicalizationMethod", Algorithm=EXC_C14N)
    method = RSA_SHA256 if isinstance(key, rsa.RSAPrivateKey) else ECDSA_SHA256
    _sub(info, "SignatureMethod", Algorithm=method)
    for target in targets:
        ref_id = element_id(target)
        if ref_id is None:
            raise SignatureError("et signeret element mangler id")
        ref = _sub(info, "Reference", URI=f"#{ref_id}")
        transforms = _sub(ref, "Transforms")
        if enveloped:
            _sub(transforms, "Transform", Algorithm=ENVELOPED)
        _sub(transforms, "Transform", Algorithm=EXC_C14N)
        _sub(ref, "DigestMethod", Algorithm=SHA256)
        value = _digest(target, signature if enveloped else None)
        _sub(ref, "DigestValue").text = base64.b64encode(value).decode()
    data = c14n(info)
    if isinstance(key, rsa.RSAPrivateKey):
        raw = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        der = key.sign(data, ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    _sub(signature, "SignatureValue").text = base64.b64encode(raw).decode()
    if key_info is not None:
        _sub(signature, "KeyInfo").append(key_info)
    return signature


def verify(signature: Any, key: PublicKey) -> list[Any]:
    """Verify ``signature`` (a ``ds:Signature`` element in its document) with ``key``;
    the elements it covers. :class:`SignatureError` when anything is off."""
    root = signature.getroottree().getroot()
    ids = _ids(root)
    info = signature.find(f"{{{DS}}}SignedInfo")
    value = signature.findtext(f"{{{DS}}}SignatureValue")
    if info is None or not value:
        raise SignatureError("signaturen mangler SignedInfo eller SignatureValue")
    canon = info.find(f"{{{DS}}}CanonicalizationMethod")
    method = info.find(f"{{{DS}}}SignatureMethod")
    if canon is None or canon.get("Algorithm") != EXC_C14N or method is None:
        raise SignatureError("ukendt kanonisering")
    covered: list[Any] = []
    refs = info.findall(f"{{{DS}}}Reference")
    if not refs:
        raise SignatureError("signaturen dækker intet")
    for ref in refs:
        uri = ref.get("URI") or ""
        target = ids.get(uri[1:]) if uri.startswith("#") else None
        if target is None:
            raise SignatureError(f"reference {uri[:60]} findes ikke")
        transforms = ref.iterfind(f"{{{DS}}}Transforms/{{{DS}}}Transform")
        algorithms = [t.get("Algorithm") for t in transforms]
        if algorithms not in ([EXC_C14N], [ENVELOPED, EXC_C14N]):
            raise SignatureError("ukendt transformation")
        enveloped = algorithms[0] == ENVELOPED
        if enveloped and signature.getparent() is not target:
            raise SignatureError("en indlejret signatur skal ligge i det signerede element")
        digest_method = ref.find(f"{{{DS}}}DigestMethod")
        if digest_method is None or digest_method.get("Algorithm") != SHA256:
            raise SignatureError("ukendt digest")
        expected = base64.b64decode(ref.findtext(f"{{{DS}}}DigestValue") or "")
        if _digest(target, signature if enveloped else None) != expected:
            raise SignatureError(f"elementet {uri[:60]} er ændret efter signeringen")
        covered.append(target)
    try:
        raw = base64.b64decode(value)
        data = c14n(info)
        if isinstance(key, rsa.RSAPublicKey):
            if method.get("Algorithm") != RSA_SHA256:
                raise SignatureError("signaturalgoritmen passer ikke til nøglen")
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            if method.get("Algorithm") != ECDSA_SHA256:
                raise SignatureError("signaturalgoritmen passer ikke til nøglen")
            half = len(raw) // 2
            der = utils.encode_dss_signature(
                int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as exc:
        if isinstance(exc, SignatureError):
            raise
        raise SignatureError("signaturen passer ikke til certifikatet") from exc
    return covered
