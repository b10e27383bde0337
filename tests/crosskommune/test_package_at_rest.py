"""Transfer packages are encrypted at rest (issue 13, item 9): the two kommuner read them
through their own transactions; the operator role, a dump, or another row cannot."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest

from backend.crosskommune import keys
from tenancy.names import operator_role
from tenancy.registry import role_dsn
from tests.crosskommune.conftest import A, B, Client, drain
from tests.crosskommune.test_transfer import SUMMARY, _send, history_case


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
        role_dsn(settings.database_url, operator_role(settings.role_prefix), None)
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
    assert await keys.seal_plain_packages(owner) >= 1
    raw = await owner.fetchrow(
        "SELECT package, child_name, summary FROM shared.transfer WHERE id = $1", tid
    )
    assert case["cpr"].encode() not in bytes(raw["package"])
    assert "Freja" not in raw["child_name"] and raw["summary"] != SUMMARY
    assert (await a.get(f"/api/transfers/{t['id']}/package")).content == plain
    shown = (await a.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    assert (shown["child_name"], shown["summary"]) == ("Freja Flyttesen", SUMMARY)
    assert await keys.seal_plain_packages(owner) == 0
