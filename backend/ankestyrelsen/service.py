"""The report to Ankestyrelsen after a placement (issue 18 item 2): its form prefilled from
the case, and sending it — validated, delivered once, the activity completed and the
sending journalised, all in the request's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from backend.ankestyrelsen import adapter
from backend.ankestyrelsen import repository as repo
from backend.ankestyrelsen.schemas import (
    ASKS,
    CHANGE_CAUSES,
    END_CAUSES,
    INDGREB_KINDS,
    KIND_LABELS,
    REASONS,
    STATUS_LABELS,
    AnkeChoice,
    AnkeFact,
    AnkeMonthCount,
    AnkeOverview,
    AnkeOverviewRow,
    AnkeReasonOption,
    AnkeReportCreate,
    AnkeReportForm,
    AnkeReportSent,
    Indgreb139Choices,
    Indgreb139Create,
    Indgreb139Read,
)
from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.casework.rules import Facts, Trigger, rules_for
from backend.core.danish import DK, today_dk
from backend.core.errors import CaseClosed, FieldErrors, NotFound, StateConflict
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
    if facts is None or facts.hovedsag_id != case or facts.rule_id not in repo.KIND_OF_RULE:
        raise NotFound("Indberetningen findes ikke")
    return facts


def _kind(f: repo.FormFacts) -> str:
    return repo.KIND_OF_RULE[f.rule_id or RULE_ID]


def _d(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


def _measure(kind: str | None) -> str:
    return MEASURES[kind][0] if kind in MEASURES else "–"


def _paragraph(paragraph: str | None) -> str:
    return PARAGRAPHS.get(paragraph or "", "–")


def _sent(row: repo.ReportRow) -> AnkeReportSent:
    c = row.content
    kind = str(c.get("type", "anbringelse"))
    causes = END_CAUSES if kind == "ophoer" else CHANGE_CAUSES
    cause = c.get("ophoersaarsag") or c.get("aarsag")
    return AnkeReportSent(
        id=row.id,
        sent_at=row.sent_at,
        sent_by_name=row.sent_by_name,
        receipt=row.receipt,
        reasons=[REASONS.get(r, r) for r in c.get("aarsager", [])],
        child_experience=str(c.get("barnets_oplevelse", "")),
        child_informed=bool(c.get("barnet_orienteret")),
        kind=kind,  # type: ignore[arg-type]  # written by _message: one of ReportKind
        kind_label=KIND_LABELS.get(kind, ""),
        cause=causes.get(str(cause), str(cause)) if cause else None,
    )


class _Event(msgspec.Struct):
    """What the report is about, read from the case at the time: the facts shown (Danish)
    and the part of the message that describes the event."""

    facts: list[AnkeFact]
    message: dict[str, Any]
    journal: str  # "ophør af anbringelse i plejefamilie 01.12.2026"
    replacement: bool = False


def _placement_json(
    kind: str | None, paragraph: str | None, start: date | None, end: date | None = None
) -> dict[str, Any]:
    return {
        "type": kind,
        "betegnelse": MEASURES[kind][0] if kind in MEASURES else None,
        "paragraf": f"Barnets Lov § {paragraph}" if paragraph else None,
        "startdato": start.isoformat() if start else None,
        "slutdato": end.isoformat() if end else None,
    }


async def _event(f: repo.FormFacts, kind: str) -> _Event:
    """The event of the report, prefilled from the case."""
    decided = f"{_paragraph(f.paragraph)}, truffet {_d(f.decided_on)}" + (
        f" af {f.decided_by}" if f.decided_by else ""
    )
    if kind == "anbringelse":
        before = (
            await repo.earlier_placement(f.child_id, f.indsats_id, f.starts_on)
            if f.indsats_id and f.starts_on
            else None
        )
        facts = [
            AnkeFact("Afgørelse", decided),
            AnkeFact("Anbringelse", f"{_measure(f.kind)} fra {_d(f.starts_on)}"),
        ]
        if before is not None:
            facts.append(
                AnkeFact(
                    "Genanbringelse",
                    f"Barnet var anbragt før: {_measure(before.kind).lower()} "
                    f"{_d(before.starts_on)}–{_d(before.ends_on)}",
                )
            )
        measure = _measure(f.kind).lower() if f.kind in MEASURES else "anbringelse"
        prefix = "genanbringelse, " if before is not None else ""
        return _Event(
            facts,
            {
                "anbringelse": _placement_json(f.kind, None, f.starts_on),
                "genanbringelse": (
                    {"tidligere_ophoert": before.ends_on.isoformat() if before.ends_on else None}
                    if before is not None
                    else None
                ),
            },
            f"{prefix}{measure} efter § {f.paragraph}"
            + (f" (afgørelse {_d(f.decided_on)})" if f.decided_on else ""),
            replacement=before is not None,
        )
    if kind == "aendring":
        before = (
            await repo.continued_placement(f.hovedsag_id, f.indsats_id, f.starts_on)
            if f.indsats_id and f.starts_on
            else None
        )
        changes = []
        if before is not None and before.kind != f.kind:
            changes.append("sted")
        if before is not None and before.paragraph != f.paragraph:
            changes.append("grundlag")
        if before is not None and not changes:
            changes.append("sted")  # same type of place, a new place
        what = {"sted": "anbringelsessted", "grundlag": "retsgrundlag"}
        facts = [
            AnkeFact("Ændring", " og ".join(what[c] for c in changes) or "–"),
            AnkeFact(
                "Fra",
                f"{_measure(before.kind)} efter {_paragraph(before.paragraph)}, fra "
                f"{_d(before.starts_on)}" + (f" til {_d(before.ends_on)}" if before.ends_on else "")
                if before
                else "–",
            ),
            AnkeFact(
                "Til", f"{_measure(f.kind)} efter {_paragraph(f.paragraph)}, fra {_d(f.starts_on)}"
            ),
            AnkeFact("Afgørelse", decided),
        ]
        return _Event(
            facts,
            {
                "aendringer": changes,
                "fra": _placement_json(
                    before.kind, before.paragraph, before.starts_on, before.ends_on
                )
                if before
                else {},
                "til": _placement_json(f.kind, f.paragraph, f.starts_on),
            },
            f"ændret anbringelse fra {_measure(before.kind).lower()} efter § {before.paragraph} "
            f"til {_measure(f.kind).lower()} efter § {f.paragraph}"
            if before
            else f"ændret anbringelse til {_measure(f.kind).lower()} efter § {f.paragraph}",
        )
    if kind == "ophoer":
        facts = [
            AnkeFact(
                "Anbringelse",
                f"{_measure(f.kind)} efter {_paragraph(f.paragraph)}, fra {_d(f.starts_on)}",
            ),
            AnkeFact("Ophørt", _d(f.ends_on)),
            AnkeFact("Afgørelse om anbringelsen", decided),
        ]
        return _Event(
            facts,
            {"anbringelse": _placement_json(f.kind, f.paragraph, f.starts_on, f.ends_on)},
            f"ophør af {_measure(f.kind).lower()} {_d(f.ends_on)}",
        )
    if kind == "eftervaern":
        facts = [
            AnkeFact("Døgnophold", f"{_measure(f.kind)} fra {_d(f.starts_on)}"),
            AnkeFact("Planlagt ophør", _d(f.planned_end)),
            AnkeFact("Afgørelse", decided),
        ]
        return _Event(
            facts,
            {
                "doegnophold": {
                    "type": f.kind,
                    "betegnelse": _measure(f.kind),
                    "paragraf": "Barnets Lov § 114",
                    "startdato": f.starts_on.isoformat() if f.starts_on else None,
                    "planlagt_ophoer": f.planned_end.isoformat() if f.planned_end else None,
                }
            },
            f"døgnophold i efterværn fra {_d(f.starts_on)}",
        )
    # indgreb_139
    found = await repo.get_indgreb(f.concerns_id) if f.concerns_id else None
    if found is None:
        raise NotFound("Indberetningen findes ikke")
    facts = [
        AnkeFact("Afgørelse", INDGREB_KINDS[found.kind]),
        AnkeFact("Truffet", f"{_d(found.decided_on)} af {found.decided_by}"),
        AnkeFact("Gennemført", _d(found.carried_out_on)),
        AnkeFact("Politiets bistand", "Ja" if found.police else "Nej"),
        AnkeFact("Hvad skete der", found.description),
    ]
    return _Event(
        facts,
        {
            "indgreb": {
                "art": found.kind,
                "paragraf": "Barnets Lov § 139",
                "afgoerelsesdato": found.decided_on.isoformat(),
                "gennemfoert": found.carried_out_on.isoformat() if found.carried_out_on else None,
                "truffet_af": found.decided_by,
                "politiets_bistand": found.police,
                "beskrivelse": found.description,
            }
        },
        f"afgørelse efter § 139 {_d(found.decided_on)}"
        + (" med politiets bistand" if found.police else ""),
    )


async def form(case: AccessibleCase, activity_id: uuid.UUID) -> AnkeReportForm:
    """The report of ``activity_id`` (a report activity on ``case``), prefilled from the
    case; with what was sent once it has been."""
    f = await _facts(case, activity_id)
    kind = _kind(f)
    event = await _event(f, kind)
    sent = await repo.report_of(activity_id)
    causes = END_CAUSES if kind == "ophoer" else CHANGE_CAUSES
    asks = ASKS[kind]
    return AnkeReportForm(
        activity_id=f.activity_id,
        case_id=f.hovedsag_id,
        case_number=f.case_number,
        child_name=f"{f.first_name} {f.last_name}",
        child_initials=initials(f.first_name, f.last_name),
        birth_date=f.birth_date,
        age=age(f.birth_date),
        paragraph=f.paragraph or ("139" if kind == "indgreb_139" else ""),
        paragraph_label=_paragraph(f.paragraph),
        measure_label=_measure(f.kind),
        starts_on=f.starts_on or today_dk(),
        decided_on=f.decided_on,
        decided_by=f.decided_by,
        caseworker_name=f.caseworker_name,
        due_at=f.due_at,
        basis=f.basis or "",
        reasons=[AnkeReasonOption(value=k, label=v) for k, v in REASONS.items()],  # type: ignore[arg-type]  # REASONS' keys are the Reason literal
        sent=_sent(sent) if sent else None,
        kind=kind,  # type: ignore[arg-type]  # KIND_OF_RULE's values are ReportKind
        kind_label=KIND_LABELS[kind],
        facts=event.facts,
        asks=asks,  # type: ignore[arg-type]  # ASKS' values are AskField
        cause_legend=(
            "Hvorfor ophørte anbringelsen?"
            if kind == "ophoer"
            else "Hvorfor blev anbringelsen ændret?"
            if "cause" in asks
            else None
        ),
        causes=[AnkeChoice(k, v) for k, v in causes.items()] if "cause" in asks else [],
        replacement=event.replacement,
    )


def _too_long(text: str | None) -> bool:
    return bool(text) and len(text or "") > TEXT_MAX


def check_report(body: AnkeReportCreate, kind: str = "anbringelse") -> None:
    """Every missing or wrong field of a report of ``kind`` at once, each with its Danish
    message; fields the kind does not ask for are ignored."""
    errors: list[dict[str, str]] = []
    asks = ASKS[kind]
    long = f"Teksten er for lang (højst {TEXT_MAX:_} tegn)".replace("_", ".")

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    if "reasons" in asks:
        if not body.reasons:
            bad("reasons", "Vælg mindst én årsag til anbringelsen")
        if "andet" in body.reasons and not (body.reason_other or "").strip():
            bad("reason_other", "Beskriv den anden årsag")
        elif _too_long(body.reason_other):
            bad("reason_other", long)
    if "cause" in asks:
        causes = END_CAUSES if kind == "ophoer" else CHANGE_CAUSES
        if body.cause not in causes:
            bad(
                "cause",
                "Vælg hvorfor anbringelsen ophørte"
                if kind == "ophoer"
                else "Vælg hvorfor anbringelsen blev ændret",
            )
        elif body.cause == "andet" and not (body.cause_other or "").strip():
            bad("cause_other", "Beskriv den anden årsag")
        elif _too_long(body.cause_other):
            bad("cause_other", long)
    if "child_experience" in asks:
        experience = body.child_experience.strip()
        if not experience:
            bad(
                "child_experience",
                "Skriv barnets egen oplevelse af situationen – den skal indgå i indberetningen",
            )
        elif len(experience) > TEXT_MAX:
            bad("child_experience", long)
    if "child_informed" in asks and body.child_informed is None:
        bad("child_informed", "Svar på, om barnet er orienteret om indberetningen")
    if "consent" in asks and body.consent is None:
        bad("consent", "Svar på, om den unge har givet samtykke til døgnopholdet")
    if _too_long(body.note):
        bad("note", long)
    if errors:
        raise FieldErrors("Indberetningen mangler noget eller er ikke gyldig", errors)


def _message(
    report_id: uuid.UUID,
    f: repo.FormFacts,
    kind: str,
    event: _Event,
    body: AnkeReportCreate,
    me: Principal,
) -> dict[str, Any]:
    """The structured report (no CPR number: the child by birth date and initials, the case
    by its number, which Ankestyrelsen asks the kommune about): the common head, the event
    prefilled from the case, and what the caseworker added for this kind."""
    message: dict[str, Any] = {
        "indberetning_id": str(report_id),
        "type": kind,
        "skema": {"anbringelse": 1, "aendring": 2, "ophoer": 2, "eftervaern": 3}.get(kind),
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
        **event.message,
        "bemaerkning": (body.note or "").strip() or None,
        "indberettet_af": me.display_name,
        "sagsbehandler": f.caseworker_name,
    }
    asks = ASKS[kind]
    if "reasons" in asks:
        message["aarsager"] = list(body.reasons)
        message["aarsag_andet"] = (body.reason_other or "").strip() or None
    if "cause" in asks:
        message["ophoersaarsag" if kind == "ophoer" else "aarsag"] = body.cause
        message["aarsag_andet"] = (body.cause_other or "").strip() or None
    if "child_experience" in asks:
        message["barnets_oplevelse"] = body.child_experience.strip()
    if "child_informed" in asks:
        message["barnet_orienteret"] = bool(body.child_informed)
    if "consent" in asks:
        message["samtykke"] = bool(body.consent)
    return message


def _journal_body(kind: str, body: AnkeReportCreate) -> str:
    """What the caseworker added, for the journal entry (no free text but the causes)."""
    parts = []
    if "reasons" in ASKS[kind]:
        parts.append("Årsager: " + ", ".join(REASONS[r].lower() for r in body.reasons) + ".")
    if "cause" in ASKS[kind] and body.cause:
        causes = END_CAUSES if kind == "ophoer" else CHANGE_CAUSES
        parts.append(f"Årsag: {causes[body.cause].lower()}.")
    if "child_experience" in ASKS[kind]:
        parts.append("Barnets oplevelse indgår i indberetningen.")
    if "child_informed" in ASKS[kind]:
        parts.append(
            "Barnet er "
            + ("orienteret" if body.child_informed else "ikke orienteret")
            + " om indberetningen."
        )
    if "consent" in ASKS[kind]:
        parts.append("Den unge har " + ("givet" if body.consent else "ikke givet") + " samtykke.")
    return " ".join(parts)


async def do_send(
    me: Principal,
    case: AccessibleCase,
    activity_id: uuid.UUID,
    body: AnkeReportCreate,
    sent_at: datetime | None = None,
) -> AnkeReportSent:
    """Send the report of ``activity_id`` (any kind): checked, delivered to Ankestyrelsen
    once (the activity's row locked; a second send is refused with when and by whom it
    went), the activity completed and the sending written to the journal, in this
    transaction. ``sent_at`` (the demo seed's story of a report sent in the past) defaults
    to now."""
    f = await _facts(case, activity_id)
    kind = _kind(f)
    check_report(body, kind)
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
    event = await _event(f, kind)
    report_id = uuid.uuid5(NAMESPACE, str(activity_id))
    content = _message(report_id, f, kind, event, body, me)
    receipt = await adapter.send(content)
    await repo.insert_report(
        report_id,
        f.hovedsag_id,
        activity_id,
        f.indsats_id,
        kind,
        f.concerns_id,
        content,
        f.due_at,
        me.actor,
        me.display_name,
        receipt,
        sent_at,
    )
    if f.concerns_id is not None and f.rule_id is not None:
        await lifecycle.complete_activities_about(f.rule_id, f.concerns_id, me.actor)
    now = sent_at or datetime.now(UTC)
    await stamp(
        f.hovedsag_id,
        me.actor,
        "ankestyrelsen.indberettet",
        f"Indberetning til Ankestyrelsen sendt: {event.journal}",
        f"Sendt {now.astimezone(DK).strftime('%d.%m.%Y kl. %H.%M')} af {me.display_name}. "
        f"Kvittering fra Ankestyrelsen: {receipt}. {_journal_body(kind, body)}",
    )
    sent = await repo.report_of(activity_id)
    assert sent is not None  # inserted above, in this transaction
    return _sent(sent)


# --- § 139 decisions -------------------------------------------------------------------


def _indgreb_read(row: repo.Indgreb139Row) -> Indgreb139Read:
    return Indgreb139Read(
        id=row.id,
        kind=row.kind,  # type: ignore[arg-type]  # the table's CHECK is IndgrebKind
        kind_label=INDGREB_KINDS[row.kind],
        decided_on=row.decided_on,
        carried_out_on=row.carried_out_on,
        decided_by=row.decided_by,
        police=row.police,
        description=row.description,
        created_at=row.created_at,
        activity_id=row.activity_id,
    )


async def indgreb_list(case: AccessibleCase) -> Indgreb139Choices:
    return Indgreb139Choices(
        kinds=[AnkeChoice(k, v) for k, v in INDGREB_KINDS.items()],
        items=[_indgreb_read(r) for r in await repo.list_indgreb(case)],
    )


async def do_record_indgreb(
    me: Principal, case: AccessibleCase, body: Indgreb139Create
) -> Indgreb139Read:
    """Record a decision under § 139 on ``case`` (open): journalised, and its report to
    Ankestyrelsen becomes an activity for the case's caseworker (two weeks, Trekant's own
    frame). Every wrong field at once (400)."""
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    today = today_dk()
    if body.kind not in INDGREB_KINDS:
        bad("kind", "Vælg hvilken afgørelse efter § 139 der er truffet")
    if body.decided_on is None:
        bad("decided_on", "Angiv datoen for afgørelsen")
    elif body.decided_on > today:
        bad("decided_on", "Afgørelsen kan ikke være truffet i fremtiden")
    elif (today - body.decided_on).days > 366:
        bad("decided_on", "Afgørelsen ligger mere end et år tilbage")
    if body.carried_out_on is not None:
        if body.carried_out_on > today:
            bad("carried_out_on", "Datoen for gennemførelsen kan ikke ligge i fremtiden")
        elif body.decided_on is not None and body.carried_out_on < body.decided_on:
            bad("carried_out_on", "Afgørelsen kan ikke være gennemført, før den er truffet")
    decided_by = body.decided_by.strip()
    if not decided_by:
        bad("decided_by", "Skriv hvem der traf afgørelsen")
    elif len(decided_by) > 200:
        bad("decided_by", "Teksten er for lang (højst 200 tegn)")
    if body.police is None:
        bad("police", "Svar på, om politiet ydede bistand")
    description = body.description.strip()
    if not description:
        bad("description", "Beskriv hvad der skete, og hvorfor")
    elif len(description) > TEXT_MAX:
        bad("description", f"Teksten er for lang (højst {TEXT_MAX:_} tegn)".replace("_", "."))
    if errors:
        raise FieldErrors("Afgørelsen er ikke registreret", errors)
    state = await lifecycle.transfer_state(case)
    if state is None:
        raise NotFound("Sagen findes ikke, eller du er ikke på sagen")
    if state.closed_at is not None or state.transfer_id is not None:
        raise CaseClosed("Sagen er lukket. Der kan ikke registreres afgørelser på en lukket sag.")
    assert body.kind is not None and body.decided_on is not None and body.police is not None
    indgreb_id = await repo.insert_indgreb(
        case,
        body.kind,
        body.decided_on,
        body.carried_out_on,
        decided_by,
        body.police,
        description,
        me.actor,
    )
    await stamp(
        case,
        me.actor,
        "indgreb139.registreret",
        f"Afgørelse efter Barnets Lov § 139 truffet {_d(body.decided_on)} af {decided_by}"
        + (" (med politiets bistand)" if body.police else ""),
        f"{INDGREB_KINDS[body.kind]}."
        + (f" Gennemført {_d(body.carried_out_on)}." if body.carried_out_on else "")
        + f"\n\n{description}",
    )
    await lifecycle.create_activities(
        rules_for(Trigger.INDGREB_139),
        Facts(at=lifecycle.start_of(body.decided_on), decided_on=body.decided_on),
        case,
        None,
        await lifecycle.caseworker_of(case),
        me.actor,
        ("indgreb_139", indgreb_id),
    )
    row = next(r for r in await repo.list_indgreb(case) if r.id == indgreb_id)
    return _indgreb_read(row)


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
                kind=repo.KIND_OF_RULE[r.rule_id],  # type: ignore[arg-type]  # ReportKind values
                kind_label=KIND_LABELS[repo.KIND_OF_RULE[r.rule_id]],
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
            kind=m.kind,  # type: ignore[arg-type]  # the table's CHECK is ReportKind
            kind_label=KIND_LABELS[m.kind],
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
