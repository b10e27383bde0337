"""Notifications after a transfer: an underretning registered on a child whose case is in
transfer, or was transferred away and has not come back, is sent on to the kommune that
has the case (:func:`forward_if_transferred`, sender); there it lands on the child's case
with an activity for the caseworker (:func:`receive_forwarded`, the outbox job
``cross.notification_forwarded``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.audit.service import record
from backend.casework import lifecycle
from backend.casework.access import system_case
from backend.casework.service import do_register_underretning
from backend.core.danish import fmt_due, today_dk
from backend.core.journal import stamp
from backend.core.vocab import INTAKE_KINDS
from backend.core.workdays import add_working_days
from backend.crosskommune import keys
from backend.crosskommune import repository as repo
from backend.crosskommune.common import SYSTEM, NotYetImported, end_of, post
from tenancy.context import TenantScope, current_scope

FORWARDED_RULE = "videresendt-underretning"
FORWARDED_BASIS = "Barnets Lov § 132 (videresendt efter overførsel)"


async def forward_if_transferred(
    actor: str, case_id: uuid.UUID, underretning_id: uuid.UUID
) -> None:
    """A notification registered here on a child whose case is in transfer, or was
    transferred away and has not come back: send it on to the kommune that has the case
    (it lands on that case, and the caseworker there gets an activity). Called by
    ``do_register_underretning`` in its transaction."""
    sent = await lifecycle.sent_transfer_of_child(case_id)
    if sent is None:
        return
    target = await repo.get_forward_target(sent)
    if target is None or target[2] not in ("sendt", "accepteret", "importeret"):
        return
    to_code, to_name, _ = target
    u = await lifecycle.forwarded_notification(underretning_id)
    body = {
        "kind": u.kind,
        "received_at": u.received_at.isoformat(),
        "notifier_kind": u.notifier_kind,
        "source": u.source,
        "notifier_name": u.notifier_name,
        "notifier_contact": u.notifier_contact,
        "concerns": u.concerns,
        "suspected_abuse": u.suspected_abuse,
        "causes": list(u.causes),
        "registered_by": actor,
    }
    # Sealed to this row, the transfer and the two kommuner (shared migration 0006).
    forward_id = uuid.uuid4()
    here = current_scope().code
    await repo.insert_forward(
        forward_id,
        sent,
        here,
        to_code,
        keys.seal_forward_payload(forward_id, sent, here, to_code, body),
        actor,
    )
    await post(to_code, "cross.notification_forwarded", {"forward_id": str(forward_id)})
    label = INTAKE_KINDS.get(u.kind, "Underretning")
    await stamp(
        case_id,
        actor,
        "underretning.videresendt",
        f"{label} videresendt til {to_name}",
        f"Barnets sag er overført til {to_name}. {label}en er sendt videre, og "
        "sagsbehandleren dér har fået en aktivitet om den.",
    )
    await record(actor, "transfer.notification_forwarded", str(underretning_id), to=to_code)


async def receive_forwarded(scope: TenantScope, forward_id: uuid.UUID) -> None:
    """Register a forwarded notification on the child's case here (a new case if the one
    received is closed), with an activity to read it. :class:`NotYetImported` (the job is
    retried) while the transfer it follows is not imported yet."""
    f = await repo.lock_forward(forward_id)
    if f is None or f.to_code != scope.code or f.imported_at is not None:
        return
    t = await repo.get_transfer_brief(f.transfer_id)
    if t is None or t[0] in ("afvist", "fejl"):
        # The case stayed with the sender, and so did the notification.
        await repo.update_forward_imported(forward_id)
        return
    from_name = t[1]
    received = await lifecycle.received_case(f.transfer_id)
    if received is None:
        raise NotYetImported(f"transfer {f.transfer_id} is not imported yet")
    p = keys.open_forward_payload(f)
    actor = f"{p['registered_by']} ({from_name})"
    case_id = await lifecycle.current_case(received.child_id)
    if case_id is None:
        case_id = await lifecycle.open_case(
            received.child_id,
            actor,
            received.caseworker_id,  # type: ignore[arg-type]  # None opens it without a caseworker, as before
            f"Ny sag åbnet: underretning videresendt fra {from_name}",
        )
    owner = await lifecycle.caseworker_of(case_id)
    case = await system_case(case_id, "cross-kommune import: a forwarded notification")
    underretning_id, _ = await do_register_underretning(
        actor,
        case,
        received_at=datetime.fromisoformat(p["received_at"]),
        notifier_kind=p["notifier_kind"],
        source=p["source"],
        concerns=p["concerns"],
        suspected_abuse=p["suspected_abuse"],
        notifier_name=p.get("notifier_name"),
        notifier_contact=p.get("notifier_contact"),
        kind=p.get("kind") or "underretning",
        causes=list(p.get("causes") or []),
    )
    enkeltsag_id = await lifecycle.enkeltsag_of_underretning(underretning_id)
    label = INTAKE_KINDS.get(p.get("kind") or "underretning", "Underretning")
    title = f"Læs {label.lower()}en, der er videresendt fra {from_name}"
    due = end_of(add_working_days(today_dk(), 1))
    await lifecycle.add_activity(
        case_id,
        enkeltsag_id=enkeltsag_id,
        rule_id=FORWARDED_RULE,
        title=title,
        basis=FORWARDED_BASIS,
        owner_id=owner,
        due_at=due,
        concerns="underretning",
        concerns_id=underretning_id,
    )
    await stamp(
        case_id,
        actor,
        "underretning.videresendt",
        f"{label} videresendt fra {from_name}, hvor den kom ind "
        f"{fmt_due(datetime.fromisoformat(p['received_at']))}",
        f"Aktivitet: {title} – frist {fmt_due(due)}",
        enkeltsag_id,
    )
    await repo.update_forward_imported(forward_id, underretning_id)
    await record(SYSTEM, "transfer.notification_received", str(underretning_id))
