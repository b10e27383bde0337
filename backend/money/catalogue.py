"""The catalogue: measure types by legal basis (a table in code, like the rule table), and
the suppliers, offers and prices finance users maintain (data, every change journalised
in ``catalogue_event``).

Prices are rows that never change: adding a price checks that it does not overlap an
active price of the offer (the database checks it again, see migration 0011); ending or
removing a price retires the row with who, when and why and, for an ended price, writes
the shortened replacement. The offer row is locked ``FOR UPDATE`` before any price of it
is written, so concurrent writers queue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from stdnum.dk import cvr as cvr_lib

from backend.core.errors import FieldError, NotFound, Stale
from backend.core.journal import named
from backend.core.measures import MEASURES, PARAGRAPHS, YOUTH_MEASURES, YOUTH_PARAGRAPH
from backend.money.common import fmt_date, fmt_kr, journal
from backend.money.repositories import catalogue as repo
from backend.money.schemas import MeasureGroup


@dataclass(frozen=True)
class MeasureType:
    kind: str
    label: str
    group: MeasureGroup
    paragraphs: tuple[str, ...]  # the sections a decision may grant it under
    basis: str
    placement: bool
    kontoplan: str  # the function in the kommunal kontoplan the expense is booked on
    decidable: bool  # the case core can grant it today (§§ 32, 46, 47)


_SUPPORT_BASIS = "Barnets Lov § 32, stk. 1 (støtte uden anbringelse)"
_PLACEMENT_BASIS = "Barnets Lov § 43 (anbringelsessteder); afgørelse efter § 46 eller § 47"
# The chapter is confirmed (lov nr. 721 af 13.06.2023, kap. 13 "Ungestøtte og overgang til
# voksenlivet", §§ 108-123) and that ungestøtte is §§ 113-116 (Social- og Boligministeriet,
# Ankestyrelsen); the stk. of each form was not confirmed, so the sections are cited whole.
_YOUNG_BASIS = "Barnets Lov §§ 113-116 om ungestøtte (18-22 år); afgørelse efter § 114"
_KONTO_FOREBYGGENDE = "5.28.21 Forebyggende foranstaltninger for børn og unge"
_KONTO_PLEJE = "5.28.20 Plejefamilier og opholdssteder mv. for børn og unge"
_KONTO_DOEGN = "5.28.23 Døgninstitutioner for børn og unge"


def _measure_types() -> dict[str, MeasureType]:
    types: dict[str, MeasureType] = {}
    for kind, (label, placement) in MEASURES.items():
        if kind in YOUTH_MEASURES:
            continue
        konto = (
            _KONTO_DOEGN
            if kind == "doegninstitution"
            else _KONTO_PLEJE
            if placement
            else _KONTO_FOREBYGGENDE
        )
        types[kind] = MeasureType(
            kind,
            label,
            "anbringelse" if placement else "stoette",
            ("46", "47") if placement else ("32",),
            _PLACEMENT_BASIS if placement else _SUPPORT_BASIS,
            placement,
            konto,
            True,
        )
    # Support for young people 18-22 (continued stay, efterværn): granted under § 114
    # (backend/core/measures.py). The continued stay is booked like a placement.
    for kind, label in YOUTH_MEASURES.items():
        stay = kind == "viderefoert_anbringelse"
        types[kind] = MeasureType(
            kind,
            label,
            "ungestoette",
            (YOUTH_PARAGRAPH,),
            _YOUNG_BASIS,
            False,
            _KONTO_PLEJE if stay else _KONTO_FOREBYGGENDE,
            True,
        )
    return types


MEASURE_TYPES = _measure_types()

UNITS = {
    "hour": "time",
    "day": "døgn/dag",
    "week": "uge",
    "month": "måned",
    "once": "engangsbeløb",
}
FREQUENCIES = {"day": "pr. dag", "week": "pr. uge", "month": "pr. måned", "once": "én gang"}
# How often a quantity of the unit may be given; the first is the default.
UNIT_FREQUENCIES: dict[str, tuple[str, ...]] = {
    "hour": ("week", "month", "day"),
    "day": ("day", "week", "month"),
    "week": ("week",),
    "month": ("month",),
    "once": ("once",),
}
SUPPLIER_KINDS = {
    "doegninstitution": "Døgninstitution",
    "opholdssted": "Opholdssted",
    "plejefamilie": "Plejefamilie",
    "netvaerksplejefamilie": "Netværksplejefamilie",
    "kostskole": "Kost- eller efterskole",
    "privat_leverandoer": "Privat leverandør",
    "kommunalt_tilbud": "Kommunalt tilbud",
    "andet": "Andet",
}
# Foster families are paid as persons: no CVR number.
PERSON_SUPPLIERS = frozenset({"plejefamilie", "netvaerksplejefamilie"})
MAX_AMOUNT_OERE = 10_000_000_00  # 10 million kroner per unit: a typing error above that

assert set(PARAGRAPHS) == {"32", "46", "47", "114"}


def check_frequency(unit: str, frequency: str | None, field: str = "frequency") -> str:
    allowed = UNIT_FREQUENCIES[unit]
    if frequency is None or frequency == "":
        return allowed[0]
    if frequency not in allowed:
        raise FieldError(
            field,
            f"En pris pr. {UNITS[unit]} kan gives "
            + " eller ".join(FREQUENCIES[f] for f in allowed),
        )
    return frequency


def check_amount(amount_oere: int, field: str = "amount_oere") -> None:
    if amount_oere < 0:
        raise FieldError(field, "Prisen kan ikke være negativ")
    if amount_oere > MAX_AMOUNT_OERE:
        raise FieldError(field, "Prisen er urimeligt høj; angiv beløbet i øre")


def _check_cvr(kind: str, cvr: str | None) -> str | None:
    digits = (cvr or "").replace(" ", "")
    if not digits:
        if kind in PERSON_SUPPLIERS:
            return None
        raise FieldError("cvr", "Angiv leverandørens CVR-nummer")
    if len(digits) != 8 or not digits.isdigit():
        raise FieldError("cvr", "CVR-nummeret skal have 8 cifre")
    if not cvr_lib.is_valid(digits):
        raise FieldError("cvr", "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke)")
    return digits


def _check_supplier(name: str, kind: str) -> None:
    if not name.strip():
        raise FieldError("name", "Angiv leverandørens navn")
    if kind not in SUPPLIER_KINDS:
        raise FieldError("kind", "Vælg hvilken slags leverandør det er")


async def do_create_supplier(
    actor: str,
    *,
    name: str,
    kind: str,
    cvr: str | None,
    tilbudsportalen_id: str | None,
    address: str,
) -> uuid.UUID:
    _check_supplier(name, kind)
    number = _check_cvr(kind, cvr)
    supplier_id = await repo.insert_supplier(
        actor,
        name=name.strip(),
        cvr=number,
        kind=kind,
        tilbudsportalen_id=(tilbudsportalen_id or "").strip() or None,
        address=address.strip(),
    )
    await journal(
        actor,
        "supplier",
        supplier_id,
        "oprettet",
        f"Leverandør oprettet: {name.strip()} ({SUPPLIER_KINDS[kind]})",
        cvr=number,
        tilbudsportalen_id=tilbudsportalen_id,
    )
    return supplier_id


SUPPLIER_FIELDS = ("name", "kind", "cvr", "tilbudsportalen_id", "address", "active")
OFFER_FIELDS = ("name", "tilbudsportalen_id", "active")


async def do_update_supplier(
    actor: str, supplier_id: uuid.UUID, version: int, changes: dict[str, Any]
) -> None:
    """Change the given fields (optimistic locking: a stale ``version`` is refused)."""
    row = await repo.lock_supplier(supplier_id)
    if row is None:
        raise NotFound("Leverandøren findes ikke")
    if row.version != version:
        raise await named(
            Stale(row.changed_by, row.changed_at, {"navn": row.name}, what="Leverandøren")
        )
    new = {k: getattr(row, k) for k in SUPPLIER_FIELDS}
    new.update(changes)
    _check_supplier(new["name"], new["kind"])
    new["name"] = new["name"].strip()
    new["cvr"] = _check_cvr(new["kind"], new["cvr"])
    new["tilbudsportalen_id"] = (new["tilbudsportalen_id"] or "").strip() or None
    new["address"] = (new["address"] or "").strip()
    diff = {
        k: {"fra": getattr(row, k), "til": new[k]}
        for k in SUPPLIER_FIELDS
        if getattr(row, k) != new[k]
    }
    if not diff:
        return
    await repo.update_supplier(
        supplier_id,
        actor,
        name=new["name"],
        kind=new["kind"],
        cvr=new["cvr"],
        tilbudsportalen_id=new["tilbudsportalen_id"],
        address=new["address"],
        active=new["active"],
    )
    await journal(
        actor,
        "supplier",
        supplier_id,
        "aendret",
        f"Leverandør ændret: {new['name']} ({', '.join(diff)})",
        changes=diff,
    )


async def do_create_offer(
    actor: str,
    supplier_id: uuid.UUID,
    *,
    name: str,
    measure_kind: str,
    unit: str,
    tilbudsportalen_id: str | None,
    first_price: tuple[date, date | None, int] | None,
) -> uuid.UUID:
    supplier = await repo.lock_supplier(supplier_id)
    if supplier is None:
        raise NotFound("Leverandøren findes ikke")
    if not supplier.active:
        raise FieldError("supplier_id", "Leverandøren er ikke aktiv")
    if not name.strip():
        raise FieldError("name", "Angiv tilbuddets navn")
    if measure_kind not in MEASURE_TYPES:
        raise FieldError("measure_kind", "Vælg indsatstypen")
    if unit not in UNITS:
        raise FieldError("unit", "Vælg prisenheden (time, døgn, uge, måned eller engang)")
    if first_price is not None:
        check_amount(first_price[2])
    offer_id = await repo.insert_offer(
        actor,
        supplier_id,
        name=name.strip(),
        measure_kind=measure_kind,
        unit=unit,
        tilbudsportalen_id=(tilbudsportalen_id or "").strip() or None,
    )
    await journal(
        actor,
        "offer",
        offer_id,
        "oprettet",
        f"Tilbud oprettet: {name.strip()} hos {supplier.name} "
        f"({MEASURE_TYPES[measure_kind].label}, pris pr. {UNITS[unit]})",
        supplier_id=supplier_id,
    )
    if first_price is not None:
        await do_add_price(
            actor,
            offer_id,
            valid_from=first_price[0],
            valid_to=first_price[1],
            amount_oere=first_price[2],
            note="",
            end_previous=False,
        )
    return offer_id


async def do_update_offer(
    actor: str, offer_id: uuid.UUID, version: int, changes: dict[str, Any]
) -> None:
    """Name, Tilbudsportalen reference and whether it is active. Unit and measure type are
    fixed once created (bevillinger are priced in them)."""
    row = await repo.lock_offer(offer_id)
    if row is None:
        raise NotFound("Tilbuddet findes ikke")
    if row.version != version:
        raise await named(
            Stale(row.changed_by, row.changed_at, {"navn": row.name}, what="Tilbuddet")
        )
    new = {k: getattr(row, k) for k in OFFER_FIELDS}
    new.update(changes)
    if not (new["name"] or "").strip():
        raise FieldError("name", "Angiv tilbuddets navn")
    new["name"] = new["name"].strip()
    new["tilbudsportalen_id"] = (new["tilbudsportalen_id"] or "").strip() or None
    diff = {
        k: {"fra": getattr(row, k), "til": new[k]}
        for k in OFFER_FIELDS
        if getattr(row, k) != new[k]
    }
    if not diff:
        return
    await repo.update_offer(
        offer_id,
        actor,
        name=new["name"],
        tilbudsportalen_id=new["tilbudsportalen_id"],
        active=new["active"],
    )
    await journal(
        actor,
        "offer",
        offer_id,
        "aendret",
        f"Tilbud ændret: {new['name']} ({', '.join(diff)})",
        changes=diff,
    )


def _period(valid_from: date, valid_to: date | None) -> str:
    return f"{fmt_date(valid_from)}–{fmt_date(valid_to) if valid_to else ''}"


async def do_add_price(
    actor: str,
    offer_id: uuid.UUID,
    *,
    valid_from: date,
    valid_to: date | None,
    amount_oere: int,
    note: str,
    end_previous: bool,
) -> uuid.UUID:
    """A new price row. It may not overlap an active price of the offer; with
    ``end_previous`` an open-ended price that started earlier ends the day before."""
    check_amount(amount_oere)
    if valid_to is not None and valid_to < valid_from:
        raise FieldError("valid_to", "Prisen kan ikke slutte, før den begynder")
    offer = await repo.lock_offer(offer_id)
    if offer is None:
        raise NotFound("Tilbuddet findes ikke")
    overlapping = await repo.list_overlapping_prices(offer_id, valid_from, valid_to)
    if overlapping and end_previous:
        only = overlapping[0]
        if len(overlapping) == 1 and only.valid_from < valid_from and only.valid_to is None:
            await _end_price(
                actor, only, valid_from - timedelta(days=1), "Ny pris fra " + fmt_date(valid_from)
            )
            overlapping = []
    if overlapping:
        first = overlapping[0]
        field = "valid_from" if first.valid_from <= valid_from else "valid_to"
        raise FieldError(
            field,
            f"Perioden overlapper prisen {fmt_kr(first.amount_oere)} for "
            f"{_period(first.valid_from, first.valid_to)}"
            + (
                ". Afslut den først, eller vælg at afslutte den forrige pris"
                if first.valid_to is None and first.valid_from < valid_from
                else ""
            ),
        )
    price_id = await repo.insert_offer_price(
        actor,
        offer_id,
        valid_from=valid_from,
        valid_to=valid_to,
        amount_oere=amount_oere,
        note=note.strip(),
    )
    await journal(
        actor,
        "price",
        offer_id,
        "pris_tilfoejet",
        f"Pris for {offer.name}: {fmt_kr(amount_oere)} fra {_period(valid_from, valid_to)}",
        price_id=price_id,
        amount_oere=amount_oere,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
    )
    return price_id


async def _end_price(actor: str, row: repo.PriceSpan, last_day: date, why: str) -> uuid.UUID:
    """Retire ``row`` and write it again ending on ``last_day``."""
    await repo.retire_offer_price(row.id, actor, why)
    return await repo.insert_offer_price_copy(row.id, last_day, actor)


async def do_end_price(actor: str, price_id: uuid.UUID, last_day: date, reason: str) -> uuid.UUID:
    """End an active price on ``last_day`` (the row is retired and written again)."""
    if not reason.strip():
        raise FieldError("reason", "Angiv hvorfor prisen afsluttes")
    offer_id = await repo.get_offer_of_price(price_id)
    if offer_id is None:
        raise NotFound("Prisen findes ikke")
    offer = await repo.lock_offer(offer_id)
    row = await repo.get_offer_price(price_id)
    assert offer is not None and row is not None  # the price row names its offer
    if row.retired_at is not None:
        raise FieldError("price_id", "Prisen er allerede ændret eller fjernet")
    if last_day < row.valid_from:
        raise FieldError("valid_to", "Prisen kan ikke slutte, før den begynder")
    if row.valid_to is not None and last_day >= row.valid_to:
        raise FieldError("valid_to", "Prisen slutter allerede " + fmt_date(row.valid_to))
    new_id = await _end_price(actor, row, last_day, reason.strip())
    await journal(
        actor,
        "price",
        offer_id,
        "pris_afsluttet",
        f"Pris for {offer.name} ({fmt_kr(row.amount_oere)}) afsluttet {fmt_date(last_day)}",
        price_id=price_id,
        new_price_id=new_id,
        reason=reason.strip(),
    )
    return new_id


async def do_retire_price(actor: str, price_id: uuid.UUID, reason: str) -> None:
    """Remove an active price (entered by mistake): the row is retired with the reason."""
    if not reason.strip():
        raise FieldError("reason", "Angiv hvorfor prisen fjernes")
    offer_id = await repo.get_offer_of_price(price_id)
    if offer_id is None:
        raise NotFound("Prisen findes ikke")
    offer = await repo.lock_offer(offer_id)
    assert offer is not None  # the price row names its offer
    row = await repo.retire_active_offer_price(price_id, actor, reason.strip())
    if row is None:
        raise FieldError("price_id", "Prisen er allerede ændret eller fjernet")
    await journal(
        actor,
        "price",
        offer_id,
        "pris_fjernet",
        f"Pris for {offer.name} fjernet: {fmt_kr(row.amount_oere)} for "
        f"{_period(row.valid_from, row.valid_to)}",
        price_id=price_id,
        reason=reason.strip(),
    )


async def price_on(offer_id: uuid.UUID, day: date) -> int | None:
    return await repo.get_price_on(offer_id, day)
