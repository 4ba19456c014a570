from marshmallow import Schema, fields, validate


class ResolveSchema(Schema):
    """Who declares: the reporter's account guid or e-mail, or its tracking token."""

    guid = fields.String(validate=validate.Length(1, 64))
    email = fields.Email()
    token = fields.String(validate=validate.Length(1, 64),
                          metadata={"description": "the report's secret tracking token"})
    comment = fields.String(validate=validate.Length(max=2000))


class ResolvedSchema(Schema):
    reference = fields.String()
    state = fields.String()
    closed = fields.Boolean()
