"""Read and check a city pack (the files of `flask city import`), without the database.

A pack is a folder (formats in docs/city.md):
  city.toml            the city profile (dansmarue/city.py)
  districts.geojson    number, name [, official_name, postal_code, insee_code]
  subdistricts.geojson optional: number, name, district [, insee_code]
  units.csv            code, label, kind, parent, email
  sectors.geojson      optional: number, name, units (codes separated by spaces)
  categories.csv       type, label, unit, agent_only, sensitive_photo,
                       default_priority, public_max_age_days, out_of_scope_message
  sla_targets.csv      the format of data/sla_targets.csv (data/SLA_TARGETS.md)

Every problem is collected with its file and line (or feature number), so
that one run lists them all; `CityPackError` carries the list.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlalchemy import Column, String, Table

from dansmarue import city
from dansmarue.models import Category, District, Quartier, Sector, Unit
from dansmarue.models.organisation import UNIT_KINDS
from dansmarue.sla.targets import PRIORITIES, TargetsFileError, load_targets
from geo import repair_polygonal

TRUE, FALSE = {"1", "true", "oui", "yes"}, {"", "0", "false", "non", "no"}
UNIT_COLUMNS = ("code", "label", "kind", "parent", "email")
CATEGORY_COLUMNS = (
    "type",
    "label",
    "unit",
    "agent_only",
    "sensitive_photo",
    "default_priority",
    "public_max_age_days",
    "out_of_scope_message",
)


class CityPackError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Area:
    number: str
    name: str
    wkb_hex: str
    extra: dict = field(default_factory=dict)


@dataclass
class CityPack:
    folder: Path
    profile: city.CityProfile
    districts: list[Area]
    subdistricts: list[Area]
    units: list[dict]
    sectors: list[Area] | None  # None: one seed sector per direction and district
    categories: list[dict]
    sla_path: Path


def read(folder: str | Path) -> CityPack:
    """The checked pack; CityPackError lists every problem found."""
    folder = Path(folder)
    problems: list[str] = []
    try:
        profile = city.load(str(folder / "city.toml"))
    except city.CityProfileError as error:
        raise CityPackError([str(error)]) from None
    districts = _areas(
        folder / "districts.geojson",
        problems,
        required=True,
        integer=True,
        extra=("official_name", "postal_code", "insee_code"),
        table=District.__table__,
    )
    numbers = {int(d.number) for d in districts}
    for group in profile.district_groups:
        for missing in sorted(set(group.districts) - numbers):
            problems.append(
                f"city.toml: district group {group.name!r} names district "
                f"{missing}, absent from districts.geojson"
            )
    subdistricts = _areas(
        folder / "subdistricts.geojson",
        problems,
        required=False,
        integer=True,
        extra=("district", "insee_code"),
        table=Quartier.__table__,
    )
    for area in subdistricts:
        if _int(area.extra.get("district")) not in numbers:
            problems.append(
                f"subdistricts.geojson: feature {area.number}: district "
                f"{area.extra.get('district')!r} is not in districts.geojson"
            )
    units = _units(folder / "units.csv", problems)
    codes = {u["code"] for u in units}
    sectors = None
    if (folder / "sectors.geojson").exists():
        sectors = _areas(
            folder / "sectors.geojson",
            problems,
            required=True,
            integer=False,
            extra=("units",),
            table=Sector.__table__,
        )
        for area in sectors:
            for code in str(area.extra.get("units") or "").split():
                if code not in codes:
                    problems.append(f"sectors.geojson: sector {area.number}: unknown unit {code!r}")
    categories = _categories(folder / "categories.csv", codes, problems)
    sla_path = folder / "sla_targets.csv"
    _check_sla(sla_path, categories, problems)
    if problems:
        raise CityPackError(problems)
    return CityPack(folder, profile, districts, subdistricts, units, sectors, categories, sla_path)


def _int(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 32768 else None


def _max_length(column: Column[Any]) -> int:
    """The length of a `String(n)` column: the longest value a file may give."""
    kind = column.type
    assert isinstance(kind, String) and kind.length is not None  # the models declare String(n)
    return kind.length


def _too_long(table: Table, values: dict[str, object]) -> str | None:
    """The first value longer than its column of `table` allows."""
    for key, value in values.items():
        column = table.c.get(key)
        length = getattr(getattr(column, "type", None), "length", None)
        if length and len(str(value)) > length:
            return f"{key} is longer than {length} characters"
    return None


def _areas(
    path: Path, problems: list[str], *, required: bool, integer: bool, extra: tuple[str, ...], table: Table
) -> list[Area]:
    if not path.exists():
        if required:
            problems.append(f"{path.name}: missing")
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(f"{path.name}: not JSON ({error})")
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(f"{path.name}: not a GeoJSON FeatureCollection")
        return []
    areas, seen = [], set()
    for index, feature in enumerate(doc.get("features") or [], start=1):
        where = f"{path.name}: feature {index}"
        props = (feature or {}).get("properties") or {}
        number = _int(props.get("number")) if integer else str(props.get("number") or "").strip()
        if not number or (isinstance(number, str) and len(number) > 20):
            problems.append(
                f"{where}: number must be "
                + ("an integer from 1 to 32767" if integer else "a code of 1-20 characters")
            )
            continue
        if number in seen:
            problems.append(f"{where}: number {number} repeats an earlier feature")
            continue
        seen.add(number)
        name = str(props.get("name") or "").strip()
        values = {key: props[key] for key in extra if props.get(key) is not None}
        if not name:
            problems.append(f"{where}: name is missing")
            continue
        too_long = _too_long(table, {"name": name} | values)
        if too_long:
            problems.append(f"{where}: {too_long}")
            continue
        try:
            geometry, report = repair_polygonal(shape(feature["geometry"]))
        except Exception as error:  # shapely raises several types on bad input
            problems.append(f"{where}: unreadable geometry ({error})")
            continue
        if geometry is None:
            problems.append(f"{where}: no area left in the geometry ({report.reason})")
            continue
        areas.append(Area(str(number), name, geometry.wkb_hex, values))
    if required and not areas and not problems:
        problems.append(f"{path.name}: no feature")
    return areas


def _rows(path: Path, columns: tuple[str, ...], problems: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.exists():
        problems.append(f"{path.name}: missing")
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            problems.append(f"{path.name}:1: missing columns {', '.join(sorted(missing))}")
            return
        for row in reader:
            yield reader.line_num, {k: (row.get(k) or "").strip() for k in columns}


def _units(path: Path, problems: list[str]) -> list[dict]:
    rows, codes = [], set()
    for line, row in _rows(path, UNIT_COLUMNS, problems):
        where = f"{path.name}:{line}"
        if not row["code"] or len(row["code"]) > _max_length(Unit.__table__.c.code):
            problems.append(f"{where}: code is missing or too long")
        elif row["code"] in codes:
            problems.append(f"{where}: code {row['code']} repeats an earlier line")
        elif row["kind"] not in UNIT_KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(UNIT_KINDS)}")
        elif not row["label"] or len(row["label"]) > _max_length(Unit.__table__.c.label):
            problems.append(f"{where}: label is missing or too long")
        elif row["parent"] and row["parent"] not in codes:
            problems.append(f"{where}: parent {row['parent']!r} must be a unit of an earlier line")
        elif row["email"] and (
            "@" not in row["email"] or len(row["email"]) > 254 or any(c in row["email"] for c in " ,;\r\n")
        ):
            problems.append(f"{where}: email {row['email']!r} is not one address")
        else:
            codes.add(row["code"])
            rows.append(row)
    return rows


def _flag(value: str) -> bool | None:
    value = value.lower()
    return True if value in TRUE else False if value in FALSE else None


def _categories(path: Path, unit_codes: set[str], problems: list[str]) -> list[dict]:
    rows, seen = [], set()
    limit = _max_length(Category.__table__.c.label)
    for line, row in _rows(path, CATEGORY_COLUMNS, problems):
        where = f"{path.name}:{line}"
        flags = {k: _flag(row[k]) for k in ("agent_only", "sensitive_photo")}
        priority = _int(row["default_priority"] or "2")
        max_age = _int(row["public_max_age_days"] or "90")
        if not row["type"] or not row["label"] or max(len(row["type"]), len(row["label"])) > limit:
            problems.append(f"{where}: type and label are required ({limit} characters at most)")
        elif (row["type"], row["label"]) in seen:
            problems.append(f"{where}: {row['type']} / {row['label']} repeats an earlier line")
        elif row["unit"] not in unit_codes:
            problems.append(f"{where}: unit {row['unit']!r} is not in units.csv")
        elif None in flags.values():
            problems.append(f"{where}: agent_only and sensitive_photo are true/false")
        elif priority not in PRIORITIES:
            problems.append(f"{where}: default_priority must be one of {PRIORITIES}")
        elif max_age is None:
            problems.append(f"{where}: public_max_age_days must be a positive integer")
        else:
            seen.add((row["type"], row["label"]))
            rows.append(row | flags | {"default_priority": priority, "public_max_age_days": max_age})
    return rows


def _check_sla(path: Path, categories: list[dict], problems: list[str]) -> None:
    if not path.exists():
        problems.append(f"{path.name}: missing")
        return
    try:
        table = load_targets(path)
    except TargetsFileError as error:
        problems.append(str(error).replace(str(path), path.name))
        return
    for row in categories:
        try:
            table.resolve((row["type"], row["label"]), None)
        except LookupError:
            problems.append(
                f"{path.name}: no target for type {row['type']!r} " f"(categories.csv: {row['label']!r})"
            )
