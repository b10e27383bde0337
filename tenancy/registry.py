"""The tenant registry: bootstrap, create, list, migrate, suspend and resume kommuner.

Everything here runs over the owner connection (``DATABASE_URL``), never over the
application's pool. Creating a kommune is one transaction: registry row, NOLOGIN role,
schema, grants and every migration, so a failure leaves nothing behind.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from tenancy import migrate
from tenancy.names import (
    app_role,
    check_kommune_code,
    operator_role,
    quote_ident,
    schema_name,
    tenant_role,
)

LOGIN_CLAIMS = ("upn", "preferred_username", "email")
LOGIN_KINDS = ("oidc", "context-handler")
NSIS_LEVELS = ("Low", "Substantial", "High")


def own_secret_env(code: str) -> str:
    """The one environment variable that may hold kommune ``code``'s OIDC client secret."""
    return f"TREKANT_IDP_SECRET_{code}"


class TenancyError(RuntimeError):
    """A tenancy operation was refused; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class Tenant:
    code: str
    name: str
    schema_name: str
    role_name: str
    status: str
    created_at: datetime
    version: int | None = None


def role_dsn(admin_dsn: str, user: str, password: str | None) -> str:
    """The same server and database as ``admin_dsn``, logged in as ``user``."""
    parts = urlsplit(admin_dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    auth = user if password is None else f"{user}:{password}"
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))


class Registry:
    """Owner-level operations on the tenant registry of one database."""

    def __init__(
        self,
        admin_dsn: str,
        prefix: str,
        *,
        tenant_migrations: Path = migrate.TENANT_DIR,
        app_password: str | None = None,
        operator_password: str | None = None,
    ) -> None:
        self.dsn = admin_dsn
        self.prefix = prefix
        self.app_role = app_role(prefix)
        self.operator_role = operator_role(prefix)
        self.tenant_dir = tenant_migrations
        self.app_password = app_password
        self.operator_password = operator_password

    async def connect(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.dsn, statement_cache_size=0, timeout=10)
        except (OSError, asyncpg.PostgresError) as exc:
            raise TenancyError(f"Cannot reach PostgreSQL at DATABASE_URL: {exc}") from exc

    def names_for(self, code: str) -> dict[str, str]:
        return {
            "tenant_role": tenant_role(self.prefix, code),
            "schema": schema_name(code),
            "app_role": self.app_role,
            "operator_role": self.operator_role,
        }

    # --- bootstrap -----------------------------------------------------------------

    async def bootstrap(self) -> None:
        """Create the login roles and the shared schema; idempotent."""
        conn = await self.connect()
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext('trekant.bootstrap'))")
                db = await conn.fetchval("SELECT current_database()")
                for role, password in (
                    (self.app_role, self.app_password),
                    (self.operator_role, self.operator_password),
                ):
                    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
                    if not exists:
                        # NOINHERIT: membership in a kommune role gives nothing until
                        # SET LOCAL ROLE; an empty search_path makes unscoped queries fail.
                        await conn.execute(f"CREATE ROLE {quote_ident(role)} LOGIN NOINHERIT")
                    if password:
                        await conn.execute(
                            f"ALTER ROLE {quote_ident(role)} PASSWORD " + _literal(password)
                        )
                    await conn.execute(f"ALTER ROLE {quote_ident(role)} NOINHERIT")
                    await conn.execute(
                        f"ALTER ROLE {quote_ident(role)} IN DATABASE {quote_ident(db)} "
                        "SET search_path = ''"
                    )
                    await conn.execute(
                        f"GRANT CONNECT ON DATABASE {quote_ident(db)} TO {quote_ident(role)}"
                    )
                await conn.execute(f"REVOKE ALL ON DATABASE {quote_ident(db)} FROM PUBLIC")
                await conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
                await conn.execute("CREATE SCHEMA IF NOT EXISTS shared")
                await migrate.apply_pending(
                    conn,
                    "shared",
                    migrate.load_migrations(migrate.SHARED_DIR),
                    {"app_role": self.app_role, "operator_role": self.operator_role},
                )
        finally:
            await conn.close()

    # --- queries --------------------------------------------------------------------

    async def list_tenants(self, *, with_versions: bool = True) -> list[Tenant]:
        conn = await self.connect()
        try:
            rows = await conn.fetch(
                "SELECT code, name, schema_name, role_name, status, created_at "
                "FROM shared.tenant ORDER BY code"
            )
            versions = (
                await migrate.read_versions(conn, [r["schema_name"] for r in rows])
                if with_versions
                else {}
            )
        finally:
            await conn.close()
        return [Tenant(**dict(r), version=versions.get(r["schema_name"])) for r in rows]

    async def get(self, code: str) -> Tenant:
        check_kommune_code(code)
        for tenant in await self.list_tenants():
            if tenant.code == code:
                return tenant
        raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")

    # --- changes --------------------------------------------------------------------

    async def create(self, code: str, name: str) -> Tenant:
        """Create the kommune: registry row, role, schema, grants, all migrations.

        All in one transaction: on any failure nothing is left behind.
        """
        check_kommune_code(code)
        name = (name or "").strip()
        if not name:
            raise TenancyError('A kommune needs a name, e.g. --name "København"')
        migrations = migrate.load_migrations(self.tenant_dir)
        conn = await self.connect()
        try:
            async with conn.transaction():
                await self.make_kommune(conn, code, name, migrations)
        finally:
            await conn.close()
        return await self.get(code)

    async def make_kommune(
        self,
        conn: asyncpg.Connection,
        code: str,
        name: str,
        migrations: Sequence[migrate.Migration],
    ) -> None:
        """Registry row, role, grant to the application role, schema and ``migrations``.

        Precondition: the caller holds an open owner transaction on ``conn`` (onboarding and
        a restore, ``tenancy.archive``, both call this inside theirs).
        """
        names = self.names_for(code)
        role, schema = names["tenant_role"], names["schema"]
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('trekant.tenant.create'))")
        if await conn.fetchval("SELECT 1 FROM shared.tenant WHERE code = $1", code):
            raise TenancyError(f"Kommune {code} already exists")
        if await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            raise TenancyError(
                f"Schema {schema} already exists but kommune {code} is not registered; "
                "it was not made by Trekant. Remove it or choose another code."
            )
        if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
            raise TenancyError(f"Role {role} already exists; remove it first")
        await conn.execute(
            "INSERT INTO shared.tenant (code, name, schema_name, role_name) "
            "VALUES ($1, $2, $3, $4)",
            code,
            name,
            schema,
            role,
        )
        await conn.execute(f"CREATE ROLE {quote_ident(role)} NOLOGIN NOINHERIT")
        server_version = int(await conn.fetchval("SHOW server_version_num"))
        grant = f"GRANT {quote_ident(role)} TO {quote_ident(self.app_role)}"
        if server_version >= 160000:
            grant += " WITH INHERIT FALSE, SET TRUE"
        await conn.execute(grant)
        await conn.execute(f"CREATE SCHEMA {quote_ident(schema)}")
        await conn.execute(f"GRANT USAGE ON SCHEMA {quote_ident(schema)} TO {quote_ident(role)}")
        await migrate.apply_pending(conn, schema, migrations, names)

    async def set_status(self, code: str, status: str, reason: str | None = None) -> Tenant:
        check_kommune_code(code)
        if status not in ("active", "suspended"):
            raise TenancyError(f"Unknown status {status!r}")
        conn = await self.connect()
        try:
            updated = await conn.fetchval(
                "UPDATE shared.tenant SET status = $2, status_reason = $3, "
                "status_changed_at = now() WHERE code = $1 RETURNING code",
                code,
                status,
                reason,
            )
        finally:
            await conn.close()
        if updated is None:
            raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")
        return await self.get(code)

    async def set_idp(
        self,
        code: str,
        issuer: str,
        client_id: str,
        secret_ref: str | None = None,
        *,
        sealed_secret: bytes | None = None,
    ) -> None:
        """Record the kommune's OpenID Connect provider and where its client secret is.

        Exactly one of: ``sealed_secret``, the secret sealed for this kommune, issuer and
        client id (``backend.identity.idp.seal_client_secret``), kept in
        ``shared.idp_secret``; or ``secret_ref``, which must be the kommune's own
        environment variable ``TREKANT_IDP_SECRET_<code>`` (the database refuses any
        other). The issuer is checked by the caller (``backend.identity.idp.check_issuer``).
        """
        check_kommune_code(code)
        if (secret_ref is None) == (sealed_secret is None):
            raise TenancyError("Give either the sealed client secret or its variable, not both")
        if secret_ref is not None and secret_ref != own_secret_env(code):
            raise TenancyError(
                f"Kommune {code}'s client secret can only be in {own_secret_env(code)}, "
                f"not {secret_ref}"
            )
        conn = await self.connect()
        try:
            async with conn.transaction():
                updated = await conn.fetchval(
                    "UPDATE shared.tenant SET idp_issuer = $2, idp_client_id = $3, "
                    "idp_client_secret_ref = $4 WHERE code = $1 RETURNING code",
                    code,
                    issuer,
                    client_id,
                    secret_ref,
                )
                if updated is not None:
                    await conn.execute("DELETE FROM shared.idp_secret WHERE code = $1", code)
                    if sealed_secret is not None:
                        await conn.execute(
                            "INSERT INTO shared.idp_secret (code, sealed) VALUES ($1, $2)",
                            code,
                            sealed_secret,
                        )
        finally:
            await conn.close()
        if updated is None:
            raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")

    async def set_login_claim(self, code: str, claim: str) -> None:
        """The claim the kommune's provider names its users by: ``upn``,
        ``preferred_username`` or ``email`` (binds only when the provider says
        ``email_verified``). A pre-registered account is bound at first login by it alone."""
        check_kommune_code(code)
        if claim not in LOGIN_CLAIMS:
            raise TenancyError(f"login claim must be one of {', '.join(LOGIN_CLAIMS)}")
        conn = await self.connect()
        try:
            updated = await conn.fetchval(
                "UPDATE shared.tenant SET login_claim = $2 WHERE code = $1 RETURNING code",
                code,
                claim,
            )
        finally:
            await conn.close()
        if updated is None:
            raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")

    async def set_context_handler(
        self,
        code: str,
        metadata_url: str,
        entity_id: str,
        cvr: str,
        nsis_level: str = "Substantial",
        metadata_cert: str | None = None,
    ) -> None:
        """The kommune logs in through KOMBIT's Context Handler (Fælleskommunal
        Adgangsstyring): its metadata URL (checked by the caller like an issuer, see
        ``backend.identity.idp.check_issuer``), the entity id that metadata must describe,
        the kommune's CVR number (the scope of the privileges Trekant accepts) and the lowest
        NSIS level of assurance it accepts, and the certificate (PEM) that must sign the
        metadata (None: not checked). ``set_login_kind(code, "oidc")`` goes back."""
        check_kommune_code(code)
        if not re.fullmatch(r"[0-9]{8}", cvr or ""):
            raise TenancyError("CVR number must be eight digits")
        if nsis_level not in NSIS_LEVELS:
            raise TenancyError(f"NSIS level must be one of {', '.join(NSIS_LEVELS)}")
        conn = await self.connect()
        try:
            updated = await conn.fetchval(
                "UPDATE shared.tenant SET login_kind = 'context-handler', ch_metadata_url = $2, "
                "ch_entity_id = $3, ch_cvr = $4, ch_nsis_level = $5, ch_metadata_cert = $6 "
                "WHERE code = $1 RETURNING code",
                code,
                metadata_url,
                entity_id,
                cvr,
                nsis_level,
                metadata_cert,
            )
        finally:
            await conn.close()
        if updated is None:
            raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")

    async def set_login_kind(self, code: str, kind: str) -> None:
        """``oidc`` (the kommune's own provider) or ``context-handler`` (needs
        :meth:`set_context_handler` first; the database refuses it without)."""
        check_kommune_code(code)
        if kind not in LOGIN_KINDS:
            raise TenancyError(f"login kind must be one of {', '.join(LOGIN_KINDS)}")
        conn = await self.connect()
        try:
            updated = await conn.fetchval(
                "UPDATE shared.tenant SET login_kind = $2 WHERE code = $1 RETURNING code",
                code,
                kind,
            )
        except asyncpg.CheckViolationError as exc:
            raise TenancyError("the Context Handler is not configured for this kommune") from exc
        finally:
            await conn.close()
        if updated is None:
            raise TenancyError(f"Unknown kommune {code}: no kommune with that code is registered")

    async def add_operator(self, username: str, display_name: str) -> None:
        conn = await self.connect()
        try:
            await conn.execute(
                "INSERT INTO shared.operator_user (username, display_name) VALUES ($1, $2) "
                "ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, "
                "active = true",
                username.strip().lower(),
                display_name,
            )
        finally:
            await conn.close()

    async def migrate_all(
        self,
        *,
        codes: Sequence[str] | None = None,
        concurrency: int = 8,
        progress: migrate.ProgressFn | None = None,
    ) -> list[migrate.SchemaResult]:
        tenants = await self.list_tenants(with_versions=False)
        if codes:
            wanted = {check_kommune_code(c) for c in codes}
            unknown = wanted - {t.code for t in tenants}
            if unknown:
                raise TenancyError(f"Unknown kommune {', '.join(sorted(unknown))}")
            tenants = [t for t in tenants if t.code in wanted]
        migrations = migrate.load_migrations(self.tenant_dir)
        targets = [(t.code, t.schema_name, self.names_for(t.code)) for t in tenants]
        started = time.perf_counter()
        results = await migrate.migrate_schemas(
            self.dsn, targets, migrations, concurrency=concurrency, progress=progress
        )
        self.last_migrate_seconds = time.perf_counter() - started
        return sorted(results, key=lambda r: r.code)

    def latest_version(self) -> int:
        migrations = migrate.load_migrations(self.tenant_dir)
        return migrations[-1].version if migrations else 0


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
