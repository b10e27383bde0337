"""The development Ankestyrelsen receiver (see ``infra/ankestyrelsen/__init__.py``).

POST /indberetninger      one report (JSON, ``backend/ankestyrelsen/adapter.py``'s message):
                          201 {"kvittering"} received, 200 the same receipt for a report
                          already received (same ``indberetning_id``), 400 {"fejl": [...]}
                          when a required field is missing or of the wrong type
GET  /indberetninger/<id> the stored report and how often it came (tests)
GET  /                    the received reports as a small HTML list
GET  /health
"""

from __future__ import annotations

import argparse
import html
import json
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1024 * 1024
# The fields every report must carry, with their JSON types.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "indberetning_id": str,
    "type": str,
    "kommunekode": str,
    "sagsnummer": str,
    "barn": dict,
    "afgoerelse": dict,
    "indberettet_af": str,
}
# Each kind's own fields (skema 1, skema 2 for a change and for an end, skema 3, § 139).
KIND_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "anbringelse": {
        "anbringelse": dict,
        "aarsager": list,
        "barnets_oplevelse": str,
        "barnet_orienteret": bool,
    },
    "aendring": {"aendringer": list, "fra": dict, "til": dict, "aarsag": str},
    "ophoer": {"anbringelse": dict, "ophoersaarsag": str},
    "eftervaern": {"doegnophold": dict, "samtykke": bool},
    "indgreb_139": {"indgreb": dict, "barnets_oplevelse": str, "barnet_orienteret": bool},
}
KINDS = set(KIND_REQUIRED)


def check(report: Any) -> list[str]:
    """Every broken rule of ``report``, in Danish (empty when it is valid)."""
    if not isinstance(report, dict):
        return ["Indberetningen skal være et JSON-objekt"]
    required = dict(REQUIRED)
    kind = report.get("type")
    if isinstance(kind, str) and kind in KIND_REQUIRED:
        required.update(KIND_REQUIRED[kind])
    errors = [
        f"Feltet {key} mangler eller har forkert type"
        for key, kind_of in required.items()
        if not isinstance(report.get(key), kind_of)
    ]
    if isinstance(kind, str) and kind not in KINDS:
        errors.append(f"Ukendt indberetningstype: {kind}")
    if kind == "anbringelse" and isinstance(report.get("aarsager"), list):
        if not report["aarsager"]:
            errors.append("Mindst én årsag til anbringelsen skal angives")
    if kind in ("anbringelse", "indgreb_139") and isinstance(report.get("barnets_oplevelse"), str):
        if not report["barnets_oplevelse"].strip():
            errors.append("Barnets oplevelse af situationen skal indgå i indberetningen")
    if kind == "aendring" and isinstance(report.get("aendringer"), list):
        if not report["aendringer"]:
            errors.append("Det skal angives, hvad der er ændret i anbringelsen")
    if kind == "ophoer" and isinstance(report.get("anbringelse"), dict):
        if not report["anbringelse"].get("slutdato"):
            errors.append("Datoen for anbringelsens ophør skal angives")
    if kind == "indgreb_139" and isinstance(report.get("indgreb"), dict):
        if not isinstance(report["indgreb"].get("politiets_bistand"), bool):
            errors.append("Det skal angives, om politiet ydede bistand")
    try:
        uuid.UUID(str(report.get("indberetning_id")))
    except ValueError:
        errors.append("indberetning_id skal være et UUID")
    return errors


class Store:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.lock = threading.Lock()
        with self.lock:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS report (id TEXT PRIMARY KEY, kommune TEXT, "
                "kind TEXT, receipt TEXT, received_at TEXT, times INTEGER, body TEXT)"
            )
            self.db.commit()

    def add(self, report: dict[str, Any]) -> tuple[str, bool]:
        """The receipt, and whether the report is new (a repeat only counts)."""
        with self.lock:
            row = self.db.execute(
                "SELECT receipt FROM report WHERE id = ?", (report["indberetning_id"],)
            ).fetchone()
            if row:
                self.db.execute(
                    "UPDATE report SET times = times + 1 WHERE id = ?",
                    (report["indberetning_id"],),
                )
                self.db.commit()
                return str(row[0]), False
            (count,) = self.db.execute("SELECT count(*) FROM report").fetchone()
            receipt = f"AST-{datetime.now(UTC):%Y}-{count + 1:06d}"
            self.db.execute(
                "INSERT INTO report VALUES (?, ?, ?, ?, ?, 1, ?)",
                (
                    report["indberetning_id"],
                    report["kommunekode"],
                    report["type"],
                    receipt,
                    datetime.now(UTC).isoformat(),
                    json.dumps(report, ensure_ascii=False),
                ),
            )
            self.db.commit()
            return receipt, True

    def get(self, report_id: str) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.execute(
                "SELECT receipt, received_at, times, body FROM report WHERE id = ?", (report_id,)
            ).fetchone()
        if row is None:
            return None
        return {
            "kvittering": row[0],
            "modtaget": row[1],
            "gange": row[2],
            "indberetning": json.loads(row[3]),
        }

    def all(self) -> list[tuple[str, str, str, str, int]]:
        with self.lock:
            return list(
                self.db.execute(
                    "SELECT receipt, kommune, kind, received_at, times FROM report "
                    "ORDER BY received_at DESC LIMIT 200"
                )
            )


def handler(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # reports are personal data: nothing in a log

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._send(status, json.dumps(value, ensure_ascii=False).encode())

        def do_GET(self) -> None:
            if self.path == "/health":
                self._json(200, {"status": "ok"})
            elif self.path.startswith("/indberetninger/"):
                found = store.get(self.path.removeprefix("/indberetninger/"))
                self._json(200, found) if found else self._json(404, {"fejl": ["Ukendt"]})
            elif self.path == "/":
                rows = "".join(
                    "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                    for r in store.all()
                )
                page = (
                    '<!doctype html><html lang="da"><meta charset="utf-8">'
                    "<title>Ankestyrelsen (udvikling)</title><h1>Modtagne indberetninger</h1>"
                    "<table><tr><th>Kvittering</th><th>Kommune</th><th>Type</th>"
                    f"<th>Modtaget</th><th>Gange</th></tr>{rows}</table></html>"
                )
                self._send(200, page.encode(), "text/html; charset=utf-8")
            else:
                self._json(404, {"fejl": ["Ukendt adresse"]})

        def do_POST(self) -> None:
            if self.path != "/indberetninger":
                self._json(404, {"fejl": ["Ukendt adresse"]})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._json(413, {"fejl": ["Indberetningen er for stor"]})
                return
            try:
                report = json.loads(self.rfile.read(length))
            except ValueError:
                self._json(400, {"fejl": ["Indberetningen er ikke gyldig JSON"]})
                return
            errors = check(report)
            if errors:
                self._json(400, {"fejl": errors})
                return
            receipt, new = store.add(report)
            self._json(201 if new else 200, {"kvittering": receipt})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(Store(args.database)))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
