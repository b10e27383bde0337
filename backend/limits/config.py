"""The rate limits, read from the environment once at start.

Each limit is ``TREKANT_RATE_LIMIT_<CLASS>=<requests>/<seconds>`` (e.g. ``30/60``): a bucket
of ``requests`` tokens that refills evenly over ``seconds``. ``TREKANT_TRUSTED_PROXIES``
lists the addresses (or networks) of reverse proxies whose ``X-Forwarded-For`` is believed;
by default none, so the client address is the TCP peer.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from backend.config import ConfigError


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


# Class -> (default, what it is keyed by). Keep in step with the README's config table.
DEFAULTS: dict[str, Limit] = {
    "login": Limit(30, 60),  # login start (kommune and operator), per client address
    "callback": Limit(30, 60),  # login callback, per client address
    "enhedsstatus": Limit(60, 60),  # device status without a session, per client address
    "prior_user": Limit(60, 3600),  # prior-case lookups, per user
    "prior_kommune": Limit(600, 3600),  # prior-case lookups, per kommune
    "offline": Limit(120, 60),  # /api/offline/*, per user
    "api": Limit(600, 60),  # every authenticated API call, per user
    "inbound": Limit(120, 60),  # Digital Post replies (no session), per client address
    "udtraek": Limit(120, 60),  # the raw data's machine endpoint (a key), per client address
}

ALERT_DEFAULT = 40


def parse_limit(name: str, value: str) -> Limit:
    requests, sep, seconds = value.partition("/")
    try:
        limit = Limit(int(requests), int(seconds))
    except ValueError:
        limit = Limit(0, 0)
    if not sep or limit.requests < 1 or limit.seconds < 1:
        raise ConfigError(f"{name} must be <requests>/<seconds>, e.g. 30/60, not {value!r}")
    return limit


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class LimitSettings:
    """Mutable on purpose: tests lower limits on the running app (``app.state.limits``)."""

    limits: dict[str, Limit] = field(default_factory=lambda: dict(DEFAULTS))
    trusted_proxies: tuple[Network, ...] = ()
    # Prior-case lookups in one (Copenhagen) day beyond the user's registrations that day
    # before the kommune's administrator is alerted.
    alert_lookups_per_day: int = ALERT_DEFAULT


def load_limit_settings() -> LimitSettings:
    limits = dict(DEFAULTS)
    for name in DEFAULTS:
        env = f"TREKANT_RATE_LIMIT_{name.upper()}"
        if os.environ.get(env):
            limits[name] = parse_limit(env, os.environ[env])
    proxies: list[Network] = []
    for raw in os.environ.get("TREKANT_TRUSTED_PROXIES", "").split(","):
        if raw.strip():
            try:
                proxies.append(ipaddress.ip_network(raw.strip(), strict=False))
            except ValueError as exc:
                raise ConfigError(
                    f"TREKANT_TRUSTED_PROXIES: {raw.strip()!r} is not an address or network"
                ) from exc
    alert = os.environ.get("TREKANT_PRIOR_CASE_ALERT_PER_DAY", str(ALERT_DEFAULT))
    if not alert.isdigit() or int(alert) < 1:
        raise ConfigError(f"TREKANT_PRIOR_CASE_ALERT_PER_DAY must be a positive number: {alert!r}")
    return LimitSettings(limits, tuple(proxies), int(alert))
