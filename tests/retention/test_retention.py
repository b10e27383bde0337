"""Retention and deletion (issue 18 item 4): the list of closed cases past their period,
the refusals, the deletion job through every owning package, all or nothing per case, and
the audit record that keeps no content."""

from __future__ import annotations

import json
import uuid
from datetime import date

import asyncpg
import httpx
import pytest

from backend.core.danish import today_dk
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from tenancy.context import tenant_transaction
from tests.appeals.test_appeals import decided_case
from tests.conftest import KOMMUNE_A, KOMMUNE_B
from tests.crosskommune.conftest import drain
from tests.documents.conftest import pdf_with, upload
from tests.factories import child as new_child
from tests.factories import note

A, B = KOMMUNE_A[0], KOMMUNE_B[0]
LONG_AGO = date(2015, 3, 2)


async def run_jobs(code: str, prefix: str) -> list[str]:
    async with tenant_transaction(DB, code) as scope:
        rows = await scope.connection.fetch(
            "SELECT id, job FROM outbox WHERE done_at IS NULL ORDER BY created_at"
        )
    return [
        await run_outbox_job({}, code, str(r["id"])) for r in rows if r["job"].startswith(prefix)
    ]


async def backdate(owner: asyncpg.Connection, code: str, case_id: str, day: date) -> None:
    """Close the case (if open) on ``day``: the test's stand-in for years passing."""
    await owner.execute(
        f"UPDATE k{code}.hovedsag SET opened_at = least(opened_at, $2::date - 30), closed_at = $2, "
        "stage = 'afsluttet' WHERE id = $1",
        uuid.UUID(case_id),
        day,
    )


async def case_rows(owner: asyncpg.Connection, code: str, case_id: str) -> dict[str, int]:
    """Rows of the case in every table of the kommune that has a ``hovedsag_id``."""
    tables = [
        r["table_name"]
        for r in await owner.fetch(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = $1 "
            "AND column_name = 'hovedsag_id'",
            f"k{code}",
        )
    ]
    out = {}
    for t in tables:
        n = await owner.fetchval(
            f'SELECT count(*) FROM k{code}."{t}" WHERE hovedsag_id = $1', uuid.UUID(case_id)
        )
        if n:
            out[t] = n
    out["hovedsag"] = await owner.fetchval(
        f"SELECT count(*) FROM k{code}.hovedsag WHERE id = $1", uuid.UUID(case_id)
    )
    return out


@pytest.fixture
async def owner(registry):  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(registry.dsn)
    try:
        yield conn
    finally:
        await conn.close()


async def approve(admin: httpx.AsyncClient, *case_ids: str) -> dict:  # type: ignore[type-arg]
    r = await admin.post("/api/admin/retention/deletions", json={"case_ids": list(case_ids)})
    assert r.status_code == 201, r.text
    assert await run_jobs(A, "retention.") == ["done"]
    r = await admin.get(f"/api/admin/retention/deletions/{r.json()['id']}")
    assert r.status_code == 200
    run: dict = r.json()  # type: ignore[type-arg]
    assert run["status"] == "faerdig"
    return run


async def test_a_transferred_case_past_its_period_is_deleted_whole_with_an_audit_of_counts_only(
    client, owner
):
    a, b = await client(A), await client(B)
    admin = await client(A, "admin")
    today = today_dk()
    case_id, _decision, _mother = await decided_case(a, 8611, today)
    await note(a, case_id, title="Hjemmebesøg", body="Mor fortalte om sin sygdom")
    doc = await upload(a, case_id, "skoleudtalelse.pdf", pdf_with("Skolens bekymring"))
    case = (await a.get(f"/api/cases/{case_id}")).json()
    child_id = case["child_id"]
    r = await a.post(
        f"/api/cases/{case_id}/transfers",
        json={"to_kommune": B, "summary": "Familien er flyttet."},
    )
    assert r.status_code == 201, r.text
    transfer_id = uuid.UUID(r.json()["id"])
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{transfer_id}/accept")).status_code == 200
    assert await drain(A, B) == []
    assert (
        await owner.fetchval(
            "SELECT count(*) FROM shared.cpr_index WHERE tenant_code = $1 AND hovedsag_ref = $2",
            A,
            uuid.UUID(case_id),
        )
        == 1
    )
    assert (
        await owner.fetchval("SELECT count(*) FROM shared.transfer WHERE id = $1", transfer_id) == 1
    )
    before = await case_rows(owner, A, case_id)
    assert before["journal_entry"] > 0 and before["document"] == 1 and before["afgoerelse"] == 1

    await backdate(owner, A, case_id, LONG_AGO)
    listed = (await admin.get("/api/admin/retention/expired")).json()
    [mine] = [i for i in listed["items"] if i["id"] == case_id]
    assert mine["verdict"] == "slettes"
    assert mine["reason"] is None
    assert mine["closed_on"] == LONG_AGO.isoformat()
    assert mine["expired_on"] == LONG_AGO.replace(year=2020).isoformat()
    assert mine["kind"] == "oevrig"
    assert mine["initials"] == case["child_name"][0] + case["child_name"].split()[-1][0]
    assert "cpr" not in json.dumps(mine).lower()

    run = await approve(admin, case_id)
    assert (run["deleted"], run["refused"]) == (1, 0)
    assert [(c["id"], c["outcome"]) for c in run["cases"]] == [(case_id, "slettet")]

    assert await case_rows(owner, A, case_id) == {"hovedsag": 0}
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{A}.document_chunk WHERE document_id = $1", uuid.UUID(doc["id"])
        )
        == 0
    )
    assert (
        await owner.fetchval(f"SELECT count(*) FROM k{A}.child WHERE id = $1", uuid.UUID(child_id))
        == 0
    )
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{A}.network_member WHERE child_id = $1", uuid.UUID(child_id)
        )
        == 0
    )
    assert (
        await owner.fetchval(
            "SELECT count(*) FROM shared.cpr_index WHERE tenant_code = $1 AND hovedsag_ref = $2",
            A,
            uuid.UUID(case_id),
        )
        == 0
    )
    assert (
        await owner.fetchval("SELECT count(*) FROM shared.transfer WHERE id = $1", transfer_id) == 0
    )
    assert (
        await owner.fetchval(
            "SELECT count(*) FROM shared.transfer_chunk WHERE transfer_id = $1", transfer_id
        )
        == 0
    )
    # The receiving kommune's case is its own: untouched.
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{B}.hovedsag WHERE received_transfer_id = $1", transfer_id
        )
        == 1
    )

    await run_jobs(A, "audit.")
    assert (
        await owner.fetchval(
            f"SELECT count(*) FROM k{A}.audit_event WHERE action = 'retention.list_read' "
            "AND subject = $1",
            case_id,
        )
        == 1
    )
    [event] = await owner.fetch(
        f"SELECT actor, detail FROM k{A}.audit_event WHERE action = 'retention.case_deleted' "
        "AND subject = $1",
        case_id,
    )
    detail = json.loads(event["detail"])
    assert event["actor"] == detail["approved_by"]
    assert detail["case_number"] == case["case_number"]
    assert detail["closed_on"] == LONG_AGO.isoformat()
    assert detail["counts"]["journal_entry"] == before["journal_entry"]
    assert detail["counts"]["document"] == 1
    assert detail["counts"]["transfer"] == 1
    assert detail["counts"]["cpr_index"] == 1
    text = json.dumps(detail)
    for content in ("Mor fortalte", "Hjemmebesøg", "Skolens bekymring", case["child_name"], 'cpr"'):
        assert content not in text


async def test_refused_under_appeal_in_transfer_or_not_archived_and_nothing_is_deleted(
    client, owner
):
    a = await client(A)
    admin = await client(A, "admin")
    today = today_dk()
    appealed, decision, mother = await decided_case(a, 8621, today)
    r = await a.post(
        f"/api/cases/{appealed}/klager",
        json={
            "afgoerelse_id": decision,
            "received_on": today.isoformat(),
            "complainant": mother,
            "about": "Uenig.",
        },
    )
    assert r.status_code == 201, r.text
    moving = (await new_child(a)).case_id
    r = await a.post(
        f"/api/cases/{moving}/transfers", json={"to_kommune": B, "summary": "Flyttet."}
    )
    assert r.status_code == 201, r.text
    kept = (await new_child(a)).case_id
    for case_id in (appealed, moving, kept):
        await backdate(owner, A, case_id, LONG_AGO)
    r = await admin.put(
        "/api/admin/retention/rule", json={"years": 5, "placement_years": 5, "preserve": "alle"}
    )
    assert r.status_code == 200, r.text
    try:
        items = {
            i["id"]: i for i in (await admin.get("/api/admin/retention/expired")).json()["items"]
        }
        assert (
            items[appealed]["reason"]
            == "Sagen har en klage, som Ankestyrelsen endnu ikke har afgjort"
        )
        assert (
            items[moving]["reason"] == "Sagen er under overflytning til eller fra en anden kommune"
        )
        assert items[kept]["verdict"] == "bevares_ikke_arkiveret"
        assert items[kept]["reason"] == "Sagen skal afleveres til arkivet, før den kan slettes"
        before = {c: await case_rows(owner, A, c) for c in (appealed, moving, kept)}
        run = await approve(admin, appealed, moving, kept)
    finally:
        r = await admin.put(
            "/api/admin/retention/rule",
            json={"years": 5, "placement_years": 5, "preserve": "anbringelser"},
        )
        assert r.status_code == 200
    assert (run["deleted"], run["refused"]) == (0, 3)
    reasons = {c["id"]: (c["outcome"], c["reason"]) for c in run["cases"]}
    assert reasons[kept] == ("afvist", "Sagen skal afleveres til arkivet, før den kan slettes")
    assert reasons[appealed][0] == "afvist" and reasons[moving][0] == "afvist"
    for c in (appealed, moving, kept):
        assert await case_rows(owner, A, c) == before[c]


async def test_a_case_is_deleted_whole_or_not_at_all(client, owner):
    a = await client(A)
    admin = await client(A, "admin")
    broken = (await new_child(a)).case_id
    other = (await new_child(a)).case_id
    await note(a, broken, title="Første notat")
    await note(a, other, title="Andet notat")
    # A row outside the case that points into it (the database refuses its deletion late,
    # after the other packages' rows of the case are gone).
    target = await owner.fetchval(
        f"SELECT max(id) FROM k{A}.journal_entry WHERE hovedsag_id = $1", uuid.UUID(broken)
    )
    await owner.execute(
        f"UPDATE k{A}.journal_entry SET corrects_id = $1, kind = 'rettelse' WHERE id = "
        f"(SELECT max(id) FROM k{A}.journal_entry WHERE hovedsag_id = $2)",
        target,
        uuid.UUID(other),
    )
    await backdate(owner, A, broken, LONG_AGO)
    before = await case_rows(owner, A, broken)
    run = await approve(admin, broken)
    assert run["cases"] == [
        {
            "id": broken,
            "case_number": run["cases"][0]["case_number"],
            "outcome": "afvist",
            "reason": "Sagen kunne ikke slettes (teknisk fejl); intet er slettet",
        }
    ]
    assert await case_rows(owner, A, broken) == before


async def test_only_the_retention_job_may_delete_case_rows(client):
    a = await client(A)
    case_id = (await new_child(a)).case_id
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "DELETE FROM journal_entry WHERE hovedsag_id = $1", uuid.UUID(case_id)
            )


async def test_the_rules_are_checked_and_only_the_administrator_sees_retention(client):
    admin = await client(A, "admin")
    r = await admin.put(
        "/api/admin/retention/rule", json={"years": 0, "placement_years": 5, "preserve": "alle"}
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "years"
    assert r.json()["detail"] == "Angiv et antal år mellem 1 og 100"
    r = await admin.post("/api/admin/retention/deletions", json={"case_ids": []})
    assert r.status_code == 400
    open_case = (await new_child(await client(A))).case_id
    r = await admin.post("/api/admin/retention/deletions", json={"case_ids": [open_case]})
    assert r.status_code == 400
    assert "er ikke afsluttet" in r.json()["detail"]
    worker = await client(A, "sagsbehandler")
    assert (await worker.get("/api/admin/retention/expired")).status_code == 403
    assert (
        await worker.post("/api/admin/retention/deletions", json={"case_ids": []})
    ).status_code == 403
    other = await client(B, "admin")
    r = await admin.get("/api/admin/retention/deletions")
    assert r.status_code == 200
    for run in r.json()["items"]:
        assert (await other.get(f"/api/admin/retention/deletions/{run['id']}")).status_code == 404
