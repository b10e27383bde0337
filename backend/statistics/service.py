"""Deliveries to Danmarks Statistik: what is due, checked, made into one delivery, sent.

A record is due when DST does not hold it as it is now: never sent (``ny``), or changed
since the version DST accepted (``rettelse``), or accepted once and gone from the case data
(a ``Sletning``). A record DST rejected stays rejected until its case changes (it, or
another record of its case, as when the placement it overlapped is ended). A record that
fails DST's rules (``records``) is not sent and is named with its case and reasons.
A delivery is one unit: its XML, its records and the outbox job that sends it commit in one
transaction, and only one delivery is on its way at a time (a unique index). The job sends
it once (``FOR UPDATE``, status ``klar``); DST answers a repeat of its id with the first
receipt (``sender``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from lxml import etree

from backend import queue
from backend.audit.service import record
from backend.core import progress
from backend.core.danish import DK, today_dk
from backend.core.errors import NotFound, StateConflict
from backend.core.principal import Principal
from backend.outbox.service import enqueue
from backend.statistics import records as rec
from backend.statistics import repository as repo
from backend.statistics import sender
from backend.statistics.schemas import (
    DstCase,
    DstCheck,
    DstDelivery,
    DstIssue,
    DstOverview,
    DstRejected,
    DstSetting,
    DstSettingUpdate,
)
from tenancy.context import current_scope

log = logging.getLogger("trekant.statistics")
SEND_JOB = "statistics.dst_send"
DELETED = "slettet"
# The content hash of a record whose case retention deleted: the hash covered the CPR number,
# so it goes; the key stays, and no Sletning is sent (DST keeps its statistics).
RETIRED = "sag-slettet"
# Where a deleted case's CPR number stood in a kept delivery (no hash of it either).
CPR_MARKER = "SLETTET"
NIGHT_ACTOR = "trekant:nat"
# DST publishes a year's numbers about nine months after it ends and re-publishes them with
# the next two years' ("genudgives to år tilbage"), so it may ask about year Y until the end
# of Y+3. A delivery's XML is kept that long; from 1 January Y+4 only its summary remains.
KEEP_YEARS = 3


class Due:
    """What a delivery made now would hold, and the records that fail DST's rules."""

    def __init__(self) -> None:
        self.items: list[tuple[rec.Action, rec.Record]] = []
        self.deletions: list[tuple[str, str]] = []  # (key, kind)
        self.invalid: list[rec.Record] = []

    def count(self, action: str) -> int:
        return sum(1 for a, _ in self.items if a == action)


async def due(today: date | None = None) -> Due:
    """Every record of the kommune's case data up to today, compared with what DST holds."""
    day = today or today_dk()
    until = datetime.combine(day + timedelta(days=1), time(), DK)
    current: list[rec.Record] = [rec.measure_record(m) for m in await repo.list_measures(day)]
    current += [rec.notification_record(n) for n in await repo.list_notifications(until)]
    latest = {s.record_key: s for s in await repo.list_latest_sent()}
    out = Due()
    seen: set[str] = set()
    waiting: list[rec.Record] = []  # rejected by DST and unchanged since
    for r in current:
        seen.add(r.key)
        if r.errors:
            out.invalid.append(r)
            continue
        s = latest.get(r.key)
        if s is None:
            out.items.append(("ny", r))
            continue
        h = r.content_hash
        if s.status == "afvist" and s.content_hash == h:
            waiting.append(r)
            continue
        if s.status == "sendt" or (s.content_hash == h and s.status == "modtaget"):
            continue  # on its way, or held by DST as it is
        if s.accepted_hash == h:
            continue  # changed back to what DST holds
        out.items.append(("rettelse" if _held(s) else "ny", r))
    # A rejected record goes again once something on its case has changed (ending the
    # placement that overlapped it corrects another record): after the changes, in order.
    changed = {r.hovedsag_id for _, r in out.items}
    for r in waiting:
        if r.hovedsag_id in changed:
            out.items.append(("rettelse" if _held(latest[r.key]) else "ny", r))
    for key, s in latest.items():
        if (
            key not in seen
            and s.accepted_hash not in (None, DELETED, RETIRED)
            and s.status != "sendt"
        ):
            out.deletions.append((key, s.kind))
    return out


def _held(s: repo.SentRow) -> bool:
    """DST holds a version of the record (so a change is a correction)."""
    return s.accepted_hash not in (None, DELETED, RETIRED)


def _initials(first: str, last: str) -> str:
    return "".join(p[0].upper() + "." for p in (first.split() + last.split())[:3] if p)


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


async def _cases(ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, DstCase]:
    wanted = list({i for i in ids if i is not None})
    today = today_dk()
    return {
        c.id: DstCase(
            id=c.id,
            case_number=c.case_number,
            initials=_initials(c.first_name, c.last_name),
            age=_age(c.birth_date, today),
            caseworker=c.caseworker,
        )
        for c in (await repo.list_cases(wanted) if wanted else [])
    }


async def check(me: Principal) -> DstCheck:
    """Kontrollér: counts of what is due and every record that fails, with its case."""
    found = await due()
    cases = await _cases(r.hovedsag_id for r in found.invalid)
    period = rec.period_of(today_dk())
    await record(
        me.actor,
        "dst.checked",
        None,
        records=len(found.items) + len(found.deletions),
        invalid=len(found.invalid),
    )
    return DstCheck(
        period=period,
        deadline=rec.deadline_of(period),
        new=found.count("ny"),
        corrections=found.count("rettelse"),
        deletions=len(found.deletions),
        invalid=len(found.invalid),
        issues=[
            DstIssue(
                key=r.key,
                kind=r.kind,
                case=cases.get(r.hovedsag_id) if r.hovedsag_id else None,
                reasons=r.errors,
            )
            for r in found.invalid
        ],
    )


def _delivery(d: repo.DeliveryRow) -> DstDelivery:
    return DstDelivery(
        id=d.id,
        period=d.period,
        status=d.status,  # type: ignore[arg-type]  # the table's CHECK is the Literal
        records=d.records,
        created_by=d.created_by,
        created_at=d.created_at,
        sent_at=d.sent_at,
        attempts=d.attempts,
        last_error=d.last_error,
        accepted=d.accepted,
        rejected=d.rejected,
        automatic=d.automatic,
        pruned_at=d.pruned_at,
    )


async def make_delivery(
    actor: str, today: date | None = None, *, automatic: bool = False
) -> tuple[uuid.UUID, int]:
    """Make the delivery of everything due (not yet sent): its XML and its records, in the
    caller's transaction. StateConflict when one is already on its way or nothing is due."""
    if await repo.open_delivery() is not None:
        raise StateConflict("En indberetning er allerede på vej til Danmarks Statistik")
    found = await due(today)
    if not found.items and not found.deletions:
        raise StateConflict("Der er intet nyt at indberette til Danmarks Statistik")
    delivery_id = uuid.uuid4()
    period = rec.period_of(today or today_dk())
    payload = rec.delivery_xml(
        delivery_id, current_scope().code, period, found.items, found.deletions
    )
    total = len(found.items) + len(found.deletions)
    await repo.insert_delivery(delivery_id, period, payload, total, actor, automatic)
    rows: list[tuple[str, str, str, uuid.UUID | None, str]] = [
        (r.key, r.kind, action, r.hovedsag_id, r.content_hash) for action, r in found.items
    ]
    rows += [(key, kind, "sletning", None, DELETED) for key, kind in found.deletions]
    await repo.insert_records(delivery_id, rows)
    return delivery_id, total


async def create_delivery(me: Principal) -> DstDelivery:
    """Send til Danmarks Statistik: the delivery is made now and sent by a job."""
    delivery_id, total = await make_delivery(me.actor)
    await enqueue(SEND_JOB, {"delivery_id": str(delivery_id)})
    await record(me.actor, "dst.delivery_created", str(delivery_id), records=total)
    found = await repo.get_delivery(delivery_id)
    assert found is not None
    return _delivery(found)


async def _progress(delivery_id: uuid.UUID, **fields: object) -> None:
    try:
        await progress.record(
            queue.get(), progress.job_key(current_scope().code, delivery_id), **fields
        )
    except Exception:  # progress is a convenience; the delivery row is the authority
        log.warning("could not record the progress of DST delivery %s", delivery_id)


async def send_delivery(delivery_id: uuid.UUID) -> str:
    """Send one delivery if it is still ``klar`` (the job; the caller's transaction holds
    the row lock). A failed attempt is recorded and a later one queued."""
    found = await repo.get_delivery_for_update(delivery_id)
    if found is None:
        return "missing"
    row, payload = found
    if row.status != "klar":
        return row.status
    await _progress(delivery_id, status="sender", step="Sender til Danmarks Statistik")
    try:
        receipt = await sender.send(delivery_id, payload)
    except sender.SendFailed as exc:
        # Kept on the delivery (the screen shows it) and tried again later by a new outbox
        # row: 10 s, 30 s, 1.5 min, … up to every 30 minutes.
        await repo.record_attempt_failed(delivery_id, str(exc))
        delay = min(1800, 10 * 3**row.attempts)
        await enqueue(SEND_JOB, {"delivery_id": str(delivery_id)}, defer_seconds=delay)
        await _progress(delivery_id, status="venter", step=str(exc))
        return "venter"
    accepted, rejected = await repo.record_receipt(
        delivery_id, receipt.status, receipt.text, receipt.rejections, receipt.error
    )
    await _progress(delivery_id, status="faerdig", step="Kvittering modtaget")
    await record(
        row.created_by,
        "dst.delivery_sent",
        str(delivery_id),
        records=row.records,
        accepted=accepted,
        rejected=rejected,
    )
    return receipt.status


async def delivery(delivery_id: uuid.UUID) -> DstDelivery:
    found = await repo.get_delivery(delivery_id)
    if found is None:
        raise NotFound("Indberetningen findes ikke")
    return _delivery(found)


async def overview() -> DstOverview:
    period = rec.period_of(today_dk())
    rejected = await repo.list_rejected()
    cases = await _cases(r.hovedsag_id for r in rejected)
    return DstOverview(
        period=period,
        deadline=rec.deadline_of(period),
        open_delivery=await repo.open_delivery(),
        deliveries=[_delivery(d) for d in await repo.list_deliveries()],
        setting=await setting(),
        rejected=[
            DstRejected(
                delivery_id=r.delivery_id,
                kind=r.kind,  # type: ignore[arg-type]  # the table's CHECK
                action=r.action,  # type: ignore[arg-type]
                reason=r.reason or "Afvist uden begrundelse",
                case=cases.get(r.hovedsag_id) if r.hovedsag_id else None,
            )
            for r in rejected
        ],
    )


async def setting() -> DstSetting:
    row = await repo.get_setting()
    return DstSetting(auto_send=row.auto_send, changed_by=row.changed_by, changed_at=row.changed_at)


async def do_update_setting(me: Principal, data: DstSettingUpdate) -> DstSetting:
    """Turn the nightly automatic send on or off (audited)."""
    await repo.update_setting(data.auto_send, me.actor)
    await record(me.actor, "dst.setting_changed", None, auto_send=data.auto_send)
    return await setting()


def file_name(code: str, made_at: datetime) -> str:
    """``dst-levering-0101-2026-12-06.xml``: the kommune and the day it was made (Danish time)."""
    return f"dst-levering-{code}-{made_at.astimezone(DK).date().isoformat()}.xml"


async def download(me: Principal, delivery_id: uuid.UUID) -> tuple[str, bytes]:
    """The delivery's XML as it is kept (the bytes sent; a deleted case's CPR number replaced
    by ``CPR_MARKER``), audited. NotFound for an unknown delivery and one whose XML was
    pruned after DST's period."""
    found = await repo.get_delivery(delivery_id)
    payload = await repo.get_payload(delivery_id) if found else None
    if found is None or payload is None:
        raise NotFound(
            "Indberetningen findes ikke, eller dens XML er slettet efter opbevaringsperioden"
        )
    await record(me.actor, "dst.delivery_downloaded", str(delivery_id), bytes=len(payload))
    return file_name(current_scope().code, found.created_at), payload


async def auto_send(today: date | None = None) -> str:
    """The nightly job for one kommune, in the caller's tenant transaction: with "send
    automatically" on, make the delivery of what is due and queue its send, exactly as a
    manual send (the same unique index allows one delivery on its way; a second run the
    same night finds it, or nothing due). Also prunes deliveries past DST's period."""
    await prune(today)
    if not (await repo.get_setting()).auto_send:
        return "fra"
    if await repo.open_delivery() is not None:
        return "på vej"
    try:
        delivery_id, total = await make_delivery(NIGHT_ACTOR, today, automatic=True)
    except StateConflict:
        return "intet"
    await enqueue(SEND_JOB, {"delivery_id": str(delivery_id)})
    await record(
        NIGHT_ACTOR, "dst.delivery_created", str(delivery_id), records=total, automatic=True
    )
    return "dannet"


async def prune(today: date | None = None) -> int:
    """Deliveries for periods DST can no longer ask about keep only their summary."""
    year = (today or today_dk()).year - KEEP_YEARS
    pruned = await repo.prune_before(year)
    if pruned:
        await record(
            NIGHT_ACTOR, "dst.deliveries_pruned", None, deliveries=pruned, from_before_year=year
        )
    return pruned


def _redact(payload: bytes, keys: set[str]) -> bytes:
    """The CPR number of each record with one of ``keys`` replaced by ``CPR_MARKER``."""
    doc = etree.fromstring(payload)
    for el in doc:
        if el.get("noegle") in keys:
            cpr = el.find(f"{{{rec.NS}}}CPR")
            if cpr is not None:
                cpr.text = CPR_MARKER
    out: bytes = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
    return out


async def forget_cases(case_ids: list[uuid.UUID]) -> dict[str, int]:
    """Retention deleted these cases: no kept delivery may hold their CPR numbers. Each of
    their records in a kept XML gets ``CPR_MARKER`` for its CPR number, and its content hash
    (over the CPR number) becomes ``RETIRED``; DST keeps what it received (no Sletning).
    One call per batch of cases: each delivery's XML is parsed and written once."""
    sent = await repo.records_of_cases(case_ids) if case_ids else []
    if not sent:
        return {}
    keys = {key for _, key in sent}
    rewritten = 0
    for delivery_id, payload in await repo.payloads(list({d for d, _ in sent})):
        await repo.replace_payload(delivery_id, _redact(payload, keys))
        rewritten += 1
    retired = await repo.retire_case_records(case_ids, RETIRED)
    return {"dst_record": retired, "dst_delivery": rewritten}
