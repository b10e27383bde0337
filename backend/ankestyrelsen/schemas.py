"""The report to Ankestyrelsen after a placement: its form (prefilled from the case), what
the caseworker sends, and the administrator's overview."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import msgspec

# Reasons for the placement, modelled on the anbringelsesstatistik's reasons (Ankestyrelsen's
# guidance to skema 1 "Oprettelse af sag"; the current code list was not found, see
# docs/reporting.md). Several may apply.
REASONS: dict[str, str] = {
    "omsorgssvigt": "Omsorgssvigt",
    "vold_overgreb": "Vold eller seksuelle overgreb mod barnet",
    "foraeldre_misbrug": "Misbrug hos forældrene",
    "foraeldre_psykisk": "Psykiske vanskeligheder hos forældrene",
    "foraeldre_funktion": "Forældrenes nedsatte funktionsevne",
    "barnets_adfaerd": "Barnets adfærds- eller tilpasningsproblemer",
    "barnets_funktion": "Barnets nedsatte fysiske eller psykiske funktionsevne",
    "barnets_misbrug": "Barnets misbrug",
    "kriminalitet": "Barnets kriminalitet",
    "skole": "Skoleproblemer",
    "boligforhold": "Utilstrækkelige boligforhold",
    "andet": "Andet",
}
Reason = Literal[
    "omsorgssvigt",
    "vold_overgreb",
    "foraeldre_misbrug",
    "foraeldre_psykisk",
    "foraeldre_funktion",
    "barnets_adfaerd",
    "barnets_funktion",
    "barnets_misbrug",
    "kriminalitet",
    "skole",
    "boligforhold",
    "andet",
]
ReportStatus = Literal["aaben", "overskredet", "sendt"]
STATUS_LABELS: dict[str, str] = {
    "aaben": "Skal sendes",
    "overskredet": "Overskredet",
    "sendt": "Sendt",
}


class AnkeReasonOption(msgspec.Struct):
    value: Reason
    label: str


class AnkeReportSent(msgspec.Struct):
    """A report that was sent: when, by whom, Ankestyrelsen's receipt, and what it said."""

    id: uuid.UUID
    sent_at: datetime
    sent_by_name: str
    receipt: str
    reasons: list[str]  # Danish labels
    child_experience: str
    child_informed: bool


class AnkeReportForm(msgspec.Struct):
    """The report prefilled from the case (read only) and the choices for what only the
    caseworker knows. ``sent`` once it has been sent."""

    activity_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str | None
    child_name: str
    child_initials: str
    birth_date: date | None
    age: int | None
    paragraph: str
    paragraph_label: str
    measure_label: str
    starts_on: date
    decided_on: date | None
    decided_by: str | None
    caseworker_name: str | None
    due_at: datetime | None
    basis: str
    reasons: list[AnkeReasonOption]
    sent: AnkeReportSent | None = None


class AnkeReportCreate(msgspec.Struct):
    """What only the caseworker knows. ``reasons``: at least one; ``reason_other`` when
    "andet" is chosen; ``child_experience``: the child's own experience of the situation;
    ``child_informed``: the child has been told about the report."""

    reasons: list[Reason] = msgspec.field(default_factory=list)
    reason_other: str | None = None
    child_experience: str = ""
    child_informed: bool | None = None
    note: str | None = None


class AnkeOverviewRow(msgspec.Struct):
    activity_id: uuid.UUID
    case_id: uuid.UUID
    case_number: str | None
    child_initials: str
    age: int | None
    caseworker_name: str | None
    due_at: datetime | None
    status: ReportStatus
    status_label: str
    sent_at: datetime | None
    sent_by_name: str | None
    receipt: str | None


class AnkeMonthCount(msgspec.Struct):
    month: str  # YYYY-MM
    label: str  # "december 2026"
    sent: int
    sent_late: int


class AnkeOverview(msgspec.Struct):
    due: int
    overdue: int
    sent: int
    rows: list[AnkeOverviewRow]
    months: list[AnkeMonthCount]
