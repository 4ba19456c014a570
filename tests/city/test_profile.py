"""The city profile: Paris by default, another city by a file, errors that name the key."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dansmarue import city, create_app
from dansmarue.city import CityProfileError
from dansmarue.reports import references
from dansmarue.sla import clock
from tests.conftest import test_config as base_config

PARIS = Path(city.DEFAULT_PATH).read_text(encoding="utf-8")


def write(tmp_path, text: str) -> str:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_paris_is_the_default_profile():
    paris = city.load(city.DEFAULT_PATH)
    assert (paris.name, paris.time_zone, paris.jurisdiction_id) == ("Paris", "Europe/Paris", "paris.fr")
    assert paris.group_of(3).name == "Paris Centre" and paris.group_of(5) is None
    assert paris.outside_message == "Ce signalement n'est pas situé dans Paris."


def lyon(tmp_path, **replace) -> str:
    text = (
        PARIS.replace('name = "Paris"', 'name = "Lyon"')
        .replace('"Europe/Paris"', '"Europe/Paris"')
        .replace('jurisdiction_id = "paris.fr"', 'jurisdiction_id = "lyon.fr"')
        .replace("pas situé dans Paris", "pas situé à Lyon")
        .replace("counter_width = 6", "counter_width = 5")
        .replace('subdivision = ""', 'subdivision = "57"')
    )
    text = text.split("[[district_groups]]")[0]  # Lyon has no district group
    for old, new in replace.items():
        text = text.replace(old, new)
    return write(tmp_path, text)


def test_an_app_with_another_profile_uses_it_everywhere(tmp_path, tmp_path_factory):
    app = create_app(base_config(tmp_path_factory) | {"CITY_PROFILE": lyon(tmp_path)})
    with app.app_context():
        profile = city.current()
        assert profile.name == "Lyon" and profile.district_groups == ()
        assert references.format_reference("G", 2026, 12, 42) == "G2026L00042"
        # The subdivision's holidays reach the SLA calendar: 26 December is off in Moselle.
        assert clock.calendar().is_holiday(datetime(2026, 12, 26, 10, tzinfo=UTC))
    with create_app(base_config(tmp_path_factory)).app_context():
        assert references.format_reference("G", 2026, 12, 42) == "G2026L000042"
        assert not clock.calendar().is_holiday(datetime(2026, 12, 26, 10, tzinfo=UTC))


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('time_zone = "Europe/Paris"', 'time_zone = "Europe/Lutece"', "city.time_zone"),
        ('country = "FR"', 'country = "XX"', "holidays.country"),
        ('subdivision = "57"', 'subdivision = "99"', "holidays"),
        ("counter_width = 5", "counter_width = 2", "references.counter_width"),
        ('jurisdiction_id = "lyon.fr"', 'jurisdiction_id = ""', "open311.jurisdiction_id"),
        ('name = "Lyon"', 'nom = "Lyon"', "city.name is missing"),
    ],
)
def test_a_wrong_profile_is_refused_naming_the_key(tmp_path, tmp_path_factory, old, new, named):
    path = lyon(tmp_path, **{old: new})
    with pytest.raises(CityProfileError) as refused:
        create_app(base_config(tmp_path_factory) | {"CITY_PROFILE": path})
    assert named in str(refused.value) and path in str(refused.value)


def test_district_groups_must_not_overlap(tmp_path):
    path = write(
        tmp_path, PARIS + '\n[[district_groups]]\nname = "Bis"\nnumber = "01"\n' "districts = [4, 5]\n"
    )
    with pytest.raises(CityProfileError, match=r"district_groups\[1\] repeats a district"):
        city.load(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CityProfileError, match="nowhere.toml"):
        city.load(str(tmp_path / "nowhere.toml"))
