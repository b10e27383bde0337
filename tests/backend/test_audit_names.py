"""Audit rows name people: the actor by name (username kept for the auditor) and whom the
event concerns — a child (the subject a child or case id) or a user — by name, not by id."""

from __future__ import annotations

import uuid

from backend.audit.service import record
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import _register, new_cpr
from tests.conftest import KOMMUNE_A, sign_in


async def _recorded(actor: str, action: str, subject: str) -> None:
    async with tenant_transaction(DB, KOMMUNE_A[0]):
        await record(actor, action, subject)


async def test_audit_rows_name_the_child_and_the_user_they_concern(http, client, seeded):
    caseworker = await client(KOMMUNE_A[0], "sagsbehandler")
    r = await _register(caseworker, new_cpr(7201), first_name="Revi", last_name="Sionsen")
    assert r.status_code == 201, r.text
    child_id, case_id = r.json()["child_id"], r.json()["hovedsag_id"]
    admin = await sign_in(http, KOMMUNE_A[0], "admin")
    me = (await http.get("/api/session")).json()
    async with tenant_transaction(DB, KOMMUNE_A[0]) as scope:
        me["user_id"] = str(
            await scope.connection.fetchval(
                "SELECT id FROM app_user WHERE username = $1", me["username"]
            )
        )
    await _recorded(admin["username"], "child.read", child_id)
    await _recorded(admin["username"], "case.read", case_id)
    await _recorded(admin["username"], "user.roles_changed", me["user_id"])
    odd = f"not-an-id-{uuid.uuid4()}"
    await _recorded(admin["username"], "case.read", odd)
    names = {}
    for action, subject in (
        ("child.read", child_id),
        ("case.read", case_id),
        ("user.roles_changed", me["user_id"]),
        ("case.read", odd),
    ):
        params = {"subject": subject, "action": action, "actor": admin["username"]}
        r = await http.get("/api/admin/audit", params=params)
        assert r.status_code == 200, r.text
        newest = r.json()["items"][0]  # the one recorded here (others may concern them too)
        names[subject] = (newest["subject_name"], newest["actor_name"], newest["actor"])
    who = (me["display_name"], admin["username"])
    assert names == {
        child_id: ("Revi Sionsen", *who),
        case_id: ("Revi Sionsen", *who),
        me["user_id"]: (me["display_name"], *who),
        odd: (None, *who),
    }
