"""What the offline API reads and writes (see docs/offline-notes.md).

The bundle carries only what a home visit needs: the child's summary (no CPR number),
the network with contact details, open activities, the latest journal entries and the
current plan's goals. Its own structs, so a change elsewhere does not silently change what
is stored on devices.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from backend.casework.schemas import Completion, CompletionFormRead
from backend.documents.schemas import DocumentTitle
from backend.network.schemas import OfflineMember as OfflineMember

# The case's stage, a journal entry's kind and an ICS version's status (CHECK constraints).
Stage = Literal["afklaring", "undersoegelse", "afgoerelse", "indsats", "afsluttet"]
JournalKind = Literal["haendelse", "notat", "rettelse"]
PlanStatus = Literal["kladde", "indsendt", "godkendt"]

MAX_CASES_PER_REQUEST = 20
JOURNAL_ENTRIES = 20


class DeviceCreate(msgspec.Struct):
    label: str = ""


class DeviceRegistered(msgspec.Struct):
    device_id: uuid.UUID
    # "<kommune>.<device_id>.<secret>": lets the device ask whether it must wipe without a
    # session (POST /api/offline/enhedsstatus). Shown once; the server keeps its SHA-256.
    device_token: str
    max_offline_days: int


class DeviceStatus(msgspec.Struct):
    """``wipe``: delete every offline datum on the device now (revoked device or user,
    or - with a session - the device belongs to someone else)."""

    wipe: bool
    reason: str | None = None
    max_offline_days: int | None = None
    server_time: datetime | None = None


class DeviceToken(msgspec.Struct):
    token: str


class DeviceRead(msgspec.Struct):
    id: uuid.UUID
    user_id: uuid.UUID
    user_name: str
    label: str
    created_at: datetime
    last_seen_at: datetime
    last_bundle_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class Revocation(msgspec.Struct):
    reason: str = ""


class Revoked(msgspec.Struct):
    revoked: int


class OfflineSettings(msgspec.Struct):
    max_offline_days: int


class OfflineRoles(msgspec.Struct):
    """The roles that may register a device and take cases offline (role keys from
    ``GET /api/admin/roles``; only roles that can read cases)."""

    roles: list[str]


class OfflineAccess(msgspec.Struct):
    """May the current user take cases offline (the kommune's choice of roles)?"""

    allowed: bool


class Choice(msgspec.Struct):
    hovedsag_id: uuid.UUID


class ChoiceList(msgspec.Struct):
    hovedsag_ids: list[uuid.UUID]


class OfflineUser(msgspec.Struct):
    display_name: str
    username: str
    kommune_code: str
    kommune_name: str


class OfflineCaseRef(msgspec.Struct):
    """A line of the offline worklist."""

    hovedsag_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    age: int
    stage: Stage
    stage_label: str
    opened_at: date
    open_activities: int
    overdue_activities: int
    next_due_at: datetime | None
    chosen: bool  # taken along by choice (not one's own case)


class OfflineManifest(msgspec.Struct):
    device_id: uuid.UUID
    generated_at: datetime
    max_offline_days: int
    user: OfflineUser
    cases: list[OfflineCaseRef]
    estimated_bytes: int


class OfflineChild(msgspec.Struct):
    id: uuid.UUID
    first_name: str
    last_name: str
    birth_date: date
    age: int
    address: str  # empty when address_protected: the offline copy never holds it
    unborn: bool
    expected_date: date | None
    address_protected: bool = False


class OfflineActivity(msgspec.Struct):
    id: uuid.UUID
    rule_id: str | None
    title: str
    basis: str | None
    due_at: datetime | None
    overdue: bool
    version: int
    # How it is completed; "record": ``form`` is what the caseworker writes (offline too,
    # e.g. the 24-hour assessment on a home visit), sent with the completion when synced.
    completion: Completion = "click"
    form: CompletionFormRead | None = None


class OfflineJournalEntry(msgspec.Struct):
    id: int
    at: datetime
    author: str
    kind: JournalKind
    title: str
    body: str
    corrects_id: int | None


class OfflineGoal(msgspec.Struct):
    id: str
    goal: str
    measurable: str
    responsible: str
    due: date | None
    need: str


class OfflinePlan(msgspec.Struct):
    document_id: uuid.UUID
    version_no: int
    status: PlanStatus
    goals: list[OfflineGoal]


class OfflineCase(msgspec.Struct):
    hovedsag_id: uuid.UUID
    stage: Stage
    stage_label: str
    opened_at: date
    caseworker: str | None
    team: str | None
    version: int
    child: OfflineChild
    network: list[OfflineMember]
    activities: list[OfflineActivity]
    journal: list[OfflineJournalEntry]
    journal_total: int
    plan: OfflinePlan | None
    # the newest documents' titles (backend/documents), not their contents
    documents: list[DocumentTitle] = msgspec.field(default_factory=list)


class OfflineCases(msgspec.Struct):
    cases: list[OfflineCase]
    # Asked for, but not (or no longer) the user's to take along: the device drops them.
    missing: list[uuid.UUID]
