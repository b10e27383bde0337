"""Transfer of a case to another kommune (Barnets Lov § 132): complete and sealed, accepted
or rejected explicitly, journalled on both sides, exactly once whatever fails."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from backend.casework import lifecycle
from backend.core.danish import today_dk
from backend.crosskommune import keys
from backend.crosskommune import package as pkg
from backend.db import DB
from backend.outbox.tasks import run_outbox_job
from tenancy.context import current_scope, tenant_transaction
from tests.conftest import new_kommune, username
from tests.crosskommune.conftest import (
    A,
    B,
    Client,
    cpr_for,
    drain,
    fetch,
    register,
    val,
)
from tests.factories import completion_record

SUMMARY = "Familien er flyttet. Undersøgelsen viser behov for familiebehandling; se planen."


async def history_case(a: httpx.AsyncClient, seed: int) -> dict[str, Any]:
    """A case in kommune A with a little of everything: a notification and its activities
    (one done), an investigation, a decision with a running measure, notes and a correction,
    a network member, and two versions of an ICS investigation."""
    cpr = cpr_for(seed)
    reg = await register(a, cpr, first="Freja")
    case_id, child_id = reg["hovedsag_id"], reg["child_id"]
    r = await a.post(
        f"/api/cases/{case_id}/underretninger",
        json={
            "received_at": (datetime.now(UTC) - timedelta(days=40)).isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Barnet kommer ofte sultent i skole",
            "notifier_name": "Klasselærer",
        },
    )
    assert r.status_code == 201, r.text
    done = r.json()["activities"][0]
    assert (
        await a.post(
            f"/api/activities/{done['id']}/complete",
            json={"version": done["version"], "record": completion_record(done["rule_id"])},
        )
    ).status_code == 200
    r = await a.post(
        f"/api/cases/{case_id}/undersoegelse",
        json={"aware_since": (today_dk() - timedelta(days=40)).isoformat()},
    )
    assert r.status_code == 201, r.text
    investigation = r.json()["enkeltsag_id"]
    r = await a.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Familiebehandling bevilges.",
            "measure": "familiebehandling",
            "starts_on": today_dk().isoformat(),
            "exceptions": {"boernesamtale": "Barnet er syg", "partshoering": "Fuldt medhold"},
        },
    )
    assert r.status_code == 201, r.text
    note = await a.post(
        f"/api/cases/{case_id}/journal", json={"title": "Hjemmebesøg", "body": "Mor var hjemme."}
    )
    fix = await a.post(
        f"/api/cases/{case_id}/journal",
        json={
            "title": "Rettelse",
            "body": "Far var også hjemme.",
            "corrects_id": note.json()["id"],
        },
    )
    assert fix.status_code == 201, fix.text
    r = await a.post(
        f"/api/children/{child_id}/network",
        json={"relation": "skole", "name": "Skovskolen", "phone": "33 12 34 56"},
    )
    assert r.status_code == 201, r.text
    await _ics_versions(case_id, investigation)
    return {"cpr": cpr, "case_id": case_id, "child_id": child_id}


async def _ics_versions(case_id: str, enkeltsag_id: str) -> None:
    """Two versions of an ICS investigation (approved, then a draft based on it)."""
    async with tenant_transaction(DB, A) as scope:
        conn = scope.connection
        if not await conn.fetchval("SELECT to_regclass('ics_document') IS NOT NULL"):
            return
        series = uuid.uuid4()
        first = await conn.fetchval(
            "INSERT INTO ics_document (hovedsag_id, enkeltsag_id, kind, series_id, version_no, "
            "status, method, content, created_by, changed_by, submitted_by, submitted_at, "
            "approved_by, approved_at) VALUES ($1, $2, 'undersoegelse', $3, 1, 'godkendt', "
            "'ics-2019', '{\"konklusion\": \"Behov for støtte\"}', 'test', 'test', 'test', now(), "
            "'leder', now()) RETURNING id",
            uuid.UUID(case_id),
            uuid.UUID(enkeltsag_id),
            series,
        )
        await conn.execute(
            "INSERT INTO ics_document (hovedsag_id, enkeltsag_id, kind, series_id, version_no, "
            "method, content, based_on_id, created_by, changed_by) VALUES ($1, $2, "
            "'undersoegelse', $3, 2, 'ics-2019', '{\"konklusion\": \"Opdateret\"}', $4, 'test', "
            "'test')",
            uuid.UUID(case_id),
            uuid.UUID(enkeltsag_id),
            series,
            first,
        )


async def _counts(code: str, case_id: str) -> dict[str, int]:
    case = uuid.UUID(case_id)
    async with tenant_transaction(DB, code) as scope:
        conn = scope.connection
        out = {}
        for table in ("journal_entry", "enkeltsag", "activity", "afgoerelse", "indsats"):
            out[table] = await conn.fetchval(
                f"SELECT count(*) FROM {table} WHERE hovedsag_id = $1", case
            )
        out["underretning"] = await conn.fetchval(
            "SELECT count(*) FROM underretning u JOIN enkeltsag e ON e.id = u.enkeltsag_id "
            "WHERE e.hovedsag_id = $1",
            case,
        )
        out["network_member"] = await conn.fetchval(
            "SELECT count(*) FROM network_member n JOIN hovedsag h ON h.child_id = n.child_id "
            "WHERE h.id = $1",
            case,
        )
        if await conn.fetchval("SELECT to_regclass('ics_document') IS NOT NULL"):
            out["ics_document"] = await conn.fetchval(
                "SELECT count(*) FROM ics_document WHERE hovedsag_id = $1", case
            )
    return out


async def _send(a: httpx.AsyncClient, case_id: str, to: str = B) -> dict[str, Any]:
    r = await a.post(f"/api/cases/{case_id}/transfers", json={"to_kommune": to, "summary": SUMMARY})
    assert r.status_code == 201, r.text
    sent: dict[str, Any] = r.json()
    return sent


async def _received_case(transfer_id: str, code: str = B) -> list[asyncpg.Record]:
    return await fetch(
        code,
        "SELECT id, child_id, caseworker_id, team_id, received_from, closed_at FROM hovedsag "
        "WHERE received_transfer_id = $1",
        uuid.UUID(transfer_id),
    )


async def _journal(code: str, case_id: Any) -> list[asyncpg.Record]:
    return await fetch(
        code,
        "SELECT id, at, author, kind, title, body, corrects_id, received_from, original_id "
        "FROM journal_entry WHERE hovedsag_id = $1 ORDER BY at, id",
        uuid.UUID(str(case_id)),
    )


async def test_a_transfer_arrives_whole_and_both_journals_tell_it(seeded, client: Client, owner):
    a, b = await client(A), await client(B)
    case = await history_case(a, 101)
    sent_counts = await _counts(A, case["case_id"])
    sent_journal = await _journal(A, case["case_id"])
    t = await _send(a, case["case_id"])
    assert t["status"] == "sendt" and t["direction"] == "ud"
    assert t["counts"]["journal_entry"] == sent_counts["journal_entry"]
    status = (await a.get(f"/api/cases/{case['case_id']}/transfers")).json()
    assert status["in_transfer"] is True and [s["id"] for s in status["sent"]] == [t["id"]]
    assert await drain(A, B) == []

    # The receiver's inbox: deadline on the intake team, and the detail view with the check.
    inbox = (await b.get("/api/transfers")).json()["incoming"]
    item = next(i for i in inbox if i["id"] == t["id"])
    assert item["status"] == "sendt" and item["team"] == "Modtagelsen"
    assert datetime.fromisoformat(item["due_at"]).date() > today_dk()
    detail = (await b.get(f"/api/transfers/{t['id']}")).json()
    assert detail["intact"] is True and detail["transfer"]["summary"] == SUMMARY
    assert detail["child"]["cpr"] == case["cpr"] and detail["child"]["first_name"] == "Freja"
    assert [p["kommune"]["code"] for p in detail["prior_cases"]] == [A]
    assert detail["known_here"] is None
    assert [m["kind"] for m in detail["measures"]] == ["familiebehandling"]
    assert detail["open_activities"] and all(x["due_at"] for x in detail["open_activities"])

    accepted = await b.post(f"/api/transfers/{t['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepteret"
    assert await drain(A, B) == []
    done = (await b.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    assert done["status"] == "importeret" and done["hovedsag_id"]
    [new] = await _received_case(t["id"])
    assert str(new["id"]) == done["hovedsag_id"] and new["received_from"] == f"{A} København"

    # Complete history: every row came over, plus the receiver's own steps.
    got = await _counts(B, str(new["id"]))
    assert {k: v for k, v in got.items() if k not in ("journal_entry", "activity")} == {
        k: v for k, v in sent_counts.items() if k not in ("journal_entry", "activity")
    }
    assert got["activity"] == sent_counts["activity"] + 1  # "Læs og overtag sagen"
    journal = await _journal(B, new["id"])
    imported = [j for j in journal if j["original_id"] is not None]
    assert len(imported) == sent_counts["journal_entry"]
    # Original times and authors kept, marked with where they came from.
    assert {(j["at"], j["author"], j["title"]) for j in imported} == {
        (j["at"], j["author"], j["title"]) for j in sent_journal
    }
    assert {j["received_from"] for j in imported} == {f"{A} København"}
    fix = next(j for j in imported if j["kind"] == "rettelse")
    target = next(j for j in journal if j["id"] == fix["corrects_id"])
    assert target["title"] == "Hjemmebesøg"  # the correction points at its entry here
    titles = [j["title"] for j in journal if j["original_id"] is None]
    assert titles[:2] == [
        "Sagen er modtaget fra København (Barnets Lov § 132)",
        "Overførslen er accepteret af Sara Sagsbehandler",
    ]
    assert any(x.startswith("Sagens historik er indlæst fra København") for x in titles)
    takeover = await fetch(
        B,
        "SELECT owner_id, due_at, status FROM activity WHERE hovedsag_id = $1 "
        "AND rule_id = 'overtag-sag'",
        new["id"],
    )
    b_user = await val(
        B, "SELECT id FROM app_user WHERE username = $1", username("sagsbehandler", B)
    )
    assert [(x["owner_id"], x["status"]) for x in takeover] == [(b_user, "open")]
    assert takeover[0]["due_at"] == datetime.fromisoformat(item["due_at"])
    # Open activities are the accepting caseworker's now.
    owners = await fetch(
        B,
        "SELECT DISTINCT owner_id FROM activity WHERE hovedsag_id = $1 AND status = 'open'",
        new["id"],
    )
    assert [o["owner_id"] for o in owners] == [b_user]
    if "ics_document" in got:
        versions = await fetch(
            B,
            "SELECT version_no, status, based_on_id, series_id, id FROM ics_document "
            "WHERE hovedsag_id = $1 ORDER BY version_no",
            new["id"],
        )
        assert [v["status"] for v in versions] == ["godkendt", "kladde"]
        assert versions[1]["based_on_id"] == versions[0]["id"]
        assert versions[0]["series_id"] == versions[1]["series_id"]

    # The sender: case closed as taken over, measures ended, activities cancelled.
    closed = (await a.get(f"/api/cases/{case['case_id']}")).json()
    assert closed["closed_at"] == today_dk().isoformat()
    assert "Testby" in closed["close_reason"]
    assert all(i["ends_on"] for i in closed["indsatser"])
    assert not [x for x in closed["activities"] if x["status"] == "open"]
    a_titles = [j["title"] for j in await _journal(A, case["case_id"])]
    assert "Sagen er sendt til Testby (Barnets Lov § 132)" in a_titles
    assert "Testby har accepteret overførslen" in a_titles
    assert "Sagen er overtaget af Testby og lukket her" in a_titles
    # The sender keeps a read-only copy of exactly what it sent.
    copy = await a.get(f"/api/transfers/{t['id']}/package")
    assert copy.status_code == 200
    assert json.loads(copy.content)["child"]["cpr"] == case["cpr"]
    sealed = await owner.fetchval(
        "SELECT package_sha256 FROM shared.transfer WHERE id = $1", uuid.UUID(t["id"])
    )
    assert hashlib.sha256(copy.content).digest() == sealed

    # The index follows: closed at A (taken over by B), open at B.
    rows = await owner.fetch(
        "SELECT tenant_code, closed_on, transferred_to FROM shared.cpr_index "
        "WHERE cpr_hmac = $1 ORDER BY tenant_code",
        keys.cpr_hmac(case["cpr"]),
    )
    assert [tuple(r) for r in rows] == [(A, today_dk(), B), (B, None, None)]
    seen = (await a.post("/api/cpr/prior-cases", json={"cpr": case["cpr"]})).json()
    assert [(p["kommune"]["code"], p["status"]) for p in seen["prior_cases"]] == [(B, "aaben")]


async def test_a_double_click_on_accept_creates_one_case(seeded, client: Client):
    a, b = await client(A), await client(B)
    case = await history_case(a, 102)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    first, second = await asyncio.gather(
        b.post(f"/api/transfers/{t['id']}/accept"), b.post(f"/api/transfers/{t['id']}/accept")
    )
    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    assert first.json()["status"] == second.json()["status"] == "accepteret"
    jobs = await fetch(
        B,
        "SELECT id FROM outbox WHERE job = 'crosskommune.import' AND payload->>'transfer_id' = $1",
        t["id"],
    )
    assert len(jobs) == 1
    assert await drain(A, B) == []
    # Even a stray second import job (a bug, a replayed message) finds the case made.
    async with tenant_transaction(DB, B) as scope:
        extra = await scope.connection.fetchval(
            "INSERT INTO outbox (job, payload) VALUES ('crosskommune.import', $1::jsonb) "
            "RETURNING id",
            json.dumps({"transfer_id": t["id"]}),
        )
    assert await run_outbox_job({}, B, str(extra)) == "done"
    third = await b.post(f"/api/transfers/{t['id']}/accept")
    assert third.status_code == 200 and third.json()["status"] == "importeret"
    assert len(await _received_case(t["id"])) == 1


@pytest.mark.parametrize("how", ["exception", "connection killed"])
async def test_a_worker_killed_mid_import_and_retried_makes_one_complete_case(
    seeded, client: Client, owner, monkeypatch, how
):
    a, b = await client(A), await client(B)
    case = await history_case(a, 103 if how == "exception" else 104)
    sent_counts = await _counts(A, case["case_id"])
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    [job] = await fetch(
        B,
        "SELECT id FROM outbox WHERE job = 'crosskommune.import' AND payload->>'transfer_id' = $1",
        t["id"],
    )
    before = await val(B, "SELECT count(*) FROM enkeltsag")

    original = lifecycle._import_journal
    reached: list[int] = []

    async def dies(rows: Any, *args: Any) -> int:
        # Everything but the journal is written by now: enkeltsager, activities, ...
        conn = current_scope().connection
        reached.append(
            await conn.fetchval(
                "SELECT count(*) FROM enkeltsag e JOIN hovedsag h ON h.id = e.hovedsag_id "
                "WHERE h.received_transfer_id = $1",
                uuid.UUID(t["id"]),
            )
        )
        if how == "exception":
            raise RuntimeError("worker died")
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        await owner.execute("SELECT pg_terminate_backend($1)", pid)
        await conn.fetchval("SELECT 1")  # the server has gone away mid-transaction
        return 0

    monkeypatch.setattr(lifecycle, "_import_journal", dies)
    with pytest.raises((RuntimeError, asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
        await run_outbox_job({}, B, str(job["id"]))
    # The worker itself survives it: no connection is lost to the pool, and the same task
    # opens the next transaction (tenancy.context releases what Piccolo leaves behind).
    assert DB.pool is not None and DB.pool.get_idle_size() == DB.pool.get_size()
    assert reached == [sent_counts["enkeltsag"]]  # it did get halfway
    assert await _received_case(t["id"]) == []
    assert await val(B, "SELECT count(*) FROM enkeltsag") == before
    assert await val(B, "SELECT done_at FROM outbox WHERE id = $1", job["id"]) is None
    status = await owner.fetchval(
        "SELECT status FROM shared.transfer WHERE id = $1", uuid.UUID(t["id"])
    )
    assert status == "accepteret"

    monkeypatch.setattr(lifecycle, "_import_journal", original)
    assert await drain(A, B) == []  # the retry
    [new] = await _received_case(t["id"])
    got = await _counts(B, str(new["id"]))
    assert got["enkeltsag"] == sent_counts["enkeltsag"]
    assert got["journal_entry"] == sent_counts["journal_entry"] + 4
    assert await val(B, "SELECT count(*) FROM enkeltsag") == before + sent_counts["enkeltsag"]
    assert (await b.get(f"/api/transfers/{t['id']}")).json()["transfer"]["status"] == "importeret"


async def test_a_tampered_or_truncated_package_is_refused_and_nothing_imported(
    seeded, client: Client, owner
):
    a, b = await client(A), await client(B)
    kinds = ("tampered", "truncated", "moved", "unsealed")
    for n, tamper in enumerate(kinds):
        case = await history_case(a, 110 + n)
        t = await _send(a, case["case_id"])
        assert await drain(A, B) == []
        tid = uuid.UUID(t["id"])
        row = await owner.fetchrow(
            "SELECT id, from_code, to_code, package, package_sealed, package_sha256, "
            "package_mac, package_version FROM shared.transfer WHERE id = $1",
            tid,
        )
        data = bytes(row["package"])
        if tamper == "tampered":  # one bit of the ciphertext flipped
            middle = len(data) // 2
            changed = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
            await owner.execute(
                "UPDATE shared.transfer SET package = $2 WHERE id = $1", tid, changed
            )
        elif tamper == "truncated":
            await owner.execute(
                "UPDATE shared.transfer SET package = $2 WHERE id = $1", tid, data[: len(data) // 2]
            )
        elif tamper == "moved":  # another transfer's package, checksum and seal copied in
            other = await owner.fetchrow(
                "SELECT package, package_sha256, package_mac FROM shared.transfer "
                "WHERE id <> $1 AND package_sealed ORDER BY sent_at LIMIT 1",
                tid,
            )
            await owner.execute(
                "UPDATE shared.transfer SET package = $2, package_sha256 = $3, package_mac = $4 "
                "WHERE id = $1",
                tid,
                other["package"],
                other["package_sha256"],
                other["package_mac"],
            )
        else:  # written back as plaintext with its checksum recomputed: the seal catches it
            plain, problem = keys.open_package(row)
            assert problem is None
            changed = plain.replace(b"Familiebehandling bevilges.", b"Intet behov for hjaelp.")
            assert changed != plain
            await owner.execute(
                "UPDATE shared.transfer SET package = $2, package_sealed = false, "
                "package_sha256 = $3 WHERE id = $1",
                tid,
                changed,
                hashlib.sha256(changed).digest(),
            )
        r = await b.post(f"/api/transfers/{t['id']}/accept")
        assert r.status_code == 400, r.text
        assert r.json()["extra"][0]["key"] == "package"
        assert "Intet er indlæst" in r.json()["detail"]
        assert (
            await owner.fetchval("SELECT status FROM shared.transfer WHERE id = $1", tid) == "sendt"
        )
        assert await _received_case(t["id"]) == []
        detail = (await b.get(f"/api/transfers/{t['id']}")).json()
        assert detail["intact"] is False and detail["problem"]

    # Tampered after the acceptance, before the import: the import refuses, the transfer
    # fails, the sender's case leaves the transfer, and nothing lands at the receiver.
    case = await history_case(a, 120)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    tid = uuid.UUID(t["id"])
    await owner.execute(
        "UPDATE shared.transfer SET package = substring(package FROM 1 FOR 100) WHERE id = $1", tid
    )
    cases_before = await val(B, "SELECT count(*) FROM hovedsag")
    assert await drain(A, B) == []
    row = await owner.fetchrow("SELECT status, error FROM shared.transfer WHERE id = $1", tid)
    assert row["status"] == "fejl" and row["error"] == keys.UNREADABLE
    assert await val(B, "SELECT count(*) FROM hovedsag") == cases_before
    status = (await a.get(f"/api/cases/{case['case_id']}/transfers")).json()
    assert status["in_transfer"] is False
    a_titles = [j["title"] for j in await _journal(A, case["case_id"])]
    assert "Overførslen til Testby er fejlet; sagen er ikke overført" in a_titles


async def test_bad_transfers_are_refused_before_anything_leaves_the_sender(
    seeded, client: Client, registry, owner, fresh_code
):
    a = await client(A)
    case = await history_case(a, 130)
    suspended = fresh_code
    await new_kommune(registry, suspended, "Spærreby")
    await registry.set_status(suspended, "suspended", "test")

    async def nothing_written() -> None:
        assert (
            await owner.fetchval(
                "SELECT count(*) FROM shared.transfer WHERE from_case_ref = $1",
                uuid.UUID(case["case_id"]),
            )
            == 0
        )
        assert (
            await val(
                A, "SELECT transfer_id FROM hovedsag WHERE id = $1", uuid.UUID(case["case_id"])
            )
            is None
        )
        assert [j["title"] for j in await _journal(A, case["case_id"])] == journal_before
        for code in (B, suspended):
            assert (
                await owner.fetchval(
                    f"SELECT count(*) FROM k{code}.outbox WHERE job LIKE 'cross.%' "
                    "AND created_at > now() - interval '1 minute'"
                )
                == outbox_before[code]
            )

    journal_before = [j["title"] for j in await _journal(A, case["case_id"])]
    outbox_before = {
        code: await owner.fetchval(
            f"SELECT count(*) FROM k{code}.outbox WHERE job LIKE 'cross.%' "
            "AND created_at > now() - interval '1 minute'"
        )
        for code in (B, suspended)
    }
    url = f"/api/cases/{case['case_id']}/transfers"
    for body, key, words in (
        ({"to_kommune": B, "summary": "  "}, "summary", "sammenfatning"),
        ({"to_kommune": A, "summary": SUMMARY}, "to_kommune", "egen kommune"),
        ({"to_kommune": "0999", "summary": SUMMARY}, "to_kommune", "findes ikke"),
        ({"to_kommune": suspended, "summary": SUMMARY}, "to_kommune", "suspenderet"),
        ({"to_kommune": "x", "summary": SUMMARY}, "to_kommune", "Vælg"),
    ):
        r = await a.post(url, json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["extra"] == [{"key": key, "message": r.json()["detail"]}]
        assert words in r.json()["detail"], r.json()
        await nothing_written()

    t = await _send(a, case["case_id"])
    # The outbox shows a transfer to those who may open its case, like the case itself.
    colleague, manager = await client(A, "kollega"), await client(A, "leder")
    assert t["id"] not in {
        x["id"] for x in (await colleague.get("/api/transfers")).json()["outgoing"]
    }
    assert (await colleague.get(f"/api/transfers/{t['id']}")).status_code == 404
    assert t["id"] in {x["id"] for x in (await manager.get("/api/transfers")).json()["outgoing"]}
    again = await a.post(url, json={"to_kommune": B, "summary": SUMMARY})
    assert again.status_code == 409 and again.json()["extra"][0]["key"] == "hovedsag_id"
    assert "allerede under overførsel til Testby" in again.json()["detail"]

    # Deciding needs the right role, the right side, and a reason to reject.
    assert await drain(A, B) == []
    for role in ("revisor", "oekonomi"):  # laeser, oekonomi
        other = await client(B, role)
        assert (await other.post(f"/api/transfers/{t['id']}/accept")).status_code == 403
    assert (await a.post(f"/api/transfers/{t['id']}/accept")).status_code == 404  # the sender
    b = await client(B)
    r = await b.post(f"/api/transfers/{t['id']}/reject", json={"reason": " "})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "reason"
    assert (
        await owner.fetchval("SELECT status FROM shared.transfer WHERE id = $1", uuid.UUID(t["id"]))
        == "sendt"
    )


async def test_a_rejection_with_reason_returns_the_case_to_the_sender(seeded, client: Client):
    a, b = await client(A), await client(B)
    case = await history_case(a, 140)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    r = await b.post(f"/api/transfers/{t['id']}/reject", json={"reason": "Familien bor ikke her"})
    assert r.status_code == 200 and r.json()["status"] == "afvist"
    assert r.json()["reason"] == "Familien bor ikke her"
    assert await drain(A, B) == []
    status = (await a.get(f"/api/cases/{case['case_id']}/transfers")).json()
    assert status["in_transfer"] is False and status["sent"][0]["status"] == "afvist"
    journal = await _journal(A, case["case_id"])
    rejected = next(j for j in journal if j["title"] == "Testby har afvist overførslen")
    assert "Familien bor ikke her" in rejected["body"]
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 409
    assert await _received_case(t["id"]) == []
    # The case can be sent again, and the B audit names the rejection.
    assert (
        await a.post(
            f"/api/cases/{case['case_id']}/transfers", json={"to_kommune": B, "summary": SUMMARY}
        )
    ).status_code == 201
    actions = [r["action"] for r in await fetch(B, "SELECT action FROM audit_event")]
    assert "transfer.rejected" in actions and "transfer.received" in actions


async def test_a_later_notification_to_the_old_kommune_is_forwarded(seeded, client: Client):
    a, b = await client(A), await client(B)
    case = await history_case(a, 150)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    [received] = await _received_case(t["id"])
    # The transferred case is closed here: nothing new is registered on it (409, Danish).
    on_old = await a.post(
        f"/api/cases/{case['case_id']}/undersoegelse", json={"aware_since": "2026-01-05"}
    )
    assert on_old.status_code == 409, on_old.text
    assert on_old.json()["detail"].startswith("Sagen er overført til en anden kommune")

    # Weeks later the old school writes to the old kommune.
    again = await register(a, case["cpr"], first="Freja", existing=True)
    assert again["hovedsag_id"] != case["case_id"]  # a new period there
    assert [(p["kommune"]["code"], p["status"]) for p in again["prior_cases"]] == [(B, "aaben")]
    when = datetime.now(UTC) - timedelta(hours=3)
    r = await a.post(
        f"/api/cases/{again['hovedsag_id']}/underretninger",
        json={
            "received_at": when.isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": "Freja har ikke været i skole i en uge",
            "notifier_name": "Gammel klasselærer",
        },
    )
    assert r.status_code == 201, r.text
    assert await drain(A, B) == []
    forwarded = await fetch(
        B,
        "SELECT u.id, u.concerns, u.received_at, u.notifier_name FROM underretning u "
        "JOIN enkeltsag e ON e.id = u.enkeltsag_id WHERE e.hovedsag_id = $1 "
        "AND u.concerns LIKE 'Freja har ikke%'",
        received["id"],
    )
    assert len(forwarded) == 1
    assert forwarded[0]["received_at"] == when.replace(microsecond=when.microsecond)
    alert = await fetch(
        B,
        "SELECT owner_id, title, status FROM activity WHERE hovedsag_id = $1 "
        "AND rule_id = 'videresendt-underretning'",
        received["id"],
    )
    assert [(x["owner_id"], x["status"]) for x in alert] == [(received["caseworker_id"], "open")]
    assert "videresendt fra København" in alert[0]["title"]
    # The statutory 24-hour assessment came with it, on the caseworker there.
    assessed = await val(
        B,
        "SELECT count(*) FROM activity WHERE hovedsag_id = $1 AND rule_id = 'vurdering-24-timer' "
        "AND concerns_id = $2",
        received["id"],
        forwarded[0]["id"],
    )
    assert assessed == 1
    a_titles = [j["title"] for j in await _journal(A, again["hovedsag_id"])]
    assert "Underretning videresendt til Testby" in a_titles
    b_titles = [j["title"] for j in await _journal(B, received["id"])]
    assert any(x.startswith("Underretning videresendt fra København") for x in b_titles)


async def test_a_kommune_asks_for_the_case_and_the_holder_sends_it(seeded, client: Client):
    a, b = await client(A), await client(B)
    case = await history_case(a, 160)
    assert await drain(A) == []
    await register(b, case["cpr"], first="Freja")  # the family turned up in B
    assert await drain(B) == []
    nobody = await b.post(
        "/api/transfer-requests",
        json={"to_kommune": A, "cpr": cpr_for(161), "message": "Familien er flyttet hertil"},
    )
    assert nobody.status_code == 400 and nobody.json()["extra"][0]["key"] == "cpr"
    r = await b.post(
        "/api/transfer-requests",
        json={"to_kommune": A, "cpr": case["cpr"], "message": "Familien er flyttet hertil"},
    )
    assert r.status_code == 201, r.text
    request = r.json()
    assert request["status"] == "aaben" and request["direction"] == "ud"
    assert await drain(A, B) == []
    incoming = (await a.get("/api/transfer-requests")).json()["incoming"]
    asked = next(x for x in incoming if x["id"] == request["id"])
    assert asked["hovedsag_id"] == case["case_id"] and asked["child_name"].startswith("Freja")
    todo = await fetch(
        A,
        "SELECT status FROM activity WHERE hovedsag_id = $1 AND rule_id = 'besvar-anmodning'",
        uuid.UUID(case["case_id"]),
    )
    assert [x["status"] for x in todo] == ["open"]
    no_summary = await a.post(
        f"/api/transfer-requests/{request['id']}/answer", json={"decision": "send"}
    )
    assert no_summary.status_code == 400 and no_summary.json()["extra"][0]["key"] == "summary"
    answered = await a.post(
        f"/api/transfer-requests/{request['id']}/answer",
        json={"decision": "send", "summary": SUMMARY},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "sendt" and answered.json()["transfer_id"]
    assert await drain(A, B) == []
    inbox = (await b.get("/api/transfers")).json()["incoming"]
    assert answered.json()["transfer_id"] in {i["id"] for i in inbox}
    todo = await fetch(
        A,
        "SELECT status FROM activity WHERE hovedsag_id = $1 AND rule_id = 'besvar-anmodning'",
        uuid.UUID(case["case_id"]),
    )
    assert [x["status"] for x in todo] == ["done"]
    detail = (await b.get(f"/api/transfers/{answered.json()['transfer_id']}")).json()
    assert detail["known_here"] is not None  # B registered the child before asking
    twice = await a.post(
        f"/api/transfer-requests/{request['id']}/answer", json={"decision": "afvis", "reason": "x"}
    )
    assert twice.status_code == 409


async def test_the_administrator_chooses_the_receiving_team(seeded, client: Client):
    admin = await client(B, "admin")
    settings = (await admin.get("/api/transfer-settings")).json()
    names = {t["id"]: t["name"] for t in settings["teams"]}
    assert names[settings["effective_team_id"]] == "Modtagelsen"
    other = next(i for i, n in names.items() if n != "Modtagelsen")
    r = await admin.put("/api/transfer-settings", json={"team_id": other})
    assert r.status_code == 200 and r.json()["effective_team_id"] == other
    bad = await admin.put("/api/transfer-settings", json={"team_id": str(uuid.uuid4())})
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "team_id"
    assert (await admin.put("/api/transfer-settings", json={"team_id": None})).status_code == 200
    caseworker = await client(B)
    assert (await caseworker.get("/api/transfer-settings")).status_code == 403


def test_the_package_format_is_checked():
    with pytest.raises(pkg.PackageError, match="ufuldstændig"):
        pkg.decode(b'{"format": "trekant.overf')
    with pytest.raises(pkg.PackageError, match="ikke en Trekant"):
        pkg.decode(b'{"format": "other"}')
    with pytest.raises(pkg.PackageError, match="formatversion 3"):
        pkg.decode(b'{"format": "trekant.overfoersel", "format_version": 3}')
    base = (
        b'"format": "trekant.overfoersel", "child": {}, "hovedsag": {}, "tables": {}, '
        b'"summary": "s"'
    )
    with pytest.raises(pkg.PackageError, match="liste over filer"):
        pkg.decode(b"{" + base + b', "format_version": 2, "files": [{"size": "1"}]}')
    assert pkg.decode(b"{" + base + b', "format_version": 1}')["format_version"] == 1


def test_the_seal_binds_the_package_to_its_transfer():
    data = b'{"x": 1}'
    digest = hashlib.sha256(data).digest()
    tid = uuid.uuid4()
    mac = keys.package_mac(tid, 1, digest)
    assert keys.check_package(tid, 1, data, digest, mac) is None
    assert keys.check_package(uuid.uuid4(), 1, data, digest, mac) is not None  # moved
    assert keys.check_package(tid, 1, data + b" ", digest, mac) is not None


async def test_tables_added_later_travel_without_a_change_here(seeded, client: Client, owner):
    """A table that hangs off a case (documents, say) is carried and imported as it is; a
    row that needs something kommune-local (a catalogue entry) stays behind, with what
    depends on it, and a column the receiver lacks is dropped — all reported, no failure."""
    for code in (A, B):
        s = f"k{code}"
        await owner.execute(
            f"CREATE TABLE {s}.katalog (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            "name text NOT NULL);"
            f"CREATE TABLE {s}.dokument (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            f"hovedsag_id uuid NOT NULL REFERENCES {s}.hovedsag (id), title text NOT NULL, "
            "content bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());"
            f"CREATE TABLE {s}.faktura (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            f"hovedsag_id uuid NOT NULL REFERENCES {s}.hovedsag (id), katalog_id uuid NOT NULL "
            f"REFERENCES {s}.katalog (id));"
            f"CREATE TABLE {s}.faktura_linje (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
            f"hovedsag_id uuid NOT NULL REFERENCES {s}.hovedsag (id), faktura_id uuid NOT NULL "
            f"REFERENCES {s}.faktura (id), dokument_id uuid REFERENCES {s}.dokument (id));"
            f"GRANT SELECT, INSERT ON {s}.katalog, {s}.dokument, {s}.faktura, {s}.faktura_linje "
            f"TO trekant_test_k{code}"
        )
    await owner.execute(f"ALTER TABLE k{A}.dokument ADD COLUMN only_at_a text")
    try:
        a, b = await client(A), await client(B)
        case = await history_case(a, 170)
        cid = uuid.UUID(case["case_id"])
        letter = bytes(range(256)) * 40
        kept = await owner.fetchval(
            f"INSERT INTO k{A}.dokument (hovedsag_id, title, content, only_at_a) "
            "VALUES ($1, 'Brev', $2, 'a') RETURNING id",
            cid,
            letter,
        )
        catalogue = await owner.fetchval(
            f"INSERT INTO k{A}.katalog (name) VALUES ('x') RETURNING id"
        )
        invoice = await owner.fetchval(
            f"INSERT INTO k{A}.faktura (hovedsag_id, katalog_id) VALUES ($1, $2) RETURNING id",
            cid,
            catalogue,
        )
        await owner.execute(
            f"INSERT INTO k{A}.faktura_linje (hovedsag_id, faktura_id, dokument_id) "
            "VALUES ($1, $2, $3)",
            cid,
            invoice,
            kept,
        )
        t = await _send(a, case["case_id"])
        assert (t["counts"]["dokument"], t["counts"]["faktura"]) == (1, 1)
        assert await drain(A, B) == []
        assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
        assert await drain(A, B) == []
        [new] = await _received_case(t["id"])
        docs = await owner.fetch(
            f"SELECT id, title, content FROM k{B}.dokument WHERE hovedsag_id = $1", new["id"]
        )
        assert [(d["title"], bytes(d["content"])) for d in docs] == [("Brev", letter)]
        assert docs[0]["id"] != kept  # new ids on the receiving side
        for table in ("faktura", "faktura_linje"):
            assert (
                await owner.fetchval(
                    f"SELECT count(*) FROM k{B}.{table} WHERE hovedsag_id = $1", new["id"]
                )
                == 0
            )
        report = next(
            j["body"]
            for j in await _journal(B, new["id"])
            if j["title"].startswith("Sagens historik er indlæst")
        )
        assert "1 dokument" in report
        # Tables and columns without a Danish name are told about, but not by their codes.
        assert "andre registreringer (enkelte rækker peger på noget, der ikke følger med)" in report
        assert "faktura" not in report and "only_at_a" not in report
        assert "de er ikke indlæst (dokumenter)" in report
    finally:
        for code in (A, B):
            await owner.execute(
                f"DROP TABLE k{code}.faktura_linje, k{code}.faktura, k{code}.dokument, "
                f"k{code}.katalog"
            )
