"""The demo's Danmarks Statistik delivery (København): this quarter's delivery made by the
demo administrator and sent by the worker to the development receiver, with one record DST
rejects — a child whose placement in a foster family still runs when the caseworker
records a second placement (a døgninstitution from 20 days ago), so DST's register has the
child placed twice in the same period; the rejected record leads to the case."""

from __future__ import annotations

from datetime import timedelta

from backend.core.danish import today_dk
from backend.outbox.service import enqueue
from backend.statistics import repository as repo
from backend.statistics.service import SEND_JOB, make_delivery


async def seed_dst(code: str) -> bool:
    """In the caller's tenant transaction; does nothing once the kommune has a delivery."""
    import backend.statistics.tasks  # noqa: F401 - the send job, outside the API and worker
    from backend.casework import access, process

    if await repo.list_deliveries(1):
        return False
    found = await repo.running_placement()
    if found is not None:
        case_id, caseworker = found
        case = await access.system_case(case_id, "demo seed: a second placement (DST)")
        starts = today_dk() - timedelta(days=20)
        await process.do_decide(
            caseworker,
            case,
            paragraph="46",
            outcome="bevilget",
            decided_on=starts,
            summary="Anbringelse på døgninstitution bevilges efter § 46 med samtykke.",
            exceptions={
                "boernesamtale": "Samtalen blev holdt før den første anbringelse.",
                "partshoering": "Forældrene har givet samtykke.",
            },
            measure="doegninstitution",
            starts_on=starts,
        )
    delivery_id, _ = await make_delivery(f"admin@{await repo.admin_domain()}")
    await enqueue(SEND_JOB, {"delivery_id": str(delivery_id)})
    return True
