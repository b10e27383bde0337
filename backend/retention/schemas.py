"""Retention's API shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

Preserve = Literal["ingen", "anbringelser", "alle"]
CaseKind = Literal["anbringelse", "indsats", "oevrig"]
Verdict = Literal["slettes", "bevares_arkiveret", "bevares_ikke_arkiveret", "afvist"]
RunStatus = Literal["venter", "koerer", "faerdig"]
Outcome = Literal["slettet", "afvist"]


class RetentionRule(msgspec.Struct, frozen=True):
    years: int
    placement_years: int
    preserve: Preserve
    changed_by: str | None = None
    changed_at: datetime | None = None


class RetentionRuleUpdate(msgspec.Struct, frozen=True):
    years: int
    placement_years: int
    preserve: Preserve


class ExpiredCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    case_number: str | None
    initials: str
    birth_year: int | None
    closed_on: date
    expired_on: date
    kind: CaseKind
    caseworker: str | None
    preserve: bool
    verdict: Verdict
    reason: str | None  # why it cannot be deleted now (Danish), if it cannot


class ExpiredList(msgspec.Struct, frozen=True):
    rule: RetentionRule
    items: list[ExpiredCase]
    total: int  # all past their period (items holds at most the first page)
    deletable: int


class DeletionCreate(msgspec.Struct, frozen=True):
    case_ids: list[uuid.UUID]


class RunCase(msgspec.Struct, frozen=True):
    id: uuid.UUID
    case_number: str | None
    outcome: Outcome | None
    reason: str | None


class DeletionRun(msgspec.Struct, frozen=True):
    id: uuid.UUID
    approved_name: str
    approved_at: datetime
    status: RunStatus
    finished_at: datetime | None
    total: int
    done: int
    deleted: int
    refused: int
    percent: int
    cases: list[RunCase]


class DeletionRuns(msgspec.Struct, frozen=True):
    items: list[DeletionRun]
