"""The network's request and response bodies (msgspec Structs)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

# A person's relation to the child, the circle it puts them in, and where the entry came from
# (the CHECK constraints of network_member).
Relation = Literal[
    "mor",
    "far",
    "forælder",
    "søskende",
    "bedsteforælder",
    "anden_familie",
    "netværk",
    "plejefamilie",
    "skole",
    "dagtilbud",
    "læge",
    "sundhedspleje",
    "politi",
    "anden_fagperson",
]
Circle = Literal["forældre", "primært", "sekundært", "professionelt"]
MemberSource = Literal["cpr", "manuel"]


class MemberRead(msgspec.Struct):
    id: uuid.UUID
    relation: Relation
    circle: Circle
    name: str
    custody: bool
    organisation: str | None
    phone: str | None
    email: str | None
    note: str | None
    source: MemberSource
    sibling_child_id: uuid.UUID | None
    version: int
    sibling_case_id: uuid.UUID | None = None  # the sibling's own case here, to link to
    # Adressebeskyttelse (the CPR register's flag, refreshed at each lookup): no address
    # anywhere; the PWA shows "Adressebeskyttet".
    address_protected: bool = False


class MemberCreate(msgspec.Struct):
    relation: str  # checked by the rule, which answers in Danish (see service.CIRCLE_OF)
    name: str
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None
    sibling_child_id: uuid.UUID | None = None
    # A sibling who is a child in the kommune, found by CPR (in the body, never a URL).
    sibling_cpr: str | None = None


class Removal(msgspec.Struct):
    version: int


class CprFetched(msgspec.Struct):
    added: int
    updated: int
    members: list[MemberRead]


class OfflineMember(msgspec.Struct):
    """A network member as the offline bundle carries it (and a contact correction answers),
    with who changed the contact details last."""

    id: uuid.UUID
    relation: Relation
    circle: Circle
    name: str
    custody: bool
    organisation: str | None
    phone: str | None
    email: str | None
    note: str | None
    source: MemberSource
    version: int
    changed_by: str | None
    changed_at: datetime | None
    address_protected: bool = False


class ContactCorrection(msgspec.Struct):
    """Correct a network member's contact details; fields left out stay as they are."""

    version: int
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    email: str | msgspec.UnsetType | None = msgspec.UNSET
    organisation: str | msgspec.UnsetType | None = msgspec.UNSET
    note: str | msgspec.UnsetType | None = msgspec.UNSET


class CprLookup(msgspec.Struct):
    """A person lookup in the CPR register: the number travels in this body, never a URL."""

    cpr: str


class CprParentRead(msgspec.Struct):
    cpr: str  # sent back in ``ChildCreate.parent_cprs`` to add the parent at registration
    name: str
    address: str  # empty when the parent has address protection
    custody: bool
    address_protected: bool = False


class CprPersonRead(msgspec.Struct):
    """What the CPR register says about a child: name, address, birth date and parents."""

    cpr: str
    first_name: str
    last_name: str
    address: str  # empty when the child has address protection
    birth_date: date
    parents: list[CprParentRead]
    address_protected: bool = False


LookupOutcome = Literal["fundet", "ukendt", "svarer_ikke"]


class CprLookupResult(msgspec.Struct):
    """The lookup's answer: 200 whatever the register said, so the lookup is audited and
    counted (an error answer rolls the request back). ``message`` (Danish, for the CPR
    field) when the register does not know the number or does not answer."""

    outcome: LookupOutcome
    person: CprPersonRead | None = None
    message: str | None = None
