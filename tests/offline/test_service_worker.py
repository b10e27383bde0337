"""The service worker never caches API answers: it has exactly one route (navigations to the
app shell, with /api, /health and /schema denied), writes to no cache itself, and its
Background Sync handler only wakes the open windows. (The browser tests also read Cache
Storage after an offline round trip: no API URL and no case text in it.)"""

from __future__ import annotations

import re
from pathlib import Path

SW = Path(__file__).resolve().parents[2] / "pwa" / "src" / "sw.ts"


def test_the_worker_has_no_api_route_and_writes_no_cache():
    source = SW.read_text()
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("//"))
    assert code.count("registerRoute(") == 1
    assert "new NavigationRoute(createHandlerBoundToURL('index.html')" in code
    denylist = re.search(r"denylist:\s*\[([^\]]*)\]", code)
    assert denylist is not None
    for path in ("api", "health", "schema"):
        assert f"/^\\/{path}(\\/|$)/" in denylist.group(1), path
    for forbidden in ("caches.open", ".put(", "CacheFirst", "NetworkFirst", "StaleWhileRevalidate"):
        assert forbidden not in code, forbidden
    assert "precacheAndRoute(self.__WB_MANIFEST)" in code


def test_background_sync_only_wakes_the_windows():
    code = SW.read_text()
    handler = code[code.index("self.addEventListener('sync'") :]
    assert "postMessage({ type: 'SYNC_OUTBOX' })" in handler
    assert "fetch(" not in handler and "indexedDB" not in handler
