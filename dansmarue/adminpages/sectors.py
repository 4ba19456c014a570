"""/admin/sectors: the sectors with a search, each drawn on a map, its polygon
replaced by an uploaded or pasted GeoJSON, renamed, linked to units; `admin.sectors`."""

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dansmarue.admin import sectors as sector_admin
from dansmarue.adminpages import choices, forms, maps
from dansmarue.adminpages.base import PAGE_SIZE, actor, admin_view, bp, form_page, page_args
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.api.admin_sectors.schemas import SectorPatchSchema, SectorSchema
from dansmarue.models import Sector
from dansmarue.platform import jsontext

BAD_JSON = "GeoJSON illisible : collez ou déposez un fichier GeoJSON (Polygon, MultiPolygon ou Feature)."


def _fields(new: bool) -> list[Field]:
    keep = "" if new else " Laissez vide pour garder le polygone actuel."
    return [
        Field("name", "Nom", required=True),
        Field("number", "Numéro"),
        Field("unit_ids", "Unités desservant ce secteur", "multiselect", choices.unit_ids(empty=False)),
        Field(
            "geometry", "Polygone (GeoJSON collé)", "textarea", required=new, hint="WGS84 (lon, lat)." + keep
        ),
        Field("geometry_file", "… ou un fichier GeoJSON", "file"),
    ]


def _values(sector: Sector) -> MultiDict:
    data = MultiDict({"name": sector.name, "number": sector.number or ""})
    for unit in sector.units:
        data.add("unit_ids", str(unit.id))
    return data


def _geometry(raw: str) -> dict[str, Any]:
    """A geometry from pasted or uploaded GeoJSON (a Feature or a one-feature collection too)."""
    try:
        data = jsontext.loads(raw)  # no NaN, no 10 000-level nesting
    except ValueError:
        raise Refused({"geometry": BAD_JSON}) from None
    if (
        isinstance(data, dict)
        and data.get("type") == "FeatureCollection"
        and len(data.get("features") or []) == 1
    ):
        data = data["features"][0]
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict):
        raise Refused({"geometry": BAD_JSON})
    return data


def _read(fields: list[Field]) -> dict[str, Any]:
    values = forms.read(request.form, [f for f in fields if f.kind != "file"])
    upload = request.files.get("geometry_file")
    raw = upload.read().decode("utf-8", "replace") if upload and upload.filename else values.get("geometry")
    if raw:
        values["geometry"] = _geometry(raw)
    else:
        values.pop("geometry", None)
    return values


@bp.get("/sectors")
@admin_view
def sectors() -> str:
    q = request.args.get("q", "").strip().lower()
    every = sector_admin.list_all()
    found = [s for s in every if not q or q in s.name.lower() or q in (s.number or "").lower()]
    page = page_args()
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    def link(number: int) -> str:
        return url_for("adminpages.sectors", q=q or None, page=number)

    return render_template(
        "admin/sectors.html", items=shown, q=q, total=len(found), page=page, page_size=PAGE_SIZE, link=link
    )


@bp.route("/sectors/new", methods=["GET", "POST"])
@admin_view
def sector_new() -> Any:
    fields = _fields(True)
    if request.method == "GET":
        return form_page("admin/sector_form.html", fields, MultiDict())
    try:
        values = forms.load(SectorSchema(), _read(fields))
        who = actor()
        sector = forms.run(lambda: sector_admin.save(values, actor=who), "number")
    except Refused as refused:
        return form_page("admin/sector_form.html", fields, request.form, refused)
    flash(f"Secteur « {sector.name} » créé.")
    return redirect(url_for("adminpages.sector_edit", sector_id=sector.id))


@bp.route("/sectors/<int:sector_id>", methods=["GET", "POST"])
@admin_view
def sector_edit(sector_id: int) -> Any:
    sector = sector_admin.get(sector_id)
    fields = _fields(False)
    tiles = current_app.config.get("AGENT_TILE_URL")
    if request.method == "GET":
        svg = maps.sector_map(sector.id, sector.name, tiles)
        return form_page("admin/sector_form.html", fields, _values(sector), item=sector, svg=svg)
    try:
        values = forms.load(SectorPatchSchema(), _read(fields))
        who = actor()
        forms.run(lambda: sector_admin.save(values, sector_id, actor=who), "number")
    except Refused as refused:
        svg = maps.sector_map(sector.id, sector.name, tiles)
        return form_page("admin/sector_form.html", fields, request.form, refused, item=sector, svg=svg)
    flash(f"Secteur « {sector.name} » enregistré : les nouveaux signalements suivent ce polygone.")
    return redirect(url_for("adminpages.sector_edit", sector_id=sector_id))
