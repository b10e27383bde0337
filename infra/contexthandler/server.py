"""The development Context Handler (see ``infra/contexthandler/__init__.py``).

GET  /metadata   the Context Handler's SAML metadata (entity id, signing certificate, SSO)
GET  /sso        a signed AuthnRequest over HTTP-Redirect from a registered service
                 provider: the login page with that kommune's demo users
POST /sso/login  username and password (``demo``): the signed and encrypted assertion,
                 POSTed by the browser to the service provider's ACS (an auto-submitting form)
GET  /slo        single logout (HTTP-Redirect): a service provider's signed LogoutRequest is
                 answered with a signed LogoutResponse back to its SingleLogoutService; its
                 LogoutResponse (to a logout started here) shows the outcome
GET  /udvikling/log-ud?sp=<SP entity id>&bruger=<username>
                 the person logged out at the Context Handler: a signed LogoutRequest to the
                 service provider (every session of the person there)
GET  /health

It keeps no sessions of its own (every login asks for the password), so a logout here only
tells the service provider.
"""

from __future__ import annotations

import argparse
import html
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.contexthandler import DEMO_PASSWORD
from infra.contexthandler.issue import Issuer, privilege_list, redirect_signature

ATTR = "https://data.gov.dk/model/core/"
MAX_FORM = 64 * 1024


class ContextHandler:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.issuer = Issuer(
            config["entity_id"],
            config["url"] + "/sso",
            config["key"],
            config["cert"],
            [sp["metadata"] for sp in config["sps"]],
        )
        self.sps = {sp["entity_id"]: sp for sp in config["sps"]}
        self.metadata = self.issuer.metadata()  # loads the SPs' metadata before /health

    def parse_request(self, fields: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        """The verified AuthnRequest and its registered service provider."""
        from saml2 import BINDING_HTTP_REDIRECT

        request = self.issuer.server().parse_authn_request(
            fields.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT, **redirect_signature(fields)
        )
        message = request.message
        sp = self.sps.get(message.issuer.text if message.issuer is not None else "")
        if sp is None:
            raise ValueError("ukendt tjenesteudbyder")
        acs = message.assertion_consumer_service_url
        if acs and acs != sp["acs"]:
            raise ValueError("ACS-adressen er ikke den registrerede")
        return message, sp

    def response_for(self, message: Any, sp: dict[str, Any], user: dict[str, Any]) -> str:
        cvr = sp["cvr"]
        attributes = {
            ATTR + "specVersion": "OIO-SAML-3.0",
            "https://data.gov.dk/concept/core/nsis/loa": str(user["nsis"]),
            ATTR + "eid/privilegesIntermediate": privilege_list(
                cvr, [(role, dict(c)) for role, c in user["roles"]]
            ),
            ATTR + "eid/professional/cvr": cvr,
            ATTR + "eid/professional/orgName": f"Kommune {sp['code']}",
            ATTR + "eid/fullName": str(user["name"]),
            ATTR + "eid/email": str(user["username"]),
            ATTR + "eid/professional/uuid/persistent": f"urn:uuid:{user['name_id']}",
        }
        return self.issuer.response(
            in_response_to=message.id,
            destination=sp["acs"],
            audience=sp["entity_id"],
            sp_cert_pem=sp["cert"],
            name_id=str(user["name_id"]),
            attributes=attributes,
            nsis_level=str(user["nsis"]),
        )


def _page(title: str, body: str) -> bytes:
    return (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;"
        "padding:0 1rem;color:#1a1a1a}label{display:block;margin-top:1rem;font-weight:600}"
        "input{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #555}"
        "button{margin-top:1.5rem;font-size:1rem;padding:.6rem 1.2rem;background:#004993;"
        "color:#fff;border:0}table{border-collapse:collapse;margin-top:1rem}"
        "td,th{border:1px solid #999;padding:.3rem .5rem;text-align:left}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    ch: ContextHandler

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _error(self, message: str) -> None:
        self._send(400, _page("Login kan ikke gennemføres", f"<p>{html.escape(message)}</p>"))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/health":
            self._send(200, b"ok", "text/plain")
        elif parts.path == "/metadata":
            self._send(200, self.ch.metadata.encode(), "application/samlmetadata+xml")
        elif parts.path == "/sso":
            fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
            self._login_page(fields)
        elif parts.path == "/slo":
            self._slo({k: v[0] for k, v in parse_qs(parts.query).items()})
        elif parts.path == "/udvikling/log-ud":
            fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
            self._logout_elsewhere(fields)
        else:
            self._send(404, _page("Siden findes ikke", ""))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if urlsplit(self.path).path != "/sso/login" or length > MAX_FORM:
            self._send(404, _page("Siden findes ikke", ""))
            return
        fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        try:
            message, sp = self.ch.parse_request(fields)
        except Exception as exc:  # every failure to verify the request is a refusal
            self._error(f"Anmodningen kan ikke verificeres: {exc}")
            return
        username = fields.get("username", "").strip().lower()
        user = next(
            (u for u in self.ch.config["users"].get(sp["code"], []) if u["username"] == username),
            None,
        )
        if user is None or fields.get("password") != DEMO_PASSWORD:
            self._login_page(fields, "Forkert brugernavn eller adgangskode")
            return
        response = self.ch.response_for(message, sp, user)
        relay = html.escape(fields.get("RelayState", ""))
        body = (
            f'<form method="post" action="{html.escape(sp["acs"])}" id="svar">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(response)}">'
            f'<input type="hidden" name="RelayState" value="{relay}">'
            '<p>Du sendes videre til Trekant.</p><button type="submit">Fortsæt</button></form>'
            "<script>document.getElementById('svar').submit()</script>"
        )
        self._send(200, _page("Fælleskommunal Adgangsstyring", body))

    def _redirect(self, url: str) -> None:
        self.send_response(303)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _slo(self, fields: dict[str, str]) -> None:
        if "SAMLRequest" in fields:
            try:
                url = self.ch.issuer.answer_logout_request(fields)
            except Exception as exc:  # every failure to verify the request is a refusal
                self._error(f"Log ud-anmodningen kan ikke verificeres: {exc}")
                return
            self._redirect(url)
            return
        issuer_certs = [sp["cert"] for sp in self.ch.config["sps"]]
        for cert in issuer_certs:
            try:
                status = self.ch.issuer.read_logout_response(fields, cert)
                break
            except Exception:  # noqa: S112 - try the next registered SP's certificate
                continue
        else:
            self._error("Svaret på log ud kan ikke verificeres")
            return
        ok = status.endswith(":Success")
        self._send(
            200,
            _page(
                "Log ud – Fælleskommunal Adgangsstyring",
                "<p>Du er logget ud af Trekant.</p>"
                if ok
                else "<p>Trekant bekræftede ikke log ud.</p>",
            ),
        )

    def _logout_elsewhere(self, fields: dict[str, str]) -> None:
        sp = self.ch.sps.get(fields.get("sp", ""))
        user = next(
            (
                u
                for u in self.ch.config["users"].get(sp["code"] if sp else "", [])
                if u["username"] == fields.get("bruger", "").strip().lower()
            ),
            None,
        )
        if sp is None or user is None:
            self._error("Ukendt tjenesteudbyder eller bruger")
            return
        self._redirect(self.ch.issuer.logout_request_url(sp["entity_id"], str(user["name_id"])))

    def _login_page(self, fields: dict[str, str], error: str = "") -> None:
        try:
            _, sp = self.ch.parse_request(fields)
        except Exception as exc:  # every failure to verify the request is a refusal
            self._error(f"Anmodningen kan ikke verificeres: {exc}")
            return
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(fields[name])}">'
            for name in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
            if name in fields
        )
        users = self.ch.config["users"].get(sp["code"], [])
        rows = "".join(
            f"<tr><td>{html.escape(str(u['username']))}</td><td>{html.escape(str(u['name']))}</td>"
            f"<td>{html.escape(_privileges(u, self.ch.config.get('units', {})))}</td></tr>"
            for u in users
        )
        notice = f'<p role="alert"><strong>{html.escape(error)}</strong></p>' if error else ""
        body = (
            "<p>Udviklingsudgave af KOMBITs Context Handler. Log ind som en af kommunens "
            f"demobrugere (adgangskode: {DEMO_PASSWORD}).</p>{notice}"
            f'<form method="post" action="/sso/login">{hidden}'
            '<label for="username">Brugernavn</label>'
            '<input id="username" name="username" autocomplete="username">'
            '<label for="password">Adgangskode</label>'
            '<input id="password" name="password" type="password" autocomplete="current-password">'
            '<button type="submit">Log ind</button></form>'
            f'<table><caption>Demobrugere</caption><tr><th scope="col">Brugernavn</th>'
            f'<th scope="col">Navn</th><th scope="col">Roller og dataafgrænsninger</th></tr>'
            f"{rows}</table>"
        )
        self._send(200, _page("Log ind – Fælleskommunal Adgangsstyring", body))


def _privileges(user: dict[str, Any], units: dict[str, str]) -> str:
    """The user's privileges as the login page lists them, in Danish: "Sagsbehandler (KLE
    27.*, Organisationsenhed: Familieteam Nord)"; a role Trekant does not know by its id."""
    from backend.auth.saml import USER_SYSTEM_ROLES

    parts = []
    for role, constraints in user["roles"]:
        name = USER_SYSTEM_ROLES[role][0] if role in USER_SYSTEM_ROLES else role
        limits = []
        for key, value in constraints.items():
            if key.endswith("/KLE/1"):
                limits.append(f"KLE {value}")
            elif key.endswith("/orgenhed/1"):
                limits.append(f"Organisationsenhed: {units.get(value, value)}")
        parts.append(f"{name} ({', '.join(limits)})" if limits else name)
    low = " – NSIS-niveau Lav" if user.get("nsis") == "Low" else ""
    return "; ".join(parts) + low


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    Handler.ch = ContextHandler(config)
    server = ThreadingHTTPServer(("127.0.0.1", int(config["port"])), Handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
