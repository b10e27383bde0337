"""Demo money data, written through the real services (called from
``backend.demo.seed_casework`` inside the kommune's tenant transaction).

A handful of suppliers (a døgninstitution, an opholdssted, two foster families, a private
provider of family treatment and contact persons, the kommune's own offer) with offers
priced last year and, a little higher, from 1 January this year; a bevilling for every
running demo measure (approved by the demo manager); monthly payments for the months
already passed, most of them exported to the finance system in one file, the latest
awaiting export. Does nothing if the kommune already has suppliers.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from backend.core.danish import today_dk
from backend.core.workdays import add_months
from backend.money import catalogue, costs, payments, visitation
from backend.money.repositories import demo as repo

ACTOR = "demo"


def demo_cvr(base7: str) -> str:
    """A CVR number with a valid check digit (not a real company's)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(base7, weights, strict=True))
    for digit in range(10):
        if (total + digit) % 11 == 0:
            return base7 + str(digit)
    raise ValueError(base7)


# supplier name, kind, CVR base (None: a person), Tilbudsportalen id, offers:
# (offer name, measure kind, unit, price last year in øre)
SUPPLIERS: list[tuple[str, str, str | None, str | None, list[tuple[str, str, str, int]]]] = [
    (
        "Døgninstitutionen Skovbrynet",
        "doegninstitution",
        "2912345",
        "TP-10231",
        [("Døgnophold, almindelig takst", "doegninstitution", "day", 4_250_00)],
    ),
    (
        "Opholdsstedet Solsikken ApS",
        "opholdssted",
        "3187654",
        "TP-20877",
        [
            ("Ophold med skoletilbud", "opholdssted", "day", 2_980_00),
            ("Udslusning, eget værelse", "eget_vaerelse", "month", 31_500_00),
            # Support after 18 (§ 114): the continued stay after the placement ends at 18.
            ("Opretholdt døgnophold, 18-22 år", "viderefoert_anbringelse", "day", 2_450_00),
        ],
    ),
    (
        "Plejefamilien Holm",
        "plejefamilie",
        None,
        None,
        [("Plejevederlag og kost", "plejefamilie", "month", 28_400_00)],
    ),
    (
        "Netværksplejefamilien Dahl",
        "netvaerksplejefamilie",
        None,
        None,
        [("Vederlag, netværkspleje", "netvaerksplejefamilie", "month", 9_800_00)],
    ),
    (
        "Familiecentret Nord A/S",
        "privat_leverandoer",
        "4455667",
        "TP-31410",
        [
            ("Familiebehandling, timepris", "familiebehandling", "hour", 895_00),
            ("Fast kontaktperson, timepris", "kontaktperson", "hour", 520_00),
            ("Fast kontaktperson efter 18 år", "eftervaern_kontaktperson", "hour", 520_00),
            (
                "Praktisk pædagogisk støtte i hjemmet",
                "praktisk_paedagogisk_stoette",
                "hour",
                610_00,
            ),
            ("Opstartsforløb (engangsbeløb)", "familiebehandling", "once", 6_500_00),
        ],
    ),
    (
        "Kommunens Aflastningstilbud",
        "kommunalt_tilbud",
        "2561234",
        None,
        [
            ("Aflastning, døgn", "aflastning", "day", 1_650_00),
            ("Dagbehandling, månedstakst", "dagbehandling", "month", 24_000_00),
            ("Anden støtte, timepris", "anden_stoette", "hour", 540_00),
        ],
    ),
]
# Usual quantity and frequency per measure kind for the demo bevillinger.
USUAL: dict[str, tuple[Decimal, str]] = {
    "familiebehandling": (Decimal(4), "week"),
    "kontaktperson": (Decimal(3), "week"),
    "praktisk_paedagogisk_stoette": (Decimal(5), "week"),
    "anden_stoette": (Decimal(2), "week"),
    "aflastning": (Decimal(4), "month"),
}


async def seed_money(seed: int = 11) -> int:
    """Suppliers, offers, prices, bevillinger for the running demo measures and payments;
    returns the number of bevillinger written."""
    if await repo.count_suppliers() > 0:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = today_dk()
    last_year = date(today.year - 1, 1, 1)
    this_year = date(today.year, 1, 1)
    offers_by_kind: dict[str, list[uuid.UUID]] = {}
    for name, kind, cvr_base, tp, offers in SUPPLIERS:
        supplier_id = await catalogue.do_create_supplier(
            ACTOR,
            name=name,
            kind=kind,
            cvr=demo_cvr(cvr_base) if cvr_base else None,
            tilbudsportalen_id=tp,
            address="",
        )
        for offer_name, measure, unit, price in offers:
            offer_id = await catalogue.do_create_offer(
                ACTOR,
                supplier_id,
                name=offer_name,
                measure_kind=measure,
                unit=unit,
                tilbudsportalen_id=None,
                first_price=(last_year, this_year - timedelta(days=1), price),
            )
            await catalogue.do_add_price(
                ACTOR,
                offer_id,
                valid_from=this_year,
                valid_to=None,
                amount_oere=round(price * 1.028),
                note="Pris- og lønregulering",
                end_previous=False,
            )
            if unit != "once":
                offers_by_kind.setdefault(measure, []).append(offer_id)
    manager = await repo.get_first_manager()
    running = await repo.list_running_measures_without_bevilling()
    made = []
    for row in running:
        choices = offers_by_kind.get(row.kind)
        if not choices:
            continue
        offer_id = rng.choice(choices)
        quantity, frequency = USUAL.get(row.kind, (Decimal(1), None))
        start = max(row.starts_on, last_year)
        bevilling_id = await visitation.do_attach_bevilling(
            manager or ACTOR,
            row.id,
            offer_id=offer_id,
            quantity=quantity,
            frequency=frequency,
            period_from=start,
            period_to=row.planned_end,
        )
        made.append((bevilling_id, start))
    await _payments(made, today)
    return len(made)


async def _payments(made: list[tuple[uuid.UUID, date]], today: date) -> None:
    """Monthly payments at the expected cost for the whole months passed (at most six):
    the older ones exported to the finance system in one file, last month's awaiting
    export."""
    first_of_month = date(today.year, today.month, 1)
    last_month = add_months(first_of_month, -1)
    for exported in (True, False):
        for bevilling_id, start in made:
            month = max(date(start.year, start.month, 1), add_months(first_of_month, -6))
            while month < first_of_month:
                if (month < last_month) == exported:
                    end = add_months(month, 1) - timedelta(days=1)
                    a = max(month, start)
                    cost = (await costs.bevilling_months([bevilling_id], a, end)).get(
                        bevilling_id, []
                    )
                    amount = sum(x for _, x in cost)
                    if amount > 0:
                        await payments.do_register(
                            ACTOR,
                            bevilling_id=bevilling_id,
                            period_from=a,
                            period_to=end,
                            amount_oere=amount,
                            invoice_ref=f"F-{month:%Y%m}-{str(bevilling_id)[:6]}",
                            note="",
                        )
                month = add_months(month, 1)
        if exported and await repo.count_approved_payments():
            await payments.do_export(ACTOR)
