"""ICS documents name people, not usernames (issue 12 item 17)."""

from __future__ import annotations

from tests.casework.test_casework_api import _caseworker
from tests.ics.test_ics import _case, _start


async def test_a_document_and_its_versions_name_who_changed_it(http, seeded):
    session = await _caseworker(http)
    case_id = await _case(http, 8591)
    doc = await _start(http, case_id)
    assert doc["changed_by"] == session["username"]
    assert doc["changed_by_name"] == session["display_name"] == "Sara Sagsbehandler"
    assert doc["submitted_by_name"] is None and doc["returned_by_name"] is None
    series = (await http.get(f"/api/cases/{case_id}/ics")).json()["series"]
    [latest] = [s["latest"] for s in series if s["latest"]["id"] == doc["id"]]
    assert latest["changed_by_name"] == "Sara Sagsbehandler"
