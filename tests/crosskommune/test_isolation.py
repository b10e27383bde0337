"""The kommune boundary holds across kommuner: what crosses travels only through
``shared``, readable by the two kommuner a row concerns and by no one else — not a third
kommune, not the bare application role, not the operator. Each test fails if a grant or a
row-level-security policy is loosened."""

from __future__ import annotations

import json
import os
import uuid

import asyncpg
import pytest

from backend.crosskommune import keys
from backend.db import DB
from tenancy.context import tenant_transaction
from tenancy.names import operator_role
from tenancy.registry import role_dsn
from tests.conftest import SPARE_REALM, new_kommune
from tests.crosskommune.conftest import A, B, Client, cpr_for, drain, register
from tests.crosskommune.test_transfer import SUMMARY, history_case
from tests.documents.conftest import upload

SHARED_TABLES = (
    "transfer",
    "transfer_chunk",
    "transfer_request",
    "transfer_forward",
    "cpr_index",
    "cross_audit",
)


@pytest.fixture(scope="module")
async def third(registry):  # type: ignore[no-untyped-def]
    """Kommune C, created for these tests."""
    code = "0303"
    await new_kommune(registry, code, "Tredjeby")
    return code


async def _transfer_b_to_c(client: Client, third: str, seed: int) -> uuid.UUID:
    b = await client(B)
    reg = await register(b, cpr_for(seed), first="Nora")
    r = await b.post(
        f"/api/cases/{reg['hovedsag_id']}/transfers",
        json={"to_kommune": third, "summary": SUMMARY},
    )
    assert r.status_code == 201, r.text
    assert await drain(B, third) == []
    return uuid.UUID(r.json()["id"])


async def test_a_third_kommune_cannot_see_or_touch_a_transfer_between_two(
    seeded, client: Client, third, owner
):
    transfer_id = await _transfer_b_to_c(client, third, 211)
    assert await owner.fetchval("SELECT count(*) FROM shared.transfer WHERE id = $1", transfer_id)
    async with tenant_transaction(DB, A) as scope:
        conn = scope.connection
        assert await conn.fetch("SELECT * FROM shared.transfer WHERE id = $1", transfer_id) == []
        # Nothing between B and another kommune (A's own transfers with B are A's to see;
        # other test files may have made some before this one runs).
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM shared.transfer WHERE (from_code = $1 OR to_code = $1) "
                "AND from_code <> $2 AND to_code <> $2",
                B,
                A,
            )
            == 0
        )
        assert (
            await conn.execute(
                "UPDATE shared.transfer SET status = 'afvist', reason = 'x' WHERE id = $1",
                transfer_id,
            )
            == "UPDATE 0"
        )
    # Nor may A write a row in another kommune's name.
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        async with tenant_transaction(DB, A) as scope:
            await scope.connection.execute(
                "INSERT INTO shared.transfer (id, from_code, to_code, from_name, to_name, "
                "from_case_ref, summary, child_name, package, package_sha256, package_mac, "
                "package_version, sent_by, sent_by_name) VALUES ($1, $2, $3, 'x', 'y', $1, 's', "
                "'c', '\\x00', $4, $4, 1, 'a', 'a')",
                uuid.uuid4(),
                B,
                third,
                b"\x00" * 32,
            )
    # The receiver and the sender do see it, through the same policy.
    for code in (B, third):
        async with tenant_transaction(DB, code) as scope:
            assert (
                await scope.connection.fetchval(
                    "SELECT count(*) FROM shared.transfer WHERE id = $1", transfer_id
                )
                == 1
            )
    # Over HTTP, too: A's caseworker gets 404 for it.
    a = await client(A)
    assert (await a.get(f"/api/transfers/{transfer_id}")).status_code == 404
    assert (await a.get(f"/api/transfers/{transfer_id}/package")).status_code == 404
    assert (await a.get(f"/api/transfers/{transfer_id}/status")).status_code == 404
    assert (await a.post(f"/api/transfers/{transfer_id}/accept")).status_code == 404


async def test_the_two_kommuner_never_read_each_others_schema(seeded, third):
    for me, other in ((B, third), (third, B)):
        for table in ("child", "hovedsag", "journal_entry", "transfer_inbox", "outbox"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                async with tenant_transaction(DB, me) as scope:
                    await scope.connection.fetch(f"SELECT * FROM k{other}.{table} LIMIT 1")


async def test_only_the_database_functions_reach_the_index(seeded, client: Client, owner):
    a = await client(A)
    cpr = cpr_for(202)
    await register(a, cpr)
    assert await drain(A) == []
    for table in ("cpr_index", "cross_audit"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with tenant_transaction(DB, B) as scope:
                await scope.connection.fetch(f"SELECT * FROM shared.{table}")
    # A kommune cannot write another kommune's index row, whatever it passes: the
    # function takes the kommune from the transaction's role.
    ref = await owner.fetchval(
        "SELECT hovedsag_ref FROM shared.cpr_index WHERE cpr_hmac = $1", keys.cpr_hmac(cpr)
    )
    async with tenant_transaction(DB, B) as scope:
        await scope.connection.execute(
            "SELECT shared.cpr_index_sync($1, $2, 'barn', current_date, current_date, NULL)",
            ref,
            keys.cpr_hmac(cpr),
        )
    rows = await owner.fetch(
        "SELECT tenant_code, closed_on FROM shared.cpr_index WHERE hovedsag_ref = $1", ref
    )
    assert sorted((r["tenant_code"], r["closed_on"] is None) for r in rows) == [
        (A, True),
        (B, False),
    ]
    await owner.execute(
        "DELETE FROM shared.cpr_index WHERE hovedsag_ref = $1 AND tenant_code = $2", ref, B
    )
    # Jobs may cross only from the fixed list, and the sender is stamped, not claimed.
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="may not cross"):
        async with tenant_transaction(DB, B) as scope:
            await scope.connection.execute(
                "SELECT shared.post_job($1, 'audit.record', '{}'::jsonb)", A
            )
    async with tenant_transaction(DB, B) as scope:
        posted = await scope.connection.fetchval(
            "SELECT shared.post_job($1, 'cross.transfer_received', $2::jsonb)",
            A,
            json.dumps({"transfer_id": str(uuid.uuid4()), "from": "0101"}),
        )
    payload = json.loads(
        await owner.fetchval(f"SELECT payload::text FROM k{A}.outbox WHERE id = $1", posted)
    )
    assert payload["from"] == B
    assert await drain(A) == []  # a reference to no visible transfer does nothing


async def test_the_bare_application_role_and_the_operator_read_nothing(
    seeded, client: Client, third, settings
):
    await _transfer_b_to_c(client, third, 212)
    assert DB.pool is not None
    async with DB.pool.acquire() as conn:  # the application role outside any kommune
        for table in SHARED_TABLES:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM shared.{table} LIMIT 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch(
                "SELECT * FROM shared.cpr_prior_cases(ARRAY['\\x00'::bytea], 'x', 'y')"
            )
    operator = await asyncpg.connect(
        role_dsn(
            settings.database_url,
            operator_role(settings.role_prefix),
            settings.operator_db_password,
        )
    )
    try:
        for table in SHARED_TABLES:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await operator.fetch(f"SELECT * FROM shared.{table} LIMIT 1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await operator.fetch(
                "SELECT * FROM shared.cpr_prior_cases(ARRAY['\\x00'::bytea], 'x', 'y')"
            )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await operator.fetch("SELECT shared.post_job('0101', 'cross.transfer_received', '{}')")
        # What the operator may still see: the registry, as before.
        assert await operator.fetchval("SELECT count(*) FROM shared.tenant") >= 3
    finally:
        await operator.close()


async def test_the_database_enforces_who_decides(seeded, client: Client, third, owner):
    transfer_id = await _transfer_b_to_c(client, third, 213)
    # The sender cannot accept its own transfer, even with SQL.
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="may not change it"):
        async with tenant_transaction(DB, B) as scope:
            await scope.connection.execute(
                "UPDATE shared.transfer SET status = 'accepteret' WHERE id = $1", transfer_id
            )
    # Nobody but the owner can change a package once sent.
    for code in (B, third):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            async with tenant_transaction(DB, code) as scope:
                await scope.connection.execute(
                    "UPDATE shared.transfer SET package = '\\x00' WHERE id = $1", transfer_id
                )
    # The receiver may not skip the acceptance.
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="may not change it"):
        async with tenant_transaction(DB, third) as scope:
            await scope.connection.execute(
                "UPDATE shared.transfer SET status = 'importeret' WHERE id = $1", transfer_id
            )
    assert (
        await owner.fetchval("SELECT status FROM shared.transfer WHERE id = $1", transfer_id)
        == "sendt"
    )


async def test_a_transfers_file_chunks_are_the_two_kommuners_and_written_once(
    seeded, client: Client, third, owner
):
    b = await client(B)
    reg = await register(b, cpr_for(214), first="Nora")
    await upload(b, reg["hovedsag_id"], "skan.png", b"\x89PNG\r\n\x1a\n" + os.urandom(1_500_000))
    r = await b.post(
        f"/api/cases/{reg['hovedsag_id']}/transfers",
        json={"to_kommune": third, "summary": SUMMARY},
    )
    assert r.status_code == 201, r.text
    transfer_id = uuid.UUID(r.json()["id"])
    count = "SELECT count(*) FROM shared.transfer_chunk WHERE transfer_id = $1"
    assert await owner.fetchval(count, transfer_id) == 2
    for code, seen in ((A, 0), (B, 2), (third, 2)):
        async with tenant_transaction(DB, code) as scope:
            assert await scope.connection.fetchval(count, transfer_id) == seen
    insert = (
        "INSERT INTO shared.transfer_chunk (transfer_id, seq, from_code, to_code, bytes) "
        "VALUES ($1, 9, $2, $3, '\\x00')"
    )
    # A third kommune cannot add a chunk in the sender's name; the sender cannot add one
    # once its transfer is sent; nobody changes or removes one.
    for code in (A, B):
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            async with tenant_transaction(DB, code) as scope:
                await scope.connection.execute(insert, transfer_id, B, third)
    for code in (B, third):
        for sql in (
            "UPDATE shared.transfer_chunk SET bytes = '\\x00' WHERE transfer_id = $1",
            "DELETE FROM shared.transfer_chunk WHERE transfer_id = $1",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                async with tenant_transaction(DB, code) as scope:
                    await scope.connection.execute(sql, transfer_id)
    assert await owner.fetchval(count, transfer_id) == 2


async def test_a_new_kommune_gets_its_rights_when_created(seeded, registry, client: Client):
    """Kommuner created after the shared migration get the cross-kommune grants from their
    own tenant migration: they can send, receive and look up like the first ones."""
    code = "0404"
    await new_kommune(registry, code, "Nyby")
    c = await client(code, "sagsbehandler", SPARE_REALM)
    r = await c.post("/api/cpr/prior-cases", json={"cpr": cpr_for(203)})
    assert r.status_code == 200 and r.json() == {"prior_cases": []}
    targets = (await c.get("/api/kommuner/transfer-targets")).json()
    assert code not in {t["code"] for t in targets} and A in {t["code"] for t in targets}
    a = await client(A)
    case = await history_case(a, 204)
    sent = await a.post(
        f"/api/cases/{case['case_id']}/transfers", json={"to_kommune": code, "summary": SUMMARY}
    )
    assert sent.status_code == 201, sent.text
    assert await drain(A, code) == []
    assert (await c.post(f"/api/transfers/{sent.json()['id']}/accept")).status_code == 200
    assert await drain(A, code) == []
    assert (await c.get(f"/api/transfers/{sent.json()['id']}")).json()["transfer"][
        "status"
    ] == "importeret"
