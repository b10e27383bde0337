from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec


class ChildCreate(msgspec.Struct):
    first_name: str = ""
    last_name: str = ""
    address: str = ""
    cpr: str | None = None
    mother_cpr: str | None = None  # unborn child: the mother's CPR and the expected date
    expected_date: date | None = None


class ChildRegistered(msgspec.Struct):
    child_id: uuid.UUID
    hovedsag_id: uuid.UUID
    existing: bool


class UnderretningCreate(msgspec.Struct):
    received_at: datetime
    notifier_kind: str
    source: str
    concerns: str
    suspected_abuse: bool = False
    notifier_name: str | None = None
    notifier_contact: str | None = None


class ActivityRead(msgspec.Struct):
    id: uuid.UUID
    hovedsag_id: uuid.UUID
    child_name: str
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    status: str
    overdue: bool
    version: int


class UnderretningCreated(msgspec.Struct):
    id: uuid.UUID
    activities: list[ActivityRead]


class VersionOnly(msgspec.Struct):
    version: int


class CaseLine(msgspec.Struct):
    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: str
    opened_at: date
    open_activities: int
    overdue_activities: int


class Worklist(msgspec.Struct):
    overdue: list[ActivityRead]
    this_week: list[ActivityRead]
    later: list[ActivityRead]
    without_deadline: list[ActivityRead]
    cases: list[CaseLine]


class JournalEntryRead(msgspec.Struct):
    id: int
    at: datetime
    author: str
    kind: str
    event: str | None
    title: str
    body: str
    enkeltsag_id: uuid.UUID | None
    corrects_id: int | None
    corrected_by: list[int]


class JournalPage(msgspec.Struct):
    items: list[JournalEntryRead]
    total: int
    page: int
    page_size: int


class NoteCreate(msgspec.Struct):
    title: str
    body: str = ""
    corrects_id: int | None = None


class InvestigationStart(msgspec.Struct):
    aware_since: date


class InvestigationStarted(msgspec.Struct):
    enkeltsag_id: uuid.UUID
    activities: list[ActivityRead]


class CaseworkerLoad(msgspec.Struct):
    user_id: uuid.UUID
    display_name: str
    open_cases: int
    open_activities: int
    overdue_activities: int


class TeamOverview(msgspec.Struct):
    teams: list[str]
    overdue: list[ActivityRead]
    caseload: list[CaseworkerLoad]


class SearchQuery(msgspec.Struct):
    """Search in the kommune's cases. CPR travels in this body, never in a URL."""

    text: str | None = None  # name, or a CPR number (with or without the dash)
    age_from: int | None = None
    age_to: int | None = None
    stage: str | None = None
    caseworker_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    deadline: str | None = None  # "overdue" | "due_week" | "none_open"
    include_closed: bool = False
    page: int = 1
    page_size: int = 25


class SearchHit(msgspec.Struct):
    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: str
    opened_at: date
    closed_at: date | None
    caseworker: str | None
    team: str | None
    open_activities: int
    overdue_activities: int


class SearchPage(msgspec.Struct):
    items: list[SearchHit]
    total: int
    page: int
    page_size: int


class Assignment(msgspec.Struct):
    version: int
    caseworker_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None


class EnkeltsagRead(msgspec.Struct):
    id: uuid.UUID
    kind: str
    opened_at: datetime
    closed_at: datetime | None


class CaseRead(msgspec.Struct):
    id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    stage: str
    opened_at: date
    closed_at: date | None
    caseworker_id: uuid.UUID | None
    caseworker: str | None
    team_id: uuid.UUID | None
    team: str | None
    version: int
    enkeltsager: list[EnkeltsagRead]
    activities: list[ActivityRead]


class BirthRegistration(msgspec.Struct):
    cpr: str
    first_name: str
    last_name: str


class Cancellation(msgspec.Struct):
    version: int
    reason: str
