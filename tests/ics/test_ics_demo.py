"""The demo population holds ICS documents a newcomer can work with."""

from __future__ import annotations

import json

from backend.db import DB
from backend.demo import seed_casework
from backend.ics.method import method
from tenancy.context import tenant_transaction
from tests.conftest import new_kommune


async def test_demo_has_a_submitted_investigation_with_all_ten_dimensions(
    registry, fresh_code, app
):
    await new_kommune(registry, fresh_code, "ICS-by", children=60)
    await seed_casework(fresh_code, seed=11)
    async with tenant_transaction(DB, fresh_code) as scope:
        rows = await scope.connection.fetch(
            "SELECT d.status, d.content::text AS content, d.submitted_by, "
            "EXISTS (SELECT 1 FROM user_role r JOIN app_user u ON u.id = r.user_id "
            "WHERE u.username = d.submitted_by AND r.role = 'leder') AS by_manager "
            "FROM ics_document d WHERE d.kind = 'undersoegelse' ORDER BY d.status DESC"
        )
    assert [r["status"] for r in rows] == ["kladde", "indsendt"]
    submitted = next(r for r in rows if r["status"] == "indsendt")
    assert not submitted["by_manager"]  # so the demo manager may approve it
    content = json.loads(submitted["content"])
    dims = [d.key for s in method().sides for d in s.dimensions]
    assert all(
        any(content["dimensions"][k][e] for e in ("observations", "resources", "concerns"))
        for k in dims
    )
    assert len(content["unmet_needs"]) == 3 and content["conclusion"]
