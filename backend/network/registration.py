"""Network's side of casework's :class:`~backend.casework.ports.AddParents` port: the
parents a caseworker ticked when registering a child from the CPR register go into the new
child's network (and siblings are linked) in the registration's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from backend.casework import ports
from backend.core.errors import NotFound, Unavailable
from backend.network.cpr_source import CprSource, default_source
from backend.network.service import fetch_from_cpr


def source_of(state: Any) -> CprSource:
    """The app's CPR source (tests and production set ``state.cpr_source``), else the
    development file."""
    source: CprSource | None = getattr(state, "cpr_source", None)
    return source or default_source()


async def add_parents(me: Any, child_id: uuid.UUID, parent_cprs: list[str], state: Any) -> None:
    """The ticked parents, and the child's address protection from the register (always,
    so a protected child never keeps an address typed at registration). With no parent
    ticked (manual entry, the register may be down or not know the child yet) the
    registration goes on without the register."""
    try:
        await fetch_from_cpr(me, child_id, source_of(state), set(parent_cprs))
    except (Unavailable, NotFound):
        if parent_cprs:
            raise


ports.register_add_parents(add_parents)
