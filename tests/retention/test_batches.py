"""Retention at scale (issue 18 item 4, session 11): a run is deleted in batches, one
transaction each, and resumes after a worker dies mid-batch without deleting anything twice;
a deleted case's CPR number leaves every kept DST delivery, and DST is not told to delete it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import asyncpg
import pytest

from backend.core.danish import today_dk
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from backend.retention import repository as retention_repo
from backend.retention import service as retention
from backend.statistics.service import CPR_MARKER, RETIRED
from tenancy.context import tenant_transaction
from tests import factories
from tests.conftest import SPARE_REALM, new_kommune
from tests.statistics.test_dst import _decide, _send_jobs

LONG_AGO = date(2015, 3, 2)


@pytest.fixture
async def owner(registry):  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(registry.dsn)
    try:
        yield conn
    finally:
        await conn.close()


async def _close_long_ago(owner: asyncpg.Connection, code: str, case_id: str) -> None:
    await owner.execute(
        f"UPDATE k{code}.hovedsag SET opened_at = least(opened_at, $2::date - 30), "
        "closed_at = $2, stage = 'afsluttet' WHERE id = $1",
        uuid.UUID(case_id),
        LONG_AGO,
    )


async def _drain(code: str, prefix: str) -> int:
    """Run the kommune's pending jobs with ``prefix`` until none is left (a job may queue the
    next); returns how many ran."""
    ran = 0
    while True:
        async with tenant_transaction(DB, code) as scope:
            rows = await scope.connection.fetch(
                "SELECT id FROM outbox WHERE done_at IS NULL AND job LIKE $1 ORDER BY created_at",
                prefix + "%",
            )
        if not rows:
            return ran
        for r in rows:
            await run_outbox_job({}, code, str(r["id"]))
            ran += 1


async def test_a_deleted_cases_cpr_number_leaves_every_kept_delivery(
    client, registry, fresh_code, owner, seeded
):
    code = fresh_code
    await new_kommune(registry, code, "Glemmeby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    admin = await client(code, "admin", SPARE_REALM)
    gone = await factories.child(worker)
    kept = await factories.child(worker)
    for made in (gone, kept):
        await _decide(worker, made.case_id, "32", "kontaktperson", today_dk() - timedelta(60))
        await factories.underretning(worker, made.case_id, causes=["skole"])
    # Two deliveries hold the case: the first, and a correction after its measure changed.
    assert (await admin.post("/api/statistics/dst/deliveries")).status_code == 201
    assert await _send_jobs(code) == ["done"]
    await owner.execute(
        f"UPDATE k{code}.indsats SET ends_on = current_date WHERE hovedsag_id = $1",
        uuid.UUID(gone.case_id),
    )
    assert (await admin.post("/api/statistics/dst/deliveries")).status_code == 201
    assert await _send_jobs(code) == ["done"]
    before = await owner.fetch(f"SELECT payload FROM k{code}.dst_delivery")
    assert [gone.cpr.encode() in r["payload"] for r in before] == [True, True]

    await _close_long_ago(owner, code, gone.case_id)
    r = await admin.post("/api/admin/retention/deletions", json={"case_ids": [gone.case_id]})
    assert r.status_code == 201, r.text
    assert await _drain(code, "retention.") == 1
    run = (await admin.get(f"/api/admin/retention/deletions/{r.json()['id']}")).json()
    assert (run["status"], run["deleted"]) == ("faerdig", 1)

    after = await owner.fetch(f"SELECT payload FROM k{code}.dst_delivery ORDER BY created_at")
    for row in after:
        assert gone.cpr.encode() not in row["payload"]
        assert f"<CPR>{CPR_MARKER}</CPR>".encode() in row["payload"]
    assert kept.cpr.encode() in after[0]["payload"]  # another child's records are untouched
    retired = await owner.fetch(
        f"SELECT content_hash, hovedsag_id FROM k{code}.dst_record WHERE content_hash = $1",
        RETIRED,
    )
    assert len(retired) == 3  # the measure twice, the notification once
    assert all(r["hovedsag_id"] is None for r in retired)
    # DST keeps its statistics: the deletion of a case is not a Sletning at DST.
    check = (await admin.post("/api/statistics/dst/check")).json()
    assert (check["new"], check["corrections"], check["deletions"]) == (0, 0, 0)


async def test_a_run_goes_in_batches_and_resumes_after_the_worker_dies(
    client, registry, fresh_code, owner, seeded
):
    code = fresh_code
    await new_kommune(registry, code, "Batchby")
    worker = await client(code, "sagsbehandler", SPARE_REALM)
    cases = [(await factories.child(worker)).case_id for _ in range(5)]
    for case_id in cases:
        await _close_long_ago(owner, code, case_id)
    async with tenant_transaction(DB, code):
        run_id = await retention_repo.insert_run(
            "admin@batchby.dk", "Administrator", [(uuid.UUID(c), None) for c in cases]
        )

    # The worker dies in the middle of the first batch: its transaction is lost whole.
    class Died(Exception):
        pass

    with pytest.raises(Died):
        async with tenant_transaction(DB, code):
            assert await retention.run_deletion(code, run_id, 2) == "more"
            raise Died
    alive = await owner.fetchval(
        f"SELECT count(*) FROM k{code}.hovedsag WHERE id = ANY($1::uuid[])",
        [uuid.UUID(c) for c in cases],
    )
    assert alive == 5
    assert (
        await owner.fetchval(
            f"SELECT count(outcome) FROM k{code}.retention_run_case WHERE run_id = $1", run_id
        )
        == 0
    )

    # Run again: two cases per transaction, each batch queueing the next.
    async with tenant_transaction(DB, code):
        assert await retention.run_deletion(code, run_id, 2) == "more"
    assert await _drain(code, "retention.") == 2
    async with tenant_transaction(DB, code):
        run = await retention_repo.get_run(run_id)
        assert await retention.run_deletion(code, run_id, 2) == "skipped"  # finished: once
    assert run is not None
    assert (run.status, run.batches, run.deleted, run.refused) == ("faerdig", 3, 5, 0)
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{code}.hovedsag WHERE id = ANY($1::uuid[])",
            [uuid.UUID(c) for c in cases],
        )
        == 0
    )
    # The audit: an event per deleted case, and the run's totals.
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{code}.audit_event WHERE action = 'retention.case_deleted'"
        )
        == 5
    )
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{code}.audit_event WHERE action = 'retention.run_finished'"
        )
        == 1
    )
    # Outside the job the database still refuses to delete a case's rows.
    other = (await factories.child(worker)).case_id
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, code) as scope:
            await scope.connection.execute("DELETE FROM hovedsag WHERE id = $1", uuid.UUID(other))
