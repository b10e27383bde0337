"""The ICS method as data: ``method_*.json`` beside this file, loaded once.

A document stores the id of the method it was written with and is always validated and
shown with that method, so a revision of the method (a new file, made current here) never
changes what an older document means.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import msgspec

from backend.ics.schemas import Dimension, Field, KindInfo, Labelled, Method

CURRENT = "ics-2019"
_DIR = Path(__file__).resolve().parent

KINDS: dict[str, KindInfo] = {
    "undersoegelse": KindInfo(
        "undersoegelse", "Børnefaglig undersøgelse", "Barnets Lov § 20 (tidl. SEL § 50)"
    ),
    "plan": KindInfo("plan", "Barnets plan", "Barnets Lov §§ 91-92 (tidl. SEL § 140)"),
    "opfoelgning": KindInfo("opfoelgning", "Opfølgning", "Barnets Lov § 95"),
}
STATUSES: dict[str, str] = {
    "kladde": "Kladde",
    "indsendt": "Indsendt til godkendelse",
    "godkendt": "Godkendt",
}


@cache
def methods() -> dict[str, Method]:
    found = {}
    for path in sorted(_DIR.glob("method_*.json")):
        m = msgspec.json.decode(path.read_bytes(), type=Method)
        found[m.id] = m
    if CURRENT not in found:
        raise RuntimeError(f"the current ICS method {CURRENT} has no file")
    return found


def method(method_id: str = CURRENT) -> Method:
    try:
        return methods()[method_id]
    except KeyError:
        raise LookupError(method_id) from None


class View:
    """Look-ups on one method, computed once per method."""

    def __init__(self, m: Method) -> None:
        self.method = m
        self.dimensions: dict[str, tuple[str, Dimension]] = {
            d.key: (side.label, d) for side in m.sides for d in side.dimensions
        }
        self.sources = {s.key: s.label for s in m.sources}
        self.entry_kinds = {e.key: e.label for e in m.entry_kinds}
        self.sections: dict[str, dict[str, Field]] = {
            kind: {f.key: f for f in fields} for kind, fields in m.sections.items()
        }
        self.goal_fields = {f.key: f for f in m.goal_fields}
        self.statuses = {s.key: s.label for s in m.follow_up_statuses}

    def section_label(self, kind: str, key: str) -> str:
        field = self.sections.get(kind, {}).get(key)
        return field.label if field else key

    def required(self, kind: str, key: str) -> bool:
        field = self.sections.get(kind, {}).get(key)
        return bool(field and field.required)

    def goal_label(self, key: str) -> str:
        field = self.goal_fields.get(key)
        return field.label if field else key

    def source_label(self, key: str) -> str:
        return self.sources.get(key, key)


@cache
def view(method_id: str = CURRENT) -> View:
    return View(method(method_id))


def labelled(d: dict[str, str]) -> list[Labelled]:
    return [Labelled(k, v) for k, v in d.items()]
