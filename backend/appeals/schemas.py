"""The API's shapes for complaints (klager) against a case's decisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

KlageState = Literal["genvurderes", "imoedekommet", "fastholdt", "sendt", "afgjort"]
Reconsideration = Literal["imoedekommet", "fastholdt"]
AnswerOutcome = Literal["stadfaestet", "aendret", "ophaevet", "hjemvist"]

STATE_LABELS: dict[str, str] = {
    "genvurderes": "Modtaget – genvurderes",
    "imoedekommet": "Afgjort: imødekommet af kommunen",
    "fastholdt": "Fastholdt – sendes til Ankestyrelsen",
    "sendt": "Sendt til Ankestyrelsen",
    "afgjort": "Afgjort af Ankestyrelsen",
}
ANSWER_LABELS: dict[str, str] = {
    "stadfaestet": "Stadfæstet",
    "aendret": "Ændret",
    "ophaevet": "Ophævet",
    "hjemvist": "Hjemvist",
}

Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Short = Annotated[str, msgspec.Meta(max_length=5_000)]


class KlageCreate(msgspec.Struct):
    afgoerelse_id: str  # checked by the service (a Danish message, not a decoding error)
    received_on: date
    complainant: str  # "barn", or the id of a person in the child's network
    about: Short
    document_id: uuid.UUID | None = None


class GenvurderingCreate(msgspec.Struct):
    version: int
    outcome: Reconsideration
    decided_on: date
    reasons: Text = ""


class PackageCreate(msgspec.Struct):
    version: int
    sent_on: date
    document_ids: list[uuid.UUID]


class AnswerCreate(msgspec.Struct):
    version: int
    answered_on: date
    outcome: AnswerOutcome
    document_id: uuid.UUID | None = None
    note: Short = ""


class KlageRead(msgspec.Struct):
    id: uuid.UUID
    case_id: uuid.UUID
    afgoerelse_id: uuid.UUID
    decision_label: str  # "§ 32 (støtte uden anbringelse): bevilget, 01.12.2026"
    received_on: date
    complainant: str
    about: str
    complaint_document_id: uuid.UUID | None
    complaint_deadline: date | None  # None: the decision was not recorded as notified
    days_late: int  # days received after the complaint deadline (0: in time or unknown)
    reconsider_by: date
    state: KlageState
    state_label: str
    reconsidered_on: date | None
    reconsider_days_late: int  # days the reconsideration came after its deadline
    reconsider_reasons: str | None
    sent_on: date | None
    package_document_id: uuid.UUID | None
    answered_on: date | None
    answer_outcome: AnswerOutcome | None
    answer_label: str | None
    answer_document_id: uuid.UUID | None
    answer_note: str | None
    created_by_name: str
    created_at: datetime
    version: int


class DecisionOption(msgspec.Struct):
    id: uuid.UUID
    label: str
    notified_on: date | None
    complaint_deadline: date | None


class PartyOption(msgspec.Struct):
    value: str  # "barn" or a network member's id
    label: str


class DocumentOption(msgspec.Struct):
    id: uuid.UUID
    title: str
    kind_label: str
    dated: date
    pdf: bool  # can be enclosed in the package (a PDF, or converted to one)
    preselected: bool  # a sensible default for the package


class KlageList(msgspec.Struct):
    items: list[KlageRead]
    decisions: list[DecisionOption]
    parties: list[PartyOption]
    documents: list[DocumentOption]  # the case's newest documents (for the complaint/answer)


class PackageChoices(msgspec.Struct):
    documents: list[DocumentOption]
