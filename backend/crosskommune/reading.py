"""Transfers and requests for a case as either kommune reads them: the inbox and outbox,
one transfer, its package as sent, and the transfers a case took part in."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from backend.casework import lifecycle
from backend.core.errors import NotFound
from backend.crosskommune import index, keys
from backend.crosskommune import repository as repo
from backend.crosskommune.repository import InboxLocal, RequestRow, TransferRow
from backend.crosskommune.schemas import KommuneRef, TransferRead, TransferRequestRead
from backend.crosskommune.wording import STATUS_TEXT, UNREADABLE_FIELD, package_contents
from tenancy.context import current_scope


def transfer_read(row: TransferRow, here: str, local: InboxLocal | None = None) -> TransferRead:
    """The transfer as kommune ``here`` sees it (``local``: the receiver's inbox entry)."""
    incoming = row.to_code == here
    due = local.due_at if incoming and local is not None else None
    return TransferRead(
        id=row.id,
        direction="ind" if incoming else "ud",
        status=row.status,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
        status_text=STATUS_TEXT.get(row.status, row.status),
        from_kommune=KommuneRef(row.from_code, row.from_name),
        to_kommune=KommuneRef(row.to_code, row.to_name),
        child_name=keys.open_field(row, "child_name") or UNREADABLE_FIELD,
        child_birth_date=row.child_birth_date,
        summary=keys.open_field(row, "summary") or UNREADABLE_FIELD,
        sent_at=row.sent_at,
        sent_by_name=row.sent_by_name,
        counts=(counts := json.loads(row.counts)),
        contents=package_contents(counts),
        files=row.file_count,
        file_bytes=row.file_bytes,
        decided_at=row.decided_at,
        decided_by_name=row.decided_by_name,
        reason=row.reason,
        imported_at=row.imported_at,
        error=row.error,
        sender_closed_at=row.sender_closed_at,
        due_at=due,
        overdue=bool(due is not None and row.status == "sendt" and due < datetime.now(UTC)),
        team_id=local.team_id if local is not None else None,
        team=local.team if local is not None else None,
        hovedsag_id=((local.hovedsag_id if local is not None else None) or row.imported_case_ref)
        if incoming
        else row.from_case_ref,
    )


async def list_transfers(limit: int = 200) -> tuple[list[TransferRead], list[TransferRead]]:
    """(incoming, outgoing), newest first. Row-level security shows only this kommune's."""
    here = current_scope().code
    rows = await repo.list_transfers(here, limit)
    local = await repo.list_inbox_locals([r.id for r in rows])
    reads = [transfer_read(r, here, local.get(r.id)) for r in rows]
    return [t for t in reads if t.direction == "ind"], [t for t in reads if t.direction == "ud"]


async def get_transfer(transfer_id: uuid.UUID) -> TransferRead | None:
    here = current_scope().code
    row = await repo.get_transfer(transfer_id)
    if row is None:
        return None
    local = await repo.list_inbox_locals([transfer_id])
    return transfer_read(row, here, local.get(transfer_id))


async def package_of(transfer_id: uuid.UUID) -> tuple[bytes, str | None] | None:
    """The package as sent, and what is wrong with it (``None``: whole and sealed)."""
    row = await repo.get_package(transfer_id)
    if row is None:
        return None
    return keys.open_package(row)


async def transfers_of_case(
    case_id: uuid.UUID,
) -> tuple[bool, list[TransferRead], TransferRead | None]:
    """(in transfer now, transfers sent from the case, the transfer it was received by)."""
    here = current_scope().code
    case = await lifecycle.transfer_state(case_id)
    if case is None:
        raise NotFound("Sagen findes ikke")
    sent = [transfer_read(r, here) for r in await repo.list_sent_from_case(here, case_id)]
    received = None
    if case.received_transfer_id:
        received = await get_transfer(case.received_transfer_id)
    in_transfer = case.transfer_id is not None and case.closed_at is None
    return in_transfer, sent, received


def request_read(r: RequestRow, here: str, case_id: uuid.UUID | None = None) -> TransferRequestRead:
    """The request as kommune ``here`` sees it (``case_id``: asked of us, our case)."""
    return TransferRequestRead(
        id=r.id,
        direction="ind" if r.to_code == here else "ud",
        status=r.status,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
        from_kommune=KommuneRef(r.from_code, r.from_name),
        to_kommune=KommuneRef(r.to_code, r.to_name),
        child_name=keys.open_request_field(r, "child_name") or UNREADABLE_FIELD,
        message=keys.open_request_field(r, "message") or UNREADABLE_FIELD,
        created_at=r.created_at,
        created_by_name=r.created_by_name,
        answered_at=r.answered_at,
        answered_by_name=r.answered_by_name,
        answer=None
        if r.answer is None
        else keys.open_request_field(r, "answer") or UNREADABLE_FIELD,
        transfer_id=r.transfer_id,
        hovedsag_id=case_id,
    )


async def list_requests(
    limit: int = 200,
) -> tuple[list[TransferRequestRead], list[TransferRequestRead]]:
    """(asked of us, we asked), newest first."""
    here = current_scope().code
    incoming, outgoing = [], []
    for r in await repo.list_requests(here, limit):
        if r.to_code == here:
            cases = await index.own_open_cases(r.cpr_hmac) if r.status == "aaben" else []
            incoming.append(request_read(r, here, cases[0] if cases else None))
        else:
            outgoing.append(request_read(r, here))
    return incoming, outgoing
