"""The operator console's API. Runs on the operator's own pool (no kommune role), so it
can read the registry and usage aggregates but never a kommune's case data."""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath, JSONBody

from backend import queue
from backend.audit.labels import action_label, describe_detail
from backend.audit.schemas import AuditDetailLine
from backend.auth.guards import current_session
from backend.auth.principal import requires_operator
from backend.auth.saml import check_metadata_cert
from backend.auth.vocab import KommuneStatus, LoginKind, NsisLevel
from backend.config import get_settings
from backend.core.errors import NotFound, StateConflict
from backend.core.public_url import PublicUrlRefused, check_public_url
from backend.identity import idp, operator_db
from backend.operator import repository as repo
from backend.operator.tasks import job_key, set_progress
from tenancy.migrate import TENANT_DIR, load_migrations
from tenancy.names import InvalidKommuneCode, check_kommune_code
from tenancy.registry import LOGIN_CLAIMS


class KommuneRow(msgspec.Struct):
    code: str
    name: str
    status: KommuneStatus
    status_reason: str | None
    schema_version: int
    latest_version: int
    users: int
    active_users: int
    last_login: datetime | None
    idp_issuer: str | None
    idp_client_id: str | None
    created_at: datetime
    # Whether the kommune has a client secret Trekant can use ("angivet"), never the secret.
    idp_client_secret_set: bool


class Onboard(msgspec.Struct):
    """``idp_client_secret`` is entered once, stored sealed and never shown again. Left
    empty, the secret is read from the kommune's own environment variable
    ``TREKANT_IDP_SECRET_<code>`` (``idp_client_secret_ref``, if given, must name it)."""

    code: str
    name: str
    idp_issuer: str
    idp_client_id: str
    admin_username: str
    admin_display_name: str
    # The claim the provider names its users by (binds the first administrator at login).
    login_claim: str = "preferred_username"
    idp_client_secret: str = ""
    idp_client_secret_ref: str | None = None


class LoginSetting(msgspec.Struct):
    """How the kommune's staff log in: ``oidc`` (its own OpenID Connect provider, set at
    onboarding) or ``context-handler`` (KOMBIT's Context Handler, Fælleskommunal
    Adgangsstyring), which needs the Context Handler's metadata URL and entity id, the
    kommune's CVR number and the lowest NSIS level accepted; optionally the certificate
    (PEM) that signs the Context Handler's metadata, which is then verified at each fetch."""

    login_kind: LoginKind
    ch_metadata_url: str | None = None
    ch_entity_id: str | None = None
    ch_cvr: str | None = None
    ch_nsis_level: NsisLevel = "Substantial"
    ch_metadata_cert: str | None = None


class LoginSettingRead(msgspec.Struct):
    code: str
    login_kind: LoginKind
    ch_metadata_url: str | None
    ch_entity_id: str | None
    ch_cvr: str | None
    ch_nsis_level: NsisLevel
    # The PEM as stored (a public certificate; the console shows subject and expiry only).
    ch_metadata_cert: str | None
    # The kommune's SP metadata for registration with KOMBIT (its entity id).
    sp_metadata_url: str
    # Its own OpenID Connect provider (set at onboarding or with `trekant tenant set-idp`);
    # whether Trekant holds a client secret for it ("angivet"), never the secret.
    idp_issuer: str | None = None
    idp_client_id: str | None = None
    idp_client_secret_set: bool = False
    # The held metadata certificate's subject (RFC 4514) and expiry, what the console shows.
    ch_metadata_cert_subject: str | None = None
    ch_metadata_cert_expires: datetime | None = None
    # The last fetch of the Context Handler's metadata failed (unreachable, not signed by
    # the certificate, …): the Danish reason and when, as "Nationale tjenester" shows it,
    # until a fetch succeeds.
    ch_metadata_error: str | None = None
    ch_metadata_error_at: datetime | None = None


class StatusChange(msgspec.Struct):
    reason: str | None = None


class JobRead(msgspec.Struct):
    id: str
    status: str
    done: int = 0
    total: int = 0
    message: str = ""
    failed: list[str] = msgspec.field(default_factory=list)


class OperatorAuditRow(msgspec.Struct):
    id: int
    at: datetime
    actor: str
    actor_name: str | None  # the operator's display name (actor is a username)
    action: str
    kommune_code: str | None
    kommune_name: str | None  # what a person reads
    detail: dict[str, Any]
    action_label: str  # Danish (backend/audit/labels.py)
    details: list[AuditDetailLine]


async def check_login_setting(data: LoginSetting) -> list[tuple[str, str]]:
    """The fields that cannot be saved, each with a Danish reason (the metadata URL by the
    same rules as an issuer: https, public addresses; loopback http only in development)."""
    errors: list[tuple[str, str]] = []
    if data.login_kind != "context-handler":
        return errors
    url = (data.ch_metadata_url or "").strip()
    if not url:
        errors.append(("ch_metadata_url", "Adressen på Context Handlerens metadata mangler"))
    else:
        try:
            await check_public_url(url, get_settings().env, "Metadata-adressen")
        except PublicUrlRefused as exc:
            errors.append(("ch_metadata_url", exc.message))
    if data.ch_metadata_cert:
        try:
            check_metadata_cert(data.ch_metadata_cert)
        except ValueError as exc:
            errors.append(("ch_metadata_cert", str(exc)))
    entity = (data.ch_entity_id or "").strip()
    if not entity or len(entity) > 1000 or any(ch.isspace() for ch in entity):
        errors.append(("ch_entity_id", "Context Handlerens entity id mangler eller er ugyldigt"))
    if not (data.ch_cvr or "").isdigit() or len(data.ch_cvr or "") != 8:
        errors.append(("ch_cvr", "Kommunens CVR-nummer skal være otte cifre"))
    return errors


async def _login_setting(request: Request[Any, Any, Any], code: str) -> LoginSettingRead:
    from backend.auth.routes import base_url
    from backend.auth.saml import metadata_cert_info, sp_entity_id
    from backend.auth.saml_login import login_health

    async with operator_db.pool().acquire() as conn:
        row = await repo.get_login_setting(conn, code)
    if row is None:
        raise NotFound("Kommunen findes ikke")
    cert = metadata_cert_info(row["ch_metadata_cert"])
    health = await login_health(queue.get(), code) if row["login_kind"] == "context-handler" else {}
    error_at, ok_at = health.get("error_at"), health.get("ok_at")
    failing = error_at is not None and (ok_at is None or ok_at < error_at)
    return LoginSettingRead(
        code=code,
        login_kind=row["login_kind"],
        ch_metadata_url=row["ch_metadata_url"],
        ch_entity_id=row["ch_entity_id"],
        ch_cvr=row["ch_cvr"],
        ch_nsis_level=row["ch_nsis_level"],
        ch_metadata_cert=row["ch_metadata_cert"],
        sp_metadata_url=sp_entity_id(base_url(request), code),
        idp_issuer=row["idp_issuer"],
        idp_client_id=row["idp_client_id"],
        idp_client_secret_set=bool(row["sealed_secret"])
        or bool(row["idp_client_secret_ref"] and os.environ.get(row["idp_client_secret_ref"])),
        ch_metadata_cert_subject=cert[0] if cert else None,
        ch_metadata_cert_expires=cert[1] if cert else None,
        ch_metadata_error=str(health.get("error") or "") if failing else None,
        ch_metadata_error_at=datetime.fromtimestamp(error_at, UTC)
        if failing and error_at is not None
        else None,
    )


async def list_kommuner() -> list[KommuneRow]:
    """Every kommune with status, schema version and usage aggregates (never content)."""
    latest = load_migrations(TENANT_DIR)[-1].version
    async with operator_db.pool().acquire() as conn:
        rows = await repo.list_kommune_usage(conn)
        version_of = await repo.get_schema_versions(conn)
    return [
        KommuneRow(
            code=r.code,
            name=r.name,
            status=r.status,
            status_reason=r.status_reason,
            schema_version=version_of.get(r.code, 0),
            latest_version=latest,
            users=r.users or 0,
            active_users=r.active_users or 0,
            last_login=r.last_login,
            idp_issuer=r.idp_issuer,
            idp_client_id=r.idp_client_id,
            created_at=r.created_at,
            idp_client_secret_set=r.sealed_secret
            or bool(r.idp_client_secret_ref and os.environ.get(r.idp_client_secret_ref)),
        )
        for r in rows
    ]


class OperatorController(Controller):
    path = "/api/operator"
    tags = ("Drift",)
    guards = [requires_operator]  # noqa: RUF012 - Litestar reads a list

    @get("/kommuner", summary="Kommuner med status, skemaversion og brug")
    async def kommuner(self) -> list[KommuneRow]:
        return await list_kommuner()

    @post("/kommuner", summary="Onboard en kommune (kører som baggrundsjob)", status_code=202)
    async def onboard(self, request: Request[Any, Any, Any], data: JSONBody[Onboard]) -> JobRead:
        session = current_session(request)
        errors: list[dict[str, str]] = []

        def bad(key: str, message: str) -> None:
            errors.append({"key": key, "message": message})

        code = data.code.strip()
        try:
            check_kommune_code(code)
        except InvalidKommuneCode:
            bad("code", "Kommunekoden skal være fire cifre, fx 0147")
        if not data.name.strip():
            bad("name", "Navn mangler")
        issuer = data.idp_issuer.strip()
        client_id = data.idp_client_id.strip()
        try:
            await idp.check_issuer(issuer, get_settings().env)
        except idp.IdpSettingError as exc:
            bad(exc.field, exc.message)
        if not client_id:
            bad("idp_client_id", "Klient-id mangler")
        secret_ref: str | None = None
        sealed: bytes | None = None
        try:
            if data.idp_client_secret_ref is not None:
                idp.check_secret_ref(code, data.idp_client_secret_ref)
            if data.idp_client_secret:
                if data.idp_client_secret_ref is not None:
                    raise idp.IdpSettingError(
                        "idp_client_secret",
                        "Angiv enten klienthemmeligheden eller miljøvariablen, ikke begge",
                    )
                sealed = idp.seal_client_secret(code, issuer, client_id, data.idp_client_secret)
            elif os.environ.get(idp.own_secret_env(code)):
                secret_ref = idp.own_secret_env(code)
            else:
                raise idp.IdpSettingError(
                    "idp_client_secret",
                    "Indtast kommunens klienthemmelighed (eller sæt miljøvariablen "
                    f"{idp.own_secret_env(code)} på serveren)",
                )
        except idp.IdpSettingError as exc:
            bad(exc.field, exc.message)
        admin = data.admin_username.strip().lower()
        if "@" not in admin:
            bad("admin_username", "Administratorens brugernavn (e-mail/UPN) mangler")
        if not data.admin_display_name.strip():
            bad("admin_display_name", "Administratorens navn mangler")
        if data.login_claim not in LOGIN_CLAIMS:
            bad(
                "login_claim",
                "Vælg hvilket brugernavn udbyderen sender: UPN, brugernavn eller e-mail",
            )
        if errors:
            raise ValidationException("Der er fejl i formularen", extra=errors)
        async with operator_db.pool().acquire() as conn:
            if await repo.kommune_exists(conn, code):
                raise StateConflict(f"Kommune {code} findes allerede")
        job_id = str(uuid.uuid4())
        spec = {
            "code": code,
            "name": data.name.strip(),
            "idp_issuer": issuer,
            "idp_client_id": client_id,
            # Only the sealed secret enters the job queue (Redis), never the secret itself.
            "idp_client_secret_ref": secret_ref,
            "idp_client_secret_sealed": base64.b64encode(sealed).decode() if sealed else None,
            "admin_username": admin,
            "admin_display_name": data.admin_display_name.strip(),
            "login_claim": data.login_claim,
        }
        redis = queue.get()
        await set_progress(
            redis,
            job_id,
            status="queued",
            done=0,
            total=3,
            message="I kø",
            kind="onboard",
            code=code,
        )
        await redis.enqueue_job(
            "onboard_kommune", job_id, session.username, spec, _job_id=f"op:{job_id}"
        )
        return JobRead(id=job_id, status="queued", total=3, message="I kø")

    @post("/kommuner/{code:str}/suspend", summary="Suspendér en kommune", status_code=200)
    async def suspend(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[StatusChange]
    ) -> KommuneRow:
        return await self._set_status(request, code, "suspended", data.reason)

    @post("/kommuner/{code:str}/resume", summary="Genoptag en kommune", status_code=200)
    async def resume(self, request: Request[Any, Any, Any], code: FromPath[str]) -> KommuneRow:
        return await self._set_status(request, code, "active", None)

    async def _set_status(
        self, request: Request[Any, Any, Any], code: str, status: str, reason: str | None
    ) -> KommuneRow:
        session = current_session(request)
        async with operator_db.pool().acquire() as conn, conn.transaction():
            if not await repo.update_kommune_status(conn, code, status, reason):
                raise NotFound("Kommunen findes ikke")
            await repo.insert_operator_audit(
                conn,
                session.username,
                "kommune.suspended" if status == "suspended" else "kommune.resumed",
                code,
                {"reason": reason},
            )
        for row in await list_kommuner():
            if row.code == code:
                return row
        raise NotFound("Kommunen findes ikke")

    @get("/kommuner/{code:str}/log-ind", summary="Kommunens log-ind: egen udbyder eller FK")
    async def login_setting(
        self, request: Request[Any, Any, Any], code: FromPath[str]
    ) -> LoginSettingRead:
        return await _login_setting(request, code)

    @post(
        "/kommuner/{code:str}/log-ind",
        summary="Vælg kommunens log-ind: egen OpenID Connect-udbyder eller Fælleskommunal "
        "Adgangsstyring (Context Handler)",
        status_code=200,
    )
    async def set_login_setting(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: JSONBody[LoginSetting]
    ) -> LoginSettingRead:
        session = current_session(request)
        try:
            check_kommune_code(code)
        except InvalidKommuneCode as exc:
            raise NotFound("Kommunen findes ikke") from exc
        errors = await check_login_setting(data)
        if errors:
            raise ValidationException(
                "Log-ind-indstillingen kan ikke gemmes",
                extra=[{"key": k, "message": m} for k, m in errors],
            )
        async with operator_db.pool().acquire() as conn, conn.transaction():
            changed = await repo.update_login_setting(
                conn,
                code,
                data.login_kind,
                data.ch_metadata_url,
                data.ch_entity_id,
                data.ch_cvr,
                data.ch_nsis_level,
                data.ch_metadata_cert.strip() if data.ch_metadata_cert else None,
            )
            if not changed:
                raise NotFound("Kommunen findes ikke")
            await repo.insert_operator_audit(
                conn,
                session.username,
                "kommune.login_changed",
                code,
                {
                    "login_kind": data.login_kind,
                    "nsis_level": data.ch_nsis_level,
                    "metadata_signed": bool(data.ch_metadata_cert),
                },
            )
        return await _login_setting(request, code)

    @post("/migrate", summary="Migrér alle kommuner (baggrundsjob med fremdrift)", status_code=202)
    async def migrate(self, request: Request[Any, Any, Any]) -> JobRead:
        session = current_session(request)
        job_id = str(uuid.uuid4())
        redis = queue.get()
        async with operator_db.pool().acquire() as conn:
            total = await repo.count_kommuner(conn)
        await set_progress(
            redis, job_id, status="queued", done=0, total=total, message="I kø", kind="migrate"
        )
        await redis.enqueue_job("migrate_all", job_id, session.username, _job_id=f"op:{job_id}")
        return JobRead(id=job_id, status="queued", total=total, message="I kø")

    @get("/jobs/{job_id:str}", summary="Et baggrundsjobs fremdrift")
    async def job(self, job_id: FromPath[str]) -> JobRead:
        raw = await queue.get().get(job_key(job_id))
        if raw is None:
            raise NotFound("Jobbet findes ikke")
        data = json.loads(raw)
        return JobRead(
            id=job_id,
            status=data.get("status", "queued"),
            done=data.get("done", 0),
            total=data.get("total", 0),
            message=data.get("message", ""),
            failed=data.get("failed", []),
        )

    @get("/audit", summary="Driftens revisionslog")
    async def audit(self) -> list[OperatorAuditRow]:
        async with operator_db.pool().acquire() as conn:
            rows = await repo.list_operator_audit(conn)
            names = await repo.get_kommune_names(conn)
        return [
            OperatorAuditRow(
                id=r.id,
                at=r.at,
                actor=r.actor,
                actor_name=r.actor_name,
                action=r.action,
                kommune_code=r.kommune_code,
                kommune_name=names.get(r.kommune_code) if r.kommune_code else None,
                detail=(detail := json.loads(r.detail) or {}),
                action_label=action_label(r.action),
                details=[AuditDetailLine(k, v) for k, v in describe_detail(detail, names)],
            )
            for r in rows
        ]
