"""Visitation with costs: before a decision the caseworker composes the measures for the
child in a draft (udkast), sees what they are expected to cost, adds and removes lines to
compare, and submits the draft. When the kommune requires it (always, or above a yearly
amount), a manager other than the submitter approves it; otherwise submitting approves
it. The decision (``POST /api/cases/{id}/afgoerelser`` with ``draft_id``) then grants every
line: the case core starts each measure (and its § 95 follow-up) and a bevilling records
supplier, offer, quantity, period and legal basis, priced from the offer's price rows.

One open draft per case (kladde, indsendt, godkendt, returneret). Submitting, approving,
returning and using a draft are journalled on the case. Preconditions are in docstrings;
every function runs in the request's tenant transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from backend.core.danish import today_dk
from backend.core.errors import FieldError, NotAllowed, NotFound, Stale, StateConflict
from backend.core.journal import named, stamp
from backend.core.measures import MEASURES, PARAGRAPHS
from backend.core.workdays import add_months
from backend.money import costs, settings
from backend.money.catalogue import MEASURE_TYPES, check_frequency
from backend.money.common import fmt_date, fmt_kr
from backend.money.repositories import visitation as repo

OPEN_STATUSES = ("kladde", "indsendt", "godkendt", "returneret")
EDITABLE = ("kladde", "returneret")
STATUS_LABELS = {
    "kladde": "Kladde",
    "indsendt": "Afventer leders godkendelse",
    "godkendt": "Godkendt – klar til afgørelse",
    "returneret": "Sendt retur",
    "anvendt": "Afgørelse truffet",
    "annulleret": "Annulleret",
}
MAX_LINES = 20


def check_measure_for(paragraph: str, measure_kind: str, field: str = "measure_kind") -> None:
    """The measure can be granted under ``paragraph`` (placements under § 46/§ 47 only)."""
    mt = MEASURE_TYPES.get(measure_kind)
    if mt is None:
        raise FieldError(field, "Vælg en indsatstype")
    if not mt.decidable:
        raise FieldError(field, f"{mt.label} kan endnu ikke bevilges her (kun §§ 32, 46 og 47)")
    if paragraph not in mt.paragraphs:
        raise FieldError(
            field,
            "Ungestøtte efter det 18. år gives efter § 114"
            if mt.group == "ungestoette"
            else "Efter § 114 kan kun ungestøtte efter det 18. år vælges"
            if paragraph == "114"
            else "En anbringelse kræver afgørelse efter § 46 eller § 47"
            if mt.placement
            else "Efter § 46 og § 47 skal indsatsen være en anbringelse",
        )


async def check_offer(
    offer_id: uuid.UUID, measure_kind: str | None, starts_on: date, field: str = "offer_id"
) -> repo.OfferChoice:
    """The offer exists, is active (with its supplier), fits the measure type and has a
    price on the start date. Returns the offer."""
    offer = await repo.get_offer_choice(offer_id)
    if offer is None:
        raise FieldError(field, "Tilbuddet findes ikke")
    if not offer.active or not offer.supplier_active:
        raise FieldError(field, f"Tilbuddet {offer.name} hos {offer.supplier} er ikke aktivt")
    if measure_kind is not None and offer.measure_kind != measure_kind:
        raise FieldError(
            field, f"Tilbuddet er til {MEASURE_TYPES[offer.measure_kind].label.lower()}"
        )
    if not await repo.has_price_on(offer_id, starts_on):
        raise FieldError(field, f"Tilbuddet har ingen pris {fmt_date(starts_on)}")
    return offer


def check_period(starts_on: date, ends_on: date | None, *, past_days: int = 366) -> None:
    today = today_dk()
    if starts_on < today - timedelta(days=past_days):
        raise FieldError("starts_on", "Startdatoen ligger for langt tilbage")
    if starts_on > add_months(today, 24):
        raise FieldError("starts_on", "Startdatoen ligger mere end to år frem")
    if ends_on is not None:
        if ends_on < starts_on:
            raise FieldError("ends_on", "Indsatsen kan ikke slutte, før den starter")
        if ends_on > add_months(starts_on, 12 * costs.MAX_YEARS):
            raise FieldError("ends_on", "Den planlagte slutdato ligger for langt ude i fremtiden")


def check_quantity(quantity: Decimal) -> None:
    if not quantity.is_finite() or quantity <= 0:
        raise FieldError("quantity", "Antallet skal være større end 0")
    if quantity > 10_000 or quantity != quantity.quantize(Decimal("0.01")):
        raise FieldError("quantity", "Antallet kan have højst to decimaler og være højst 10.000")


async def do_create_draft(
    actor: str, hovedsag_id: uuid.UUID, paragraph: str, note: str
) -> uuid.UUID:
    if paragraph not in PARAGRAPHS:
        raise FieldError("paragraph", "Vælg hvilken paragraf afgørelsen skal træffes efter")
    exists, closed_at = await repo.lock_case(hovedsag_id)
    if not exists or closed_at is not None:
        raise NotFound("Sagen findes ikke eller er lukket")
    if await repo.has_open_draft(hovedsag_id, list(OPEN_STATUSES)):
        raise StateConflict("Sagen har allerede et åbent udkast til bevilling")
    draft_id = await repo.insert_draft(actor, hovedsag_id, paragraph, note.strip())
    return draft_id


async def lock_draft(
    draft_id: uuid.UUID, version: int | None = None, not_found: str = "Udkastet findes ikke"
) -> repo.LockedDraft:
    """The draft, locked ``FOR UPDATE``; ``NotFound(not_found)`` when it is not here, and
    ``Stale`` when ``version`` is given and no longer its version."""
    row = await repo.lock_draft(draft_id)
    if row is None:
        raise NotFound(not_found)
    if version is not None and row.version != version:
        raise await named(
            Stale(
                row.changed_by,
                row.changed_at,
                {"status": STATUS_LABELS[row.status]},
                what="Udkastet",
            )
        )
    return row


APPROVED_STAYS = (
    "Udkastet er godkendt af lederen og kan ikke længere trækkes tilbage. Træf afgørelsen, "
    "eller annullér udkastet og start en ny visitation"
)


def _editable(draft: repo.LockedDraft) -> None:
    if draft.status == "godkendt" and draft.approved_by is not None:
        raise StateConflict(APPROVED_STAYS)
    if draft.status not in EDITABLE:
        raise StateConflict(
            f"Udkastet kan ikke ændres ({STATUS_LABELS[draft.status].lower()}); "
            "træk det tilbage først"
        )


async def _touch(draft_id: uuid.UUID, actor: str, **fields: Any) -> None:
    await repo.update_draft(draft_id, actor, **fields)


async def do_add_line(
    actor: str,
    draft_id: uuid.UUID,
    *,
    measure_kind: str,
    offer_id: uuid.UUID,
    quantity: Decimal,
    frequency: str | None,
    starts_on: date,
    ends_on: date | None,
    note: str,
) -> uuid.UUID:
    draft = await lock_draft(draft_id)
    _editable(draft)
    check_measure_for(draft.paragraph, measure_kind)
    check_period(starts_on, ends_on)
    check_quantity(quantity)
    offer = await check_offer(offer_id, measure_kind, starts_on)
    freq = check_frequency(offer.unit, frequency)
    if await repo.count_lines(draft_id) >= MAX_LINES:
        raise FieldError("measure_kind", f"Et udkast kan have højst {MAX_LINES} indsatser")
    line_id = await repo.insert_line(
        actor,
        draft_id,
        measure_kind=measure_kind,
        offer_id=offer_id,
        quantity=quantity,
        frequency=freq,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
    )
    await _touch(draft_id, actor)
    return line_id


async def do_remove_line(actor: str, draft_id: uuid.UUID, line_id: uuid.UUID) -> None:
    draft = await lock_draft(draft_id, not_found="Indsatsen findes ikke i udkastet")
    _editable(draft)
    if not await repo.delete_line(draft_id, line_id):
        raise NotFound("Indsatsen findes ikke i udkastet")
    await _touch(draft_id, actor)


async def draft_lines(draft_id: uuid.UUID) -> list[repo.DraftLine]:
    return await repo.list_lines(draft_id)


def as_lines(rows: list[repo.DraftLine]) -> list[costs.Line]:
    return [costs.Line(r.offer_id, r.frequency, r.quantity, r.starts_on, r.ends_on) for r in rows]


async def draft_costs(
    draft_id: uuid.UUID,
) -> tuple[list[repo.DraftLine], list[costs.LineCost], costs.Totals]:
    rows = await draft_lines(draft_id)
    lines = as_lines(rows)
    line_costs = await costs.project(lines)
    return rows, line_costs, costs.totals(lines, line_costs)


async def do_submit(actor: str, draft_id: uuid.UUID, version: int) -> bool:
    """Submit for approval. When the kommune does not require it for this amount, the draft
    is approved at once (``approved_by`` stays empty). Returns whether approval is needed."""
    draft = await lock_draft(draft_id, version)
    _editable(draft)
    rows, line_costs, total = await draft_costs(draft_id)
    if not rows:
        raise FieldError("lines", "Tilføj mindst én indsats, før udkastet sendes til godkendelse")
    for row, cost in zip(rows, line_costs, strict=True):
        if cost.unpriced_days:
            raise FieldError(
                f"lines.{row.id}",
                f"{row.offer_name} har ikke pris for hele perioden ({cost.unpriced_days} "
                "dage uden pris)",
            )
    rule = await settings.load()
    needs = rule.needs_approval(total.per_year)
    now_status = "indsendt" if needs else "godkendt"
    await _touch(
        draft_id,
        actor,
        status=now_status,
        submitted_by=actor,
        submitted_at=datetime.now(UTC),
        per_year_oere=total.per_year,
        needs_approval=needs,
        approved_by=None,
        approved_at=datetime.now(UTC) if not needs else None,
        approval_note=None if needs else "Kommunen kræver ikke ledergodkendelse af beløbet",
    )
    summary = _summary(rows, total)
    await stamp(
        draft.hovedsag_id,
        actor,
        "bevilling.indsendt" if needs else "bevilling.klar",
        (
            "Udkast til bevilling sendt til leders godkendelse"
            if needs
            else "Udkast til bevilling klar til afgørelse (kræver ikke ledergodkendelse)"
        )
        + f": {fmt_kr(total.per_year)} pr. år",
        summary,
    )
    return needs


def cost_text(cost: costs.LineCost | costs.Totals) -> str:
    """The three figures of the cost model, each with its label."""
    return f"{fmt_kr(cost.per_month)} pr. måned, {fmt_kr(cost.per_year)} pr. år" + (
        f", {fmt_kr(cost.until_end)} for hele perioden" if cost.until_end is not None else ""
    )


def _summary(rows: list[repo.DraftLine], total: costs.Totals) -> str:
    lines = [
        f"- {MEASURES[r.measure_kind][0]}: {r.offer_name} hos {r.supplier_name}, "
        f"fra {fmt_date(r.starts_on)}" + (f" til {fmt_date(r.ends_on)}" if r.ends_on else "")
        for r in rows
    ]
    return "\n".join(
        [
            *lines,
            f"Forventet udgift: {cost_text(total)}",
        ]
    )


async def do_withdraw(actor: str, draft_id: uuid.UUID, version: int) -> None:
    """Take a submitted draft back to editing (or one approved without a manager, when the
    kommune did not require it). A manager's approval is not undone by the submitter:
    such a draft is granted by the decision or cancelled (409)."""
    draft = await lock_draft(draft_id, version)
    if draft.status == "godkendt" and draft.approved_by is not None:
        raise StateConflict(APPROVED_STAYS)
    if draft.status not in ("indsendt", "godkendt"):
        raise StateConflict("Kun et indsendt eller godkendt udkast kan trækkes tilbage")
    await _touch(draft_id, actor, status="kladde", approved_by=None, approved_at=None)
    await stamp(
        draft.hovedsag_id, actor, "bevilling.trukket", "Udkast til bevilling trukket tilbage"
    )


async def do_approve(actor: str, draft_id: uuid.UUID, version: int, note: str) -> None:
    """A manager approves a submitted draft; not their own submission (four eyes)."""
    draft = await lock_draft(draft_id, version)
    if draft.status != "indsendt":
        raise StateConflict("Udkastet afventer ikke godkendelse")
    if draft.submitted_by == actor:
        raise NotAllowed("En anden leder skal godkende et udkast, du selv har indsendt")
    await _touch(
        draft_id,
        actor,
        status="godkendt",
        approved_by=actor,
        approved_at=datetime.now(UTC),
        approval_note=note.strip() or None,
    )
    await stamp(
        draft.hovedsag_id,
        actor,
        "bevilling.godkendt",
        f"Udkast til bevilling godkendt af leder ({fmt_kr(draft.per_year_oere)} pr. år)",
        note.strip(),
    )


async def do_return(actor: str, draft_id: uuid.UUID, version: int, reason: str) -> None:
    if not reason.strip():
        raise FieldError("reason", "Skriv hvorfor udkastet sendes retur")
    draft = await lock_draft(draft_id, version)
    if draft.status != "indsendt":
        raise StateConflict("Udkastet afventer ikke godkendelse")
    await _touch(
        draft_id,
        actor,
        status="returneret",
        returned_by=actor,
        returned_at=datetime.now(UTC),
        return_reason=reason.strip(),
    )
    await stamp(
        draft.hovedsag_id,
        actor,
        "bevilling.returneret",
        "Udkast til bevilling sendt retur af leder",
        reason.strip(),
    )


async def do_cancel(actor: str, draft_id: uuid.UUID, version: int, reason: str) -> None:
    if not reason.strip():
        raise FieldError("reason", "Skriv hvorfor udkastet annulleres")
    draft = await lock_draft(draft_id, version)
    if draft.status not in OPEN_STATUSES:
        raise StateConflict("Udkastet er ikke åbent")
    await _touch(draft_id, actor, status="annulleret", cancel_reason=reason.strip())


# ---- the decision ---------------------------------------------------------------------


@dataclass
class DecisionPlan:
    """What a decision with a draft grants: checked before anything is written."""

    draft: repo.DraftOfCase
    lines: list[repo.DraftLine]
    offers: dict[uuid.UUID, repo.OfferChoice]

    @property
    def periods(self) -> list[tuple[str, str | None, date, date | None]]:
        return [(str(r.id), r.measure_kind, r.starts_on, r.ends_on) for r in self.lines]

    @property
    def starts_on(self) -> date:
        first: date = min(r.starts_on for r in self.lines)
        return first


async def check_decision(
    hovedsag_id: uuid.UUID,
    draft_id: uuid.UUID,
    *,
    paragraph: str,
    outcome: str,
    decided_on: date,
    measure: str | None,
    starts_on: date | None,
) -> DecisionPlan:
    """The decision may grant the draft: it is this case's, approved (by a manager when the
    kommune required it), for the same section, and every line starts on or after the
    decision with its offer still active and priced. Locks the draft."""
    if outcome != "bevilget":
        raise FieldError("draft_id", "Et udkast til bevilling hører til en afgørelse om bevilling")
    if measure is not None or starts_on is not None:
        raise FieldError("measure", "Med et udkast til bevilling kommer indsatserne fra udkastet")
    draft = await repo.lock_draft_of_case(draft_id, hovedsag_id)
    if draft is None:
        raise FieldError("draft_id", "Udkastet til bevilling findes ikke på sagen")
    if draft.status != "godkendt":
        raise FieldError(
            "draft_id",
            "Udkastet afventer leders godkendelse"
            if draft.status == "indsendt"
            else f"Udkastet er ikke godkendt ({STATUS_LABELS[draft.status].lower()})",
        )
    if draft.paragraph != paragraph:
        raise FieldError("paragraph", f"Udkastet er til en afgørelse efter § {draft.paragraph}")
    rows = await draft_lines(draft_id)
    if not rows:
        raise FieldError("draft_id", "Udkastet har ingen indsatser")
    offers = {}
    for r in rows:
        if r.starts_on < decided_on:
            raise FieldError(
                f"lines.{r.id}",
                f"{MEASURES[r.measure_kind][0]} kan ikke starte før afgørelsen "
                f"({fmt_date(r.starts_on)})",
            )
        if (r.starts_on - decided_on).days > 366:
            raise FieldError(f"lines.{r.id}", "Startdatoen ligger mere end et år efter afgørelsen")
        offers[r.offer_id] = await check_offer(
            r.offer_id, r.measure_kind, r.starts_on, field=f"lines.{r.id}"
        )
    return DecisionPlan(draft, rows, offers)


async def apply_decision(
    actor: str, case: Any, afgoerelse_id: uuid.UUID, paragraph: str, plan: DecisionPlan
) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
    """Grant every line of the draft: the case core starts the measure (and its follow-up
    deadlines), and a bevilling is written with the offer's prices over its period.
    Returns the first measure and the activities created."""
    from backend.casework.lifecycle import start_measure

    # The offers in a fixed order (as a price update locks them), so the two never deadlock.
    await repo.share_offers(list(plan.offers))
    first: uuid.UUID | None = None
    created: list[uuid.UUID] = []
    for r in plan.lines:
        indsats_id, more = await start_measure(
            actor, case, afgoerelse_id, paragraph, r.measure_kind, r.starts_on, r.ends_on
        )
        created += more
        first = first or indsats_id
        await create_bevilling(
            actor,
            hovedsag_id=case["id"],
            indsats_id=indsats_id,
            afgoerelse_id=afgoerelse_id,
            draft_line_id=r.id,
            offer=plan.offers[r.offer_id],
            paragraph=paragraph,
            quantity=r.quantity,
            frequency=r.frequency,
            period_from=r.starts_on,
            period_to=r.ends_on,
            approved_by=plan.draft.approved_by,
            approved_at=plan.draft.approved_at,
        )
    await _touch(plan.draft.id, actor, status="anvendt", afgoerelse_id=afgoerelse_id)
    return first, created


async def create_bevilling(
    actor: str,
    *,
    hovedsag_id: uuid.UUID,
    indsats_id: uuid.UUID,
    afgoerelse_id: uuid.UUID | None,
    draft_line_id: uuid.UUID | None,
    offer: repo.OfferChoice,
    paragraph: str,
    quantity: Decimal,
    frequency: str,
    period_from: date,
    period_to: date | None,
    approved_by: str | None,
    approved_at: datetime | None,
) -> uuid.UUID:
    """Write the bevilling and copy the offer's active prices over its period onto it.
    Holds the offer ``FOR SHARE``: a price update of the offer running now either finishes
    first (and its new prices are copied) or waits and then includes this bevilling."""
    await repo.share_offer(offer.id)
    bevilling_id = await repo.insert_bevilling(
        actor,
        hovedsag_id=hovedsag_id,
        indsats_id=indsats_id,
        afgoerelse_id=afgoerelse_id,
        draft_line_id=draft_line_id,
        offer=offer,
        paragraph=paragraph,
        quantity=quantity,
        frequency=frequency,
        period_from=period_from,
        period_to=period_to,
        approved_by=approved_by,
        approved_at=approved_at,
    )
    await repo.insert_bevilling_prices(actor, bevilling_id, offer.id, period_from, period_to)
    [cost] = await costs.bevilling_costs(
        [costs.Line(bevilling_id, frequency, quantity, period_from, period_to)]
    )
    await stamp(
        hovedsag_id,
        actor,
        "bevilling.oprettet",
        f"Bevilling: {MEASURE_TYPES[offer.measure_kind].label} hos {offer.supplier} "
        f"({offer.name}) fra {fmt_date(period_from)}"
        + (f" til {fmt_date(period_to)}" if period_to else "")
        + f", forventet {cost_text(cost)}",
        f"Afgørelse efter § {paragraph}. Godkendt af "
        + (approved_by or "ingen (kræves ikke af kommunen)")
        + ".",
    )
    return bevilling_id


async def do_attach_bevilling(
    actor: str,
    indsats_id: uuid.UUID,
    *,
    offer_id: uuid.UUID,
    quantity: Decimal,
    frequency: str | None,
    period_from: date | None,
    period_to: date | None,
) -> uuid.UUID:
    """A running measure granted without a supplier (before the money module, or in the
    demo data) gets its bevilling. The caller is a manager: this is the approval."""
    row = await repo.lock_measure(indsats_id)
    if row is None:
        raise NotFound("Indsatsen findes ikke")
    if await repo.has_bevilling(indsats_id):
        raise StateConflict("Indsatsen har allerede en bevilling")
    start = period_from or row.starts_on
    if start < row.starts_on:
        raise FieldError("period_from", "Bevillingen kan ikke starte før indsatsen")
    if row.ends_on is not None and start > row.ends_on:
        raise FieldError("period_from", "Indsatsen er ophørt før den dato")
    if period_to is not None and period_to < start:
        raise FieldError("period_to", "Bevillingen kan ikke slutte, før den starter")
    check_quantity(quantity)
    offer = await check_offer(offer_id, row.kind, start)
    freq = check_frequency(offer.unit, frequency)
    return await create_bevilling(
        actor,
        hovedsag_id=row.hovedsag_id,
        indsats_id=indsats_id,
        afgoerelse_id=row.afgoerelse_id,
        draft_line_id=None,
        offer=offer,
        paragraph=row.paragraph,
        quantity=quantity,
        frequency=freq,
        period_from=start,
        period_to=period_to,
        approved_by=actor,
        approved_at=datetime.now(UTC),
    )
