"""Crosskommune's side of casework's events and ports: the prior-case index follows every
change to a child's cases, a notification on a case transferred away is forwarded to the
kommune that has it, and casework's registration routes show other kommuners' cases.

Imported by ``backend.jobs`` (so by the API and the worker): subscribing happens at import.
Everything runs in casework's transaction, at the point casework used to call it."""

from __future__ import annotations

from backend.casework import ports
from backend.casework.events import ChildCasesChanged, UnderretningRegistered
from backend.core.events import subscribe
from backend.crosskommune import forward, index


async def schedule_index(event: ChildCasesChanged) -> None:
    await index.schedule(event.child_id)


async def forward_notification(event: UnderretningRegistered) -> None:
    await forward.forward_if_transferred(event.actor, event.hovedsag_id, event.underretning_id)


subscribe(ChildCasesChanged, schedule_index)
subscribe(UnderretningRegistered, forward_notification)
ports.register_prior_cases(index.lookup_for_child)
