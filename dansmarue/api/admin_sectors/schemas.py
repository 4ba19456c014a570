from typing import Any

from geoalchemy2.shape import to_shape
from marshmallow import Schema, fields, validate
from shapely.geometry import mapping

from dansmarue.models import Sector

GEOMETRY = fields.Dict(
    metadata={
        "description": "GeoJSON Polygon or MultiPolygon, WGS84 (lon, lat)",
        "example": {
            "type": "Polygon",
            "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]],
        },
    },
)


class SectorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    number = fields.String(allow_none=True, validate=validate.Length(1, 20))
    geometry = fields.Method("_geometry", deserialize="_load_geometry", required=True)
    unit_ids = fields.List(fields.Integer(), validate=validate.Length(max=500), load_default=list)
    units = fields.Method("_unit_ids", dump_only=True)

    def _geometry(self, sector: Sector) -> dict[str, Any]:
        return mapping(to_shape(sector.geom))

    def _load_geometry(self, value: Any) -> dict[str, Any]:
        return GEOMETRY.deserialize(value)

    def _unit_ids(self, sector: Sector) -> list[int]:
        return sorted(u.id for u in sector.units)


class SectorPatchSchema(SectorSchema):
    name = fields.String(validate=validate.Length(1, 120))
    geometry = fields.Method("_geometry", deserialize="_load_geometry")
    unit_ids = fields.List(fields.Integer(), validate=validate.Length(max=500))


class SectorQuerySchema(Schema):
    unit_id = fields.Integer()
