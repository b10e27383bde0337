"""The report to Ankestyrelsen after a placement (issue 18 item 2): its form prefilled from
the case, and sending it — validated, delivered once, the activity completed and the
sending journalised, all in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from backend.ankestyrelsen import adapter
from backend.ankestyrelsen import repository as repo
from backend.ankestyrelsen.schemas import (
    REASONS,
    STATUS_LABELS,
    AnkeMonthCount,
    AnkeOverview,
    AnkeOverviewRow,
    AnkeReasonOption,
    AnkeReportCreate,
    AnkeReportForm,
    AnkeReportSent,
)
from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.core.danish import DK, today_dk
from backend.core.errors import FieldErrors, NotFound, StateConflict
from backend.core.journal import stamp
from backend.core.measures import MEASURES, PARAGRAPHS
from backend.core.principal import Principal

RULE_ID = repo.RULE_ID
# The report's id is derived from the activity's: a report sent again (a retry after a lost
# answer) carries the same id, and the receiver keeps it once.
NAMESPACE = uuid.UUID("6f1f6a3e-3c59-4c8e-9f3a-1d7e2a0b5a18")
MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()
TEXT_MAX = 4000


def initials(first: str, last: str) -> str:
    parts = [p for p in f"{first} {last}".replace("-", " ").split() if p]
    return ".".join(p[0].upper() for p in parts) + "." if parts else ""


def age(birth: date | None) -> int | None:
    if birth is None:
        return None
    today = today_dk()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


async def _facts(case: AccessibleCase, activity_id: uuid.UUID) -> repo.FormFacts:
    facts = await repo.form_facts(activity_id)
    if facts is None or facts.hovedsag_id != case or facts.rule_id != RULE_ID:
        raise NotFound("Indberetningen findes ikke")
    return facts


def _sent(row: repo.ReportRow) -> AnkeReportSent:
    c = row.content
    return AnkeReportSent(
        id=row.id,
        sent_at=row.sent_at,
        sent_by_name=row.sent_by_name,
        receipt=row.receipt,
        reasons=[REASONS.get(r, r) for r in c.get("aarsager", [])],
        child_experience=str(c.get("barnets_oplevelse", "")),
        child_informed=bool(c.get("barnet_orienteret")),
    )


async def form(case: AccessibleCase, activity_id: uuid.UUID) -> AnkeReportForm:
    """The report of ``activity_id`` (an "Indberet anbringelsen" activity on ``case``),
    prefilled from the case; with what was sent once it has been."""
    f = await _facts(case, activity_id)
    sent = await repo.report_of(activity_id)
    return AnkeReportForm(
        activity_id=f.activity_id,
        case_id=f.hovedsag_id,
        case_number=f.case_number,
        child_name=f"{f.first_name} {f.last_name}",
        child_initials=initials(f.first_name, f.last_name),
        birth_date=f.birth_date,
        age=age(f.birth_date),
        paragraph=f.paragraph or "",
        paragraph_label=PARAGRAPHS.get(f.paragraph or "", "–"),
        measure_label=MEASURES[f.kind][0] if f.kind in MEASURES else "–",
        starts_on=f.starts_on or today_dk(),
        decided_on=f.decided_on,
        decided_by=f.decided_by,
        caseworker_name=f.caseworker_name,
        due_at=f.due_at,
        basis=f.basis or "",
        reasons=[AnkeReasonOption(value=k, label=v) for k, v in REASONS.items()],  # type: ignore[arg-type]  # REASONS' keys are the Reason literal
        sent=_sent(sent) if sent else None,
    )


def check_report(body: AnkeReportCreate) -> None:
    """Every missing or wrong field at once, each with its Danish message."""
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    if not body.reasons:
        bad("reasons", "Vælg mindst én årsag til anbringelsen")
    if "andet" in body.reasons and not (body.reason_other or "").strip():
        bad("reason_other", "Beskriv den anden årsag")
    experience = body.child_experience.strip()
    if not experience:
        bad(
            "child_experience",
            "Skriv barnets egen oplevelse af situationen – den skal indgå i indberetningen",
        )
    elif len(experience) > TEXT_MAX:
        bad("child_experience", f"Teksten er for lang (højst {TEXT_MAX:_} tegn)".replace("_", "."))
    if body.child_informed is None:
        bad("child_informed", "Svar på, om barnet er orienteret om indberetningen")
    if body.note and len(body.note) > TEXT_MAX:
        bad("note", f"Teksten er for lang (højst {TEXT_MAX:_} tegn)".replace("_", "."))
    if errors:
        raise FieldErrors("Indberetningen mangler noget eller er ikke gyldig", errors)


def _message(
    report_id: uuid.UUID, f: repo.FormFacts, body: AnkeReportCreate, me: Principal
) -> dict[str, Any]:
    """The structured report (no CPR number: the child by birth date and initials, the case
    by its number, which Ankestyrelsen asks the kommune about)."""
    return {
        "indberetning_id": str(report_id),
        "type": "anbringelse",
        "kommunekode": me.kommune_code,
        "sagsnummer": f.case_number or str(f.hovedsag_id),
        "barn": {
            "initialer": initials(f.first_name, f.last_name),
            "foedselsdato": f.birth_date.isoformat() if f.birth_date else None,
            "alder": age(f.birth_date),
        },
        "afgoerelse": {
            "paragraf": f"Barnets Lov § {f.paragraph}" if f.paragraph else None,
            "dato": f.decided_on.isoformat() if f.decided_on else None,
            "truffet_af": f.decided_by,
        },
        "anbringelse": {
            "type": f.kind,
            "betegnelse": MEASURES[f.kind][0] if f.kind in MEASURES else None,
            "startdato": f.starts_on.isoformat() if f.starts_on else None,
        },
        "aarsager": list(body.reasons),
        "aarsag_andet": (body.reason_other or "").strip() or None,
        "barnets_oplevelse": body.child_experience.strip(),
        "barnet_orienteret": bool(body.child_informed),
        "bemaerkning": (body.note or "").strip() or None,
        "indberettet_af": me.display_name,
        "sagsbehandler": f.caseworker_name,
    }


async def do_send(
    me: Principal,
    case: AccessibleCase,
    activity_id: uuid.UUID,
    body: AnkeReportCreate,
    sent_at: datetime | None = None,
) -> AnkeReportSent:
    """Send the report of ``activity_id``: checked, delivered to Ankestyrelsen once (the
    activity's row locked; a second send is refused with when and by whom it went), the
    activity completed and the sending written to the journal, in this transaction.
    ``sent_at`` (the demo seed's story of a report sent in the past) defaults to now."""
    check_report(body)
    f = await _facts(case, activity_id)
    await repo.lock_activity(activity_id)
    existing = await repo.report_of(activity_id)
    if existing is not None:
        at = existing.sent_at.astimezone(DK).strftime("%d.%m.%Y kl. %H.%M")
        raise StateConflict(
            f"Indberetningen er allerede sendt til Ankestyrelsen den {at} af "
            f"{existing.sent_by_name} (kvittering {existing.receipt})"
        )
    if f.status != "open":
        raise StateConflict("Aktiviteten er ikke længere åben")
    report_id = uuid.uuid5(NAMESPACE, str(activity_id))
    content = _message(report_id, f, body, me)
    receipt = await adapter.send(content)
    await repo.insert_report(
        report_id,
        f.hovedsag_id,
        activity_id,
        f.indsats_id,
        content,
        f.due_at,
        me.actor,
        me.display_name,
        receipt,
        sent_at,
    )
    if f.indsats_id is not None:
        await lifecycle.complete_activities_about(RULE_ID, f.indsats_id, me.actor)
    now = sent_at or datetime.now(UTC)
    measure = MEASURES[f.kind][0].lower() if f.kind in MEASURES else "anbringelse"
    decided = f" (afgørelse {f.decided_on.strftime('%d.%m.%Y')})" if f.decided_on else ""
    reasons = ", ".join(REASONS[r].lower() for r in body.reasons)
    await stamp(
        f.hovedsag_id,
        me.actor,
        "ankestyrelsen.indberettet",
        f"Indberetning til Ankestyrelsen sendt: {measure} efter § {f.paragraph}{decided}",
        f"Sendt {now.astimezone(DK).strftime('%d.%m.%Y kl. %H.%M')} af {me.display_name}. "
        f"Kvittering fra Ankestyrelsen: {receipt}. Årsager: {reasons}. Barnets oplevelse "
        "indgår i indberetningen. Barnet er "
        + ("orienteret" if body.child_informed else "ikke orienteret")
        + " om indberetningen.",
    )
    sent = await repo.report_of(activity_id)
    assert sent is not None  # inserted above, in this transaction
    return _sent(sent)


async def overview() -> AnkeOverview:
    """The kommune's reports: open (earliest deadline first), overdue, sent; per month."""
    now = datetime.now(UTC)
    rows = []
    for r in await repo.overview_rows():
        if r.sent_at is not None:
            status = "sendt"
        elif r.due_at is not None and r.due_at < now:
            status = "overskredet"
        else:
            status = "aaben"
        rows.append(
            AnkeOverviewRow(
                activity_id=r.activity_id,
                case_id=r.hovedsag_id,
                case_number=r.case_number,
                child_initials=initials(r.first_name, r.last_name),
                age=age(r.birth_date),
                caseworker_name=r.caseworker_name,
                due_at=r.due_at,
                status=status,  # type: ignore[arg-type]  # one of ReportStatus above
                status_label=STATUS_LABELS[status],
                sent_at=r.sent_at,
                sent_by_name=r.sent_by_name,
                receipt=r.receipt,
            )
        )
    months = [
        AnkeMonthCount(
            month=m.month,
            label=f"{MONTHS[int(m.month[5:7]) - 1]} {m.month[:4]}",
            sent=m.sent,
            sent_late=m.sent_late,
        )
        for m in await repo.month_counts()
    ]
    return AnkeOverview(
        due=sum(1 for r in rows if r.status == "aaben"),
        overdue=sum(1 for r in rows if r.status == "overskredet"),
        sent=sum(1 for r in rows if r.status == "sendt"),
        rows=rows,
        months=months,
    )


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``)."""
    return await repo.delete_case_rows(case)
