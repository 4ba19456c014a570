from marshmallow import Schema, fields, validate

from dansmarue.models.limits import TEXT_LIMITS


class ResolveSchema(Schema):
    """Who declares: the reporter's tracking token or account guid (an e-mail
    address alone proves nothing), or staff in scope with a bearer token."""

    guid = fields.String(validate=validate.Length(1, TEXT_LIMITS["guid"]))
    email = fields.Email(
        validate=validate.Length(max=TEXT_LIMITS["email"]),
        metadata={"description": "ignored unless the token is sent too"},
    )
    token = fields.String(
        validate=validate.Length(1, 64), metadata={"description": "the report's secret tracking token"}
    )
    comment = fields.String(validate=validate.Length(max=TEXT_LIMITS["comment"]))


class ResolvedSchema(Schema):
    reference = fields.String()
    state = fields.String()
    closed = fields.Boolean()
