"""The front of the process (issue 17 item 1, Barnets Lov §§ 19, 20 and 137).

- **Afdækning** (§ 19): a short clarification as its own enkeltsag (kind ``afdaekning``),
  started from the case ("Start afdækning") or by a 24-hour assessment whose next step is
  "Afdækning". Its activity (rule ``afdaekning``) is completed with the rule's form: what was
  clarified, the conclusion and what follows — nothing (the afdækning closes), support
  without a full investigation (a decision under § 32 is prepared), or a § 20 investigation
  (started with its 4-month deadline from when the kommune became aware).
- **Suspected abuse**: a notification with suspected abuse gets "Tag stilling til
  børnefaglig undersøgelse (§ 20)" (rule ``overgreb-stillingtagen``) and the conversation
  with the child (``overgreb-samtale``, § 137, stk. 3-4); answering yes starts the
  investigation, counted from the notification's receipt.
- **§ 137, stk. 1 re-assessment**: its form names who re-assessed (a user), who must not
  have taken part in the case (:func:`check_reassessor`).
- **Preliminary assessment** (§ 20, stk. 3): :func:`do_preliminary_assessment`.

Every function runs in the request's tenant transaction and journals in it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from backend.casework import repository as repo
from backend.casework.lifecycle import create_activities, restage
from backend.casework.repositories import front as frepo
from backend.casework.rules import (
    AFDAEKNING_NEXT,
    DK,
    Facts,
    Trigger,
    rules_for,
    today_dk,
)
from backend.core.errors import CaseClosed, FieldError, FieldErrors, NotFound
from backend.core.journal import stamp

if TYPE_CHECKING:
    from backend.casework.access import AccessibleCase
    from backend.casework.repository import LockedActivity

AFDAEKNING_BASIS = "Barnets Lov § 19"
PURPOSE_MAX = 4000


async def do_start_afdaekning(
    actor: str, hovedsag_id: AccessibleCase, purpose: str
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """Start an afdækning on the open case: a new enkeltsag and its activity with the
    kommune's deadline. Only one afdækning runs at a time; none beside a running
    investigation (it would clarify what the investigation examines)."""
    if len(purpose) > PURPOSE_MAX:
        raise FieldError("purpose", "Teksten er for lang (højst 4.000 tegn)")
    case = await repo.lock_open_case_for_investigation(hovedsag_id)
    if case is None:
        state = await repo.get_case_state(hovedsag_id)
        if state is None:
            raise NotFound("Sagen findes ikke")
        raise CaseClosed("Sagen er lukket. Der kan ikke startes en afdækning.")
    if await repo.has_open_enkeltsag(hovedsag_id, "afdaekning"):
        raise FieldError("purpose", "Der er allerede en afdækning i gang på sagen")
    if await repo.has_open_enkeltsag(hovedsag_id, "undersoegelse"):
        raise FieldError(
            "purpose",
            "Der er en børnefaglig undersøgelse i gang; den afdækker barnets forhold",
        )
    return await _start(actor, hovedsag_id, case.caseworker_id, purpose.strip())


async def _start(
    actor: str, hovedsag_id: uuid.UUID, owner: uuid.UUID | None, purpose: str
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    enkeltsag_id = await repo.insert_enkeltsag(hovedsag_id, "afdaekning", None)
    await repo.close_open_clarifications(hovedsag_id, "Afklaringen er afsluttet: afdækning startet")
    await stamp(
        hovedsag_id,
        actor,
        "afdaekning.startet",
        f"Afdækning startet ({AFDAEKNING_BASIS})",
        purpose,
        enkeltsag_id,
    )
    ids = await create_activities(
        rules_for(Trigger.AFDAEKNING_STARTET),
        Facts(at=datetime.now(UTC)),
        hovedsag_id,
        enkeltsag_id,
        owner,
        actor,
        ("enkeltsag", enkeltsag_id),
    )
    await restage(hovedsag_id, actor)
    return enkeltsag_id, ids


async def check_reassessor(hovedsag_id: uuid.UUID, record: dict[str, str | bool]) -> dict[str, str]:
    """The re-assessor named in ``record`` must be an active caseworker or manager who has
    not taken part in the case (§ 137, stk. 1). Returns their name by id, for the journal."""
    user = str(record.get("revurderet_af", ""))
    found = await frepo.get_reassessor(hovedsag_id, uuid.UUID(user))
    if found is None or not found.eligible:
        raise FieldError("revurderet_af", "Vælg en aktiv sagsbehandler eller leder")
    if found.involved:
        raise FieldError(
            "revurderet_af",
            f"{found.name} har deltaget i behandlingen af sagen. Genvurderingen skal foretages "
            "af en medarbejder, der ikke tidligere har deltaget (§ 137, stk. 1).",
        )
    return {user: found.name}


async def after_record(
    actor: str,
    case: AccessibleCase,
    activity_id: uuid.UUID,
    row: LockedActivity,
    record: dict[str, str | bool],
) -> list[str]:
    """What follows a completed record (the caller's transaction, after the activity is
    done and journalled). Returns Danish lines saying what was started."""
    from backend.casework.process import do_start_visitation

    lines: list[str] = []
    if row.rule_id == "vurdering-24-timer" and record.get("naeste_skridt") == "afdaekning":
        if not await repo.has_open_enkeltsag(
            row.hovedsag_id, "afdaekning"
        ) and not await repo.has_open_enkeltsag(row.hovedsag_id, "undersoegelse"):
            await _start(actor, row.hovedsag_id, row.owner_id, str(record.get("vurdering", "")))
            lines.append("Afdækningen er startet")
    elif row.rule_id == "afdaekning" and row.enkeltsag_id is not None:
        choice = str(record["hvad_nu"])
        label = next(c.label for c in AFDAEKNING_NEXT if c.value == choice)
        await repo.close_enkeltsag(row.enkeltsag_id, f"{record['konklusion']}\n\nHerefter: {label}")
        await stamp(
            row.hovedsag_id,
            actor,
            "afdaekning.afsluttet",
            f"Afdækning afsluttet: {label}",
            str(record["konklusion"]),
            row.enkeltsag_id,
        )
        if choice == "stoette":
            if await repo.get_open_enkeltsag(row.hovedsag_id, "afgoerelse") is None:
                await do_start_visitation(actor, case, "32")
                lines.append("Afgørelse efter § 32 forberedes")
        elif choice == "undersoegelse":
            aware = date.fromisoformat(str(record["opmaerksom"]))
            lines += await _investigate(actor, case, aware)
        await restage(row.hovedsag_id, actor)
    elif row.rule_id == "overgreb-stillingtagen" and record.get("undersoegelse") is True:
        received = await frepo.get_activity_underretning(activity_id)
        aware = received.astimezone(DK).date() if received else today_dk()
        lines += await _investigate(actor, case, aware)
    return lines


async def _investigate(actor: str, case: AccessibleCase, aware: date) -> list[str]:
    from backend.casework.service import do_start_investigation

    if await repo.has_open_enkeltsag(case, "undersoegelse"):
        return ["Der er allerede en børnefaglig undersøgelse i gang"]
    await do_start_investigation(actor, case, aware)
    return ["Den børnefaglige undersøgelse er startet"]


async def do_preliminary_assessment(
    actor: str,
    hovedsag_id: AccessibleCase,
    *,
    assessed_on: date,
    assessment: str,
    expected_on: date,
) -> list[uuid.UUID]:
    """Record the preliminary assessment of a running investigation that cannot be
    finished within 4 months (§ 20, stk. 3): it completes the 4-month activity (its record
    holds the assessment) and plans "Afslut den børnefaglige undersøgelse" on the expected
    date. Returns the new activity."""
    today = today_dk()
    errors = []
    if not assessment.strip():
        errors.append({"key": "assessment", "message": "Skriv den foreløbige vurdering"})
    elif len(assessment) > 10_000:
        errors.append({"key": "assessment", "message": "Teksten er for lang (højst 10.000 tegn)"})
    if assessed_on > today:
        errors.append({"key": "assessed_on", "message": "Datoen ligger i fremtiden"})
    elif (today - assessed_on).days > 366:
        errors.append({"key": "assessed_on", "message": "Datoen ligger mere end et år tilbage"})
    if expected_on <= today:
        errors.append(
            {"key": "expected_on", "message": "Den forventede afslutning skal ligge efter i dag"}
        )
    elif (expected_on - today).days > 366:
        errors.append(
            {"key": "expected_on", "message": "Den forventede afslutning ligger over et år ude"}
        )
    if errors:
        raise FieldErrors("Den foreløbige vurdering mangler noget eller er ikke gyldig", errors)
    case = await repo.lock_open_case_for_investigation(hovedsag_id)
    investigation = await repo.get_open_enkeltsag(hovedsag_id, "undersoegelse")
    if case is None or investigation is None:
        raise FieldError("assessment", "Der er ingen igangværende børnefaglig undersøgelse")
    if await frepo.has_open_rule(investigation.id, "undersoegelse-afslut"):
        raise FieldError(
            "assessment", "Der er allerede registreret en foreløbig vurdering af undersøgelsen"
        )
    record = {
        "dato": assessed_on.isoformat(),
        "vurdering": assessment.strip(),
        "forventet": expected_on.isoformat(),
    }
    done = await frepo.complete_four_months(investigation.id, actor, record)
    if done is None:
        raise FieldError(
            "assessment", "Undersøgelsens frist på 4 måneder er ikke længere åben på sagen"
        )
    body = (
        f"Foreløbig vurdering {assessed_on.strftime('%d.%m.%Y')}:\n{assessment.strip()}\n\n"
        f"Undersøgelsen forventes afsluttet {expected_on.strftime('%d.%m.%Y')}."
    )
    await stamp(
        hovedsag_id,
        actor,
        "undersoegelse.foreloebig",
        "Foreløbig vurdering (Barnets Lov § 20, stk. 3)",
        body,
        investigation.id,
    )
    await stamp(
        hovedsag_id, actor, "aktivitet.udfoert", f"Udført: {done.title}", "", investigation.id
    )
    return await create_activities(
        rules_for(Trigger.UNDERSOEGELSE_FORLOEBIG),
        Facts(at=datetime.now(UTC), planned=expected_on),
        hovedsag_id,
        investigation.id,
        case.caseworker_id,
        actor,
        ("enkeltsag", investigation.id),
        due_reason=f"Foreløbig vurdering {assessed_on.strftime('%d.%m.%Y')}: forventes "
        f"afsluttet {expected_on.strftime('%d.%m.%Y')}",
    )
