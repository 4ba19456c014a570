from marshmallow import Schema, fields, validate


class ResolveSchema(Schema):
    """Who declares: the reporter's tracking token or account guid (an e-mail
    address alone proves nothing), or staff in scope with a bearer token."""

    guid = fields.String(validate=validate.Length(1, 64))
    email = fields.Email(metadata={"description": "ignored unless the token is sent too"})
    token = fields.String(
        validate=validate.Length(1, 64), metadata={"description": "the report's secret tracking token"}
    )
    comment = fields.String(validate=validate.Length(max=2000))


class ResolvedSchema(Schema):
    reference = fields.String()
    state = fields.String()
    closed = fields.Boolean()
