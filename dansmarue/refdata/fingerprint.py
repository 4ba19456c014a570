"""A fingerprint of everything `flask data load` reads, so that a restart of
`make run` skips a load that would change nothing (16-25 s otherwise).

It covers the data files, the city profile and the loader's own code (a new
loader may load the same files differently). Stored in `refdata_state`.
"""

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

from dansmarue import city
from dansmarue.models import utcnow
from dansmarue.refdata import sources

PACKAGE = Path(__file__).resolve().parent
CODE = [*sorted(PACKAGE.glob("*.py")), PACKAGE.parent / "catalogue" / "agent_text_seeds.py"]


def compute() -> str:
    digest = hashlib.sha256()
    data = Path(sources.DATA_DIR)
    files = sorted(p for p in data.iterdir() if p.is_file())  # cities/ are packs of their own
    for path in [*files, Path(city.current().path), *CODE]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored(session: Session | scoped_session[Any]) -> str | None:
    return session.execute(text("SELECT fingerprint FROM refdata_state WHERE id = 1")).scalar()


def store(session: Session | scoped_session[Any], fingerprint: str) -> None:
    session.execute(
        text("""
        INSERT INTO refdata_state (id, fingerprint, loaded_at) VALUES (1, :f, :at)
        ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                                       loaded_at = EXCLUDED.loaded_at"""),
        {"f": fingerprint, "at": utcnow()},
    )
