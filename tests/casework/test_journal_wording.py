"""Journal lines name people, not e-mail addresses or entry numbers (issue 12 item 17)."""

from __future__ import annotations

from tests.casework.test_casework_api import _caseworker, _register, new_cpr


async def test_journal_names_the_author_and_the_corrected_note(http, seeded):
    session = await _caseworker(http)
    case_id = (await _register(http, new_cpr(7171))).json()["hovedsag_id"]
    first = await http.post(
        f"/api/cases/{case_id}/journal", json={"title": "Hjemmebesøg", "body": "Mor var hjemme."}
    )
    fix = await http.post(
        f"/api/cases/{case_id}/journal",
        json={"title": "Rettelse", "body": "Far var der også.", "corrects_id": first.json()["id"]},
    )
    assert fix.status_code == 201
    items = {e["id"]: e for e in (await http.get(f"/api/cases/{case_id}/journal")).json()["items"]}
    note, correction = items[first.json()["id"]], items[fix.json()["id"]]
    assert "@" in session["username"]
    for entry in items.values():
        assert entry["author"] == session["username"]  # the audit trail keeps the username
        assert entry["author_name"] == session["display_name"] == "Sara Sagsbehandler"
    assert correction["corrects"] == {
        "id": note["id"],
        "at": note["at"],
        "title": "Hjemmebesøg",
        "author_name": "Sara Sagsbehandler",
    }
    assert [c["title"] for c in note["corrections"]] == ["Rettelse"]
    assert note["corrects"] is None and correction["corrections"] == []
