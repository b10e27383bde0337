"""Where parents and custody holders come from: a CPR source.

The shape follows the national CPR lookup a kommune uses through Serviceplatformen
(SF1520 "CPR replika opslag"): given a person's CPR number it answers with name and
address, and for a child the parents and who holds custody (forældremyndighed). Production
plugs in a client for that service; development and tests use ``FileCprSource``, which
serves a synthetic population from a JSON file (``TREKANT_CPR_DEMO_FILE``).

A source that does not answer within ``TREKANT_CPR_TIMEOUT`` seconds (default 2) raises
:class:`CprUnavailable`; the file is read off the event loop, so a slow disk (or a FIFO
nobody writes, as the tests use) holds up only the one lookup.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Protocol

import msgspec


class CprUnavailable(Exception):
    """The CPR source did not answer in time (or at all)."""


class CprPerson(msgspec.Struct):
    cpr: str
    name: str
    address: str = ""
    # Fritaget for Digital Post (the register says so): letters go to print (fjernprint).
    digital_post_exempt: bool = False

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

    async def digital_post_exempt(self, cpr: str) -> bool:
        """Whether the person is exempt from Digital Post (letters go to print instead);
        :class:`CprUnavailable` when the register does not answer in time."""
        ...


def timeout_seconds() -> float:
    """``TREKANT_CPR_TIMEOUT`` (seconds, default 2)."""
    return float(os.environ.get("TREKANT_CPR_TIMEOUT", "2"))


class FileCprSource:
    """The demo population: ``{"<child cpr>": CprRelations, ...}`` in a JSON file."""

    def __init__(self, path: Path, timeout: float | None = None) -> None:
        self.path = path
        self.timeout = timeout_seconds() if timeout is None else timeout
        self._data: dict[str, CprRelations] | None = None
        self._mtime = 0.0

    def _load(self) -> dict[str, CprRelations]:
        mtime = self.path.stat().st_mtime if self.path.exists() else 0.0
        if self._data is None or mtime != self._mtime:
            raw = self.path.read_bytes() if self.path.exists() else b"{}"
            self._data = msgspec.json.decode(raw, type=dict[str, CprRelations])
            self._mtime = mtime
        return self._data

    async def relations(self, cpr: str) -> CprRelations | None:
        try:
            data = await asyncio.wait_for(asyncio.to_thread(self._load), self.timeout)
        except TimeoutError as exc:
            raise CprUnavailable from exc
        return data.get(cpr)

    async def digital_post_exempt(self, cpr: str) -> bool:
        try:
            data = await asyncio.wait_for(asyncio.to_thread(self._load), self.timeout)
        except TimeoutError as exc:
            raise CprUnavailable from exc
        for rel in data.values():
            for person in (rel.child, *rel.parents):
                if person.cpr == cpr:
                    return person.digital_post_exempt
        return False


def default_source() -> CprSource:
    return FileCprSource(demo_file())


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
