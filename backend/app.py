"""The Litestar application: API under /api, the PWA at /, OpenAPI at /schema."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from asyncpg.exceptions import DataError, InsufficientPrivilegeError, InvalidCachedStatementError
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import ClientException, ValidationException
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.types import Message, Scope

import backend.jobs  # noqa: F401 - registers outbox jobs
from backend import db, queue
from backend.ankestyrelsen.routes import AnkestyrelsenController
from backend.appeals.routes import AppealsController
from backend.archive.routes import ArchiveController
from backend.auth.oidc import OIDCClient
from backend.auth.routes import (
    SessionController,
    callback,
    kommune_login,
    operator_login,
    provider_logout,
)
from backend.auth.saml_routes import (
    saml_acs,
    saml_metadata,
    saml_slo,
    saml_start,
    user_system_roles,
)
from backend.auth.session import SessionStore
from backend.boundary import BoundaryMiddleware
from backend.casework.committee_routes import CommitteeController
from backend.casework.routes import CaseworkController, ProcessController, WorklistController
from backend.children.routes import ChildrenController
from backend.config import Settings, get_settings
from backend.core.principal import provide_me
from backend.crosskommune.keys import require_key as require_cpr_index_key
from backend.crosskommune.routes import CrossKommuneController
from backend.documents.routes import DocumentsController
from backend.errors import (
    DOMAIN_HANDLERS,
    UNREACHABLE_ERRORS,
    danish_client_error,
    danish_validation,
    refuse_database_value,
    refuse_out_of_scope,
    stale_statement,
    unreachable,
)
from backend.extract.routes import ExtractAdminController, machine_download, machine_list
from backend.health.routes import health, live, ready
from backend.ics.routes import ICSController
from backend.identity import operator_db
from backend.integrations.routes import FkorgController, NationalServicesController
from backend.kommuner.routes import list_kommuner
from backend.letters.routes import LetterController, LetterTemplateController
from backend.limits.config import load_limit_settings
from backend.limits.limiter import RateLimiter
from backend.limits.middleware import AddressRateLimitMiddleware
from backend.limits.routes import AlertController
from backend.mi.routes import CONTROLLERS as MI_CONTROLLERS
from backend.middleware import TenantMiddleware
from backend.money.routes import CONTROLLERS as MONEY_CONTROLLERS
from backend.network.routes import NetworkController
from backend.observability.logs import configure_logging
from backend.observability.middleware import ObservabilityMiddleware, add_request_id
from backend.observability.routes import metrics_endpoint
from backend.observability.tracing import configure_tracing
from backend.offline.idempotency import IdempotencyMiddleware
from backend.offline.routes import (
    OfflineAdminController,
    OfflineController,
    device_status,
    device_status_in_session,
)
from backend.operator.routes import OperatorController
from backend.placement.routes import PlacementController
from backend.plans.routes import PlansController
from backend.post.routes import PostController, inbound_digital_post
from backend.retention.routes import RetentionController
from backend.sealing import require_key as require_data_key
from backend.statistics.routes import StatisticsController
from backend.users.routes import AuditController, UsersController
from backend.web.routes import pwa
from tenancy.names import app_role, operator_role
from tenancy.registry import role_dsn

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        b"base-uri 'self'; form-action 'self'",
    ),
]


# API answers that hold no personal data and may be cached; every other /api answer (case
# data, downloads, errors) is ``Cache-Control: no-store`` so no browser or proxy keeps it.
CACHEABLE_API = frozenset({"/api/kommuner"})


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] == "http.response.start":
        headers = list(message.get("headers", []))
        own_policy = any(k.lower() == b"content-security-policy" for k, _ in headers)
        if own_policy:
            # A file shown inline (backend/documents) brings its own sandbox policy; it may
            # be framed by Trekant's own pages, nothing else.
            headers = [(k, v) for k, v in headers if k.lower() != b"x-content-type-options"]
            headers.extend(
                (k, b"SAMEORIGIN" if k == b"x-frame-options" else v)
                for k, v in SECURITY_HEADERS
                if k != b"content-security-policy"
            )
        else:
            headers.extend(SECURITY_HEADERS)
        path = str(scope.get("path", ""))
        if path.startswith("/api/") and path not in CACHEABLE_API:
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
        message["headers"] = headers


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    settings.require_secret()
    require_cpr_index_key(settings)
    limit_settings = load_limit_settings()
    require_data_key(settings)
    configure_logging(logging.INFO)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        configure_tracing("trekant-api")
        db.configure(
            role_dsn(
                settings.database_url, app_role(settings.role_prefix), settings.app_db_password
            )
        )
        size = db.pool_size()
        await db.start_pool(min_size=min(2, size), max_size=size)
        await operator_db.start(
            role_dsn(
                settings.database_url,
                operator_role(settings.role_prefix),
                settings.operator_db_password,
            )
        )
        redis = await queue.start(settings.redis_url)
        app.state.redis = redis
        app.state.sessions = SessionStore(redis)
        app.state.limiter = RateLimiter(redis, limit_settings)
        app.state.oidc = OIDCClient()
        try:
            yield
        finally:
            await app.state.oidc.aclose()
            await queue.stop()
            await operator_db.stop()
            await db.close_pool()

    handlers: list[object] = [
        health,
        live,
        ready,
        metrics_endpoint,
        list_kommuner,
        SessionController,
        kommune_login,
        operator_login,
        callback,
        provider_logout,
        saml_start,
        saml_acs,
        saml_slo,
        saml_metadata,
        user_system_roles,
        ChildrenController,
        CaseworkController,
        WorklistController,
        ProcessController,
        CrossKommuneController,
        ICSController,
        DocumentsController,
        NetworkController,
        OfflineController,
        OfflineAdminController,
        device_status,
        device_status_in_session,
        UsersController,
        AuditController,
        AlertController,
        OperatorController,
        NationalServicesController,
        FkorgController,
        PostController,
        PlansController,
        AppealsController,
        PlacementController,
        AnkestyrelsenController,
        CommitteeController,
        StatisticsController,
        inbound_digital_post,
        *MONEY_CONTROLLERS,
        *MI_CONTROLLERS,
        LetterTemplateController,
        LetterController,
        ArchiveController,
        RetentionController,
        ExtractAdminController,
        machine_list,
        machine_download,
        pwa,
    ]

    return Litestar(
        route_handlers=handlers,  # type: ignore[arg-type]
        lifespan=[lifespan],
        # The request id, span, metrics and access log around everything; then address
        # limits (before any public route's work, before a body is read);
        # then the boundary refuses what the database cannot store (NUL, huge numbers);
        # the user's limits are taken in TenantMiddleware once the session is known.
        # Idempotency-Key runs inside the tenant transaction (backend/offline/idempotency.py).
        middleware=[
            ObservabilityMiddleware(),
            AddressRateLimitMiddleware(),
            BoundaryMiddleware(),
            TenantMiddleware(),
            IdempotencyMiddleware(),
        ],
        # ``me: Me`` in any route handler: the signed-in kommune user (401 without).
        dependencies={"me": Provide(provide_me, sync_to_thread=False)},
        exception_handlers={
            **DOMAIN_HANDLERS,
            ValidationException: danish_validation,
            ClientException: danish_client_error,
            DataError: refuse_database_value,
            InsufficientPrivilegeError: refuse_out_of_scope,
            **dict.fromkeys(UNREACHABLE_ERRORS, unreachable),
            InvalidCachedStatementError: stale_statement,
        },
        state=State({"pwa_dist": str(settings.pwa_dist), "settings": settings}),
        before_send=[add_security_headers, add_request_id],
        # Files (backend/documents) are sent as they are: most are compressed already, and
        # gzip would cost the CPU of every large download for nothing. Level 3, not
        # Litestar's default 9: the 159 kB /api/worklist of the demo caseworker compresses
        # to 26.8 kB in 1.6 ms at level 3 and to 22.5 kB in 5.4 ms at level 9 (the API's
        # largest single cost per request in the request mix; docs/benchmarks.md).
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=1024,
            gzip_compress_level=3,
            exclude_opt_key="no_compression",
        ),
        openapi_config=OpenAPIConfig(
            title="Trekant API",
            version="0.1.0",
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        logging_config=LoggingConfig(
            # One JSON line per record through the root logger (backend/observability/logs.py,
            # CPR numbers redacted); Litestar's own logger joins it instead of its own handler.
            configure_root_logger=False,
            loggers={"litestar": {"level": "INFO", "handlers": [], "propagate": True}},
            log_exceptions="always",
            # A refusal is not a fault: no stack trace for these answers (a domain error's
            # class carries its status_code, which Litestar's log reads).
            disable_stack_trace={401, 403, 404, 409, 422},
        ),
        debug=False,
    )


def app_factory() -> Litestar:
    """Entry point for ``uvicorn --factory backend.app:app_factory``."""
    return create_app()
