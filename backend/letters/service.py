"""Letters: the administrator's templates, the caseworker's drafts, the preview, and sending.

Sending (:func:`do_send`) renders the letter as PDF/A, files it on the case as a document
(``backend.documents.service.store_bytes``, source "brev"), hands it to the post
(``backend.post.service.send_letter``: Digital Post, e-mail or print per recipient,
through the outbox) and takes the law's steps that follow (``backend.casework.lifecycle``):
a receipt completes the receipt activity, a hearing letter starts its answer deadline, a
decision records the day it was notified and starts the 4-week complaint period. All in
the request's transaction: either the letter is sent and all of that holds, or nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import msgspec

from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.casework.service import check_case_open
from backend.core.danish import file_slug, today_dk
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.journal import stamp
from backend.core.measures import MEASURES, PARAGRAPHS
from backend.core.principal import Principal
from backend.documents.schemas import DocumentKind
from backend.letters import render
from backend.letters import repository as repo
from backend.letters.fields import FIELDS, LISTS, nest, sample
from backend.letters.schemas import (
    DOCUMENT_KIND,
    PURPOSE_LABELS,
    FieldInfo,
    Letterhead,
    LetterLine,
    LetterNew,
    LetterRead,
    LetterSaved,
    LetterUpdate,
    ListInfo,
    Recipient,
    TemplateCreate,
    TemplateLine,
    TemplateRead,
    TemplateUpdate,
    TemplateVersionLine,
    Vocabulary,
)
from backend.network.cpr_source import CprSource
from backend.post.service import exempt_from_digital_post
from tenancy.context import current_scope

ANSWER_DAYS = 14  # the default time a party gets to answer a hearing
TITLE_MAX = 200
BODY_MAX = 200_000
DECISIONS = ("afgoerelse_bevilling", "afgoerelse_afslag", "afgoerelse_udvalg")
COMMITTEE = "afgoerelse_udvalg"  # the letter of a decision by børne- og ungeudvalget (§ 47)
COMMITTEE_RULE = "udvalg-send"  # the activity its sending completes (casework/committee.py)
ROLES = {
    "mor": "Mor",
    "far": "Far",
    "forælder": "Forælder",
    "søskende": "Søskende",
    "bedsteforælder": "Bedsteforælder",
    "anden_familie": "Familie",
    "netværk": "Netværk",
    "plejefamilie": "Plejefamilie",
    "skole": "Skole",
    "dagtilbud": "Dagtilbud",
    "læge": "Læge",
    "sundhedspleje": "Sundhedspleje",
    "politi": "Politi",
    "anden_fagperson": "Fagperson",
}


# --- templates (the administrator) -----------------------------------------------------


def vocabulary() -> Vocabulary:
    return Vocabulary(
        fields=[FieldInfo(k, label, example) for k, (label, example) in FIELDS.items()],
        lists=[
            ListInfo(name, label, [FieldInfo(k, lb, ex) for k, (lb, ex) in item.items()])
            for name, (label, item) in LISTS.items()
        ],
        purposes=PURPOSE_LABELS,
    )


def _line(row: repo.TemplateRow) -> TemplateLine:
    return TemplateLine(
        id=row.id,
        title=row.title,
        purpose=row.purpose,  # type: ignore[arg-type]  # the table's CHECK is the Literal
        purpose_label=PURPOSE_LABELS[row.purpose],
        standard=row.standard_key is not None,
        current_version=row.current_version,
        retired=row.retired_at is not None,
        changed_at=row.changed_at,
        changed_by=row.changed_by,
    )


async def templates(include_retired: bool = False) -> list[TemplateLine]:
    return [_line(r) for r in await repo.list_templates(include_retired)]


async def template(template_id: uuid.UUID) -> TemplateRead:
    row = await repo.get_template(template_id)
    if row is None:
        raise NotFound("Skabelonen findes ikke")
    line = _line(row)
    return TemplateRead(
        id=row.id,
        title=row.title,
        purpose=line.purpose,
        purpose_label=line.purpose_label,
        standard=line.standard,
        current_version=row.current_version,
        retired=line.retired,
        body=row.body,
        version=row.version,
        versions=[
            TemplateVersionLine(v.version, v.title, v.created_at, v.created_by)
            for v in await repo.list_versions(template_id)
        ],
    )


def _check_title(title: str, field: str = "title") -> str:
    title = title.strip()
    if not title:
        raise FieldError(field, "Skriv en titel")
    if len(title) > TITLE_MAX:
        raise FieldError(field, f"Titlen må højst være {TITLE_MAX} tegn")
    return title


def _check_purpose(purpose: str) -> str:
    if purpose not in PURPOSE_LABELS:
        raise FieldError("purpose", "Vælg hvad brevet bruges til")
    return purpose


def _check_body(body: str) -> str:
    if len(body) > BODY_MAX:
        raise FieldError("body", "Teksten er for lang")
    cleaned = render.clean_html(body)
    if not render.plain_text(cleaned).strip():
        raise FieldError("body", "Skriv brevets tekst")
    return cleaned


def check_template_text(title: str, body: str) -> tuple[str, str]:
    """Title and cleaned body of a template, refused with Danish messages when a merge
    field is unknown or anything but fields, ifs and fors is written."""
    title = _check_title(title)
    render.check_template(title, "title")
    body = _check_body(body)
    render.check_template(body, "body")
    return title, body


async def do_create_template(actor: str, data: TemplateCreate) -> uuid.UUID:
    purpose = _check_purpose(data.purpose)
    title, body = check_template_text(data.title, data.body)
    return await repo.insert_template(purpose, title, body, actor)


async def do_update_template(actor: str, template_id: uuid.UUID, data: TemplateUpdate) -> int:
    """A new version of the template (letters already written keep theirs)."""
    row = await repo.get_template(template_id, lock=True)
    if row is None:
        raise NotFound("Skabelonen findes ikke")
    if row.retired_at is not None:
        raise StateConflict("Skabelonen er taget ud af brug")
    if row.version != data.version:
        raise StateConflict("Skabelonen er ændret af en anden i mellemtiden – hent den igen")
    purpose = _check_purpose(data.purpose) if data.purpose is not None else row.purpose
    title, body = check_template_text(data.title, data.body)
    if (title, body, purpose) == (row.title, row.body, row.purpose):
        return row.current_version
    new_version = row.current_version + 1
    await repo.insert_template_version(template_id, new_version, title, body, purpose, actor)
    return new_version


async def do_retire_template(actor: str, template_id: uuid.UUID, version: int) -> None:
    row = await repo.get_template(template_id, lock=True)
    if row is None:
        raise NotFound("Skabelonen findes ikke")
    if row.retired_at is not None:
        return
    if row.version != version:
        raise StateConflict("Skabelonen er ændret af en anden i mellemtiden – hent den igen")
    await repo.update_template_retired(template_id, actor)


async def letterhead() -> Letterhead:
    head = await repo.get_letterhead()
    return Letterhead(
        address=head.get("address", ""),
        phone=head.get("phone", ""),
        email=head.get("email", ""),
        web=head.get("web", ""),
    )


async def do_set_letterhead(data: Letterhead) -> Letterhead:
    values = [v.strip() for v in (data.address, data.phone, data.email, data.web)]
    for key, value in zip(("address", "phone", "email", "web"), values, strict=True):
        if len(value) > 300:
            raise FieldError(key, "Højst 300 tegn")
    await repo.update_letterhead(*values)
    return Letterhead(*values)


def _kommune() -> str:
    return f"{current_scope().name} Kommune"


async def _sender_lines() -> list[str]:
    head = await letterhead()
    return [
        *[line.strip() for line in head.address.split(",")],
        f"Telefon {head.phone}" if head.phone else "",
        head.email,
        head.web,
    ]


async def template_preview(title: str, body: str) -> bytes:
    """The administrator's preview: the template merged with the sample case, as PDF."""
    title, body = check_template_text(title, body)
    ctx = sample()
    merged_title = await render.render_template(title, ctx, "title")
    merged = await render.render_template(body, ctx, "body")
    document = render.letter_html(
        kommune=_kommune(),
        sender_lines=await _sender_lines(),
        recipients=[("Mona Jensen", "Skolevej 1, 2100 København Ø")],
        dated=today_dk(),
        case_number="2026-00123",
        title=merged_title,
        body=merged,
        draft=True,
    )
    return await render.pdf(document, archive=False)


# --- recipients ------------------------------------------------------------------------


def _reach(has_cpr: bool, email: str | None) -> tuple[Any, str | None]:
    if has_cpr:
        return "digital_post", None
    if email:
        return "email", None
    return None, "Har hverken CPR-nummer eller e-mail – tilføj e-mail under Netværk"


PROTECTED_AND_EXEMPT = (
    "Har adressebeskyttelse og er fritaget for Digital Post: brevet kan ikke sendes fra Trekant"
)


async def candidates(
    facts: lifecycle.LetterFacts, exemptions: CprSource | None = None
) -> tuple[list[Recipient], dict[str, dict]]:  # type: ignore[type-arg]
    """Who a letter on the case can go to (the child's parents and network, the
    professionals who notified), and each one's stored details with the CPR number.
    ``exemptions``: the register to ask who is exempt from Digital Post (the channel shown;
    rate-limited and audited, ``backend.network.lookups``); None where only the stored
    details are used."""
    out: list[Recipient] = []
    stored: dict[str, dict[str, Any]] = {}
    emails: set[str] = set()
    for m in await repo.list_network(facts.child_id):
        if m.circle not in ("forældre", "professionelt") and m.relation != "plejefamilie":
            continue
        role = ROLES.get(m.relation, "Netværk")
        if m.circle == "forældre" and m.custody:
            role += " med forældremyndighed"
        if m.organisation:
            role += f", {m.organisation}"
        protected = m.address_protected
        address = (m.note or "") if m.source == "cpr" and not protected else ""
        channel, missing = _reach(m.cpr is not None, m.email)
        if (
            exemptions is not None
            and m.cpr is not None
            and await exempt_from_digital_post(m.cpr, exemptions)
        ):
            # Exempt from Digital Post: the letter goes to print, to the register's address;
            # never for a person with address protection (Digital Post only).
            channel = "print"
            if protected:
                channel, missing = None, PROTECTED_AND_EXEMPT
            elif not address.strip():
                channel, missing = None, "Fritaget for Digital Post og har ingen adresse"
        key = f"m:{m.id}"
        out.append(
            Recipient(
                key, m.name, role, address, m.email, m.cpr is not None, channel, missing, protected
            )
        )
        stored[key] = {
            "key": key,
            "name": m.name,
            "role": role,
            "address": address,
            "address_protected": protected,
            "email": m.email,
            "cpr": m.cpr,
            "custody": m.custody,
            "parent": m.circle == "forældre",
        }
        if m.email:
            emails.add(m.email.lower())
    for u in facts.underretninger:
        if u.notifier_kind != "fagperson":
            continue
        contact = (u.notifier_contact or "").strip()
        email = contact if "@" in contact else None
        if email and email.lower() in emails:
            continue
        key = f"u:{u.id}"
        name = u.notifier_name or "Underretteren"
        role = "Fagperson"
        channel, missing = _reach(False, email)
        out.append(Recipient(key, name, role, "", email, False, channel, missing))
        stored[key] = {
            "key": key,
            "name": name,
            "role": "Fagperson",
            "address": "",
            "email": email,
            "cpr": None,
            "custody": False,
        }
        if email:
            emails.add(email.lower())
    return out, stored


def _public(r: dict[str, Any]) -> Recipient:
    channel, missing = _reach(bool(r.get("cpr")), r.get("email"))
    return Recipient(
        r["key"],
        r["name"],
        r["role"],
        r.get("address", ""),
        r.get("email"),
        bool(r.get("cpr")),
        channel,
        missing,
        bool(r.get("address_protected")),
    )


def _chosen(keys: list[str], stored: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for key in dict.fromkeys(keys):
        if key not in stored:
            raise FieldError("recipients", "En valgt modtager er ikke længere i barnets netværk")
        out.append(stored[key])
    return out


# --- drafts ----------------------------------------------------------------------------


async def _facts(case: AccessibleCase) -> lifecycle.LetterFacts:
    facts = await lifecycle.letter_facts(case)
    if facts is None:
        raise NotFound("Sagen findes ikke")
    return facts


def _suggest(
    facts: lifecycle.LetterFacts, lines: list[TemplateLine], stored: dict[str, dict[str, Any]]
) -> tuple[uuid.UUID | None, list[str], str | None]:
    by_purpose: dict[str, uuid.UUID] = {}
    for t in lines:
        by_purpose.setdefault(t.purpose, t.id)
    parents = [k for k, r in stored.items() if k.startswith("m:") and r["custody"]] or [
        k for k, r in stored.items() if k.startswith("m:") and r.get("cpr")
    ]
    if "kvittering-fagperson" in facts.open_rules:
        notifiers = [k for k in stored if k.startswith("u:")][:1]
        return by_purpose.get("kvittering"), notifiers, "Kvitteringen til fagpersonen mangler"
    pending = [a for a in facts.afgoerelser if a.notified_on is None]
    if pending:
        purpose = (
            COMMITTEE
            if pending[0].by_committee
            else "afgoerelse_afslag"
            if pending[0].outcome == "afslag"
            else "afgoerelse_bevilling"
        )
        return by_purpose.get(purpose), parents, "Afgørelsen er ikke sendt til forældrene endnu"
    if "partshoering" in facts.open_rules:
        return by_purpose.get("partshoering"), parents, "Partshøringen mangler før afgørelsen"
    if "boernesamtale" in facts.open_rules:
        return by_purpose.get("boernesamtale"), parents, "Børnesamtalen mangler før afgørelsen"
    return None, parents, None


async def new_letter(case: AccessibleCase, register: CprSource) -> LetterNew:
    facts = await _facts(case)
    lines = await templates()
    found, stored = await candidates(facts, register)
    suggested, recipients, reason = _suggest(facts, lines, stored)
    return LetterNew(
        templates=lines,
        suggested_template_id=suggested,
        candidates=found,
        suggested_recipients=recipients,
        suggestion_reason=reason if suggested else None,
    )


def _afgoerelse_fields(a: Any, child_name: str) -> dict[str, str]:
    what = (
        MEASURES[a.measure][0]
        if a.measure in MEASURES
        else f"støtte efter barnets lov § {a.paragraph}"
    )
    period = ""
    if a.planned_end is not None:
        # A decision with an end (support after 18, § 114: "bevilget til"): the period is
        # part of what is granted.
        start = f"fra {render.long_date(a.starts_on)} " if a.starts_on else ""
        period = f"{start}til og med {render.long_date(a.planned_end)}"
    if a.by_committee:
        text = (
            f"{child_name} anbringes uden for hjemmet uden samtykke: {what}"
            + (f", fra {render.long_date(a.starts_on)}" if a.starts_on else "")
            + "."
            if a.outcome == "bevilget"
            else f"Afslag på anbringelse af {child_name} uden for hjemmet uden samtykke."
        )
    else:
        text = (
            f"Du får bevilget: {what}{', ' + period if period else ''}."
            if a.outcome == "bevilget"
            else f"Du får afslag på: {what}."
        )
    return {
        "afgoerelse.dato": render.long_date(a.decided_on),
        "afgoerelse.udfald": a.outcome,
        "afgoerelse.indsats": f"{what}, {period}" if period else what,
        "afgoerelse.lovgrundlag": "barnets lov " + PARAGRAPHS.get(a.paragraph, f"§ {a.paragraph}"),
        "afgoerelse.begrundelse": a.summary,
        "afgoerelse.periode": period,
        "afgoerelse.bevilget_til": render.long_date(a.planned_end) if a.planned_end else "",
        "afgoerelse.tekst": text,
        "afgoerelse.formand": "ja" if a.provisional else "",
    }


async def context(
    me: Principal,
    facts: lifecycle.LetterFacts,
    recipients: list[dict[str, Any]],
    *,
    answer_by: date | None,
    underretning: Any,
    afgoerelse: Any,
    parents: list[dict[str, Any]] | None = None,
) -> dict[str, object]:
    """The merge fields' values for a letter on the case (every field has one; "" when the
    case has nothing for it). ``parents``: the child's parents from the network."""
    head = await letterhead()
    email = facts.caseworker_email if facts.caseworker_id == me.user_id else None
    today = today_dk()
    flat = dict.fromkeys(FIELDS, "")
    flat.update(
        {
            "barn.navn": facts.child_name,
            "barn.cpr": f"{facts.child_cpr[:6]}-{facts.child_cpr[6:]}" if facts.child_cpr else "",
            "barn.foedselsdato": render.long_date(facts.birth_date),
            "barn.adresse": facts.child_address,
            "modtager.navn": " og ".join(r["name"] for r in recipients),
            "modtager.adresse": recipients[0]["address"] if len(recipients) == 1 else "",
            "modtager.rolle": recipients[0]["role"] if len(recipients) == 1 else "",
            "sagsbehandler.navn": me.display_name,
            "sagsbehandler.telefon": head.phone,
            "sagsbehandler.email": email or head.email,
            "kommune.navn": _kommune(),
            "kommune.adresse": head.address,
            "kommune.telefon": head.phone,
            "sag.nummer": facts.case_number or "",
            "dato": render.long_date(today),
            "frist": render.long_date(answer_by),
            "klagefrist": render.long_date(today + timedelta(weeks=4)),
        }
    )
    if underretning is not None:
        flat["underretning.modtaget"] = render.long_date(underretning.received_at)
        flat["underretning.fra"] = underretning.notifier_name or ""
    if afgoerelse is not None:
        flat.update(_afgoerelse_fields(afgoerelse, facts.child_name))
    ctx = nest(flat)
    ctx["foraeldre"] = [
        {"navn": p["name"], "adresse": p["address"], "myndighed": "ja" if p["custody"] else "nej"}
        for p in parents or []
    ]
    ctx["modtagere"] = [
        {"navn": r["name"], "adresse": r["address"], "rolle": r["role"]} for r in recipients
    ]
    return ctx


async def do_create_letter(
    me: Principal,
    case: AccessibleCase,
    template_id: uuid.UUID,
    keys: list[str],
    answer_by: date | None,
) -> uuid.UUID:
    """A draft from the template's current version, merged with the case and the chosen
    recipients."""
    await check_case_open(case)
    row = await repo.get_template(template_id)
    if row is None or row.retired_at is not None:
        raise FieldError("template_id", "Vælg en skabelon")
    facts = await _facts(case)
    _, stored = await candidates(facts)
    if not keys:
        raise FieldError("recipients", "Vælg mindst én modtager")
    chosen = _chosen(keys, stored)
    underretning = None
    if row.purpose == "kvittering":
        chosen_u = [k[2:] for k in keys if k.startswith("u:")]
        pros = [u for u in facts.underretninger if u.notifier_kind == "fagperson"]
        underretning = next((u for u in pros if str(u.id) in chosen_u), pros[0] if pros else None)
        if underretning is None:
            raise FieldError("template_id", "Der er ingen underretning fra en fagperson på sagen")
    elif facts.underretninger:
        underretning = facts.underretninger[0]
    afgoerelse = None
    if row.purpose in DECISIONS:
        # The committee's letter is written from the committee's decisions, the others
        # from the kommune's own (their complaint guidance differs: no reconsideration of
        # the committee's).
        mine = [a for a in facts.afgoerelser if a.by_committee == (row.purpose == COMMITTEE)]
        pending = [a for a in mine if a.notified_on is None]
        choices = pending or mine
        afgoerelse = choices[0] if choices else None
        if afgoerelse is None:
            raise FieldError(
                "template_id",
                "Der er ingen afgørelse fra børne- og ungeudvalget på sagen"
                if row.purpose == COMMITTEE
                else "Sagens afgørelse er truffet af børne- og ungeudvalget – vælg skabelonen "
                f"»{PURPOSE_LABELS[COMMITTEE]}«"
                if facts.afgoerelser
                else "Der er ingen afgørelse på sagen – registrér den under Forløb først",
            )
    if row.purpose in ("partshoering", "boernesamtale") and answer_by is None:
        answer_by = today_dk() + timedelta(days=ANSWER_DAYS)
    if answer_by is not None and answer_by < today_dk():
        raise FieldError("answer_by", "Fristen kan ikke ligge før i dag")
    ctx = await context(
        me,
        facts,
        chosen,
        answer_by=answer_by,
        underretning=underretning,
        afgoerelse=afgoerelse,
        parents=[r for r in stored.values() if r.get("parent")],
    )
    title = await render.render_template(row.title, ctx, "template_id")
    body = await render.render_template(row.body, ctx, "template_id")
    letter_id = await repo.insert_letter(
        case_id=case,
        template_id=row.id,
        template_version=row.current_version,
        purpose=row.purpose,
        title=title,
        body=render.clean_html(body),
        recipients=chosen,
        underretning_id=underretning.id if underretning is not None else None,
        afgoerelse_id=afgoerelse.id if afgoerelse is not None else None,
        answer_by=answer_by,
        user_id=me.user_id,
        user_name=me.display_name,
    )
    await stamp(case, me.actor, "brev.kladde", f"Brev påbegyndt: {title}")
    return letter_id


async def _letter(case: AccessibleCase, letter_id: uuid.UUID, lock: bool = False) -> repo.LetterRow:
    row = await repo.get_letter(case, letter_id, lock)
    if row is None:
        raise NotFound("Brevet findes ikke")
    return row


async def letter(
    case: AccessibleCase, letter_id: uuid.UUID, register: CprSource | None
) -> LetterRead:
    """The letter; a draft with its candidate recipients, asking ``register`` who is exempt
    from Digital Post (None: the channels as stored, no register question)."""
    row = await _letter(case, letter_id)
    found: list[Recipient] = []
    if row.status == "kladde":
        found, _ = await candidates(await _facts(case), register)
    return LetterRead(
        id=row.id,
        case_id=row.hovedsag_id,
        title=row.title,
        body=row.body,
        purpose=row.purpose,  # type: ignore[arg-type]  # the table's values are the Literal
        purpose_label=PURPOSE_LABELS[row.purpose],
        template_id=row.template_id,
        template_title=row.template_title,
        template_version=row.template_version,
        status=row.status,  # type: ignore[arg-type]
        recipients=[_public(r) for r in row.recipients],
        candidates=found,
        answer_by=row.answer_by,
        document_id=row.document_id,
        sent_at=row.sent_at,
        sent_by=row.sent_by,
        created_by_name=row.created_by_name,
        changed_at=row.changed_at,
        version=row.version,
    )


async def letters(case: AccessibleCase) -> list[LetterLine]:
    return [
        LetterLine(
            id=r.id,
            title=r.title,
            purpose_label=PURPOSE_LABELS[r.purpose],
            status=r.status,  # type: ignore[arg-type]
            recipients=[x["name"] for x in r.recipients],
            created_by_name=r.created_by_name,
            changed_at=r.changed_at,
            sent_at=r.sent_at,
            document_id=r.document_id,
        )
        for r in await repo.list_letters(case)
    ]


def _draft(row: repo.LetterRow) -> None:
    if row.status != "kladde":
        raise StateConflict("Brevet er sendt og kan ikke ændres")


async def do_update_letter(
    case: AccessibleCase, letter_id: uuid.UUID, data: LetterUpdate
) -> LetterSaved:
    """Autosave of a draft (optimistic: ``version`` must be the one the editor holds)."""
    await check_case_open(case)
    row = await _letter(case, letter_id, lock=True)
    _draft(row)
    if row.version != data.version:
        raise StateConflict("Brevet er ændret i et andet vindue – hent det igen")
    title = _check_title(data.title) if isinstance(data.title, str) else row.title
    body = row.body
    if isinstance(data.body, str):
        if len(data.body) > BODY_MAX:
            raise FieldError("body", "Teksten er for lang")
        body = render.clean_html(data.body)
    recipients = row.recipients
    if isinstance(data.recipients, list):
        _, stored = await candidates(await _facts(case))
        recipients = _chosen(data.recipients, stored)
    answer_by = row.answer_by
    if data.answer_by is not msgspec.UNSET:
        answer_by = data.answer_by
        if answer_by is not None and answer_by < today_dk():
            raise FieldError("answer_by", "Fristen kan ikke ligge før i dag")
        if answer_by is None and row.purpose == "partshoering":
            raise FieldError("answer_by", "Angiv svarfristen")
    version, changed_at = await repo.update_letter(letter_id, title, body, recipients, answer_by)
    return LetterSaved(version, changed_at)


async def document_html(row: repo.LetterRow, draft: bool) -> str:
    facts = await _facts_of(row)
    return render.letter_html(
        kommune=_kommune(),
        sender_lines=await _sender_lines(),
        recipients=[(r["name"], r.get("address", "")) for r in row.recipients],
        dated=today_dk(),
        case_number=facts.case_number if facts else None,
        title=row.title,
        body=row.body,
        draft=draft,
    )


async def _facts_of(row: repo.LetterRow) -> lifecycle.LetterFacts | None:
    return await lifecycle.letter_facts(row.hovedsag_id)


async def letter_preview(case: AccessibleCase, letter_id: uuid.UUID) -> bytes:
    """The draft as it will look (PDF, marked as a draft until it is sent)."""
    row = await _letter(case, letter_id)
    return await render.pdf(await document_html(row, row.status == "kladde"), archive=False)


def check_recipients(recipients: list[dict[str, Any]]) -> None:
    if not recipients:
        raise FieldError("recipients", "Vælg mindst én modtager")
    for r in recipients:
        if not r.get("cpr") and not r.get("email"):
            raise FieldError(
                "recipients",
                f"{r['name']} har hverken CPR-nummer eller e-mail – brevet kan ikke sendes til "
                "dem. Tilføj e-mail under Netværk, eller fjern dem som modtager",
            )


CHANNEL_TEXT = {
    "digital_post": "Digital Post",
    "email": "e-mail",
    "print": "fysisk post (fritaget for Digital Post)",
}
RECEIPT_CHANNEL = {"digital_post": "digital_post", "email": "e_mail", "print": "brev"}


async def check_send(case: AccessibleCase, letter_id: uuid.UUID, version: int) -> repo.LetterRow:
    """The draft, locked, if it may be sent as it stands; otherwise a Danish 400/409."""
    await check_case_open(case)
    row = await _letter(case, letter_id, lock=True)
    _draft(row)
    if row.version != version:
        raise StateConflict("Brevet er ændret i et andet vindue – hent det igen")
    check_recipients(row.recipients)
    render.check_sendable(row.body, row.purpose in DECISIONS)
    if row.purpose == "partshoering" and row.answer_by is None:
        raise FieldError("answer_by", "Angiv svarfristen")
    if row.purpose in DECISIONS and row.afgoerelse_id is None:
        raise FieldError("body", "Brevet hører ikke til en afgørelse på sagen")
    return row


async def law_steps(
    me: Principal, row: repo.LetterRow, sent_on: date, channels: list[str]
) -> list[str]:
    """What the sent letter does to the case, in Danish (casework records it). ``channels``:
    how each recipient gets it (post's choice)."""
    to_whom = ", ".join(
        f"{r['name']} ({CHANNEL_TEXT[c]})" for r, c in zip(row.recipients, channels, strict=True)
    )
    steps: list[str] = []
    facts = await _facts_of(row)
    owner = facts.caseworker_id if facts else None
    if row.purpose == "kvittering":
        channel = RECEIPT_CHANNEL[channels[0]]
        done = await lifecycle.record_receipt_sent(
            row.hovedsag_id, row.underretning_id, sent_on=sent_on, channel=channel, actor=me.actor
        )
        steps += [f"Udført: {t}" for t in done]
    elif row.purpose == "partshoering" and row.answer_by is not None:
        await lifecycle.record_hearing_sent(
            row.hovedsag_id,
            answer_by=row.answer_by,
            to_whom=to_whom,
            owner_id=owner,
            actor=me.actor,
        )
        steps.append(f"Svarfrist for partshøringen: {render.long_date(row.answer_by)}")
    elif row.purpose in DECISIONS and row.afgoerelse_id is not None:
        last = await lifecycle.record_decision_notified(
            row.hovedsag_id,
            row.afgoerelse_id,
            notified_on=sent_on,
            to_whom=to_whom,
            owner_id=owner,
            actor=me.actor,
        )
        steps.append(f"Klagefristen udløber {render.long_date(last)}")
        if row.purpose == COMMITTEE:
            done = await lifecycle.record_committee_letter_sent(
                row.hovedsag_id, row.afgoerelse_id, to_whom=to_whom, actor=me.actor
            )
            if done:
                steps.insert(0, "Afgørelsen er sendt med klagevejledning")
    return steps


def pdf_name(row: repo.LetterRow, sent_on: date) -> str:
    return f"{file_slug(row.title)}-{sent_on.isoformat()}.pdf"


def document_kind(row: repo.LetterRow) -> DocumentKind:
    return DOCUMENT_KIND[row.purpose]


async def journal_sent(me: Principal, row: repo.LetterRow, channels: list[str]) -> None:
    to_whom = "; ".join(
        f"{r['name']} ({r['role']}) med {CHANNEL_TEXT[c]}"
        for r, c in zip(row.recipients, channels, strict=True)
    )
    await stamp(
        row.hovedsag_id,
        me.actor,
        "brev.sendt",
        f"Brev sendt: {row.title}",
        f"Til {to_whom}.\nSkabelon: {row.template_title}, version {row.template_version}.",
    )


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)
