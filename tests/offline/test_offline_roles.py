"""Offline download is for the roles the kommune's administrator chooses (issue 13,
finding 7): by default caseworkers and managers; the read-only role (revision) only when
the administrator allows it."""

from __future__ import annotations

from backend.db import DB
from tenancy.context import tenant_transaction
from tests.conftest import KOMMUNE_A
from tests.offline.test_offline_api import client

A = KOMMUNE_A[0]
DEFAULT = ["leder", "sagsbehandler"]


async def _a_case() -> str:
    async with tenant_transaction(DB, A) as scope:
        case_id = await scope.connection.fetchval(
            "SELECT id FROM hovedsag WHERE closed_at IS NULL ORDER BY opened_at LIMIT 1"
        )
    return str(case_id)


async def test_revisor_may_not_go_offline_until_the_administrator_allows_it(app, seeded):
    async with (
        client(app, A, "admin") as admin,
        client(app, A, "revisor") as revisor,
        client(app, A, "sagsbehandler") as caseworker,
    ):
        assert (await admin.get("/api/admin/offline/roles")).json() == {"roles": DEFAULT}
        assert (await revisor.get("/api/offline/adgang")).json() == {"allowed": False}
        assert (await caseworker.get("/api/offline/adgang")).json() == {"allowed": True}
        refused = await revisor.post("/api/offline/enheder", json={"label": "Revisors pc"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["detail"].startswith("Din rolle må ikke gemme sager til hjemmebesøg")
        assert (
            await caseworker.post("/api/offline/enheder", json={"label": "T"})
        ).status_code == 201

        case_id = await _a_case()
        try:
            allowed = await admin.put(
                "/api/admin/offline/roles", json={"roles": ["laeser", *DEFAULT]}
            )
            assert allowed.status_code == 200, allowed.text
            assert allowed.json() == {"roles": ["laeser", "leder", "sagsbehandler"]}
            assert (await revisor.get("/api/offline/adgang")).json() == {"allowed": True}
            made = await revisor.post("/api/offline/enheder", json={"label": "Revisors pc"})
            assert made.status_code == 201, made.text
            device = made.json()["device_id"]
            assert (await revisor.put(f"/api/offline/choices/{case_id}")).status_code == 200
            manifest = await revisor.get(f"/api/offline/enheder/{device}/manifest")
            assert manifest.status_code == 200, manifest.text
            assert case_id in {c["hovedsag_id"] for c in manifest.json()["cases"]}
            cases = await revisor.get(f"/api/offline/enheder/{device}/cases?ids={case_id}")
            assert cases.status_code == 200, cases.text
            assert [c["hovedsag_id"] for c in cases.json()["cases"]] == [case_id]

            # Taken away again: the device registered meanwhile downloads nothing more.
            back = await admin.put("/api/admin/offline/roles", json={"roles": DEFAULT})
            assert back.status_code == 200
            assert (await revisor.get(f"/api/offline/enheder/{device}/manifest")).status_code == 403
            assert (
                await revisor.get(f"/api/offline/enheder/{device}/cases?ids={case_id}")
            ).status_code == 403
            assert (await revisor.put(f"/api/offline/choices/{case_id}")).status_code == 403
        finally:
            await admin.put("/api/admin/offline/roles", json={"roles": DEFAULT})


async def test_only_roles_that_read_cases_can_be_chosen(app, seeded):
    async with client(app, A, "admin") as admin, client(app, A, "sagsbehandler") as worker:
        for roles, message in (
            (["administrator"], "Administrator kan ikke se sager og kan derfor ikke vælges"),
            (["hemmelig"], "Vælg blandt kommunens roller"),
        ):
            r = await admin.put("/api/admin/offline/roles", json={"roles": roles})
            assert r.status_code == 400, r.text
            assert r.json()["extra"] == [{"key": "roles", "message": message}]
        assert (await admin.get("/api/admin/offline/roles")).json() == {"roles": DEFAULT}
        # Only the administrator chooses.
        r = await worker.put("/api/admin/offline/roles", json={"roles": ["laeser"]})
        assert r.status_code == 403
