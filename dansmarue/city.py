"""The city this deployment serves: one profile file, read once.

Everything that differs from one city to the next and is not reference data
(time zone, public holidays, Open311 jurisdiction, the service-area message,
reference counter, district groups...) lives in `data/city.toml` (Paris, the
default) or in the file named by the CITY_PROFILE setting. Code asks
`city.current()`; nothing else spells a city's name.

A foundation module: imports nothing of dansmarue.
"""

import os
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_PATH = str(Path(__file__).resolve().parents[1] / "data" / "city.toml")


class CityProfileError(ValueError):
    """The profile file is missing, unreadable or has a wrong value (named)."""


@dataclass(frozen=True)
class DistrictGroup:
    """Districts shown as one entity (e.g. Paris Centre = 1 to 4)."""

    name: str
    number: str
    districts: tuple[int, ...]


@dataclass(frozen=True)
class CityProfile:
    name: str
    authority: str
    language: str
    time_zone: str
    holiday_country: str
    holiday_subdivision: str | None
    outside_message: str
    reference_counter_width: int
    jurisdiction_id: str
    open311_attribution: str
    open_data_web_channel: str
    map_srid: int
    district_groups: tuple[DistrictGroup, ...]
    path: str

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def group_of(self, district_number: int) -> DistrictGroup | None:
        return next((g for g in self.district_groups if district_number in g.districts), None)


def current() -> CityProfile:
    """The profile of the running app (its CITY_PROFILE setting), else of the
    environment, else Paris's."""
    from flask import current_app, has_app_context

    if has_app_context():
        path = current_app.config.get("CITY_PROFILE") or DEFAULT_PATH
    else:
        path = os.environ.get("CITY_PROFILE") or DEFAULT_PATH
    return load(path)


@lru_cache(maxsize=8)
def load(path: str) -> CityProfile:
    """Read and check a profile; CityProfileError names the first wrong key."""
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except OSError as error:
        raise CityProfileError(f"city profile {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise CityProfileError(f"city profile {path}: {error}") from None
    read = _Reader(raw, path)
    profile = CityProfile(
        name=read.text("city.name"),
        authority=read.text("city.authority"),
        language=read.text("city.language", "fr"),
        time_zone=read.text("city.time_zone"),
        holiday_country=read.text("holidays.country"),
        holiday_subdivision=read.text("holidays.subdivision", "") or None,
        outside_message=read.text("service_area.outside_message"),
        reference_counter_width=read.integer("references.counter_width", 6, low=4, high=9),
        jurisdiction_id=read.text("open311.jurisdiction_id"),
        open311_attribution=read.text("open311.attribution", ""),
        open_data_web_channel=read.text("open_data.web_channel", "Web"),
        map_srid=read.integer("map.srid", 3857, low=1024, high=999_999),
        district_groups=read.groups(),
        path=path,
    )
    _check_zone_and_holidays(profile)
    return profile


def _check_zone_and_holidays(profile: CityProfile) -> None:
    try:
        profile.tz  # noqa: B018 (fail at start, not at the first due date)
    except (ZoneInfoNotFoundError, ValueError):
        raise CityProfileError(
            f"city profile {profile.path}: city.time_zone " f"{profile.time_zone!r} is not an IANA time zone"
        ) from None
    try:
        holidays.country_holidays(profile.holiday_country, subdiv=profile.holiday_subdivision, years=2000)
    except NotImplementedError as error:  # unknown country or subdivision
        raise CityProfileError(
            f"city profile {profile.path}: holidays.country/subdivision "
            f"{profile.holiday_country!r}/{profile.holiday_subdivision!r}: "
            f"{error}"
        ) from None


class _Reader:
    """Typed access to dotted keys, with errors that name the key."""

    _MISSING = object()

    def __init__(self, raw: dict, path: str) -> None:
        self.raw, self.path = raw, path

    def _get(self, key: str, default: Any) -> Any:
        node = self.raw
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is self._MISSING:
                    raise CityProfileError(f"city profile {self.path}: {key} is missing")
                return default
            node = node[part]
        return node

    def text(self, key: str, default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or (default is self._MISSING and not value.strip()):
            raise CityProfileError(f"city profile {self.path}: {key} must be a non-empty text")
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise CityProfileError(f"city profile {self.path}: {key} must be an integer from {low} to {high}")
        return value

    def groups(self) -> tuple[DistrictGroup, ...]:
        items = self._get("district_groups", [])
        if not isinstance(items, list):
            raise CityProfileError(f"city profile {self.path}: district_groups must be a list")
        groups: list[DistrictGroup] = []
        seen: set[int] = set()
        for index, item in enumerate(items):
            key = f"district_groups[{index}]"
            districts = item.get("districts") if isinstance(item, dict) else None
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not isinstance(item.get("number"), str)
                or not isinstance(districts, list)
                or not districts
                or not all(isinstance(n, int) and not isinstance(n, bool) for n in districts)
            ):
                raise CityProfileError(
                    f"city profile {self.path}: {key} needs a name, "
                    "a number (text) and a non-empty list of district numbers"
                )
            if seen & set(districts):
                raise CityProfileError(
                    f"city profile {self.path}: {key} repeats a district " "of an earlier group"
                )
            seen |= set(districts)
            groups.append(DistrictGroup(item["name"], item["number"], tuple(districts)))
        return tuple(groups)


def tz() -> ZoneInfo:
    """The city's time zone (local days, due dates, displayed times)."""
    return current().tz
