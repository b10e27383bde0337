"""A small adversarial OpenID Connect provider for tests, over real HTTP.

Beside the development provider (infra/devidp.py, which normal logins keep using), this one
does whatever a test tells it: issue any claims (a forged ``sub``, an unverified ``email``,
a wrong ``iss``/``aud``/``nonce``), sign with a key it has withdrawn from its JWKS, rotate
keys, set ``Cache-Control`` on the JWKS, pad the JWKS to any size, or redirect it to
another host. It has no login form: ``/authorize`` answers at once with a code for the
claims the test set.

Built with joserfc (signing) and the standard library's HTTP server, in a thread.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

DROP = object()  # a claim value meaning "leave the claim out"


@dataclass
class _Pending:
    nonce: str
    challenge: str
    redirect_uri: str
    client_id: str


@dataclass
class RogueIdP:
    client_id: str = "trekant-rogue"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # What the next ID tokens say (merged over the defaults; DROP removes a claim).
    claims: dict[str, Any] = field(default_factory=dict)
    jwks_cache_control: str | None = "max-age=300"
    jwks_padding: int = 0  # extra bytes in the JWKS answer
    jwks_redirect: str | None = None  # answer /jwks with a redirect here
    jwks_delay: float = 0.0  # seconds before /jwks answers
    jwks_requests: int = 0
    token_requests: int = 0

    def __post_init__(self) -> None:
        self._keys: dict[str, RSAKey] = {}
        self._published: list[str] = []
        self.signing_kid = self.rotate()
        self._codes: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.issuer = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- control ----------------------------------------------------------------------

    def start(self) -> RogueIdP:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        """Back to honest behaviour (keys are kept)."""
        self.claims = {}
        self.jwks_cache_control = "max-age=300"
        self.jwks_padding = 0
        self.jwks_redirect = None
        self.jwks_delay = 0.0

    def rotate(self) -> str:
        """A new signing key, published and used from now on; the old ones stay published."""
        kid = "rogue-" + secrets.token_hex(4)
        self._keys[kid] = RSAKey.generate_key(2048, parameters={"kid": kid})
        self._published.append(kid)
        self.signing_kid = kid
        return kid

    def withdraw(self, kid: str) -> None:
        """Remove a key from the JWKS (it can still sign: a leaked key)."""
        self._published = [k for k in self._published if k != kid]

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        use = kid or self.signing_kid
        return jwt.encode({"alg": "RS256", "kid": use}, claims, self._keys[use])

    def id_token(self, nonce: str, client_id: str, kid: str | None = None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client_id,
            "sub": "rogue-subject",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
        }
        for key, value in self.claims.items():
            if value is DROP:
                claims.pop(key, None)
            else:
                claims[key] = value
        return self.sign(claims, kid)

    # --- what the handler serves ------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "end_session_endpoint": self.issuer + "/end-session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> bytes:
        keys = [self._keys[k].as_dict(private=False) for k in self._published]
        doc: dict[str, Any] = {"keys": keys}
        if self.jwks_padding:
            doc["padding"] = "x" * self.jwks_padding
        return json.dumps(doc).encode()

    def authorize(self, query: dict[str, str]) -> str:
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = _Pending(
                nonce=query.get("nonce", ""),
                challenge=query.get("code_challenge", ""),
                redirect_uri=query.get("redirect_uri", ""),
                client_id=query.get("client_id", ""),
            )
        sep = "&" if "?" in query["redirect_uri"] else "?"
        return query["redirect_uri"] + sep + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        with self._lock:
            pending = self._codes.pop(form.get("code", ""), None)
        if pending is None or pending.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != pending.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "id_token": self.id_token(pending.nonce, pending.client_id),
        }


def _handler(idp: RogueIdP) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # Trekant cut the answer off (size limit): that is the point

        def _json(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
            self._send(
                status,
                json.dumps(doc).encode(),
                {"Content-Type": "application/json", **(headers or {})},
            )

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/.well-known/openid-configuration":
                self._json(200, idp.discovery())
            elif parts.path == "/jwks":
                idp.jwks_requests += 1
                if idp.jwks_delay:
                    time.sleep(idp.jwks_delay)
                if idp.jwks_redirect:
                    self._send(302, b"", {"Location": idp.jwks_redirect})
                    return
                headers = {"Content-Type": "application/json"}
                if idp.jwks_cache_control:
                    headers["Cache-Control"] = idp.jwks_cache_control
                self._send(200, idp.jwks(), headers)
            elif parts.path == "/authorize":
                self._send(302, b"", {"Location": idp.authorize(query)})
            elif parts.path == "/stream":  # no Content-Length: ends when the connection does
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                try:
                    for _ in range(64):
                        self.wfile.write(b" " * 1024)
                except (BrokenPipeError, ConnectionResetError):
                    pass
            elif parts.path == "/end-session":
                self._send(200, b"logged out", {"Content-Type": "text/plain"})
            else:
                self._send(404, b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                status, doc = idp.token(form, self.headers.get("Authorization"))
                self._json(status, doc)
            else:
                self._send(404, b"")

    return Handler
