"""The development mail server (see ``infra/smtp/__init__.py``).

SMTP on ``--smtp-port`` (aiosmtpd) stores each message as an .eml file; HTTP on
``--http-port``: GET / (the captured mail), GET /mail/<id>, GET /api/mails (JSON, newest
first: id, from, to, subject, message_id, attachments)."""

from __future__ import annotations

import argparse
import html
import json
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

FOLDER = Path(".")


class Capture:
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode()
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        (FOLDER / name).write_bytes(content)
        return "250 Message accepted"


def _mails() -> list[tuple[str, EmailMessage]]:
    out = []
    for path in sorted(FOLDER.glob("*.eml"), reverse=True):
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(msg, EmailMessage)
        out.append((path.stem, msg))
    return out


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _summary(mail_id: str, msg: EmailMessage) -> dict[str, Any]:
    return {
        "id": mail_id,
        "from": str(msg["From"]),
        "to": str(msg["To"]),
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "attachments": [
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "size": len(_payload(part)),
                "pdf": _payload(part).startswith(b"%PDF-"),
            }
            for part in msg.iter_attachments()
        ],
    }


PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Mail (udvikling)</title><style>body{{font-family:system-ui,sans-serif;
max-width:48rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}a{{color:#0050a0}}
table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:.5rem;
border-bottom:1px solid #ccc}}pre{{white-space:pre-wrap}}</style></head><body>
<header><p><a href="/">Opsamlet mail – udviklingsserver</a></p></header>
<main><h1>{title}</h1>{body}</main></body></html>"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self, status: int, title: str, body: str) -> None:
        text = PAGE.format(title=html.escape(title), body=body).encode()
        self._send(status, text, "text/html; charset=utf-8")

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._send(200, b'{"status":"ok"}', "application/json")
        elif path == "/api/mails":
            data = [_summary(i, m) for i, m in _mails()]
            self._send(200, json.dumps(data).encode(), "application/json")
        elif path == "/":
            rows = "".join(
                f'<tr><td><a href="/mail/{i}">{html.escape(str(m["Subject"]))}</a></td>'
                f"<td>{html.escape(str(m['To']))}</td></tr>"
                for i, m in _mails()
            )
            body = (
                '<table><thead><tr><th scope="col">Emne</th><th scope="col">Til</th></tr>'
                f"</thead><tbody>{rows}</tbody></table>"
                if rows
                else "<p>Ingen mail endnu.</p>"
            )
            self._page(200, "Opsamlet mail", body)
        elif path.startswith("/mail/"):
            found = [m for i, m in _mails() if i == path.removeprefix("/mail/")]
            if not found:
                self._page(404, "Mailen findes ikke", "<p>Mailen findes ikke.</p>")
                return
            m = found[0]
            text = m.get_body(preferencelist=("plain",))
            files = "".join(
                f"<li>{html.escape(p.get_filename() or 'vedhæftet fil')}</li>"
                for p in m.iter_attachments()
            )
            body = (
                f"<p>Fra {html.escape(str(m['From']))}<br>Til {html.escape(str(m['To']))}</p>"
                f"<pre>{html.escape(text.get_content() if text else '')}</pre>"
                f"<h2>Vedhæftet</h2><ul>{files}</ul>"
            )
            self._page(200, str(m["Subject"]), body)
        else:
            self._page(404, "Siden findes ikke", "<p>Siden findes ikke.</p>")


def main() -> None:
    global FOLDER
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--smtp-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    args = parser.parse_args()
    FOLDER = Path(args.dir)
    FOLDER.mkdir(parents=True, exist_ok=True)
    controller = Controller(Capture(), hostname="127.0.0.1", port=args.smtp_port)
    controller.start()
    try:
        ThreadingHTTPServer(("127.0.0.1", args.http_port), Handler).serve_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
