"""The documents API's shapes (docs/architecture.md, "Documents")."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

DocumentKind = Literal[
    "underretning",
    "udtalelse",
    "statusudtalelse",
    "referat",
    "afgoerelse",
    "partshoering",
    "korrespondance",
    "andet",
]
KIND_LABELS: dict[str, str] = {
    "underretning": "Underretning",
    "udtalelse": "Udtalelse",
    "statusudtalelse": "Statusudtalelse",
    "referat": "Referat",
    "afgoerelse": "Afgørelse",
    "partshoering": "Partshøring",
    "korrespondance": "Korrespondance",
    "andet": "Andet",
}
DocumentSource = Literal["upload", "brev", "digital_post", "overfoersel"]
DocumentView = Literal["pdf", "image", "konverterer", "ingen"]

Title = Annotated[str, msgspec.Meta(max_length=1_000)]
FileName = Annotated[str, msgspec.Meta(max_length=1_000)]


class DocumentCreate(msgspec.Struct):
    """A document's metadata, sent before its bytes (``PUT upload_url``)."""

    title: Title
    kind: DocumentKind
    dated: date
    filename: FileName
    size: Annotated[int, msgspec.Meta(ge=0, le=2**62)]
    content_type: Annotated[str, msgspec.Meta(max_length=200)] = ""
    enkeltsag_id: uuid.UUID | None = None
    incoming: bool = False


class DocumentCreated(msgspec.Struct):
    id: uuid.UUID
    upload_url: str


class DocumentPatch(msgspec.Struct):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    kind: DocumentKind | msgspec.UnsetType = msgspec.UNSET
    dated: date | msgspec.UnsetType = msgspec.UNSET
    enkeltsag_id: uuid.UUID | msgspec.UnsetType | None = msgspec.UNSET


class DocumentOut(msgspec.Struct):
    id: uuid.UUID
    case_id: uuid.UUID
    title: str
    kind: DocumentKind
    dated: date
    enkeltsag_id: uuid.UUID | None
    enkeltsag_label: str | None
    filename: str
    size: int
    content_type: str
    added_by_name: str
    added_at: datetime
    source: DocumentSource
    incoming: bool
    handled_at: datetime | None
    handled_by: str | None
    view: DocumentView
    # why the file cannot be shown here (view "ingen" after a refused or failed
    # conversion), in Danish: "Billedet er for stort til at blive vist …"
    view_note: str | None = None
    # False for a document whose file did not come with a case transferred from another
    # kommune (too large for the package): its details and text did
    has_file: bool = True
    # words found by a search, each marked ``<mark>…</mark>``; everything else is plain text
    # the UI must escape
    snippet: str | None = None


class DocumentHit(DocumentOut, kw_only=True):
    child_name: str
    case_number: str | None


class DocumentStatusOut(msgspec.Struct):
    """Only how the document can be shown now (what the viewer polls while LibreOffice
    converts a Word file): no title, no text, no child, so reading it is not audited."""

    view: DocumentView


class DocumentPage(msgspec.Struct):
    items: list[DocumentOut]
    total: int


class DocumentHitPage(msgspec.Struct):
    items: list[DocumentHit]
    total: int
    # False when ``total`` is "at least" (a kommune-wide search counts up to 1,000, and
    # only as long as counting is quick): "over 1.000", "mindst 20"
    total_exact: bool = True


class DocumentTitle(msgspec.Struct):
    """A document as the offline worklist carries it: what it is, never its contents."""

    id: uuid.UUID
    title: str
    kind: DocumentKind
    kind_label: str
    dated: date
