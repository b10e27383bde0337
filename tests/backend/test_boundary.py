"""Input the database cannot store is refused at the boundary: a 400 naming the field, in
Danish (issue 12 item 19). The fuzz test (tests/fuzz) looks for what these miss."""

from __future__ import annotations

import httpx

from tests.casework.test_casework_api import _caseworker
from tests.ics.test_ics import _case, _start

NUL = "Feltet indeholder et ugyldigt tegn (NUL)"


def _field(r: httpx.Response) -> dict[str, str]:
    assert r.status_code == 400, r.text
    (item,) = r.json()["extra"]
    return {"key": item["key"], "message": item["message"]}


async def test_nul_in_a_journal_note_is_refused_naming_the_field(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 7101)
    r = await http.post(f"/api/cases/{case_id}/journal", json={"title": "Besøg", "body": "a\x00b"})
    assert _field(r) == {"key": "body", "message": NUL}
    assert r.json()["detail"] == NUL
    ok = await http.post(f"/api/cases/{case_id}/journal", json={"title": "Besøg", "body": "ab"})
    assert ok.status_code == 201, ok.text


async def test_nul_deep_in_a_body_is_named_by_its_path(http, seeded):
    await _caseworker(http)
    r = await http.post("/api/offline/enheder", json={"label": "Min telefon", "x": [{"y": "\x00"}]})
    assert _field(r) == {"key": "x[0].y", "message": NUL}


async def test_nul_in_a_query_filter_is_refused_naming_the_parameter(http, seeded):
    await _caseworker(http)
    r = await http.get("/api/money/suppliers?q=Bo%00rn")
    assert _field(r) == {"key": "q", "message": NUL}
    raw = await http.get("/api/money/offers", params={"measure_kind": "a\x00"})
    assert _field(raw) == {"key": "measure_kind", "message": NUL}
    assert (await http.get("/api/money/suppliers?q=Born")).status_code == 200


async def test_nul_in_a_path_parameter_is_refused(http, seeded):
    await _caseworker(http)
    r = await http.post("/api/reports/sa%00ger", json={})
    assert _field(r) == {"key": "key", "message": NUL}


async def test_an_age_beyond_any_child_is_refused_in_search(http, seeded):
    await _caseworker(http)
    r = await http.post("/api/search", json={"age_from": 291821})
    assert _field(r) == {"key": "age_from", "message": "Tallet skal være højst 130"}
    assert (await http.post("/api/search", json={"age_from": 3})).status_code == 200


async def test_a_page_number_beyond_bigint_is_refused_in_reports(http, seeded):
    await _caseworker(http)
    r = await http.post(
        "/api/reports/sager",
        content=b'{"page": 1e30}',
        headers={"Content-Type": "application/json"},
    )
    assert _field(r) == {"key": "page", "message": "Tallet er for stort"}


async def test_a_large_page_number_in_reports_is_refused_naming_page(http, seeded):
    await _caseworker(http)
    # Within bigint, so past the boundary; PostgreSQL's refusal of the offset is the 400.
    r = await http.post("/api/reports/sager", json={"page": 2**62})
    assert _field(r) == {"key": "page", "message": "Værdien er uden for det tilladte område"}


async def test_a_version_number_beyond_integer_is_refused_in_the_ics_diff(http, seeded):
    await _caseworker(http)
    doc = await _start(http, await _case(http, 7102))
    r = await http.get(f"/api/ics/series/{doc['series_id']}/diff?a=2147483648")
    assert _field(r) == {"key": "a", "message": "Tallet skal være højst 2147483647"}


async def test_litestar_validation_errors_are_danish_and_at_the_field(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 7103)
    missing = await http.post(f"/api/cases/{case_id}/journal", json={"body": "x"})
    assert _field(missing) == {"key": "title", "message": "Feltet skal udfyldes"}
    assert missing.json()["detail"] == "Der er fejl i de indsendte oplysninger"
    wrong = await http.post("/api/search", json={"age_from": "tre"})
    assert _field(wrong) == {"key": "age_from", "message": "Skal være et heltal"}


async def test_a_body_beyond_the_size_limit_is_refused_before_it_is_buffered(http, seeded):
    await _caseworker(http)
    r = await http.post(
        "/api/offline/enheder",
        content=b'{"label": "' + b"x" * 10_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["detail"] == "Forespørgslen er for stor"


async def test_a_body_that_is_not_json_gets_a_danish_400(http, seeded):
    await _caseworker(http)
    case_id = await _case(http, 7102)
    for body in (b"{ikke json", b'{"title": "Bes'):
        r = await http.post(
            f"/api/cases/{case_id}/journal",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 400, r.text
        assert r.json()["detail"] == "Forespørgslen er ikke gyldig JSON"
    # Other client errors pass unchanged.
    missing = await http.get("/api/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and missing.json()["detail"] == (
        "Sagen findes ikke, eller du er ikke på sagen"
    )
