"""Complaints against a case's decisions (issue 17 item 3).

A complaint is registered against a decision of the case with the day the kommune received
it; the kommune reconsiders the decision (genvurdering) within 4 weeks of receipt and
either grants the complaint (imødekommet: the decision is changed by a new decision) or
upholds it and sends the complaint with the case's relevant documents to Ankestyrelsen as
one PDF package; Ankestyrelsen's answer (stadfæstet, ændret, ophævet, hjemvist) is recorded
and its consequences become activities. A complaint received after the 4-week complaint
period is still registered (the delay is shown): the kommune must still reconsider it and
forward it, and Ankestyrelsen decides whether to look past the late filing.

Every step is journalled in the request's transaction; activities are added and completed
through ``casework.lifecycle``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from backend.appeals import package
from backend.appeals import repository as repo
from backend.appeals.schemas import (
    ANSWER_LABELS,
    STATE_LABELS,
    AnswerCreate,
    DecisionOption,
    DocumentOption,
    GenvurderingCreate,
    KlageCreate,
    KlageList,
    KlageRead,
    PackageChoices,
    PackageCreate,
    PartyOption,
)
from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.casework.service import check_case_open
from backend.core.danish import DK, today_dk
from backend.core.errors import FieldError, FieldErrors, NotFound, StateConflict
from backend.core.journal import stamp
from backend.core.measures import OUTCOMES, PARAGRAPHS
from backend.core.principal import Principal
from backend.documents import service as documents
from backend.documents.schemas import KIND_LABELS, DocumentOut
from tenancy.context import current_scope

# The complaint period (retssikkerhedsloven § 67) and the reconsideration period
# (retssikkerhedsloven § 66): 4 weeks each. ast.dk confirms both periods; the section
# numbers were not confirmed against the consolidated act.
COMPLAINT_PERIOD = timedelta(weeks=4)
RECONSIDER_PERIOD = timedelta(weeks=4)
# No statutory deadline to carry out Ankestyrelsen's decision or to decide a case sent
# back was confirmed: the kommune's own deadline.
FOLLOW_UP_PERIOD = timedelta(weeks=4)
UNCONFIRMED = "(henvisning ikke bekræftet)"
COMMITTEE_NO_RECONSIDERATION = (
    "Afgørelsen er truffet af børne- og ungeudvalget; kommunen genvurderer den ikke, og "
    "klagen sendes direkte til Ankestyrelsen."
)
RECONSIDER_BASIS = (
    "Retssikkerhedsloven § 66: kommunen genvurderer afgørelsen og sender klagen videre til "
    f"Ankestyrelsen senest 4 uger efter modtagelsen {UNCONFIRMED}"
)
FOLLOW_UP_BASIS = (
    "Ankestyrelsens afgørelse er bindende for kommunen; fristen på 4 uger er kommunens egen "
    "(ingen lovbestemt frist bekræftet)"
)
MAX_PACKAGE = 100 * 1024 * 1024
_NOT_FOUND = "Klagen findes ikke, eller du er ikke på sagen"


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _relation(code: str) -> str:
    """A network relation as a person reads it ("anden_familie" → "anden familie")."""
    return code.replace("_", " ")


def _days(n: int) -> str:
    return f"{n} dag" if n == 1 else f"{n} dage"


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=DK)


def decision_label(paragraph: str, outcome: str, decided_on: date) -> str:
    return (
        f"{PARAGRAPHS.get(paragraph, f'§ {paragraph}')}: {OUTCOMES.get(outcome, outcome)}, "
        f"truffet {_d(decided_on)}"
    )


def _days_after(day: date | None, deadline: date | None) -> int:
    if day is None or deadline is None:
        return 0
    return max(0, (day - deadline).days)


def klage_out(row: repo.KlageRow, labels: dict[uuid.UUID, str]) -> KlageRead:
    state_label = STATE_LABELS[row.state]
    if row.state == "afgjort" and row.answer_outcome:
        state_label = f"Afgjort af Ankestyrelsen: {ANSWER_LABELS[row.answer_outcome].lower()}"
    return KlageRead(
        id=row.id,
        case_id=row.hovedsag_id,
        afgoerelse_id=row.afgoerelse_id,
        decision_label=labels.get(row.afgoerelse_id, "Afgørelse"),
        received_on=row.received_on,
        complainant=row.complainant,
        about=row.about,
        complaint_document_id=row.complaint_document_id,
        complaint_deadline=row.complaint_deadline,
        days_late=_days_after(row.received_on, row.complaint_deadline),
        reconsider_by=row.reconsider_by,
        state=row.state,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
        state_label=state_label,
        reconsidered_on=row.reconsidered_on,
        reconsider_days_late=_days_after(row.reconsidered_on, row.reconsider_by),
        reconsider_reasons=row.reconsider_reasons,
        sent_on=row.sent_on,
        package_document_id=row.package_document_id,
        answered_on=row.answered_on,
        answer_outcome=row.answer_outcome,  # type: ignore[arg-type]  # the table's CHECK
        answer_label=ANSWER_LABELS.get(row.answer_outcome or ""),
        answer_document_id=row.answer_document_id,
        answer_note=row.answer_note,
        created_by_name=row.created_by_name,
        created_at=row.created_at,
        version=row.version,
    )


async def _facts(case: AccessibleCase) -> lifecycle.LetterFacts:
    facts = await lifecycle.letter_facts(case)
    if facts is None:
        raise NotFound(_NOT_FOUND)
    return facts


def _option(d: DocumentOut, preselected: set[uuid.UUID]) -> DocumentOption:
    return DocumentOption(
        id=d.id,
        title=d.title,
        kind_label=KIND_LABELS.get(d.kind, d.kind),
        dated=d.dated,
        pdf=d.view == "pdf" and d.has_file,
        preselected=d.id in preselected,
    )


async def _documents(case: AccessibleCase) -> list[DocumentOut]:
    items, _ = await documents.list_case(
        case, q=None, kind=None, enkeltsag_id=None, limit=200, offset=0
    )
    return items


async def overview(case: AccessibleCase) -> KlageList:
    """The case's complaints with what the forms need: its decisions (with their complaint
    deadlines), the parties who may complain, and its documents."""
    facts = await _facts(case)
    labels = {a.id: decision_label(a.paragraph, a.outcome, a.decided_on) for a in facts.afgoerelser}
    rows = await repo.list_for_case(case)
    missing = {r.afgoerelse_id for r in rows} - set(labels)
    for afgoerelse_id in missing:  # older than the 20 newest decisions
        d = await lifecycle.decision_on_case(case, afgoerelse_id)
        if d is not None:
            labels[d.id] = decision_label(d.paragraph, d.outcome, d.decided_on)
    parties = [PartyOption("barn", f"{facts.child_name} (barnet eller den unge)")]
    parties += [
        PartyOption(str(p.id), f"{p.name} ({_relation(p.relation)})")
        for p in await repo.parties(facts.child_id)
    ]
    return KlageList(
        items=[klage_out(r, labels) for r in rows],
        decisions=[
            DecisionOption(
                id=a.id,
                label=labels[a.id],
                notified_on=a.notified_on,
                complaint_deadline=a.notified_on + COMPLAINT_PERIOD if a.notified_on else None,
            )
            for a in facts.afgoerelser
        ],
        parties=parties,
        documents=[_option(d, set()) for d in await _documents(case)],
    )


async def _document_on_case(case: AccessibleCase, field: str, document_id: uuid.UUID) -> str:
    try:
        found = await documents.get(case, document_id)
    except NotFound:
        raise FieldError(
            field, "Dokumentet findes ikke på denne sag. Vælg et af sagens dokumenter."
        ) from None
    return found.title


async def do_register(me: Principal, case: AccessibleCase, data: KlageCreate) -> KlageRead:
    """Register a complaint; every wrong field named at once, nothing written then."""
    await check_case_open(case)
    errors: list[dict[str, str]] = []

    def bad(key: str, message: str) -> None:
        errors.append({"key": key, "message": message})

    decision = None
    try:
        afgoerelse_id = uuid.UUID(data.afgoerelse_id)
    except ValueError:
        afgoerelse_id = None
    if afgoerelse_id is not None:
        decision = await lifecycle.decision_on_case(case, afgoerelse_id)
    if decision is None:
        bad("afgoerelse_id", "Der kan kun klages over en afgørelse på denne sag. Vælg afgørelsen.")
    today = today_dk()
    if data.received_on > today:
        bad("received_on", "Datoen for modtagelsen ligger i fremtiden. Angiv den dag, klagen kom.")
    elif decision is not None and data.received_on < decision.decided_on:
        bad(
            "received_on",
            f"Klagen kan ikke være modtaget før afgørelsen ({_d(decision.decided_on)}).",
        )
    about = data.about.strip()
    if not about:
        bad("about", "Skriv hvad klagen handler om")
    facts = await _facts(case)
    member_id: uuid.UUID | None = None
    complainant = ""
    if data.complainant == "barn":
        complainant = f"{facts.child_name} (barnet eller den unge)"
    else:
        parties = {str(p.id): p for p in await repo.parties(facts.child_id)}
        party = parties.get(data.complainant)
        if party is None:
            bad("complainant", "Vælg hvem der klager: barnet eller en person fra barnets netværk.")
        else:
            member_id, complainant = party.id, f"{party.name} ({_relation(party.relation)})"
    document_title = None
    if data.document_id is not None:
        try:
            document_title = await _document_on_case(case, "document_id", data.document_id)
        except FieldError as e:
            bad(e.field, e.message)
    if errors or decision is None:
        raise FieldErrors("Klagen blev ikke registreret. Ret felterne.", errors)
    deadline = decision.notified_on + COMPLAINT_PERIOD if decision.notified_on else None
    reconsider_by = data.received_on + RECONSIDER_PERIOD
    klage_id = await repo.insert(
        case_id=case,
        afgoerelse_id=decision.id,
        received_on=data.received_on,
        complainant=complainant,
        complainant_member_id=member_id,
        about=about,
        document_id=data.document_id,
        complaint_deadline=deadline,
        reconsider_by=reconsider_by,
        actor=me.actor,
    )
    label = decision_label(decision.paragraph, decision.outcome, decision.decided_on)
    committee = await lifecycle.decided_by_committee(decision.id)
    if committee:
        # Børne- og ungeudvalget's decision is not reconsidered by the kommune: the
        # complaint goes straight on to Ankestyrelsen (the same deadline for sending it).
        await repo.update(
            klage_id,
            me.actor,
            state="fastholdt",
            reconsider_reasons=COMMITTEE_NO_RECONSIDERATION,
        )
        await lifecycle.add_activity(
            case,
            rule_id="klage-send",
            title="Send klagen og sagens akter til Ankestyrelsen (udvalgets afgørelse)",
            basis=RECONSIDER_BASIS,
            owner_id=await lifecycle.caseworker_of(case),
            due_at=_end_of(reconsider_by),
            concerns_id=klage_id,
        )
    else:
        await lifecycle.add_activity(
            case,
            rule_id="klage-genvurdering",
            title=f"Genvurdér afgørelsen ({complainant} har klaget)",
            basis=RECONSIDER_BASIS,
            owner_id=await lifecycle.caseworker_of(case),
            due_at=_end_of(reconsider_by),
            concerns_id=klage_id,
        )
    late = _days_after(data.received_on, deadline)
    lines = [
        f"Afgørelse: {label}",
        f"Klager: {complainant}",
        f"Modtaget: {_d(data.received_on)}",
    ]
    if deadline is None:
        lines.append("Klagefrist: ukendt (afgørelsen er ikke registreret som meddelt)")
    elif late:
        lines.append(
            f"Modtaget {_days(late)} efter klagefristen "
            f"({_d(deadline)}). Klagen skal alligevel genvurderes og sendes videre; "
            "Ankestyrelsen afgør, om der ses bort fra overskridelsen."
        )
    else:
        lines.append(f"Modtaget inden klagefristen ({_d(deadline)})")
    if document_title:
        lines.append(f"Klagen: {document_title}")
    if committee:
        lines += [
            "Afgørelsen er truffet af børne- og ungeudvalget og genvurderes ikke af kommunen; "
            f"klagen sendes til Ankestyrelsen senest {_d(reconsider_by)}",
            "",
            about,
        ]
    else:
        lines += [f"Genvurderes senest {_d(reconsider_by)}", "", about]
    await stamp(case, me.actor, "klage.registered", "Klage modtaget", "\n".join(lines))
    row = await repo.get(klage_id)
    assert row is not None
    return klage_out(row, {decision.id: label})


async def access_klage(klage_id: uuid.UUID) -> uuid.UUID:
    """The case of a complaint (404 if none); the caller checks access to that case."""
    case_id = await repo.case_of(klage_id)
    if case_id is None:
        raise NotFound(_NOT_FOUND)
    return case_id


async def _locked(case: AccessibleCase, klage_id: uuid.UUID, version: int) -> repo.KlageRow:
    row = await repo.get(klage_id, lock=True)
    if row is None or row.hovedsag_id != case:
        raise NotFound(_NOT_FOUND)
    if row.version != version:
        raise StateConflict(
            f"Klagen er ændret af {row.created_by_name if row.version == 1 else 'en anden'} "
            "siden du hentede den. Hent siden igen.",
            extra={"version": row.version, "state": row.state},
        )
    return row


async def _label(case: AccessibleCase, row: repo.KlageRow) -> dict[uuid.UUID, str]:
    d = await lifecycle.decision_on_case(case, row.afgoerelse_id)
    return {} if d is None else {d.id: decision_label(d.paragraph, d.outcome, d.decided_on)}


async def _reread(case: AccessibleCase, klage_id: uuid.UUID) -> KlageRead:
    row = await repo.get(klage_id)
    assert row is not None
    return klage_out(row, await _label(case, row))


async def do_reconsider(
    me: Principal, case: AccessibleCase, klage_id: uuid.UUID, data: GenvurderingCreate
) -> KlageRead:
    """Record the reconsideration. Upholding needs the reasons (they go to Ankestyrelsen);
    granting the complaint closes it as "imødekommet" (the new decision is made as any
    decision). After the 4-week deadline it is recorded all the same, with the delay."""
    await check_case_open(case)
    row = await _locked(case, klage_id, data.version)
    if row.state != "genvurderes":
        raise StateConflict("Klagen er allerede genvurderet.")
    errors: list[dict[str, str]] = []
    if data.decided_on > today_dk():
        errors.append(
            {
                "key": "decided_on",
                "message": "Datoen ligger i fremtiden. Angiv dagen for genvurderingen.",
            }
        )
    elif data.decided_on < row.received_on:
        errors.append(
            {
                "key": "decided_on",
                "message": "Genvurderingen kan ikke ligge før klagen blev modtaget "
                f"({_d(row.received_on)}).",
            }
        )
    reasons = data.reasons.strip()
    if data.outcome == "fastholdt" and not reasons:
        errors.append(
            {
                "key": "reasons",
                "message": "Skriv hvorfor afgørelsen fastholdes. Begrundelsen sendes til "
                "Ankestyrelsen.",
            }
        )
    if errors:
        raise FieldErrors("Genvurderingen blev ikke gemt. Ret felterne.", errors)
    state = "fastholdt" if data.outcome == "fastholdt" else "imoedekommet"
    await repo.update(
        klage_id,
        me.actor,
        state=state,
        reconsidered_on=data.decided_on,
        reconsider_reasons=reasons or None,
    )
    for _, title in await lifecycle.complete_activities_about(
        "klage-genvurdering", klage_id, me.actor
    ):
        await stamp(case, me.actor, "aktivitet.udfoert", f"Udført: {title}")
    late = _days_after(data.decided_on, row.reconsider_by)
    delay = f"\nGenvurderet {_days(late)} efter fristen ({_d(row.reconsider_by)})." if late else ""
    if state == "fastholdt":
        await lifecycle.add_activity(
            case,
            rule_id="klage-send",
            title="Send klagen og sagens akter til Ankestyrelsen",
            basis=RECONSIDER_BASIS,
            owner_id=await lifecycle.caseworker_of(case),
            due_at=_end_of(max(row.reconsider_by, data.decided_on)),
            concerns_id=klage_id,
        )
        await stamp(
            case,
            me.actor,
            "klage.reconsidered",
            "Klagen er genvurderet: afgørelsen fastholdes",
            f"Klage fra {row.complainant}, genvurderet {_d(data.decided_on)}.{delay}\n\n{reasons}",
        )
    else:
        await stamp(
            case,
            me.actor,
            "klage.reconsidered",
            "Klagen er imødekommet: afgørelsen ændres",
            f"Klage fra {row.complainant}, genvurderet {_d(data.decided_on)}.{delay}\n"
            "Den nye afgørelse træffes under »Træf afgørelse«."
            + (f"\n\n{reasons}" if reasons else ""),
        )
    return await _reread(case, klage_id)


async def package_choices(case: AccessibleCase, klage_id: uuid.UUID) -> PackageChoices:
    """The case's documents to choose from, with sensible defaults: the complaint itself,
    decisions, hearings and statements (the documents Ankestyrelsen asks for)."""
    row = await repo.get(klage_id)
    if row is None or row.hovedsag_id != case:
        raise NotFound(_NOT_FOUND)
    docs = await _documents(case)
    chosen = {
        d.id
        for d in docs
        if d.id == row.complaint_document_id
        or d.kind in ("afgoerelse", "partshoering", "udtalelse", "statusudtalelse")
    }
    return PackageChoices(
        documents=[_option(d, chosen) for d in docs if d.id != row.package_document_id]
    )


async def do_send(
    me: Principal, case: AccessibleCase, klage_id: uuid.UUID, data: PackageCreate
) -> KlageRead:
    """Make the package (a cover page and the chosen PDFs, merged), store it as a document
    of the case, mark the complaint sent and journal it. There is no national integration:
    the caseworker sends the package to Ankestyrelsen."""
    await check_case_open(case)
    row = await _locked(case, klage_id, data.version)
    if row.state != "fastholdt":
        raise StateConflict(
            "Kun en klage, hvor afgørelsen er fastholdt ved genvurderingen, sendes til "
            "Ankestyrelsen."
        )
    if data.sent_on > today_dk():
        raise FieldError("sent_on", "Datoen ligger i fremtiden. Angiv dagen, klagen sendes.")
    if data.sent_on < (row.reconsidered_on or row.received_on):
        raise FieldError("sent_on", "Klagen kan ikke sendes før genvurderingen.")
    ids = list(dict.fromkeys(data.document_ids))
    if not ids:
        raise FieldError("document_ids", "Vælg mindst ét dokument (fx afgørelsen).")
    enclosed: list[package.Enclosure] = []
    total = 0
    for document_id in ids:
        try:
            doc = await documents.get(case, document_id)
        except NotFound:
            raise FieldError(
                "document_ids", "Et af de valgte dokumenter findes ikke på sagen."
            ) from None
        content = await documents.pdf_of(case, document_id)
        if content is None:
            raise FieldError(
                "document_ids",
                f"»{doc.title}« kan ikke vedlægges som PDF. Fjern det fra pakken, eller vent til "
                "det er konverteret.",
            )
        total += len(content)
        if total > MAX_PACKAGE:
            raise FieldError("document_ids", "Pakken bliver over 100 MB. Vælg færre dokumenter.")
        enclosed.append(
            package.Enclosure(doc.title, KIND_LABELS.get(doc.kind, doc.kind), doc.dated, content)
        )
    facts = await _facts(case)
    decision = await lifecycle.decision_on_case(case, row.afgoerelse_id)
    assert decision is not None
    label = decision_label(decision.paragraph, decision.outcome, decision.decided_on)
    try:
        pdf = await package.build(
            package.Cover(
                kommune=f"{current_scope().name} Kommune",
                child_name=facts.child_name,
                case_number=facts.case_number,
                decision=label,
                decision_summary=decision.summary,
                notified_on=decision.notified_on,
                complainant=row.complainant,
                received_on=row.received_on,
                complaint_deadline=row.complaint_deadline,
                about=row.about,
                reconsidered_on=row.reconsidered_on or data.sent_on,
                reconsider_by=row.reconsider_by,
                reasons=row.reconsider_reasons or "",
                sent_on=data.sent_on,
                caseworker=me.display_name,
            ),
            enclosed,
        )
    except package.BadEnclosure as e:
        raise FieldError(
            "document_ids", f"»{e.title}« kunne ikke læses som PDF. Fjern det fra pakken."
        ) from None
    document_id = await documents.store_bytes(
        case,
        title=f"Klagesag til Ankestyrelsen – klage fra {row.complainant}",
        kind="korrespondance",
        dated=data.sent_on,
        filename=f"klagesag-ankestyrelsen-{data.sent_on.isoformat()}.pdf",
        content=pdf,
        content_type="application/pdf",
        added_by=me.user_id,
        added_by_name=me.display_name,
    )
    await repo.update(
        klage_id, me.actor, state="sendt", sent_on=data.sent_on, package_document_id=document_id
    )
    for _, title in await lifecycle.complete_activities_about("klage-send", klage_id, me.actor):
        await stamp(case, me.actor, "aktivitet.udfoert", f"Udført: {title}")
    late = _days_after(data.sent_on, row.reconsider_by)
    await stamp(
        case,
        me.actor,
        "klage.sent",
        "Klagen er sendt til Ankestyrelsen",
        f"Sendt {_d(data.sent_on)}: klage fra {row.complainant} over {label}.\n"
        f"Pakken (forside og {len(enclosed)} bilag) "
        "ligger under sagens dokumenter."
        + (f"\nSendt {_days(late)} efter fristen ({_d(row.reconsider_by)})." if late else ""),
    )
    return await _reread(case, klage_id)


async def do_answer(
    me: Principal, case: AccessibleCase, klage_id: uuid.UUID, data: AnswerCreate
) -> KlageRead:
    """Record Ankestyrelsen's decision and add what follows: ændret or ophævet → carry it
    out; hjemvist → decide the case again; stadfæstet → nothing (closed)."""
    await check_case_open(case)
    row = await _locked(case, klage_id, data.version)
    if row.state != "sendt":
        raise StateConflict("Ankestyrelsens afgørelse kan først registreres, når klagen er sendt.")
    if data.answered_on > today_dk():
        raise FieldError(
            "answered_on", "Datoen ligger i fremtiden. Angiv datoen på Ankestyrelsens afgørelse."
        )
    if row.sent_on and data.answered_on < row.sent_on:
        raise FieldError(
            "answered_on", f"Afgørelsen kan ikke ligge før klagen blev sendt ({_d(row.sent_on)})."
        )
    document_title = None
    if data.document_id is not None:
        document_title = await _document_on_case(case, "document_id", data.document_id)
    note = data.note.strip()
    await repo.update(
        klage_id,
        me.actor,
        state="afgjort",
        answered_on=data.answered_on,
        answer_outcome=data.outcome,
        answer_document_id=data.document_id,
        answer_note=note or None,
    )
    due = _end_of(data.answered_on + FOLLOW_UP_PERIOD)
    owner = await lifecycle.caseworker_of(case)
    follows = ""
    if data.outcome in ("aendret", "ophaevet"):
        title = "Gennemfør Ankestyrelsens afgørelse"
        await lifecycle.add_activity(
            case,
            rule_id="klage-gennemfoer",
            title=title,
            basis=FOLLOW_UP_BASIS,
            owner_id=owner,
            due_at=due,
            concerns_id=klage_id,
        )
        follows = f"Aktivitet: {title}, frist {_d(data.answered_on + FOLLOW_UP_PERIOD)}"
    elif data.outcome == "hjemvist":
        title = "Behandl sagen igen og træf ny afgørelse (hjemvist af Ankestyrelsen)"
        await lifecycle.add_activity(
            case,
            rule_id="klage-hjemvist",
            title=title,
            basis=FOLLOW_UP_BASIS,
            owner_id=owner,
            due_at=due,
            concerns_id=klage_id,
        )
        follows = f"Aktivitet: {title}, frist {_d(data.answered_on + FOLLOW_UP_PERIOD)}"
    else:
        follows = "Afgørelsen står ved magt; klagesagen er afsluttet."
    body = [
        f"Ankestyrelsens afgørelse af {_d(data.answered_on)}: "
        f"{ANSWER_LABELS[data.outcome].lower()}.",
        follows,
    ]
    if document_title:
        body.append(f"Dokument: {document_title}")
    if note:
        body += ["", note]
    await stamp(
        case,
        me.actor,
        "klage.answered",
        f"Ankestyrelsen har afgjort klagen: {ANSWER_LABELS[data.outcome].lower()}",
        "\n".join(body),
    )
    return await _reread(case, klage_id)


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)


async def cases_under_appeal(case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these cases have a complaint not yet decided by Ankestyrelsen (received,
    upheld on reconsideration, or sent): retention refuses to delete them."""
    return await repo.list_cases_with_open_klage(case_ids)
