"""A kommune's OIDC client secret is its own, and issuers are checked (issue 13, finding 1).

The operator must not be able to make Trekant send one of the platform's secrets (or
another kommune's) to a server the operator picks: the secret is entered once and stored
sealed, or read only from the kommune's own variable; issuers must be https on public
addresses (loopback allowed in development and test), checked at onboarding and at login.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from backend import queue
from backend.config import Settings, load_settings
from backend.identity import idp
from infra.devidp import secret_env
from tenancy.names import operator_role
from tenancy.registry import TenancyError, role_dsn
from tests.backend.test_identity import _drain, _operator
from tests.conftest import KOMMUNE_A, SPARE_REALM, login, new_kommune, username
from tests.conftest import idp as dev_idp

A = KOMMUNE_A[0]


@pytest.fixture
async def owner(registry) -> AsyncIterator[asyncpg.Connection]:  # type: ignore[no-untyped-def]
    """The database owner (what someone with the database, or a DBA, could do)."""
    conn = await asyncpg.connect(registry.dsn)
    try:
        yield conn
    finally:
        await conn.close()


def _onboard(code: str, **changes: str) -> dict[str, str]:
    body = {
        "code": code,
        "name": "Hemmelighedsby",
        "idp_issuer": dev_idp().issuer(SPARE_REALM),
        "idp_client_id": f"trekant-{SPARE_REALM}",
        "idp_client_secret": os.environ[secret_env(SPARE_REALM)],
        "admin_username": username("admin", SPARE_REALM),
        "admin_display_name": "Anders Admin",
    }
    body.update(changes)
    return body


def _production() -> Settings:
    settings = load_settings()
    return Settings(
        **{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "env": "production"}
    )


@pytest.mark.parametrize(
    "ref",
    [
        "DATABASE_URL",
        "TREKANT_SECRET_KEY",
        "TREKANT_CPR_INDEX_KEY",
        "TREKANT_DATA_KEY",
        "TREKANT_OPERATOR_CLIENT_SECRET",
        secret_env(A),  # another kommune's secret
    ],
)
async def test_the_operator_cannot_name_another_secret(http, seeded, fresh_code, ref):
    session = await _operator(http)
    r = await http.post(
        "/api/operator/kommuner",
        headers={"X-CSRF-Token": session["csrf_token"]},
        json=_onboard(fresh_code, idp_client_secret="", idp_client_secret_ref=ref),
    )
    assert r.status_code == 400, r.text
    assert r.json()["extra"] == [
        {
            "key": "idp_client_secret_ref",
            "message": "Klienthemmeligheden kan kun ligge i kommunens egen miljøvariabel "
            f"TREKANT_IDP_SECRET_{fresh_code}",
        }
    ]


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("https://10.0.0.5/realm", "privat, lokal eller reserveret adresse"),
        ("https://169.254.169.254/latest", "privat, lokal eller reserveret adresse"),
        ("https://192.168.1.10", "privat, lokal eller reserveret adresse"),
        ("http://192.0.2.1/realm", "https-adresse"),
        ("https://drift:pw@127.0.0.1/realm", "brugernavn eller adgangskode"),
        ("https://127.0.0.1/realm#x", "#-fragment"),
        ("ftp://127.0.0.1/realm", "https-adresse"),
    ],
)
async def test_onboarding_refuses_issuers_on_inner_addresses(
    http, seeded, fresh_code, issuer, message
):
    session = await _operator(http)
    r = await http.post(
        "/api/operator/kommuner",
        headers={"X-CSRF-Token": session["csrf_token"]},
        json=_onboard(fresh_code, idp_issuer=issuer),
    )
    assert r.status_code == 400, r.text
    [error] = r.json()["extra"]
    assert error["key"] == "idp_issuer"
    assert message in error["message"]


@pytest.mark.parametrize(
    "issuer",
    [
        "http://127.0.0.1:6379",
        "https://127.0.0.1/realm",
        "https://localhost/realm",  # a name: every address it resolves to is checked
        "https://[::1]/realm",
        "https://[::ffff:127.0.0.1]/realm",
        "https://10.1.2.3/realm",
        "https://172.16.0.1/realm",
        "https://192.168.0.1/realm",
        "https://100.64.0.1/realm",
        "https://169.254.169.254/realm",
        "https://[fe80::1]/realm",
        "https://[fc00::1]/realm",
        "https://0.0.0.0/realm",
        "https://224.0.0.1/realm",
        "http://93.184.216.34/realm",
        "https://u@93.184.216.34/realm",
        "https://93.184.216.34/realm?x=1",
        "https://93.184.216.34/realm#x",
        "https://",
    ],
)
async def test_production_issuers_are_https_on_public_addresses(issuer):
    with pytest.raises(idp.IdpSettingError) as refused:
        await idp.check_issuer(issuer, _production().env)
    assert refused.value.field == "idp_issuer"


async def test_allowed_issuers():
    assert await idp.check_issuer("https://93.184.216.34/realm", "production")
    assert await idp.check_issuer("https://[2606:4700::1111]/x", "production")
    # The development provider: http on loopback, in development and test only.
    assert await idp.check_issuer("http://127.0.0.1:8010/0101", "test")
    assert await idp.check_issuer("http://localhost:8010/0101", "development")
    with pytest.raises(idp.IdpSettingError, match="privat"):
        await idp.check_issuer("https://10.0.0.1/x", "development")


async def test_the_secret_is_stored_sealed_and_never_shown(
    http, registry, settings, owner, fresh_code, seeded
):
    secret = os.environ[secret_env(SPARE_REALM)]
    session = await _operator(http)
    r = await http.post(
        "/api/operator/kommuner",
        headers={"X-CSRF-Token": session["csrf_token"]},
        json=_onboard(fresh_code),
    )
    assert r.status_code == 202, r.text
    # Only the sealed secret is in the job queue (Redis), never the secret itself.
    redis = queue.get()
    async for key in redis.scan_iter(count=1000):
        if await redis.type(key) == b"string":
            assert secret.encode() not in (await redis.get(key) or b""), key
    await _drain(settings)
    assert (await http.get(f"/api/operator/jobs/{r.json()['id']}")).json()["status"] == "done"

    # In the database: no plaintext anywhere in the registry, only a sealed value.
    sealed = await owner.fetchval(
        "SELECT sealed FROM shared.idp_secret WHERE code = $1", fresh_code
    )
    assert sealed is not None and secret.encode() not in bytes(sealed)
    tenant = await owner.fetchrow(
        "SELECT row_to_json(t)::text AS row, idp_client_secret_ref FROM shared.tenant t "
        "WHERE code = $1",
        fresh_code,
    )
    assert secret not in tenant["row"] and tenant["idp_client_secret_ref"] is None
    dump = await owner.fetchval(
        "SELECT string_agg(detail::text, ' ') FROM shared.operator_audit WHERE kommune_code = $1",
        fresh_code,
    )
    assert secret not in dump

    # No answer of the operator API contains it; the console shows only that it is set.
    for path in (
        "/api/operator/kommuner",
        "/api/operator/audit",
        f"/api/operator/jobs/{r.json()['id']}",
    ):
        answer = await http.get(path)
        assert answer.status_code == 200 and secret not in answer.text
    rows = {k["code"]: k for k in (await http.get("/api/operator/kommuner")).json()}
    assert rows[fresh_code]["idp_client_secret_set"] is True
    assert "idp_client_secret" not in rows[fresh_code]

    # And the kommune's administrator logs in with it.
    async with httpx.AsyncClient(transport=http._transport, base_url="http://testserver") as c2:
        admin = await login(c2, fresh_code, "admin", realm=SPARE_REALM)
    assert admin["roles"] == ["administrator"]


async def test_the_operator_role_cannot_read_or_redirect_a_secret(settings, owner, seeded):
    conn = await asyncpg.connect(
        role_dsn(
            settings.database_url,
            operator_role(settings.role_prefix),
            settings.operator_db_password,
        )
    )
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT sealed FROM shared.idp_secret")
        assert isinstance(await conn.fetch("SELECT code FROM shared.idp_secret"), list)
        for column, value in (
            ("idp_issuer", "https://93.184.216.34/evil"),
            ("idp_client_id", "evil"),
            ("idp_client_secret_ref", "DATABASE_URL"),
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(
                    f"UPDATE shared.tenant SET {column} = $2 WHERE code = $1", A, value
                )
    finally:
        await conn.close()
    # Not even the owner can make a kommune name another variable.
    with pytest.raises(asyncpg.CheckViolationError):
        await owner.execute(
            "UPDATE shared.tenant SET idp_client_secret_ref = 'DATABASE_URL' WHERE code = $1", A
        )


async def test_the_registry_accepts_only_the_kommunes_own_variable(registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Registerby")
    with pytest.raises(TenancyError, match=f"TREKANT_IDP_SECRET_{fresh_code}"):
        await registry.set_idp(fresh_code, dev_idp().issuer(SPARE_REALM), "x", "DATABASE_URL")
    with pytest.raises(TenancyError, match=f"TREKANT_IDP_SECRET_{fresh_code}"):
        await registry.set_idp(fresh_code, dev_idp().issuer(SPARE_REALM), "x", secret_env(A))


async def test_a_sealed_secret_opens_only_for_its_kommune_and_issuer(
    http, registry, owner, fresh_code, seeded
):
    """Changed behind Trekant's back (issuer re-pointed, or the sealed value copied into
    another kommune), the secret does not open and no login starts."""
    await new_kommune(registry, fresh_code, "Flytteby")
    r = await http.get(f"/api/auth/login?kommune={fresh_code}")
    assert r.status_code == 303 and r.headers["location"].startswith(dev_idp().issuer(SPARE_REALM))
    # Re-pointed at another realm of the same (allowed) provider: refused before any call.
    await owner.execute(
        "UPDATE shared.tenant SET idp_issuer = $2 WHERE code = $1", fresh_code, dev_idp().issuer(A)
    )
    r = await http.get(f"/api/auth/login?kommune={fresh_code}")
    assert r.headers["location"] == "/log-ind?fejl=ikke-konfigureret"


async def test_a_sealed_secret_copied_to_another_kommune_does_not_open(
    http, registry, owner, fresh_code, seeded
):
    await new_kommune(registry, fresh_code, "Kopiby")
    other = f"{int(fresh_code) + 500:04d}"
    await new_kommune(registry, other, "Modtagerby")
    await owner.execute(
        "UPDATE shared.idp_secret SET sealed = (SELECT sealed FROM shared.idp_secret "
        "WHERE code = $1) WHERE code = $2",
        fresh_code,
        other,
    )
    r = await http.get(f"/api/auth/login?kommune={other}")
    assert r.headers["location"] == "/log-ind?fejl=ikke-konfigureret"


async def test_login_checks_the_issuer_again(
    http, registry, owner, fresh_code, seeded, monkeypatch
):
    """Defence in depth: an issuer written past the onboarding check (here by the owner)
    is refused at login, before any outbound call."""
    monkeypatch.setenv(f"TREKANT_IDP_SECRET_{fresh_code}", os.environ[secret_env(SPARE_REALM)])
    await registry.create(fresh_code, "Omvejsby")
    await registry.set_idp(
        fresh_code,
        dev_idp().issuer(SPARE_REALM),
        f"trekant-{SPARE_REALM}",
        f"TREKANT_IDP_SECRET_{fresh_code}",
    )
    r = await http.get(f"/api/auth/login?kommune={fresh_code}")
    assert r.headers["location"].startswith(dev_idp().issuer(SPARE_REALM))  # own variable works
    for issuer in ("https://10.0.0.1/realm", "http://192.0.2.1/realm", "https://u:p@127.0.0.1/x"):
        await owner.execute(
            "UPDATE shared.tenant SET idp_issuer = $2 WHERE code = $1", fresh_code, issuer
        )
        r = await http.get(f"/api/auth/login?kommune={fresh_code}")
        assert r.headers["location"] == "/log-ind?fejl=ikke-konfigureret", issuer


def test_production_needs_the_data_key(monkeypatch):
    from backend import sealing
    from backend.config import ConfigError

    monkeypatch.delenv(sealing.ENV, raising=False)
    with pytest.raises(ConfigError, match="TREKANT_DATA_KEY must be set in production"):
        sealing.require_key(_production())
    monkeypatch.setenv(sealing.ENV, "short")
    with pytest.raises(ConfigError, match="at least 32"):
        sealing.require_key(_production())
