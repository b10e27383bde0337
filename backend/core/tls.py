"""One TLS client context per client certificate for Trekant's outgoing calls.

httpx builds a new ``ssl.SSLContext`` for every client made without one, loading the whole
CA bundle each time (tens of milliseconds of CPU per call on this hardware); the adapters
make a client per call (Digital Post, Danmarks Statistik, Ankestyrelsen, the Context
Handler's metadata). They pass ``verify=client_context(cert)`` instead: the context is made
once per certificate file and made again when the file changes (a renewed certificate)."""

from __future__ import annotations

import os
import ssl
from functools import lru_cache

import certifi


def client_context(cert: str | None = None) -> ssl.SSLContext:
    """A verifying client context with the CA bundle httpx uses (certifi), presenting
    ``cert`` (one PEM file with the certificate and its private key) when given."""
    if not cert:
        return _context(None, 0)
    return _context(cert, os.stat(cert).st_mtime_ns)


@lru_cache(maxsize=16)
def _context(cert: str | None, _mtime: int) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=certifi.where())
    if cert:
        ctx.load_cert_chain(cert)
    return ctx
