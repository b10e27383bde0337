"""Prior-case detection: a kommune registering a child learns which other kommuner have
(or had) a case on the same CPR number — where and when, never content — from an index
that holds a keyed hash, not the number, and every lookup is audited twice."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

import msgspec
import pytest

from backend.config import ConfigError
from backend.core.danish import today_dk
from backend.crosskommune import keys
from tests.conftest import username
from tests.crosskommune.conftest import A, B, cpr_for, drain, fetch, register


async def _index_rows(owner, cpr: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    rows = await owner.fetch(
        "SELECT tenant_code, subject, opened_on, closed_on, transferred_to FROM shared.cpr_index "
        "WHERE cpr_hmac = $1 ORDER BY tenant_code",
        keys.cpr_hmac(cpr),
    )
    return [dict(r) for r in rows]


async def test_a_second_kommune_learns_where_and_when_never_what(seeded, client, owner):
    a, b = await client(A), await client(B)
    cpr = cpr_for(1)
    first = await register(a, cpr, first="Asta", address="Hemmeligvej 7")
    assert first["prior_cases"] == []  # nobody else knows the child
    assert await drain(A) == []
    second = await register(b, cpr, first="Asta")
    assert second["prior_cases"] == [
        {
            "kommune": {"code": A, "name": "København"},
            "subject": "barn",
            "opened_on": today_dk().isoformat(),
            "closed_on": None,
            "status": "aaben",
            "transferred_to": None,
        }
    ]
    # Nothing of A's case reaches B: not its id, not the address, not the caseworker.
    text = msgspec.json.encode(second).decode()
    assert first["hovedsag_id"] not in text and "Hemmeligvej" not in text
    assert await drain(B) == []
    # A sees B now, never itself.
    again = await register(a, cpr, existing=True)
    assert [p["kommune"]["code"] for p in again["prior_cases"]] == [B]


async def test_the_index_holds_a_keyed_hash_never_the_number(seeded, client, owner):
    a = await client(A)
    cpr = cpr_for(2)
    await register(a, cpr)
    assert await drain(A) == []
    stored = await owner.fetch("SELECT cpr_hmac FROM shared.cpr_index WHERE tenant_code = $1", A)
    key = keys.cpr_hmac(cpr)
    assert key in {r["cpr_hmac"] for r in stored}
    # Keyed: not a plain hash anyone could compute by trying all CPR numbers.
    assert key != hashlib.sha256(cpr.encode()).digest()
    assert key == hmac.new(keys.require_key(_dev()), cpr.encode(), hashlib.sha256).digest()
    # No shared table holds the number as text anywhere (the package, which must carry
    # the child to the new kommune, is the only exception and is sealed to the two).
    for table in ("cpr_index", "cross_audit", "transfer_request", "transfer_forward"):
        rows = await owner.fetch(f"SELECT t::text AS row FROM shared.{table} t")
        assert not [r for r in rows if cpr in r["row"] or cpr[:6] + "-" in r["row"]], table
    rows = await owner.fetch("SELECT (to_jsonb(t) - 'package')::text AS row FROM shared.transfer t")
    assert not [r for r in rows if cpr in r["row"]]


def _dev():  # type: ignore[no-untyped-def]
    from backend.config import get_settings

    return get_settings()


def test_production_refuses_to_start_without_the_key(monkeypatch):
    settings = msgspec.structs.replace(_dev(), env="production")
    monkeypatch.delenv(keys.ENV, raising=False)
    with pytest.raises(ConfigError, match=keys.ENV):
        keys.require_key(settings)
    monkeypatch.setenv(keys.ENV, "too-short")
    with pytest.raises(ConfigError, match="32"):
        keys.require_key(settings)
    monkeypatch.setenv(keys.ENV, "x" * 40)
    assert keys.require_key(settings) == b"x" * 40


async def test_every_lookup_is_audited_in_the_kommune_and_in_shared(seeded, client, owner):
    a, b = await client(A), await client(B)
    cpr = cpr_for(3)
    await register(a, cpr)
    assert await drain(A) == []
    before = await owner.fetchval("SELECT count(*) FROM shared.cross_audit")
    r = await b.post("/api/cpr/prior-cases", json={"cpr": cpr})
    assert r.status_code == 200, r.text
    assert [p["kommune"]["code"] for p in r.json()["prior_cases"]] == [A]
    shared = await owner.fetch(
        "SELECT kommune_code, actor, action, purpose, hmac_prefix, result_count "
        "FROM shared.cross_audit ORDER BY id DESC LIMIT 1"
    )
    assert await owner.fetchval("SELECT count(*) FROM shared.cross_audit") == before + 1
    assert dict(shared[0]) == {
        "kommune_code": B,
        "actor": username("sagsbehandler", B),
        "action": "cpr.prior_cases",
        "purpose": "opslag",
        "hmac_prefix": keys.cpr_hmac(cpr)[:4],
        "result_count": 1,
    }
    assert await drain(B) == []
    events = await fetch(
        B,
        "SELECT actor, detail::text AS detail FROM audit_event WHERE action = 'cpr.prior_cases' "
        "ORDER BY id DESC LIMIT 1",
    )
    detail = msgspec.json.decode(events[0]["detail"])
    assert events[0]["actor"] == username("sagsbehandler", B)
    assert detail == {"purpose": "opslag", "found": 1, "kommuner": [A]}
    assert cpr not in events[0]["detail"]


async def test_the_index_follows_unborn_birth_and_closing(seeded, client, owner):
    a, b = await client(A), await client(B)
    mother, child = cpr_for(4, years=29), cpr_for(5, years=0)
    due = (date.today() + timedelta(days=20)).isoformat()
    r = await a.post("/api/children", json={"mother_cpr": mother, "expected_date": due})
    assert r.status_code == 201, r.text
    unborn = r.json()
    assert await drain(A) == []
    assert [(x["tenant_code"], x["subject"]) for x in await _index_rows(owner, mother)] == [
        (A, "ufoedt")
    ]
    seen = (await b.post("/api/cpr/prior-cases", json={"cpr": mother})).json()["prior_cases"]
    assert [(p["kommune"]["code"], p["subject"]) for p in seen] == [(A, "ufoedt")]

    # Born: the case follows the child's own number, in the index too.
    born = await a.post(
        f"/api/children/{unborn['child_id']}/birth",
        json={"cpr": child, "first_name": "Lille", "last_name": "Flyttesen"},
    )
    assert born.status_code == 200, born.text
    assert born.json()["prior_cases"] == []
    assert await drain(A) == []
    assert await _index_rows(owner, mother) == []
    assert [(x["tenant_code"], x["subject"]) for x in await _index_rows(owner, child)] == [
        (A, "barn")
    ]
    assert (await b.post("/api/cpr/prior-cases", json={"cpr": mother})).json()["prior_cases"] == []

    # Closed: still shown, as closed, with its dates.
    case = (await a.get(f"/api/cases/{unborn['hovedsag_id']}")).json()
    closed = await a.post(
        f"/api/cases/{unborn['hovedsag_id']}/close",
        json={"version": case["version"], "reason": "Familien klarer sig"},
    )
    assert closed.status_code == 200, closed.text
    assert await drain(A) == []
    seen = (await b.post("/api/cpr/prior-cases", json={"cpr": child})).json()["prior_cases"]
    assert [(p["status"], p["closed_on"]) for p in seen] == [("lukket", today_dk().isoformat())]


async def test_lookups_need_a_valid_number_and_a_caseworker(seeded, client):
    b = await client(B)
    r = await b.post("/api/cpr/prior-cases", json={"cpr": "12345"})
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "cpr"
    reader = await client(B, "revisor")  # the laeser role
    r = await reader.post("/api/cpr/prior-cases", json={"cpr": cpr_for(6)})
    assert r.status_code == 403
