"""A photo chosen before a refused action is kept, so it need not be chosen again.

When a Service fait form comes back refused (412 someone changed the ticket,
409 the action is no longer allowed, 422 a field is wrong), the uploaded
bytes are kept in Redis for an hour under a random token scoped to the
agent; the re-shown form carries the token (`pending_photo`) and says which
photo is kept. Sending the form again without choosing another photo uses
the kept one. Server-side rather than in the browser because a file input
cannot be refilled by the page, and because the offline replay's conflict
page is rendered by the server too.
"""

import contextlib
import logging
import secrets

from redis.exceptions import RedisError
from werkzeug.datastructures import FileStorage

from dansmarue.platform.redis_client import get_redis

TTL_S = 3600
NAME_MAX = 120
log = logging.getLogger(__name__)


def _key(user_id: int, token: str) -> str:
    return f"agent:pending-photo:{user_id}:{token[:64]}"


def keep(user_id: int, upload: FileStorage | None, token: str | None) -> dict[str, str] | None:
    """Keep `upload` (a new choice) or the photo already kept under `token`.

    Returns {"token", "name"} for the re-shown form, or None when there is none
    (or Redis is down: the form then asks for the photo again, never a 500)."""
    try:
        return _keep(user_id, upload, token)
    except RedisError:
        log.warning("pending photo not kept: Redis unavailable")
        return None


def _keep(user_id: int, upload: FileStorage | None, token: str | None) -> dict[str, str] | None:
    if upload is not None and upload.filename:
        upload.stream.seek(0)
        data = upload.stream.read()
        if data:
            token = secrets.token_urlsafe(18)
            name = (upload.filename or "photo.jpg")[:NAME_MAX]
            get_redis().hset(_key(user_id, token), mapping={"name": name, "data": data})
            get_redis().expire(_key(user_id, token), TTL_S)
            return {"token": token, "name": name}
    if token:
        name = get_redis().hget(_key(user_id, token), "name")
        if isinstance(name, bytes):
            get_redis().expire(_key(user_id, token), TTL_S)
            return {"token": token, "name": name.decode("utf-8", "replace")}
    return None


def load(user_id: int, token: str | None) -> bytes | None:
    """The kept photo's bytes (None when unknown, expired or another agent's)."""
    if not token:
        return None
    try:
        data = get_redis().hget(_key(user_id, token), "data")
    except RedisError:
        log.warning("pending photo not read: Redis unavailable")
        return None
    return data if isinstance(data, bytes) else None


def drop(user_id: int, token: str | None) -> None:
    if token:
        with contextlib.suppress(RedisError):  # else it expires on its own
            get_redis().delete(_key(user_id, token))
