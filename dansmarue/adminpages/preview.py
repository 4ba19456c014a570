"""/admin/preview: which district, sector and unit the intake would route a
point to, for a chosen category: `reports.routing.locate`, the statement
intake runs. A click on the map (admin.js) or the latitude/longitude form."""

from typing import Any

from flask import current_app, render_template, request
from marshmallow import Schema, fields, validate

from dansmarue.admin import units as unit_admin
from dansmarue.adminpages import choices, forms, maps
from dansmarue.adminpages.base import admin_view, bp
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.catalogue import category_admin
from dansmarue.errors import DomainError
from dansmarue.models import District, Sector, db
from dansmarue.reports import routing


class PreviewSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    category_id = fields.Integer(required=True)


def _fields() -> list[Field]:
    return [
        Field("category_id", "Catégorie", "select", choices.categories(leaves_only=True), required=True),
        Field("latitude", "Latitude", "number", required=True),
        Field("longitude", "Longitude", "number", required=True),
    ]


def _route(args: dict[str, Any]) -> dict[str, Any]:
    category = category_admin.get(args["category_id"])
    if category.unit_id is None:
        raise Refused({"category_id": "Cette catégorie n'a pas d'unité responsable."})
    try:
        place = routing.locate(args["longitude"], args["latitude"], category.unit_id)
    except DomainError as error:
        raise Refused({"_form": error.detail}) from None
    return {
        "category": category,
        "district": db.session.get(District, place.district_id),
        "sector": db.session.get(Sector, place.sector_id),
        "unit": unit_admin.get(place.unit_id),
        "direction": unit_admin.get(place.direction_id),
        "perimeter": place.special_perimeter_id,
        "covering": maps.covering_sectors(args["longitude"], args["latitude"]),
    }


@bp.get("/preview")
@admin_view
def preview() -> Any:
    form_fields = _fields()
    given = {k: v for k, v in request.args.items() if k in ("latitude", "longitude", "category_id") and v}
    result = None
    errors: dict[str, str] = {}
    point = None
    status = 200
    if given:
        try:
            args = forms.load(PreviewSchema(), forms.read(request.args, form_fields))
            point = (args["longitude"], args["latitude"])
            result = _route(args)
        except Refused as refused:
            errors, status = refused.errors, 422
    sector_id = result["sector"].id if result else None
    svg = maps.city_map(point, sector_id, current_app.config.get("AGENT_TILE_URL"))
    return render_template(
        "admin/preview.html", fields=form_fields, values=request.args, errors=errors, result=result, svg=svg
    ), status
