"""#19.17: a restart skips an unchanged reference-data load."""

from pathlib import Path

from dansmarue import create_app
from dansmarue.models import db
from dansmarue.refdata import fingerprint
from tests.conftest import test_config as base_config

LYON = Path(__file__).resolve().parents[2] / "data" / "cities" / "lyon" / "city.toml"


def test_the_fingerprint_follows_the_city_profile(app, tmp_path_factory):
    with app.app_context():
        paris = fingerprint.compute()
        assert fingerprint.compute() == paris and len(paris) == 64
    lyon = create_app(base_config(tmp_path_factory) | {"CITY_PROFILE": str(LYON)})
    with lyon.app_context():
        assert fingerprint.compute() != paris


def test_an_unchanged_load_is_skipped(app):
    with app.app_context():
        current = fingerprint.compute()
        fingerprint.store(db.session, current)
        db.session.commit()  # what the last real load leaves behind
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["data", "load"])
    assert result.exit_code == 0, result.output
    assert f"reference data unchanged (fingerprint {current[:12]}): load skipped" in result.output
    assert "districts:" not in result.output
