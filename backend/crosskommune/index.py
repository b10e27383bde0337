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
from backend.crosskommune.keys import cpr_hmac
from backend.crosskommune.schemas import KommuneRef, PriorCaseRead
from backend.outbox.service import enqueue, outbox_job
from tenancy.context import TenantScope, current_scope

INDEX_JOB = "crosskommune.index_child"

_SYNC = "SELECT shared.cpr_index_sync($1, $2, $3, $4, $5, $6)"


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


async def sync_child(conn: Any, child_id: uuid.UUID) -> int:
    """Write the index rows of every main case of ``child_id`` (in the open tenant
    transaction); return how many."""
    child = await conn.fetchrow("SELECT cpr, mother_cpr FROM child WHERE id = $1", child_id)
    if child is None:
        return 0
    key = _key_of(child["cpr"], child["mother_cpr"])
    if key is None:
        return 0
    cases = await conn.fetch(
        "SELECT id, opened_at, closed_at, transferred_to FROM hovedsag WHERE child_id = $1",
        child_id,
    )
    await conn.executemany(
        _SYNC,
        [
            (c["id"], key[0], key[1], c["opened_at"], c["closed_at"], c["transferred_to"])
            for c in cases
        ],
    )
    return len(cases)


async def reindex_kommune(scope: TenantScope, batch: int = 2000) -> int:
    """Index every main case of the kommune (a backfill after this feature arrived, or
    after the key was changed). Returns the number of cases written."""
    conn = scope.connection
    rows = await conn.fetch(
        "SELECT h.id, c.cpr, c.mother_cpr, h.opened_at, h.closed_at, h.transferred_to "
        "FROM hovedsag h JOIN child c ON c.id = h.child_id"
    )
    args = []
    for r in rows:
        key = _key_of(r["cpr"], r["mother_cpr"])
        if key is not None:
            args.append(
                (r["id"], key[0], key[1], r["opened_at"], r["closed_at"], r["transferred_to"])
            )
    for i in range(0, len(args), batch):
        await conn.executemany(_SYNC, args[i : i + batch])
    return len(args)


async def lookup(
    cprs: list[str], actor: str, purpose: str, subject: str | None = None
) -> list[PriorCaseRead]:
    """Other kommuner's cases on any of ``cprs`` (normalised ten-digit numbers). Audited
    in ``shared.cross_audit`` (by the database function) and in this kommune's audit."""
    conn = current_scope().connection
    rows = await conn.fetch(
        "SELECT kommune_code, kommune_name, subject, opened_on, closed_on, transferred_to, "
        "transferred_to_name FROM shared.cpr_prior_cases($1::bytea[], $2, $3)",
        [cpr_hmac(c) for c in cprs],
        actor,
        purpose,
    )
    found = [
        PriorCaseRead(
            kommune=KommuneRef(r["kommune_code"], r["kommune_name"]),
            subject=r["subject"],
            opened_on=r["opened_on"],
            closed_on=r["closed_on"],
            status="lukket" if r["closed_on"] else "aaben",
            transferred_to=KommuneRef(r["transferred_to"], r["transferred_to_name"] or "")
            if r["transferred_to"]
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
    child = await current_scope().connection.fetchrow(
        "SELECT cpr, mother_cpr FROM child WHERE id = $1", child_id
    )
    if child is None:
        return []
    number = child["cpr"] or child["mother_cpr"]
    if not number:
        return []
    return await lookup([number], actor, purpose, str(child_id))
