"""Start and stop a small development server (a Python process) and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent


def listens(url: str) -> bool:
    """Whether something accepts TCP connections at ``url``'s host and port: a cheap check
    before the health request while a server starts (each httpx request outside a shared
    client builds a TLS context from the CA bundle, ~50 ms of CPU, ten times a second)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DevProcess:
    def __init__(self, name: str, module: str, args: list[str], health_url: str) -> None:
        self.name = name
        self.module = module
        self.args = args
        self.health_url = health_url
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module, *self.args], cwd=ROOT, env=dict(os.environ)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the {self.name} exited during start-up")
            if listens(self.health_url) and self.answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the {self.name} did not answer on {self.health_url}")

    def answers(self) -> bool:
        """Whether the server's health address answers 200 now (a TLS-only server overrides
        it to present its client certificate)."""
        try:
            return httpx.get(self.health_url, timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
