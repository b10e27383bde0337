"""A small asyncio load client for the fault tests: a few writers and readers on one
case, a few dozen requests a second, each answer (or transport error) recorded.

Every write is a journal note with its own title and ``Idempotency-Key``, as the PWA's
offline outbox sends it, so a test can check afterwards that each note answered 201 is
committed, and that a note that was not answered 201 is in exactly once after the client
sends it again with the same key (:func:`resend_unanswered`).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import httpx

from backend.db import DB
from tenancy.context import tenant_transaction

BOUND_SECONDS = 10.0  # no request may take longer, outage or not


@dataclass
class Outcome:
    write: bool
    status: int | None  # None: no HTTP answer (see error)
    error: str | None
    started: float
    ended: float
    title: str = ""
    key: str = ""
    detail: str = ""
    retry_after: str | None = None


@dataclass
class Load:
    """``async with Load(client, case_id) as load:`` runs until the block ends."""

    client: httpx.AsyncClient
    case_id: str
    writers: int = 3
    readers: int = 2
    pause: float = 0.1
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def __aenter__(self) -> Load:
        self._tasks = [asyncio.create_task(self._write(n)) for n in range(self.writers)] + [
            asyncio.create_task(self._read()) for _ in range(self.readers)
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _call(self, outcome: Outcome, request: asyncio.Future[httpx.Response]) -> None:
        try:
            r = await asyncio.wait_for(request, BOUND_SECONDS)
        except TimeoutError:
            outcome.error = "timeout"
        except httpx.TransportError as exc:
            outcome.error = type(exc).__name__
        else:
            outcome.status = r.status_code
            if r.headers.get("content-type", "").startswith("application/json"):
                body = r.json()
                outcome.detail = body.get("detail", "") if isinstance(body, dict) else ""
            outcome.retry_after = r.headers.get("retry-after")
        outcome.ended = time.monotonic()
        self.outcomes.append(outcome)

    async def _write(self, n: int) -> None:
        i = 0
        while not self._stop.is_set():
            title = f"Belastning {self.tag} {n}-{i}"
            key = str(uuid.uuid4())
            outcome = Outcome(True, None, None, time.monotonic(), 0.0, title, key)
            request = self.client.post(
                f"/api/cases/{self.case_id}/journal",
                json={"title": title, "body": "Skrevet under belastning", "corrects_id": None},
                headers={"Idempotency-Key": key},
            )
            await self._call(outcome, asyncio.ensure_future(request))
            i += 1
            await asyncio.sleep(self.pause)

    async def _read(self) -> None:
        while not self._stop.is_set():
            outcome = Outcome(False, None, None, time.monotonic(), 0.0)
            request = self.client.get(f"/api/cases/{self.case_id}")
            await self._call(outcome, asyncio.ensure_future(request))
            await asyncio.sleep(self.pause)

    @property
    def writes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.write]


async def note_counts(code: str, case_id: str, tag: str) -> dict[str, int]:
    """How many times each of this load's notes is in the case's journal."""
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT title, count(*) AS n FROM journal_entry "
            "WHERE hovedsag_id = $1 AND title LIKE $2 GROUP BY title",
            uuid.UUID(case_id),
            f"Belastning {tag} %",
        )
    return {r["title"]: r["n"] for r in rows}


async def resend_unanswered(client: httpx.AsyncClient, load: Load) -> None:
    """Send every write that got no 201 again with its own key, as the offline outbox
    does; each must now be answered 201 (run afresh, or replayed if it was committed)."""
    for o in load.writes:
        if o.status == 201:
            continue
        r = await client.post(
            f"/api/cases/{load.case_id}/journal",
            json={"title": o.title, "body": "Skrevet under belastning", "corrects_id": None},
            headers={"Idempotency-Key": o.key},
        )
        assert r.status_code == 201, (o, r.text)
