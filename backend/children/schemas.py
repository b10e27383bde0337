from __future__ import annotations

import uuid
from datetime import date

import msgspec


class StageCount(msgspec.Struct):
    stage: str
    label: str
    count: int


class CaseSummary(msgspec.Struct):
    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: str
    stage_label: str
    opened_at: date


class Overview(msgspec.Struct):
    kommune_code: str
    kommune_name: str
    children: int
    open_cases: int
    by_stage: list[StageCount]
    recent_cases: list[CaseSummary]


class ChildRead(msgspec.Struct):
    id: uuid.UUID
    first_name: str
    last_name: str
    birth_date: date
    age: int
    address: str  # empty when address_protected
    cases: list[CaseSummary]
    unborn: bool = False  # registered by the mother's CPR; expected_date is the due date
    expected_date: date | None = None
    # Adressebeskyttelse (from the CPR register): no address anywhere; "Adressebeskyttet".
    address_protected: bool = False
