"""The network's request and response bodies (msgspec Structs)."""

from __future__ import annotations

import uuid

import msgspec


class MemberRead(msgspec.Struct):
    id: uuid.UUID
    relation: str
    circle: str
    name: str
    custody: bool
    organisation: str | None
    phone: str | None
    email: str | None
    note: str | None
    source: str
    sibling_child_id: uuid.UUID | None
    version: int
    sibling_case_id: uuid.UUID | None = None  # the sibling's own case here, to link to


class MemberCreate(msgspec.Struct):
    relation: str
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


class ContactCorrection(msgspec.Struct):
    """Correct a network member's contact details; fields left out stay as they are."""

    version: int
    phone: str | msgspec.UnsetType | None = msgspec.UNSET
    email: str | msgspec.UnsetType | None = msgspec.UNSET
    organisation: str | msgspec.UnsetType | None = msgspec.UNSET
    note: str | msgspec.UnsetType | None = msgspec.UNSET
