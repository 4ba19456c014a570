"""Query schema of /api/v1/me."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dansmarue.api.fields import CleanString


class MeQuerySchema(Schema):
    guid = CleanString(max_length=64)
    email = fields.Email(validate=validate.Length(max=254))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 100))

    @validates_schema
    def someone(self, data: dict, **kwargs: object) -> None:
        if not data.get("guid") and not data.get("email"):
            raise ValidationError("Indiquez guid ou email.", "guid")
