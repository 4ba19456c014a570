"""Logs as one JSON object per line, each carrying the request id it belongs to.

The id is bound per request (dansmarue/observe.py) or per job (the runner reads
the id its outbox row was written with), so one report can be followed from
its intake to its last e-mail: `grep <request id>` over the web and worker logs.
Access lines name the route's rule (`/api/v1/track/<token>`), never the path
or the query, which may hold tokens or e-mail addresses.
"""

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_context: contextvars.ContextVar[dict] = contextvars.ContextVar("log_context")
HANDLER_NAME = "dansmarue-json"


def bind(**values: object) -> None:
    """Fields added to every log line of this request or job (e.g. request_id)."""
    _context.set({**_context.get({}), **values})


def clear() -> None:
    _context.set({})


def current(name: str) -> Any:
    return _context.get({}).get(name)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **{k: v for k, v in _context.get({}).items() if k != "tag_writes"},
        }
        for key, value in getattr(record, "fields", {}).items():
            line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str | int = "INFO", fmt: str = "json") -> None:
    """One stderr handler on the root logger (once per process); "text" keeps
    the classic format for a developer's terminal."""
    root = logging.getLogger()
    if any(h.get_name() == HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    # `flask run`'s request lines print the path (photo keys, tracking tokens):
    # the app's own access line names the route rule instead.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
