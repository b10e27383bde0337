"""The simulated users of the load benchmark (``bench/load_bench.py``), and the locust driver
that runs them.

The benchmark starts this file once as a process of its own (``python bench/load_locust.py``:
gevent's monkey-patching stays out of the benchmark's asyncio process, and locust is imported
once, not once per phase) and sends it one phase a line on stdin (JSON: user classes, users,
think time, seconds, host); it answers one line per phase on stdout (``RESULT`` and JSON:
per request type the count, failures, percentiles and payload size, the errors, and the
requests per kommune). Locust runs as a library (``Environment``, local runner), headless.

Each simulated user takes one real session of its role (the plan's ``data`` file, written by
the benchmark: cookie, CSRF token, the cases it may open, its own ICS draft) and sends what the
PWA sends for the screens of a working day, each request named by what it is.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
from collections import Counter
from typing import Any

import gevent
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

COOKIE = "trekant_session"
_DATA: dict[str, Any] = {"users": {}}  # the sessions, from the phase's plan
_NEXT: dict[str, itertools.count[int]] = {}
PER_KOMMUNE: Counter[str] = Counter()
SEARCH = ["Alma Jen", "Noah", "Freja Han", "Oscar Ped", "Ida", "Maja Lar", "Ali Mad", "Clara"]
# The front page's first view, as the PWA asks for it (bench/casework_bench.py FIRST_VIEW).
FRONT = (
    ("front page: summary", "/api/worklist/summary"),
    ("front page: overdue activities", "/api/worklist/activities?vindue=overdue&offset=0&limit=6"),
    ("front page: new notifications", "/api/worklist/notifications?offset=0&limit=5"),
    ("front page: my cases", "/api/worklist/cases?sort=overskredne&offset=0&limit=10"),
)


class _Role(FastHttpUser):
    abstract = True
    role = ""
    wait_time = constant(0)

    def on_start(self) -> None:
        sessions = _DATA["users"][self.role]
        me = sessions[next(_NEXT[self.role]) % len(sessions)]
        self.kommune: str = me["kommune"]
        self.cases: list[str] = me["cases"]
        self.ics: str | None = me.get("ics")
        self.ics_rev: int | None = None
        self.ics_content: dict[str, Any] | None = None
        self.auth = {"Cookie": f"{COOKIE}={me['token']}", "X-CSRF-Token": me["csrf"]}

    def _send(self, method: str, name: str, url: str, body: Any = None) -> Any:
        PER_KOMMUNE[self.kommune] += 1
        with self.client.request(
            method, url, name=name, headers=self.auth, json=body, catch_response=True
        ) as r:
            if r.status_code >= 400:
                r.failure(f"{r.status_code}")
                return None
            r.success()
            return r

    def case(self) -> str:
        return random.choice(self.cases)

    def front_page(self) -> None:
        for name, url in FRONT:
            self._send("GET", name, url)

    def case_page(self) -> None:
        case = self.case()
        self._send("GET", "case page", f"/api/cases/{case}")
        self._send(
            "GET",
            "case page: last 5 journal entries",
            f"/api/cases/{case}/journal?page=1&page_size=5",
        )

    def journal(self) -> None:
        self._send("GET", "journal", f"/api/cases/{self.case()}/journal?page=1&page_size=50")

    def search(self) -> None:
        self._send(
            "POST", "search", "/api/search", {"text": random.choice(SEARCH), "page_size": 25}
        )


class Sagsbehandler(_Role):
    """A caseworker: front page, own cases, journal, notes, search, ICS autosave."""

    role = "sagsbehandler"
    weight = 70

    @task(20)
    def t_front(self) -> None:
        self.front_page()

    @task(25)
    def t_case(self) -> None:
        self.case_page()

    @task(10)
    def t_journal(self) -> None:
        self.journal()

    @task(8)
    def t_note(self) -> None:
        self._send(
            "POST",
            "add a note",
            f"/api/cases/{self.case()}/journal",
            {
                "title": "Telefonsamtale med skolen",
                "body": "Skolen oplyser, at "
                "fremmødet er bedre, og at barnet deltager i timerne. " * 4,
            },
        )

    @task(8)
    def t_search(self) -> None:
        self.search()

    @task(12)
    def t_autosave(self) -> None:
        if self.ics is None:
            return
        if self.ics_content is None:
            r = self._send("GET", "ICS open", f"/api/ics/{self.ics}")
            if r is None:
                return
            doc = r.json()
            self.ics_content, self.ics_rev = doc["content"], doc["rev"]
        assert self.ics_content is not None
        self.ics_content["analysis"] = "Barnet trives bedre i skolen. " * random.randint(20, 60)
        r = self._send(
            "PUT",
            "ICS autosave",
            f"/api/ics/{self.ics}/draft",
            {"rev": self.ics_rev, "content": self.ics_content},
        )
        if r is None:
            self.ics_content = None  # a refused save: open it again, as the PWA does
        else:
            self.ics_rev = r.json()["rev"]


class Leder(_Role):
    """A manager: team overview, management information, front page, cases, approvals."""

    role = "leder"
    weight = 10

    @task(8)
    def t_team(self) -> None:
        self._send("GET", "team overview", "/api/team/overview?offset=0&limit=25")

    @task(5)
    def t_mi(self) -> None:
        self._send("GET", "MI dashboard", "/api/mi/dashboard")

    @task(4)
    def t_front(self) -> None:
        self.front_page()

    @task(5)
    def t_case(self) -> None:
        self.case_page()

    @task(3)
    def t_search(self) -> None:
        self.search()

    @task(2)
    def t_approvals(self) -> None:
        self._send("GET", "manager: approvals", "/api/money/approvals")


class Oekonomi(_Role):
    """Finance: payments, spending, MI, case pages."""

    role = "oekonomi"
    weight = 8

    @task(5)
    def t_payments(self) -> None:
        self._send("GET", "finance: payments", "/api/money/payments?page=1&page_size=50")

    @task(4)
    def t_spending(self) -> None:
        self._send("GET", "finance: spending", "/api/money/spending")

    @task(2)
    def t_mi(self) -> None:
        self._send("GET", "MI dashboard", "/api/mi/dashboard")

    @task(3)
    def t_case(self) -> None:
        self.case_page()


class Administrator(_Role):
    """The kommune's administrator: users and the audit log."""

    role = "administrator"
    weight = 2

    @task(3)
    def t_users(self) -> None:
        self._send("GET", "admin: users", "/api/admin/users")

    @task(2)
    def t_audit(self) -> None:
        self._send("GET", "admin: audit log", "/api/admin/audit?page=1&page_size=50")


class Laeser(_Role):
    """Read-only (e.g. revision): case pages, journals, search."""

    role = "laeser"
    weight = 10

    @task(5)
    def t_case(self) -> None:
        self.case_page()

    @task(4)
    def t_journal(self) -> None:
        self.journal()

    @task(3)
    def t_search(self) -> None:
        self.search()


# The mix's front page: what the PWA's front page asks for (bench/mix.lua's FRONT), a third
# each; the whole /api/worklist in one answer is no longer asked for by the PWA.
MIX_FRONT = (
    ("mix: front page: summary", "/api/worklist/summary"),
    ("mix: front page: my cases", "/api/worklist/cases?sort=overskredne&offset=0&limit=10"),
    ("mix: front page: new notifications", "/api/worklist/notifications?offset=0&limit=5"),
)


class Mix(_Role):
    """Issue 19's mix, closed loop: 40 % front page (the PWA's front page requests), 40 %
    case page, 20 % journal, caseworkers only."""

    role = "sagsbehandler"
    _front = itertools.count()

    @task(40)
    def t_front(self) -> None:
        name, url = MIX_FRONT[next(self._front) % len(MIX_FRONT)]
        self._send("GET", name, url)

    @task(40)
    def t_case(self) -> None:
        self._send("GET", "mix: case page", f"/api/cases/{self.case()}")

    @task(20)
    def t_journal(self) -> None:
        self._send("GET", "mix: journal", f"/api/cases/{self.case()}/journal")


class Health(FastHttpUser):
    """``GET /health``: the baseline the mix is compared with, same tool and connections."""

    wait_time = constant(0)

    @task
    def health(self) -> None:
        self.client.get("/health", name="/health")


def run_phase(plan: dict[str, Any]) -> dict[str, Any]:
    """One phase: ``plan["users"]`` users of ``plan["classes"]`` for ``plan["seconds"]``,
    think time ``plan["think"]`` ([min, max] seconds; [0, 0] is closed loop)."""
    classes: list[type[FastHttpUser]] = [globals()[name] for name in plan["classes"]]
    low, high = plan["think"]
    for cls in classes:
        cls.wait_time = constant(0) if high <= 0 else between(low, high)  # type: ignore[method-assign]
    with open(plan["data"]) as f:
        _DATA.update(json.load(f))
    for role in _DATA["users"]:
        _NEXT[role] = itertools.count()
    PER_KOMMUNE.clear()
    env = Environment(user_classes=classes, host=plan["host"])
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(plan["users"], spawn_rate=plan["users"])
    gevent.sleep(plan["seconds"])
    runner.quit()
    elapsed = time.perf_counter() - started
    rows = []
    for entry in [*env.stats.entries.values(), env.stats.total]:
        rows.append(
            {
                "name": entry.name if entry is not env.stats.total else "all requests",
                "method": entry.method or "",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / elapsed,
                "p50": entry.get_response_time_percentile(0.50),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "bytes": entry.avg_content_length,
            }
        )
    errors = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in env.stats.errors.values()
    ]
    return {"seconds": elapsed, "rows": rows, "errors": errors, "spread": dict(PER_KOMMUNE)}


def serve() -> None:
    """Phases from stdin, one JSON line each; a ``RESULT`` line for each on stdout."""
    for line in sys.stdin:
        if line.strip():
            result = run_phase(json.loads(line))
            sys.stdout.write("RESULT " + json.dumps(result) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    random.seed(19)
    serve()
