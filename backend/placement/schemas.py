"""The placement place of a case: supervision visits and decisions on contact."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

ContactForm = Literal[
    "samvaer",
    "samvaer_overnatning",
    "stoettet_samvaer",
    "overvaaget_samvaer",
    "telefon",
    "video",
    "skriftlig",
    "ingen",
]
CONTACT_FORMS: dict[str, str] = {
    "samvaer": "Samvær",
    "samvaer_overnatning": "Samvær med overnatning",
    "stoettet_samvaer": "Støttet samvær (tredje person til stede)",
    "overvaaget_samvaer": "Overvåget samvær (kommunen til stede)",
    "telefon": "Telefonkontakt",
    "video": "Videoopkald",
    "skriftlig": "Skriftlig kontakt (brev, e-mail)",
    "ingen": "Ingen kontakt (afbrudt)",
}
VisitStatus = Literal["open", "done", "cancelled"]


class PlacementItem(msgspec.Struct):
    id: uuid.UUID
    label: str  # "Anbringelse i plejefamilie efter § 46"
    starts_on: date
    ends_on: date | None


class VisitRead(msgspec.Struct):
    """A planned (open) or held (done) supervision visit."""

    activity_id: uuid.UUID
    status: VisitStatus
    due_at: datetime | None
    overdue: bool
    visited_on: date | None = None
    place: str | None = None
    visited_by: str | None = None
    alone: bool | None = None
    not_alone_reason: str | None = None
    child_said: str | None = None
    observations: str | None = None
    follow_up: str | None = None
    follow_up_on: date | None = None
    recorded_by: str | None = None
    cancel_reason: str | None = None


class ContactDecisionRead(msgspec.Struct):
    id: uuid.UUID
    network_member_id: uuid.UUID | None
    person_name: str
    person_relation: str  # Danish label, e.g. "Mor"
    form: ContactForm
    form_label: str
    frequency: str
    restrictions: str | None
    decided_on: date
    review_on: date
    created_by: str
    replaces_id: uuid.UUID | None = None
    replaced_at: datetime | None = None
    replaced_by: str | None = None


class PersonOption(msgspec.Struct):
    id: uuid.UUID
    name: str
    relation: str  # Danish label


class FormOption(msgspec.Struct):
    value: ContactForm
    label: str


class PlacementRead(msgspec.Struct):
    """Everything the case's "Tilsyn og samvær" place shows."""

    placements: list[PlacementItem]
    placed: bool  # a placement is running now
    visits: list[VisitRead]
    contact: list[ContactDecisionRead]  # the decisions in force
    history: list[ContactDecisionRead]  # decisions that were changed (replaced)
    people: list[PersonOption]  # parents and network the child may have contact with
    forms: list[FormOption]
    supervision_basis: str
    contact_basis: str
    review_months: int  # the default review date is this many months after the decision


class ContactDecisionCreate(msgspec.Struct):
    """A decision on contact: with whom (a member of the child's network), the form, how
    often, any restrictions, the decision's date (not in the future) and the review date
    (default: ``review_months`` after the decision)."""

    network_member_id: uuid.UUID | None = None
    form: str = ""
    frequency: str = ""
    restrictions: str | None = None
    decided_on: date | None = None
    review_on: date | None = None
