"""Idempotent load of the reference data into PostGIS (upserts by natural key)."""

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sqlalchemy import select, text

from dansmarue import city
from dansmarue.catalogue import agent_texts as agent_catalogues
from dansmarue.city import DistrictGroup
from dansmarue.models import Category, Unit, db
from dansmarue.refdata import sources
from dansmarue.refdata.sla import load_sla
from dansmarue.refdata.sources import CategorySeed

# Geometries arrive repaired by `geo` as WKB hex MultiPolygons.
GEOM_SQL = "ST_Multi(ST_GeomFromWKB(decode(:geom, 'hex'), 4326))"

Progress = Callable[[Iterable, str], Iterable]
T = TypeVar("T")


def _plain(items: Iterable[T], label: str) -> Iterable[T]:
    return items


def load_all(progress: Progress = _plain) -> dict[str, int]:
    """Load everything; safe to run again (nothing is duplicated)."""
    counts = {
        "districts": load_districts(progress),
        "quartiers": load_quartiers(progress),
        "conseils": load_conseils(progress),
        "units": load_units(progress),
    }
    counts["sectors"] = load_sectors(progress)
    counts["special_perimeters"] = load_special_perimeters(progress)
    counts["categories"] = load_categories(progress)
    counts["sla_targets"] = load_sla(progress)
    # Default rejection reasons and service-done messages (per top-level type).
    counts["agent_catalogues"] = sum(agent_catalogues.seed_defaults().values())
    db.session.commit()
    return counts


def _execute_many(sql: str, rows: list[dict], progress: Progress, label: str) -> int:
    statement = text(sql)
    for row in progress(rows, label):
        db.session.execute(statement, row)
    return len(rows)


def _group_name(district: int) -> str | None:
    group = city.current().group_of(district)
    return group.name if group else None


def load_districts(progress: Progress = _plain) -> int:
    """The arrondissements, each with its group from the city profile (Paris Centre)."""
    rows = [
        {
            "id": int(p["c_ar"]),
            "insee": str(p["c_arinsee"]),
            "name": p["l_ar"],
            "official": p["l_aroff"],
            "postal": f"750{int(p['c_ar']):02d}",
            "group": _group_name(int(p["c_ar"])),
            "geom": geom,
        }
        for p, geom in sources.features("paris_arrondissements.geojson")
    ]
    return _execute_many(
        f"""
        INSERT INTO district (id, insee_code, name, official_name, group_name, postal_code, geom)
        VALUES (:id, :insee, :name, :official, :group, :postal, {GEOM_SQL})
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
          official_name = EXCLUDED.official_name, group_name = EXCLUDED.group_name,
          postal_code = EXCLUDED.postal_code, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Arrondissements",
    )


def load_quartiers(progress: Progress = _plain) -> int:
    rows = [
        {
            "id": int(p["c_qu"]),
            "insee": str(p["c_quinsee"]),
            "name": p["l_qu"],
            "district": int(p["c_ar"]),
            "geom": geom,
        }
        for p, geom in sources.features("paris_quartiers_administratifs.geojson")
    ]
    return _execute_many(
        f"""
        INSERT INTO quartier (id, insee_code, name, district_id, geom)
        VALUES (:id, :insee, :name, :district, {GEOM_SQL})
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
          district_id = EXCLUDED.district_id, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Quartiers",
    )


def load_conseils(progress: Progress = _plain) -> int:
    """The current DMR set: 2017 conseils outside Paris Centre + the 7 of 2020
    (the 2020 file replaces those of the grouped arrondissements)."""
    rows = []
    for p, geom in sources.features("dmr_conseils_quartier_2017.geojson"):
        if _group_name(int(p["numero_arrondissement"])) is not None:
            continue
        rows.append(
            {
                "id": p["id_consqrt"],
                "number": p["numero_consqrt"],
                "name": p["nom_consqrt_v5_0_19"] or p["nom_consqrt"],
                "district": int(p["numero_arrondissement"]),
                "geom": geom,
            }
        )
    for p, geom in sources.features("dmr_conseils_quartier_paris_centre_2020.geojson"):
        rows.append(
            {
                "id": p["id_consqrt"],
                "number": str(p.get("numero_consqrt") or p["id_consqrt"]),
                "name": p["nom_consqrt"],
                "district": 1,
                "geom": geom,
            }
        )
    return _execute_many(
        f"""
        INSERT INTO conseil_quartier (id, number, name, district_id, active, geom)
        VALUES (:id, :number, :name, :district, true, {GEOM_SQL})
        ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number, name = EXCLUDED.name,
          district_id = EXCLUDED.district_id, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Conseils de quartier",
    )


def load_units(progress: Progress = _plain) -> int:
    return upsert_units(sources.csv_rows("units.csv"), progress)


def upsert_units(rows: list[dict], progress: Progress = _plain) -> int:
    """Units by code (parents on earlier rows); Paris's file and city packs alike."""
    by_code = {u.code: u for u in db.session.scalars(select(Unit))}
    for row in progress(rows, "Unités"):
        unit = by_code.get(row["code"]) or Unit(code=row["code"])
        unit.label = row["label"]
        unit.kind = row["kind"]
        unit.open_data_name = row.get("open_data_name") or None
        unit.email = row["email"] or None
        unit.parent = by_code[row["parent"]] if row["parent"] else None
        by_code[row["code"]] = unit
        db.session.add(unit)
    db.session.flush()
    return len(rows)


def load_sectors(progress: Progress = _plain) -> int:
    """No public sector polygons exist: one seed sector per direction and
    territorial entity: each district group of the city profile (Paris Centre),
    then every district outside a group (the 5th to 20th arrondissements)."""
    return seed_sectors(city.current().district_groups, progress)


def seed_sectors(groups: Sequence[DistrictGroup], progress: Progress = _plain) -> int:
    """One sector per direction and territorial entity, linked to the direction's units."""
    names, numbers = [g.name for g in groups], [g.number for g in groups]
    directions = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code)).all()
    for direction in progress(directions, "Secteurs"):
        db.session.execute(
            text("""
            INSERT INTO sector (name, number, geom)
            SELECT :code || ' - ' || t.label, :code || '-' || t.num, t.geom
            FROM (
              SELECT g.label, g.num, ST_Multi(ST_Union(d.geom)) AS geom
              FROM district d
              JOIN unnest(CAST(:names AS text[]), CAST(:numbers AS text[])) AS g(label, num)
                ON d.group_name = g.label
              GROUP BY g.label, g.num
              UNION ALL
              SELECT name, lpad(id::text, 2, '0'), geom FROM district
              WHERE group_name IS NULL
            ) t
            ON CONFLICT (number) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom
        """),
            {"code": direction.code, "names": names, "numbers": numbers},
        )
        db.session.execute(
            text("""
            INSERT INTO unit_sector (unit_id, sector_id)
            SELECT u.id, s.id FROM unit u JOIN sector s ON s.number LIKE :prefix
            WHERE u.parent_id = :direction
            ON CONFLICT DO NOTHING
        """),
            {"prefix": f"{direction.code}-%", "direction": direction.id},
        )
    return db.session.execute(text("SELECT count(*) FROM sector")).scalar_one()


def load_special_perimeters(progress: Progress = _plain) -> int:
    rows = [
        {"name": p["name"], "kind": p["kind"], "unit": p["unit_code"], "geom": geom}
        for p, geom in sources.features("special_perimeters.geojson")
    ]
    # Clipped to the city so that a perimeter never claims a point outside it.
    return _execute_many(
        f"""
        INSERT INTO special_perimeter (name, kind, unit_id, geom)
        SELECT :name, :kind, (SELECT id FROM unit WHERE code = :unit),
               ST_Multi(ST_CollectionExtract(ST_Intersection({GEOM_SQL},
                 (SELECT ST_Union(geom) FROM district)), 3))
        ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind,
          unit_id = EXCLUDED.unit_id, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Périmètres spéciaux",
    )


def load_categories(progress: Progress = _plain) -> int:
    units = {u.open_data_name: u for u in db.session.scalars(select(Unit)) if u.open_data_name}
    return upsert_categories(sources.category_seeds(), units, progress)


def upsert_categories(
    seeds: Sequence[CategorySeed], units: dict[str, Unit], progress: Progress = _plain
) -> int:
    """Types and leaves by their "type:label" key; `units` maps each seed's unit_name."""
    existing = {c.open_data_label: c for c in db.session.scalars(select(Category))}
    type_order: dict[str, int] = {}
    for seed in progress(seeds, "Catégories"):
        parent = existing.get(seed.type_label)
        if parent is None:
            parent = Category(
                label=seed.type_label,
                open_data_label=seed.type_label,
                is_leaf=False,
                sort_order=len(type_order),
            )
            existing[seed.type_label] = parent
            db.session.add(parent)
        type_order.setdefault(seed.type_label, len(type_order))
        leaf = existing.get(seed.open_data_label) or Category(open_data_label=seed.open_data_label)
        existing[seed.open_data_label] = leaf
        leaf.parent = parent
        leaf.label = seed.label
        leaf.is_leaf = True
        leaf.unit = units[seed.unit_name]
        leaf.agent_only = seed.agent_only
        leaf.sensitive_photo = seed.sensitive_photo
        leaf.skip_qualification = seed.skip_qualification
        leaf.default_priority = seed.default_priority
        leaf.public_max_age_days = seed.public_max_age_days
        leaf.out_of_scope = seed.out_of_scope_message is not None
        leaf.out_of_scope_message = seed.out_of_scope_message
        db.session.add(leaf)
    db.session.flush()
    return len(seeds)
