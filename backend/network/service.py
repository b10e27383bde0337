"""The network's rules: who may be added (an open case, a valid relation, contact details
that look right), parents and custody from the CPR source, siblings linked both ways, removal
that keeps the history, and contact corrections with optimistic locking. Every change is
journalled on the child's latest case."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import msgspec

from backend.casework import lifecycle
from backend.casework.access import access_child
from backend.casework.lifecycle import CaseDeletion
from backend.core.cpr import check_cpr
from backend.core.danish import fmt_due
from backend.core.errors import FieldError, FieldErrors, NotFound, StateConflict, Unavailable
from backend.core.journal import stamp
from backend.core.principal import Principal
from backend.network import repository as repo
from backend.network.cpr_source import CprRelations, CprSource, CprUnavailable
from backend.network.repository import ChildCase
from backend.network.schemas import (
    ContactCorrection,
    CprFetched,
    CprLookupResult,
    CprParentRead,
    CprPersonRead,
    MemberCreate,
    MemberRead,
    OfflineMember,
)

CIRCLE_OF = {
    "mor": "forældre",
    "far": "forældre",
    "forælder": "forældre",
    "søskende": "primært",
    "bedsteforælder": "primært",
    "anden_familie": "sekundært",
    "netværk": "sekundært",
    "plejefamilie": "primært",
    "skole": "professionelt",
    "dagtilbud": "professionelt",
    "læge": "professionelt",
    "sundhedspleje": "professionelt",
    "politi": "professionelt",
    "anden_fagperson": "professionelt",
}
_PHONE = re.compile(r"\+?[0-9 ]{8,16}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_MESSAGE = "Telefonnummeret skal have 8 cifre, evt. med +45"
_EMAIL_MESSAGE = "E-mailadressen ser ikke rigtig ud"
_FORM_MESSAGE = "Der er fejl i formularen"
_NO_MEMBER = "Personen findes ikke i netværket"
_CONTACT_LABELS = {
    "phone": "telefon",
    "email": "e-mail",
    "organisation": "organisation",
    "note": "bemærkning",
}


async def child_case(child_id: uuid.UUID) -> ChildCase:
    """The child's CPR number and latest case; NotFound when there is no such child."""
    found = await repo.get_child_case(child_id)
    if found is None:
        raise NotFound("Barnet findes ikke")
    return found


async def check_open(child_id: uuid.UUID) -> None:
    """StateConflict when every case of the child is closed (or transferred away): the
    network is then history, and nothing is added to it."""
    if not await repo.has_open_case(child_id):
        raise StateConflict(
            "Barnets sag er lukket, så der kan ikke tilføjes personer til netværket. "
            "Registrér barnet igen for at åbne en ny sag."
        )


async def _access_member_child(me: Principal, child_id: uuid.UUID) -> None:
    """The member's child is one ``me`` may open; otherwise the member does not exist."""
    try:
        await access_child(me, child_id)
    except NotFound as exc:
        raise NotFound(_NO_MEMBER) from exc


async def link_sibling(
    actor: str, child_id: uuid.UUID, sibling_id: uuid.UUID, name: str, source: str
) -> bool:
    """Put ``sibling_id`` in ``child_id``'s network as a sibling with a link to the
    sibling's case, unless already there; journal it on the child's case."""
    if await repo.has_sibling(child_id, sibling_id):
        return False
    await repo.insert_sibling(child_id, name, source, sibling_id)
    case_id = (await child_case(child_id)).case_id
    if case_id:
        await stamp(
            case_id,
            actor,
            "netvaerk.soeskende",
            f"Netværk: søskende {name} tilføjet med henvisning til søskendets sag",
        )
    return True


async def members(me: Principal, child_id: uuid.UUID) -> list[MemberRead]:
    """The child's network (NotFound unless ``me`` may open the child)."""
    await child_case(await access_child(me, child_id))
    return await repo.list_members(child_id)


UNKNOWN_CPR = "CPR-nummeret findes ikke i CPR-registret"
CPR_DOWN = "CPR-registret svarer ikke lige nu – du kan registrere barnet manuelt"


async def _ask(source: CprSource, cpr: str, down: str) -> CprRelations | None:
    """The register's answer; ``Unavailable`` (503, field ``cpr``) when it does not answer."""
    try:
        return await source.relations(cpr)
    except CprUnavailable as exc:
        raise Unavailable("cpr", down) from exc


def cpr_error(exc: BaseException | None) -> str:
    """Why the register did not answer, for the audit (``backend.network.sf1520``'s
    outcome: timeout, unreachable, tls, certificate, fault, not_configured)."""
    while exc is not None and not isinstance(exc, CprUnavailable):
        exc = exc.__cause__
    return str(getattr(exc, "outcome", "timeout"))


async def lookup_person(cpr: str, source: CprSource) -> tuple[CprLookupResult, str | None]:
    """A child's name, address (unless protected) and parents from the CPR register, for
    registration (a malformed number is a ``FieldError``; nothing is asked then), and why
    the register did not answer (None when it did). The caller audits and counts the
    lookup (a CPR lookup like the prior-case one)."""
    number, birth = check_cpr(cpr)
    try:
        found = await source.relations(number)
    except CprUnavailable as exc:
        return CprLookupResult("svarer_ikke", message=CPR_DOWN), cpr_error(exc)
    if found is None:
        return CprLookupResult("ukendt", message=UNKNOWN_CPR), None
    first, last = found.child.split_name()
    person = CprPersonRead(
        cpr=number,
        first_name=first,
        last_name=last,
        address="" if found.child.address_protected else found.child.address,
        birth_date=birth,
        parents=[
            CprParentRead(
                p.cpr,
                p.name,
                "" if p.address_protected else p.address,
                p.cpr in found.custody,
                p.address_protected,
            )
            for p in found.parents
        ],
        address_protected=found.child.address_protected,
    )
    return CprLookupResult("fundet", person), None


async def fetch_from_cpr(
    me: Principal, child_id: uuid.UUID, source: CprSource, only: set[str] | None = None
) -> CprFetched:
    """Parents and custody from the CPR source: new parents added, changed ones updated,
    and children in the kommune with a parent in common linked as siblings both ways.
    ``only``: just these parents (by CPR number), as chosen at registration."""
    found = await child_case(await access_child(me, child_id))
    cpr, case_id = found.cpr, found.case_id
    await check_open(child_id)
    if cpr is None:
        raise FieldError("cpr", "Et ufødt barn har endnu ikke et CPR-nummer")
    relations = await _ask(source, cpr, "CPR-registret svarer ikke lige nu. Prøv igen om lidt.")
    if relations is None:
        raise NotFound("CPR-registret kender ikke barnets CPR-nummer")
    # The child's own address protection, refreshed at each lookup (a protected child's
    # address is removed; registration may have been typed before the register answered).
    if (
        await lifecycle.set_child_address_protection(child_id, relations.child.address_protected)
        and case_id
    ):
        await stamp(
            case_id,
            me.actor,
            "barn.adressebeskyttelse",
            "Adressebeskyttelse registreret fra CPR: barnets adresse vises ikke"
            if relations.child.address_protected
            else "Adressebeskyttelsen er ophørt ifølge CPR",
        )
    # A new list: the source may hand out its cached answer.
    parents = [p for p in relations.parents if only is None or p.cpr in only]
    added = updated = 0
    for parent in parents:
        custody = parent.cpr in relations.custody
        protected = parent.address_protected
        existing = await repo.get_parent(child_id, parent.cpr)
        if existing is None:
            await repo.insert_parent(
                child_id, parent.name, parent.cpr, custody, parent.address or None, protected
            )
            added += 1
        elif (existing.name, existing.custody, existing.address_protected) != (
            parent.name,
            custody,
            protected,
        ):
            await repo.update_parent(existing.id, parent.name, custody, protected)
            updated += 1
    if case_id and (added or updated):
        await stamp(
            case_id,
            me.actor,
            "netvaerk.cpr",
            f"Forældre og forældremyndighed hentet fra CPR ({added} nye, {updated} ændrede)",
        )
    # Children in the kommune with a parent in common are siblings: link both ways.
    for sib in await repo.list_children_with_parents([p.cpr for p in parents], child_id):
        mine = await repo.get_child_name(child_id)
        if await link_sibling(me.actor, child_id, sib.id, sib.name, "cpr"):
            added += 1
        await link_sibling(me.actor, sib.id, child_id, mine, "cpr")
    return CprFetched(added=added, updated=updated, members=await repo.list_members(child_id))


async def add_member(me: Principal, child_id: uuid.UUID, data: MemberCreate) -> MemberRead:
    """Add a person to the child's network; a sibling (by id or CPR) is linked both ways."""
    case_id = (await child_case(await access_child(me, child_id))).case_id
    await check_open(child_id)
    errors = []
    if data.relation not in CIRCLE_OF:
        errors.append({"key": "relation", "message": "Vælg personens relation til barnet"})
    if not data.name.strip():
        errors.append({"key": "name", "message": "Navn mangler"})
    if data.phone and not _PHONE.fullmatch(data.phone.strip()):
        errors.append({"key": "phone", "message": _PHONE_MESSAGE})
    if data.email and not _EMAIL.fullmatch(data.email.strip()):
        errors.append({"key": "email", "message": _EMAIL_MESSAGE})
    if errors:
        # Several fields at once (the core's FieldError names one).
        raise FieldErrors(_FORM_MESSAGE, errors)
    sibling_id = data.sibling_child_id
    if data.sibling_cpr:
        number, _ = check_cpr(data.sibling_cpr, field="sibling_cpr")
        sibling_id = await repo.get_child_id_by_cpr(number)
        if sibling_id is None:
            raise FieldError("sibling_cpr", "Der er ikke et barn med det CPR-nummer i kommunen")
    if sibling_id == child_id:
        raise FieldError("sibling_cpr", "Et barn kan ikke være sit eget søskende")
    if sibling_id and not await repo.child_exists(sibling_id):
        raise FieldError("sibling_child_id", "Søskendet findes ikke")
    if sibling_id and data.relation == "søskende":
        if not await link_sibling(me.actor, child_id, sibling_id, data.name.strip(), "manuel"):
            raise FieldError("sibling_cpr", "Søskendet står allerede i netværket")
        mine = await repo.get_child_name(child_id)
        await link_sibling(me.actor, sibling_id, child_id, mine, "manuel")
        return next(
            m for m in await repo.list_members(child_id) if m.sibling_child_id == sibling_id
        )
    member_id = await repo.insert_member(
        child_id,
        data.relation,
        CIRCLE_OF[data.relation],
        data.name.strip(),
        data.organisation,
        (data.phone or "").strip() or None,
        (data.email or "").strip() or None,
        data.note,
        sibling_id,
    )
    if case_id:
        await stamp(
            case_id,
            me.actor,
            "netvaerk.tilfoejet",
            f"Netværk: {data.name.strip()} ({data.relation.replace('_', ' ')}) tilføjet",
        )
    return next(m for m in await repo.list_members(child_id) if m.id == member_id)


async def remove_member(me: Principal, member_id: uuid.UUID, version: int) -> None:
    """Mark the person removed (the row and its history stay); 409 on a stale version."""
    row = await repo.lock_member(member_id)
    if row is None:
        raise NotFound(_NO_MEMBER)
    await _access_member_child(me, row.child_id)
    if row.version != version:
        raise StateConflict("Personen er ændret af en anden. Hent siden igen.")
    await repo.update_removed(member_id, datetime.now().astimezone())
    case_id = (await child_case(row.child_id)).case_id
    if case_id:
        await stamp(case_id, me.actor, "netvaerk.fjernet", f"Netværk: {row.name} fjernet")


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


async def correct_contact(
    me: Principal, member_id: uuid.UUID, data: ContactCorrection
) -> OfflineMember:
    """Only the fields sent change. A stale ``version`` gets 409 whose ``extra`` says who
    changed the person when, their current details and ``current_version`` (the offline
    PWA shows both and lets the user choose)."""
    row = await repo.lock_contact(member_id)
    if row is None:
        raise NotFound(_NO_MEMBER)
    await _access_member_child(me, row.child_id)
    changes: dict[str, str | None] = {}
    for field in ("phone", "email", "organisation", "note"):
        value = getattr(data, field)
        if value is not msgspec.UNSET:
            changes[field] = _clean(value)
    errors = []
    if changes.get("phone") and not _PHONE.fullmatch(changes["phone"] or ""):
        errors.append({"key": "phone", "message": _PHONE_MESSAGE})
    if changes.get("email") and not _EMAIL.fullmatch(changes["email"] or ""):
        errors.append({"key": "email", "message": _EMAIL_MESSAGE})
    if row.protected and changes.get("note"):
        # The note of a parent from the register holds the register's address: never for
        # a person with address protection (the database refuses it too).
        errors.append(
            {
                "key": "note",
                "message": "Personen har adressebeskyttelse: skriv ikke adresse eller "
                "bemærkning her",
            }
        )
    if errors:
        raise FieldErrors(_FORM_MESSAGE, errors)
    current = {
        "phone": row.phone,
        "email": row.email,
        "organisation": row.organisation,
        "note": row.note,
    }
    if row.version != data.version:
        by = row.changed_by_name or "en anden"
        when = f" {fmt_due(row.changed_at)}" if row.changed_at else ""
        now = ", ".join(
            f"{_CONTACT_LABELS[k]}: {current[k] or '–'}" for k in ("phone", "email") if k in changes
        )
        # The core's Stale answers in another shape; the offline PWA reads this one.
        raise StateConflict(
            f"Kontaktoplysningerne for {row.name} er ændret af {by}{when}, efter du "
            f"hentede dem. Nu: {now or 'se netværket'}. Vælg, hvad der skal gælde.",
            extra={
                "conflict": "stale",
                "changed_by": row.changed_by,
                "changed_by_name": row.changed_by_name,
                "changed_at": row.changed_at.isoformat() if row.changed_at else None,
                "current": current,
                "current_version": row.version,
            },
        )
    changed = {k: v for k, v in changes.items() if v != current[k]}
    if changed:
        await repo.update_contact(member_id, changed, me.actor)
        case_id = await repo.get_latest_case_id(row.child_id)
        if case_id:
            what = ", ".join(
                f"{_CONTACT_LABELS[k]} {current[k] or '–'} → {v or '–'}" for k, v in changed.items()
            )
            await stamp(
                case_id,
                me.actor,
                "netvaerk.rettet",
                f"Netværk: kontaktoplysninger for {row.name} rettet",
                what,
            )
    return await repo.get_offline_member(member_id)


async def delete_child(deletion: CaseDeletion) -> dict[str, int]:
    """Retention: the child's last case is being deleted (``deletion.child_goes``): delete
    the child's network and other children's sibling links to it. Nothing otherwise."""
    if not deletion.child_goes:
        return {}
    return await repo.delete_child_rows(deletion.child_id)
