"""Log in through the real development identity provider, as a browser would.

The Trekant side may be an in-process ASGI client (``http://testserver``) or a real
server; the provider is always the real Node process over HTTP. Each step follows one
redirect explicitly so tests can stop anywhere (e.g. to replay a callback).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

PASSWORD = "demo"


@dataclass
class Callback:
    url: str  # Trekant's /api/auth/callback?code=...&state=...

    @property
    def path_and_query(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.path}?{parts.query}"

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}


async def provider_login(authorize_url: str, username: str, password: str = PASSWORD) -> Callback:
    """From the provider's authorize URL to the callback URL (not followed)."""
    async with httpx.AsyncClient(timeout=10) as idp:
        r = await idp.get(authorize_url)
        while r.status_code in (302, 303) and "/interaction/" not in r.headers["location"]:
            r = await idp.get(urljoin(str(r.url), r.headers["location"]))
        if r.status_code in (302, 303):
            r = await idp.get(urljoin(str(r.url), r.headers["location"]))
        form_action = re.search(r'<form[^>]*action="([^"]+)"', r.text)
        assert form_action, r.text[:500]
        action = urljoin(str(r.url), form_action.group(1).replace("&amp;", "&"))
        r = await idp.post(action, data={"username": username, "password": password})
        if r.status_code == 401:
            raise PermissionError("wrong username or password at the provider")
        while r.status_code in (302, 303):
            location = urljoin(str(r.url), r.headers["location"])
            if "/api/auth/callback" in location:
                return Callback(location)
            r = await idp.get(location)
        raise AssertionError(f"provider did not redirect back: {r.status_code} {r.text[:300]}")


async def start(client: httpx.AsyncClient, kommune: str | None) -> str:
    """Ask Trekant to start a login; return the provider URL it redirects to."""
    path = "/api/operator/login" if kommune is None else f"/api/auth/login?kommune={kommune}"
    r = await client.get(path)
    assert r.status_code == 303, r.text
    return r.headers["location"]


async def login(client: httpx.AsyncClient, kommune: str | None, username: str) -> httpx.Response:
    """Full login; returns Trekant's answer to the callback (303 to / on success)."""
    authorize = await start(client, kommune)
    assert authorize.startswith("http"), f"login did not reach a provider: {authorize}"
    callback = await provider_login(authorize, username)
    return await client.get(callback.path_and_query)
