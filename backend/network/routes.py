"""The child's network: read it, fetch parents and custody from the CPR source, add
family, network and professionals with contact details, remove (never delete) entries,
and correct a person's contact details (also from the offline PWA)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from backend.audit.service import record, record_apart
from backend.auth.principal import requires
from backend.core.errors import Unavailable
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.limits.alerts import do_count_lookup
from backend.network import service
from backend.network.registration import source_of
from backend.network.schemas import (
    ContactCorrection,
    CprFetched,
    CprLookup,
    CprLookupResult,
    MemberCreate,
    MemberRead,
    OfflineMember,
    Removal,
)


class NetworkController(Controller):
    path = "/api"
    tags = ("Netværk",)

    @get(
        "/children/{child_id:uuid}/network",
        guards=[requires(Perm.CASE_READ)],
        summary="Barnets netværk med kontaktoplysninger",
    )
    async def network(self, me: Me, child_id: FromPath[uuid.UUID]) -> list[MemberRead]:
        members = await service.members(me, child_id)
        await record(me.actor, "child.read", str(child_id), view="network")
        return members

    @post(
        "/children/{child_id:uuid}/network/from-cpr",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Hent forældre og forældremyndighed fra CPR",
        status_code=200,
    )
    async def from_cpr(
        self, request: Request[Any, Any, Any], me: Me, child_id: FromPath[uuid.UUID]
    ) -> CprFetched:
        try:
            found = await service.fetch_from_cpr(me, child_id, source_of(request.app.state))
        except Unavailable as exc:
            # The answer rolls the request back: the refusal is audited on its own.
            await record_apart(
                me.actor,
                "cpr.person",
                str(child_id),
                purpose="netværk",
                found="svarer_ikke",
                cpr_error=service.cpr_error(exc),
            )
            raise
        await record(me.actor, "cpr.person", str(child_id), purpose="netværk")
        await do_count_lookup(me, request.app.state.limiter.settings.alert_lookups_per_day)
        return found

    @post(
        "/cpr/person",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Slå et barn op i CPR-registret: navn, adresse og forældre (til registrering)",
        status_code=200,
    )
    async def cpr_person(
        self, request: Request[Any, Any, Any], me: Me, data: JSONBody[CprLookup]
    ) -> CprLookupResult:
        """The CPR number travels in the body. Rate-limited with the prior-case lookups
        (per user and per kommune), audited, and counted towards the day's security alert.
        400 ``cpr`` for a malformed number; otherwise 200 with ``outcome`` "fundet",
        "ukendt" (the register does not know it) or "svarer_ikke" (no answer within
        ``TREKANT_CPR_TIMEOUT`` seconds), so the lookup is recorded whatever the answer."""
        found, error = await service.lookup_person(data.cpr, source_of(request.app.state))
        extra = {"cpr_error": error} if error else {}
        await record(
            me.actor, "cpr.person", None, purpose="registrering", found=found.outcome, **extra
        )
        await do_count_lookup(me, request.app.state.limiter.settings.alert_lookups_per_day)
        return found

    @post(
        "/children/{child_id:uuid}/network",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Tilføj en person til netværket",
        status_code=201,
    )
    async def add(
        self, me: Me, child_id: FromPath[uuid.UUID], data: JSONBody[MemberCreate]
    ) -> MemberRead:
        return await service.add_member(me, child_id, data)

    @post(
        "/network/{member_id:uuid}/remove",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Fjern en person fra netværket (historikken bevares)",
        status_code=200,
    )
    async def remove(
        self, me: Me, member_id: FromPath[uuid.UUID], data: JSONBody[Removal]
    ) -> dict[str, str]:
        await service.remove_member(me, member_id, data.version)
        return {"status": "ok"}

    @post(
        "/network/{member_id:uuid}/contact",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Ret en persons kontaktoplysninger (optimistisk låsning: 409 ved ændring)",
        status_code=200,
    )
    async def correct_contact(
        self, me: Me, member_id: FromPath[uuid.UUID], data: JSONBody[ContactCorrection]
    ) -> OfflineMember:
        """Only the fields sent change. A stale ``version`` gets 409 whose ``extra`` says who
        changed the person when, their current details and ``current_version``."""
        return await service.correct_contact(me, member_id, data)
