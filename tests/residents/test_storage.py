"""Photo originals: unguessable keys, atomic writes, gone if the transaction fails."""

import os

from sqlalchemy import select

from dansmarue.models import Photo
from dansmarue.platform import storage
from dansmarue.reports import intake
from tests.residents.conftest import ROQUETTE, jpeg_bytes


def _files(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


def test_written_files_are_removed_when_the_transaction_rolls_back(app, session, graffiti):
    root = app.config["MEDIA_ROOT"]
    before = _files(root)
    report = intake.create_report(
        category_id=graffiti.id, photos=[("close", jpeg_bytes()), ("far", jpeg_bytes(fmt="PNG"))], **ROQUETTE
    )
    written = [
        storage.path_of(p.storage_key)
        for p in session.scalars(select(Photo).where(Photo.report_id == report.id))
    ]
    assert len(written) == 2 and all(os.path.exists(p) for p in written)
    session.rollback()
    assert not any(os.path.exists(p) for p in written)
    assert _files(root) == before


def test_committed_files_stay_and_no_temp_file_is_left(app, session):
    key = storage.put_in_transaction(session, "originals", "jpg", b"abc")
    session.commit()
    path = storage.path_of(key)
    with open(path, "rb") as stored:
        assert stored.read() == b"abc"
    assert not [f for f in os.listdir(os.path.dirname(path)) if f.startswith(".tmp-")]
    session.rollback()  # a later rollback does not touch committed files
    assert os.path.exists(path)
    storage.delete(key)


def test_keys_are_random_and_paths_cannot_escape(app):
    with app.app_context():
        keys = {storage.new_key("originals", "jpg") for _ in range(100)}
        assert len(keys) == 100
        assert all(len(k.rsplit("/", 1)[1]) >= 32 for k in keys)
        for bad in ("../etc/passwd", "/etc/passwd", "a/../../b"):
            try:
                storage.path_of(bad)
            except ValueError:
                continue
            raise AssertionError(bad)
