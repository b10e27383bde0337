"""A placed child's case sent to another kommune (§ 132) carries its decisions on contact
and their review activities (ids renewed consistently), and its supervision visits."""

from __future__ import annotations

import uuid
from datetime import timedelta

from backend.core.danish import today_dk
from tests.crosskommune.conftest import A, B, Client, drain, fetch
from tests.placement.test_supervision_and_contact import _parent, _placed


async def test_contact_decisions_and_visits_travel_with_the_case(seeded, client: Client):
    a, b = await client(A), await client(B)
    made, _ = await _placed(a, today_dk() - timedelta(days=20))
    mor = await _parent(a, made.child_id)
    r = await a.post(
        f"/api/cases/{made.case_id}/contact-decisions",
        json={
            "network_member_id": mor,
            "form": "telefon",
            "frequency": "Hver søndag",
            "decided_on": today_dk().isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    sent = await a.post(
        f"/api/cases/{made.case_id}/transfers",
        json={"to_kommune": B, "summary": "Familien er flyttet."},
    )
    assert sent.status_code == 201, sent.text
    t = sent.json()
    assert await drain(A, B) == []
    assert (await b.post(f"/api/transfers/{t['id']}/accept")).status_code == 200
    assert await drain(A, B) == []
    done = (await b.get(f"/api/transfers/{t['id']}")).json()["transfer"]
    new = uuid.UUID(done["hovedsag_id"])
    rows = await fetch(
        B,
        "SELECT d.id, d.person_name, d.network_member_id IS NOT NULL AS person, a.title "
        "FROM contact_decision d JOIN activity a ON a.concerns_id = d.id "
        "AND a.rule_id = 'samvaer-revurdering' WHERE d.hovedsag_id = $1",
        new,
    )
    assert [(x["person_name"], x["person"], x["title"]) for x in rows] == [
        ("Mette Mor", True, "Revurdér samværet med Mette Mor")
    ]
    assert str(rows[0]["id"]) != r.json()["id"]
    place = (await b.get(f"/api/cases/{new}/placement")).json()
    assert [d["person_name"] for d in place["contact"]] == ["Mette Mor"]
    assert [v["status"] for v in place["visits"]] == ["open"]
