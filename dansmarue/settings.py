"""Settings read from environment variables, with defaults for a local machine."""

import os


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Read once, when the app is created (never at import time)."""

    def __init__(self) -> None:
        env = os.environ.get
        self.SQLALCHEMY_DATABASE_URI = env(
            "DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dansmarue"
        )
        # No ping per checkout: dansmarue.platform.db_pool pings only idle connections.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False, "pool_size": 10, "pool_recycle": 1800}
        self.REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.MEDIA_ROOT = env("MEDIA_ROOT", os.path.abspath("media"))
        # The city served: data/city.toml (Paris) unless another profile is named.
        self.CITY_PROFILE = env("CITY_PROFILE", "")
        self.APP_ENV = env("APP_ENV", "development")
        # Operations: logs ("json", one object per line, or "text") and /metrics.
        self.LOG_FORMAT = env("LOG_FORMAT", "json")
        self.LOG_LEVEL = env("LOG_LEVEL", "INFO")
        self.METRICS_TOKEN = env("METRICS_TOKEN", "")  # "production": see platform/production.py
        self.SECRET_KEY = env("SECRET_KEY", "dev-only-change-me")
        self.PORT = int(env("PORT", "8000"))
        self.PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", f"http://127.0.0.1:{self.PORT}")
        self.SMTP_HOST = env("SMTP_HOST", "127.0.0.1")
        self.SMTP_PORT = int(env("SMTP_PORT", "25"))
        # Development mail sink (#14.5): where `make run`'s sink stores what it
        # caught; set, /dev/mails shows it (never in production).
        self.MAIL_SINK_DIR = env("MAIL_SINK_DIR", "")
        self.MAIL_SENDER = env("MAIL_SENDER", "DansMaRue <noreply@dansmarue.local>")
        # Empty: the host of PUBLIC_BASE_URL.
        self.MAIL_MESSAGE_ID_DOMAIN = env("MAIL_MESSAGE_ID_DOMAIN", "")
        self.RATELIMIT_INTAKE = env("RATELIMIT_INTAKE", "30 per minute")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", self.REDIS_URL)
        # Redis down must not stop intake (the outbox keeps the jobs): each process
        # then counts in memory (one warning, not a traceback per request) and
        # goes back to Redis when it answers again.
        self.RATELIMIT_SWALLOW_ERRORS = _bool("RATELIMIT_SWALLOW_ERRORS", True)
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = _bool("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        self.RATELIMIT_LOGIN = env("RATELIMIT_LOGIN", "30 per minute")
        # Every anonymous request, per address (reads included), and the
        # follows / congratulations / photo uploads one report may receive.
        self.RATELIMIT_ANONYMOUS = env("RATELIMIT_ANONYMOUS", "600 per minute")
        self.RATELIMIT_PER_REPORT = env("RATELIMIT_PER_REPORT", "60 per hour")
        # Residents' sign-in links (#19.2): mails one address may receive, and
        # requests one client address may make.
        self.RATELIMIT_SIGN_IN_PER_EMAIL = env("RATELIMIT_SIGN_IN_PER_EMAIL", "5 per hour")
        self.RATELIMIT_SIGN_IN_PER_CLIENT = env("RATELIMIT_SIGN_IN_PER_CLIENT", "20 per hour")
        # Residents' city account (OpenID Connect, e.g. Mon Paris): off while the issuer is empty.
        self.RESIDENT_OIDC_ISSUER = env("RESIDENT_OIDC_ISSUER", "")
        self.RESIDENT_OIDC_CLIENT_ID = env("RESIDENT_OIDC_CLIENT_ID", "")
        self.RESIDENT_OIDC_CLIENT_SECRET = env("RESIDENT_OIDC_CLIENT_SECRET", "")
        # Web UIs (/dashboard, /agent): idle minutes before a session expires;
        # an XYZ tile URL ({z}/{x}/{y}) for the agents' map ("" = outlines only).
        self.WEB_SESSION_IDLE_MINUTES = int(env("WEB_SESSION_IDLE_MINUTES", "480"))
        self.AGENT_TILE_URL = env("AGENT_TILE_URL", "")
        self.RQ_QUEUE_PREFIX = env("RQ_QUEUE_PREFIX", "")
        # Jobs: attempts before the dead-letter list, and the backoff (seconds).
        self.JOBS_MAX_ATTEMPTS = int(env("JOBS_MAX_ATTEMPTS", "5"))
        # Retention of closed reports (reports.retention, job apply_retention).
        # Originals (full size, may still carry the phone's metadata) are only
        # needed while the report is handled or contested: 30 days after closing.
        # Derivatives serve the public history: 24 months, like the archive's
        # two years of open data. Reporters' e-mail, guid, udid and followers'
        # addresses serve only the notices of an open report: 12 months after
        # closing, long enough for a reopening or a complaint.
        self.RETENTION_ORIGINALS_DAYS = int(env("RETENTION_ORIGINALS_DAYS", "30"))
        self.RETENTION_DERIVATIVES_MONTHS = int(env("RETENTION_DERIVATIVES_MONTHS", "24"))
        self.RETENTION_PERSONAL_MONTHS = int(env("RETENTION_PERSONAL_MONTHS", "12"))
        self.JOBS_RETRY_INTERVALS = [
            int(part) for part in env("JOBS_RETRY_INTERVALS", "30,120,600,1800").split(",") if part.strip()
        ]
        self.PUSH_WEBHOOK_URL = env("PUSH_WEBHOOK_URL", "")
        self.WEBHOOK_TIMEOUT = float(env("WEBHOOK_TIMEOUT", "10"))
        self.SMTP_TIMEOUT = float(env("SMTP_TIMEOUT", "10"))
        # Who moves committed outbox rows to RQ (#12.2): "process", the relay
        # process woken by NOTIFY (python -m workers.relay, started by make run),
        # or "after_commit", the request itself right after its commit. The
        # scheduler's sweep (every 3 s) catches up behind either.
        self.OUTBOX_RELAY = env("OUTBOX_RELAY", "process").strip().lower().replace("-", "_")
        if self.OUTBOX_RELAY not in ("process", "after_commit"):
            raise ValueError(f"OUTBOX_RELAY must be process or after_commit, not {self.OUTBOX_RELAY!r}")
        self.OUTBOX_RELAY_CATCHUP = float(env("OUTBOX_RELAY_CATCHUP", "5"))  # seconds
        # The after-commit hook (dansmarue.jobs.autorelay); follows OUTBOX_RELAY unless set.
        self.OUTBOX_AUTO_RELAY = _bool("OUTBOX_AUTO_RELAY", self.OUTBOX_RELAY == "after_commit")
        # Photo decoding (#12.1): "sandbox", a long-lived child process per worker
        # with memory and CPU limits (dansmarue.media.sandbox), or "inline" (debugging).
        self.PHOTO_DECODER = env("PHOTO_DECODER", "sandbox").strip().lower()
        if self.PHOTO_DECODER not in ("sandbox", "inline"):
            raise ValueError(f"PHOTO_DECODER must be sandbox or inline, not {self.PHOTO_DECODER!r}")
        self.PHOTO_DECODER_MEMORY_MB = int(env("PHOTO_DECODER_MEMORY_MB", "1024"))
        self.PHOTO_DECODER_CPU_S = int(env("PHOTO_DECODER_CPU_S", "20"))
        self.PHOTO_DECODER_MAX_JOBS = int(env("PHOTO_DECODER_MAX_JOBS", "200"))
        for name in ("PHOTO_DECODER_MEMORY_MB", "PHOTO_DECODER_CPU_S", "PHOTO_DECODER_MAX_JOBS"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be a positive whole number")
        # The DansMaRue apps (docs/mobile_apps.md): update prompts, maintenance, news and help.
        self.MOBILE_ANDROID_VERSION_STORE = env("MOBILE_ANDROID_VERSION_STORE") or None
        self.MOBILE_ANDROID_UPDATE_REQUIRED = _bool("MOBILE_ANDROID_UPDATE_REQUIRED", False)
        self.MOBILE_ANDROID_MIN_VERSION = env("MOBILE_ANDROID_MIN_VERSION", "0")
        self.MOBILE_IOS_MIN_VERSION = env("MOBILE_IOS_MIN_VERSION", "0")
        self.MOBILE_ONLINE = _bool("MOBILE_ONLINE", True)
        self.MOBILE_MESSAGE_INFORMATION = env("MOBILE_MESSAGE_INFORMATION", "")
        self.MOBILE_CONTENT_PATH = env("MOBILE_CONTENT_PATH") or None  # news and help (JSON)
        # flask-smorest / OpenAPI
        self.API_TITLE = "DansMaRue API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "/docs"
        self.OPENAPI_SWAGGER_UI_URL = env("OPENAPI_SWAGGER_UI_URL", "/api/docs-assets/")
        self.JSON_SORT_KEYS = False
        self.MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
