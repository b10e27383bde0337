"""The prior-case index: which kommuner have (or had) a case on a CPR number.

Each kommune's main cases are mirrored into ``shared.cpr_index`` as a keyed hash of the
child's CPR number (an unborn child: the mother's), the opening and closing dates and, for
a case that left by transfer, where it went. The mirror is kept through the outbox: a
change to a case enqueues ``crosskommune.index_child`` in the same transaction, and the job
re-reads the child and writes every one of its cases' rows through
``shared.cpr_index_sync`` (idempotent: the job can run any number of times). The index is
therefore eventually consistent: a case opened elsewhere a moment ago may be missing for
the second or so until that kommune's job has run.

A lookup goes through ``shared.cpr_prior_cases``, which returns only *other* kommuner's
rows (kommune, dates, open or closed, transferred where) and appends the lookup to
``shared.cross_audit``; :func:`lookup` also records ``cpr.prior_cases`` in the asking
kommune's own audit. CPR numbers are never logged and never leave the kommune's schema.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.audit.service import record
from backend.casework import lifecycle
from backend.casework.access import AccessibleCase
from backend.core.db import conn
from backend.crosskommune import repository as repo
from backend.crosskommune.keys import cpr_hmac
from backend.crosskommune.schemas import KommuneRef, PriorCaseRead
from backend.outbox.service import enqueue, outbox_job
from tenancy.context import TenantScope

INDEX_JOB = "crosskommune.index_child"


async def schedule(child_id: uuid.UUID) -> None:
    """Bring the child's index rows up to date after this transaction commits."""
    await enqueue(INDEX_JOB, {"child_id": str(child_id)})


@outbox_job(INDEX_JOB)
async def _index_child(scope: TenantScope, outbox_id: uuid.UUID, payload: dict[str, Any]) -> None:
    await sync_child(scope.connection, uuid.UUID(payload["child_id"]))


def _key_of(cpr: str | None, mother_cpr: str | None) -> tuple[bytes, str] | None:
    if cpr:
        return cpr_hmac(cpr), "barn"
    if mother_cpr:
        return cpr_hmac(mother_cpr), "ufoedt"
    return None


async def sync_child(c: Any, child_id: uuid.UUID) -> int:
    """Write the index rows of every main case of ``child_id`` (in the open tenant
    transaction on ``c``); return how many."""
    child = await repo.get_child_cpr(c, child_id)
    if child is None:
        return 0
    key = _key_of(child.cpr, child.mother_cpr)
    if key is None:
        return 0
    cases = await repo.list_child_cases(c, child_id)
    await repo.sync_index(
        c, [(h.id, key[0], key[1], h.opened_at, h.closed_at, h.transferred_to) for h in cases]
    )
    return len(cases)


async def reindex_kommune(scope: TenantScope, batch: int = 2000) -> int:
    """Index every main case of the kommune (a backfill after this feature arrived, or
    after the key was changed). Returns the number of cases written."""
    c = scope.connection
    args: list[repo.IndexArgs] = []
    for h in await repo.list_all_cases(c):
        key = _key_of(h.cpr, h.mother_cpr)
        if key is not None:
            args.append((h.id, key[0], key[1], h.opened_at, h.closed_at, h.transferred_to))
    for i in range(0, len(args), batch):
        await repo.sync_index(c, args[i : i + batch])
    return len(args)


async def lookup(
    cprs: list[str], actor: str, purpose: str, subject: str | None = None
) -> list[PriorCaseRead]:
    """Other kommuner's cases on any of ``cprs`` (normalised ten-digit numbers). Audited
    in ``shared.cross_audit`` (by the database function) and in this kommune's audit."""
    rows = await repo.list_prior_cases([cpr_hmac(c) for c in cprs], actor, purpose)
    found = [
        PriorCaseRead(
            kommune=KommuneRef(r.kommune_code, r.kommune_name),
            subject=r.subject,
            opened_on=r.opened_on,
            closed_on=r.closed_on,
            status="lukket" if r.closed_on else "aaben",
            transferred_to=KommuneRef(r.transferred_to, r.transferred_to_name or "")
            if r.transferred_to
            else None,
        )
        for r in rows
    ]
    await record(
        actor,
        "cpr.prior_cases",
        subject,
        purpose=purpose,
        found=len(found),
        kommuner=sorted({p.kommune.code for p in found}),
    )
    return found


async def lookup_for_child(child_id: uuid.UUID, actor: str, purpose: str) -> list[PriorCaseRead]:
    """The lookup for a child of this kommune: by its CPR number, or an unborn child's
    mother's."""
    child = await repo.get_child_cpr(conn(), child_id)
    if child is None:
        return []
    number = child.cpr or child.mother_cpr
    if not number:
        return []
    return await lookup([number], actor, purpose, str(child_id))


async def own_open_cases(hmac: bytes) -> list[uuid.UUID]:
    """This kommune's open cases on the child with this keyed CPR hash (found by its own
    index rows), newest first."""
    return await lifecycle.open_cases_among(await repo.list_own_case_refs(hmac))


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await repo.delete_case_rows(case)


async def cases_in_transfer(case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these cases are in a transfer now: retention refuses to delete them."""
    return await repo.list_cases_in_transfer(case_ids)
