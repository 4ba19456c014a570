"""Photo originals on disk under MEDIA_ROOT, tied to the database transaction.

Keys are random (``secrets.token_urlsafe``), so paths cannot be guessed.
Files are written to a temporary name then renamed (never half-written), and
the files written during a transaction are deleted again if it does not
commit, so a refused or failed request leaves no file behind.
"""

import contextlib
import os
import secrets
import tempfile
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_PENDING = "dansmarue_written_files"


def _root() -> str:
    return current_app.config["MEDIA_ROOT"]


def path_of(key: str) -> str:
    """Absolute path of a stored key (keys never contain '..')."""
    if ".." in key.split("/") or key.startswith("/"):
        raise ValueError("invalid storage key")
    return os.path.join(_root(), key)


def new_key(prefix: str, ext: str) -> str:
    month = datetime.now(UTC).strftime("%Y/%m")
    return f"{prefix}/{month}/{secrets.token_urlsafe(24)}.{ext}"


def write(key: str, data: bytes) -> None:
    """Write atomically: temp file in the same directory, fsync, rename."""
    target = path_of(key)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        _unlink(temp)
        raise


def delete(key: str) -> None:
    _unlink(path_of(key))


def put_in_transaction(session: Session, prefix: str, ext: str, data: bytes) -> str:
    """Store bytes under a fresh key; the file goes away if `session` rolls back."""
    key = new_key(prefix, ext)
    write(key, data)
    session.info.setdefault(_PENDING, []).append(path_of(key))
    return key


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    # Only the outermost transaction decides; after_commit has already
    # emptied the list when it committed, so what is left was rolled back.
    if transaction.parent is None and not transaction.nested:
        for path in session.info.pop(_PENDING, ()):
            _unlink(path)
