"""Rate limits beyond the intake's own (issue #21.4).

Every anonymous request shares a per-address budget (RATELIMIT_ANONYMOUS),
the limiter's application limit (all routes together), so a few scrapers of nearby reports cannot slow
everyone else; signed-in staff, health probes and metrics are exempt. Follows,
congratulations and photo uploads also have a budget per report
(RATELIMIT_PER_REPORT), whoever sends them, so no report is flooded.
"""

import hashlib

from flask import current_app, request

UNLIMITED_BLUEPRINTS = {"health", "metrics", "devtools"}
UNLIMITED_ENDPOINTS = {"static", "docs_assets"}


def intake_limit() -> str:
    """The residents intake's own budget, on every channel that creates reports."""
    return current_app.config["RATELIMIT_INTAKE"]


def login_limit() -> str:
    """Password guesses per address, on the API and on the pages alike."""
    return current_app.config["RATELIMIT_LOGIN"]


def anonymous_limit() -> str:
    return current_app.config["RATELIMIT_ANONYMOUS"]


def per_report_limit() -> str:
    return current_app.config["RATELIMIT_PER_REPORT"]


def report_key() -> str:
    return f"report:{(request.view_args or {}).get('reference', '')}"


def photo_report_key() -> str:
    """The mobile photo upload names its report in a header."""
    return f"report-photos:{request.headers.get('incident-id', '').strip()[:20]}"


def signed_in() -> bool:
    """A valid staff bearer token or web session (cached per request)."""
    from dansmarue import web_session
    from dansmarue.api.security import bearer_token, current_user

    user = current_user() if bearer_token() else web_session.current_user()
    return user is not None and user.role in ("agent", "manager", "admin")


def exempt_from_default() -> bool:
    return request.blueprint in UNLIMITED_BLUEPRINTS or request.endpoint in UNLIMITED_ENDPOINTS or signed_in()


def sign_in_email_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN_PER_EMAIL"]


def sign_in_client_limit() -> str:
    return current_app.config["RATELIMIT_SIGN_IN_PER_CLIENT"]


def sign_in_email_key() -> str:
    """The address a sign-in link is asked for (a budget per mailbox, whoever
    asks): the JSON body's, or the residents' page form's."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    # A digest, not the address: flask-limiter logs the key of every refusal.
    digest = hashlib.sha256(str(email or "").strip().lower()[:254].encode()).hexdigest()[:32]
    return f"sign-in:{digest}"
