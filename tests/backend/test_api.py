"""The HTTP API over the real app, database and Redis."""

from __future__ import annotations

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A, KOMMUNE_B, SPARE_REALM, new_kommune, sign_in

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


async def _a_child_id(code: str) -> str:
    async with tenant_transaction(DB, code) as scope:
        return str(await scope.connection.fetchval("SELECT id FROM child ORDER BY cpr LIMIT 1"))


async def test_health_reports_database_and_redis(http):
    r = await http.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["redis"]["ok"]


async def test_kommuner_lists_suspended_kommuner_with_their_status_only(
    http, registry, fresh_code, seeded
):
    await new_kommune(registry, fresh_code, "Spærreby")
    await registry.set_status(fresh_code, "suspended", "Kontrakt udløbet")
    listed = {k["code"]: k for k in (await http.get("/api/kommuner")).json()}
    assert listed[A] == {"code": A, "name": "København", "status": "active"}
    assert listed[B] == {"code": B, "name": "Testby", "status": "active"}
    # Its users are told it is closed; the reason and its log-in set-up stay private.
    assert listed[fresh_code] == {"code": fresh_code, "name": "Spærreby", "status": "suspended"}


async def test_api_requires_a_session(http, seeded):
    r = await http.get("/api/overview")
    assert r.status_code == 401
    assert r.json()["detail"] == "Log ind for at fortsætte"


async def test_overview_is_of_the_signed_in_kommune(http, seeded):
    await sign_in(http, B)
    body = (await http.get("/api/overview")).json()
    assert body["kommune_code"] == B and body["kommune_name"] == "Testby"
    async with tenant_transaction(DB, B) as scope:
        assert body["children"] == await scope.connection.fetchval("SELECT count(*) FROM child")
    assert sum(s["count"] for s in body["by_stage"]) == body["open_cases"]


async def test_no_header_cookie_query_or_path_switches_the_kommune(http, seeded):
    """The kommune comes from the server-side session only: whatever a client says about
    another kommune, the answers are its own kommune's, and the other's child stays 404."""
    await sign_in(http, B)
    other = await _a_child_id(A)
    attempts = [
        {"headers": {"X-Kommune": A, "X-Tenant": A, "X-Kommune-Code": A}},
        {"headers": {"Host": f"k{A}.trekant.dk", "X-Forwarded-Host": f"k{A}.trekant.dk"}},
        {"params": {"kommune": A, "kommune_code": A, "tenant": A}},
        {"cookies": {"kommune": A, "trekant_kommune": A}},
    ]
    for extra in attempts:
        cookies = extra.pop("cookies", None)
        if cookies:
            for k, v in cookies.items():
                http.cookies.set(k, v)
        body = (await http.get("/api/overview", **extra)).json()
        assert body["kommune_code"] == B, extra
        assert (await http.get(f"/api/children/{other}", **extra)).status_code == 404, extra
    for path in (f"/api/{A}/overview", f"/api/kommuner/{A}/overview"):
        assert (await http.get(path)).status_code == 404, path


async def test_other_kommunes_child_is_404_like_a_missing_one(http, seeded):
    await sign_in(http, A, "leder")  # sees every case in the kommune
    other = await _a_child_id(B)
    own = await _a_child_id(A)
    assert (await http.get(f"/api/children/{own}")).status_code == 200
    r_other = await http.get(f"/api/children/{other}")
    r_missing = await http.get("/api/children/00000000-0000-0000-0000-000000000000")
    assert r_other.status_code == r_missing.status_code == 404
    assert r_other.json() == r_missing.json()


async def test_suspended_kommune_gets_403_and_keeps_its_data(http, registry, fresh_code, seeded):
    await new_kommune(registry, fresh_code, "Suspenderby", children=3)
    await sign_in(http, fresh_code, realm=SPARE_REALM)
    assert (await http.get("/api/overview")).status_code == 200
    await registry.set_status(fresh_code, "suspended", "test")
    r = await http.get("/api/overview")
    assert r.status_code == 403
    assert "suspenderet" in r.json()["detail"]
    await registry.set_status(fresh_code, "active")
    r = await http.get("/api/overview")
    assert r.status_code == 200 and r.json()["children"] == 3


async def test_unsafe_method_needs_the_csrf_token(http, seeded):
    session = await sign_in(http, A)
    assert (await http.post("/api/session/logout")).status_code == 403
    r = await http.post("/api/session/logout", headers={"X-CSRF-Token": session["csrf_token"]})
    assert r.status_code == 200
    assert (await http.get("/api/session")).status_code == 401


async def test_there_is_no_development_login(settings):
    from backend.app import create_app

    paths = {route.path for route in create_app(settings).routes}
    assert not [p for p in paths if "dev" in p]
    assert "/api/auth/login" in paths and "/api/auth/callback" in paths


async def test_security_and_cache_headers(http, seeded):
    r = await http.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_openapi_is_served(http):
    r = await http.get("/schema/openapi.json")
    assert r.status_code == 200
    assert "/api/overview" in r.json()["paths"]


async def test_unknown_api_path_is_json_404_not_the_app(http):
    r = await http.get("/api/does-not-exist")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")


def test_checked_in_openapi_matches_the_backend():
    """The PWA's client is generated from pwa/openapi.json; it must match the code."""
    import json
    from pathlib import Path

    from backend.app import create_app
    from backend.config import load_settings

    root = Path(__file__).resolve().parents[2]
    current = create_app(load_settings()).openapi_schema.to_schema()
    checked_in = json.loads((root / "pwa" / "openapi.json").read_text())
    assert current == checked_in, "pwa/openapi.json is stale: run `just openapi`"
