"""One cost model (issue 12, item 1): the visitation's projection, the manager's approval
view and the granted bevilling show the same three figures — pr. måned, pr. år and hele
perioden — for the same measure, and the API labels them.

Before the fix a bevilling of familiebehandling 3 hours a week for 01.01.–30.06. showed
half the yearly rate of its draft (its own prices, copied over its period only, were
summed over 12 months as if it cost nothing after its end)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from backend.core.danish import today_dk
from backend.core.workdays import add_months
from backend.db import DB
from backend.money import costs, visitation
from backend.money.catalogue import check_frequency
from tenancy.context import tenant_transaction
from tests.money.conftest import A, new_cpr, offer, register, supplier
from tests.money.test_visitation import weekly_rate


def weekly_period(amount_oere: int, per_week: int, start: date, end: date) -> int:
    """An independent sum of amount × quantity × days / 7, each calendar month rounded."""
    total, month = 0, date(start.year, start.month, 1)
    while month <= end:
        last = add_months(month, 1) - timedelta(days=1)
        days = (min(last, end) - max(month, start)).days + 1
        exact = Decimal(amount_oere * per_week * days) / 7
        total += int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        month = add_months(month, 1)
    return total


def figures(cost: dict) -> tuple[int, int, int | None]:  # type: ignore[type-arg]
    return cost["per_month_oere"], cost["per_year_oere"], cost["until_end_oere"]


async def test_visitation_approval_and_bevilling_show_the_same_figures(client):
    fin = await client(A, "oekonomi")
    sid = await supplier(fin, "Familiecentret Én model")
    this_year = today_dk().year
    # 920,06 kr. an hour (895 kr. + 2,8 %), as in the demo.
    family = await offer(
        fin, sid, "familiebehandling", "hour", 92006, date(this_year, 1, 1), "Familiebeh."
    )
    start, end = date(this_year + 1, 1, 1), date(this_year + 1, 6, 30)
    worker = await client(A, "sagsbehandler")
    case_id = (await register(worker, 1201))["hovedsag_id"]
    r = await worker.post(f"/api/money/cases/{case_id}/draft", json={"paragraph": "32"})
    draft = r.json()
    url = f"/api/money/drafts/{draft['id']}"
    line = {"measure_kind": "familiebehandling", "offer_id": family, "quantity": "3",
            "starts_on": start.isoformat(), "ends_on": end.isoformat()}  # fmt: skip
    r = await worker.post(f"{url}/lines", json=line)
    assert r.status_code == 201, r.text
    per_year = weekly_rate(92006, 3, start)
    whole = weekly_period(92006, 3, start, end)
    expected = (costs.per_month_of(per_year), per_year, whole)
    assert figures(r.json()["lines"][0]["cost"]) == expected
    assert figures(r.json()["total"]) == expected
    # The stateless projection.
    p = await worker.post("/api/money/projection", json={"lines": [line]})
    assert figures(p.json()["total"]) == expected
    # The manager's approval: the front page's list and the case's approval view.
    submitted = await worker.post(f"{url}/submit", json={"version": r.json()["version"]})
    assert submitted.status_code == 200, submitted.text
    manager = await client(A, "leder")
    queue = (await manager.get("/api/money/approvals")).json()["items"]
    [item] = [i for i in queue if i["id"] == draft["id"]]
    assert item["amount_oere"] == per_year
    view = (await manager.get(url)).json()
    assert figures(view["total"]) == expected
    approved = await manager.post(f"{url}/approve", json={"version": view["version"]})
    assert approved.status_code == 200, approved.text
    # The decision grants it: the bevilling shows the same three figures.
    made = await worker.post(
        f"/api/cases/{case_id}/afgoerelser",
        json={
            "paragraph": "32",
            "outcome": "bevilget",
            "decided_on": today_dk().isoformat(),
            "summary": "Familiebehandling bevilges.",
            "exceptions": {"boernesamtale": "Holdt i undersøgelsen", "partshoering": "Medhold"},
            "draft_id": draft["id"],
        },
    )
    assert made.status_code == 201, made.text
    economy = (await worker.get(f"/api/money/cases/{case_id}")).json()
    [bevilling] = economy["bevillinger"]
    assert figures(bevilling) == expected
    assert (economy["per_month_oere"], economy["per_year_oere"]) == expected[:2]
    detail = (await worker.get(f"/api/money/bevillinger/{bevilling['id']}")).json()
    assert figures(detail) == expected
    if start.year == 2027:  # the figures of the report
        assert expected == (1199364, 14392363, 7137035)
    journal = (await worker.get(f"/api/cases/{case_id}/journal?page_size=100")).json()
    [granted] = [e["title"] for e in journal["items"] if e["title"].startswith("Bevilling: ")]
    assert granted.endswith(" pr. måned, " + granted.split(" pr. måned, ")[1])
    assert " pr. år, " in granted and granted.endswith(" for hele perioden")


async def test_the_api_labels_the_three_figures(client):
    worker = await client(A, "sagsbehandler")
    schema = (await worker.get("/schema/openapi.json")).json()["components"]["schemas"]
    for name in ("CostRead", "BevillingRead"):
        props = schema[name]["properties"]
        assert props["per_month_oere"]["description"].startswith("Pr. måned: ")
        assert props["per_year_oere"]["description"].startswith("Pr. år: ")
        assert props["until_end_oere"]["description"].startswith("Hele perioden: ")


@pytest.fixture
async def changing_offer(app) -> uuid.UUID:
    """A week-priced offer (written directly, for the past): 700 kr., then 770 kr. from
    1 March 2024 and 800 kr. from 1 August 2024 (after the line below ends)."""
    async with tenant_transaction(DB, A) as scope:
        c = scope.connection
        supplier_id = await c.fetchval(
            "INSERT INTO supplier (name, kind, created_by) VALUES ('Én model', 'plejefamilie', "
            "'test') RETURNING id"
        )
        offer_id: uuid.UUID = await c.fetchval(
            "INSERT INTO offer (supplier_id, name, measure_kind, unit, created_by) "
            "VALUES ($1, 'Aflastning', 'aflastning', 'day', 'test') RETURNING id",
            supplier_id,
        )
        await c.execute(
            "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, created_by) "
            "VALUES ($1, '2023-01-01', '2024-02-29', 70000, 'test'), "
            "($1, '2024-03-01', '2024-07-31', 77000, 'test'), "
            "($1, '2024-08-01', NULL, 80000, 'test')",
            offer_id,
        )
    return offer_id


@pytest.mark.parametrize(
    ("frequency", "start", "end", "today"),
    [
        ("week", date(2024, 2, 10), date(2024, 3, 20), date(2024, 1, 15)),  # leap February
        ("day", date(2024, 2, 29), date(2024, 4, 15), date(2024, 2, 1)),  # part months
        ("month", date(2024, 2, 10), date(2024, 3, 20), date(2024, 3, 5)),  # started: from today
    ],
)
async def test_a_bevilling_costs_what_its_line_cost(changing_offer, frequency, start, end, today):
    line = costs.Line(changing_offer, frequency, Decimal("2.5"), start, end)
    async with tenant_transaction(DB, A) as scope:
        c = scope.connection
        [projected] = await costs.project([line], today=today)
        child = await c.fetchval(
            "INSERT INTO child (cpr, first_name, last_name, birth_date) "
            "VALUES ($1, 'Test', 'Barn', '2015-01-01') RETURNING id",
            new_cpr(120_000 + start.toordinal() % 1000 + len(frequency)),
        )
        case = await c.fetchval(
            "INSERT INTO hovedsag (child_id, opened_at, stage) VALUES ($1, '2024-01-01', "
            "'indsats') RETURNING id",
            child,
        )
        es = await c.fetchval(
            "INSERT INTO enkeltsag (hovedsag_id, kind, paragraph) VALUES ($1, 'indsats', '32') "
            "RETURNING id",
            case,
        )
        indsats = await c.fetchval(
            "INSERT INTO indsats (hovedsag_id, enkeltsag_id, kind, paragraph, placement, "
            "starts_on, created_by) VALUES ($1, $2, 'aflastning', '32', false, $3, 'test') "
            "RETURNING id",
            case,
            es,
            start,
        )
        o = await visitation.check_offer(changing_offer, None, start)
        bevilling_id = await visitation.create_bevilling(
            "test",
            hovedsag_id=case,
            indsats_id=indsats,
            afgoerelse_id=None,
            draft_line_id=None,
            offer=o,
            paragraph="32",
            quantity=Decimal("2.5"),
            frequency=check_frequency(o.unit, frequency),
            period_from=start,
            period_to=end,
            approved_by="test",
            approved_at=None,
        )
        row = costs.Line(bevilling_id, frequency, Decimal("2.5"), start, end)
        [granted] = await costs.bevilling_costs([row], today)
    assert projected.unpriced_days == 0
    assert (granted.per_month, granted.per_year, granted.until_end, granted.months) == (
        projected.per_month,
        projected.per_year,
        projected.until_end,
        projected.months,
    )
    # The rate runs on at the price in force on the planned end (the August price after
    # the end is not the bevilling's), over 12 months from the start or from today.
    assert projected.per_year > 0 and projected.until_end is not None
    assert projected.per_year > projected.until_end
