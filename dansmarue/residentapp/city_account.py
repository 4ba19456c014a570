"""The residents' city account (OpenID Connect, e.g. Mon Paris): optional,
off while RESIDENT_OIDC_ISSUER is empty."""

from flask import current_app
from werkzeug.wrappers import Response

from dansmarue.errors import NotFound

DISABLED = "La connexion par le compte de la ville n'est pas proposée ici."


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("RESIDENT_OIDC_ISSUER") and config.get("RESIDENT_OIDC_CLIENT_ID"))


def start(redirect_uri: str) -> Response:
    raise NotFound(DISABLED)


def finish(redirect_uri: str) -> str:
    raise NotFound(DISABLED)
