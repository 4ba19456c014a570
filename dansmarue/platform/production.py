"""Production mode (APP_ENV=production): refuse to start on an unsafe default.

Each refusal names the setting and what to do, so an operator can fix the
deployment from the error alone. Development keeps its convenient defaults.
"""

from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-change-me"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


class UnsafeProductionConfig(RuntimeError):
    """The settings would run production with a development default."""


def is_production(config: Mapping[str, Any]) -> bool:
    return str(config.get("APP_ENV", "development")).strip().lower() == "production"


def problems(config: Mapping[str, Any]) -> list[str]:
    """Every unsafe setting found (empty: safe to start)."""
    found: list[str] = []
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        found.append(
            "SECRET_KEY: the development default (or a key under 32 characters) "
            "would let anyone forge a session cookie; set a long random SECRET_KEY."
        )
    for name in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL"):
        url = urlsplit(str(config.get(name) or ""))
        if url.hostname not in LOCAL_HOSTS and not url.password:
            found.append(
                f"{name}: no password for the non-local host {url.hostname!r} "
                "(trust authentication); put the credentials in the URL."
            )
    public = urlsplit(str(config.get("PUBLIC_BASE_URL") or ""))
    if public.scheme != "https":
        found.append(
            "PUBLIC_BASE_URL: must start with https:// in production "
            "(links in e-mails and secure cookies need it)."
        )
    if not config.get("METRICS_TOKEN"):
        found.append(
            "METRICS_TOKEN: /metrics would answer any caller the reverse proxy "
            "forwards from loopback; set a random token for Prometheus."
        )
    if config.get("MAIL_SINK_DIR"):
        found.append(
            "MAIL_SINK_DIR: the development mail sink (/dev/mails) shows every "
            "e-mail sent; unset it and give SMTP_HOST a real relay."
        )
    return found


def enforce(config: MutableMapping[str, Any]) -> None:
    """Raise UnsafeProductionConfig in production mode; set secure cookies."""
    if not is_production(config):
        return
    found = problems(config)
    if found:
        raise UnsafeProductionConfig("APP_ENV=production refuses to start:\n- " + "\n- ".join(found))
    config["SESSION_COOKIE_SECURE"] = True
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["PREFERRED_URL_SCHEME"] = "https"
