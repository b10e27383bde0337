"""Sending a case to another kommune (Barnets Lov § 132) and taking one over: send
(:func:`do_send`), accept or reject on the receiving side (:func:`do_accept`,
:func:`do_reject`), the import (:func:`import_transfer`), and the sending side hearing back
(:func:`hear_accepted`, :func:`hear_rejected`, :func:`hear_failed`, :func:`complete_sent`).
The outbox jobs that run the last steps are registered in ``backend.crosskommune.handlers``.

See ``backend.crosskommune.common`` for the whole path of a transfer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from backend.audit.service import record
from backend.casework import lifecycle
from backend.core.danish import DK, fmt_due, plural, today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.journal import stamp
from backend.core.principal import Principal
from backend.crosskommune import index, keys, progress
from backend.crosskommune import package as pkg
from backend.crosskommune import repository as repo
from backend.crosskommune.common import (
    IMPORT_JOB,
    SYSTEM,
    TAKEOVER_BASIS,
    TransferConflict,
    check_target,
    ensure_inbox,
    post,
)
from backend.crosskommune.repository import OutgoingRow
from backend.crosskommune.wording import (
    UNREADABLE_FIELD,
    counts_text,
    files_text,
    import_report,
)
from backend.outbox.service import enqueue
from tenancy.context import TenantScope, current_scope

TAKEOVER_RULE = "overtag-sag"


async def do_send(
    me: Principal,
    case_id: uuid.UUID,
    to_code: str,
    summary: str,
    request_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Send the case to ``to_code``. Every check comes before anything is written."""
    scope = current_scope()
    text = (summary or "").strip()
    if not text:
        raise FieldError(
            "summary", "Skriv en sammenfatning af vurderingerne i sagen (Barnets Lov § 132)"
        )
    to_name = await check_target(to_code)
    to_code = to_code.strip()
    case = await lifecycle.lock_for_transfer(case_id)
    if case is None:
        raise NotFound("Sagen findes ikke")
    if case.closed_at is not None:
        raise TransferConflict("hovedsag_id", "Sagen er lukket og kan ikke overføres")
    if case.transfer_id is not None:
        to = await repo.get_receiver_name(case.transfer_id)
        raise TransferConflict(
            "hovedsag_id",
            f"Sagen er allerede under overførsel{' til ' + to if to else ''}; "
            "vent på modtagerens svar",
        )
    transfer_id = uuid.uuid4()
    sent_at = datetime.now(UTC)
    built = await pkg.build(
        scope.connection,
        transfer_id=transfer_id,
        hovedsag_id=case_id,
        sender=(scope.code, scope.name),
        receiver=(to_code, to_name),
        sent_by=(me.actor, me.display_name),
        summary=text,
        sent_at=sent_at,
    )
    await repo.insert_transfer(
        transfer_id=transfer_id,
        from_code=scope.code,
        to_code=to_code,
        from_name=scope.name,
        to_name=to_name,
        summary=keys.seal_field(transfer_id, scope.code, to_code, pkg.VERSION, "summary", text),
        child_name=keys.seal_field(
            transfer_id, scope.code, to_code, pkg.VERSION, "child_name", built.child_name
        ),
        child_birth_date=built.child_birth_date,
        package=keys.seal_package(transfer_id, scope.code, to_code, pkg.VERSION, built.data),
        package_sha256=built.sha256,
        package_mac=keys.package_mac(transfer_id, pkg.VERSION, built.sha256),
        package_version=pkg.VERSION,
        counts=built.counts,
        sent_at=sent_at,
        sent_by=me.actor,
        sent_by_name=me.display_name,
        request_id=request_id,
        from_case_ref=case_id,
        file_count=built.file_count,
        file_bytes=built.file_bytes,
    )
    await lifecycle.mark_in_transfer(case_id, transfer_id, me.actor)
    await stamp(
        case_id,
        me.actor,
        "overfoersel.sendt",
        f"Sagen er sendt til {to_name} (Barnets Lov § 132)",
        f"Sammenfatning af vurderingerne:\n{text}\n\nSendt: {counts_text(built.counts)}; "
        f"{files_text(built.file_count, built.file_bytes)}.",
    )
    await post(to_code, "cross.transfer_received", {"transfer_id": str(transfer_id)})
    await record(me.actor, "transfer.sent", str(case_id), transfer_id=str(transfer_id), to=to_code)
    return transfer_id


async def do_accept(me: Principal, transfer_id: uuid.UUID) -> None:
    """Accept a transfer received. A second accept (a double click, two tabs) waits for the
    first on the row lock, finds it accepted, and changes nothing: one import."""
    row = await repo.lock_for_decision(transfer_id)
    if row is None or row.to_code != current_scope().code:
        raise NotFound("Overførslen findes ikke")
    if row.status in ("accepteret", "importeret"):
        return
    if row.status == "afvist":
        raise TransferConflict("status", "Overførslen er allerede afvist")
    if row.status == "fejl":
        raise TransferConflict("status", "Overførslen er fejlet; afsenderen må sende sagen igen")
    data, problem = keys.open_package(row)
    if problem is None:
        try:
            problem = await pkg.files_problem(pkg.decode(data), transfer_id)
        except pkg.PackageError as exc:
            problem = str(exc)
    if problem:
        raise FieldError(
            "package",
            f"{problem}. Intet er indlæst. Afvis overførslen med denne begrundelse, så "
            "afsenderen kan sende sagen igen.",
        )
    await repo.update_accepted(transfer_id, me.actor, me.display_name)
    await ensure_inbox(transfer_id)
    await repo.update_inbox_decided(transfer_id)
    await enqueue(IMPORT_JOB, {"transfer_id": str(transfer_id), "accepted_by": str(me.user_id)})
    await post(row.from_code, "cross.transfer_accepted", {"transfer_id": str(transfer_id)})
    await record(me.actor, "transfer.accepted", str(transfer_id), sender=row.from_code)


async def do_reject(me: Principal, transfer_id: uuid.UUID, reason: str) -> None:
    """Reject a transfer received, with a reason; the sender's case leaves the transfer."""
    text = (reason or "").strip()
    if not text:
        raise FieldError("reason", "Skriv hvorfor overførslen afvises")
    row = await repo.lock_for_decision(transfer_id)
    if row is None or row.to_code != current_scope().code:
        raise NotFound("Overførslen findes ikke")
    if row.status == "afvist":
        return
    if row.status != "sendt":
        raise TransferConflict(
            "status", "Overførslen er allerede accepteret og kan ikke længere afvises"
        )
    await repo.update_rejected(transfer_id, me.actor, me.display_name, text)
    await ensure_inbox(transfer_id)
    await repo.update_inbox_decided(transfer_id)
    await post(row.from_code, "cross.transfer_rejected", {"transfer_id": str(transfer_id)})
    await record(me.actor, "transfer.rejected", str(transfer_id), sender=row.from_code, reason=text)


# --- the receiving side ----------------------------------------------------------------


async def note_received(scope: TenantScope, transfer_id: uuid.UUID, sender: Any) -> None:
    """A transfer arrived: its inbox entry, with deadline and team."""
    if await repo.get_receiver_code(transfer_id) != scope.code:
        return
    await ensure_inbox(transfer_id)
    await record(SYSTEM, "transfer.received", str(transfer_id), sender=sender)


async def _accepting_user(user_id: str | None) -> uuid.UUID | None:
    """The user who accepted, if they may still hold cases."""
    if not user_id:
        return None
    return await repo.get_accepting_user(uuid.UUID(user_id))


async def import_transfer(
    scope: TenantScope, transfer_id: uuid.UUID, accepted_by_id: str | None
) -> None:
    """Import an accepted transfer, exactly once (see ``backend.crosskommune.common``)."""
    t = await repo.lock_for_import(transfer_id)
    if t is None or t.to_code != scope.code:
        return
    if await lifecycle.received_case(transfer_id) is not None:
        return
    if t.status != "accepteret":
        return
    data, problem = keys.open_package(t)
    package: dict[str, Any] | None = None
    if problem is None:
        try:
            package = pkg.decode(data)
        except pkg.PackageError as exc:
            problem = str(exc)
    if problem is not None or package is None:
        await repo.update_failed(transfer_id, problem)
        await post(t.from_code, "cross.transfer_failed", {"transfer_id": str(transfer_id)})
        await record(SYSTEM, "transfer.failed", str(transfer_id), error=problem)
        return
    await ensure_inbox(transfer_id)
    inbox = await repo.get_inbox(transfer_id)
    accepted_by = await _accepting_user(accepted_by_id)
    sender = f"{t.from_code} {t.from_name}"
    try:
        # One savepoint: a file that does not match its manifest leaves nothing of the case.
        async with scope.connection.transaction():
            result = await pkg.import_case(
                scope.connection,
                package,
                transfer_id=transfer_id,
                accepted_by=accepted_by,
                team_id=inbox.team_id,
                received_from=sender,
            )
            await pkg.import_files(
                package,
                result.renewed,
                transfer_id=transfer_id,
                from_code=t.from_code,
                to_code=t.to_code,
                report=lambda done, total: progress.report(scope.code, transfer_id, done, total),
            )
    except pkg.PackageError as exc:
        problem = str(exc)
        await repo.update_failed(transfer_id, problem)
        await post(t.from_code, "cross.transfer_failed", {"transfer_id": str(transfer_id)})
        await record(SYSTEM, "transfer.failed", str(transfer_id), error=problem)
        return
    file_count, file_bytes = pkg.file_totals(package)
    case_id = result.hovedsag_id
    sent_local = t.sent_at.astimezone(DK).strftime("%d.%m.%Y kl. %H.%M")
    # Accepting set decided_at and decided_by (the status is "accepteret").
    assert t.decided_at is not None and t.decided_by is not None
    await lifecycle.add_past_events(
        case_id,
        [
            lifecycle.PastEvent(
                at=t.sent_at,
                author=t.sent_by,
                author_name=t.sent_by_name,
                event="overfoersel.modtaget",
                title=f"Sagen er modtaget fra {t.from_name} (Barnets Lov § 132)",
                body=f"Sendt af {t.sent_by_name} {sent_local}.\n\nSammenfatning af "
                f"vurderingerne:\n{keys.open_field(t, 'summary') or UNREADABLE_FIELD}",
            ),
            lifecycle.PastEvent(
                at=t.decided_at,
                author=t.decided_by,
                author_name=None,
                event="overfoersel.accepteret",
                title=f"Overførslen er accepteret af {t.decided_by_name}",
            ),
        ],
    )
    report = import_report(
        t.from_name, result.counts, result.not_imported, sorted(result.dropped_columns)
    )
    report += f" Med sagen fulgte {files_text(file_count, file_bytes)}, hele og uændrede."
    if result.child_existed:
        report += " Barnet var allerede kendt i kommunen; sagen er knyttet til barnet."
    await stamp(
        case_id,
        t.decided_by or SYSTEM,
        "overfoersel.indlaest",
        f"Sagens historik er indlæst fra {t.from_name}",
        report,
    )
    title = f"Læs og overtag sagen fra {t.from_name}"
    await lifecycle.add_activity(
        case_id,
        rule_id=TAKEOVER_RULE,
        title=title,
        basis=TAKEOVER_BASIS,
        owner_id=accepted_by,
        due_at=inbox.due_at,
    )
    await stamp(
        case_id,
        t.decided_by or SYSTEM,
        "aktivitet.oprettet",
        f"Aktivitet: {title} – frist {fmt_due(inbox.due_at)}",
        TAKEOVER_BASIS,
    )
    await lifecycle.restage(case_id)
    await repo.update_imported(transfer_id, case_id)
    await repo.update_inbox_case(transfer_id, case_id)
    await index.schedule(result.child_id)
    await post(t.from_code, "cross.transfer_completed", {"transfer_id": str(transfer_id)})
    await record(
        SYSTEM,
        "transfer.imported",
        str(case_id),
        transfer_id=str(transfer_id),
        counts=result.counts,
    )


# --- the sending side hears back -------------------------------------------------------


async def _outgoing(
    scope: TenantScope, transfer_id: uuid.UUID
) -> tuple[OutgoingRow, lifecycle.TransferCase | None] | None:
    """The transfer (as its sender) and the case it was sent from, locked."""
    t = await repo.get_outgoing(transfer_id)
    if t is None or t.from_code != scope.code:
        return None
    case = (
        await lifecycle.lock_for_transfer(t.from_case_ref) if t.from_case_ref is not None else None
    )
    return t, case


async def hear_accepted(scope: TenantScope, transfer_id: uuid.UUID) -> None:
    """The receiver accepted: the sent case journals it."""
    found = await _outgoing(scope, transfer_id)
    if found is None:
        return
    t, case = found
    if case is None:
        return
    await stamp(
        case.id,
        f"{t.decided_by_name} ({t.to_name})",
        "overfoersel.accepteret",
        f"{t.to_name} har accepteret overførslen",
        f"Accepteret af {t.decided_by_name} {fmt_due(t.decided_at)}. "
        "Sagen lukkes her, når den er indlæst hos modtageren.",
    )


async def _leave_transfer(
    t: OutgoingRow, case: lifecycle.TransferCase, title: str, body: str
) -> None:
    await lifecycle.leave_transfer(case.id, t.id, SYSTEM)
    await stamp(case.id, SYSTEM, "overfoersel.annulleret", title, body)


async def hear_rejected(scope: TenantScope, transfer_id: uuid.UUID) -> None:
    """The receiver rejected: the case leaves the transfer and stays here."""
    found = await _outgoing(scope, transfer_id)
    if found is None:
        return
    t, case = found
    if case is None:
        return
    await _leave_transfer(
        t,
        case,
        f"{t.to_name} har afvist overførslen",
        f"Afvist af {t.decided_by_name} {fmt_due(t.decided_at)}. Begrundelse: "
        f"{t.reason}\nSagen er ikke længere under overførsel.",
    )
    await record(SYSTEM, "transfer.rejected_by_receiver", str(case.id), reason=t.reason)


async def hear_failed(scope: TenantScope, transfer_id: uuid.UUID) -> None:
    """The import failed at the receiver: the case leaves the transfer and stays here."""
    found = await _outgoing(scope, transfer_id)
    if found is None:
        return
    t, case = found
    if case is None:
        return
    await _leave_transfer(
        t,
        case,
        f"Overførslen til {t.to_name} er fejlet; sagen er ikke overført",
        f"{t.error}\nIntet er indlæst hos modtageren. Send sagen igen.",
    )


async def complete_sent(scope: TenantScope, transfer_id: uuid.UUID) -> None:
    """The receiver holds the case now: close it here, keep the package as sent."""
    found = await _outgoing(scope, transfer_id)
    if found is None:
        return
    t, case = found
    if case is not None:
        reason = f"Sagen er overtaget af {t.to_name} (Barnets Lov § 132)"
        ended, cancelled = await lifecycle.close_as_transferred(
            case.id, t.to_code, reason, SYSTEM, today_dk()
        )
        await stamp(
            case.id,
            SYSTEM,
            "overfoersel.afsluttet",
            f"Sagen er overtaget af {t.to_name} og lukket her",
            f"{plural(ended, 'igangværende indsats', 'igangværende indsatser')} afsluttet "
            f"og {plural(cancelled, 'åben aktivitet', 'åbne aktiviteter')} annulleret. "
            "Det sendte kan fortsat læses under overførslen.",
        )
        await index.schedule(case.child_id)
    if t.sender_closed_at is None:
        await repo.update_sender_closed(t.id)
    await record(SYSTEM, "transfer.completed", str(t.id), receiver=t.to_code)
