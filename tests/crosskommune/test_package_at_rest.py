"""Transfer packages, forwarded notifications and requests for a case are encrypted at rest
(issue 13, item 9): the two kommuner read them through their own transactions; the operator
role, a dump, or another row cannot."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from backend.crosskommune import keys
from tenancy.names import operator_role
from tenancy.registry import role_dsn
from tests.crosskommune.conftest import A, B, Client, drain, fetch, register
from tests.crosskommune.test_transfer import (
    SUMMARY,
    _journal,
    _received_case,
    _send,
    history_case,
)


async def test_the_package_column_holds_no_cpr_number_or_name(seeded, client: Client, owner):
    a, b = await client(A), await client(B)
    case = await history_case(a, 190)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    tid = uuid.UUID(t["id"])
    raw = bytes(await owner.fetchval("SELECT package FROM shared.transfer WHERE id = $1", tid))
    digits = case["cpr"].replace("-", "")
    for needle in (case["cpr"], digits, "Freja", "Flyttesen", "Familiebehandling bevilges"):
        assert needle.encode() not in raw, needle
    assert await owner.fetchval("SELECT package_sealed FROM shared.transfer WHERE id = $1", tid)
    # The row's child name and summary are sealed the same way.
    row = await owner.fetchrow("SELECT child_name, summary FROM shared.transfer WHERE id = $1", tid)
    assert "Freja" not in row["child_name"] and "Flyttesen" not in row["child_name"]
    assert "familiebehandling" not in row["summary"]
    # Both kommuner still read it through the API (their transactions).
    for c in (a, b):
        r = await c.get(f"/api/transfers/{t['id']}/package")
        assert r.status_code == 200
        assert json.loads(r.content)["child"]["cpr"] == case["cpr"]
        shown = (await c.get(f"/api/transfers/{t['id']}")).json()["transfer"]
        assert shown["child_name"] == "Freja Flyttesen"
        assert shown["summary"] == SUMMARY


async def test_the_operator_role_cannot_read_packages(settings, seeded):
    conn = await asyncpg.connect(
        role_dsn(
            settings.database_url,
            operator_role(settings.role_prefix),
            settings.operator_db_password,
        )
    )
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT package FROM shared.transfer LIMIT 1")
    finally:
        await conn.close()


async def test_a_package_stored_before_encryption_is_sealed_in_place(seeded, client: Client, owner):
    """Shared migration 0004 leaves older packages plaintext (``package_sealed`` false); they
    still read, and ``seal_plain_packages`` (run by ``trekant db bootstrap``, ``tenant
    migrate`` and ``just run``) encrypts them."""
    a = await client(A)
    case = await history_case(a, 191)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    tid = uuid.UUID(t["id"])
    row = await owner.fetchrow(
        "SELECT id, from_code, to_code, package, package_sealed, package_sha256, package_mac, "
        "package_version FROM shared.transfer WHERE id = $1",
        tid,
    )
    plain, problem = keys.open_package(row)
    assert problem is None
    await keys.seal_plain_packages(owner)  # another test's plain rows: ours is then the one
    await owner.execute(
        "UPDATE shared.transfer SET package = $2, package_sealed = false, "
        "child_name = 'Freja Flyttesen', summary = $3 WHERE id = $1",
        tid,
        plain,
        SUMMARY,
    )
    assert (await a.get(f"/api/transfers/{t['id']}/package")).content == plain
    shown = (await a.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    assert (shown["child_name"], shown["summary"]) == ("Freja Flyttesen", SUMMARY)
    assert await keys.seal_plain_packages(owner) == 1
    raw = await owner.fetchrow(
        "SELECT package, child_name, summary FROM shared.transfer WHERE id = $1", tid
    )
    assert case["cpr"].encode() not in bytes(raw["package"])
    assert "Freja" not in raw["child_name"] and raw["summary"] != SUMMARY
    assert (await a.get(f"/api/transfers/{t['id']}/package")).content == plain
    shown = (await a.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    assert (shown["child_name"], shown["summary"]) == ("Freja Flyttesen", SUMMARY)
    assert await keys.seal_plain_packages(owner) == 0


NOTIFIER = "Skolelærer Gunhild Hemmeligsen"
CONCERNS = "Pigen fortæller om slag derhjemme og sover dårligt"
MESSAGE = "Familien flyttede til Testby den første i måneden; vi har brug for sagen"
REASON = "Moren har meldt flytning tilbage hertil; vi beholder sagen"
_FORWARD_COLS = "id, transfer_id, from_code, to_code, sealed, payload::text AS payload"


async def _forward(a: Any, b: Any, seed: int) -> tuple[uuid.UUID, Any]:
    """A case transferred from A to B and imported there; then a notification reaches A
    on the child and is forwarded (not yet imported in B). The forward's id and B's case."""
    case = await history_case(a, seed)
    t = await _send(a, case["case_id"])
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    [received] = await _received_case(t["id"])
    again = await register(a, case["cpr"], first="Freja", existing=True)
    r = await a.post(
        f"/api/cases/{again['hovedsag_id']}/underretninger",
        json={
            "received_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
            "notifier_kind": "fagperson",
            "source": "skole",
            "concerns": CONCERNS,
            "notifier_name": NOTIFIER,
        },
    )
    assert r.status_code == 201, r.text
    [forward] = await fetch(
        A, "SELECT id FROM shared.transfer_forward WHERE transfer_id = $1", uuid.UUID(t["id"])
    )
    return forward["id"], received


async def _imported_in_b(case_id: uuid.UUID) -> list[tuple[str, str | None]]:
    rows = await fetch(
        B,
        "SELECT u.concerns, u.notifier_name FROM underretning u "
        "JOIN enkeltsag e ON e.id = u.enkeltsag_id WHERE e.hovedsag_id = $1 AND u.concerns = $2",
        case_id,
        CONCERNS,
    )
    return [(x["concerns"], x["notifier_name"]) for x in rows]


def _holds_none(text: str, *needles: str) -> None:
    for needle in needles:
        assert needle not in text, needle
        for word in needle.split():
            if len(word) > 6:
                assert word not in text, word


async def test_a_forwarded_notification_is_sealed_and_both_kommuner_read_it(
    seeded, client: Client, owner
):
    a, b = await client(A), await client(B)
    forward_id, received = await _forward(a, b, 192)
    raw = await owner.fetchrow(
        "SELECT t::text AS row, sealed FROM shared.transfer_forward t WHERE id = $1", forward_id
    )
    assert raw["sealed"] is True
    _holds_none(raw["row"], NOTIFIER, CONCERNS, "Klasselærer", "Freja")
    # Each kommune's own transaction reads the row and opens it.
    for code in (A, B):
        [row] = await fetch(
            code, f"SELECT {_FORWARD_COLS} FROM shared.transfer_forward WHERE id = $1", forward_id
        )
        body = keys.open_forward_payload(row)
        assert (body["notifier_name"], body["concerns"]) == (NOTIFIER, CONCERNS)
    # B's worker imports it onto the case there, whole.
    assert await drain(A, B) == []
    assert await _imported_in_b(received["id"]) == [(CONCERNS, NOTIFIER)]
    # Moved to another row, it does not open.
    [row] = await fetch(
        B, f"SELECT {_FORWARD_COLS} FROM shared.transfer_forward WHERE id = $1", forward_id
    )
    with pytest.raises(keys.sealing.Unsealable):
        keys.open_forward_payload({**dict(row), "id": uuid.uuid4()})


async def test_a_request_for_a_case_is_sealed_and_both_kommuner_read_it(
    seeded, client: Client, owner
):
    a, b = await client(A), await client(B)
    case = await history_case(a, 194)
    assert await drain(A) == []
    mine = await register(b, case["cpr"], first="Freja")
    assert await drain(B) == []
    r = await b.post(
        "/api/transfer-requests", json={"to_kommune": A, "cpr": case["cpr"], "message": MESSAGE}
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    raw = await owner.fetchrow(
        "SELECT t::text AS row, sealed FROM shared.transfer_request t WHERE id = $1",
        uuid.UUID(rid),
    )
    assert raw["sealed"] is True
    _holds_none(raw["row"], MESSAGE, "Freja", "Flyttesen")
    assert await drain(A, B) == []
    incoming = (await a.get("/api/transfer-requests")).json()["incoming"]
    asked = next(x for x in incoming if x["id"] == rid)
    assert (asked["child_name"], asked["message"]) == ("Freja Flyttesen", MESSAGE)
    # The holder's journal tells the message (read in its worker's transaction).
    assert MESSAGE in "".join(j["body"] or "" for j in await _journal(A, case["case_id"]))
    declined = await a.post(
        f"/api/transfer-requests/{rid}/answer", json={"decision": "afvis", "reason": REASON}
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["answer"] == REASON
    raw = await owner.fetchval(
        "SELECT t::text FROM shared.transfer_request t WHERE id = $1", uuid.UUID(rid)
    )
    _holds_none(raw, MESSAGE, REASON, "Freja", "Flyttesen")
    assert await drain(A, B) == []
    outgoing = (await b.get("/api/transfer-requests")).json()["outgoing"]
    mine_out = next(x for x in outgoing if x["id"] == rid)
    assert (mine_out["child_name"], mine_out["message"], mine_out["answer"]) == (
        "Freja Flyttesen",
        MESSAGE,
        REASON,
    )
    assert REASON in "".join(j["body"] or "" for j in await _journal(B, mine["hovedsag_id"]))


async def test_requests_and_forwards_stored_before_encryption_are_sealed_in_place(
    seeded, client: Client, owner
):
    """Shared migration 0006 leaves older requests and forwarded notifications plain
    (``sealed`` false): the kommuner still read them, and ``seal_plain_packages`` (run by
    ``trekant db bootstrap``, ``tenant migrate`` and ``just run``) encrypts them in place."""
    a, b = await client(A), await client(B)
    forward_id, received = await _forward(a, b, 193)
    await keys.seal_plain_packages(owner)  # another test's plain rows: ours are then the two
    [row] = await fetch(
        A, f"SELECT {_FORWARD_COLS} FROM shared.transfer_forward WHERE id = $1", forward_id
    )
    await owner.execute(
        "UPDATE shared.transfer_forward SET payload = $2::jsonb, sealed = false WHERE id = $1",
        forward_id,
        json.dumps(keys.open_forward_payload(row)),
    )
    # An old request, asked and declined before the migration.
    case = await history_case(a, 195)
    assert await drain(A) == []
    await register(b, case["cpr"], first="Freja")
    assert await drain(B) == []
    r = await b.post(
        "/api/transfer-requests", json={"to_kommune": A, "cpr": case["cpr"], "message": MESSAGE}
    )
    assert r.status_code == 201, r.text
    rid = uuid.UUID(r.json()["id"])
    await owner.execute(
        "UPDATE shared.transfer_request SET child_name = 'Freja Flyttesen', message = $2, "
        "sealed = false WHERE id = $1",
        rid,
        MESSAGE,
    )
    assert await drain(A, B) == []  # B imports the plain notification
    assert await _imported_in_b(received["id"]) == [(CONCERNS, NOTIFIER)]
    assert MESSAGE in "".join(j["body"] or "" for j in await _journal(A, case["case_id"]))
    declined = await a.post(
        f"/api/transfer-requests/{rid}/answer", json={"decision": "afvis", "reason": REASON}
    )
    assert declined.status_code == 200, declined.text
    plain = await owner.fetchval("SELECT t::text FROM shared.transfer_request t WHERE id = $1", rid)
    assert MESSAGE in plain and REASON in plain  # an old row stays whole until it is sealed

    assert await keys.seal_plain_packages(owner) == 2
    for table, key in (("transfer_forward", forward_id), ("transfer_request", rid)):
        raw = await owner.fetchrow(
            f"SELECT t::text AS row, sealed FROM shared.{table} t WHERE id = $1", key
        )
        assert raw["sealed"] is True, table
        _holds_none(raw["row"], NOTIFIER, CONCERNS, MESSAGE, REASON, "Freja")
    [row] = await fetch(
        B, f"SELECT {_FORWARD_COLS} FROM shared.transfer_forward WHERE id = $1", forward_id
    )
    body = keys.open_forward_payload(row)
    assert (body["notifier_name"], body["concerns"]) == (NOTIFIER, CONCERNS)
    incoming = (await a.get("/api/transfer-requests")).json()["incoming"]
    outgoing = (await b.get("/api/transfer-requests")).json()["outgoing"]
    for seen in (
        next(x for x in incoming if x["id"] == str(rid)),
        next(x for x in outgoing if x["id"] == str(rid)),
    ):
        assert (seen["child_name"], seen["message"], seen["answer"]) == (
            "Freja Flyttesen",
            MESSAGE,
            REASON,
        )
    assert await keys.seal_plain_packages(owner) == 0
