"""The child's network: read it, fetch parents and custody from the CPR source, add
family, network and professionals with contact details, remove (never delete) entries."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody

from backend.audit.service import record
from backend.auth.principal import current_principal, requires
from backend.casework.access import access_child
from backend.casework.service import CaseError, check_cpr, stamp
from backend.core.permissions import Perm
from backend.errors import Conflict, field_error
from backend.network.cpr_source import CprSource, default_source
from tenancy.context import current_scope

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


class MemberRead(msgspec.Struct):
    id: uuid.UUID
    relation: str
    circle: str
    name: str
    custody: bool
    organisation: str | None
    phone: str | None
    email: str | None
    note: str | None
    source: str
    sibling_child_id: uuid.UUID | None
    version: int
    sibling_case_id: uuid.UUID | None = None  # the sibling's own case here, to link to


class MemberCreate(msgspec.Struct):
    relation: str
    name: str
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None
    sibling_child_id: uuid.UUID | None = None
    # A sibling who is a child in the kommune, found by CPR (in the body, never a URL).
    sibling_cpr: str | None = None


class Removal(msgspec.Struct):
    version: int


class CprFetched(msgspec.Struct):
    added: int
    updated: int
    members: list[MemberRead]


def _conn() -> Any:
    return current_scope().connection


async def _child_case(child_id: uuid.UUID) -> tuple[str | None, uuid.UUID | None]:
    row = await _conn().fetchrow(
        "SELECT c.cpr, (SELECT h.id FROM hovedsag h WHERE h.child_id = c.id "
        "ORDER BY h.closed_at NULLS FIRST, h.opened_at DESC LIMIT 1) AS case_id "
        "FROM child c WHERE c.id = $1",
        child_id,
    )
    if row is None:
        raise NotFoundException("Barnet findes ikke")
    return row["cpr"], row["case_id"]


async def _check_open(child_id: uuid.UUID) -> None:
    """409 when every case of the child is closed (or transferred away): the network is
    then history, and nothing is added to it here."""
    open_case = await _conn().fetchval(
        "SELECT NOT EXISTS (SELECT 1 FROM hovedsag WHERE child_id = $1) OR EXISTS "
        "(SELECT 1 FROM hovedsag WHERE child_id = $1 AND closed_at IS NULL)",
        child_id,
    )
    if not open_case:
        raise Conflict(
            "Barnets sag er lukket, så der kan ikke tilføjes personer til netværket. "
            "Registrér barnet igen for at åbne en ny sag."
        )


async def _members(child_id: uuid.UUID) -> list[MemberRead]:
    rows = await _conn().fetch(
        "SELECT n.id, n.relation, n.circle, n.name, n.custody, n.organisation, n.phone, "
        "n.email, n.note, n.source, n.sibling_child_id, n.version, "
        "(SELECT h.id FROM hovedsag h WHERE h.child_id = n.sibling_child_id "
        "ORDER BY h.closed_at NULLS FIRST, h.opened_at DESC LIMIT 1) AS sibling_case_id "
        "FROM network_member n WHERE n.child_id = $1 AND n.removed_at IS NULL "
        "ORDER BY array_position(ARRAY['forældre','primært','sekundært','professionelt'], "
        "n.circle), n.custody DESC, n.name",
        child_id,
    )
    return [MemberRead(**dict(r)) for r in rows]


async def _link_sibling(
    actor: str, child_id: uuid.UUID, sibling_id: uuid.UUID, name: str, source: str
) -> bool:
    """Put ``sibling_id`` in ``child_id``'s network as a sibling with a link to the
    sibling's case, unless already there; journal it on the child's case."""
    if await _conn().fetchval(
        "SELECT 1 FROM network_member WHERE child_id = $1 AND sibling_child_id = $2 "
        "AND removed_at IS NULL",
        child_id,
        sibling_id,
    ):
        return False
    await _conn().execute(
        "INSERT INTO network_member (child_id, relation, circle, name, source, "
        "sibling_child_id) VALUES ($1, 'søskende', 'primært', $2, $3, $4)",
        child_id,
        name,
        source,
        sibling_id,
    )
    _, case_id = await _child_case(child_id)
    if case_id:
        await stamp(
            case_id,
            actor,
            "netvaerk.soeskende",
            f"Netværk: søskende {name} tilføjet med henvisning til søskendets sag",
        )
    return True


class NetworkController(Controller):
    path = "/api"
    tags = ("Netværk",)

    @get(
        "/children/{child_id:uuid}/network",
        guards=[requires(Perm.CASE_READ)],
        summary="Barnets netværk med kontaktoplysninger",
    )
    async def network(
        self, request: Request[Any, Any, Any], child_id: FromPath[uuid.UUID]
    ) -> list[MemberRead]:
        me = current_principal(request)
        await _child_case(await access_child(me, child_id))
        await record(me.actor, "child.read", str(child_id), view="network")
        return await _members(child_id)

    @post(
        "/children/{child_id:uuid}/network/from-cpr",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Hent forældre og forældremyndighed fra CPR",
        status_code=200,
    )
    async def from_cpr(
        self, request: Request[Any, Any, Any], child_id: FromPath[uuid.UUID]
    ) -> CprFetched:
        me = current_principal(request)
        cpr, case_id = await _child_case(await access_child(me, child_id))
        await _check_open(child_id)
        if cpr is None:
            raise field_error("cpr", "Et ufødt barn har endnu ikke et CPR-nummer")
        source: CprSource = getattr(request.app.state, "cpr_source", None) or default_source()
        relations = await source.relations(cpr)
        if relations is None:
            raise NotFoundException("CPR-registret kender ikke barnets CPR-nummer")
        added = updated = 0
        for parent in relations.parents:
            custody = parent.cpr in relations.custody
            existing = await _conn().fetchrow(
                "SELECT id, name, custody FROM network_member WHERE child_id = $1 AND cpr = $2 "
                "AND removed_at IS NULL",
                child_id,
                parent.cpr,
            )
            if existing is None:
                await _conn().execute(
                    "INSERT INTO network_member (child_id, relation, circle, name, cpr, custody, "
                    "note, source) VALUES ($1, 'forælder', 'forældre', $2, $3, $4, $5, 'cpr')",
                    child_id,
                    parent.name,
                    parent.cpr,
                    custody,
                    parent.address or None,
                )
                added += 1
            elif (existing["name"], existing["custody"]) != (parent.name, custody):
                await _conn().execute(
                    "UPDATE network_member SET name = $2, custody = $3, version = version + 1 "
                    "WHERE id = $1",
                    existing["id"],
                    parent.name,
                    custody,
                )
                updated += 1
        if case_id and (added or updated):
            await stamp(
                case_id,
                me.actor,
                "netvaerk.cpr",
                f"Forældre og forældremyndighed hentet fra CPR ({added} nye, {updated} ændrede)",
            )
        # Children in the kommune with a parent in common are siblings: link both ways.
        for sib in await _conn().fetch(
            "SELECT DISTINCT c.id, c.first_name || ' ' || c.last_name AS name "
            "FROM network_member n JOIN child c ON c.id = n.child_id "
            "WHERE n.cpr = ANY($1::text[]) AND n.removed_at IS NULL AND n.child_id <> $2",
            [p.cpr for p in relations.parents],
            child_id,
        ):
            mine = await _conn().fetchval(
                "SELECT first_name || ' ' || last_name FROM child WHERE id = $1", child_id
            )
            if await _link_sibling(me.actor, child_id, sib["id"], sib["name"], "cpr"):
                added += 1
            await _link_sibling(me.actor, sib["id"], child_id, mine, "cpr")
        return CprFetched(added=added, updated=updated, members=await _members(child_id))

    @post(
        "/children/{child_id:uuid}/network",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj en person til netværket",
        status_code=201,
    )
    async def add(
        self,
        request: Request[Any, Any, Any],
        child_id: FromPath[uuid.UUID],
        data: JSONBody[MemberCreate],
    ) -> MemberRead:
        me = current_principal(request)
        _, case_id = await _child_case(await access_child(me, child_id))
        await _check_open(child_id)
        errors = []
        if data.relation not in CIRCLE_OF:
            errors.append({"key": "relation", "message": "Vælg personens relation til barnet"})
        if not data.name.strip():
            errors.append({"key": "name", "message": "Navn mangler"})
        if data.phone and not _PHONE.fullmatch(data.phone.strip()):
            errors.append(
                {"key": "phone", "message": "Telefonnummeret skal have 8 cifre, evt. med +45"}
            )
        if data.email and not _EMAIL.fullmatch(data.email.strip()):
            errors.append({"key": "email", "message": "E-mailadressen ser ikke rigtig ud"})
        if errors:
            raise ValidationException("Der er fejl i formularen", extra=errors)
        sibling_id = data.sibling_child_id
        if data.sibling_cpr:
            try:
                number, _ = check_cpr(data.sibling_cpr, field="sibling_cpr")
            except CaseError as exc:
                raise field_error(exc.field, exc.message) from exc
            sibling_id = await _conn().fetchval("SELECT id FROM child WHERE cpr = $1", number)
            if sibling_id is None:
                raise field_error(
                    "sibling_cpr", "Der er ikke et barn med det CPR-nummer i kommunen"
                )
        if sibling_id == child_id:
            raise field_error("sibling_cpr", "Et barn kan ikke være sit eget søskende")
        if sibling_id and not await _conn().fetchval(
            "SELECT 1 FROM child WHERE id = $1", sibling_id
        ):
            raise field_error("sibling_child_id", "Søskendet findes ikke")
        if sibling_id and data.relation == "søskende":
            if not await _link_sibling(me.actor, child_id, sibling_id, data.name.strip(), "manuel"):
                raise field_error("sibling_cpr", "Søskendet står allerede i netværket")
            mine = await _conn().fetchval(
                "SELECT first_name || ' ' || last_name FROM child WHERE id = $1", child_id
            )
            await _link_sibling(me.actor, sibling_id, child_id, mine, "manuel")
            return next(m for m in await _members(child_id) if m.sibling_child_id == sibling_id)
        row = await _conn().fetchrow(
            "INSERT INTO network_member (child_id, relation, circle, name, organisation, phone, "
            "email, note, sibling_child_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
            "RETURNING id",
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
        return next(m for m in await _members(child_id) if m.id == row["id"])

    @post(
        "/network/{member_id:uuid}/remove",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Fjern en person fra netværket (historikken bevares)",
        status_code=200,
    )
    async def remove(
        self,
        request: Request[Any, Any, Any],
        member_id: FromPath[uuid.UUID],
        data: JSONBody[Removal],
    ) -> dict[str, str]:
        me = current_principal(request)
        row = await _conn().fetchrow(
            "SELECT child_id, name, version FROM network_member WHERE id = $1 "
            "AND removed_at IS NULL FOR UPDATE",
            member_id,
        )
        if row is None:
            raise NotFoundException("Personen findes ikke i netværket")
        try:
            await access_child(me, row["child_id"])
        except NotFoundException as exc:
            raise NotFoundException("Personen findes ikke i netværket") from exc
        if row["version"] != data.version:
            raise Conflict("Personen er ændret af en anden. Hent siden igen.")
        await _conn().execute(
            "UPDATE network_member SET removed_at = $2, version = version + 1 WHERE id = $1",
            member_id,
            datetime.now().astimezone(),
        )
        _, case_id = await _child_case(row["child_id"])
        if case_id:
            await stamp(case_id, me.actor, "netvaerk.fjernet", f"Netværk: {row['name']} fjernet")
        return {"status": "ok"}
