"""Bearer-token authentication for routes: `@auth_required(*roles)`.

Put the decorator closest to the view function (below `@blp.route`,
`@blp.arguments`, `@blp.response`). It also documents the operation as
needing the `bearerAuth` scheme in the OpenAPI.
"""

from collections.abc import Callable
from copy import deepcopy
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, request
from flask_smorest import Api, Blueprint

from dansmarue.access import auth
from dansmarue.errors import Forbidden, Unauthorized
from dansmarue.models import User

SCHEME_NAME = "bearerAuth"
P = ParamSpec("P")
R = TypeVar("R")
SCHEME = {"type": "http", "scheme": "bearer", "description": "Jeton obtenu par POST /api/v1/auth/login."}
RESIDENT_SCHEME_NAME = "residentBearer"
RESIDENT_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "Jeton de résident : lien de connexion demandé par POST /api/v1/auth/resident/sign-in-link, "
        "échangé par POST /api/v1/auth/resident/session (ou la session des pages /moi)."
    ),
}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_user() -> User | None:
    """The authenticated user of this request (resolved lazily), or None.

    Cached in the WSGI environ, not only in `g`: an app context (hence `g`)
    may outlive one request, e.g. under the test client.
    """
    key = "dansmarue.current_user"
    if key not in request.environ:
        request.environ[key] = auth.resolve_token(bearer_token())
    g.current_user = request.environ[key]
    return g.current_user


def authenticated_user() -> User:
    """The user of a view behind `auth_required` (401 if none, as there)."""
    user = current_user()
    if user is None:
        raise Unauthorized("Jeton d'accès manquant, invalide ou expiré.")
    return user


def _check(roles: tuple[str, ...]) -> None:
    user = authenticated_user()
    if roles and user.role not in roles:
        raise Forbidden("Votre rôle ne permet pas cette opération.")


def authenticate_first() -> None:
    """before_request: a protected view's caller is checked before its body and
    query are parsed, so an anonymous caller learns nothing of the fields
    (401/403, never a field-level 422). `auth_required` marks the view; the
    marker climbs through flask-smorest's decorators (functools.wraps)."""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    roles = getattr(view, "_auth_roles", None)
    if roles is not None:
        _check(roles)


def auth_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Require a valid bearer token (401) and, if given, one of `roles` (403)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            _check(roles)
            return view(*args, **kwargs)

        apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{SCHEME_NAME: []}]
        responses = manual.setdefault("responses", {})
        responses.setdefault(401, {"description": "Authentification requise"})
        if roles:
            responses.setdefault(403, {"description": "Rôle non autorisé"})
        # Function attributes: the marker read by authenticate_first, the doc by flask-smorest.
        vars(wrapper).update(_auth_roles=roles, _apidoc=apidoc)
        return wrapper

    return decorator


def register_security_scheme(api: Api) -> None:
    """Declare the bearer scheme once per spec (idempotent)."""
    if SCHEME_NAME not in api.spec.components.security_schemes:
        api.spec.components.security_scheme(SCHEME_NAME, SCHEME)


def document_on(blp: Blueprint) -> None:
    """Make a blueprint declare the scheme when registered (any app)."""
    from dansmarue.extensions import api

    blp.record(lambda state: register_security_scheme(api))


def document_resident_auth(blp: Blueprint) -> None:
    """Make a blueprint declare the residents' bearer scheme when registered."""
    from dansmarue.extensions import api

    def register(state: object) -> None:
        if RESIDENT_SCHEME_NAME not in api.spec.components.security_schemes:
            api.spec.components.security_scheme(RESIDENT_SCHEME_NAME, RESIDENT_SCHEME)

    blp.record(register)
