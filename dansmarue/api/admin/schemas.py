from marshmallow import Schema, fields, validate


class ReasonSchema(Schema):
    id = fields.Integer(dump_only=True)
    label = fields.String(required=True, validate=validate.Length(3, 300))
    active = fields.Boolean(load_default=True)
    sort_order = fields.Integer(load_default=0)


class ReasonPatchSchema(ReasonSchema):
    label = fields.String(validate=validate.Length(3, 300))
    active = fields.Boolean()
    sort_order = fields.Integer()


class MessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    category_id = fields.Integer(allow_none=True, load_default=None,
                                 metadata={"description": "None: every category"})
    title = fields.String(required=True, validate=validate.Length(3, 120))
    message = fields.String(required=True, validate=validate.Length(3, 4000))
    active = fields.Boolean(load_default=True)
    sort_order = fields.Integer(load_default=0)


class MessagePatchSchema(MessageSchema):
    category_id = fields.Integer(allow_none=True)
    title = fields.String(validate=validate.Length(3, 120))
    message = fields.String(validate=validate.Length(3, 4000))
    active = fields.Boolean()
    sort_order = fields.Integer()


class MessageQuerySchema(Schema):
    category_id = fields.Integer()
