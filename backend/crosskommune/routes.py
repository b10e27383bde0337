"""The API across kommuner: prior-case lookups, transfers (Barnets Lov § 132), requests
for a case, and the team that receives transferred cases. Shapes: see
docs/crosskommune-notes.md."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.exceptions.responses import create_exception_response
from litestar.params import FromPath, JSONBody
from litestar.response import Response

from backend.audit.service import record
from backend.auth.principal import requires
from backend.casework import lifecycle
from backend.casework.access import access_case, may_open
from backend.core.cpr import check_cpr
from backend.core.errors import FieldError, NotFound
from backend.core.permissions import Perm
from backend.core.principal import Me, Principal
from backend.crosskommune import index, progress, reading, send
from backend.crosskommune import package as pkg
from backend.crosskommune import repository as repo
from backend.crosskommune import request as case_request
from backend.crosskommune.common import TransferConflict, intake_team, targets
from backend.crosskommune.schemas import (
    ActivityLine,
    CaseTransfers,
    EnkeltsagLine,
    KnownHere,
    KommuneRef,
    MeasureLine,
    PriorCaseQuery,
    PriorCases,
    Rejection,
    SiblingLine,
    TransferChild,
    TransferCreate,
    TransferDetail,
    TransferList,
    TransferRead,
    TransferRequestAnswer,
    TransferRequestCreate,
    TransferRequestList,
    TransferRequestRead,
    TransferSettings,
    TransferSettingsUpdate,
    TransferStatusRead,
)
from backend.crosskommune.wording import STATUS_TEXT, size_text, with_measure_labels
from backend.errors import Conflict
from backend.limits.alerts import do_count_lookup
from tenancy.context import current_scope


def transfer_conflict(request: Request[Any, Any, Any], exc: TransferConflict) -> Response[Any]:
    """409 naming the field whose state does not allow the change."""
    return create_exception_response(
        request, Conflict(exc.message, extra=[{"key": exc.field, "message": exc.message}])
    )


async def _check_sent_case(me: Principal, sent_from: uuid.UUID | None) -> None:
    """An outgoing transfer needs access to the case it was sent from (the same 404 as for
    no such transfer); any case reader sees the kommune's inbox."""
    if sent_from is None:
        return
    try:
        await access_case(me, sent_from)
    except NotFound as exc:
        raise NotFound("Overførslen findes ikke") from exc


async def _visible(me: Principal, transfer_id: uuid.UUID) -> TransferRead:
    """The transfer, if this user may see it (:func:`_check_sent_case`)."""
    found = await reading.get_transfer(transfer_id)
    if found is None:
        raise NotFound("Overførslen findes ikke")
    if found.direction == "ud":
        await _check_sent_case(me, found.hovedsag_id)
    return found


def _lines(rows: list[dict[str, Any]], kind: type[Any]) -> list[Any]:
    fields = set(kind.__struct_fields__)
    return [msgspec.convert({k: v for k, v in r.items() if k in fields}, kind) for r in rows]


class CrossKommuneController(Controller):
    path = "/api"
    tags = ("På tværs af kommuner",)
    exception_handlers = {TransferConflict: transfer_conflict}  # noqa: RUF012 - Litestar reads a dict

    @post(
        "/cpr/prior-cases",
        guards=[requires(Perm.CASE_WRITE)],
        summary="Har andre kommuner sager på CPR-nummeret? (hvor og hvornår, aldrig indhold)",
        status_code=200,
    )
    async def prior_cases(
        self, request: Request[Any, Any, Any], me: Me, data: JSONBody[PriorCaseQuery]
    ) -> PriorCases:
        """The CPR number travels in the body. Every lookup is audited, here and in the
        shared audit."""
        number, _ = check_cpr(data.cpr)
        found = await index.lookup([number], me.actor, "opslag")
        await do_count_lookup(me, request.app.state.limiter.settings.alert_lookups_per_day)
        return PriorCases(found)

    @get(
        "/kommuner/transfer-targets",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Kommuner en sag kan overføres til (aktive, ikke jeres egen)",
    )
    async def transfer_targets(self) -> list[KommuneRef]:
        return await targets()

    @post(
        "/cases/{case_id:uuid}/transfers",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Overfør sagen til en anden kommune (Barnets Lov § 132)",
        status_code=201,
    )
    async def send(
        self,
        me: Me,
        case_id: FromPath[uuid.UUID],
        data: JSONBody[TransferCreate],
    ) -> TransferRead:
        """400 ``summary`` without the summary, 400 ``to_kommune`` for one's own, an
        unknown or a suspended kommune, 409 ``hovedsag_id`` for a closed case or one already
        in transfer. Nothing is written before every check has passed."""
        case = await access_case(me, case_id)
        transfer_id = await send.do_send(me, case, data.to_kommune, data.summary)
        sent = await reading.get_transfer(transfer_id)
        assert sent is not None
        return sent

    @get(
        "/cases/{case_id:uuid}/transfers",
        guards=[requires(Perm.CASE_READ)],
        summary="Sagens overførsler: sendt herfra, eller den den er modtaget med",
    )
    async def case_transfers(self, me: Me, case_id: FromPath[uuid.UUID]) -> CaseTransfers:
        case = await access_case(me, case_id)
        in_transfer, sent, received = await reading.transfers_of_case(case)
        return CaseTransfers(in_transfer=in_transfer, sent=sent, received=received)

    @get(
        "/transfers",
        guards=[requires(Perm.CASE_READ)],
        summary="Indbakke og udbakke: overførsler modtaget og sendt",
    )
    async def transfers(self, me: Me) -> TransferList:
        """The inbox is the kommune's (the intake team works it); the outbox shows the
        transfers of the cases the user may open."""
        incoming, outgoing = await reading.list_transfers()
        allowed = await may_open(me, [t.hovedsag_id for t in outgoing if t.hovedsag_id])
        return TransferList(
            incoming=incoming, outgoing=[t for t in outgoing if t.hovedsag_id in allowed]
        )

    @get(
        "/transfers/{transfer_id:uuid}",
        guards=[requires(Perm.CASE_READ)],
        summary="Overførslen: barnet, sammenfatningen, det der følger med, og tidligere sager",
    )
    async def detail(self, me: Me, transfer_id: FromPath[uuid.UUID]) -> TransferDetail:
        """For the receiver before accepting (and either side afterwards). Reading it is
        audited; for a received transfer the prior-case check runs (and is audited too)."""
        t = await _visible(me, transfer_id)
        found = await reading.package_of(transfer_id)
        assert found is not None
        data, problem = found
        package: dict[str, Any] = {}
        if problem is None:
            try:
                package = pkg.decode(data)
            except pkg.PackageError as exc:
                problem = str(exc)
        await record(me.actor, "transfer.read", str(transfer_id), direction=t.direction)
        if package.get("format_version") == 1:  # its files are rows inside; the row has 0
            files, file_bytes = pkg.file_totals(package)
            t = msgspec.structs.replace(t, files=files, file_bytes=file_bytes)
        child = package.get("child") or {}
        tables: dict[str, list[dict[str, Any]]] = package.get("tables") or {}
        sent_case = package.get("hovedsag") or {}
        users: dict[str, str] = package.get("users") or {}
        prior: list[Any] = []
        known = None
        number = child.get("cpr") or child.get("mother_cpr")
        if t.direction == "ind" and number:
            prior = await index.lookup([number], me.actor, "modtaget overførsel")
            here = await lifecycle.known_child(child.get("cpr"), child.get("mother_cpr"))
            if here is not None:
                known = KnownHere(child_id=here.id, open_hovedsag_id=here.open_case)
        return TransferDetail(
            transfer=t,
            intact=problem is None,
            problem=problem,
            child=_lines([child], TransferChild)[0] if child else None,
            caseworker_at_sender=users.get(str(sent_case.get("caseworker_id"))),
            team_at_sender=package.get("team"),
            stage=sent_case.get("stage"),
            enkeltsager=_lines(tables.get("enkeltsag", []), EnkeltsagLine),
            open_activities=_lines(
                [a for a in tables.get("activity", []) if a.get("status") == "open"],
                ActivityLine,
            ),
            measures=_lines(with_measure_labels(tables.get("indsats", [])), MeasureLine),
            siblings=_lines(
                [
                    {**s, "open_case_at_sender": bool(s.get("open_case_at_sender"))}
                    for s in package.get("siblings", [])
                ],
                SiblingLine,
            ),
            prior_cases=prior,
            known_here=known,
        )

    @get(
        "/transfers/{transfer_id:uuid}/status",
        guards=[requires(Perm.CASE_READ)],
        summary="Kun overførslens status (det, siden spørger om, mens sagen indlæses)",
    )
    async def status(self, me: Me, transfer_id: FromPath[uuid.UUID]) -> TransferStatusRead:
        """The same access check and 404 as the transfer itself, but nothing about the child
        or the case: polling it writes no audit row. The page reads the whole transfer (which
        is audited) again once the status changes."""
        state = await repo.get_transfer_state(transfer_id)
        if state is None:
            raise NotFound("Overførslen findes ikke")
        if state.to_code != current_scope().code:
            await _check_sent_case(me, state.from_case_ref)
        text, percent = None, None
        if state.status == "accepteret" and state.to_code == current_scope().code:
            found = await progress.read(state.to_code, transfer_id)
            if found.get("total"):
                done, total = int(found.get("done") or 0), int(found["total"])
                text = f"Filerne indlæses: {size_text(done)} af {size_text(total)}"
                percent = int(found.get("percent") or 0)
        return TransferStatusRead(
            status=state.status,  # type: ignore[arg-type]  # the table's CHECK holds the vocabulary
            status_text=STATUS_TEXT.get(state.status, state.status),
            progress_text=text,
            percent=percent,
        )

    @get(
        "/transfers/{transfer_id:uuid}/package",
        guards=[requires(Perm.CASE_READ)],
        summary="Hele pakken som sendt (afsenderens skrivebeskyttede kopi)",
        media_type="application/json",
    )
    async def package(self, me: Me, transfer_id: FromPath[uuid.UUID]) -> Response[bytes]:
        """The exact bytes that were sent and sealed (409 if they no longer match)."""
        t = await _visible(me, transfer_id)
        found = await reading.package_of(transfer_id)
        assert found is not None
        data, problem = found
        if problem is not None:
            raise Conflict(problem, extra=[{"key": "package", "message": problem}])
        await record(me.actor, "transfer.package_read", str(transfer_id), direction=t.direction)
        return Response(data, media_type="application/json")

    @post(
        "/transfers/{transfer_id:uuid}/accept",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Acceptér overførslen: sagen oprettes her med hele historikken",
        status_code=200,
    )
    async def accept(self, me: Me, transfer_id: FromPath[uuid.UUID]) -> TransferRead:
        """Answers ``accepteret`` at once; the import runs as a job (status becomes
        ``importeret`` and ``hovedsag_id`` names the new case). Accepting twice is
        harmless. 400 ``package`` if the package fails its checksum or seal (nothing
        changes); 409 ``status`` if it was rejected."""
        await send.do_accept(me, transfer_id)
        result = await reading.get_transfer(transfer_id)
        assert result is not None
        return result

    @post(
        "/transfers/{transfer_id:uuid}/reject",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Afvis overførslen med en begrundelse",
        status_code=200,
    )
    async def reject(
        self,
        me: Me,
        transfer_id: FromPath[uuid.UUID],
        data: JSONBody[Rejection],
    ) -> TransferRead:
        await send.do_reject(me, transfer_id, data.reason)
        result = await reading.get_transfer(transfer_id)
        assert result is not None
        return result

    @get(
        "/transfer-settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Det team, der modtager overførte sager",
    )
    async def settings(self) -> TransferSettings:
        return await _settings()

    @put(
        "/transfer-settings",
        guards=[requires(Perm.USERS_MANAGE)],
        summary="Vælg det team, der modtager overførte sager",
    )
    async def set_settings(
        self, me: Me, data: JSONBody[TransferSettingsUpdate]
    ) -> TransferSettings:
        if data.team_id is not None and not await repo.team_exists(data.team_id):
            raise FieldError("team_id", "Ukendt team")
        await repo.update_chosen_team(data.team_id)
        await record(
            me.actor,
            "settings.transfer_team",
            None,
            team_id=str(data.team_id) if data.team_id else None,
        )
        return await _settings()

    @post(
        "/transfer-requests",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Bed en anden kommune om at overføre sin sag på barnet",
        status_code=201,
    )
    async def ask(self, me: Me, data: JSONBody[TransferRequestCreate]) -> TransferRequestRead:
        """The CPR number travels in the body. 400 ``cpr`` when the kommune has no open
        case on it (per the index), ``to_kommune``, ``message``."""
        request_id = await case_request.do_request(me, data.to_kommune, data.cpr, data.message)
        _, outgoing = await reading.list_requests()
        return next(r for r in outgoing if r.id == request_id)

    @get(
        "/transfer-requests",
        guards=[requires(Perm.CASE_READ)],
        summary="Anmodninger om overførsel: modtaget og sendt",
    )
    async def requests(self) -> TransferRequestList:
        incoming, outgoing = await reading.list_requests()
        return TransferRequestList(incoming=incoming, outgoing=outgoing)

    @post(
        "/transfer-requests/{request_id:uuid}/answer",
        guards=[requires(Perm.CASE_TRANSFER)],
        summary="Besvar en anmodning: send sagen (med sammenfatning) eller afvis (med grund)",
        status_code=200,
    )
    async def answer(
        self,
        me: Me,
        request_id: FromPath[uuid.UUID],
        data: JSONBody[TransferRequestAnswer],
    ) -> TransferRequestRead:
        case_id = None
        if data.decision == "send":
            case_id = await access_case(
                me, await case_request.request_case(request_id, data.hovedsag_id)
            )
        return await case_request.do_answer(
            me,
            request_id,
            data.decision,
            summary=data.summary,
            reason=data.reason,
            case_id=case_id,
        )


async def _settings() -> TransferSettings:
    chosen = await repo.get_chosen_team()
    teams = await repo.list_teams()
    return TransferSettings(team_id=chosen, effective_team_id=await intake_team(), teams=teams)
