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
from backend.casework.process import MEASURES
from backend.core.danish import format_int, plural, today_dk
from backend.core.db import conn
from backend.core.errors import FieldError, NotFound, StateConflict
from backend.core.workdays import add_months
from backend.money import progress
from backend.money.catalogue import check_amount
from backend.money.common import fmt_date, journal
from backend.money.costs import per_month_of, year_end
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


# The new amount of a price row ``x`` (with ``x.amount_oere`` and ``x.offer_id``): the
# percentage rounded to whole øre (half away from zero), or the offer's new amount.
_NEW = (
    "(CASE WHEN $PCT::numeric IS NOT NULL THEN round(x.amount_oere * (100 + $PCT::numeric) "
    "/ 100)::bigint ELSE ($AMT::jsonb ->> x.offer_id::text)::bigint END)"
)


def _new_amount(pct: int, amt: int) -> str:
    return _NEW.replace("$PCT", f"${pct}").replace("$AMT", f"${amt}")


async def check_spec(spec: UpdateSpec) -> list[Any]:
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
    rows = await conn().fetch(
        "SELECT o.id, o.name, o.unit, o.active, s.name AS supplier, p.amount_oere "
        "FROM offer o JOIN supplier s ON s.id = o.supplier_id "
        "LEFT JOIN offer_price p ON p.offer_id = o.id AND p.retired_at IS NULL "
        "AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2) "
        "WHERE o.id = ANY($1::uuid[]) ORDER BY s.name, o.name",
        spec.offer_ids,
        spec.effective_from,
    )
    if len(rows) != len(spec.offer_ids):
        raise FieldError("offer_ids", "Et af tilbuddene findes ikke")
    for r in rows:
        if r["amount_oere"] is None:
            raise FieldError(
                f"offer_ids.{r['id']}",
                f"{r['name']} ({r['supplier']}) har ingen pris {fmt_date(spec.effective_from)}",
            )
    return list(rows)


def new_amount(spec: UpdateSpec, offer_id: uuid.UUID, old: int) -> int:
    if spec.percent is not None:
        exact = Decimal(old) * (100 + spec.percent) / 100
        return int(exact.to_integral_value(rounding="ROUND_HALF_UP"))
    assert spec.amounts is not None
    return spec.amounts[offer_id]


# The approved and ongoing bevillinger of the offers: their period (planned end, the
# measure's end) reaches the date.
_AFFECTED = (
    "SELECT b.id, b.offer_id FROM bevilling b JOIN indsats i ON i.id = b.indsats_id "
    "WHERE b.offer_id = ANY($1::uuid[]) "
    "AND (least(b.period_to, i.ends_on) IS NULL OR least(b.period_to, i.ends_on) >= $2)"
)

# The one computation of what an update writes, shared by the preview (which counts the
# rows) and the job (which retires ``x`` and inserts ``parts``), so the two cannot
# disagree. ``x``: the active price rows that reach the date ($1 the offers or the
# bevillinger, $2 the date); ``parts``: their replacements — a row that started before the
# date is split into its old part (to the day before) and its new part, so it gives two
# rows; a row from the date on (a future price too) gives one, at the new amount.
_ROWS_WHERE = (
    "p.{key} = ANY($1::uuid[]) AND p.retired_at IS NULL "
    "AND (p.valid_to IS NULL OR p.valid_to >= $2)"
)
_X = {
    "offer": "SELECT p.offer_id AS key, p.offer_id, p.valid_from, p.valid_to, p.amount_oere, "
    "p.note FROM offer_price p WHERE " + _ROWS_WHERE.format(key="offer_id"),
    "bevilling": "SELECT p.bevilling_id AS key, b.offer_id, p.valid_from, p.valid_to, "
    "p.amount_oere, NULL::text AS note FROM bevilling_price p JOIN bevilling b "
    "ON b.id = p.bevilling_id WHERE " + _ROWS_WHERE.format(key="bevilling_id"),
}
_RETIRE = {
    "offer": "UPDATE offer_price p SET retired_at = now(), retired_by = $5, "
    "retired_reason = 'Prisopdatering', retired_by_update = $6 WHERE "
    + _ROWS_WHERE.format(key="offer_id")
    + " RETURNING p.offer_id AS key, p.offer_id, p.valid_from, p.valid_to, p.amount_oere, "
    "p.note",
    "bevilling": "UPDATE bevilling_price p SET retired_at = now(), retired_by = $5, "
    "retired_by_update = $6 FROM bevilling b WHERE b.id = p.bevilling_id AND "
    + _ROWS_WHERE.format(key="bevilling_id")
    + " RETURNING p.bevilling_id AS key, b.offer_id, p.valid_from, p.valid_to, "
    "p.amount_oere, NULL::text AS note",
}
_PARTS = (
    "SELECT key, valid_from, $2::date - 1 AS valid_to, amount_oere, note FROM x "
    "WHERE valid_from < $2 UNION ALL "
    "SELECT x.key, greatest(x.valid_from, $2), x.valid_to, " + _new_amount(3, 4) + ", x.note "
    "FROM x"
)
_INSERT = {
    "offer": "INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, note, "
    "price_update_id, created_by) SELECT key, valid_from, valid_to, amount_oere, note, $6, $5 "
    "FROM parts RETURNING 1",
    "bevilling": "INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, "
    "amount_oere, price_update_id, created_by) SELECT key, valid_from, valid_to, "
    "amount_oere, $6, $5 FROM parts RETURNING 1",
}


def new_rows_sql(kind: str, *, write: bool) -> str:
    """The price update's rows of ``kind`` (``offer`` or ``bevilling``): counted
    (``write=False``; parameters $1-$4) or retired and replaced (``write=True``; $5 the
    actor, $6 the update). Returns the number of new rows either way."""
    if write:
        return (
            f"WITH x AS ({_RETIRE[kind]}), parts AS ({_PARTS}), ins AS ({_INSERT[kind]}) "
            "SELECT count(*) FROM ins"
        )
    return f"WITH x AS ({_X[kind]}), parts AS ({_PARTS}) SELECT count(*) FROM parts"


async def affected_bevillinger(spec: UpdateSpec) -> list[Any]:
    """The bevillinger the update re-prices (``id``, ``offer_id``), in the job's order."""
    return list(
        await conn().fetch(_AFFECTED + " ORDER BY b.id", spec.offer_ids, spec.effective_from)
    )


_PREVIEW = f"""
WITH b AS (
    SELECT b.id, b.hovedsag_id, b.offer_id, b.measure_kind, b.frequency, b.quantity,
           b.period_from, least(b.period_to, i.ends_on) AS ends
    FROM bevilling b JOIN indsats i ON i.id = b.indsats_id
    WHERE b.offer_id = ANY($1::uuid[])
      AND (least(b.period_to, i.ends_on) IS NULL OR least(b.period_to, i.ends_on) >= $2)
), x AS (
    SELECT b.*, p.valid_from, p.valid_to, p.amount_oere,
           (p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2)) AS on_date
    FROM b JOIN bevilling_price p ON p.bevilling_id = b.id AND p.retired_at IS NULL
     AND (p.valid_to IS NULL OR p.valid_to >= $2)
), d AS (
    SELECT x.*, {_new_amount(3, 4)} - x.amount_oere AS delta FROM x
), m AS (
    SELECT d.id, sum(mm.cost) AS cost
    FROM d CROSS JOIN LATERAL money_months(d.frequency, d.quantity, d.delta, d.period_from,
        greatest(d.valid_from, $2), least(coalesce(d.valid_to, 'infinity'),
        coalesce(d.ends, 'infinity'), $5::date)) mm
    GROUP BY d.id
), g AS (
    SELECT d.id, d.hovedsag_id, d.offer_id, d.measure_kind,
           min(d.amount_oere) FILTER (WHERE d.on_date) AS old_amount,
           min(d.amount_oere + d.delta) FILTER (WHERE d.on_date) AS new_amount,
           count(*) AS price_rows
    FROM d GROUP BY d.id, d.hovedsag_id, d.offer_id, d.measure_kind
)
SELECT g.*, coalesce(m.cost, 0)::bigint AS change_12 FROM g LEFT JOIN m ON m.id = g.id
"""


async def preview(spec: UpdateSpec) -> dict[str, Any]:
    """What the update would change, without writing anything."""
    offers = await check_spec(spec)
    c = conn()
    rows = await c.fetch(
        _PREVIEW,
        spec.offer_ids,
        spec.effective_from,
        spec.percent,
        spec.amounts_json(),
        year_end(spec.effective_from),
    )
    args = (spec.percent, spec.amounts_json())
    offer_rows = await c.fetchval(
        new_rows_sql("offer", write=False), spec.offer_ids, spec.effective_from, *args
    )
    affected = await affected_bevillinger(spec)
    bevilling_rows = await c.fetchval(
        new_rows_sql("bevilling", write=False),
        [b["id"] for b in affected],
        spec.effective_from,
        *args,
    )
    per_offer: dict[uuid.UUID, int] = {}
    for b in affected:
        per_offer[b["offer_id"]] = per_offer.get(b["offer_id"], 0) + 1
    change = sum(r["change_12"] for r in rows)
    ordered = sorted(rows, key=lambda r: -abs(r["change_12"]))[:SAMPLE]
    names = {
        r["id"]: r["name"]
        for r in await c.fetch(
            "SELECT h.id, c.first_name || ' ' || c.last_name AS name FROM hovedsag h "
            "JOIN child c ON c.id = h.child_id WHERE h.id = ANY($1::uuid[])",
            [r["hovedsag_id"] for r in ordered],
        )
    }
    offer_names = {o["id"]: (o["name"], o["supplier"]) for o in offers}
    return {
        "effective_from": spec.effective_from,
        "offers": [
            {
                "offer_id": o["id"],
                "offer_name": o["name"],
                "supplier_name": o["supplier"],
                "unit": o["unit"],
                "old_amount_oere": o["amount_oere"],
                "new_amount_oere": new_amount(spec, o["id"], o["amount_oere"]),
                "bevillinger": per_offer.get(o["id"], 0),
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
                "bevilling_id": r["id"],
                "hovedsag_id": r["hovedsag_id"],
                "child_name": names.get(r["hovedsag_id"], ""),
                "measure_kind": r["measure_kind"],
                "measure_label": MEASURES.get(r["measure_kind"], (r["measure_kind"],))[0],
                "offer_name": offer_names[r["offer_id"]][0],
                "old_amount_oere": r["old_amount"],
                "new_amount_oere": r["new_amount"],
                "change_12_months_oere": int(r["change_12"]),
            }
            for r in ordered
        ],
    }


def _spec_of(row: Any) -> UpdateSpec:
    amounts = json.loads(row["amounts"]) if row["amounts"] else None
    return UpdateSpec(
        offer_ids=list(row["offer_ids"]),
        effective_from=row["effective_from"],
        percent=row["percent"],
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
    c = conn()
    update_id: uuid.UUID = await c.fetchval(
        "INSERT INTO price_update (offer_ids, effective_from, percent, amounts, note, preview, "
        "requested_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7) RETURNING id",
        spec.offer_ids,
        spec.effective_from,
        spec.percent,
        spec.amounts_json(),
        note.strip(),
        json.dumps({k: v for k, v in summary.items() if k != "sample"}, default=str),
        actor,
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
    c = conn()
    row = await c.fetchrow("SELECT * FROM price_update WHERE id = $1 FOR UPDATE", update_id)
    if row is None:
        raise NotFound("Prisopdateringen findes ikke")
    if row["status"] != "faerdig":
        raise StateConflict(
            f"Kun en gennemført prisopdatering kan tilbageføres ({STATUS_LABELS[row['status']]})"
        )
    later = await c.fetchrow(
        "SELECT id, requested_at, effective_from FROM price_update WHERE id <> $1 "
        "AND status IN ('faerdig', 'tilbagefoeres', 'venter') AND requested_at > $2 "
        "AND offer_ids && $3::uuid[] ORDER BY requested_at LIMIT 1",
        update_id,
        row["requested_at"],
        row["offer_ids"],
    )
    if later is not None:
        raise StateConflict(
            "En senere prisopdatering af de samme tilbud (fra "
            f"{fmt_date(later['effective_from'])}) står ved magt; tilbagefør den først"
        )
    await c.execute(
        "UPDATE price_update SET status = 'tilbagefoeres', revert_requested_by = $2, "
        "revert_requested_at = now(), revert_error = NULL WHERE id = $1",
        update_id,
        actor,
    )
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
    c = conn()
    rows = await c.fetch(
        "SELECT o.id, o.name, o.active, s.active AS supplier_active FROM offer o "
        "JOIN supplier s ON s.id = o.supplier_id WHERE o.id = ANY($1::uuid[]) "
        "ORDER BY o.id FOR UPDATE OF o",
        spec.offer_ids,
    )
    if len(rows) != len(spec.offer_ids):
        raise UpdateFailed("Et af tilbuddene findes ikke længere")


async def _apply(
    scope_code: str, update_id: uuid.UUID, actor: str, spec: UpdateSpec
) -> dict[str, int]:
    c = conn()
    await _lock_offers(spec)
    missing = await c.fetch(
        "SELECT o.name FROM offer o WHERE o.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 "
        "FROM offer_price p WHERE p.offer_id = o.id AND p.retired_at IS NULL "
        "AND p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $2))",
        spec.offer_ids,
        spec.effective_from,
    )
    if missing:
        raise UpdateFailed(
            f"{missing[0]['name']} har ikke længere en pris {fmt_date(spec.effective_from)}"
        )
    ids = [r["id"] for r in await affected_bevillinger(spec)]
    total = len(ids) + 1
    await progress.report(
        scope_code,
        update_id,
        status="koerer",
        done=0,
        total=total,
        message="Ændrer tilbuddenes priser",
    )
    offer_rows = await c.fetchval(
        new_rows_sql("offer", write=True),
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
        bevilling_rows += await c.fetchval(
            new_rows_sql("bevilling", write=True),
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
    c = conn()
    row = await c.fetchrow("SELECT * FROM price_update WHERE id = $1 FOR UPDATE", update_id)
    if row is None or row["status"] != "venter":
        return "skipped"
    spec = _spec_of(row)
    actor = row["requested_by"]
    try:
        async with c.transaction():
            result = await _apply(code, update_id, actor, spec)
    except Exception as exc:
        message = str(exc) if isinstance(exc, UpdateFailed) else f"Teknisk fejl: {exc}"[:500]
        await c.execute(
            "UPDATE price_update SET status = 'fejlet', error = $2 WHERE id = $1",
            update_id,
            message,
        )
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
    await c.execute(
        "UPDATE price_update SET status = 'faerdig', result = $2::jsonb, applied_at = now() "
        "WHERE id = $1",
        update_id,
        json.dumps(result),
    )
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
    c = conn()
    await _lock_offers(spec)
    changed = await c.fetchval(
        "SELECT (SELECT count(*) FROM offer_price WHERE price_update_id = $1 "
        "AND retired_at IS NOT NULL) + (SELECT count(*) FROM bevilling_price "
        "WHERE price_update_id = $1 AND retired_at IS NOT NULL)",
        update_id,
    )
    if changed:
        raise UpdateFailed(
            "Priserne fra opdateringen er ændret siden (fx af en senere prisopdatering eller "
            "manuelt); tilbagefør de senere ændringer først"
        )
    ids = [
        r["bevilling_id"]
        for r in await c.fetch(
            "SELECT DISTINCT bevilling_id FROM bevilling_price WHERE price_update_id = $1 "
            "ORDER BY bevilling_id",
            update_id,
        )
    ]
    total = len(ids) + 1
    await progress.report(
        code,
        update_id,
        status="tilbagefoeres",
        done=0,
        total=total,
        message="Tilbagefører tilbuddenes priser",
    )
    await c.execute(
        "UPDATE offer_price SET retired_at = now(), retired_by = $2, "
        "retired_reason = 'Prisopdatering tilbageført' WHERE price_update_id = $1",
        update_id,
        actor,
    )
    restored = await c.fetchval(
        "WITH ins AS (INSERT INTO offer_price (offer_id, valid_from, valid_to, amount_oere, "
        "note, price_update_id, restored_from_id, created_by) SELECT offer_id, valid_from, "
        "valid_to, amount_oere, note, price_update_id, id, $2 FROM offer_price "
        "WHERE retired_by_update = $1 RETURNING 1) SELECT count(*) FROM ins",
        update_id,
        actor,
    )
    done = 1
    await progress.report(code, update_id, done=done)
    await after_chunk(done, total)
    rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await c.execute(
            "UPDATE bevilling_price SET retired_at = now(), retired_by = $3 "
            "WHERE price_update_id = $1 AND bevilling_id = ANY($2::uuid[])",
            update_id,
            chunk,
            actor,
        )
        rows += await c.fetchval(
            "WITH ins AS (INSERT INTO bevilling_price (bevilling_id, valid_from, valid_to, "
            "amount_oere, price_update_id, restored_from_id, created_by) SELECT bevilling_id, "
            "valid_from, valid_to, amount_oere, price_update_id, id, $3 FROM bevilling_price "
            "WHERE retired_by_update = $1 AND bevilling_id = ANY($2::uuid[]) RETURNING 1) "
            "SELECT count(*) FROM ins",
            update_id,
            chunk,
            actor,
        )
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
    c = conn()
    row = await c.fetchrow("SELECT * FROM price_update WHERE id = $1 FOR UPDATE", update_id)
    if row is None or row["status"] != "tilbagefoeres":
        return "skipped"
    spec = _spec_of(row)
    try:
        async with c.transaction():
            result = await _revert(code, update_id, actor, spec)
    except Exception as exc:
        message = str(exc) if isinstance(exc, UpdateFailed) else f"Teknisk fejl: {exc}"[:500]
        await c.execute(
            "UPDATE price_update SET status = 'faerdig', revert_error = $2 WHERE id = $1",
            update_id,
            message,
        )
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
    await c.execute(
        "UPDATE price_update SET status = 'tilbagefoert', reverted_at = now(), "
        "result = result || jsonb_build_object('reverted', $2::jsonb) WHERE id = $1",
        update_id,
        json.dumps(result),
    )
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
