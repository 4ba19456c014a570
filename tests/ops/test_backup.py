"""scripts/backup.sh, restore.sh and restore-check.sh (#14.4), for real, on a
copy of the test database (PostGIS, migrations and reference data)."""

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[2]
SERVER = TEST_DATABASE_URL.rsplit("/", 1)[0]


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"DATABASE_URL": TEST_DATABASE_URL, **env},
    )


@pytest.fixture
def target():
    name = "dansmarue_restore_test"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(drop)
    yield f"{SERVER}/{name}"
    with admin.connect() as connection:
        connection.execute(drop)
    admin.dispose()


def test_restore_check_restores_the_dump_and_finds_it_identical():
    done = run("restore-check.sh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("restore-check: ok (")
    tables = int(done.stdout.split("(")[1].split()[0])
    assert tables >= 30


def test_a_dump_restores_once_and_a_bad_dump_is_refused(tmp_path, target):
    media = tmp_path / "media"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "a.jpg").write_bytes(b"jpeg")
    first = run("backup.sh", str(tmp_path / "b"), MEDIA_ROOT=str(media), BACKUP_KEEP="1")
    assert first.returncode == 0, first.stderr
    os.utime(first.stdout.strip(), (1, 1))  # older, so the next run's trim removes it
    second = run("backup.sh", str(tmp_path / "b"), MEDIA_ROOT=str(media), BACKUP_KEEP="1")
    dump = second.stdout.strip()
    kept = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(kept) == 2 and Path(dump).name in kept and any(k.startswith("media-") for k in kept)

    restored = run("restore.sh", dump, target)
    assert restored.returncode == 0, restored.stderr
    engine = create_engine(target)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM district")) > 0
        assert connection.scalar(text("SELECT postgis_lib_version()"))
    engine.dispose()

    again = run("restore.sh", dump, target)
    assert again.returncode == 1 and "already has" in again.stderr
    broken = tmp_path / "broken.dump"
    broken.write_bytes(Path(dump).read_bytes()[:2000])
    assert run("restore.sh", str(broken), target, FORCE="1").returncode != 0
