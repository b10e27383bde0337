"""What the public list of kommuner answers."""

from __future__ import annotations

import msgspec

from backend.auth.vocab import KommuneStatus


class KommuneRead(msgspec.Struct):
    code: str
    name: str
    status: KommuneStatus
