"""The daily raw data's API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

ExtractStatus = Literal["koerer", "faerdig", "fejlet"]
ExtractTable = Literal["sager", "indsatser", "afgoerelser", "frister", "bevillinger", "betalinger"]


class ExtractFile(msgspec.Struct, frozen=True):
    table: ExtractTable
    rows: int
    bytes: int
    sha256: str


class ExtractRead(msgspec.Struct, frozen=True):
    id: uuid.UUID
    started_at: datetime
    since: datetime | None
    upto: datetime
    finished_at: datetime | None
    status: ExtractStatus
    full: bool
    rows: int
    bytes: int
    seconds: float | None
    files: list[ExtractFile]


class ExtractList(msgspec.Struct, frozen=True):
    items: list[ExtractRead]


class KeyCreate(msgspec.Struct, frozen=True):
    name: str


class KeyCreated(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    token: str  # shown once


class KeyRead(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyList(msgspec.Struct, frozen=True):
    items: list[KeyRead]
