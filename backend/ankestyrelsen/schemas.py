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
# Skema 2: why a placement changed (place, type or legal basis). Modelled on the published
# breakdowns of the placement statistics ("årsag til ændring i anbringelsen", DST; Ankestyrelsen
# counts "sammenbrud" — the child or the place gives up); the official code list was not
# found (docs/reporting.md).
CHANGE_CAUSES: dict[str, str] = {
    "barnets_behov": "Barnets behov har ændret sig",
    "sammenbrud": "Sammenbrud – barnet eller anbringelsesstedet ønskede ikke at fortsætte",
    "stedet_ophoerer": "Anbringelsesstedet lukker eller kan ikke længere have barnet",
    "oenske": "Efter ønske fra barnet, den unge eller forældrene",
    "samtykke": "Samtykket er trukket tilbage eller givet (ændret retsgrundlag)",
    "andet": "Andet",
}
# Skema 2: why a placement ended (modelled on the same breakdowns, "årsagen til anbringelsen
# slutter"; the official list was not found).
END_CAUSES: dict[str, str] = {
    "hjemgivelse": "Hjemgivelse",
    "eftervaern": "Overgang til ungestøtte efter det 18. år (efterværn)",
    "fyldt_18": "Den unge er fyldt 18 år (ingen ungestøtte)",
    "flytning": "Familien er flyttet til en anden kommune",
    "adoption": "Adoption",
    "andet": "Andet",
}
# The report kinds: one per event (backend/casework/rules.py's report rules).
ReportKind = Literal["anbringelse", "aendring", "ophoer", "eftervaern", "indgreb_139"]
KIND_LABELS: dict[str, str] = {
    "anbringelse": "Anbringelse (skema 1)",
    "aendring": "Ændret anbringelse (skema 2)",
    "ophoer": "Ophør af anbringelse (skema 2)",
    "eftervaern": "Døgnophold i efterværn (skema 3)",
    "indgreb_139": "Afgørelse efter § 139",
}
# What the caseworker adds, per kind (the rest is prefilled from the case).
AskField = Literal["reasons", "cause", "child_experience", "child_informed", "consent", "note"]
ASKS: dict[str, list[str]] = {
    "anbringelse": ["reasons", "child_experience", "child_informed", "note"],
    "aendring": ["cause", "note"],
    "ophoer": ["cause", "note"],
    "eftervaern": ["consent", "note"],
    "indgreb_139": ["child_experience", "child_informed", "note"],
}
# § 139 decisions (LBK 282/2025 § 139, stk. 2-4, read on lovguiden.dk 2026-12-06).
INDGREB_KINDS: dict[str, str] = {
    "fuldbyrdelse_hjem": "Barnet hentet i hjemmet uden retskendelse for at fuldbyrde en "
    "afgørelse (§ 139, stk. 2)",
    "fuldbyrdelse_anbringelsessted": "Barnet hentet på anbringelsesstedet uden retskendelse "
    "for at fuldbyrde en afgørelse, fx om ændret anbringelsessted (§ 139, stk. 3)",
    "adgang_undersoegelse": "Adgang til hjemmet uden retskendelse som led i den børnefaglige "
    "undersøgelse (§ 139, stk. 4)",
}
IndgrebKind = Literal["fuldbyrdelse_hjem", "fuldbyrdelse_anbringelsessted", "adgang_undersoegelse"]
ReportStatus = Literal["aaben", "overskredet", "sendt"]
STATUS_LABELS: dict[str, str] = {
    "aaben": "Skal sendes",
    "overskredet": "Overskredet",
    "sendt": "Sendt",
}


class AnkeReasonOption(msgspec.Struct):
    value: Reason
    label: str


class AnkeChoice(msgspec.Struct):
    value: str
    label: str


class AnkeFact(msgspec.Struct):
    """One prefilled line of the report (Danish label and value, read only)."""

    label: str
    value: str


class AnkeReportSent(msgspec.Struct):
    """A report that was sent: when, by whom, Ankestyrelsen's receipt, and what it said."""

    id: uuid.UUID
    sent_at: datetime
    sent_by_name: str
    receipt: str
    reasons: list[str]  # Danish labels
    child_experience: str
    child_informed: bool
    kind: ReportKind = "anbringelse"
    kind_label: str = ""
    cause: str | None = None  # Danish label of the cause (skema 2)


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
    kind: ReportKind = "anbringelse"
    kind_label: str = ""
    facts: list[AnkeFact] = msgspec.field(default_factory=list)
    asks: list[AskField] = msgspec.field(default_factory=list)
    cause_legend: str | None = None
    causes: list[AnkeChoice] = msgspec.field(default_factory=list)
    replacement: bool = False  # skema 1 for a child placed before (reasons again)


class AnkeReportCreate(msgspec.Struct):
    """What only the caseworker knows. ``reasons``: at least one; ``reason_other`` when
    "andet" is chosen; ``child_experience``: the child's own experience of the situation;
    ``child_informed``: the child has been told about the report."""

    reasons: list[Reason] = msgspec.field(default_factory=list)
    reason_other: str | None = None
    child_experience: str = ""
    child_informed: bool | None = None
    note: str | None = None
    cause: str | None = None  # skema 2: a key of the form's ``causes``
    cause_other: str | None = None  # when ``cause`` is "andet"
    consent: bool | None = None  # skema 3: the young person agrees to the continued stay


class AnkeOverviewRow(msgspec.Struct):
    activity_id: uuid.UUID
    kind: ReportKind
    kind_label: str
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
    kind: ReportKind
    kind_label: str
    sent: int
    sent_late: int


class AnkeOverview(msgspec.Struct):
    due: int
    overdue: int
    sent: int
    rows: list[AnkeOverviewRow]
    months: list[AnkeMonthCount]


class Indgreb139Create(msgspec.Struct):
    """A decision under Barnets Lov § 139: which, when, who decided, whether the police
    assisted, what happened. Every field is required except ``carried_out_on``."""

    kind: IndgrebKind | None = None
    decided_on: date | None = None
    carried_out_on: date | None = None
    decided_by: str = ""
    police: bool | None = None
    description: str = ""


class Indgreb139Read(msgspec.Struct):
    id: uuid.UUID
    kind: IndgrebKind
    kind_label: str
    decided_on: date
    carried_out_on: date | None
    decided_by: str
    police: bool
    description: str
    created_at: datetime
    activity_id: uuid.UUID | None  # its report activity


class Indgreb139Choices(msgspec.Struct):
    kinds: list[AnkeChoice]
    items: list[Indgreb139Read]
