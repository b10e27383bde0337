"""The lifecycle API other packages use on a case (backend.casework.lifecycle)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from backend.casework import lifecycle
from backend.db import DB
from tenancy.context import tenant_transaction
from tests.casework.test_casework_api import A, _caseworker, _register, new_cpr


async def test_past_events_an_activity_and_closing_as_transferred(http, seeded):
    await _caseworker(http)
    r = await _register(http, new_cpr(9301))
    assert r.status_code == 201, r.text
    case_id = uuid.UUID(r.json()["hovedsag_id"])
    child_id = uuid.UUID(r.json()["child_id"])
    sent = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    async with tenant_transaction(DB, A):
        assert await lifecycle.current_case(child_id) == case_id
        await lifecycle.add_past_events(
            case_id,
            [
                lifecycle.PastEvent(
                    sent,
                    "afsender",
                    "Afsender Andersen",
                    "overfoersel.modtaget",
                    "Modtaget",
                    "Sendt af Afsender",
                ),
                lifecycle.PastEvent(
                    sent + timedelta(hours=1),
                    "modtager",
                    None,
                    "overfoersel.accepteret",
                    "Accepteret",
                ),
            ],
        )
        activity_id = await lifecycle.add_activity(
            case_id,
            rule_id="overtag-sag",
            title="Læs og overtag sagen",
            basis="Barnets Lov § 132",
            owner_id=None,
            due_at=sent + timedelta(days=5),
        )
        ended, cancelled = await lifecycle.close_as_transferred(
            case_id, "0202", "Sagen er overtaget", "Trekant", sent.date()
        )
    assert isinstance(activity_id, uuid.UUID)
    assert ended == 0
    # The activity just added, and the statutory ones the registration made: none here.
    assert cancelled == 1
    page = (await http.get(f"/api/cases/{case_id}/journal?page_size=200")).json()
    past = [
        (e["title"], e["body"], e["at"])
        for e in page["items"]
        if e["title"] in ("Modtaget", "Accepteret")
    ]
    assert sorted(past) == [
        ("Accepteret", "", "2026-01-05T10:30:00Z"),
        ("Modtaget", "Sendt af Afsender", "2026-01-05T09:30:00Z"),
    ]
    case = (await http.get(f"/api/cases/{case_id}")).json()
    assert case["stage"] == "afsluttet"
    assert case["close_reason"] == "Sagen er overtaget"
    assert [a["status"] for a in case["activities"] if a["rule_id"] == "overtag-sag"] == [
        "cancelled"
    ]
