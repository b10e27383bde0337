"""Rate limits (issue 13, finding 5): 429 with Retry-After and a Danish message, per user,
per kommune and per client address, taken before any database or login-state work."""

from __future__ import annotations

import ipaddress

from backend.limits.config import Limit
from tests.conftest import KOMMUNE_A, KOMMUNE_B
from tests.crosskommune.conftest import cpr_for

A, B = KOMMUNE_A[0], KOMMUNE_B[0]


def _retry_after(r) -> int:  # type: ignore[no-untyped-def]
    assert r.status_code == 429, r.text
    seconds = int(r.headers["retry-after"])
    assert seconds >= 1
    return seconds


async def _lookup(c, seed: int):  # type: ignore[no-untyped-def]
    return await c.post("/api/cpr/prior-cases", json={"cpr": cpr_for(seed)})


async def test_prior_case_lookups_are_limited_per_user(limits, client, seeded):
    sweeper = await client(A, "sagsbehandler")
    colleague = await client(A, "kollega")
    limits(prior_user=Limit(3, 3600))
    for i in range(3):
        r = await _lookup(sweeper, 500 + i)
        assert r.status_code == 200, r.text
    refused = await _lookup(sweeper, 503)
    assert 1 <= _retry_after(refused) <= 1200
    body = refused.json()
    assert body["status_code"] == 429
    assert body["detail"].startswith("Du har sendt for mange forespørgsler på kort tid. Vent ")
    assert body["extra"] == {"retry_after": int(refused.headers["retry-after"])}
    assert refused.headers["cache-control"] == "no-store"
    # Another caseworker of the same kommune is not limited by the sweeper's bucket.
    assert (await _lookup(colleague, 504)).status_code == 200
    # Other calls of the sweeper still work: the limit is on the lookups.
    assert (await sweeper.get("/api/session")).status_code == 200


async def test_prior_case_lookups_are_limited_per_kommune(limits, client, seeded):
    first = await client(A, "sagsbehandler")
    second = await client(A, "kollega")
    manager = await client(A, "leder")
    elsewhere = await client(B, "sagsbehandler")
    limits(prior_kommune=Limit(4, 3600))
    for i in range(2):
        assert (await _lookup(first, 510 + i)).status_code == 200
        assert (await _lookup(second, 520 + i)).status_code == 200
    # The kommune's bucket is empty: a user who has made no lookup is refused too ...
    _retry_after(await _lookup(manager, 530))
    # ... and another kommune is not.
    assert (await _lookup(elsewhere, 531)).status_code == 200


async def test_every_api_call_is_limited_per_user(limits, client, seeded):
    busy = await client(A, "oekonomi")
    calm = await client(A, "leder")
    limits(api=Limit(3, 60))
    for _ in range(3):
        assert (await busy.get("/api/session")).status_code == 200
    assert 1 <= _retry_after(await busy.get("/api/session")) <= 20
    assert (await calm.get("/api/session")).status_code == 200


async def test_login_start_is_limited_per_address(limits, client, seeded):
    flooder = await client(address="198.51.100.7")
    other = await client(address="198.51.100.8")
    limits(login=Limit(2, 60))
    for _ in range(2):
        r = await flooder.get(f"/api/auth/login?kommune={A}")
        assert r.status_code == 303, r.text
    refused = await flooder.get(f"/api/auth/login?kommune={A}")
    assert 1 <= _retry_after(refused) <= 30
    assert refused.json()["detail"].startswith("Du har sendt for mange forespørgsler")
    # A browser following a link gets a Danish page, not JSON.
    page = await flooder.get(f"/api/auth/login?kommune={A}", headers={"Accept": "text/html"})
    _retry_after(page)
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert '<html lang="da">' in page.text and "For mange forsøg" in page.text
    # The operator's login start shares the address's bucket.
    _retry_after(await flooder.get("/api/operator/login"))
    # Another address is not limited.
    assert (await other.get(f"/api/auth/login?kommune={A}")).status_code == 303


async def test_callbacks_and_device_status_are_limited_per_address(limits, client, seeded):
    junk = await client(address="198.51.100.20")
    limits(callback=Limit(2, 60), enhedsstatus=Limit(2, 60))
    for _ in range(2):
        r = await junk.get("/api/auth/callback?code=x&state=y")
        assert r.status_code == 303, r.text
    _retry_after(await junk.get("/api/auth/callback?code=x&state=y"))
    token = {"token": f"{A}.00000000-0000-0000-0000-000000000000.x"}
    for _ in range(2):
        assert (await junk.post("/api/offline/enhedsstatus", json=token)).status_code == 200
    _retry_after(await junk.post("/api/offline/enhedsstatus", json=token))


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(limits, client, seeded):
    # Without a trusted proxy, a client cannot escape its limit by inventing addresses.
    direct = await client(address="198.51.100.30")
    limits(login=Limit(1, 60))
    r = await direct.get(f"/api/auth/login?kommune={A}", headers={"X-Forwarded-For": "10.0.0.1"})
    assert r.status_code == 303
    spoofed = await direct.get(
        f"/api/auth/login?kommune={A}", headers={"X-Forwarded-For": "10.0.0.2"}
    )
    _retry_after(spoofed)

    # Behind a configured proxy, each forwarded client has its own bucket; what a client
    # wrote to the left of the proxy's own entry is ignored.
    proxy = await client(address="192.0.2.10")
    limits(trusted_proxies=(ipaddress.ip_network("192.0.2.0/24"),))
    first = await proxy.get(
        f"/api/auth/login?kommune={A}", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.5"}
    )
    assert first.status_code == 303
    again = await proxy.get(
        f"/api/auth/login?kommune={A}", headers={"X-Forwarded-For": "7.7.7.7, 203.0.113.5"}
    )
    _retry_after(again)
    another = await proxy.get(
        f"/api/auth/login?kommune={A}", headers={"X-Forwarded-For": "203.0.113.6"}
    )
    assert another.status_code == 303


async def test_a_users_sessions_share_her_bucket_and_a_revoked_session_is_refused(
    limits, app, seeded
):
    """After a cookie's first request the API process reads the session and takes the tokens
    in one round trip (it remembers whose buckets they are): still per user, not per session,
    and a session revoked meanwhile gets 401, not a token."""
    from tests.conftest import logged_in

    laptop = await logged_in(app, A, "leder")
    tablet = await logged_in(app, A, "leder")
    try:
        limits(api=Limit(4, 60))
        for c in (laptop, tablet, laptop, tablet):  # each cookie's first and second request
            assert (await c.get("/api/session")).status_code == 200
        _retry_after(await laptop.get("/api/session"))
        _retry_after(await tablet.get("/api/session"))
        _retry_after(await tablet.get("/api/overview"))  # any route: the same bucket
        # The administrator deactivates the user: her sessions end at once.
        sessions = app.state.sessions
        user = (await sessions.load(laptop.cookies["trekant_session"])).subject
        await sessions.revoke_user("kommune", A, user)
        limits(api=Limit(100, 60))
        assert (await laptop.get("/api/session")).status_code == 401
        assert (await tablet.get("/api/session")).status_code == 401
    finally:
        await laptop.aclose()
        await tablet.aclose()
