"""The status of a transfer, which the received transfer's page polls while the case is
imported: the same access check and 404 as the transfer, and no audit row (it shows no
personal data), while reading the whole transfer stays audited."""

from __future__ import annotations

import uuid

from backend.crosskommune import progress
from tests.crosskommune.conftest import A, B, Client, drain, fetch, val
from tests.crosskommune.test_transfer import _send, history_case

POLLS = 6
MIB = 1024 * 1024


async def _audit_rows(code: str) -> list[str]:
    return [r["action"] for r in await fetch(code, "SELECT action FROM audit_event ORDER BY id")]


async def _reads_of(code: str, transfer_id: str) -> int:
    return int(
        await val(
            code,
            "SELECT count(*) FROM audit_event WHERE action = 'transfer.read' AND subject = $1",
            transfer_id,
        )
    )


async def _cross_audit_rows(owner) -> int:  # type: ignore[no-untyped-def]
    return int(await owner.fetchval("SELECT count(*) FROM shared.cross_audit"))


async def test_polling_the_status_writes_no_audit_row_and_the_whole_read_still_does(
    seeded, client: Client, owner
):
    a, b = await client(A), await client(B)
    case = await history_case(a, 161)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    before_a, before_b = await _audit_rows(A), await _audit_rows(B)
    cross_before = await _cross_audit_rows(owner)

    for _ in range(POLLS):
        got = await b.get(f"/api/transfers/{t['id']}/status")
        assert got.status_code == 200, got.text
        assert got.json() == {
            "status": "sendt",
            "status_text": "Sendt – afventer modtagerens svar",
            "progress_text": None,
            "percent": None,
        }
        sent = await a.get(f"/api/transfers/{t['id']}/status")
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "sendt"
    assert await drain(A, B) == []
    assert await _audit_rows(A) == before_a
    assert await _audit_rows(B) == before_b
    assert await _cross_audit_rows(owner) == cross_before

    # The whole transfer is read once: audited, with its prior-case lookup.
    assert (await b.get(f"/api/transfers/{t['id']}")).status_code == 200
    assert await drain(A, B) == []
    assert await _reads_of(B, t["id"]) == 1
    assert await _cross_audit_rows(owner) == cross_before + 1

    # While the import job waits the status says so; once it has run, it says so too.
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    accepted = await b.get(f"/api/transfers/{t['id']}/status")
    assert accepted.json() == {
        "status": "accepteret",
        "status_text": "Accepteret – sagen indlæses",
        "progress_text": None,
        "percent": None,
    }
    # While the job writes the files, the receiver's page hears how far it has come (the
    # job's own reports are tested in test_transfer_files.py); the sender is not told.
    await progress.report(B, uuid.UUID(t["id"]), 48 * MIB, 200 * MIB)
    writing = (await b.get(f"/api/transfers/{t['id']}/status")).json()
    assert (writing["progress_text"], writing["percent"]) == (
        "Filerne indlæses: 48 MB af 200 MB",
        24,
    )
    assert (await a.get(f"/api/transfers/{t['id']}/status")).json()["progress_text"] is None
    assert await drain(A, B) == []
    done = await b.get(f"/api/transfers/{t['id']}/status")
    assert done.json() == {
        "status": "importeret",
        "status_text": "Overtaget af modtageren",
        "progress_text": None,
        "percent": None,
    }
    assert await _reads_of(B, t["id"]) == 1


async def test_the_status_answers_404_like_the_transfer(seeded, client: Client, as_user):
    a = await client(A)
    case = await history_case(a, 162)
    t = await _send(a, case["case_id"])
    # A caseworker of the sending kommune who is not on the case: the same 404 as the whole.
    colleague = await as_user(A, "kollega")
    for path in (f"/api/transfers/{t['id']}", f"/api/transfers/{t['id']}/status"):
        r = await colleague.get(path)
        assert r.status_code == 404, r.text
        assert r.json()["detail"] == "Overførslen findes ikke"
    # No such transfer (another kommune's: test_isolation.py).
    missing = await a.get(f"/api/transfers/{uuid.uuid4()}/status")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Overførslen findes ikke"
