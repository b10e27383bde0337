"""The offline API: devices, the cases taken along, the bundle, contact corrections and
the kommune's offline settings. See docs/offline-notes.md for the design.

Paths say ``enheder`` and ``{unit_id}`` for devices: no route path may contain "dev"
(tests/backend/test_api.py keeps a development login out of the app that way)."""

from __future__ import annotations

import hmac
import uuid
from datetime import UTC, datetime

from litestar import Controller, delete, get, post, put
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery, JSONBody

from backend.audit.service import record, record_many
from backend.auth.principal import requires
from backend.casework.access import access_case
from backend.core.errors import FieldError, NotAllowed, NotFound
from backend.core.permissions import GRANTS, ROLES, Perm
from backend.core.principal import Me, Principal
from backend.db import DB
from backend.offline import service
from backend.offline.schemas import (
    MAX_CASES_PER_REQUEST,
    ChoiceList,
    DeviceCreate,
    DeviceRead,
    DeviceRegistered,
    DeviceStatus,
    DeviceToken,
    OfflineAccess,
    OfflineCases,
    OfflineManifest,
    OfflineRoles,
    OfflineSettings,
    OfflineUser,
    Revocation,
    Revoked,
)
from tenancy.context import TenantUnavailable, current_scope, tenant_transaction
from tenancy.names import InvalidKommuneCode, check_kommune_code


class Gone(ClientException):
    """The device must wipe its offline data (``extra.wipe``)."""

    status_code = 410


def _gone(reason: str) -> Gone:
    return Gone(reason, extra={"wipe": True, "reason": reason})


async def _my_device(me: Principal, device_id: uuid.UUID) -> None:
    """The device is ``me``'s and not revoked; otherwise 410 telling it to wipe."""
    reason = service.wipe_reason(await service.device_row(device_id), me.user_id)
    if reason:
        raise _gone(reason)


async def _may_go_offline(me: Principal) -> None:
    """403 unless one of ``me``'s roles is among those the kommune lets go offline."""
    if not await service.may_go_offline(me):
        raise NotAllowed(
            "Din rolle må ikke gemme sager til hjemmebesøg. "
            "Kommunens administrator bestemmer, hvilke roller der må."
        )


class OfflineController(Controller):
    path = "/api/offline"
    tags = ("Offline",)
    guards = [requires(Perm.CASE_READ)]  # noqa: RUF012 - Litestar reads a list

    @post("/enheder", summary="Registrér enheden til offline-brug", status_code=201)
    async def register(self, me: Me, data: JSONBody[DeviceCreate]) -> DeviceRegistered:
        await _may_go_offline(me)
        device_id, secret = await service.register_device(me.user_id, data.label)
        await record(me.actor, "offline.device_registered", str(device_id), label=data.label)
        return DeviceRegistered(
            device_id=device_id,
            device_token=f"{me.kommune_code}.{device_id}.{secret}",
            max_offline_days=await service.max_offline_days(),
        )

    @get("/adgang", summary="Må jeg gemme sager til hjemmebesøg (kommunens valg af roller)?")
    async def access(self, me: Me) -> OfflineAccess:
        return OfflineAccess(allowed=await service.may_go_offline(me))

    @get("/enheder", summary="Mine enheder med offline-data")
    async def my_devices(self, me: Me) -> list[DeviceRead]:
        return await service.list_devices(me.user_id)

    @post(
        "/enheder/{unit_id:uuid}/revoke",
        summary="Spær en af mine enheder (fx bortkommet); den sletter sine data",
        status_code=200,
    )
    async def revoke_mine(
        self,
        me: Me,
        unit_id: FromPath[uuid.UUID],
        data: JSONBody[Revocation],
    ) -> Revoked:
        device_id = unit_id
        row = await service.device_row(device_id)
        if row is None or row.user_id != me.user_id:
            raise NotFound("Enheden findes ikke")
        done = await service.revoke_device(
            device_id, me.actor, data.reason or "Spærret af brugeren"
        )
        if done:
            await record(me.actor, "offline.device_revoked", str(device_id), reason=data.reason)
        return Revoked(revoked=int(done))

    @get(
        "/enheder/{unit_id:uuid}/manifest",
        summary="Arbejdslisten til hjemmebesøg: egne og valgte sager med størrelse",
    )
    async def manifest(self, me: Me, unit_id: FromPath[uuid.UUID]) -> OfflineManifest:
        device_id = unit_id
        await _may_go_offline(me)
        await _my_device(me, device_id)
        ids, chosen = await service.offline_case_ids(me)
        refs, size = await service.case_refs(ids, chosen)
        await service.touch_device(device_id)
        scope = current_scope()
        return OfflineManifest(
            device_id=device_id,
            generated_at=datetime.now(UTC),
            max_offline_days=await service.max_offline_days(),
            user=OfflineUser(
                display_name=me.display_name,
                username=me.username,
                kommune_code=scope.code,
                kommune_name=scope.name,
            ),
            cases=refs,
            estimated_bytes=size,
        )

    @get(
        "/enheder/{unit_id:uuid}/cases",
        summary=f"Sagerne til hjemmebesøg (højst {MAX_CASES_PER_REQUEST} pr. kald); "
        "hver læsning revisionslogges",
    )
    async def cases(
        self,
        me: Me,
        unit_id: FromPath[uuid.UUID],
        ids: FromQuery[str],
    ) -> OfflineCases:
        """``ids``: hovedsag ids separated by commas. Cases that are not (or no longer) the
        user's own or chosen ones come back in ``missing``."""
        device_id = unit_id
        await _may_go_offline(me)
        await _my_device(me, device_id)
        try:
            wanted = list(dict.fromkeys(uuid.UUID(x) for x in ids.split(",") if x.strip()))
        except ValueError as exc:
            raise FieldError("ids", "ids skal være sags-id'er adskilt af komma") from exc
        if not 1 <= len(wanted) <= MAX_CASES_PER_REQUEST:
            raise FieldError("ids", f"Angiv 1-{MAX_CASES_PER_REQUEST} sager pr. kald")
        allowed, _ = await service.offline_case_ids(me)
        permitted = set(allowed)
        take = [c for c in wanted if c in permitted]
        cases = await service.offline_cases(take)
        await record_many(
            me.actor,
            "child.read",
            [
                (
                    str(case.child.id),
                    {
                        "view": "offline",
                        "hovedsag": str(case.hovedsag_id),
                        "device": str(device_id),
                    },
                )
                for case in cases
            ],
        )
        got = {c.hovedsag_id for c in cases}
        await service.touch_device(device_id, bundle=True)
        return OfflineCases(cases=cases, missing=[c for c in wanted if c not in got])

    @get("/choices", summary="Sager, jeg har valgt at tage med på hjemmebesøg")
    async def list_choices(self, me: Me) -> ChoiceList:
        return ChoiceList(hovedsag_ids=await service.choices(me.user_id))

    @put(
        "/choices/{case_id:uuid}",
        summary="Tag sagen med på hjemmebesøg (ud over mine egne)",
        status_code=200,
    )
    async def add_choice(self, me: Me, case_id: FromPath[uuid.UUID]) -> ChoiceList:
        await _may_go_offline(me)
        await access_case(me, case_id)
        await service.choose(me.user_id, case_id)
        return ChoiceList(hovedsag_ids=await service.choices(me.user_id))

    @delete("/choices/{case_id:uuid}", summary="Tag sagen ud af hjemmebesøg", status_code=200)
    async def remove_choice(self, me: Me, case_id: FromPath[uuid.UUID]) -> ChoiceList:
        await service.unchoose(me.user_id, case_id)
        return ChoiceList(hovedsag_ids=await service.choices(me.user_id))


@get(
    "/api/offline/enheder/{unit_id:uuid}/status",
    tags=["Offline"],
    summary="Må enheden beholde sine offline-data? (wipe: slet dem nu)",
)
async def device_status_in_session(me: Me, unit_id: FromPath[uuid.UUID]) -> DeviceStatus:
    """Any logged-in kommune user may ask (no case permission needed): a device that holds
    another user's data is told to wipe, which is how a user switch is detected."""
    device_id = unit_id
    reason = service.wipe_reason(await service.device_row(device_id), me.user_id)
    if reason is None:
        await service.touch_device(device_id)
    return DeviceStatus(
        wipe=reason is not None,
        reason=reason,
        max_offline_days=await service.max_offline_days(),
        server_time=datetime.now(UTC),
    )


@post(
    "/api/offline/enhedsstatus",
    opt={"public": True},
    tags=["Offline"],
    status_code=200,
    summary="Må enheden beholde sine offline-data? Uden session, med enhedens nøgle",
)
async def device_status(data: JSONBody[DeviceToken]) -> DeviceStatus:
    """For a device that comes back with an expired session: ``wipe`` when the device or
    its user is revoked (or unknown). A suspended kommune answers 403 (no wipe)."""
    code, _, rest = data.token.partition(".")
    raw_id, _, secret = rest.partition(".")
    try:
        check_kommune_code(code)
        device_id = uuid.UUID(raw_id)
    except (InvalidKommuneCode, ValueError):
        return DeviceStatus(wipe=True, reason="Enheden er ikke kendt af Trekant")
    try:
        async with tenant_transaction(DB, code):
            row = await service.device_row(device_id)
            if row is not None and not hmac.compare_digest(
                row.token_hash, service.token_hash(secret)
            ):
                row = None
            reason = service.wipe_reason(row)
            if reason is None:
                await service.touch_device(device_id)
            days = await service.max_offline_days()
    except TenantUnavailable as exc:
        if exc.status == "unknown":
            return DeviceStatus(wipe=True, reason="Kommunen findes ikke i Trekant")
        raise NotAllowed(f"Kommunen ({code}) er suspenderet i Trekant. Kontakt driften.") from exc
    return DeviceStatus(
        wipe=reason is not None,
        reason=reason,
        max_offline_days=days,
        server_time=datetime.now(UTC),
    )


class OfflineAdminController(Controller):
    """The kommune administrator: the maximum offline period, devices, revocation."""

    path = "/api/admin/offline"
    tags = ("Administration",)
    guards = [requires(Perm.USERS_MANAGE)]  # noqa: RUF012 - Litestar reads a list

    @get("/settings", summary="Kommunens offline-indstillinger")
    async def get_settings(self) -> OfflineSettings:
        return OfflineSettings(max_offline_days=await service.max_offline_days())

    @put("/settings", summary="Ret det længste tidsrum, en enhed må være offline")
    async def put_settings(self, me: Me, data: JSONBody[OfflineSettings]) -> OfflineSettings:
        if not 1 <= data.max_offline_days <= 90:
            raise FieldError("max_offline_days", "Angiv mellem 1 og 90 dage")
        await service.set_max_offline_days(data.max_offline_days)
        await record(me.actor, "settings.changed", None, offline_max_days=data.max_offline_days)
        return OfflineSettings(max_offline_days=data.max_offline_days)

    @get("/roles", summary="Roller, der må gemme sager til hjemmebesøg")
    async def get_roles(self) -> OfflineRoles:
        return OfflineRoles(roles=await service.offline_roles())

    @put("/roles", summary="Vælg, hvilke roller der må gemme sager til hjemmebesøg")
    async def put_roles(self, me: Me, data: JSONBody[OfflineRoles]) -> OfflineRoles:
        unknown = [r for r in data.roles if r not in ROLES]
        if unknown:
            raise FieldError("roles", "Vælg blandt kommunens roller")
        no_cases = [ROLES[r] for r in data.roles if Perm.CASE_READ not in GRANTS[r]]
        if no_cases:
            raise FieldError(
                "roles", f"{', '.join(no_cases)} kan ikke se sager og kan derfor ikke vælges"
            )
        roles = sorted(set(data.roles))
        before = await service.offline_roles()
        await service.set_offline_roles(roles)
        await record(me.actor, "settings.changed", None, offline_roles=roles, before=before)
        return OfflineRoles(roles=roles)

    @get("/enheder", summary="Kommunens enheder med offline-data")
    async def devices(self) -> list[DeviceRead]:
        return await service.list_devices()

    @post(
        "/enheder/{unit_id:uuid}/revoke",
        summary="Spær en enhed; den sletter sine offline-data ved næste kontakt",
        status_code=200,
    )
    async def revoke_device(
        self,
        me: Me,
        unit_id: FromPath[uuid.UUID],
        data: JSONBody[Revocation],
    ) -> Revoked:
        device_id = unit_id
        if await service.device_row(device_id) is None:
            raise NotFound("Enheden findes ikke")
        done = await service.revoke_device(device_id, me.actor, data.reason or "Spærret")
        if done:
            await record(me.actor, "offline.device_revoked", str(device_id), reason=data.reason)
        return Revoked(revoked=int(done))

    @post(
        "/users/{user_id:uuid}/revoke",
        summary="Spær alle en brugers enheder; de sletter deres offline-data",
        status_code=200,
    )
    async def revoke_user(
        self,
        me: Me,
        user_id: FromPath[uuid.UUID],
        data: JSONBody[Revocation],
    ) -> Revoked:
        if not await service.user_exists(user_id):
            raise NotFound("Brugeren findes ikke")
        n = await service.revoke_user_devices(user_id, me.actor, data.reason or "Spærret")
        await record(me.actor, "offline.user_revoked", str(user_id), devices=n, reason=data.reason)
        return Revoked(revoked=n)
