"""Where parents and custody holders come from: a CPR source.

The shape follows the national CPR lookup a kommune uses through Serviceplatformen
(SF1520 "CPR replika opslag"): given a person's CPR number it answers with name and
address, and for a child the parents and who holds custody (forældremyndighed). The
source is ``backend.network.sf1520.Sf1520Client`` (SOAP over mutual TLS); development and
tests run it against ``infra/sf1520``, which serves a synthetic population from a JSON file
(``TREKANT_CPR_DEMO_FILE``, written with :func:`add_to_demo_file`).

A source that does not answer within ``TREKANT_CPR_TIMEOUT`` seconds (default 2) raises
:class:`CprUnavailable`.

Address protection (adressebeskyttelse): a protected person's ``address`` is always empty
here (the client drops it at the boundary) and ``address_protected`` is set; nothing in
Trekant ever holds the address.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Protocol

import msgspec


class CprUnavailable(Exception):
    """The CPR source did not answer in time (or at all), or cannot be asked (no or an
    expired certificate, a fault from the service): the UI offers manual entry."""


class CprPerson(msgspec.Struct):
    cpr: str
    name: str
    address: str = ""
    # Fritaget for Digital Post (the register says so): letters go to print (fjernprint).
    digital_post_exempt: bool = False
    # Adressebeskyttelse: the address is never shown, stored or sent (``address`` is "").
    address_protected: bool = False

    def split_name(self) -> tuple[str, str]:
        """(first and middle names, last name): SF1520 answers them apart; the demo file
        holds the full name, whose last word is the surname."""
        first, _, last = self.name.strip().rpartition(" ")
        return (first, last) if first else (last, "")


class CprRelations(msgspec.Struct):
    child: CprPerson
    parents: list[CprPerson] = msgspec.field(default_factory=list)
    custody: list[str] = msgspec.field(default_factory=list)  # CPR numbers of custody holders


class CprSource(Protocol):
    async def relations(self, cpr: str) -> CprRelations | None:
        """The person (a child) with parents and custody holders; None if the number is
        unknown; :class:`CprUnavailable` when the register does not answer in time."""
        ...

    async def person(self, cpr: str) -> CprPerson | None:
        """One person (name, address unless protected, the protection and Digital Post
        flags); None if the number is unknown; :class:`CprUnavailable` as above."""
        ...

    async def digital_post_exempt(self, cpr: str) -> bool:
        """Whether the person is exempt from Digital Post (letters go to print instead);
        :class:`CprUnavailable` when the register does not answer in time."""
        ...


def timeout_seconds() -> float:
    """``TREKANT_CPR_TIMEOUT`` (seconds, default 2)."""
    return float(os.environ.get("TREKANT_CPR_TIMEOUT", "2"))


def default_source() -> CprSource:
    """The CPR register through Serviceplatformen (SF1520, ``backend.network.sf1520``),
    configured per kommune by the operator (``shared.national_service``, kind ``sf1520``);
    ``trekant dev`` and the tests configure the demo kommuner against the development
    server (``infra/sf1520``). Unconfigured, every lookup is :class:`CprUnavailable` (the
    UI offers manual entry) and the operator is told why."""
    from backend.network.sf1520 import shared_client

    return shared_client()


def demo_file() -> Path:
    """``TREKANT_CPR_DEMO_FILE``, else ``cpr-demo.json`` in the data folder."""
    if os.environ.get("TREKANT_CPR_DEMO_FILE"):
        return Path(os.environ["TREKANT_CPR_DEMO_FILE"])
    root = Path(__file__).resolve().parents[2]
    return Path(os.environ.get("TREKANT_DATA_DIR", root / "var")) / "cpr-demo.json"


def add_to_demo_file(path: Path, entries: dict[str, CprRelations]) -> None:
    """Merge ``entries`` into the demo population file (development and tests only)."""
    data = json.loads(path.read_text("utf-8")) if path.exists() else {}
    data.update({k: msgspec.to_builtins(v) for k, v in entries.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False))


def exempt_parents(path: Path) -> list[tuple[str, str, str]]:
    """(parent's name, child's name, child's CPR number) of the people exempt from Digital
    Post in the demo file, in the file's order."""
    if not path.exists():
        return []
    data = msgspec.json.decode(path.read_bytes(), type=dict[str, CprRelations])
    return [
        (p.name, rel.child.name, rel.child.cpr)
        for rel in data.values()
        for p in rel.parents
        if p.digital_post_exempt
    ]


def protected_children(path: Path) -> list[str]:
    """The CPR numbers of the children with address protection in the demo file."""
    if not path.exists():
        return []
    data = msgspec.json.decode(path.read_bytes(), type=dict[str, CprRelations])
    return [rel.child.cpr for rel in data.values() if rel.child.address_protected]
