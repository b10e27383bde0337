"""Price updates: a finance user changes the prices of a chosen set of offers from a date
(a percentage, or a new amount per offer) and with them every approved and ongoing
bevilling of those offers.

1. ``preview`` shows what changes and by how much (nothing is written).
2. ``do_request`` records the update and enqueues the job (transactional outbox).
3. The job (``run_update``) locks the offers, retires the affected price rows from the
   date and writes their replacements (a row that started earlier is split at the date),
   for the offers and, in chunks, for the bevillinger, reporting progress after each
   chunk. It all happens in one savepoint of the job's transaction: a failure leaves every
   price as it was and marks the update failed (``fejlet``) with the reason.
4. ``do_request_revert`` and ``run_revert`` undo an applied update the same way: its rows
   are retired and the rows it retired are written again. Refused while a later update
   of the same offers stands, or when its rows were changed since.

Every step is journalised (``catalogue_event``) and audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backend.audit.service import record
from backend.core.danish import format_int, plural, today_dk
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.measures import MEASURES
from backend.core.workdays import add_months
from backend.money import progress
from backend.money.catalogue import check_amount
from backend.money.common import fmt_date, journal
from backend.money.costs import per_month_of, year_end
from backend.money.repositories import pricing as repo
from backend.outbox.service import enqueue
from tenancy.context import current_scope


def _bevillinger(n: int) -> str:
    """ "1 bevilling", "5 bevillinger" (for the journal and the progress messages)."""
    return plural(n, "bevilling", "bevillinger")


UPDATE_JOB = "money.price_update"
REVERT_JOB = "money.price_revert"
CHUNK = 2000
MAX_OFFERS = 5000
SAMPLE = 50

STATUS_LABELS = {
    "venter": "Venter på at blive gennemført",
    "faerdig": "Gennemført",
    "fejlet": "Fejlet – ingen priser er ændret",
    "tilbagefoeres": "Tilbageføres",
    "tilbagefoert": "Tilbageført",
}


@dataclass(frozen=True)
class UpdateSpec:
    offer_ids: list[uuid.UUID]
    effective_from: date
    percent: Decimal | None
    amounts: dict[uuid.UUID, int] | None

    def amounts_json(self) -> str | None:
        if self.amounts is None:
            return None
        return json.dumps({str(k): v for k, v in self.amounts.items()})


class UpdateFailed(Exception):
    """A price update cannot be applied (or reverted) as asked; nothing was changed."""


async def check_spec(spec: UpdateSpec) -> list[repo.OfferAtDate]:
    """Validate the request; returns the offers with their price on the date."""
    if not spec.offer_ids:
        raise FieldError("offer_ids", "Vælg de tilbud, hvis priser skal ændres")
    if len(spec.offer_ids) > MAX_OFFERS:
        raise FieldError("offer_ids", f"Højst {MAX_OFFERS} tilbud ad gangen")
    if len(set(spec.offer_ids)) != len(spec.offer_ids):
        raise FieldError("offer_ids", "Et tilbud er valgt to gange")
    today = today_dk()
    if spec.effective_from < today - timedelta(days=366):
        raise FieldError("effective_from", "Datoen ligger mere end et år tilbage")
    if spec.effective_from > add_months(today, 24):
        raise FieldError("effective_from", "Datoen ligger mere end to år frem")
    if (spec.percent is None) == (spec.amounts is None):
        raise FieldError("percent", "Angiv enten en procentsats eller nye beløb for tilbuddene")
    if spec.percent is not None:
        if not spec.percent.is_finite() or spec.percent == 0:
            raise FieldError("percent", "Angiv en procentsats forskellig fra 0")
        if not (Decimal(-90) <= spec.percent <= Decimal(200)):
            raise FieldError("percent", "Procentsatsen skal ligge mellem -90 og 200")
        if spec.percent != spec.percent.quantize(Decimal("0.001")):
            raise FieldError("percent", "Procentsatsen kan have højst tre decimaler")
    if spec.amounts is not None:
        for offer_id, amount in spec.amounts.items():
            if offer_id not in spec.offer_ids:
                raise FieldError(f"amounts.{offer_id}", "Tilbuddet er ikke valgt")
            check_amount(amount, field=f"amounts.{offer_id}")
        for offer_id in spec.offer_ids:
            if offer_id not in spec.amounts:
                raise FieldError(f"amounts.{offer_id}", "Angiv den nye pris for tilbuddet")
    rows = await repo.list_offers_at(spec.offer_ids, spec.effective_from)
    if len(rows) != len(spec.offer_ids):
        raise FieldError("offer_ids", "Et af tilbuddene findes ikke")
    for r in rows:
        if r.amount_oere is None:
            raise FieldError(
                f"offer_ids.{r.id}",
                f"{r.name} ({r.supplier}) har ingen pris {fmt_date(spec.effective_from)}",
            )
    return rows


def new_amount(spec: UpdateSpec, offer_id: uuid.UUID, old: int) -> int:
    if spec.percent is not None:
        exact = Decimal(old) * (100 + spec.percent) / 100
        return int(exact.to_integral_value(rounding="ROUND_HALF_UP"))
    assert spec.amounts is not None
    return spec.amounts[offer_id]


async def affected_bevillinger(spec: UpdateSpec) -> list[repo.AffectedBevilling]:
    """The bevillinger the update re-prices (``id``, ``offer_id``), in the job's order."""
    return await repo.list_affected_bevillinger(spec.offer_ids, spec.effective_from)


async def preview(spec: UpdateSpec) -> dict[str, Any]:
    """What the update would change, without writing anything."""
    offers = await check_spec(spec)
    rows = await repo.list_preview_rows(
        spec.offer_ids,
        spec.effective_from,
        spec.percent,
        spec.amounts_json(),
        year_end(spec.effective_from),
    )
    args = (spec.percent, spec.amounts_json())
    offer_rows = await repo.count_new_rows("offer", spec.offer_ids, spec.effective_from, *args)
    affected = await affected_bevillinger(spec)
    bevilling_rows = await repo.count_new_rows(
        "bevilling", [b.id for b in affected], spec.effective_from, *args
    )
    per_offer: dict[uuid.UUID, int] = {}
    for b in affected:
        per_offer[b.offer_id] = per_offer.get(b.offer_id, 0) + 1
    change = sum(r.change_12 for r in rows)
    ordered = sorted(rows, key=lambda r: -abs(r.change_12))[:SAMPLE]
    names = await repo.list_child_names([r.hovedsag_id for r in ordered])
    offer_names = {o.id: (o.name, o.supplier) for o in offers}
    return {
        "effective_from": spec.effective_from,
        "offers": [
            {
                "offer_id": o.id,
                "offer_name": o.name,
                "supplier_name": o.supplier,
                "unit": o.unit,
                "old_amount_oere": o.amount_oere,
                "new_amount_oere": new_amount(spec, o.id, o.amount_oere or 0),
                "bevillinger": per_offer.get(o.id, 0),
            }
            for o in offers
        ],
        "offer_price_rows": int(offer_rows),
        "bevillinger": len(affected),
        "bevilling_price_rows": int(bevilling_rows),
        "change_12_months_oere": int(change),
        "change_per_month_oere": per_month_of(int(change)),
        "sample": [
            {
                "bevilling_id": r.id,
                "hovedsag_id": r.hovedsag_id,
                "child_name": names.get(r.hovedsag_id, ""),
                "measure_kind": r.measure_kind,
                "measure_label": MEASURES.get(r.measure_kind, (r.measure_kind,))[0],
                "offer_name": offer_names[r.offer_id][0],
                "old_amount_oere": r.old_amount,
                "new_amount_oere": r.new_amount,
                "change_12_months_oere": int(r.change_12),
            }
            for r in ordered
        ],
    }


def _spec_of(row: repo.LockedUpdate) -> UpdateSpec:
    amounts = json.loads(row.amounts) if row.amounts else None
    return UpdateSpec(
        offer_ids=list(row.offer_ids),
        effective_from=row.effective_from,
        percent=row.percent,
        amounts={uuid.UUID(k): int(v) for k, v in amounts.items()} if amounts else None,
    )


def describe(spec: UpdateSpec) -> str:
    how = (
        f"{spec.percent.normalize():+f} %".replace(".", ",")
        if spec.percent is not None
        else "nye beløb"
    )
    return (
        f"Prisopdatering {how} fra {fmt_date(spec.effective_from)} på {len(spec.offer_ids)} tilbud"
    )


async def do_request(actor: str, spec: UpdateSpec, note: str) -> uuid.UUID:
    """Record the update and enqueue the job that applies it (after commit)."""
    summary = await preview(spec)
    update_id = await repo.insert_price_update(
        actor,
        offer_ids=spec.offer_ids,
        effective_from=spec.effective_from,
        percent=spec.percent,
        amounts_json=spec.amounts_json(),
        note=note.strip(),
        preview_json=json.dumps({k: v for k, v in summary.items() if k != "sample"}, default=str),
    )
    await enqueue(UPDATE_JOB, {"price_update_id": str(update_id)})
    await journal(
        actor,
        "price_update",
        update_id,
        "bestilt",
        describe(spec) + f" bestilt ({_bevillinger(summary['bevillinger'])})",
        note=note.strip(),
    )
    await record(
        actor,
        "money.price_update.requested",
        str(update_id),
        offers=len(spec.offer_ids),
        bevillinger=summary["bevillinger"],
        effective_from=str(spec.effective_from),
    )
    return update_id


async def do_request_revert(actor: str, update_id: uuid.UUID) -> None:
    row = await repo.lock_price_update(update_id)
    if row is None:
        raise NotFound("Prisopdateringen findes ikke")
    if row.status != "faerdig":
        raise StateConflict(
            f"Kun en gennemført prisopdatering kan tilbageføres ({STATUS_LABELS[row.status]})"
        )
    later = await repo.get_later_update(update_id, row.requested_at, row.offer_ids)
    if later is not None:
        raise StateConflict(
            "En senere prisopdatering af de samme tilbud (fra "
            f"{fmt_date(later.effective_from)}) står ved magt; tilbagefør den først"
        )
    await repo.update_revert_requested(update_id, actor)
    await enqueue(REVERT_JOB, {"price_update_id": str(update_id), "actor": actor})
    await journal(
        actor,
        "price_update",
        update_id,
        "tilbagefoersel_bestilt",
        describe(_spec_of(row)) + ": tilbageførsel bestilt",
    )
    await record(actor, "money.price_update.revert_requested", str(update_id))


# ---- the jobs -------------------------------------------------------------------------

Hook = Callable[[int, int], Awaitable[None]]


async def _no_hook(done: int, total: int) -> None:
    return None


# Called after each chunk (tests use it to look at progress mid-job and to fail midway).
after_chunk: Hook = _no_hook


async def _lock_offers(spec: UpdateSpec) -> None:
    if await repo.lock_offers(spec.offer_ids) != len(spec.offer_ids):
        raise UpdateFailed("Et af tilbuddene findes ikke længere")


async def _apply(
    scope_code: str, update_id: uuid.UUID, actor: str, spec: UpdateSpec
) -> dict[str, int]:
    await _lock_offers(spec)
    missing = await repo.list_offers_without_price(spec.offer_ids, spec.effective_from)
    if missing:
        raise UpdateFailed(f"{missing[0]} har ikke længere en pris {fmt_date(spec.effective_from)}")
    ids = [r.id for r in await affected_bevillinger(spec)]
    total = len(ids) + 1
    await progress.report(
        scope_code,
        update_id,
        status="koerer",
        done=0,
        total=total,
        message="Ændrer tilbuddenes priser",
    )
    offer_rows = await repo.write_new_rows(
        "offer",
        spec.offer_ids,
        spec.effective_from,
        spec.percent,
        spec.amounts_json(),
        actor,
        update_id,
    )
    done = 1
    await progress.report(scope_code, update_id, done=done, message="Ændrer bevillingernes priser")
    await after_chunk(done, total)
    bevilling_rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        bevilling_rows += await repo.write_new_rows(
            "bevilling",
            chunk,
            spec.effective_from,
            spec.percent,
            spec.amounts_json(),
            actor,
            update_id,
        )
        done += len(chunk)
        await progress.report(
            scope_code,
            update_id,
            done=done,
            message=f"{format_int(done - 1)} af {_bevillinger(len(ids))} er opdateret",
        )
        await after_chunk(done, total)
    return {
        "offers": len(spec.offer_ids),
        "offer_price_rows": int(offer_rows),
        "bevillinger": len(ids),
        "bevilling_price_rows": int(bevilling_rows),
    }


async def run_update(code: str, update_id: uuid.UUID) -> str:
    """The job: apply the update in one savepoint; on failure nothing is changed and the
    update is marked failed. Idempotent: an update no longer waiting is left alone."""
    row = await repo.lock_price_update(update_id)
    if row is None or row.status != "venter":
        return "skipped"
    spec = _spec_of(row)
    actor = row.requested_by
    try:
        async with repo.savepoint():
            result = await _apply(code, update_id, actor, spec)
    except Exception as exc:
        message = str(exc) if isinstance(exc, UpdateFailed) else f"Teknisk fejl: {exc}"[:500]
        await repo.update_failed(update_id, message)
        await journal(
            actor,
            "price_update",
            update_id,
            "fejlet",
            describe(spec) + " fejlede; ingen priser er ændret",
            error=message,
        )
        await record(actor, "money.price_update.failed", str(update_id), error=message)
        await progress.report(code, update_id, status="fejlet", message=message)
        return "failed"
    await repo.update_applied(update_id, json.dumps(result))
    await journal(
        actor,
        "price_update",
        update_id,
        "gennemfoert",
        describe(spec) + f" gennemført: {_bevillinger(result['bevillinger'])}, "
        f"{plural(result['offers'], 'tilbud', 'tilbud')}",
        **result,
    )
    await record(actor, "money.price_update.applied", str(update_id), **result)
    await progress.report(
        code, update_id, status="faerdig", message="Prisopdateringen er gennemført"
    )
    return "done"


async def _revert(code: str, update_id: uuid.UUID, actor: str, spec: UpdateSpec) -> dict[str, int]:
    await _lock_offers(spec)
    changed = await repo.count_changed_rows(update_id)
    if changed:
        raise UpdateFailed(
            "Priserne fra opdateringen er ændret siden (fx af en senere prisopdatering eller "
            "manuelt); tilbagefør de senere ændringer først"
        )
    ids = await repo.list_bevillinger_of_update(update_id)
    total = len(ids) + 1
    await progress.report(
        code,
        update_id,
        status="tilbagefoeres",
        done=0,
        total=total,
        message="Tilbagefører tilbuddenes priser",
    )
    await repo.retire_offer_rows_of_update(update_id, actor)
    restored = await repo.restore_offer_rows(update_id, actor)
    done = 1
    await progress.report(code, update_id, done=done)
    await after_chunk(done, total)
    rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await repo.retire_bevilling_rows_of_update(update_id, chunk, actor)
        rows += await repo.restore_bevilling_rows(update_id, chunk, actor)
        done += len(chunk)
        await progress.report(
            code,
            update_id,
            done=done,
            message=f"{format_int(done - 1)} af {_bevillinger(len(ids))} er tilbageført",
        )
        await after_chunk(done, total)
    return {
        "offer_price_rows": int(restored),
        "bevillinger": len(ids),
        "bevilling_price_rows": rows,
    }


async def run_revert(code: str, update_id: uuid.UUID, actor: str) -> str:
    row = await repo.lock_price_update(update_id)
    if row is None or row.status != "tilbagefoeres":
        return "skipped"
    spec = _spec_of(row)
    try:
        async with repo.savepoint():
            result = await _revert(code, update_id, actor, spec)
    except Exception as exc:
        message = str(exc) if isinstance(exc, UpdateFailed) else f"Teknisk fejl: {exc}"[:500]
        await repo.update_revert_failed(update_id, message)
        await journal(
            actor,
            "price_update",
            update_id,
            "tilbagefoersel_fejlet",
            describe(spec) + ": tilbageførsel fejlede; intet er ændret",
            error=message,
        )
        await record(actor, "money.price_update.revert_failed", str(update_id), error=message)
        await progress.report(
            code, update_id, status="faerdig", message=message, revert_error=message
        )
        return "failed"
    await repo.update_reverted(update_id, json.dumps(result))
    await journal(
        actor,
        "price_update",
        update_id,
        "tilbagefoert",
        describe(spec) + f" tilbageført: {_bevillinger(result['bevillinger'])}",
        **result,
    )
    await record(actor, "money.price_update.reverted", str(update_id), **result)
    await progress.report(
        code, update_id, status="tilbagefoert", message="Prisopdateringen er tilbageført"
    )
    return "done"


def current_code() -> str:
    return current_scope().code
