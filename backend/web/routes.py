"""Serve the built PWA from the same origin as the API.

Hashed assets are cached for a year; the page and the service worker are ``no-cache`` so
an update is seen at once. Unknown paths outside /api get the app shell (client routing).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Response

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")

NO_CACHE = {"Cache-Control": "no-cache"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def _dist(request: Request[Any, Any, Any]) -> Path:
    return Path(request.app.state.pwa_dist)


@get(["/", "/{path:path}"], opt={"public": True}, include_in_schema=False)
async def pwa(request: Request[Any, Any, Any], path: FromPath[str] = "") -> Response[Any]:
    if path.startswith(("/api", "api/", "/schema", "schema/")) or path in ("api", "/api"):
        raise NotFoundException("Ukendt adresse")
    dist = _dist(request).resolve()
    index = dist / "index.html"
    if not index.exists():
        return Response(
            "Trekant's app is not built. Run `just run` (it builds pwa/).",
            status_code=503,
            media_type="text/plain",
        )
    candidate = (dist / path.lstrip("/")).resolve()
    if path.strip("/") and candidate.is_file() and candidate.is_relative_to(dist):
        headers = IMMUTABLE if "/assets/" in str(candidate) else NO_CACHE
        return File(
            candidate,
            filename=candidate.name,
            headers=headers,
            content_disposition_type="inline",
            media_type=mimetypes.guess_type(candidate.name)[0] or "application/octet-stream",
        )
    return File(
        index,
        filename="index.html",
        headers=NO_CACHE,
        content_disposition_type="inline",
        media_type="text/html; charset=utf-8",
    )
