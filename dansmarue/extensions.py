"""Flask extensions, created unbound: the app factory binds them."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.arguments import ArgumentsMixin

from dansmarue.models.base import db
from dansmarue.web_request import WireParser

migrate = Migrate()
api = Api()
# Every blueprint's arguments are read by it (set before any route module is imported).
ArgumentsMixin.ARGUMENTS_PARSER = WireParser()


def _anonymous_limit() -> str:
    from dansmarue.api.ratelimits import anonymous_limit

    return anonymous_limit()


def _exempt_from_default() -> bool:
    from dansmarue.api.ratelimits import exempt_from_default

    return exempt_from_default()


# The application limit is every anonymous request's budget, shared by all
# routes (a default limit would count each route apart): api/ratelimits.py.
limiter = Limiter(
    key_func=get_remote_address,
    application_limits=[_anonymous_limit],
    application_limits_exempt_when=_exempt_from_default,
)

__all__ = ["api", "db", "limiter", "migrate"]
