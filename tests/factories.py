"""Test data made through the API, fresh on every call, so a test's assertions are exact.

The database is shared by the whole test session, so two tests that register "the same"
child share its case: the second gets ``200`` and the first test's state. The factories
never hand out a CPR number twice, and their numbers cannot be one of the seed-based
helpers' (``new_cpr(seed)``, ``cpr_for(seed)``, ``365 * years + seed % 300`` days old): a
factory child is born on one of the 65 days after that window (``365 * years + 300`` to
``+ 364`` days old), so it has the same age in whole years.

``await child(c)`` registers a child (a new case, ``201``); ``underretning``,
``investigation``, ``network_member`` and ``note`` add to it, each asserting its exact
status and returning the answer's JSON.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from backend.demo import synthetic_cpr

_issued: set[str] = set()
_rng = random.Random(20_261_206)
_serial = itertools.count()


def unique_cpr(years: int = 8) -> str:
    """A synthetic CPR number (valid date and century) of a child ``years`` old that no
    other factory call and no seed-based helper returns."""
    while True:
        offset = 365 * years + 300 + next(_serial) % 65
        number = synthetic_cpr(_rng, date.today() - timedelta(days=offset))
        if number not in _issued:
            _issued.add(number)
            return number


@dataclass(frozen=True)
class Child:
    """A registered child with its open case (hovedsag)."""

    cpr: str
    child_id: str
    case_id: str
    answer: dict[str, Any]  # the registration's whole answer (prior_cases, ...)


async def child(
    c: httpx.AsyncClient,
    *,
    years: int = 8,
    first_name: str = "Ida",
    last_name: str = "Testesen",
    **fields: str,
) -> Child:
    """A new child registered by ``c`` (a caseworker): ``201``, a new child and case."""
    cpr = unique_cpr(years)
    body = {"cpr": cpr, "first_name": first_name, "last_name": last_name, **fields}
    r = await c.post("/api/children", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    assert data["existing"] is False, data
    return Child(cpr, data["child_id"], data["hovedsag_id"], data)


async def underretning(c: httpx.AsyncClient, case_id: str, **fields: object) -> dict[str, Any]:
    """An underretning from a professional (a school), received now, on ``case_id``."""
    body: dict[str, object] = {
        "received_at": datetime.now(UTC).isoformat(),
        "notifier_kind": "fagperson",
        "source": "skole",
        "concerns": "Barnet kommer ofte sultent i skole",
        **fields,
    }
    r = await c.post(f"/api/cases/{case_id}/underretninger", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def investigation(
    c: httpx.AsyncClient, case_id: str, aware_since: date | None = None
) -> dict[str, Any]:
    """A børnefaglig undersøgelse (§ 20) started on ``case_id``."""
    since = aware_since or date.today()
    r = await c.post(f"/api/cases/{case_id}/undersoegelse", json={"aware_since": since.isoformat()})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def network_member(c: httpx.AsyncClient, child_id: str, **fields: object) -> dict[str, Any]:
    """A person in the child's network (default: the school)."""
    body: dict[str, object] = {"relation": "skole", "name": "Skovskolen", **fields}
    r = await c.post(f"/api/children/{child_id}/network", json=body)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def note(
    c: httpx.AsyncClient, case_id: str, title: str = "Hjemmebesøg", body: str = ""
) -> dict[str, Any]:
    """A journal note on ``case_id``."""
    r = await c.post(f"/api/cases/{case_id}/journal", json={"title": title, "body": body})
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def completion_record(rule_id: str | None) -> dict[str, Any] | None:
    """A complete record for completing an activity of ``rule_id`` (rules.py's forms)."""
    today = date.today().isoformat()
    return {
        "vurdering-24-timer": {
            "fare": False,
            "akut": False,
            "vurdering": "Ingen akut fare; forholdene afdækkes med familien.",
            # not "afdaekning": that starts an afdækning (backend/casework/front.py)
            "naeste_skridt": "ingen",
        },
        "kvittering-fagperson": {"sendt_dato": today, "sendt_med": "digital_post"},
        "afklar-henvendelse": {"svar": "Familien har fået svar.", "svar_dato": today},
        **{
            rule: {
                "dato": today,
                "sted": "Plejefamiliens hjem",
                "besoegt_af": "Sagsbehandleren",
                "alene": True,
                "barnets_ord": "Barnet trives.",
                "iagttagelser": "Ingen bekymringer.",
            }
            for rule in ("tilsynsbesoeg", "naeste-tilsynsbesoeg")
        },
    }.get(rule_id or "")


async def manager_joins_caseworkers_team(code: str) -> None:
    """Put kommune ``code``'s demo manager on the demo caseworker's team(s), so the manager's
    team views and plans cover the caseworker's cases (idempotent)."""
    from backend.db import DB
    from tenancy.context import tenant_transaction
    from tests.conftest import username

    async with tenant_transaction(DB, code) as scope:
        await scope.connection.execute(
            "INSERT INTO team_member (team_id, user_id) SELECT m.team_id, l.id FROM team_member m "
            "JOIN app_user s ON s.id = m.user_id AND s.username = $1 "
            "CROSS JOIN app_user l WHERE l.username = $2 ON CONFLICT DO NOTHING",
            username("sagsbehandler", code),
            username("leder", code),
        )
