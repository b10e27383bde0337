"""Payments: "no krone is paid that is not in the system".

A payment is registered against a bevilling and within its period (from its start to the
earlier of its planned end and the measure's end). Where the kommune requires it, a
manager other than the registrant approves it (registreret → godkendt); otherwise it is
approved when registered. Approved payments are exported to the kommune's finance system
as a file (``export_file``; format in docs/money.md): the export takes every approved,
not yet exported payment under row locks and marks each exported exactly once (also held
by the database: an exported payment cannot change).
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from datetime import date, timedelta

from backend.casework.access import AccessibleCase
from backend.core.danish import file_stamp, today_dk
from backend.core.errors import FieldError, NotAllowed, NotFound, Stale, StateConflict
from backend.core.journal import named, stamp
from backend.money import repository as case_rows
from backend.money import settings
from backend.money.catalogue import MEASURE_TYPES, SUPPLIER_KINDS
from backend.money.common import fmt_date, fmt_kr
from backend.money.repositories import payments as repo

STATUS_LABELS = {
    "registreret": "Registreret – afventer godkendelse",
    "godkendt": "Godkendt – klar til eksport",
    "eksporteret": "Eksporteret til økonomisystemet",
    "annulleret": "Annulleret",
}
MAX_PAYMENT_OERE = 50_000_000_00

# The export file's columns, in order (docs/money.md).
EXPORT_COLUMNS = (
    "eksport_id",
    "betaling_id",
    "bevilling_id",
    "sag_id",
    "leverandoer_cvr",
    "leverandoer_navn",
    "leverandoer_type",
    "tilbud",
    "indsatstype",
    "paragraf",
    "kontoplan_funktion",
    "periode_fra",
    "periode_til",
    "beloeb_oere",
    "beloeb_kr",
    "faktura",
    "godkendt_af",
    "godkendt_dato",
)


async def do_register(
    actor: str,
    *,
    bevilling_id: uuid.UUID | None,
    period_from: date,
    period_to: date,
    amount_oere: int,
    invoice_ref: str,
    note: str,
) -> tuple[uuid.UUID, str]:
    """Register a payment; returns it and its status (godkendt when the kommune does not
    require a manager's approval)."""
    if bevilling_id is None:
        raise FieldError("bevilling_id", "En betaling kræver en bevilling (en truffet afgørelse)")
    b = await repo.get_bevilling_period(bevilling_id)
    if b is None:
        raise FieldError("bevilling_id", "Bevillingen findes ikke")
    if amount_oere <= 0:
        raise FieldError("amount_oere", "Beløbet skal være større end 0")
    if amount_oere > MAX_PAYMENT_OERE:
        raise FieldError("amount_oere", "Beløbet er urimeligt højt; angiv beløbet i øre")
    if period_to < period_from:
        raise FieldError("period_to", "Perioden kan ikke slutte, før den begynder")
    if period_from < b.period_from:
        raise FieldError(
            "period_from",
            f"Betalingen ligger før bevillingens start ({fmt_date(b.period_from)})",
        )
    if b.ends is not None and period_to > b.ends:
        raise FieldError(
            "period_to", f"Betalingen ligger efter bevillingens slut ({fmt_date(b.ends)})"
        )
    if period_from > today_dk() + timedelta(days=62):
        raise FieldError("period_from", "Betalingen ligger mere end to måneder frem")
    rule = await settings.load()
    status = "registreret" if rule.payment_approval else "godkendt"
    payment_id = await repo.insert_payment(
        actor,
        bevilling_id=bevilling_id,
        hovedsag_id=b.hovedsag_id,
        period_from=period_from,
        period_to=period_to,
        amount_oere=amount_oere,
        invoice_ref=invoice_ref.strip(),
        note=note.strip(),
        status=status,
    )
    await stamp(
        b.hovedsag_id,
        actor,
        "betaling.registreret",
        f"Betaling registreret: {fmt_kr(amount_oere)} til {b.supplier} for "
        f"{fmt_date(period_from)}–{fmt_date(period_to)}"
        + (" (afventer leders godkendelse)" if status == "registreret" else ""),
        invoice_ref.strip(),
    )
    return payment_id, status


async def _lock(payment_id: uuid.UUID, version: int | None) -> repo.LockedPayment:
    row = await repo.lock_payment(payment_id)
    if row is None:
        raise NotFound("Betalingen findes ikke")
    if version is not None and row.version != version:
        raise await named(
            Stale(
                row.approved_by or row.cancelled_by,
                row.approved_at or row.cancelled_at,
                {"status": STATUS_LABELS[row.status]},
                what="Betalingen",
            )
        )
    return row


async def do_approve(actor: str, payment_id: uuid.UUID, version: int) -> None:
    row = await _lock(payment_id, version)
    if row.status != "registreret":
        raise StateConflict(f"Betalingen afventer ikke godkendelse ({STATUS_LABELS[row.status]})")
    if row.registered_by == actor:
        raise NotAllowed("En anden skal godkende en betaling, du selv har registreret")
    await repo.update_payment_approved(payment_id, actor)
    await stamp(
        row.hovedsag_id,
        actor,
        "betaling.godkendt",
        f"Betaling godkendt af leder: {fmt_kr(row.amount_oere)} for "
        f"{fmt_date(row.period_from)}–{fmt_date(row.period_to)}",
    )


async def do_cancel(actor: str, payment_id: uuid.UUID, version: int, reason: str) -> None:
    if not reason.strip():
        raise FieldError("reason", "Skriv hvorfor betalingen annulleres")
    row = await _lock(payment_id, version)
    if row.status in ("eksporteret", "annulleret"):
        raise StateConflict(
            "Betalingen er eksporteret til økonomisystemet og kan ikke annulleres her"
            if row.status == "eksporteret"
            else "Betalingen er allerede annulleret"
        )
    await repo.update_payment_cancelled(payment_id, actor, reason.strip())
    await stamp(
        row.hovedsag_id,
        actor,
        "betaling.annulleret",
        f"Betaling annulleret: {fmt_kr(row.amount_oere)}",
        reason.strip(),
    )


def kroner(oere: int) -> str:
    """Øre as kroner with a decimal comma and no thousands separator: 123456 -> 1234,56."""
    sign = "-" if oere < 0 else ""
    kr, rest = divmod(abs(oere), 100)
    return f"{sign}{kr},{rest:02d}"


def export_file(export_id: uuid.UUID, rows: list[repo.ExportRow]) -> bytes:
    """The finance file: UTF-8, semicolon-separated, CRLF line ends, one header row,
    RFC 4180 quoting where a value needs it, ISO dates, amounts in øre and in kroner."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        mt = MEASURE_TYPES.get(r.measure_kind)
        writer.writerow(
            [
                export_id,
                r.id,
                r.bevilling_id,
                r.hovedsag_id,
                r.cvr or "",
                r.supplier,
                SUPPLIER_KINDS.get(r.supplier_kind, r.supplier_kind),
                r.offer,
                mt.label if mt else r.measure_kind,
                r.paragraph,
                mt.kontoplan.split(" ", 1)[0] if mt else "",
                r.period_from.isoformat(),
                r.period_to.isoformat(),
                r.amount_oere,
                kroner(r.amount_oere),
                r.invoice_ref,
                r.approved_by or "",
                r.approved_at.date().isoformat() if r.approved_at else "",
            ]
        )
    return out.getvalue().encode("utf-8")


async def do_export(actor: str) -> uuid.UUID:
    """Export every approved payment not yet exported, once. Two exports at the same time
    never share a payment: the rows are locked and the second skips those taken."""
    rows = await repo.lock_payments_to_export()
    if not rows:
        raise StateConflict("Der er ingen godkendte betalinger, der venter på eksport")
    export_id = uuid.uuid4()
    content = export_file(export_id, rows)
    total = sum(r.amount_oere for r in rows)
    stamp_at = file_stamp()  # Danish time: "2026-12-06-kl-0315"
    await repo.insert_payment_export(
        export_id,
        actor,
        filename=f"betalinger-{stamp_at}.csv",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        payment_count=len(rows),
        total_oere=total,
    )
    updated = await repo.update_payments_exported(export_id, [r.id for r in rows])
    if updated != len(rows):  # cannot happen under the row locks; never export twice
        raise StateConflict("Betalingerne blev ændret under eksporten; prøv igen")
    return export_id


async def delete_case(case: AccessibleCase) -> dict[str, int]:
    """Retention: delete this package's rows of the case, in the case's deletion
    (``backend.retention`` calls it, after ``lifecycle.start_case_deletion``). Row counts by
    table."""
    return await case_rows.delete_case_rows(case)
