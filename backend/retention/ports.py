"""What retention needs from the archive (``backend/archive``, issue 18 item 3), as a port
the archive registers at import time; retention imports nothing of it.

A case to be preserved ("bevares") is deleted only once it is in an arkiveringsversion
that has been read back. With no archive registered, no case counts as archived.
"""

from __future__ import annotations

import uuid
from typing import Protocol


class ArchivedCases(Protocol):
    """Of these main cases, the ones in an arkiveringsversion that read back."""

    async def __call__(self, case_ids: list[uuid.UUID]) -> set[uuid.UUID]: ...


class _Registry:
    archived: ArchivedCases | None = None


def register_archived_cases(lookup: ArchivedCases) -> None:
    _Registry.archived = lookup


async def archived_cases(case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if _Registry.archived is None or not case_ids:
        return set()
    return await _Registry.archived(case_ids)
