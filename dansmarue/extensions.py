"""Flask extensions, created unbound: the app factory binds them."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api

from dansmarue.models.base import db

migrate = Migrate()
api = Api()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

__all__ = ["db", "migrate", "api", "limiter"]
