"""How many SQL statements the hot pages cost, so an N+1 (a query per row) or one more
round trip per request fails a test.

Every statement one request runs on its tenant transaction (the connection the middleware
opens with ``tenant_transaction``) is counted with asyncpg's query logger, from the first
statement after the switch to the kommune to the COMMIT. The hot pages of the request mix
(issue 19: front page, case page, journal) are pinned exactly; each page is also read for a
case (or a worklist) with more rows, and must cost exactly the same. asyncpg's own type
look-ups are not counted. Counts are taken with the session's principal cached (a request
just before warms it); what a cold cache adds is pinned on its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

import backend.middleware
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import KOMMUNE_A, AsUser

A = KOMMUNE_A[0]
DRIVER = ("typeinfo_tree", "set_config('jit'")  # asyncpg's type introspection


class Counter:
    """The statements of the requests made while it is installed."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def __call__(self, logged: Any) -> None:
        # asyncpg looks a type up the first time a connection meets it (with JIT switched
        # off around the look-up): the driver's doing, different per connection, not ours.
        if not any(mark in logged.query for mark in DRIVER):
            self.queries.append(logged.query)

    async def count(self, c: httpx.AsyncClient, path: str) -> int:
        await c.get("/api/session")  # the session's principal is cached (30 s)
        self.queries.clear()
        r = await c.get(path)
        assert r.status_code == 200, r.text
        # At least the COMMIT: else the counting no longer sees the requests.
        assert self.queries, "no statement counted: does the middleware still open it?"
        return len(self.queries)

    def explain(self) -> str:
        return "\n".join(repr(q[:160]) for q in self.queries)


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts the statements on every request's tenant transaction."""
    counting = Counter()
    real: Callable[..., Any] = tenant_transaction  # what the middleware imported

    @asynccontextmanager
    async def logged(engine: Any, code: str) -> AsyncIterator[Any]:
        async with real(engine, code) as scope:
            scope.connection.add_query_logger(counting)
            try:
                yield scope
            finally:
                scope.connection.remove_query_logger(counting)

    monkeypatch.setattr(backend.middleware, "tenant_transaction", logged)
    return counting


async def _busy_case(c: httpx.AsyncClient, notes: int) -> factories.Child:
    """A child with an underretning, an investigation, a network member and ``notes``
    journal notes."""
    made = await factories.child(c)
    await factories.underretning(c, made.case_id)
    await factories.investigation(c, made.case_id)
    await factories.network_member(c, made.child_id)
    for i in range(notes):
        await factories.note(c, made.case_id, f"Notat {i}", "Tekst")
    return made


async def test_the_front_page_costs_the_same_however_many_cases(
    as_user: AsUser, counter: Counter
) -> None:
    c = await as_user(A, "sagsbehandler")
    await _busy_case(c, 1)
    # Open cases per stage; the cases (one Piccolo query with the child's name); which of
    # them the user may open (one query for all); children; open cases; COMMIT.
    overview = await counter.count(c, "/api/overview")
    assert overview <= 6, counter.explain()
    # Open activities; own cases with activity counts; new notifications; COMMIT.
    worklist = await counter.count(c, "/api/worklist")
    assert worklist == 4, counter.explain()
    await _busy_case(c, 3)
    await _busy_case(c, 3)
    assert await counter.count(c, "/api/overview") == overview, counter.explain()
    assert await counter.count(c, "/api/worklist") == worklist, counter.explain()


async def test_the_paged_front_page_costs_the_same_however_many_cases(
    as_user: AsUser, counter: Counter
) -> None:
    c = await as_user(A, "sagsbehandler")
    await _busy_case(c, 0)
    # Each: one query (the rows with their total); COMMIT.
    first = [
        "/api/worklist/summary",
        "/api/worklist/activities?vindue=overdue",
        "/api/worklist/activities?vindue=this_week&type=vurdering-24-timer",
        "/api/worklist/notifications",
        "/api/worklist/cases?sort=navn",
    ]
    counts = [await counter.count(c, path) for path in first]
    assert counts == [2, 2, 2, 2, 2], counter.explain()
    await _busy_case(c, 0)
    await _busy_case(c, 0)
    assert [await counter.count(c, path) for path in first] == counts, counter.explain()


async def test_the_case_page_costs_the_same_however_full_the_case(
    as_user: AsUser, counter: Counter
) -> None:
    c = await as_user(A, "sagsbehandler")
    small = await _busy_case(c, 1)
    big = await _busy_case(c, 6)
    # Access; the case with the child and (as array columns) its enkeltsager, activities,
    # underretninger, afgørelser, indsatser, opfølgninger and case workers; the read's audit
    # job in the outbox; COMMIT.
    case = await counter.count(c, f"/api/cases/{small.case_id}")
    assert case == 4, counter.explain()
    assert await counter.count(c, f"/api/cases/{big.case_id}") == case, counter.explain()


async def test_the_journal_costs_the_same_however_long(as_user: AsUser, counter: Counter) -> None:
    c = await as_user(A, "sagsbehandler")
    small = await _busy_case(c, 1)
    big = await _busy_case(c, 8)
    # Access; the page of entries with their total; the read's audit job in the outbox;
    # COMMIT.
    journal = await counter.count(c, f"/api/cases/{small.case_id}/journal")
    assert journal == 4, counter.explain()
    assert await counter.count(c, f"/api/cases/{big.case_id}/journal") == journal
    page = await counter.count(c, f"/api/cases/{big.case_id}/journal?page_size=5")
    assert page == journal, counter.explain()
    # A page with corrections on it: one statement more for what they correct, however many.
    for _ in range(2):
        first = (await c.get(f"/api/cases/{big.case_id}/journal?page_size=200")).json()
        note = next(e for e in first["items"] if e["kind"] == "notat" and not e["corrections"])
        r = await c.post(
            f"/api/cases/{big.case_id}/journal",
            json={"title": "Rettelse", "body": "Rettet", "corrects_id": note["id"]},
        )
        assert r.status_code == 201, r.text
        assert await counter.count(c, f"/api/cases/{big.case_id}/journal") == journal + 1
    # Past the last page: no entries, and the total counted on its own.
    total = (await c.get(f"/api/cases/{big.case_id}/journal")).json()["total"]
    past = await c.get(f"/api/cases/{big.case_id}/journal?page=9&page_size=50")
    assert past.json()["items"] == [] and past.json()["total"] == total
    assert await counter.count(c, f"/api/cases/{big.case_id}/journal?page=9") == journal + 1


async def test_the_principal_is_read_once_per_session_until_the_cache_expires(
    as_user: AsUser, counter: Counter, app: Any
) -> None:
    """A cold principal cache costs one statement (the user and roles); the next request
    uses the cache; when the entry is gone (expired, or forgotten after a role change),
    the next request reads the database again."""
    c = await as_user(A, "sagsbehandler")
    warm = await counter.count(c, "/api/worklist")
    await app.state.redis.delete(*await app.state.redis.keys("trekant:session:*:principal"))
    counter.queries.clear()
    assert (await c.get("/api/worklist")).status_code == 200
    assert len(counter.queries) == warm + 1, counter.explain()
    assert "FROM app_user u" in counter.queries[0], counter.explain()
    counter.queries.clear()
    assert (await c.get("/api/worklist")).status_code == 200
    assert len(counter.queries) == warm, counter.explain()
