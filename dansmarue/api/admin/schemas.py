from marshmallow import Schema, fields, validate

from dansmarue.models.requalification import RULE_TARGET_STATES


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
    category_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "None: every category"}
    )
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


class RequalificationRuleSchema(Schema):
    id = fields.Integer(dump_only=True)
    source_unit_id = fields.Integer(
        required=True,
        metadata={"description": "Rule applies to reports of this unit or of any unit below it"},
    )
    category_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "None: every category"}
    )
    target_unit_id = fields.Integer(required=True)
    target_state = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(RULE_TARGET_STATES),
        metadata={"description": "None: usual dispatch by the target unit"},
    )
    active = fields.Boolean(load_default=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class RequalificationRulePatchSchema(RequalificationRuleSchema):
    source_unit_id = fields.Integer()
    category_id = fields.Integer(allow_none=True)
    target_unit_id = fields.Integer()
    target_state = fields.String(allow_none=True, validate=validate.OneOf(RULE_TARGET_STATES))
    active = fields.Boolean()


class RequalificationRuleQuerySchema(Schema):
    source_unit_id = fields.Integer()


class AuditQuerySchema(Schema):
    entity = fields.String(
        validate=validate.Length(1, 40),
        metadata={"description": "user, unit, sector, category, sla_target, rejection_reason, ..."},
    )
    entity_id = fields.String(validate=validate.Length(1, 64))
    actor_id = fields.Integer()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_email = fields.String(allow_none=True)
    entity = fields.String()
    entity_id = fields.String(allow_none=True)
    action = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
