"""The ``trekant`` command.

    trekant dev                       run everything (embedded services, API, worker, PWA)
    trekant db bootstrap              create login roles and the shared schema
    trekant tenant create --code 0101 --name "København"
    trekant tenant list [--json]
    trekant tenant migrate [--code 0101 ...] [--concurrency 8]
    trekant tenant suspend --code 0101 [--reason "..."]
    trekant tenant resume --code 0101
    trekant tenant set-idp --code 0147 --issuer https://… --client-id … [--secret-stdin]
    trekant tenant set-login --code 0751 --kind context-handler --metadata-url https://… \
        --entity-id … --cvr 55133018 [--nsis-level Substantial]
    trekant tenant set-service 0101 sf1520 --endpoint https://… --agreement UUID \
        --user-system UUID --cvr 29189846 --cert cert.pem --key key.pem [--disabled]
    trekant tenant export --code 0101 --out k0101.tar   one kommune, exact (backup)
    trekant tenant import --file k0101.tar              restore it where it does not exist
    trekant tenant leave --code 0101 --out k0101-udtraek.tar --confirm "København"
    trekant tenant remove --code 0101 --confirm "København"   (before importing a restore)
    trekant demo seed                 create the demo kommuner and their synthetic cases
    trekant api [--workers N]         the API (N processes on one port; TREKANT_API_WORKERS)
    trekant worker [--concurrency N]  the job worker (N jobs at a time; TREKANT_WORKER_CONCURRENCY)

Without DATABASE_URL / REDIS_URL the embedded servers under TREKANT_DATA_DIR (./var) are
used (started if needed). Errors print one line on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from backend.config import ConfigError, Settings, load_settings
from tenancy.names import InvalidKommuneCode, check_kommune_code
from tenancy.registry import Registry, TenancyError

ROOT = Path(__file__).resolve().parent.parent
_services: Any = None  # keeps embedded services alive for this process
_sf1520_dev: Any = None  # the development SF1520 service started by ``trekant dev``


class CliError(Exception):
    pass


EXPORT_KEY_PURPOSE = "kommune export manifest"


def _data_dir() -> Path:
    return Path(os.environ.get("TREKANT_DATA_DIR", ROOT / "var")).resolve()


def ensure_environment() -> Settings:
    """Settings, with the embedded services filled in where no URL is set."""
    global _services
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        from infra.services import ensure_services

        _services = ensure_services(_data_dir())
        os.environ["DATABASE_URL"] = _services.database_url
        os.environ["REDIS_URL"] = _services.redis_url
    return load_settings()


def registry_for(settings: Settings) -> Registry:
    return Registry(
        settings.database_url,
        settings.role_prefix,
        app_password=settings.app_db_password,
        operator_password=settings.operator_db_password,
    )


async def seal_plain_packages(reg: Registry) -> None:
    """Encrypt what the kommuner sent each other before encryption at rest (shared
    migrations 0004 and 0006; idempotent)."""
    from backend.crosskommune.keys import seal_plain_packages as seal

    conn = await reg.connect()
    try:
        if sealed := await seal(conn):
            print(f"encrypted {sealed} cross-kommune rows stored before encryption at rest")
    finally:
        await conn.close()


# --- tenant commands ---------------------------------------------------------------


async def cmd_bootstrap(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    reg = registry_for(settings)
    await reg.bootstrap()
    await seal_plain_packages(reg)
    print("database bootstrapped: login roles and shared schema are current")
    return 0


async def cmd_tenant_create(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    reg = registry_for(settings)
    await reg.bootstrap()
    start = time.perf_counter()
    tenant = await reg.create(args.code, args.name)
    ms = (time.perf_counter() - start) * 1000
    print(
        f"created kommune {tenant.code} {tenant.name}: schema {tenant.schema_name}, "
        f"role {tenant.role_name}, version {tenant.version} ({ms:.0f} ms)"
    )
    return 0


async def cmd_tenant_list(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    reg = registry_for(settings)
    tenants = await reg.list_tenants()
    latest = reg.latest_version()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "code": t.code,
                        "name": t.name,
                        "schema": t.schema_name,
                        "status": t.status,
                        "version": t.version,
                        "latest_version": latest,
                        "created_at": t.created_at.isoformat(),
                    }
                    for t in tenants
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"{'code':<6}{'name':<24}{'schema':<8}{'status':<11}version")
    for t in tenants:
        mark = "" if t.version == latest else f" (latest {latest})"
        print(f"{t.code:<6}{t.name:<24}{t.schema_name:<8}{t.status:<11}{t.version}{mark}")
    print(f"{len(tenants)} kommuner")
    return 0


async def cmd_tenant_migrate(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    reg = registry_for(settings)
    await reg.bootstrap()
    await seal_plain_packages(reg)

    def progress(res: Any, done: int, total: int) -> None:
        if res.error:
            state = f"FAILED: {res.error}"
        elif res.after == res.before:
            state = f"current at {res.after}"
        else:
            state = f"{res.before} -> {res.after} ({res.seconds * 1000:.0f} ms)"
        print(f"[{done}/{total}] {res.code} {res.schema}: {state}", flush=True)

    start = time.perf_counter()
    results = await reg.migrate_all(
        codes=args.code or None, concurrency=args.concurrency, progress=progress
    )
    failed = [r for r in results if r.error]
    print(f"{len(results)} kommuner in {time.perf_counter() - start:.2f} s; {len(failed)} failed")
    if failed:
        print("failed: " + ", ".join(r.code for r in failed), file=sys.stderr)
        return 1
    return 0


async def cmd_tenant_status(args: argparse.Namespace, status: str) -> int:
    settings = ensure_environment()
    tenant = await registry_for(settings).set_status(
        args.code, status, getattr(args, "reason", None)
    )
    print(f"kommune {tenant.code} {tenant.name} is {tenant.status}")
    return 0


async def cmd_set_login(args: argparse.Namespace) -> int:
    """How the kommune's staff log in: its own OpenID Connect provider (``oidc``, set with
    ``set-idp``) or KOMBIT's Context Handler (``context-handler``, Fælleskommunal
    Adgangsstyring), validated like the operator console does."""
    from backend.operator.routes import LoginSetting, check_login_setting

    settings = ensure_environment()
    code = args.code
    check_kommune_code(code)
    cert = None
    if args.metadata_cert:
        try:
            cert = (await asyncio.to_thread(Path(args.metadata_cert).read_text))[:30_000]
        except OSError as exc:
            raise CliError(f"--metadata-cert: {exc.strerror}") from exc
    setting = LoginSetting(
        login_kind=args.kind,
        ch_metadata_url=args.metadata_url,
        ch_entity_id=args.entity_id,
        ch_cvr=args.cvr,
        ch_nsis_level=args.nsis_level,
        ch_metadata_cert=cert,
    )
    errors = await check_login_setting(setting)
    if errors:
        raise CliError("; ".join(f"{field}: {message}" for field, message in errors))
    registry = registry_for(settings)
    if args.kind == "context-handler":
        await registry.set_context_handler(
            code,
            args.metadata_url,
            args.entity_id,
            args.cvr,
            args.nsis_level,
            metadata_cert=cert.strip() if cert else None,
        )
    else:
        await registry.set_login_kind(code, "oidc")
    print(f"kommune {code} logs in through {args.kind}")
    return 0


async def cmd_set_idp(args: argparse.Namespace) -> int:
    """The kommune's provider; its client secret from stdin (stored sealed) or from the
    kommune's own environment variable ``TREKANT_IDP_SECRET_<code>``."""
    from backend.identity import idp

    settings = ensure_environment()
    code = args.code
    check_kommune_code(code)
    try:
        await idp.check_issuer(args.issuer, settings.env)
        if args.secret_ref is not None:
            idp.check_secret_ref(code, args.secret_ref)
        if args.secret_stdin:
            if args.secret_ref is not None:
                raise CliError("give --secret-stdin or --secret-ref, not both")
            secret = sys.stdin.readline().rstrip("\r\n")
            sealed = idp.seal_client_secret(code, args.issuer, args.client_id, secret)
            await registry_for(settings).set_idp(
                code, args.issuer, args.client_id, sealed_secret=sealed
            )
            where = "its client secret is stored encrypted"
        else:
            ref = idp.own_secret_env(code)
            await registry_for(settings).set_idp(code, args.issuer, args.client_id, ref)
            where = f"its client secret is read from {ref}"
        if args.login_claim:
            await registry_for(settings).set_login_claim(code, args.login_claim)
    except idp.IdpSettingError as exc:
        raise CliError(f"{exc.field}: {exc.message}") from exc
    print(f"kommune {code} logs in through {args.issuer}; {where}")
    return 0


async def cmd_set_service(args: argparse.Namespace) -> int:
    """A kommune's national service (SF1500, SF1470, SF1520) as the operator sets it on the
    console: checked field by field the same way, the private key sealed at once, the
    change (or the refusal, naming the fields) in the operator's log."""
    import asyncpg
    from litestar.exceptions import ValidationException

    from backend.core.errors import NotFound
    from backend.integrations.routes import configure_service_on
    from backend.integrations.schemas import ServiceWrite

    settings = ensure_environment()
    check_kommune_code(args.code)

    def read(path: str | None, what: str) -> str:
        if not path:
            return ""
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"{what}: cannot read {path} ({type(exc).__name__})") from exc

    data = ServiceWrite(
        endpoint=args.endpoint,
        service_agreement_uuid=args.agreement,
        user_system_uuid=args.user_system,
        cvr=args.cvr,
        enabled=not args.disabled,
        cert_pem=read(args.cert, "--cert"),
        private_key_pem=read(args.key, "--key"),
    )
    c = await asyncpg.connect(settings.database_url, statement_cache_size=0)
    try:
        await configure_service_on(c, args.code, args.kind, data, _actor(args))
    except ValidationException as exc:
        extra = exc.extra if isinstance(exc.extra, list) else []
        raise CliError("; ".join(f"{e['key']}: {e['message']}" for e in extra)) from exc
    except NotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        await c.close()
    state = "enabled" if data.enabled else "disabled"
    print(f"kommune {args.code}: {args.kind} at {data.endpoint.strip()} is set up ({state})")
    return 0


def _abs_path(value: str) -> Path:
    return Path(value).resolve()


def _actor(args: argparse.Namespace) -> str:
    """Who runs an operator command, for the operator's log: ``--by`` or the OS user."""
    import getpass

    return (getattr(args, "by", None) or "").strip() or f"cli:{getpass.getuser()}"


async def cmd_tenant_export(args: argparse.Namespace) -> int:
    """Kommune ``--code`` into one file (case data: mode 0600); audited."""
    from backend.sealing import derive_key
    from tenancy.archive import export_kommune

    settings = ensure_environment()
    reg = registry_for(settings)
    out = args.out
    start = time.perf_counter()
    manifest = await export_kommune(
        reg, args.code, out, derive_key(EXPORT_KEY_PURPOSE), actor=_actor(args)
    )
    rows = sum(m["rows"] for m in manifest["members"])
    print(
        f"exported kommune {args.code} {manifest['kommune']['name']} to {out}: "
        f"{len(manifest['members'])} tables, {rows} rows, {manifest['bytes']} bytes, "
        f"tenant version {manifest['tenant_version']} "
        f"({time.perf_counter() - start:.1f} s); the file is case data: keep it safe"
    )
    return 0


async def cmd_tenant_import(args: argparse.Namespace) -> int:
    """Restore a kommune from ``--file`` where it does not exist; all or nothing; audited."""
    from backend.sealing import derive_key
    from tenancy.archive import import_kommune

    settings = ensure_environment()
    reg = registry_for(settings)
    await reg.bootstrap()
    path = args.file
    start = time.perf_counter()
    result = await import_kommune(reg, path, derive_key(EXPORT_KEY_PURPOSE), actor=_actor(args))
    skipped = "".join(
        f"; {n} {table} rows skipped (the other kommune is not here)"
        for table, n in result.skipped.items()
    )
    print(
        f"imported kommune {result.code} {result.name}: {result.tables} tables, "
        f"{result.rows} rows checked against the file, version {result.version} "
        f"({time.perf_counter() - start:.1f} s){skipped}"
    )
    return 0


async def cmd_tenant_leave(args: argparse.Namespace) -> int:
    """Kommune ``--code`` leaves: everything in open formats to ``--out``, then its schema,
    role and shared rows are removed; audited. ``--confirm`` must name the kommune."""
    from tenancy.archive import leave_kommune

    settings = ensure_environment()
    reg = registry_for(settings)
    tenant = await reg.get(args.code)
    if args.confirm != tenant.name:
        raise CliError(
            f"to remove kommune {tenant.code} for good, confirm with its name: "
            f'--confirm "{tenant.name}"'
        )
    out = args.out
    manifest = await leave_kommune(reg, args.code, out, actor=_actor(args))
    rows = sum(t["rows"] for t in manifest["tables"])
    print(
        f"kommune {tenant.code} {tenant.name} has left Trekant: {rows} rows and "
        f"{len(manifest['documents'])} files in {out} ({manifest['bytes']} bytes); its schema, "
        "role and shared rows are removed"
    )
    return 0


async def cmd_tenant_remove(args: argparse.Namespace) -> int:
    """Remove kommune ``--code`` without an open-format package (e.g. before importing a
    restored copy of it: docs/backup.md); ``--confirm`` must name the kommune; audited."""
    from tenancy.archive import drop_kommune

    settings = ensure_environment()
    reg = registry_for(settings)
    tenant = await reg.get(args.code)
    if args.confirm != tenant.name:
        raise CliError(
            f"to remove kommune {tenant.code} for good, confirm with its name: "
            f'--confirm "{tenant.name}"'
        )
    await drop_kommune(reg, args.code, actor=_actor(args))
    print(f"kommune {tenant.code} {tenant.name} is removed: schema, role and shared rows")
    return 0


async def cmd_operator_add(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    reg = registry_for(settings)
    await reg.bootstrap()
    await reg.add_operator(args.username, args.name)
    print(f"operator {args.username.lower()} may log in to the operator console")
    return 0


async def cmd_demo_seed(args: argparse.Namespace) -> int:
    settings = ensure_environment()
    await seed_demo(settings)
    return 0


async def seed_demo(settings: Settings, idp: Any = None, context_handler: Any = None) -> str | None:
    """Create the demo kommuner with synthetic cases; with a development identity
    provider, also point each at its realm and provision its demo users and the operator;
    with the development Context Handler, the demo kommune configured for it logs in there."""
    import backend.jobs  # noqa: F401 - the demo queues outbox jobs (audit records, deliveries)
    from backend import db
    from backend.archive.demo import seed_archive
    from backend.demo import (
        CONTEXT_HANDLER_KOMMUNE,
        DEMO_KOMMUNER,
        map_teams_to_units,
        provision_demo_users,
        seed_casework,
        seed_kommune,
    )
    from infra.contexthandler import DEMO_UNITS, cvr_for
    from infra.devidp import OPERATOR_USER, demo_users, domain_for, secret_env
    from tenancy.names import app_role
    from tenancy.registry import role_dsn

    reg = registry_for(settings)
    await reg.bootstrap()
    await seal_plain_packages(reg)
    existing = {t.code for t in await reg.list_tenants(with_versions=False)}
    for code, name, _ in DEMO_KOMMUNER:
        if code not in existing:
            await reg.create(code, name)
            print(f"created demo kommune {code} {name}")
        if idp is not None:
            await reg.set_idp(code, idp.issuer(code), f"trekant-{code}", secret_env(code))
        if context_handler is not None and code == CONTEXT_HANDLER_KOMMUNE:
            await reg.set_context_handler(
                code,
                context_handler.metadata_url,
                context_handler.entity_id,
                cvr_for(code),
                metadata_cert=context_handler.metadata_cert,
            )
    if _sf1520_dev is not None:
        from backend.integrations import demo as services_demo

        # Each demo kommune's CPR service, set up as the operator would (Nationale
        # tjenester › CPR-opslag (SF1520), or trekant tenant set-service); Odense's with a
        # token from the development STS (version 5), as its SF1500 and SF1470.
        for code, _, _ in DEMO_KOMMUNER:
            await services_demo.configure_sf1520(
                settings.database_url,
                code,
                _sf1520_dev.url,
                _sf1520_dev.folder,
                token_endpoint=_sf1520_dev.token_url if code == services_demo.DEMO_CODE else None,
            )
    if idp is not None:
        await reg.add_operator(OPERATOR_USER.username, OPERATOR_USER.name)
    results = await reg.migrate_all()
    failed = [r for r in results if r.error]
    if failed:
        raise CliError("migration failed for " + ", ".join(f"{r.code}: {r.error}" for r in failed))
    db.configure(
        role_dsn(settings.database_url, app_role(settings.role_prefix), settings.app_db_password)
    )
    await db.start_pool(min_size=1, max_size=2)
    try:
        for code, name, n in DEMO_KOMMUNER:
            added = await seed_kommune(code, n)
            if added:
                print(f"seeded {added} synthetic children with cases in {name}")
            if idp is not None:
                users = [(u.username, u.name, u.roles) for u in demo_users(domain_for(code))]
                if await provision_demo_users(code, users):
                    print(f"provisioned demo users in {name}")
                if context_handler is not None and code == CONTEXT_HANDLER_KOMMUNE:
                    await map_teams_to_units(code, DEMO_UNITS)
                if made := await seed_casework(code):
                    print(f"registered {made} demo notifications with activities in {name}")
                if code == DEMO_KOMMUNER[0][0] and (avid := await seed_archive(code)):
                    print(f"made the demo arkiveringsversion {avid} in {name}")
        prior = await _index_demo([code for code, _, _ in DEMO_KOMMUNER])
        if idp is not None and os.environ.get("TREKANT_FKORG_ENDPOINT"):
            from backend.integrations import demo as services_demo

            print(
                await services_demo.seed(
                    settings.database_url,
                    _data_dir() / "serviceplatform",
                    os.environ["TREKANT_FKORG_ENDPOINT"],
                    os.environ["TREKANT_SAGSINDEKS_ENDPOINT"],
                )
            )
        return prior
    finally:
        await db.close_pool()


async def _index_demo(codes: list[str]) -> str | None:
    """Fill the cross-kommune index for the demo cases (written by SQL, so not indexed by
    the outbox job); return a CPR number with an open case in the first demo kommune, for
    trying the prior-case notice in another (idempotent, runs on every start)."""
    from backend.config import ConfigError
    from backend.crosskommune.index import reindex_kommune
    from backend.db import DB
    from backend.demo_repository import get_open_case_cpr
    from tenancy.context import tenant_transaction

    try:
        for code in codes:
            async with tenant_transaction(DB, code) as scope:
                await reindex_kommune(scope)
    except ConfigError as exc:  # production without TREKANT_CPR_INDEX_KEY
        print(f"cross-kommune index not filled: {exc}")
        return None
    async with tenant_transaction(DB, codes[0]):
        cpr = await get_open_case_cpr()
    return str(cpr) if cpr else None


# --- processes ---------------------------------------------------------------------


# The oldest servers Trekant supports, and is tested on (`just test` runs the API tests on
# Debian's PostgreSQL 15 and Redis 7 as well as the embedded PostgreSQL 16 and Redis 6.2).
MIN_POSTGRES = (15, "PostgreSQL 15")
MIN_REDIS = ((6, 2), "Redis 6.2")


def version_refusal(postgres_version_num: int, redis_version: str) -> str | None:
    """Why these servers are too old for Trekant, or None when they will do."""
    if postgres_version_num // 10000 < MIN_POSTGRES[0]:
        found = f"{postgres_version_num // 10000}.{postgres_version_num % 10000}"
        return f"PostgreSQL {found} is too old: Trekant needs {MIN_POSTGRES[1]} or newer"
    try:
        major, minor = (int(part) for part in redis_version.split(".")[:2])
    except ValueError:
        return f"Redis reports an unknown version {redis_version!r}: Trekant needs {MIN_REDIS[1]}"
    if (major, minor) < MIN_REDIS[0]:
        return f"Redis {redis_version} is too old: Trekant needs {MIN_REDIS[1]} or newer"
    return None


def preflight(settings: Settings) -> None:
    """Fail fast, with one clear line, when PostgreSQL or Redis cannot be reached or is older
    than Trekant supports."""

    async def check() -> None:
        import asyncpg
        from redis.asyncio import Redis

        try:
            conn = await asyncpg.connect(settings.database_url, timeout=5)
            try:
                server = conn.get_server_version()
                pg_version = server.major * 10000 + server.minor
            finally:
                await conn.close()
        except Exception as exc:
            raise CliError(f"cannot reach PostgreSQL (DATABASE_URL): {exc}") from exc
        try:
            client = Redis.from_url(settings.redis_url, socket_connect_timeout=3)
            try:
                redis_version = str((await client.info("server"))["redis_version"])
            finally:
                await client.aclose()
        except Exception as exc:
            raise CliError(f"cannot reach Redis (REDIS_URL): {exc}") from exc
        refusal = version_refusal(pg_version, redis_version)
        if refusal:
            raise CliError(refusal)

    asyncio.run(check())


def cmd_api(args: argparse.Namespace) -> int:
    """The API under uvicorn; ``--workers N`` runs N processes on one socket. On SIGTERM
    uvicorn stops accepting connections and lets the requests in flight finish (up to
    ``TREKANT_SHUTDOWN_SECONDS``, default 30) before the pools close."""
    import shutil
    import tempfile

    import uvicorn

    settings = ensure_environment()
    preflight(settings)
    from backend.db import pool_size

    try:
        pool_size()  # a wrong TREKANT_DB_POOL_SIZE fails here, with one line, not per process
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    workers = args.workers or int(os.environ.get("TREKANT_API_WORKERS", "1"))
    if workers < 1:
        raise CliError("--workers must be at least 1")
    metrics_dir = None
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each process writes its metrics here; /metrics, answered by any of them, adds
        # them up (prometheus-client's multiprocess mode). Set before any worker starts.
        metrics_dir = tempfile.mkdtemp(prefix="trekant-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "backend.app:app_factory",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=workers,
            log_level="warning",
            access_log=False,  # our own JSON access line (backend/observability)
            proxy_headers=False,
            timeout_graceful_shutdown=int(os.environ.get("TREKANT_SHUTDOWN_SECONDS", "30")),
            # Each request starts with a fresh context. Without it, asyncio's socket reader
            # can carry one request's context into the next on the same connection (a large
            # body, e.g. a document upload, pauses and resumes reading inside the request's
            # tenant transaction): the next request would find Piccolo's transaction current.
            reset_contextvars=True,
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from arq.worker import run_worker

    from backend.worker import WorkerSettings, worker_settings

    settings = ensure_environment()
    preflight(settings)
    overrides = {"max_jobs": args.concurrency} if args.concurrency else {}
    run_worker(WorkerSettings, **worker_settings(**overrides))  # type: ignore[arg-type]
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    """Run the whole system until Ctrl-C; a second run reuses the data folder."""
    os.environ.setdefault("TREKANT_ENV", "development")
    settings = ensure_environment()
    preflight(settings)
    from backend.demo import DEMO_KOMMUNER
    from infra.devidp import prepare

    public = settings.public_url or f"http://{settings.host}:{settings.port}"
    realms = {code: f"{name} Kommune" for code, name, _ in DEMO_KOMMUNER}
    realms["0147"] = "Frederiksberg Kommune"  # for onboarding a fourth kommune in the demo
    realms["operator"] = "Trekant drift"
    idp_port = int(os.environ.get("TREKANT_IDP_PORT", "8010"))
    idp, idp_env = prepare(_data_dir(), idp_port, realms, [public])
    os.environ.update(idp_env)
    idp.start()
    try:
        post_servers = _start_post_servers(public, {code: name for code, name, _ in DEMO_KOMMUNER})
    except RuntimeError:
        idp.stop()  # never leave the provider behind
        raise
    dp, mail = post_servers
    started: list[Any] = []
    try:
        started.append(_start_ankestyrelsen())
        started.append(_start_dst_receiver())
        started.append(_start_trace_collector())
        started.append(_start_sf1520())
        started.append(_start_context_handler(public))
        started.append(_start_serviceplatform())
    except RuntimeError:
        for server in (*post_servers, *started):
            server.stop()
        idp.stop()
        raise
    anke, dst_receiver, traces, cpr_service, context_handler, serviceplatform = started
    dev_servers: tuple[Any, ...] = (*post_servers, *started)
    try:
        settings = load_settings()
        prior_cpr = asyncio.run(seed_demo(settings, idp, context_handler))
    except BaseException:
        for server in dev_servers:  # a failed seed leaves no development server behind
            server.stop()
        idp.stop()
        raise
    exempt, letters_cpr = _exempt_demo_parent()
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "backend.cli", name], env=env, preexec_fn=_die_with_parent
        )
        for name in ("api", "worker")
    ]
    url = f"http://{settings.host}:{settings.port}"
    _wait_for_http(url + "/health", procs[0])
    print(
        f"\n  Trekant kører: {url}\n"
        f"  Log ind som fx sagsbehandler@koebenhavn.dk, leder@…, oekonomi@…, admin@… "
        f"(adgangskode: demo)\n"
        f"  Aarhus logger ind via Fælleskommunal Adgangsstyring (Context Handler, udvikling): "
        f"{context_handler.url} — fx sagsbehandler@aarhus.dk (adgangskode: demo)\n"
        f"  Driften: {url}/drift som drift@trekant.dk (adgangskode: demo)\n"
        f"  Tidligere sag: registrér det fiktive demo-CPR {prior_cpr or '–'} i Aarhus "
        f"(barnet har en sag i København)\n"
        f"  Identitetsudbyder (udvikling): {idp.url}\n"
        f"  Digital Post, borgernes postkasser (udvikling): {dp.url}\n"
        f"  Opsamlet mail (udvikling): {mail.url}\n"
        f"  Ankestyrelsens modtager af indberetninger (udvikling): {anke.url}\n"
        f"  Danmarks Statistik, modtagne indberetninger (udvikling): {dst_receiver.url}\n"
        f"  Spor fra API og worker (OpenTelemetry, udvikling): {traces.url}\n"
        f"  CPR-registret, SF1520 over TLS med klientcertifikat (udvikling): {cpr_service.url}"
        f" (Odense med token fra STS: {cpr_service.token_url})\n"
        f"  Serviceplatformen (udvikling): FK Organisation og Sags- og dokumentindeks, "
        f"modtagne sager: {serviceplatform.url}\n"
        f"  Metrikker (Prometheus): {url}/metrics\n"
        f"  Fritaget for Digital Post (breve går til udskrivning): {exempt}\n"
        f"  Breve og Digital Post på en ny sag: registrér det fiktive demo-CPR {letters_cpr} "
        f"i København (forældrene hentes fra CPR, faren er fritaget for Digital Post)\n"
        f"  Adressebeskyttelse: registrér det fiktive demo-CPR {_protected_demo_child()} i "
        f"København (barnet og moren har adressebeskyttelse: ingen adresse vises nogen steder)\n"
        "  (Ctrl-C stopper alt)\n",
        flush=True,
    )
    stopping = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for p in procs:
                if p.poll() is not None:
                    print(
                        f"a Trekant process exited with {p.returncode}; stopping", file=sys.stderr
                    )
                    stopping = True
                    code = 1
            time.sleep(0.3)
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for server in dev_servers:
            server.stop()
        idp.stop()
        if _services is not None:
            _services.stop()
        print("stopped", flush=True)
    return code


def _start_post_servers(public: str, kommuner: dict[str, str]) -> tuple[Any, Any]:
    """The development Digital Post server (replies come back to ``public``) and the mail
    server that captures e-mail; ports from ``TREKANT_DIGITAL_POST_PORT`` (8020),
    ``TREKANT_SMTP_PORT`` (8025) and ``TREKANT_MAIL_PORT`` (8026)."""
    from infra import digitalpost, smtp

    dp, env = digitalpost.prepare(
        _data_dir(),
        int(os.environ.get("TREKANT_DIGITAL_POST_PORT", "8020")),
        {code: f"{name} Kommune" for code, name in kommuner.items()},
        public,
    )
    os.environ.update(env)
    dp.start()
    mail, env = smtp.prepare(
        _data_dir(),
        int(os.environ.get("TREKANT_SMTP_PORT", "8025")),
        int(os.environ.get("TREKANT_MAIL_PORT", "8026")),
    )
    os.environ.update(env)
    try:
        mail.start()
    except RuntimeError:
        dp.stop()
        raise
    return dp, mail


def _start_ankestyrelsen() -> Any:
    """The development receiver of reports to Ankestyrelsen; port from
    ``TREKANT_ANKESTYRELSEN_PORT`` (8040)."""
    from infra import ankestyrelsen

    server, env = ankestyrelsen.prepare(
        _data_dir(), int(os.environ.get("TREKANT_ANKESTYRELSEN_PORT", "8040"))
    )
    os.environ.update(env)
    server.start()
    return server


def _start_dst_receiver() -> Any:
    """The development Danmarks Statistik receiver (``infra/dst``); port from
    ``TREKANT_DST_PORT`` (8030). Started before the demo data, which sends a delivery."""
    from infra import dst

    receiver, env = dst.prepare(_data_dir(), int(os.environ.get("TREKANT_DST_PORT", "8030")))
    os.environ.update(env)
    receiver.start()
    return receiver


def _start_sf1520() -> Any:
    """The development SF1520 service (CPR through Serviceplatformen, ``infra/sf1520``) on
    ``TREKANT_SF1520_PORT`` (8070), over TLS with client certificates made in the data
    folder, answering from the demo population; the API and the worker ask it (unless
    ``TREKANT_SF1520_URL`` already names a service)."""
    from backend.network.cpr_source import demo_file
    from infra import sf1520

    global _sf1520_dev
    server, env = sf1520.prepare(
        _data_dir(), int(os.environ.get("TREKANT_SF1520_PORT", "8070")), demo_file()
    )
    if os.environ.get("TREKANT_SF1520_URL"):
        return server  # a real (test) service is configured: leave it
    # Only the development CA (to trust the service's certificate): endpoint, agreement and
    # client certificate are each demo kommune's sf1520 row, configured by seed_demo.
    os.environ["TREKANT_SF1520_CA"] = env["TREKANT_SF1520_CA"]
    server.start()
    _sf1520_dev = server
    return server


def _start_serviceplatform() -> Any:
    """The development Serviceplatform (``infra/serviceplatform``: FK Organisation and the
    Sags- og dokumentindeks) on ``TREKANT_SERVICEPLATFORM_PORT`` (8080)."""
    from infra import serviceplatform

    server, env = serviceplatform.prepare(
        _data_dir(), int(os.environ.get("TREKANT_SERVICEPLATFORM_PORT", "8080"))
    )
    os.environ.update(env)
    server.start()
    return server


def _protected_demo_child() -> str:
    """The CPR number of the not yet registered København child with address protection."""
    from backend.network.cpr_source import demo_file, protected_children

    found = protected_children(demo_file())
    return found[0] if found else "–"


def _start_context_handler(public: str) -> Any:
    """The development Context Handler (Fælleskommunal Adgangsstyring, ``infra/contexthandler``)
    on ``TREKANT_CONTEXT_HANDLER_PORT`` (8060), for the demo kommune configured for it; it
    also hands Trekant that kommune's SP key and certificate (``TREKANT_SAML_KEY_<code>``)."""
    from backend.demo import CONTEXT_HANDLER_KOMMUNE
    from infra import contexthandler

    handler, env = contexthandler.prepare(
        _data_dir(),
        int(os.environ.get("TREKANT_CONTEXT_HANDLER_PORT", "8060")),
        [CONTEXT_HANDLER_KOMMUNE],
        [public],
    )
    for key, value in env.items():
        os.environ.setdefault(key, value)
    handler.start()
    return handler


def _start_trace_collector() -> Any:
    """The development trace collector (``infra/otel``) on ``TREKANT_OTEL_PORT`` (8050); the
    API and the worker export their traces to it (``OTEL_EXPORTER_OTLP_ENDPOINT``), unless
    that variable already names a collector."""
    from infra import otel

    collector, env = otel.prepare(_data_dir(), int(os.environ.get("TREKANT_OTEL_PORT", "8050")))
    collector.start()
    for key, value in env.items():
        os.environ.setdefault(key, value)
    return collector


def _exempt_demo_parent() -> tuple[str, str]:
    """The first demo child's exempt father, and the CPR number of the not yet registered
    København child whose father is exempt (the demo file lists København first: its
    registered children, then the unregistered ones)."""
    from backend.network.cpr_source import demo_file, exempt_parents

    found = exempt_parents(demo_file())
    first = f"{found[0][0]}, far til {found[0][1]}" if found else "–"
    return first, (found[1][2] if len(found) > 1 else "–")


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM if the supervisor dies, so nothing is left running."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _wait_for_http(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CliError("the API process exited during start-up")
        try:
            if httpx.get(url, timeout=1).status_code < 600:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise CliError(f"the API did not answer on {url} within {timeout:.0f} s")


def cmd_openapi(args: argparse.Namespace) -> int:
    """Write the OpenAPI document (no database needed); the PWA's client is generated from it."""
    os.environ.setdefault("DATABASE_URL", "postgresql://unused@localhost/trekant")
    os.environ.setdefault("REDIS_URL", "redis://localhost:6379")
    os.environ.setdefault("TREKANT_ENV", "development")
    from backend.app import create_app

    schema = create_app(load_settings()).openapi_schema.to_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


# --- argument parsing --------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="trekant", description="Trekant command line")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="run the whole system on embedded services").set_defaults(
        func=cmd_dev, sync=True
    )
    api = sub.add_parser("api", help="run the API")
    api.add_argument(
        "--workers", type=int, help="API processes on one port (default TREKANT_API_WORKERS or 1)"
    )
    api.set_defaults(func=cmd_api, sync=True)
    wk = sub.add_parser("worker", help="run the arq worker")
    wk.add_argument(
        "--concurrency",
        type=int,
        help="jobs run at a time (default TREKANT_WORKER_CONCURRENCY or 10)",
    )
    wk.set_defaults(func=cmd_worker, sync=True)

    oa = sub.add_parser("openapi", help="write the OpenAPI document")
    oa.add_argument("--out", default="-")
    oa.set_defaults(func=cmd_openapi, sync=True)

    dbp = sub.add_parser("db").add_subparsers(dest="db_command", required=True)
    dbp.add_parser("bootstrap").set_defaults(func=cmd_bootstrap)

    demo = sub.add_parser("demo").add_subparsers(dest="demo_command", required=True)
    demo.add_parser("seed").set_defaults(func=cmd_demo_seed)

    t = sub.add_parser("tenant", help="manage kommuner").add_subparsers(
        dest="tenant_command", required=True
    )
    c = t.add_parser("create", help="create a kommune: schema, role, migrations")
    c.add_argument("--code", required=True, help="four-digit kommune code, e.g. 0101")
    c.add_argument("--name", required=True)
    c.set_defaults(func=cmd_tenant_create)
    ls = t.add_parser("list", help="kommuner, status and schema version")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_tenant_list)
    m = t.add_parser("migrate", help="bring every kommune schema up to date")
    m.add_argument("--code", action="append", help="only this kommune (repeatable)")
    m.add_argument("--concurrency", type=int, default=8)
    m.set_defaults(func=cmd_tenant_migrate)
    sl = t.add_parser(
        "set-login",
        help="oidc (the kommune's own provider) or context-handler (Fælleskommunal Adgangsstyring)",
    )
    sl.add_argument("--code", required=True)
    sl.add_argument("--kind", required=True, choices=["oidc", "context-handler"])
    sl.add_argument("--metadata-url", help="the Context Handler's metadata URL (https)")
    sl.add_argument("--entity-id", help="the entity id that metadata describes")
    sl.add_argument("--cvr", help="the kommune's CVR number (scope of its privileges)")
    sl.add_argument("--nsis-level", default="Substantial", choices=["Low", "Substantial", "High"])
    sl.add_argument(
        "--metadata-cert",
        help="PEM file of the certificate that signs the Context Handler's metadata "
        "(then verified at every fetch)",
    )
    sl.set_defaults(func=cmd_set_login)
    ss = t.add_parser(
        "set-service",
        help="a kommune's national service on the Serviceplatform (as on the operator console)",
    )
    ss.add_argument("code", help="four-digit kommune code, e.g. 0101")
    ss.add_argument("kind", choices=["sf1500", "sf1470", "sf1520"])
    ss.add_argument("--endpoint", required=True, help="the service's https address")
    ss.add_argument("--agreement", required=True, help="the service agreement's UUID")
    ss.add_argument("--user-system", required=True, help="Trekant's user system UUID")
    ss.add_argument("--cvr", required=True, help="the kommune's CVR number (eight digits)")
    ss.add_argument("--cert", help="the system certificate (PEM file); omitted: keep the one held")
    ss.add_argument("--key", help="its private key (unencrypted PEM file; stored sealed)")
    ss.add_argument("--disabled", action="store_true", help="set up but not called")
    ss.add_argument("--by", help="who runs it, for the operator's log (default: the OS user)")
    ss.set_defaults(func=cmd_set_service)
    si = t.add_parser("set-idp", help="the kommune's OpenID Connect provider")
    si.add_argument("--code", required=True)
    si.add_argument("--issuer", required=True)
    si.add_argument("--client-id", required=True)
    si.add_argument(
        "--secret-stdin",
        action="store_true",
        help="read the client secret from stdin and store it encrypted (TREKANT_DATA_KEY)",
    )
    si.add_argument(
        "--secret-ref",
        help="the kommune's own variable TREKANT_IDP_SECRET_<code> (the default without "
        "--secret-stdin); no other name is accepted",
    )
    si.add_argument(
        "--login-claim",
        choices=["upn", "preferred_username", "email"],
        help="the claim that binds a pre-registered user at first login "
        "(default preferred_username; email only when the provider sends email_verified)",
    )
    si.set_defaults(func=cmd_set_idp)
    ex = t.add_parser("export", help="one kommune into one file (exact; for backup)")
    ex.add_argument("--code", required=True)
    ex.add_argument(
        "--out", required=True, type=_abs_path, help="a new file (written 0600: it is case data)"
    )
    ex.add_argument("--by", help="who runs it, for the operator's log (default: the OS user)")
    ex.set_defaults(func=cmd_tenant_export)
    im = t.add_parser("import", help="restore a kommune from an export (it must not exist)")
    im.add_argument("--file", required=True, type=_abs_path)
    im.add_argument("--by", help="who runs it, for the operator's log (default: the OS user)")
    im.set_defaults(func=cmd_tenant_import)
    lv = t.add_parser("leave", help="export a kommune in open formats, then remove it")
    lv.add_argument("--code", required=True)
    lv.add_argument(
        "--out", required=True, type=_abs_path, help="a new file (written 0600: it is case data)"
    )
    lv.add_argument("--confirm", required=True, help="the kommune's name, as a confirmation")
    lv.add_argument("--by", help="who runs it, for the operator's log (default: the OS user)")
    lv.set_defaults(func=cmd_tenant_leave)
    rm = t.add_parser("remove", help="remove a kommune (take an export first)")
    rm.add_argument("--code", required=True)
    rm.add_argument("--confirm", required=True, help="the kommune's name, as a confirmation")
    rm.add_argument("--by", help="who runs it, for the operator's log (default: the OS user)")
    rm.set_defaults(func=cmd_tenant_remove)
    op = sub.add_parser("operator", help="operator accounts").add_subparsers(
        dest="operator_command", required=True
    )
    oa2 = op.add_parser("add", help="allow someone to log in to the operator console")
    oa2.add_argument("--username", required=True)
    oa2.add_argument("--name", required=True)
    oa2.set_defaults(func=cmd_operator_add)
    s = t.add_parser("suspend")
    s.add_argument("--code", required=True)
    s.add_argument("--reason")
    s.set_defaults(func=lambda a: cmd_tenant_status(a, "suspended"))
    r = t.add_parser("resume")
    r.add_argument("--code", required=True)
    r.set_defaults(func=lambda a: cmd_tenant_status(a, "active"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "sync", False):
            return int(args.func(args))
        return int(asyncio.run(args.func(args)))
    except (TenancyError, InvalidKommuneCode, ConfigError, CliError) as exc:
        print(f"trekant: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if _services is not None:
            _services.stop()


if __name__ == "__main__":
    sys.exit(main())
