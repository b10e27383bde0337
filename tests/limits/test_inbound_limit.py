"""Replies from Digital Post come without a session: limited per client address before the
body is read or a kommune's transaction opens (issue 15 item 4)."""

from __future__ import annotations

import httpx

from backend.limits.config import Limit
from tests.limits.conftest import Lower

URL = "/api/post/inbound/digital-post"


async def test_inbound_replies_are_rate_limited_per_address(
    http: httpx.AsyncClient, limits: Lower
) -> None:
    limits(inbound=Limit(2, 3600))
    for _ in range(2):
        r = await http.post(URL, content=b"<x/>", headers={"X-Trekant-Kommune": "0101"})
        assert r.status_code == 401  # counted, then refused for its missing signature
    r = await http.post(URL, content=b"<x/>", headers={"X-Trekant-Kommune": "0101"})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
