"""The development Digital Post server (see ``infra/digitalpost/__init__.py``).

SF1601:  POST /service/KombiPostAfsend_1/kombi  (X-TransaktionsId, X-TransaktionsTid, MeMo)
         answered with a TransportKvittering (backend/post/kvittering.py): 201 received,
         200 already received (same messageUUID), 400 invalid (FEJL, every broken rule),
         503 refused
Mailbox: GET /  (the mailboxes), GET /postkasse/<key>, GET /besked/<uuid>,
         GET /besked/<uuid>/fil/<n> (the PDF), POST /besked/<uuid>/svar (the citizen answers)
Tests:   GET /api/beskeder/<uuid> (the stored request and how often it came),
         POST /api/beskeder/<uuid>/svar {"text"}, POST /api/afvis {"count"}
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from backend.post import kvittering, memo

MAX_BODY = 60 * 1024 * 1024
SF1601_PATH = "/service/KombiPostAfsend_1/kombi"


class Store:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        self.refuse = 0
        with self.lock:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS message (uuid TEXT PRIMARY KEY, recipient TEXT, "
                "recipient_label TEXT, sender TEXT, sender_label TEXT, label TEXT, "
                "received_at TEXT, times INTEGER, transaction_id TEXT, body BLOB, "
                "reply_status TEXT)"
            )
            self.db.commit()

    def add(self, m: memo.Memo, body: bytes, transaction_id: str) -> bool:
        """True if new; a repeated messageUUID only counts."""
        with self.lock:
            cur = self.db.execute(
                "UPDATE message SET times = times + 1 WHERE uuid = ?", (str(m.message_uuid),)
            )
            if cur.rowcount:
                self.db.commit()
                return False
            self.db.execute(
                "INSERT INTO message VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, NULL)",
                (
                    str(m.message_uuid),
                    m.recipient.id,
                    m.recipient.label,
                    m.sender.id,
                    m.sender.label,
                    m.label,
                    datetime.now(UTC).isoformat(),
                    transaction_id,
                    body,
                ),
            )
            self.db.commit()
            return True

    def rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return list(self.db.execute(sql, args))

    def set_reply(self, message_uuid: str, status: str) -> None:
        with self.lock:
            self.db.execute(
                "UPDATE message SET reply_status = ? WHERE uuid = ?", (status, message_uuid)
            )
            self.db.commit()


def mailbox_key(cpr: str) -> str:
    """The mailbox's address in this server's pages (no CPR number in a URL)."""
    return hashlib.sha256(f"postkasse:{cpr}".encode()).hexdigest()[:16]


def reply_pdf(text: str, name: str, label: str) -> bytes:
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.splitlines() if p.strip())
    doc = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><style>'
        "body{font-family:'DejaVu Sans',sans-serif;font-size:11pt}</style></head><body>"
        f"<h1>Svar: {html.escape(label)}</h1><p>Fra {html.escape(name)}, sendt med Digital "
        f"Post {datetime.now(UTC).astimezone().strftime('%d.%m.%Y %H:%M')}</p>{paragraphs}"
        "</body></html>"
    )
    out: bytes = HTML(string=doc).write_pdf()
    return out


PAGE = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – Digital Post (udvikling)</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}}a{{color:#0050a0}}table{{border-collapse:collapse;width:100%}}
th,td{{text-align:left;padding:.5rem;border-bottom:1px solid #ccc}}
textarea{{width:100%;min-height:8rem;font:inherit}}button{{font:inherit;padding:.6rem 1.2rem;
min-height:44px}}.note{{background:#eef5ff;padding:.75rem;border-left:4px solid #0050a0}}</style>
</head><body><header><p><a href="/">Digital Post – udviklingsserver</a></p></header>
<main><h1>{title}</h1>{body}</main></body></html>"""


class Server(ThreadingHTTPServer):
    store: Store
    config: dict[str, Any]


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # --- helpers ---------------------------------------------------------------
    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, status: int, title: str, body: str) -> None:
        text = PAGE.format(title=html.escape(title), body=body)
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"for stor", "text/plain; charset=utf-8")
            return None
        return self.rfile.read(length)

    def _message(self, message_uuid: str) -> tuple[Any, ...] | None:
        rows = self.server.store.rows(
            "SELECT uuid, recipient, recipient_label, sender, sender_label, label, received_at, "
            "times, transaction_id, body, reply_status FROM message WHERE uuid = ?",
            (message_uuid,),
        )
        return rows[0] if rows else None

    # --- GET -------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if path == "/health":
            self._json(200, {"status": "ok"})
        elif path == "/":
            self._index()
        elif len(parts) == 2 and parts[0] == "postkasse":
            self._mailbox(parts[1])
        elif len(parts) == 2 and parts[0] == "besked":
            self._show(parts[1])
        elif len(parts) == 4 and parts[0] == "besked" and parts[2] == "fil":
            self._file(parts[1], parts[3])
        elif len(parts) == 3 and parts[:2] == ["api", "beskeder"]:
            row = self._message(parts[2])
            if row is None:
                self._json(404, {"detail": "ukendt besked"})
            else:
                self._json(
                    200,
                    {
                        "uuid": row[0],
                        "times": row[7],
                        "transaction_id": row[8],
                        "body": row[9].decode("utf-8"),
                        "mailbox": f"/postkasse/{mailbox_key(row[1])}",
                        "reply_status": row[10],
                    },
                )
        else:
            self._page(404, "Siden findes ikke", "<p>Siden findes ikke.</p>")

    def _index(self) -> None:
        rows = self.server.store.rows(
            "SELECT recipient, max(recipient_label), count(*), max(received_at) FROM message "
            "GROUP BY recipient ORDER BY max(received_at) DESC"
        )
        if not rows:
            body = "<p>Ingen har fået post endnu. Send et brev fra Trekant.</p>"
        else:
            lines = "".join(
                f'<tr><td><a href="/postkasse/{mailbox_key(r[0])}">{html.escape(r[1] or "Ukendt")}'
                f"</a></td><td>{r[2]}</td></tr>"
                for r in rows
            )
            body = (
                '<table><thead><tr><th scope="col">Borger</th><th scope="col">Breve</th></tr>'
                f"</thead><tbody>{lines}</tbody></table>"
            )
        self._page(200, "Postkasser", body)

    def _mailbox(self, key: str) -> None:
        rows = [
            r
            for r in self.server.store.rows(
                "SELECT uuid, recipient, recipient_label, sender_label, label, received_at "
                "FROM message ORDER BY received_at DESC"
            )
            if mailbox_key(r[1]) == key
        ]
        if not rows:
            self._page(404, "Postkassen findes ikke", "<p>Postkassen findes ikke.</p>")
            return
        lines = "".join(
            f'<tr><td><a href="/besked/{r[0]}">{html.escape(r[4])}</a></td>'
            f"<td>{html.escape(r[3])}</td><td>{_when(r[5])}</td></tr>"
            for r in rows
        )
        body = (
            '<table><thead><tr><th scope="col">Emne</th><th scope="col">Afsender</th>'
            f'<th scope="col">Modtaget</th></tr></thead><tbody>{lines}</tbody></table>'
        )
        self._page(200, f"Digital Post til {rows[0][2]}", body)

    def _show(self, message_uuid: str, note: str = "") -> None:
        row = self._message(message_uuid)
        if row is None:
            self._page(404, "Brevet findes ikke", "<p>Brevet findes ikke.</p>")
            return
        m = memo.parse(row[9])
        files = "".join(
            f'<li><a href="/besked/{row[0]}/fil/{i}">{html.escape(f.filename)}</a></li>'
            for i, f in enumerate(m.files)
        )
        status = f'<p class="note" role="status">{html.escape(note)}</p>' if note else ""
        reply = ""
        if m.reply:
            reply = (
                f'<h2>Svar</h2><form method="post" action="/besked/{row[0]}/svar">'
                '<label for="svar">Dit svar til afsenderen</label>'
                '<textarea id="svar" name="tekst" required></textarea>'
                '<p><button type="submit">Send svar</button></p></form>'
            )
        body = (
            f"{status}<p>Fra {html.escape(row[4])} · modtaget {_when(row[6])}</p>"
            f"<h2>Dokumenter</h2><ul>{files}</ul>{reply}"
            f'<p><a href="/postkasse/{mailbox_key(row[1])}">Tilbage til postkassen</a></p>'
        )
        self._page(200, row[5], body)

    def _file(self, message_uuid: str, index: str) -> None:
        row = self._message(message_uuid)
        if row is None or not index.isdigit():
            self._page(404, "Filen findes ikke", "<p>Filen findes ikke.</p>")
            return
        files = memo.parse(row[9]).files
        if int(index) >= len(files):
            self._page(404, "Filen findes ikke", "<p>Filen findes ikke.</p>")
            return
        f = files[int(index)]
        self._send(
            200,
            f.content,
            f.encoding_format,
            {
                "Content-Disposition": "inline",
                "Content-Security-Policy": "sandbox; default-src 'none'",
            },
        )

    # --- POST ------------------------------------------------------------------
    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        body = self._body()
        if body is None:
            return
        if path == SF1601_PATH:
            self._receive(body)
        elif path == "/api/afvis":
            self.server.store.refuse = int(json.loads(body or b"{}").get("count", 1))
            self._json(200, {"refuse": self.server.store.refuse})
        elif len(parts) == 4 and parts[:2] == ["api", "beskeder"] and parts[3] == "svar":
            status, text = self._reply(parts[2], str(json.loads(body).get("text", "")))
            self._json(200 if status == 200 else 502, {"trekant_status": status, "detail": text})
        elif len(parts) == 3 and parts[0] == "besked" and parts[2] == "svar":
            text = parse_qs(body.decode("utf-8")).get("tekst", [""])[0]
            if not text.strip():
                self._show(parts[1], "Skriv et svar først.")
                return
            status, _ = self._reply(parts[1], text)
            self._show(
                parts[1],
                "Dit svar er sendt." if status == 200 else "Svaret kunne ikke sendes. Prøv igen.",
            )
        else:
            self._json(404, {"detail": "ukendt adresse"})

    def _kvittering(self, status: int, k: kvittering.Kvittering) -> None:
        self._send(status, kvittering.build(k), "application/xml; charset=utf-8")

    def _receive(self, body: bytes) -> None:
        """SF1601 KombiPostAfsend: the MeMo is checked (``memo.check``: the MeMo XSD's rules
        as far as they are known) and answered with Serviceplatformen's receipt, a
        TransportKvittering: OK (201 new, 200 a repeated messageUUID, stored once) or FEJL
        (400) listing every broken rule."""
        transaction = self.headers.get("X-TransaktionsId", "")
        when = self.headers.get("X-TransaktionsTid", "")
        try:
            uuid.UUID(transaction)
            datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            self._kvittering(
                400,
                kvittering.Kvittering(
                    "FEJL",
                    "Kaldet mangler transaktionsoplysninger",
                    [("TRANSAKTION", "X-TransaktionsId (UUID) og X-TransaktionsTid skal sendes")],
                ),
            )
            return
        store = self.server.store
        if store.refuse > 0:
            store.refuse -= 1
            self._send(503, b"Digital Post er midlertidigt utilgaengelig", "text/plain")
            return
        errors = memo.check(body)
        if not errors:
            m = memo.parse(body)
            if m.message_type != "DIGITALPOST":
                errors.append("messageType skal være DIGITALPOST")
            if m.sender.id_type != "CVR" or m.recipient.id_type != "CPR":
                errors.append("Afsender skal være et CVR-nummer, modtager et CPR-nummer")
        if errors:
            self._kvittering(
                400,
                kvittering.Kvittering(
                    "FEJL", "Meddelelsen er ikke gyldig MeMo", [("MEMO", e) for e in errors]
                ),
            )
            return
        new = store.add(m, body, transaction)
        reason = (
            "Meddelelsen er modtaget og lagt i modtagerens digitale postkasse"
            if new
            else "Meddelelsen var allerede modtaget og er ikke leveret igen"
        )
        self._kvittering(201 if new else 200, kvittering.Kvittering("OK", reason))

    def _reply(self, message_uuid: str, text: str) -> tuple[int, str]:
        row = self._message(message_uuid)
        if row is None:
            return 404, "ukendt besked"
        original = memo.parse(row[9])
        kommune = self.server.config["kommuner"].get(original.sender.id)
        if kommune is None:
            return 404, "afsenderen er ikke en kendt kommune"
        reply_uuid = uuid.uuid4()
        reply = memo.Memo(
            message_uuid=reply_uuid,
            label=f"Svar: {original.label}"[:200],
            sender=memo.Party(original.recipient.id, "CPR", original.recipient.label),
            recipient=memo.Party(original.sender.id, "CVR", original.sender.label),
            files=[
                memo.File("svar.pdf", reply_pdf(text, original.recipient.label, original.label))
            ],
            created=datetime.now(UTC),
            reply=False,
            case_id=original.case_id,
            replies=[
                *original.replies,
                memo.Reply(
                    message_uuid=reply_uuid,
                    reply_uuid=original.message_uuid,
                    sender_id=original.recipient.id,
                    recipient_id=original.sender.id,
                    case_id=original.case_id,
                ),
            ],
        )
        payload = memo.message_xml(reply)
        signature = hmac.new(kommune["secret"].encode(), payload, hashlib.sha256).hexdigest()
        try:
            r = httpx.post(
                self.server.config["inbound_url"],
                content=payload,
                headers={
                    "Content-Type": "application/xml",
                    "X-Trekant-Kommune": kommune["code"],
                    "X-Trekant-Signature": f"sha256={signature}",
                },
                timeout=30,
            )
        except httpx.HTTPError as exc:
            self.server.store.set_reply(message_uuid, "fejl")
            return 0, str(exc)
        self.server.store.set_reply(message_uuid, "sendt" if r.status_code == 200 else "fejl")
        return r.status_code, r.text


def _when(iso: str) -> str:
    at = datetime.fromisoformat(iso).astimezone()
    return at.strftime("%d.%m.%Y kl. %H.%M")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    server = Server(("127.0.0.1", int(config["port"])), Handler)
    server.store = Store(config["database"])
    server.config = config
    server.serve_forever()


if __name__ == "__main__":
    main()
