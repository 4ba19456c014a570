"""Query schema of /api/v1/me."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dansmarue.api.fields import CleanString
from dansmarue.models.limits import TEXT_LIMITS


class MeQuerySchema(Schema):
    guid = CleanString(max_length=TEXT_LIMITS["guid"])
    email = fields.Email(validate=validate.Length(max=TEXT_LIMITS["email"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 100))

    @validates_schema
    def someone(self, data, **kwargs):
        if not data.get("guid") and not data.get("email"):
            raise ValidationError("Indiquez guid ou email.", "guid")
