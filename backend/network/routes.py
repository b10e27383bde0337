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
from backend.auth.permissions import Perm
from backend.auth.principal import current_principal, requires
from backend.casework.service import stamp
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


class MemberCreate(msgspec.Struct):
    relation: str
    name: str
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    note: str | None = None
    sibling_child_id: uuid.UUID | None = None


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


async def _members(child_id: uuid.UUID) -> list[MemberRead]:
    rows = await _conn().fetch(
        "SELECT id, relation, circle, name, custody, organisation, phone, email, note, source, "
        "sibling_child_id, version FROM network_member WHERE child_id = $1 AND removed_at IS NULL "
        "ORDER BY array_position(ARRAY['forældre','primært','sekundært','professionelt'], "
        "circle), custody DESC, name",
        child_id,
    )
    return [MemberRead(**dict(r)) for r in rows]


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
        await _child_case(child_id)
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
        cpr, case_id = await _child_case(child_id)
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
        _, case_id = await _child_case(child_id)
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
        if data.sibling_child_id and not await _conn().fetchval(
            "SELECT 1 FROM child WHERE id = $1", data.sibling_child_id
        ):
            raise field_error("sibling_child_id", "Søskendet findes ikke")
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
            data.sibling_child_id,
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
