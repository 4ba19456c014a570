"""Query schema of /api/v1/me."""

from marshmallow import Schema, fields, validate

from dansmarue.api.fields import CleanString
from dansmarue.models.limits import TEXT_LIMITS


class MeQuerySchema(Schema):
    guid = CleanString(
        max_length=TEXT_LIMITS["guid"],
        metadata={"description": "L'identifiant de compte des applications (ses propres signalements)"},
    )
    email = fields.Email(
        validate=validate.Length(max=TEXT_LIMITS["email"]),
        metadata={"description": "Refusé sans connexion (401) ; connecté, doit être l'adresse du résident"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 100))
