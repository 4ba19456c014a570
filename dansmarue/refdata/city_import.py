"""`flask city import`: write a checked city pack into the database.

Upserts by natural key (district and sub-district numbers, unit codes, sector
numbers, "type:label" of categories), so a second run changes nothing. The
caller commits once: a pack is loaded whole or not at all. Rows absent from
the pack are kept (reports may point at them); deactivate them instead.
"""

from sqlalchemy import select, text

from dansmarue.catalogue import agent_texts
from dansmarue.models import Unit, db
from dansmarue.refdata import loader
from dansmarue.refdata.city_pack import Area, CityPack
from dansmarue.refdata.sla import load_sla
from dansmarue.refdata.sources import CategorySeed

GEOM_SQL = loader.GEOM_SQL


def import_pack(pack: CityPack, progress: loader.Progress = loader._plain) -> dict[str, int]:
    """Load every file of the pack; returns counts per kind. Does not commit."""
    counts = {
        "districts": _districts(pack, progress),
        "subdistricts": _subdistricts(pack, progress),
        "units": loader.upsert_units(pack.units, progress),
    }
    counts["sectors"] = (
        _sectors(pack.sectors, progress)
        if pack.sectors is not None
        else loader.seed_sectors(pack.profile.district_groups, progress)
    )
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    counts["categories"] = loader.upsert_categories([_seed(row) for row in pack.categories], units, progress)
    counts["sla_targets"] = load_sla(progress, path=pack.sla_path)
    counts["agent_catalogues"] = sum(agent_texts.seed_defaults().values())
    db.session.flush()
    return counts


def _districts(pack: CityPack, progress: loader.Progress) -> int:
    rows = []
    for area in pack.districts:
        group = pack.profile.group_of(int(area.number))
        rows.append(
            {
                "id": int(area.number),
                "name": area.name,
                "official": area.extra.get("official_name") or area.name,
                "insee": str(area.extra.get("insee_code") or area.number),
                "postal": str(area.extra.get("postal_code") or ""),
                "group": group.name if group else None,
                "geom": area.wkb_hex,
            }
        )
    return loader._execute_many(
        f"""
        INSERT INTO district (id, insee_code, name, official_name, group_name, postal_code, geom)
        VALUES (:id, :insee, :name, :official, :group, :postal, {GEOM_SQL})
        ON CONFLICT (id) DO UPDATE SET insee_code = EXCLUDED.insee_code, name = EXCLUDED.name,
          official_name = EXCLUDED.official_name, group_name = EXCLUDED.group_name,
          postal_code = EXCLUDED.postal_code, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Districts",
    )


def _subdistricts(pack: CityPack, progress: loader.Progress) -> int:
    rows = [
        {
            "id": int(a.number),
            "name": a.name,
            "district": int(a.extra["district"]),
            "insee": str(a.extra.get("insee_code") or a.number),
            "geom": a.wkb_hex,
        }
        for a in pack.subdistricts
    ]
    return loader._execute_many(
        f"""
        INSERT INTO quartier (id, insee_code, name, district_id, geom)
        VALUES (:id, :insee, :name, :district, {GEOM_SQL})
        ON CONFLICT (id) DO UPDATE SET insee_code = EXCLUDED.insee_code, name = EXCLUDED.name,
          district_id = EXCLUDED.district_id, geom = EXCLUDED.geom""",
        rows,
        progress,
        "Sub-districts",
    )


def _sectors(sectors: list[Area], progress: loader.Progress) -> int:
    for area in progress(sectors, "Secteurs"):
        sector_id = db.session.execute(
            text(f"""
            INSERT INTO sector (name, number, geom) VALUES (:name, :number, {GEOM_SQL})
            ON CONFLICT (number) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom
            RETURNING id"""),
            {"name": area.name, "number": area.number, "geom": area.wkb_hex},
        ).scalar_one()
        db.session.execute(text("DELETE FROM unit_sector WHERE sector_id = :s"), {"s": sector_id})
        db.session.execute(
            text("""
            INSERT INTO unit_sector (unit_id, sector_id)
            SELECT id, :s FROM unit WHERE code = ANY(:codes)"""),
            {"s": sector_id, "codes": str(area.extra.get("units") or "").split()},
        )
    return len(sectors)


def _seed(row: dict) -> CategorySeed:
    return CategorySeed(
        type_label=row["type"],
        label=row["label"],
        unit_name=row["unit"],
        agent_only=row["agent_only"],
        sensitive_photo=row["sensitive_photo"],
        skip_qualification=False,
        default_priority=row["default_priority"],
        public_max_age_days=row["public_max_age_days"],
        out_of_scope_message=row["out_of_scope_message"] or None,
    )
