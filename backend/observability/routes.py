"""``GET /metrics``: Prometheus exposition text.

Protected by a bearer token from ``TREKANT_METRICS_TOKEN``. In production it is closed
(401) until the token is set; in development and test it is open unless a token is set.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotAuthorizedException
from litestar.response import Response

from backend.observability.metrics import CONTENT_TYPE_LATEST, render


def _allowed(request: Request[Any, Any, Any]) -> bool:
    settings = request.app.state.settings
    token = settings.metrics_token
    if not token:
        return bool(settings.is_development)
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@get("/metrics", opt={"public": True}, include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
    if not _allowed(request):
        raise NotAuthorizedException("Metrikker kræver driftens token")
    body = await render(request.app.state.redis)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
