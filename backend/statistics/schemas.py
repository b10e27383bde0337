"""The Statistik screen's API (administrator, ``Perm.REPORTING``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

RecordKind = Literal["foranstaltning", "underretning"]
RecordAction = Literal["ny", "rettelse", "sletning"]
DeliveryStatus = Literal["klar", "sendt", "modtaget", "afvist_delvist", "afvist"]


class DstCase(msgspec.Struct):
    """The case a record concerns, as the administrator may see it (no CPR number)."""

    id: uuid.UUID
    case_number: str | None
    initials: str
    age: int | None
    caseworker: str | None


class DstIssue(msgspec.Struct):
    """A record that fails DST's rules and is not sent."""

    key: str
    kind: RecordKind
    case: DstCase | None
    reasons: list[str]


class DstCheck(msgspec.Struct):
    period: str
    deadline: date
    new: int
    corrections: int
    deletions: int
    invalid: int
    issues: list[DstIssue]


class DstDelivery(msgspec.Struct):
    id: uuid.UUID
    period: str
    status: DeliveryStatus
    records: int
    created_by: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    accepted: int | None
    rejected: int | None
    automatic: bool  # made and sent by the nightly job ("Sendt automatisk")
    # The XML is kept until DST can no longer ask about the period (docs/reporting.md);
    # after that only this summary remains and the XML cannot be downloaded.
    pruned_at: datetime | None


class DstSetting(msgspec.Struct):
    """The kommune's DST settings (Administration › Statistik)."""

    auto_send: bool  # check and send what is due every night
    changed_by: str | None
    changed_at: datetime | None


class DstSettingUpdate(msgspec.Struct):
    auto_send: bool


class DstRejected(msgspec.Struct):
    delivery_id: uuid.UUID
    kind: RecordKind
    action: RecordAction
    reason: str
    case: DstCase | None


class DstOverview(msgspec.Struct):
    period: str
    deadline: date
    open_delivery: uuid.UUID | None
    deliveries: list[DstDelivery]
    rejected: list[DstRejected]
    setting: DstSetting
