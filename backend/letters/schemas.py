"""The letters' API shapes: templates (administrator), drafts and sent letters (caseworker)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

from backend.documents.schemas import DocumentKind

Purpose = Literal[
    "kvittering",
    "partshoering",
    "boernesamtale",
    "orientering",
    "afgoerelse_bevilling",
    "afgoerelse_afslag",
    "afgoerelse_udvalg",
    "overfoersel",
    "andet",
]
PURPOSE_LABELS: dict[str, str] = {
    "kvittering": "Kvittering til fagperson",
    "partshoering": "Partshøring",
    "boernesamtale": "Indkaldelse til børnesamtale",
    "orientering": "Orientering af forældre",
    # The standard templates' names (what the citizen reads), so the letter's heading, the
    # case's list of letters and the filed document agree.
    "afgoerelse_bevilling": "Afgørelse om støtte",
    "afgoerelse_afslag": "Afgørelse om afslag",
    "afgoerelse_udvalg": "Afgørelse fra børne- og ungeudvalget",
    "overfoersel": "Overførsel til ny kommune",
    "andet": "Andet brev",
}
# The document kind a sent letter is filed as (backend/documents' vocabulary).
DOCUMENT_KIND: dict[str, DocumentKind] = {
    "kvittering": "korrespondance",
    "partshoering": "partshoering",
    "boernesamtale": "korrespondance",
    "orientering": "korrespondance",
    "afgoerelse_bevilling": "afgoerelse",
    "afgoerelse_afslag": "afgoerelse",
    "afgoerelse_udvalg": "afgoerelse",
    "overfoersel": "korrespondance",
    "andet": "korrespondance",
}
LetterStatus = Literal["kladde", "sendt"]
Channel = Literal["digital_post", "email", "print"]


class FieldInfo(msgspec.Struct):
    name: str  # what the template writes, e.g. "barn.navn"
    label: str
    sample: str


class ListInfo(msgspec.Struct):
    name: str
    label: str
    fields: list[FieldInfo]


class Vocabulary(msgspec.Struct):
    fields: list[FieldInfo]
    lists: list[ListInfo]
    purposes: dict[str, str]


class TemplateLine(msgspec.Struct):
    id: uuid.UUID
    title: str
    purpose: Purpose
    purpose_label: str
    standard: bool
    current_version: int
    retired: bool
    changed_at: datetime
    changed_by: str | None


class TemplateVersionLine(msgspec.Struct):
    version: int
    title: str
    created_at: datetime
    created_by: str


class TemplateRead(msgspec.Struct):
    id: uuid.UUID
    title: str
    purpose: Purpose
    purpose_label: str
    standard: bool
    current_version: int
    retired: bool
    body: str
    version: int  # the row's version, for optimistic locking
    versions: list[TemplateVersionLine]


class TemplateCreate(msgspec.Struct):
    title: str
    purpose: str
    body: str


class TemplateUpdate(msgspec.Struct):
    title: str
    body: str
    version: int
    purpose: str | None = None


class TemplatePreview(msgspec.Struct):
    title: str
    body: str


class Retire(msgspec.Struct):
    version: int


class Letterhead(msgspec.Struct):
    address: str
    phone: str
    email: str
    web: str


class Recipient(msgspec.Struct):
    """A possible or chosen recipient. ``key`` names them (a network member ``m:<id>``, a
    notifier ``u:<id>``); the CPR number stays on the server, the browser sees whether
    there is one."""

    key: str
    name: str
    role: str
    address: str
    email: str | None
    has_cpr: bool
    channel: Channel | None  # how the letter would reach them
    missing: str | None  # why it cannot (Danish), if it cannot
    # Adressebeskyttelse: ``address`` is empty and the letter goes by Digital Post only.
    address_protected: bool = False


class LetterNew(msgspec.Struct):
    templates: list[TemplateLine]
    suggested_template_id: uuid.UUID | None
    candidates: list[Recipient]
    suggested_recipients: list[str]
    suggestion_reason: str | None


class LetterCreate(msgspec.Struct):
    template_id: uuid.UUID
    recipients: list[str]
    answer_by: date | None = None


class LetterRead(msgspec.Struct):
    id: uuid.UUID
    case_id: uuid.UUID
    title: str
    body: str
    purpose: Purpose
    purpose_label: str
    template_id: uuid.UUID
    template_title: str
    template_version: int
    status: LetterStatus
    recipients: list[Recipient]
    candidates: list[Recipient]
    answer_by: date | None
    document_id: uuid.UUID | None
    sent_at: datetime | None
    sent_by: str | None
    created_by_name: str
    changed_at: datetime
    version: int


class LetterUpdate(msgspec.Struct):
    version: int
    title: str | msgspec.UnsetType = msgspec.UNSET
    body: str | msgspec.UnsetType = msgspec.UNSET
    recipients: list[str] | msgspec.UnsetType = msgspec.UNSET
    answer_by: date | msgspec.UnsetType | None = msgspec.UNSET


class LetterSaved(msgspec.Struct):
    version: int
    changed_at: datetime


class LetterLine(msgspec.Struct):
    id: uuid.UUID
    title: str
    purpose_label: str
    status: LetterStatus
    recipients: list[str]
    created_by_name: str
    changed_at: datetime
    sent_at: datetime | None
    document_id: uuid.UUID | None


class LetterList(msgspec.Struct):
    items: list[LetterLine]


class LetterSend(msgspec.Struct):
    version: int


class LetterSent(msgspec.Struct):
    id: uuid.UUID
    document_id: uuid.UUID
    deliveries: list[uuid.UUID]
    steps: list[str]  # what the law's steps recorded, in Danish
