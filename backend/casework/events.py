"""What casework tells the packages above it (``backend.core.events``). Published in the
transaction that made the change, at the point where casework used to call them."""

from __future__ import annotations

import uuid

import msgspec


class ChildCasesChanged(msgspec.Struct, frozen=True):
    """A child's cases changed in a way other kommuner see (a case opened or closed, an
    unborn child re-keyed to its own CPR): the cross-kommune index must follow."""

    child_id: uuid.UUID


class UnderretningRegistered(msgspec.Struct, frozen=True):
    """A notification (or henvendelse/ansøgning) was registered on a main case, with its
    activities. A case transferred away forwards it to the kommune that has the case."""

    actor: str
    hovedsag_id: uuid.UUID
    underretning_id: uuid.UUID
