"""Requests for a case: a kommune asks another to transfer its open case on a child
(:func:`do_request`); the other kommune's caseworker gets an activity to answer
(:func:`note_request_received`) and sends the case or declines (:func:`do_answer`); the
asking kommune's case journals the answer (:func:`note_request_answered`)."""

from __future__ import annotations

import uuid

from backend.audit.service import record
from backend.casework import lifecycle
from backend.core.cpr import check_cpr
from backend.core.danish import fmt_due, today_dk
from backend.core.errors import FieldError, NotFound
from backend.core.journal import stamp
from backend.core.principal import Principal
from backend.core.workdays import add_working_days
from backend.crosskommune import index, keys
from backend.crosskommune import repository as repo
from backend.crosskommune.common import (
    REQUEST_WORKING_DAYS,
    SYSTEM,
    TransferConflict,
    check_target,
    end_of,
    post,
)
from backend.crosskommune.reading import request_read
from backend.crosskommune.schemas import TransferRequestRead
from backend.crosskommune.send import do_send
from backend.crosskommune.wording import UNREADABLE_FIELD
from tenancy.context import TenantScope, current_scope

ANSWER_RULE = "besvar-anmodning"
ANSWER_BASIS = "Barnets Lov § 132"


async def do_request(me: Principal, to_code: str, cpr: str, message: str) -> uuid.UUID:
    """Ask ``to_code`` to transfer its open case on ``cpr`` to this kommune."""
    scope = current_scope()
    text = (message or "").strip()
    if not text:
        raise FieldError("message", "Skriv hvorfor I beder om sagen (fx at familien er flyttet)")
    number, _ = check_cpr(cpr)
    to_name = await check_target(to_code)
    to_code = to_code.strip()
    found = await index.lookup([number], me.actor, "anmodning om overførsel")
    if not any(p.kommune.code == to_code and p.status == "aaben" for p in found):
        raise FieldError("cpr", f"{to_name} har ingen åben sag på dette CPR-nummer")
    child = await lifecycle.child_by_cpr(number)
    # The child's name and the message are sealed to this row and the two kommuner.
    request_id = uuid.uuid4()

    def sealed(name: str, value: str) -> str:
        return keys.seal_request_field(request_id, scope.code, to_code, name, value)

    await repo.insert_request(
        request_id=request_id,
        from_code=scope.code,
        to_code=to_code,
        from_name=scope.name,
        to_name=to_name,
        cpr_hmac=keys.cpr_hmac(number),
        child_name=sealed("child_name", child.name if child else "Barn uden sag her"),
        message=sealed("message", text),
        created_by=me.actor,
        created_by_name=me.display_name,
    )
    if child is not None:
        case_id = await lifecycle.current_case(child.id)
        if case_id:
            await stamp(
                case_id,
                me.actor,
                "overfoersel.anmodet",
                f"Anmodning om overførsel sendt til {to_name}",
                text,
            )
    await post(to_code, "cross.request_received", {"request_id": str(request_id)})
    await record(me.actor, "transfer_request.sent", str(request_id), to=to_code)
    return request_id


async def request_case(request_id: uuid.UUID, hovedsag_id: uuid.UUID | None) -> uuid.UUID:
    """Which of this kommune's cases a request asked of it is about (the route checks that
    the user may open it before :func:`do_answer` sends it)."""
    r = await repo.get_request(request_id)
    if r is None or r.to_code != current_scope().code:
        raise NotFound("Anmodningen findes ikke")
    cases = await index.own_open_cases(r.cpr_hmac)
    if hovedsag_id is not None:
        if hovedsag_id not in cases:
            raise FieldError("hovedsag_id", "Sagen er ikke en åben sag på det barn, der bedes om")
        return hovedsag_id
    if not cases:
        raise FieldError("hovedsag_id", "Kommunen har ingen åben sag på barnet")
    return cases[0]


async def do_answer(
    me: Principal,
    request_id: uuid.UUID,
    decision: str,
    *,
    summary: str | None,
    reason: str | None,
    case_id: uuid.UUID | None,
) -> TransferRequestRead:
    """Answer a request: send the case now (with the summary), or decline with a reason."""
    if decision not in ("send", "afvis"):
        raise FieldError("decision", "Vælg at sende sagen eller at afvise anmodningen")
    r = await repo.lock_request(request_id)
    if r is None or r.to_code != current_scope().code:
        raise NotFound("Anmodningen findes ikke")
    if r.status != "aaben":
        raise TransferConflict("decision", "Anmodningen er allerede besvaret")
    transfer_id = None
    if decision == "afvis":
        text = (reason or "").strip()
        if not text:
            raise FieldError("reason", "Skriv hvorfor anmodningen afvises")
        status, answer = "afvist", text
    else:
        if case_id is None:
            raise FieldError("hovedsag_id", "Vælg sagen, der skal sendes")
        transfer_id = await do_send(me, case_id, r.from_code, summary or "", request_id)
        status, answer = "sendt", "Sagen er sendt"
    await repo.update_request_answer(
        request_id,
        status=status,
        answer=keys.seal_request_field(request_id, r.from_code, r.to_code, "answer", answer)
        if r.sealed
        else answer,  # a row from before shared migration 0006 is sealed whole later
        answered_by=me.actor,
        answered_by_name=me.display_name,
        transfer_id=transfer_id,
    )
    for hovedsag_id, title in await lifecycle.complete_activities_about(
        ANSWER_RULE, request_id, me.actor
    ):
        await stamp(
            hovedsag_id,
            me.actor,
            "aktivitet.udfoert",
            f"Udført: {title}",
            "Sagen er sendt" if status == "sendt" else f"Afvist: {answer}",
        )
    await post(r.from_code, "cross.request_answered", {"request_id": str(request_id)})
    await record(me.actor, "transfer_request.answered", str(request_id), decision=status)
    row = await repo.get_request(request_id)
    assert row is not None
    return request_read(row, current_scope().code)


async def note_request_received(scope: TenantScope, request_id: uuid.UUID) -> None:
    """A request arrived: the caseworker of this kommune's open case on the child gets an
    activity to answer it, and the case journals it."""
    r = await repo.get_request(request_id)
    if r is None or r.to_code != scope.code:
        return
    cases = await index.own_open_cases(r.cpr_hmac)
    if cases:
        case_id = cases[0]
        owner = await lifecycle.caseworker_of(case_id)
        title = f"Besvar anmodning om overførsel fra {r.from_name}"
        due = end_of(add_working_days(today_dk(), REQUEST_WORKING_DAYS))
        await lifecycle.add_activity(
            case_id,
            rule_id=ANSWER_RULE,
            title=title,
            basis=ANSWER_BASIS,
            owner_id=owner,
            due_at=due,
            concerns_id=r.id,
        )
        await stamp(
            case_id,
            f"{r.created_by_name} ({r.from_name})",
            "overfoersel.anmodning",
            f"{r.from_name} beder om at få sagen overført",
            f"{keys.open_request_field(r, 'message') or UNREADABLE_FIELD}\n\n"
            f"Aktivitet: {title} – frist {fmt_due(due)}",
        )
    await record(SYSTEM, "transfer_request.received", str(r.id), found=len(cases))


async def note_request_answered(scope: TenantScope, request_id: uuid.UUID) -> None:
    """The other kommune answered this kommune's request: the case here journals it."""
    r = await repo.get_request(request_id)
    if r is None or r.from_code != scope.code:
        return
    cases = await index.own_open_cases(r.cpr_hmac)
    if cases:
        if r.status == "sendt":
            title = f"{r.to_name} har sendt sagen; den ligger i indbakken"
        else:
            title = f"{r.to_name} har afvist anmodningen om overførsel"
        await stamp(
            cases[0],
            f"{r.answered_by_name} ({r.to_name})",
            "overfoersel.anmodning_besvaret",
            title,
            "" if r.answer is None else keys.open_request_field(r, "answer") or UNREADABLE_FIELD,
        )
    await record(SYSTEM, "transfer_request.answered", str(r.id), status=r.status)
