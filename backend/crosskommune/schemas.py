"""Request and response shapes across kommuner (see docs/crosskommune-notes.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

# Casework's response shapes, which this package fills (casework is the lower layer).
from backend.casework.schemas import KommuneRef as KommuneRef
from backend.casework.schemas import PriorCaseRead as PriorCaseRead


class PriorCaseQuery(msgspec.Struct):
    """CPR numbers travel in the body, never in a URL."""

    cpr: str


class PriorCases(msgspec.Struct):
    prior_cases: list[PriorCaseRead]


class TransferCreate(msgspec.Struct):
    to_kommune: str
    summary: str  # the required summary of the assessments (Barnets Lov § 132)


class Rejection(msgspec.Struct):
    reason: str


# The fixed vocabularies of transfers and requests (the tables' CHECK constraints hold the same).
Direction = Literal["ind", "ud"]  # "ind": received / asked of us, "ud": sent / we asked
TransferStatus = Literal["sendt", "accepteret", "afvist", "importeret", "fejl"]
RequestStatus = Literal["aaben", "sendt", "afvist"]


class TransferStatusRead(msgspec.Struct):
    """Only where a transfer stands (what its page polls while the import runs): no child,
    no summary, so reading it is not audited."""

    status: TransferStatus
    status_text: str
    # While the import writes the files (status "accepteret"): "Filerne indlæses: 48 af
    # 200 MB" and how far, in per cent; ``None`` before the files start and afterwards.
    progress_text: str | None = None
    percent: int | None = None


class TransferRead(msgspec.Struct):
    """One transfer as either side sees it."""

    id: uuid.UUID
    direction: Direction
    status: TransferStatus
    status_text: str
    from_kommune: KommuneRef
    to_kommune: KommuneRef
    child_name: str
    child_birth_date: date | None
    summary: str
    sent_at: datetime
    sent_by_name: str
    counts: dict[str, int]  # table -> rows (for programs; people read ``contents``)
    contents: list[str]  # the same in Danish: "1 afgørelse", "5 betalinger"
    # The documents whose files travel whole with the case, and their bytes in all (every
    # stream: the file as uploaded and its PDF for viewing).
    files: int = 0
    file_bytes: int = 0
    decided_at: datetime | None = None
    decided_by_name: str | None = None
    reason: str | None = None
    imported_at: datetime | None = None
    error: str | None = None
    sender_closed_at: datetime | None = None
    # The receiving side: when it must be read and taken over, by which team, and the case
    # it became. The sending side: the case that was sent.
    due_at: datetime | None = None
    overdue: bool = False
    team_id: uuid.UUID | None = None
    team: str | None = None
    hovedsag_id: uuid.UUID | None = None


class TransferList(msgspec.Struct):
    incoming: list[TransferRead]
    outgoing: list[TransferRead]


class ActivityLine(msgspec.Struct):
    title: str
    status: str
    due_at: datetime | None
    basis: str | None = None


class MeasureLine(msgspec.Struct):
    kind: str
    paragraph: str
    starts_on: date
    ends_on: date | None
    label: str  # the measure's Danish name


class SiblingLine(msgspec.Struct):
    name: str
    cpr: str | None
    open_case_at_sender: bool


class TransferChild(msgspec.Struct):
    first_name: str
    last_name: str
    cpr: str | None  # None for an unborn child
    birth_date: date | None  # an unborn child: the expected date
    address: str = ""  # empty when address_protected
    mother_cpr: str | None = None
    expected_date: date | None = None
    address_protected: bool = False


class EnkeltsagLine(msgspec.Struct):
    kind: str  # afklaring | undersoegelse | afgoerelse | indsats
    opened_at: datetime
    closed_at: datetime | None = None
    paragraph: str | None = None
    summary: str | None = None


class KnownHere(msgspec.Struct):
    """The receiving kommune already knows the child."""

    child_id: uuid.UUID
    open_hovedsag_id: uuid.UUID | None


class TransferDetail(msgspec.Struct):
    """What the receiver reads before accepting (and either side afterwards)."""

    transfer: TransferRead
    intact: bool  # checksum and seal hold
    problem: str | None  # why not, in Danish
    child: TransferChild | None  # None when the package cannot be read
    caseworker_at_sender: str | None
    team_at_sender: str | None
    stage: str | None
    enkeltsager: list[EnkeltsagLine]
    open_activities: list[ActivityLine]
    measures: list[MeasureLine]
    siblings: list[SiblingLine]
    prior_cases: list[PriorCaseRead]  # every other kommune's cases on the child (audited)
    known_here: KnownHere | None


class CaseTransfers(msgspec.Struct):
    """The transfers a case took part in: sent from it, or the one it was received by."""

    in_transfer: bool
    sent: list[TransferRead]
    received: TransferRead | None


class KommuneTeam(msgspec.Struct):
    id: uuid.UUID
    name: str


class TransferSettings(msgspec.Struct):
    team_id: uuid.UUID | None  # the team that receives transferred cases
    effective_team_id: uuid.UUID | None  # the one used (the chosen one, or the fallback)
    teams: list[KommuneTeam]


class TransferSettingsUpdate(msgspec.Struct):
    team_id: uuid.UUID | None


class TransferRequestCreate(msgspec.Struct):
    to_kommune: str
    cpr: str
    message: str


class TransferRequestAnswer(msgspec.Struct):
    decision: str  # "send": send the case now (needs summary) | "afvis" (needs reason)
    summary: str | None = None
    reason: str | None = None
    hovedsag_id: uuid.UUID | None = None  # which case, if the kommune has several open


class TransferRequestRead(msgspec.Struct):
    id: uuid.UUID
    direction: Direction
    status: RequestStatus
    from_kommune: KommuneRef
    to_kommune: KommuneRef
    child_name: str
    message: str
    created_at: datetime
    created_by_name: str
    answered_at: datetime | None
    answered_by_name: str | None
    answer: str | None
    transfer_id: uuid.UUID | None
    hovedsag_id: uuid.UUID | None = None  # asked of us: our case on the child, if found


class TransferRequestList(msgspec.Struct):
    incoming: list[TransferRequestRead]
    outgoing: list[TransferRequestRead]
