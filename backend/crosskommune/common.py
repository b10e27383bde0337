"""What every step across kommuner shares: posting a job into the other kommune's outbox,
the receiving kommune's inbox entry and team, the target kommune check, the deadlines and
the errors.

The path of a transfer, each step one transaction and each cross-kommune step an outbox
row in the *other* kommune's outbox (``shared.post_job``), so it runs exactly once there:

1. ``send.do_send`` (sender): checks everything first (summary, target kommune registered
   and active and not itself, case open and not already in transfer), writes the sealed
   package to ``shared.transfer``, marks the case as in transfer, journals, and posts
   ``cross.transfer_received`` to the receiver.
2. ``cross.transfer_received`` (receiver): the inbox entry with its deadline and team.
3. ``send.do_accept`` (receiver): refuses a package whose checksum or seal fails (400,
   nothing changes), marks the transfer accepted under a row lock (a second click sees it
   accepted and answers the same: one import), enqueues ``crosskommune.import`` and tells
   the sender. ``send.do_reject`` needs a reason and tells the sender, whose case leaves
   the transfer.
4. ``crosskommune.import`` (receiver, idempotent by transfer id): under the transfer's row
   lock, does nothing if a case with ``received_transfer_id`` exists (a unique index makes a
   second one impossible anyway); checks the seal again (tampered: the transfer is marked
   ``fejl``, nothing imported, the sender is told); imports the whole case, journals every
   step, adds "Læs og overtag sagen", indexes the case, marks the transfer imported and
   posts ``cross.transfer_completed``. All of it in one transaction: a worker killed
   halfway leaves nothing, and the retry starts from the beginning.
5. ``cross.transfer_completed`` (sender): ends running measures, cancels open activities,
   closes the case as taken over by the receiver, journals it and updates the index. The
   package stays in ``shared.transfer``: the sender's read-only copy of what it sent.

The outbox handlers of steps 2, 4 and 5 (and of requests and forwarded notifications) are
in ``backend.crosskommune.handlers``.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Any

from backend.core.danish import DK, today_dk
from backend.core.errors import FieldError, StateConflict
from backend.core.workdays import add_working_days
from backend.crosskommune import repository as repo
from backend.crosskommune.schemas import KommuneRef
from backend.outbox.service import relay_one
from tenancy.context import current_scope

IMPORT_JOB = "crosskommune.import"
# How long the receiving kommune has to read and take over a transferred case. Barnets Lov
# § 132 says "uden ophold" for the sender; the receiver's deadline is the kommune's own
# practice (five working days here; to be confirmed with the users).
TAKEOVER_WORKING_DAYS = 5
TAKEOVER_BASIS = (
    "Barnets Lov § 132 om overførsel ved fraflytning. Fristen for at overtage sagen er "
    "kommunens egen, ikke lovens"
)
REQUEST_WORKING_DAYS = 5
SYSTEM = "Trekant"
_CODE = re.compile(r"[0-9]{4}")


class TransferConflict(StateConflict):
    """The transfer or case is in a state that does not allow this (409 naming the field:
    ``extra=[{"key": field, "message": message}]``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotYetImported(Exception):
    """A forwarded notification arrived before its transfer was imported; retried."""


def end_of(day: date) -> datetime:
    """The last second of ``day`` in Danish time (a deadline)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=DK)


async def post(to_code: str, job: str, payload: dict[str, Any]) -> uuid.UUID:
    """Put ``job`` in kommune ``to_code``'s outbox, in this transaction; relay after commit."""
    scope = current_scope()
    outbox_id = await repo.post_job(to_code, job, payload)

    async def relay() -> None:
        await relay_one(to_code, outbox_id)

    scope.after_commit.append(relay)
    return outbox_id


async def targets() -> list[KommuneRef]:
    """Active kommuner a case can go to: every one but this."""
    return await repo.list_targets(current_scope().code)


async def check_target(code: str, field: str = "to_kommune") -> str:
    """The name of an active kommune other than this one; else :class:`FieldError`."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code):
        raise FieldError(field, "Vælg den kommune, sagen skal overføres til")
    if code == current_scope().code:
        raise FieldError(field, "Sagen kan ikke overføres til jeres egen kommune")
    tenant = await repo.get_tenant(code)
    if tenant is None:
        raise FieldError(field, f"Kommune {code} findes ikke i Trekant")
    if tenant.status != "active":
        raise FieldError(
            field, f"{tenant.name} er suspenderet i Trekant og kan ikke modtage sager lige nu"
        )
    return tenant.name


async def intake_team() -> uuid.UUID | None:
    """The team chosen by the administrator; otherwise a team whose name starts with
    "Modtag" (Modtagelsen, Modtageteamet), otherwise the first team by name."""
    return await repo.get_intake_team()


async def ensure_inbox(transfer_id: uuid.UUID) -> None:
    """The receiving kommune's inbox entry (deadline, team), once."""
    due = end_of(add_working_days(today_dk(), TAKEOVER_WORKING_DAYS))
    await repo.insert_inbox(transfer_id, due, await intake_team())
