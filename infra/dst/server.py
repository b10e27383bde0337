"""The development Danmarks Statistik receiver (see ``infra/dst/__init__.py``).

POST /indberetning   (X-Leverance-Id, the delivery's XML)  ->  a Kvittering:
      201 received (status modtaget, or afvist_delvist with one <Afvist noegle> per record
      DST's register rules reject), 200 the same id again (the first receipt, gentaget),
      400 not the schema (status afvist, <Fejl>), 503 refused on request (tests)
GET  /               the deliveries received (a page)
GET  /api/leverancer/<id>   JSON: kommune, times received, records, rejections
POST /api/afvis      {"count": n}: refuse the next n deliveries with 503

The register rules are the ones a kommune cannot check itself because they need DST's
accumulated register (every kommune's deliveries): a placement that overlaps another
placement of the same child, a correction or deletion of a record DST never received, a
new record under a key DST already holds; and the record's own: a CPR number without a
valid birth date, an end before the start.
"""

from __future__ import annotations

import argparse
import html
import json
import sqlite3
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from stdnum.dk import cpr as cpr_lib

ROOT = Path(__file__).resolve().parent.parent.parent
XSD = ROOT / "backend" / "statistics" / "dst.xsd"
NS = "urn:trekant:dst:udsatte-boern-unge:1"
MAX_BODY = 200 * 1024 * 1024
PLACEMENT_TYPES = {"ANBRINGELSE"}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


class Store:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        self.refuse = 0
        self.db.executescript(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS delivery (id TEXT PRIMARY KEY, kommune TEXT,
                period TEXT, received_at TEXT, times INTEGER, records INTEGER,
                rejected INTEGER, receipt TEXT, body BLOB);
            CREATE TABLE IF NOT EXISTS register (key TEXT PRIMARY KEY, kommune TEXT,
                kind TEXT, cpr TEXT, start TEXT, end TEXT, placement INTEGER);
            CREATE INDEX IF NOT EXISTS register_cpr ON register (cpr);
            """
        )
        self.db.commit()


def _d(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def _text(el: Any, tag: str) -> str | None:
    found = el.find(q(tag))
    return found.text if found is not None else None


def check_record(db: sqlite3.Connection, kommune: str, el: Any) -> str | None:
    """Apply one record to the register; the reason it is rejected, or None."""
    key, action = el.get("noegle"), el.get("handling")
    held = db.execute("SELECT kommune FROM register WHERE key = ?", (key,)).fetchone()
    if el.tag == q("Sletning"):
        if held is None:
            return "Sletning af en post, Danmarks Statistik ikke har modtaget"
        db.execute("DELETE FROM register WHERE key = ?", (key,))
        return None
    if action == "rettelse" and held is None:
        return "Rettelse af en post, Danmarks Statistik ikke har modtaget"
    if action == "ny" and held is not None:
        return "Posten er allerede modtaget; send ændringer som rettelse"
    cpr = _text(el, "CPR") or ""
    try:
        cpr_lib.get_birth_date(cpr)
    except Exception:
        return "CPR-nummeret indeholder ikke en gyldig fødselsdato"
    if el.tag == q("Foranstaltning"):
        start, end = _text(el, "Startdato") or "", _text(el, "Slutdato")
        if end is not None and end < start:
            return "Slutdatoen ligger før startdatoen"
        placement = _text(el, "Foranstaltning") in PLACEMENT_TYPES
        if placement and not _text(el, "Anbringelsessted"):
            return "Anbringelsesstedet mangler"
        if placement:
            other = db.execute(
                "SELECT start FROM register WHERE cpr = ? AND placement = 1 AND key <> ? "
                "AND start <= ? AND (end IS NULL OR end >= ?) ORDER BY start LIMIT 1",
                (cpr, key, end or "9999-12-31", start),
            ).fetchone()
            if other is not None:
                return (
                    "Barnet er allerede registreret anbragt i perioden (anbringelse fra "
                    f"{_d(other[0])}); afslut den tidligere anbringelse"
                )
        db.execute(
            "INSERT OR REPLACE INTO register VALUES (?, ?, 'foranstaltning', ?, ?, ?, ?)",
            (key, kommune, cpr, start, end, 1 if placement else 0),
        )
    else:
        db.execute(
            "INSERT OR REPLACE INTO register VALUES (?, ?, 'underretning', ?, ?, NULL, 0)",
            (key, kommune, cpr, _text(el, "Modtaget")),
        )
    return None


def receipt(
    delivery_id: str, status: str, records: int, rejected: dict[str, str], error: str = ""
) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<Kvittering xmlns="{NS}" leveranceId={quoteattr(delivery_id)} status="{status}" '
        f'modtaget="{datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}" antal="{records}" '
        f'afviste="{len(rejected)}">',
    ]
    if error:
        lines.append(f"  <Fejl>{escape(error)}</Fejl>")
    for key, reason in rejected.items():
        lines.append(f"  <Afvist noegle={quoteattr(key)}>{escape(reason)}</Afvist>")
    lines.append("</Kvittering>")
    return "\n".join(lines) + "\n"


class Server(ThreadingHTTPServer):
    store: Store
    schema: Any


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: str, ctype: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY))

    def do_GET(self) -> None:
        store = self.server.store
        if self.path == "/health":
            self._send(200, "ok", "text/plain")
        elif self.path.startswith("/api/leverancer/"):
            delivery_id = self.path.rsplit("/", 1)[1]
            with store.lock:
                row = store.db.execute(
                    "SELECT kommune, period, times, records, rejected, receipt FROM delivery "
                    "WHERE id = ?",
                    (delivery_id,),
                ).fetchone()
            if row is None:
                self._send(404, json.dumps({"fejl": "ukendt leverance"}), "application/json")
                return
            keys = ["kommune", "period", "times", "records", "rejected", "receipt"]
            self._send(200, json.dumps(dict(zip(keys, row, strict=True))), "application/json")
        elif self.path == "/":
            with store.lock:
                rows = store.db.execute(
                    "SELECT id, kommune, period, received_at, times, records, rejected "
                    "FROM delivery ORDER BY received_at DESC LIMIT 200"
                ).fetchall()
            items = "".join(
                f"<tr><td>{html.escape(r[3][:19])}</td><td>{r[1]}</td><td>{r[2]}</td>"
                f"<td>{r[5]}</td><td>{r[6]}</td><td>{r[4]}</td><td>{html.escape(r[0])}</td></tr>"
                for r in rows
            )
            self._send(
                200,
                '<!doctype html><html lang="da"><meta charset="utf-8">'
                "<title>Danmarks Statistik (udvikling)</title><h1>Modtagne indberetninger</h1>"
                "<table><tr><th>Modtaget</th><th>Kommune</th><th>Periode</th><th>Poster</th>"
                f"<th>Afvist</th><th>Gange</th><th>Leverance</th></tr>{items}</table>",
                "text/html; charset=utf-8",
            )
        else:
            self._send(404, "findes ikke", "text/plain")

    def do_POST(self) -> None:
        store = self.server.store
        body = self._body()
        if self.path == "/api/afvis":
            store.refuse = int(json.loads(body or b"{}").get("count", 1))
            self._send(200, "{}", "application/json")
            return
        if self.path != "/indberetning":
            self._send(404, "findes ikke", "text/plain")
            return
        delivery_id = self.headers.get("X-Leverance-Id", "")
        with store.lock:
            if store.refuse > 0:
                store.refuse -= 1
                self._send(503, "midlertidigt lukket", "text/plain")
                return
            known = store.db.execute(
                "SELECT receipt FROM delivery WHERE id = ?", (delivery_id,)
            ).fetchone()
            if known is not None:
                store.db.execute(
                    "UPDATE delivery SET times = times + 1 WHERE id = ?", (delivery_id,)
                )
                store.db.commit()
                first = known[0].replace("<Kvittering ", '<Kvittering gentaget="true" ', 1)
                self._send(200, first, "application/xml; charset=utf-8")
                return
            self._receive(delivery_id, body)

    def _receive(self, delivery_id: str, body: bytes) -> None:
        store = self.server.store
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            doc = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as exc:
            self._reject(delivery_id, f"Indberetningen er ikke gyldig XML: {exc}")
            return
        if not self.server.schema.validate(doc):
            first = self.server.schema.error_log.last_error
            self._reject(delivery_id, f"Indberetningen følger ikke skemaet: {first.message}")
            return
        if doc.get("leveranceId") != delivery_id:
            self._reject(
                delivery_id, "Leverance-id i brevhovedet og i indberetningen er forskellige"
            )
            return
        kommune = doc.get("kommunekode", "")
        records = list(doc)
        if int(doc.get("antal", "-1")) != len(records):
            self._reject(delivery_id, "Antallet af poster stemmer ikke med attributten antal")
            return
        rejected: dict[str, str] = {}
        for el in records:
            reason = check_record(store.db, kommune, el)
            if reason is not None:
                rejected[el.get("noegle")] = reason
        status = "afvist_delvist" if rejected else "modtaget"
        if rejected and len(rejected) == len(records):
            status = "afvist"
        text = receipt(delivery_id, status, len(records), rejected)
        store.db.execute(
            "INSERT INTO delivery VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (
                delivery_id,
                kommune,
                doc.get("periode"),
                datetime.now(UTC).isoformat(),
                len(records),
                len(rejected),
                text,
                body,
            ),
        )
        store.db.commit()
        self._send(201, text, "application/xml; charset=utf-8")

    def _reject(self, delivery_id: str, error: str) -> None:
        self._send(
            400, receipt(delivery_id, "afvist", 0, {}, error), "application/xml; charset=utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = json.loads(Path(args.config).read_text())
    server = Server(("127.0.0.1", int(config["port"])), Handler)
    server.store = Store(config["database"])
    server.schema = etree.XMLSchema(etree.parse(str(XSD)))
    server.serve_forever()


if __name__ == "__main__":
    main()
