"""Casework's lifecycle API: what other packages (crosskommune, money) may do to a case.

Casework owns its tables (``hovedsag``, ``enkeltsag``, ``activity``, ``indsats``,
``journal_entry``); a package above it opens a case, adds an activity, starts a measure or
closes a case as transferred through these functions instead of writing the tables itself
or importing casework's private names. Each runs in the caller's tenant transaction and
journals what it does in that same transaction (except where the docstring says the caller
journals, because its wording is its own).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, time

from backend.casework import repository as repo
from backend.casework.events import ChildCasesChanged
from backend.casework.repository import PastEvent as PastEvent
from backend.casework.repository import ReceivedCase as ReceivedCase
from backend.casework.repository import TransferCase as TransferCase
from backend.casework.rules import DK, Facts, Rule, Trigger, rules_for
from backend.core.events import publish
from backend.core.journal import stamp as stamp
from backend.core.measures import MEASURES

# The order a main case's stage is chosen in from its open enkeltsager.
STAGE_PRIORITY = ("afgoerelse", "undersoegelse", "indsats", "afklaring")


# --- cases -----------------------------------------------------------------------------


async def open_case(child_id: uuid.UUID, actor: str, actor_id: uuid.UUID, title: str) -> uuid.UUID:
    """A new main case held by the actor, in the actor's (first) team; journalled as
    ``title``."""
    case_id = await repo.insert_case(child_id, actor_id)
    await stamp(case_id, actor, "sag.oprettet", title)
    await publish(ChildCasesChanged(child_id))  # the prior-case index follows every case
    return case_id


async def current_case(child_id: uuid.UUID) -> uuid.UUID | None:
    """The child's newest open main case, if any."""
    return await repo.get_current_case(child_id)


async def caseworker_of(case_id: uuid.UUID) -> uuid.UUID | None:
    """Who holds the main case."""
    return await repo.get_caseworker(case_id)


async def received_case(transfer_id: uuid.UUID) -> ReceivedCase | None:
    """The main case a transfer was imported into, if it has been."""
    return await repo.get_received_case(transfer_id)


async def restage(hovedsag_id: uuid.UUID, actor: str | None = None) -> str:
    """Set the main case's stage from its open enkeltsager: a pending decision first, then
    a running investigation, then measures, then clarification."""
    kinds = await repo.list_open_enkeltsag_kinds(hovedsag_id)
    stage = next((k for k in STAGE_PRIORITY if k in kinds), "afklaring")
    await repo.update_stage(hovedsag_id, stage, actor)
    return stage


async def add_past_events(hovedsag_id: uuid.UUID, events: list[PastEvent]) -> None:
    """Journal events that happened elsewhere (another kommune), each with its own time and
    author, in one statement."""
    await repo.insert_past_events(hovedsag_id, events)


# --- transfers (Barnets Lov § 132) -----------------------------------------------------


async def lock_for_transfer(case_id: uuid.UUID) -> TransferCase | None:
    """The main case locked ``FOR UPDATE``, with its transfer (if any)."""
    return await repo.lock_case_for_transfer(case_id)


async def mark_in_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    """The case is being sent in ``transfer_id``. The caller journals it."""
    await repo.update_case_transfer(case_id, transfer_id, actor)


async def leave_transfer(case_id: uuid.UUID, transfer_id: uuid.UUID, actor: str) -> None:
    """The case is no longer in ``transfer_id`` (rejected or failed). The caller journals."""
    await repo.clear_case_transfer(case_id, transfer_id, actor)


async def close_as_transferred(
    case_id: uuid.UUID, to_code: str, reason: str, actor: str, today: date
) -> tuple[int, int]:
    """The receiving kommune has taken the case over: end its running measures (from
    ``today`` at the earliest their start), cancel its open activities, close its
    enkeltsager and close it as transferred to ``to_code``, all with ``reason``. Returns
    (measures ended, activities cancelled). The caller journals and updates the index."""
    ended = await repo.end_measures_of(case_id, today, reason, actor)
    cancelled = await repo.cancel_activities_of(case_id, reason, actor)
    await repo.close_enkeltsager_of(case_id)
    await repo.close_case_transferred(case_id, reason, to_code, actor)
    return ended, cancelled


# --- activities ------------------------------------------------------------------------


async def closed_days_setting() -> bool:
    """Whether the kommune keeps 24/12, 31/12 and Grundlovsdag closed (default on)."""
    value = await repo.get_closed_days()
    return True if value is None else bool(value)


async def with_kommune_calendar(facts: Facts) -> Facts:
    """``facts`` with the kommune's closed-days setting, for computing working days."""
    return dataclasses.replace(facts, closed_days=await closed_days_setting())


async def create_activities(
    rules: list[Rule],
    facts: Facts,
    hovedsag_id: uuid.UUID,
    enkeltsag_id: uuid.UUID | None,
    owner: uuid.UUID | None,
    actor: str,
    concerns: tuple[str, uuid.UUID] | None = None,
    due_reason: str | None = None,
) -> list[uuid.UUID]:
    """Create the activities of ``rules`` with deadlines computed from ``facts`` (and the
    kommune's closed days). ``concerns`` names what they are about, so a changed date can
    recompute them. An activity whose statutory deadline was impossible is due "as soon as
    possible", with the reason in ``due_reason``."""
    ids = []
    facts = await with_kommune_calendar(facts)
    for r in rules:
        due, asap = r.deadline(facts)
        activity_id = await repo.insert_activity(
            hovedsag_id,
            enkeltsag_id,
            r.id,
            r.title,
            r.citation,
            owner,
            due,
            concerns[0] if concerns else None,
            concerns[1] if concerns else None,
            asap or due_reason,
            asap is not None,
        )
        ids.append(activity_id)
        if asap:
            when = f" – snarest muligt ({asap})"
        else:
            when = f" – frist {due.astimezone(DK).strftime('%d.%m.%Y kl. %H.%M')}" if due else ""
        await stamp(
            hovedsag_id,
            actor,
            "aktivitet.oprettet",
            f"Aktivitet: {r.title}{when}",
            r.citation,
            enkeltsag_id,
        )
    return ids


async def add_activity(
    hovedsag_id: uuid.UUID,
    *,
    rule_id: str,
    title: str,
    basis: str,
    owner_id: uuid.UUID | None,
    due_at: datetime,
    enkeltsag_id: uuid.UUID | None = None,
    concerns: str | None = None,
    concerns_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """One activity that is not in the rule table (a transfer's "Læs og overtag sagen", a
    forwarded notification, a request to answer). The caller journals it in its own words."""
    return await repo.insert_activity(
        hovedsag_id,
        enkeltsag_id,
        rule_id,
        title,
        basis,
        owner_id,
        due_at,
        concerns,
        concerns_id,
        None,
        False,
    )


async def complete_activities_about(
    rule_id: str, concerns_id: uuid.UUID, actor: str
) -> list[tuple[uuid.UUID, str]]:
    """Complete the open activities of ``rule_id`` about ``concerns_id`` (any case).
    Returns (main case, title) of each. The caller journals them."""
    return await repo.complete_activities_about(rule_id, concerns_id, actor)


async def enkeltsag_of_underretning(underretning_id: uuid.UUID) -> uuid.UUID | None:
    return await repo.get_enkeltsag_of_underretning(underretning_id)


# --- measures --------------------------------------------------------------------------


def start_of(day: date) -> datetime:
    """Midnight (Danish time) at the start of ``day``."""
    return datetime.combine(day, time(0, 0), tzinfo=DK)


async def investigation_end(hovedsag_id: uuid.UUID) -> date | None:
    """When a parallel investigation ends: its 4-month deadline while it runs."""
    due = await repo.get_investigation_end(hovedsag_id)
    return due.astimezone(DK).date() if due else None


async def measure_facts(
    hovedsag_id: uuid.UUID, starts_on: date, birth: date | None, decided_on: date | None
) -> Facts:
    """The facts a measure's deadlines are computed from."""
    return Facts(
        at=start_of(starts_on),
        investigation_ends=await investigation_end(hovedsag_id),
        birth_date=birth,
        decided_on=decided_on,
    )


async def decided_on(afgoerelse_id: uuid.UUID | None) -> date | None:
    """The date of the decision, if any."""
    if afgoerelse_id is None:
        return None
    return await repo.get_decided_on(afgoerelse_id)


async def start_measure(
    actor: str,
    case: repo.LockedCase,
    afgoerelse_id: uuid.UUID,
    paragraph: str,
    measure: str,
    starts_on: date,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Start ``measure`` (a key of ``backend.core.measures.MEASURES``) granted by the
    decision ``afgoerelse_id`` on ``case`` (the locked main case: ``id``, ``caseworker_id``,
    ``birth_date``): a new indsats enkeltsag, the indsats, its journal entry and the
    follow-up activities. Returns the indsats and the activities created."""
    label, placement = MEASURES[measure]
    enkeltsag_id = await repo.insert_enkeltsag(case.id, "indsats", paragraph)
    indsats_id = await repo.insert_indsats(
        case.id, enkeltsag_id, afgoerelse_id, measure, paragraph, placement, starts_on, actor
    )
    await stamp(
        case.id,
        actor,
        "indsats.startet",
        f"Indsats: {label} efter § {paragraph} fra {starts_on.strftime('%d.%m.%Y')}",
        "",
        enkeltsag_id,
    )
    rules = rules_for(Trigger.INDSATS_STARTET)
    if placement:
        rules += rules_for(Trigger.ANBRAGT_UNG)
    facts = await measure_facts(
        case.id, starts_on, case.birth_date, await decided_on(afgoerelse_id)
    )
    ids = await create_activities(
        rules,
        facts,
        case.id,
        enkeltsag_id,
        case.caseworker_id,
        actor,
        ("indsats", indsats_id),
    )
    return indsats_id, ids
