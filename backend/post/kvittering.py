"""Serviceplatformen's receipt (kvittering) for a call: ``TransportKvittering`` in the
namespace ``http://serviceplatformen.dk/xml/schemas/kvittering/1/`` (Serviceplatformen's
``Kvittering_1.xsd``, vendored in ``infra/digitalpost/xsd/`` with its origin):

``TransportValideringsKode`` OK | ADVARSEL | FEJL, an optional ``Begrundelse`` and a
``FejlListe`` of ``Fejl`` (``FejlKode``, ``FejlTekst``).

The development Digital Post server answers every KombiPostAfsend call with one (``build``);
Trekant's SF1601 adapter reads it (``parse``) and keeps its words on the delivery, so the
letter shows what Digital Post said. SF1601's own documentation of its synchronous answer
was not available to us (docs/architecture.md, "Post"): this is the receipt shape
Serviceplatformen defines for its services, used here as the closest published one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building only; parsing goes through defusedxml
from dataclasses import dataclass, field
from typing import Literal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

NS = "http://serviceplatformen.dk/xml/schemas/kvittering/1/"
Code = Literal["OK", "ADVARSEL", "FEJL"]
CODES: tuple[Code, ...] = ("OK", "ADVARSEL", "FEJL")

ET.register_namespace("kvit", NS)


@dataclass(frozen=True)
class Kvittering:
    code: Code
    reason: str | None = None  # Begrundelse
    errors: list[tuple[str, str]] = field(default_factory=list)  # (FejlKode, FejlTekst)

    def text(self) -> str:
        """The receipt in words for the caseworker (Danish, from Digital Post's own)."""
        if self.code == "FEJL":
            details = "; ".join(t for _, t in self.errors) or self.reason or "ingen begrundelse"
            return f"Digital Post afviste brevet: {details}"
        words = self.reason or "Modtaget"
        return f"Digital Post: {words}" + (" (advarsel)" if self.code == "ADVARSEL" else "")


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def build(k: Kvittering) -> bytes:
    root = ET.Element(_q("TransportKvittering"))
    ET.SubElement(root, _q("TransportValideringsKode")).text = k.code
    if k.reason:
        ET.SubElement(root, _q("Begrundelse")).text = k.reason
    if k.errors:
        listing = ET.SubElement(root, _q("FejlListe"))
        for code, text in k.errors:
            fejl = ET.SubElement(listing, _q("Fejl"))
            ET.SubElement(fejl, _q("FejlKode")).text = code
            ET.SubElement(fejl, _q("FejlTekst")).text = text
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def parse(raw: bytes) -> Kvittering | None:
    """The receipt in an answer, or None when the answer holds none (empty, not XML,
    another document). Never raises for what the other side sent."""
    if not raw.strip() or b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        return None
    try:
        root = safe_fromstring(raw, forbid_dtd=True)
    except (DefusedXmlException, ET.ParseError):
        return None
    if root.tag != _q("TransportKvittering"):
        return None
    code = (root.findtext(_q("TransportValideringsKode")) or "").strip()
    if code not in CODES:
        return None
    reason = (root.findtext(_q("Begrundelse")) or "").strip() or None
    errors = [
        (
            (f.findtext(_q("FejlKode")) or "").strip(),
            (f.findtext(_q("FejlTekst")) or "").strip()[:500],
        )
        for f in root.findall(f"{_q('FejlListe')}/{_q('Fejl')}")
    ]
    return Kvittering(code, reason[:500] if reason else None, errors[:20])
