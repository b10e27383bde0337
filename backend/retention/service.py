"""Retention and deletion (issue 18 item 4; docs/reporting.md "Opbevaring og sletning").

The kommune's rules say how many years after closing a case is kept (a case with a
placement may have its own period) and which closed cases are preserved ("bevares": handed
to the archive first). Closed cases past their period are listed for the administrator,
who approves their deletion; a job then deletes each case whole through the packages that
own its rows (``delete_case`` in each), in one savepoint per case, and leaves an audit
record of what was deleted (numbers and counts, never content or CPR).

Refused, per case, with the reason (nothing deleted for it): not closed, not past its
period, a complaint not yet decided (``backend.appeals``), in a transfer
(``backend.crosskommune``), or to be preserved and not yet archived (the archive port,
``backend.retention.ports``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from backend.ankestyrelsen import service as ankestyrelsen
from backend.appeals import service as appeals
from backend.audit.service import record, record_many
from backend.casework import lifecycle
from backend.casework.access import system_case
from backend.core.danish import today_dk
from backend.core.errors import FieldError, FieldErrors, NotFound
from backend.core.principal import Principal
from backend.crosskommune import index as crosskommune
from backend.documents import service as documents
from backend.ics import service as ics
from backend.letters import service as letters
from backend.money import payments as money
from backend.money import progress
from backend.network import service as network
from backend.offline import service as offline
from backend.outbox.service import enqueue
from backend.placement import service as placement
from backend.post import service as post
from backend.retention import ports
from backend.retention import repository as repo
from backend.retention.schemas import (
    CaseKind,
    DeletionRun,
    DeletionRuns,
    ExpiredCase,
    ExpiredList,
    RetentionRule,
    RetentionRuleUpdate,
    RunCase,
)
from backend.statistics import service as statistics

log = logging.getLogger("trekant.retention")

DELETE_JOB = "retention.delete"
PAGE = 500
# Cases per batch: one transaction each (10,000 cases in one transaction held their locks
# and the WAL for 20 minutes, and a crash lost all of it).
BATCH = 100
PRESERVE_LABEL = {
    "ingen": "ingen",
    "anbringelser": "sager med en anbringelse",
    "alle": "alle sager",
}

NOT_CLOSED = "Sagen er ikke afsluttet"
NOT_EXPIRED = "Sagens opbevaringsperiode er ikke udløbet"
UNDER_APPEAL = "Sagen har en klage, som Ankestyrelsen endnu ikke har afgjort"
IN_TRANSFER = "Sagen er under overflytning til eller fra en anden kommune"
NOT_ARCHIVED = "Sagen skal afleveres til arkivet, før den kan slettes"


def _rule_out(row: repo.RuleRow) -> RetentionRule:
    return RetentionRule(
        years=row.years,
        placement_years=row.placement_years,
        preserve=row.preserve,  # type: ignore[arg-type]  # CHECK constraint: the Literal
        changed_by=row.changed_by,
        changed_at=row.changed_at,
    )


async def rule() -> RetentionRule:
    return _rule_out(await repo.get_rule())


async def do_update_rule(me: Principal, data: RetentionRuleUpdate) -> RetentionRule:
    errors: dict[str, str] = {}
    if not 1 <= data.years <= 100:
        errors["years"] = "Angiv et antal år mellem 1 og 100"
    if not 1 <= data.placement_years <= 100:
        errors["placement_years"] = "Angiv et antal år mellem 1 og 100"
    if len(errors) == 1:
        field, message = next(iter(errors.items()))
        raise FieldError(field, message)
    if errors:
        raise FieldErrors(
            "Ret de markerede felter", [{"key": k, "message": m} for k, m in errors.items()]
        )
    await repo.update_rule(data.years, data.placement_years, data.preserve, me.actor)
    await record(
        me.actor,
        "retention.rule_changed",
        None,
        years=data.years,
        placement_years=data.placement_years,
        preserve=data.preserve,
    )
    return await rule()


def _kind(row: repo.ExpiredRow) -> CaseKind:
    if row.placement:
        return "anbringelse"
    return "indsats" if row.measures else "oevrig"


def _preserved(row: repo.ExpiredRow, preserve: str) -> bool:
    return preserve == "alle" or (preserve == "anbringelser" and row.placement)


async def _judge(
    rows: list[repo.ExpiredRow], preserve: str, today: date
) -> list[tuple[repo.ExpiredRow, bool, str | None]]:
    """Each case, whether it is to be preserved, and why it cannot be deleted now (None:
    it can). Three set lookups for the whole list, not one per case."""
    ids = [r.id for r in rows]
    appealed = await appeals.cases_under_appeal(ids)
    moving = await crosskommune.cases_in_transfer(ids)
    keep = [r.id for r in rows if _preserved(r, preserve)]
    archived = await ports.archived_cases(keep)
    out: list[tuple[repo.ExpiredRow, bool, str | None]] = []
    for r in rows:
        preserved = _preserved(r, preserve)
        reason: str | None = None
        if r.closed_at is None:
            reason = NOT_CLOSED
        elif r.expires_on is None or r.expires_on > today:
            reason = NOT_EXPIRED
        elif r.id in appealed:
            reason = UNDER_APPEAL
        elif r.id in moving:
            reason = IN_TRANSFER
        elif preserved and r.id not in archived:
            reason = NOT_ARCHIVED
        out.append((r, preserved, reason))
    return out


async def expired_list() -> ExpiredList:
    """Closed cases past their period, each with its verdict (at most ``PAGE``)."""
    today = today_dk()
    rule_row = await repo.get_rule()
    rows = await repo.list_expired(today, PAGE)
    total = await repo.count_expired(today) if len(rows) == PAGE else len(rows)
    items: list[ExpiredCase] = []
    for r, preserved, reason in await _judge(rows, rule_row.preserve, today):
        assert r.closed_at is not None and r.expires_on is not None
        if reason == NOT_ARCHIVED:
            verdict = "bevares_ikke_arkiveret"
        elif reason is not None:
            verdict = "afvist"
        else:
            verdict = "bevares_arkiveret" if preserved else "slettes"
        items.append(
            ExpiredCase(
                id=r.id,
                case_number=r.case_number,
                initials=r.initials,
                birth_year=r.birth_year,
                closed_on=r.closed_at,
                expired_on=r.expires_on,
                kind=_kind(r),
                caseworker=r.caseworker,
                preserve=preserved,
                verdict=verdict,  # type: ignore[arg-type]  # one of the Literal's values
                reason=reason,
            )
        )
    return ExpiredList(
        rule=_rule_out(rule_row),
        items=items,
        total=total,
        deletable=sum(1 for i in items if i.reason is None),
    )


async def do_approve(me: Principal, case_ids: list[uuid.UUID]) -> DeletionRun:
    """Approve the deletion of these cases (each must be past its period now) and queue the
    job. The job checks each case again when it runs."""
    wanted = list(dict.fromkeys(case_ids))
    if not wanted:
        raise FieldError("case_ids", "Vælg mindst én sag, der skal slettes")
    if len(wanted) > 10_000:
        raise FieldError("case_ids", "Godkend højst 10.000 sager ad gangen")
    today = today_dk()
    found = {r.id: r for r in await repo.get_cases(wanted)}
    unknown = [i for i in wanted if i not in found]
    if unknown:
        raise FieldError("case_ids", "En af sagerne findes ikke (længere)")
    not_due = [r for r in found.values() if r.expires_on is None or r.expires_on > today]
    if not_due:
        number = not_due[0].case_number or "uden nummer"
        raise FieldError(
            "case_ids",
            f"Sag {number} er ikke afsluttet, eller dens opbevaringsperiode er ikke udløbet",
        )
    run_id = await repo.insert_run(
        me.actor, me.display_name, [(i, found[i].case_number) for i in wanted]
    )
    await enqueue(DELETE_JOB, {"run_id": str(run_id)})
    await record(me.actor, "retention.deletion_approved", str(run_id), cases=len(wanted))
    run = await deletion_run(me.kommune_code, run_id)
    return run


async def deletion_run(code: str, run_id: uuid.UUID) -> DeletionRun:
    row = await repo.get_run(run_id)
    if row is None:
        raise NotFound("Sletningen findes ikke")
    return await _run_out(code, row)


async def deletion_runs(code: str) -> DeletionRuns:
    return DeletionRuns(items=[await _run_out(code, r) for r in await repo.latest_runs(5)])


async def _run_out(code: str, row: repo.RunRow) -> DeletionRun:
    cases = await repo.list_run_cases(row.id)
    done = sum(1 for c in cases if c.outcome is not None)
    live: dict[str, Any] = {} if row.status == "faerdig" else await progress.read(code, row.id)
    if row.status == "faerdig":
        status, done_now = "faerdig", len(cases)
    else:
        status = "koerer" if live.get("done") else "venter"
        done_now = max(done, int(live.get("done") or 0))
    return DeletionRun(
        id=row.id,
        approved_name=row.approved_name,
        approved_at=row.approved_at,
        status=status,  # type: ignore[arg-type]  # one of the Literal's values
        finished_at=row.finished_at,
        total=len(cases),
        done=done_now,
        deleted=row.deleted,
        refused=row.refused,
        percent=100 if not cases else int(100 * done_now / len(cases)),
        cases=[
            RunCase(
                id=c.hovedsag_id,
                case_number=c.case_number,
                outcome=c.outcome,  # type: ignore[arg-type]  # CHECK constraint
                reason=c.reason,
            )
            for c in cases
        ],
    )


async def delete_one(case_id: uuid.UUID) -> dict[str, int]:
    """Delete one case whole, through the packages that own its rows, children before
    parents. The caller holds a savepoint: any failure undoes all of it."""
    case = await system_case(case_id, "retention: an approved deletion past the period")
    deletion = await lifecycle.start_case_deletion(case)
    counts: dict[str, int] = {}
    for part in (
        await ankestyrelsen.delete_case(case),
        await appeals.delete_case(case),
        await letters.delete_case(case),
        await post.delete_case(case),
        await documents.delete_case(case),
        await money.delete_case(case),
        await ics.delete_case(case),
        await placement.delete_case(case),
        await offline.delete_case(case),
        await crosskommune.delete_case(case),
        await network.delete_child(deletion),
        await lifecycle.delete_case(case, deletion),
    ):
        counts.update(part)
    return {k: v for k, v in counts.items() if v}


async def run_deletion(code: str, run_id: uuid.UUID, batch: int | None = None) -> str:
    """One batch of the run (the job; the worker's transaction is the batch's): the next
    ``BATCH`` cases without an outcome are checked again and each deleted whole in its own
    savepoint, or refused with its reason; then the next batch is queued in the same
    transaction, or the run is finished. A worker that dies mid-batch loses the batch's
    transaction (nothing of it is deleted or recorded) and the outbox runs it again; cases
    with an outcome are never taken again, so nothing is deleted twice. The audit: one
    ``retention.case_deleted`` event per deleted case, written by one job per batch, and
    ``retention.run_finished`` with the run's totals at the end. Returns ``more``, ``done``
    or ``skipped``."""
    run = await repo.lock_run(run_id)
    if run is None or run.status == "faerdig":
        return "skipped"
    if run.batches == 0:
        # DST deliveries past the period DST can ask about keep only their summary.
        await statistics.prune()
    cases = await repo.pending_cases(run_id, batch or BATCH)
    total, done_before = await repo.run_counts(run_id)
    rule_row = await repo.get_rule()
    rows = {r.id: r for r in await repo.get_cases([c.hovedsag_id for c in cases])}
    judged = {
        r.id: (p, why)
        for r, p, why in await _judge(list(rows.values()), rule_row.preserve, today_dk())
    }
    deleted: list[uuid.UUID] = []
    events: list[tuple[str | None, dict[str, Any]]] = []
    refused = 0
    await progress.report(code, run_id, status="koerer", done=done_before, total=total)
    for c in cases:
        row = rows.get(c.hovedsag_id)
        reason = "Sagen findes ikke længere" if row is None else judged[row.id][1]
        if reason is None and row is not None:
            try:
                async with repo.savepoint():
                    counts = await delete_one(row.id)
            except Exception:
                log.exception("retention: case %s could not be deleted", row.id)
                reason = "Sagen kunne ikke slettes (teknisk fejl); intet er slettet"
            else:
                deleted.append(row.id)
                await repo.set_case_outcome(run_id, row.id, "slettet", None, counts)
                events.append(
                    (
                        str(row.id),
                        {
                            "case_number": row.case_number,
                            "kind": _kind(row),
                            "closed_on": str(row.closed_at),
                            "preserved": judged[row.id][0],
                            "counts": counts,
                            "approved_by": run.approved_by,
                            "approved_at": run.approved_at.isoformat(),
                            "run": str(run_id),
                        },
                    )
                )
        if reason is not None:
            refused += 1
            await repo.set_case_outcome(run_id, c.hovedsag_id, "afvist", reason, None)
    # The kept DST deliveries lose the deleted cases' CPR numbers (once per batch).
    await statistics.forget_cases(deleted)
    await record_many(run.approved_by, "retention.case_deleted", events)
    await repo.add_batch(run_id, len(deleted), refused)
    done = done_before + len(cases)
    if done < total:
        await progress.report(code, run_id, status="koerer", done=done, total=total)
        await enqueue(DELETE_JOB, {"run_id": str(run_id), "batch": batch or BATCH})
        return "more"
    await repo.finish_run(run_id)
    finished = await repo.get_run(run_id)
    assert finished is not None
    await record(
        run.approved_by,
        "retention.run_finished",
        str(run_id),
        cases=total,
        deleted=finished.deleted,
        refused=finished.refused,
        batches=finished.batches,
    )
    await progress.report(code, run_id, status="faerdig", done=total, total=total)
    return "done"
