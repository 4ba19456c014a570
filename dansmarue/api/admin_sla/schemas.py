from marshmallow import Schema, fields, validate

from dansmarue.models import PRIORITIES
from dansmarue.sla.calendar import UNITS

AMOUNT = validate.Range(min=0.01, max=99999)


class SlaTargetSchema(Schema):
    id = fields.Integer(dump_only=True)
    category_id = fields.Integer(required=True, metadata={"description": "A leaf category"})
    priority = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(sorted(PRIORITIES)),
        metadata={"description": "None: every priority without a row of its own"},
    )
    ack_amount = fields.Float(required=True, validate=AMOUNT)
    ack_unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    resolve_amount = fields.Float(required=True, validate=AMOUNT)
    resolve_unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    rationale = fields.String(allow_none=True, validate=validate.Length(max=2000))
    source = fields.String(dump_only=True, allow_none=True)


class SlaTargetPatchSchema(SlaTargetSchema):
    category_id = fields.Integer()
    priority = fields.Integer(allow_none=True, validate=validate.OneOf(sorted(PRIORITIES)))
    ack_amount = fields.Float(validate=AMOUNT)
    ack_unit = fields.String(validate=validate.OneOf(UNITS))
    resolve_amount = fields.Float(validate=AMOUNT)
    resolve_unit = fields.String(validate=validate.OneOf(UNITS))


class SlaTargetQuerySchema(Schema):
    category_id = fields.Integer()
