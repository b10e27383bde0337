"""The national services' API: the operator's configuration per kommune (on the operator's
own pool: no case data, no key read back), and the administrator's FK Organisation screen
(teams mapped to organisation units, "Hent nu")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import ValidationException
from litestar.params import FromPath, JSONBody

from backend import queue
from backend.audit.service import record
from backend.auth.guards import current_session
from backend.auth.principal import requires, requires_operator
from backend.auth.saml_login import login_health
from backend.config import get_settings
from backend.core.errors import FieldError, NotFound, StateConflict, Unavailable
from backend.core.permissions import Perm
from backend.core.principal import Me
from backend.identity import operator_db
from backend.integrations import fkorg
from backend.integrations import repository as repo
from backend.integrations.client import ServiceError
from backend.integrations.schemas import (
    ConnectionTest,
    FkorgOverview,
    ImportRead,
    MappedTeamRead,
    ServiceRead,
    ServiceWrite,
    TeamFromUnit,
    TeamMapping,
    UnitRead,
)
from backend.integrations.settings import (
    KIND_LABELS,
    ServiceKind,
    ServiceSettingError,
    certificate_state,
    check_auth,
    check_certificate,
    check_cvr,
    check_endpoint,
    check_kind,
    check_private_key,
    check_uuid,
    seal_key,
)
from backend.operator import repository as operator_repo

# The operator's log names fields and services in Danish (never the API's keys).
FIELD_LABELS = {
    "endpoint": "Adresse",
    "service_agreement_uuid": "Serviceaftalens UUID",
    "user_system_uuid": "Brugersystemets UUID",
    "cvr": "CVR-nummer",
    "cert_pem": "Systemcertifikat",
    "private_key_pem": "Privat nøgle",
    "auth": "Godkendelse",
}

IMPORT_LABELS = {"koerer": "Henter", "faerdig": "Hentet", "fejlet": "Fejlede"}


def service_read(kind: ServiceKind, row: repo.ServiceRow | None) -> ServiceRead:
    if row is None:
        return ServiceRead(kind=kind.value, label=KIND_LABELS[kind], configured=False)
    now = datetime.now(UTC)
    if not row.enabled:
        health = "slaaet_fra"
    elif row.last_call_at is None:
        health = "ukendt"
    elif row.last_error_at is not None and (
        row.last_ok_at is None or row.last_error_at > row.last_ok_at
    ):
        health = "fejl"
    else:
        health = "ok"
    return ServiceRead(
        kind=kind.value,
        label=KIND_LABELS[kind],
        configured=True,
        endpoint=row.endpoint,
        service_agreement_uuid=row.service_agreement_uuid,
        user_system_uuid=row.user_system_uuid,
        cvr=row.cvr,
        enabled=row.enabled,
        cert_subject=row.cert_subject,
        cert_not_after=row.cert_not_after,
        cert_state=certificate_state(row.cert_not_after, now),
        cert_days_left=(row.cert_not_after - now).days if row.cert_not_after else None,
        key_set=row.key_set,
        auth=row.auth,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        last_call_at=row.last_call_at,
        last_ok_at=row.last_ok_at,
        last_error=row.last_error,
        last_error_at=row.last_error_at,
        health=health,
    )


def with_login_health(read: ServiceRead, health: dict[str, Any]) -> ServiceRead:
    """The Context Handler's row with what the last logins met fetching its metadata
    (``saml_login.record_health``): a refused metadata (unreachable, not signed by the
    operator's certificate, …) shows as "Fejl" with its Danish reason until a fetch works."""
    error_at, ok_at = health.get("error_at"), health.get("ok_at")
    if error_at is None or (ok_at is not None and ok_at >= error_at):
        if ok_at is not None and read.last_ok_at is None:
            read.last_ok_at = datetime.fromtimestamp(ok_at, UTC)
            read.last_call_at = read.last_call_at or read.last_ok_at
        return read
    read.health = "fejl"
    read.last_error = str(health.get("error") or "")
    read.last_error_at = datetime.fromtimestamp(error_at, UTC)
    read.last_call_at = read.last_error_at
    return read


async def configure_service(code: str, kind_value: str, data: ServiceWrite, by: str) -> None:
    """Check and store one service's settings for kommune ``code`` (operator pool). Every
    refusal is in the operator's audit with the fields it named (never their values)."""
    async with operator_db.pool().acquire() as c:
        await configure_service_on(c, code, kind_value, data, by)


async def configure_service_on(
    c: Any, code: str, kind_value: str, data: ServiceWrite, by: str
) -> None:
    """:func:`configure_service` on connection ``c`` (the operator's, or the owner's for
    ``trekant tenant set-service``)."""
    errors: list[dict[str, str]] = []

    def bad(exc: ServiceSettingError) -> None:
        errors.append({"key": exc.field, "message": exc.message})

    if not await operator_repo.kommune_exists(c, code):
        raise NotFound("Kommunen findes ikke")
    try:
        kind = check_kind(kind_value)
    except ServiceSettingError as exc:
        raise NotFound("Tjenesten findes ikke") from exc
    held = await repo.get_cert_pem(c, code, kind)
    values: dict[str, Any] = {}
    for key, check in (
        (
            "agreement",
            lambda: check_uuid(
                "service_agreement_uuid", data.service_agreement_uuid, "Serviceaftalens UUID"
            ),
        ),
        (
            "system",
            lambda: check_uuid("user_system_uuid", data.user_system_uuid, "Brugersystemets UUID"),
        ),
        ("cvr", lambda: check_cvr(data.cvr)),
        ("auth", lambda: check_auth(data.auth)),
    ):
        try:
            values[key] = check()
        except ServiceSettingError as exc:
            bad(exc)
    try:
        values["endpoint"] = await check_endpoint(data.endpoint, get_settings().env)
    except ServiceSettingError as exc:
        bad(exc)
    cert = sealed = None
    if data.cert_pem.strip() or data.private_key_pem.strip():
        try:
            cert = check_certificate(data.cert_pem)
        except ServiceSettingError as exc:
            bad(exc)
        if cert is not None:
            try:
                sealed = seal_key(code, kind, cert, check_private_key(data.private_key_pem, cert))
            except ServiceSettingError as exc:
                bad(exc)
    elif held is None:
        bad(ServiceSettingError("cert_pem", "Indsæt systemcertifikatet (PEM)"))
        bad(ServiceSettingError("private_key_pem", "Indsæt certifikatets private nøgle (PEM)"))
    if errors:
        await operator_repo.insert_operator_audit(
            c,
            by,
            "service.refused",
            code,
            {
                "service": KIND_LABELS[kind],
                "fields": [FIELD_LABELS.get(e["key"], e["key"]) for e in errors],
            },
        )
        raise ValidationException("Der er fejl i formularen", extra=errors)
    async with c.transaction():
        await repo.upsert_service(
            c,
            code=code,
            kind=kind,
            endpoint=values["endpoint"],
            service_agreement_uuid=values["agreement"],
            user_system_uuid=values["system"],
            cvr=values["cvr"],
            cert_pem=cert.pem if cert else None,
            cert_subject=cert.subject if cert else None,
            cert_not_after=cert.not_after if cert else None,
            enabled=data.enabled,
            by=by,
            auth=values["auth"],
        )
        if sealed is not None:
            await repo.replace_key(c, code, kind, sealed)
        await operator_repo.insert_operator_audit(
            c,
            by,
            "service.configured",
            code,
            {
                "service": KIND_LABELS[kind],
                "enabled": data.enabled,
                "auth": values["auth"],
                "certificate": "nyt" if cert else "uændret",
            },
        )


class NationalServicesController(Controller):
    path = "/api/operator/kommuner/{code:str}/tjenester"
    tags = ("Drift",)
    guards = [requires_operator]  # noqa: RUF012 - Litestar reads a list

    @get("", summary="Kommunens nationale tjenester med certifikat og helbred")
    async def list_services(self, code: FromPath[str]) -> list[ServiceRead]:
        async with operator_db.pool().acquire() as c:
            if not await operator_repo.kommune_exists(c, code):
                raise NotFound("Kommunen findes ikke")
            rows = {r.kind: r for r in await repo.list_services(c, code)}
        login = await login_health(queue.get(), code)
        return [
            with_login_health(service_read(k, rows.get(k.value)), login)
            if k is ServiceKind.CONTEXT_HANDLER
            else service_read(k, rows.get(k.value))
            for k in ServiceKind
        ]

    @put("/{kind:str}", summary="Sæt en national tjeneste op for kommunen")
    async def put_service(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        kind: FromPath[str],
        data: JSONBody[ServiceWrite],
    ) -> ServiceRead:
        await configure_service(code, kind, data, current_session(request).username)
        async with operator_db.pool().acquire() as c:
            rows = {r.kind: r for r in await repo.list_services(c, code)}
        return service_read(ServiceKind(kind), rows.get(kind))

    @post(
        "/{kind:str}/test",
        summary="Test forbindelsen: ét harmløst kald til tjenesten med kommunens opsætning",
        status_code=200,
    )
    async def test_service(
        self, request: Request[Any, Any, Any], code: FromPath[str], kind: FromPath[str]
    ) -> ConnectionTest:
        from backend.integrations.probe import test_connection

        async with operator_db.pool().acquire() as c:
            if not await operator_repo.kommune_exists(c, code):
                raise NotFound("Kommunen findes ikke")
        try:
            service_kind = check_kind(kind)
        except ServiceSettingError as exc:
            raise NotFound("Tjenesten findes ikke") from exc
        if service_kind == ServiceKind.CONTEXT_HANDLER:
            raise StateConflict("Forbindelsen til Context Handleren prøves ved log ind")
        ok, message = await test_connection(code, service_kind)
        async with operator_db.pool().acquire() as c:
            await operator_repo.insert_operator_audit(
                c,
                current_session(request).username,
                "service.tested",
                code,
                {"service": KIND_LABELS[service_kind], "result": message},
            )
            rows = {r.kind: r for r in await repo.list_services(c, code)}
        return ConnectionTest(
            kind=service_kind.value,
            label=KIND_LABELS[service_kind],
            ok=ok,
            message=message,
            at=datetime.now(UTC),
            service=service_read(service_kind, rows.get(service_kind.value)),
        )

    @delete("/{kind:str}", summary="Fjern en national tjeneste fra kommunen", status_code=204)
    async def delete_service(
        self, request: Request[Any, Any, Any], code: FromPath[str], kind: FromPath[str]
    ) -> None:
        async with operator_db.pool().acquire() as c, c.transaction():
            if not await repo.delete_service(c, code, kind):
                raise NotFound("Tjenesten er ikke sat op for kommunen")
            await operator_repo.insert_operator_audit(
                c,
                current_session(request).username,
                "service.removed",
                code,
                {"service": KIND_LABELS[ServiceKind(kind)]},
            )


def _import_read(row: repo.ImportRow) -> ImportRead:
    return ImportRead(
        id=row.id,
        status=row.status,
        status_label=IMPORT_LABELS[row.status],
        requested_by=row.requested_by,
        started_at=row.started_at,
        finished_at=row.finished_at,
        units=row.units,
        created=row.created,
        updated=row.updated,
        deactivated=row.deactivated,
        error=row.error,
    )


def _unit_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise FieldError("unit_uuid", "Vælg en organisationsenhed") from exc


async def _organisation(me: Me) -> fkorg.Organisation:
    try:
        return await fkorg.fetch_organisation(me.kommune_code)
    except ServiceError as exc:
        await record(me.actor, "fkorg.read_failed", None, error=exc.message)
        raise Unavailable("fkorg", f"FK Organisation kunne ikke læses: {exc.message}") from exc


async def _overview(me: Me) -> FkorgOverview:
    use = await repo.get_service_use(me.kommune_code, ServiceKind.SF1500)
    latest = await repo.latest_import()
    return FkorgOverview(
        configured=use is not None and use.enabled,
        teams=[
            MappedTeamRead(t.id, t.name, t.unit_uuid, t.unit_name)
            for t in await repo.list_mapped_teams()
        ],
        latest_import=_import_read(latest) if latest else None,
    )


class FkorgController(Controller):
    path = "/api/fkorg"
    tags = ("Brugere og teams",)
    guards = [requires(Perm.USERS_MANAGE)]  # noqa: RUF012 - Litestar reads a list

    @get("", summary="FK Organisation: teams knyttet til enheder og seneste hentning")
    async def overview(self, me: Me) -> FkorgOverview:
        return await _overview(me)

    @get("/enheder", summary="Kommunens organisationsenheder i FK Organisation")
    async def units(self, me: Me) -> list[UnitRead]:
        org = await _organisation(me)
        mapped = {t.unit_uuid: t for t in await repo.list_mapped_teams()}
        children: dict[uuid.UUID | None, list[fkorg.Unit]] = {}
        known = {u.id for u in org.units}
        for u in org.units:
            children.setdefault(u.parent if u.parent in known else None, []).append(u)
        people: dict[uuid.UUID, int] = {}
        for p in org.users:
            if p.active and p.unit:
                people[p.unit] = people.get(p.unit, 0) + 1
        out: list[UnitRead] = []

        def walk(parent: uuid.UUID | None, depth: int) -> None:
            for u in sorted(children.get(parent, []), key=lambda x: x.name):
                team = mapped.get(u.id)
                out.append(
                    UnitRead(
                        u.id,
                        u.name,
                        u.parent,
                        depth,
                        people.get(u.id, 0),
                        team.id if team else None,
                        team.name if team else None,
                    )
                )
                if depth < 20:
                    walk(u.id, depth + 1)

        walk(None, 0)
        return out

    @put("/teams/{team_id:uuid}", summary="Knyt et team til en organisationsenhed")
    async def map_team(
        self, me: Me, team_id: FromPath[uuid.UUID], data: JSONBody[TeamMapping]
    ) -> FkorgOverview:
        unit: fkorg.Unit | None = None
        if data.unit_uuid:
            wanted = _unit_uuid(data.unit_uuid)
            org = await _organisation(me)
            unit = next((u for u in org.units if u.id == wanted), None)
            if unit is None:
                raise FieldError("unit_uuid", "Enheden findes ikke i FK Organisation")
        if not await repo.map_team(team_id, unit.id if unit else None, unit.name if unit else None):
            raise NotFound("Teamet findes ikke")
        await record(me.actor, "team.fkorg_mapped", str(team_id), unit=unit.name if unit else None)
        return await _overview(me)

    @post("/teams", summary="Opret et team fra en organisationsenhed", status_code=201)
    async def team_from_unit(self, me: Me, data: JSONBody[TeamFromUnit]) -> FkorgOverview:
        wanted = _unit_uuid(data.unit_uuid)
        org = await _organisation(me)
        unit = next((u for u in org.units if u.id == wanted), None)
        if unit is None:
            raise FieldError("unit_uuid", "Enheden findes ikke i FK Organisation")
        team_id = await repo.insert_team_named(unit.name)
        if team_id is None:
            raise FieldError("unit_uuid", f"Der findes allerede et team med navnet {unit.name}")
        await repo.map_team(team_id, unit.id, unit.name)
        await record(me.actor, "team.created", str(team_id), name=unit.name)
        await record(me.actor, "team.fkorg_mapped", str(team_id), unit=unit.name)
        return await _overview(me)

    @post("/hentninger", summary="Hent brugere og teams fra FK Organisation nu", status_code=202)
    async def import_now(self, me: Me) -> ImportRead:
        use = await repo.get_service_use(me.kommune_code, ServiceKind.SF1500)
        if use is None or not use.enabled:
            await record(me.actor, "fkorg.import_refused", None, error="ikke sat op")
            raise StateConflict("FK Organisation er ikke sat op for kommunen; kontakt driften")
        import_id = await fkorg.request_import(me.actor)
        row = await repo.get_import(import_id)
        assert row is not None  # just written in this transaction
        return _import_read(row)

    @get("/hentninger/{import_id:uuid}", summary="En hentnings fremdrift og resultat")
    async def import_status(self, import_id: FromPath[uuid.UUID]) -> ImportRead:
        row = await repo.get_import(import_id)
        if row is None:
            raise NotFound("Hentningen findes ikke")
        return _import_read(row)
