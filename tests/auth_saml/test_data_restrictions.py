"""Data restrictions (dataafgrænsninger) from Fælleskommunal Adgangsstyring, enforced: each
user logs in through the development Context Handler with the privileges its demo users
carry (``infra/contexthandler``), and the database (tenant migration 0048) hides every case
outside a user's restrictions from every read: the case page answers 404 exactly as for a
case that does not exist, and the worklist, search and document search leave it out.

Aarhus's demo teams are mapped to the demo organisation units: Sara (caseworker) is
restricted to Familieteam Nord, Karl (caseworker) to Modtagelsen, Nanna (manager) to
Familieteam Nord, Kim (manager) to KLE 25.* (none of Trekant's børnesager, KLE 27.24.00);
Lene (manager) is unrestricted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backend.core.scope import case_scope, kle_covers
from infra.contexthandler import DEMO_UNITS, cvr_for, demo_users, issuer_from
from infra.contexthandler.issue import privilege_list
from tests import factories
from tests.auth_saml.test_context_handler import _attributes, _ch_login, _response, _start
from tests.conftest import ROOT, context_handler, use_context_handler

CODE = "0751"
KLE = "http://sts.kombit.dk/constraints/KLE/1"
NAME = "Omfangsen"  # the children's last name, searched for


@pytest.fixture(scope="module")
async def ch(registry, seeded):  # type: ignore[no-untyped-def]
    await use_context_handler(registry)
    return context_handler()


@pytest.fixture
async def browser(app) -> AsyncIterator[Any]:  # type: ignore[no-untyped-def]
    """``await browser(username)``: a client logged in through the Context Handler."""
    made: list[httpx.AsyncClient] = []

    async def make(username: str) -> httpx.AsyncClient:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        made.append(c)
        r = await _ch_login(c, username)
        assert r.status_code == 303 and r.headers["location"] == "/", r.headers
        c.headers["X-CSRF-Token"] = (await c.get("/api/session")).json()["csrf_token"]
        return c

    yield make
    for c in made:
        await c.aclose()


async def _search(c: httpx.AsyncClient) -> set[str]:
    r = await c.post("/api/search", json={"text": NAME, "page_size": 100})
    assert r.status_code == 200, r.text
    return {hit["hovedsag_id"] for hit in r.json()["items"]}


async def _hidden(c: httpx.AsyncClient, case_id: str) -> None:
    """``case_id`` answers exactly as a case that does not exist."""
    r = await c.get(f"/api/cases/{case_id}")
    none = await c.get(f"/api/cases/{uuid.uuid4()}")
    assert r.status_code == none.status_code == 404, r.text
    assert r.json()["detail"] == none.json()["detail"]
    assert (await c.get(f"/api/cases/{case_id}/journal")).status_code == 404


def _list_endpoints() -> list[str]:
    """Every GET of the kommune API without a path parameter (the lists a user reads)."""
    spec = json.loads((ROOT / "pwa" / "openapi.json").read_text())
    skip = ("/api/auth", "/api/operator", "/api/udtraek", "/api/kommuner")
    return [
        p
        for p, ops in spec["paths"].items()
        if "get" in ops and "{" not in p and p.startswith("/api/") and not p.startswith(skip)
    ]


async def _walk(c: httpx.AsyncClient, hidden: list[str]) -> int:
    """GET every list endpoint as ``c``: none names anything of ``hidden``; how many
    answered 200."""
    answered = 0
    for path in _list_endpoints():
        r = await c.get(path, params={"q": NAME} if path.endswith("/search") else None)
        assert r.status_code < 500, (path, r.text)
        if r.status_code == 200:
            answered += 1
            for secret in hidden:
                assert secret not in r.text, (path, secret)
    return answered


async def test_restricted_users_reach_only_the_cases_their_restrictions_cover(ch, browser):  # type: ignore[no-untyped-def]
    # Each caseworker registers a child: the case joins her team (in her restriction).
    sara = await browser("sagsbehandler@aarhus.dk")
    nord = await factories.child(sara, first_name="Nora", last_name=NAME)
    karl = await browser("kollega@aarhus.dk")
    modt = await factories.child(karl, first_name="Mads", last_name=NAME)
    for c, own, other in ((sara, nord, modt), (karl, modt, nord)):
        assert (await c.get(f"/api/cases/{own.case_id}")).status_code == 200
        assert own.case_id in (await c.get("/api/worklist/cases")).text
        await _hidden(c, other.case_id)
        assert await _search(c) & {nord.case_id, modt.case_id} == {own.case_id}
        # Stepping in is no way around it: the same 404.
        r = await c.post(f"/api/cases/{other.case_id}/step-in", json={"reason": "Akut"})
        assert r.status_code == 404, r.text

    # The unrestricted manager reaches both, as before.
    lene = await browser("leder@aarhus.dk")
    assert {nord.case_id, modt.case_id} <= await _search(lene)
    for case in (nord, modt):
        assert (await lene.get(f"/api/cases/{case.case_id}")).status_code == 200

    # A manager restricted to Familieteam Nord: its cases only, in every read.
    nanna = await browser("leder.nord@aarhus.dk")
    assert (await nanna.get(f"/api/cases/{nord.case_id}")).status_code == 200
    await _hidden(nanna, modt.case_id)
    assert await _search(nanna) & {nord.case_id, modt.case_id} == {nord.case_id}
    # Every list she can read (worklist, team overview, management information, money,
    # documents, offline, ...) leaves Modtagelsen's case out.
    modt_number = (await lene.get(f"/api/cases/{modt.case_id}")).json()["case_number"]
    hidden = [modt.case_id, modt.child_id, modt_number, f"Mads {NAME}"]
    # The walk would see it: with a notification on it, the unrestricted manager's
    # kommune overview lists Modtagelsen's case.
    await factories.underretning(karl, modt.case_id)
    overview = (await lene.get("/api/overview")).text
    assert any(h in overview for h in hidden)
    assert await _walk(nanna, hidden) > 20

    # A manager restricted to KLE 25.*: no case at all, an empty worklist and search.
    kim = await browser("leder.kle25@aarhus.dk")
    for case in (nord, modt):
        await _hidden(kim, case.case_id)
    assert await _search(kim) == set()
    r = await kim.post("/api/search", json={})
    assert r.status_code == 200 and r.json()["total"] == 0, r.text
    worklist = (await kim.get("/api/worklist/cases")).json()
    assert worklist["total"] == 0, worklist
    nord_number = (await lene.get(f"/api/cases/{nord.case_id}")).json()["case_number"]
    assert await _walk(kim, [*hidden, nord.case_id, nord.child_id, nord_number]) > 20
    # The administrator sees each role's restrictions, the unit by its team's name.
    admin = await browser("admin@aarhus.dk")
    users = {u["username"]: u for u in (await admin.get("/api/admin/users")).json()}
    assert users["kollega@aarhus.dk"]["restrictions"] == [
        {
            "role": "sagsbehandler",
            "kle": ["27.*"],
            "units": [{"uuid": DEMO_UNITS["Modtagelsen"], "name": "Modtagelsen"}],
        }
    ]
    assert users["leder@aarhus.dk"]["restrictions"] == []
    # The session shows the user her restrictions.
    session = (await kim.get("/api/session")).json()
    assert session["restrictions"] == [{"role": "leder", "kle": ["25.*"], "units": []}]


async def test_a_case_outside_her_restrictions_is_refused_and_nothing_written(ch, app, browser):  # type: ignore[no-untyped-def]
    """Sara (in Familieteam Nord) with a privilege restricted to Familieteam Syd: the case
    she registers would join her team, outside her restriction: 403 in Danish, no child."""
    user = next(u for u in demo_users(CODE) if u["username"] == "sagsbehandler@aarhus.dk")
    privileges = privilege_list(
        cvr_for(CODE),
        [
            (
                "sagsbehandler",
                {"http://sts.kombit.dk/constraints/orgenhed/1": DEMO_UNITS["Familieteam Syd"]},
            )
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as sara:
        _, request_id = await _start(sara)
        attributes = _attributes(
            user, **{"https://data.gov.dk/model/core/eid/privilegesIntermediate": privileges}
        )
        r = await sara.post(
            f"/api/auth/saml/{CODE}/acs",
            data={
                "SAMLResponse": _response(
                    issuer_from(ch.config), request_id, user, attributes=attributes
                )
            },
        )
        assert r.headers["location"] == "/", r.headers
        sara.headers["X-CSRF-Token"] = (await sara.get("/api/session")).json()["csrf_token"]
        body = {"cpr": factories.unique_cpr(), "first_name": "Sofie", "last_name": "Udenfor"}
        r = await sara.post("/api/children", json=body)
        assert r.status_code == 403, r.text
        assert "dataafgrænsninger" in r.json()["detail"]
    lene = await browser("leder@aarhus.dk")
    found = await lene.post("/api/search", json={"text": "Udenfor"})
    assert found.json()["total"] == 0, found.text


def test_the_scope_of_roles_and_restrictions() -> None:
    unit, other = "5b1c6a0e-7f2d-4c3b-9a8e-2d1f0c9b8a71", "2e6f4b8d-1a3c-4e5f-8b7a-9c0d1e2f3a4b"
    assert [kle_covers(k) for k in ("27.*", "27.24.*", "27.24", "27.24.00", "27")] == [True] * 5
    assert [kle_covers(k) for k in ("25.*", "27.25.*", "27.24.01", "2.*", "")] == [False] * 5
    # Unrestricted, or restricted to subjects that cover børnesager: exactly as before.
    assert case_scope(("sagsbehandler",), ()) is None
    assert case_scope(("sagsbehandler",), (("sagsbehandler", ("27.*",), ()),)) is None
    assert case_scope(("leder",), (("leder", ("27.24.*",), ()),)) is None
    assert case_scope(("administrator",), (("administrator", ("25.*",), ()),)) is None
    # A role restricted to other subjects grants nothing; a unit restricts to its teams.
    nothing = case_scope(("leder",), (("leder", ("25.*",), ()),))
    assert nothing is not None and (nothing.wide_units, nothing.own_units) == ((), ())
    assert not nothing.own_anywhere
    mixed = case_scope(
        ("leder", "sagsbehandler"),
        (("leder", (), (unit,)), ("sagsbehandler", ("27.*",), (other,))),
    )
    assert mixed is not None and mixed.wide_units == (unit,)
    assert set(mixed.own_units) == {unit, other} and not mixed.own_anywhere
    # An unrestricted kommune-wide role reaches everything whatever the others say.
    assert case_scope(("laeser", "sagsbehandler"), (("sagsbehandler", ("25.*",), ()),)) is None
