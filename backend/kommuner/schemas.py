"""What the public list of kommuner answers."""

from __future__ import annotations

from typing import Literal

import msgspec


class KommuneRead(msgspec.Struct):
    code: str
    name: str
    status: Literal["active", "suspended"]
