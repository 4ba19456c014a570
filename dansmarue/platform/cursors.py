"""One pagination cursor format for every keyset-paginated list.

A cursor is opaque to clients: url-safe base64 of ``[kind, key, id]``, where
`kind` names the ordering (so a cursor of one list is refused by another),
`key` the sort value of the last row (an ISO 8601 datetime, a number or
null) and `id` its tie-breaker. A malformed cursor is a 422 on the
parameter that carried it.
"""

import base64
import json
import math
from datetime import datetime

from dansmarue.errors import Unprocessable

MESSAGE = "Curseur de pagination invalide."
MAX_LENGTH = 500  # a cursor is a few dozen characters; longer is not one of ours


def encode(kind: str, key: datetime | float | str | None, ident: int) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([kind, key, ident]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(
    cursor: str, kind: str, key_type: type, *, nullable: bool = False, parameter: str = "cursor"
) -> tuple:
    """(key, id) of a cursor made by `encode(kind, ...)`; `key_type` is datetime or float."""
    try:
        tag, key, ident = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if tag != kind or isinstance(ident, bool) or not isinstance(ident, int):
            raise ValueError(tag)
        if key is None:
            if not nullable:
                raise ValueError(key)
        elif key_type is datetime:
            key = datetime.fromisoformat(key)
        else:
            key = float(key)
            if not math.isfinite(key):
                raise ValueError(key)
        return key, ident
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        raise Unprocessable(
            MESSAGE, errors=[{"field": parameter, "message": MESSAGE, "location": "query"}]
        ) from None
