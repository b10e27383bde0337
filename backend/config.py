"""Settings, read once from the environment.

Secrets come from the environment only. In development the supervisor (``trekant dev``)
fills in the URLs of the embedded PostgreSQL and Redis it started.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import msgspec

ENVIRONMENTS = ("development", "test", "production")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: str
    data_dir: Path
    database_url: str
    redis_url: str
    app_db_password: str | None
    operator_db_password: str | None
    secret_key: str
    pwa_dist: Path
    host: str
    port: int
    public_url: str | None
    operator_issuer: str | None
    operator_client_id: str | None
    operator_client_secret: str | None
    metrics_token: str | None = None

    @property
    def is_development(self) -> bool:
        """True only where development stand-ins (such as the dev login) may run."""
        return self.env in ("development", "test")

    def require_secret(self) -> str:
        if not self.secret_key:
            raise ConfigError("TREKANT_SECRET_KEY must be set in production")
        return self.secret_key

    @property
    def database_name(self) -> str:
        path = urlsplit(self.database_url).path.lstrip("/")
        name = unquote(path) or "postgres"
        return name

    @property
    def role_prefix(self) -> str:
        """Roles are cluster-wide, so every role Trekant creates is prefixed by the database name.

        Two databases on one server (development and tests) then never share a kommune role.
        """
        cleaned = "".join(ch if ch.isalnum() else "_" for ch in self.database_name.lower())
        return cleaned[:30]


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            f"{name} is not set. Start the system with `just run` (embedded services) "
            f"or set {name} to a running server."
        )
    return value


def load_settings() -> Settings:
    env = os.environ.get("TREKANT_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"TREKANT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    root = Path(__file__).resolve().parent.parent
    secret = os.environ.get("TREKANT_SECRET_KEY", "")
    if not secret and env != "production":
        secret = "development-only-secret-not-for-production"  # noqa: S105 - never in production
    return Settings(
        env=env,
        data_dir=Path(os.environ.get("TREKANT_DATA_DIR", root / "var")).resolve(),
        database_url=_require("DATABASE_URL"),
        redis_url=_require("REDIS_URL"),
        app_db_password=os.environ.get("TREKANT_APP_DB_PASSWORD") or None,
        operator_db_password=os.environ.get("TREKANT_OPERATOR_DB_PASSWORD") or None,
        secret_key=secret,
        pwa_dist=Path(os.environ.get("TREKANT_PWA_DIST", root / "pwa" / "dist")),
        host=os.environ.get("TREKANT_HOST", "127.0.0.1"),
        port=int(os.environ.get("TREKANT_PORT", "8000")),
        public_url=os.environ.get("TREKANT_PUBLIC_URL") or None,
        operator_issuer=os.environ.get("TREKANT_OPERATOR_ISSUER") or None,
        operator_client_id=os.environ.get("TREKANT_OPERATOR_CLIENT_ID") or None,
        operator_client_secret=os.environ.get("TREKANT_OPERATOR_CLIENT_SECRET") or None,
        metrics_token=os.environ.get("TREKANT_METRICS_TOKEN") or None,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
