from marshmallow import Schema, fields, validate

from dansmarue.models import Unit
from dansmarue.models.organisation import UNIT_KINDS

WEBHOOK_URL = fields.Url(
    allow_none=True,
    schemes={"https", "http"},
    require_tld=False,
    validate=validate.Length(max=2000),
    metadata={"description": "Contractors: where new reports are posted"},
)


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(2, 60))
    label = fields.String(required=True, validate=validate.Length(2, 200))
    kind = fields.String(load_default="service", validate=validate.OneOf(UNIT_KINDS))
    parent_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "None: a direction"}
    )
    open_data_name = fields.String(allow_none=True, validate=validate.Length(max=80))
    email = fields.Email(
        allow_none=True, validate=validate.Length(max=254), metadata={"description": "Mailbox"}
    )
    webhook_url = WEBHOOK_URL
    webhook_secret = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(16, 128),
        metadata={"description": "Signs the web hook's calls; write-only"},
    )
    has_webhook_secret = fields.Method("_has_secret", dump_only=True)
    contractor_without_ws = fields.Boolean()
    active = fields.Boolean()

    def _has_secret(self, unit: Unit) -> bool:
        return bool(unit.webhook_secret)


class UnitPatchSchema(UnitSchema):
    code = fields.String(validate=validate.Length(2, 60))
    label = fields.String(validate=validate.Length(2, 200))
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
    parent_id = fields.Integer(allow_none=True, metadata={"description": "A new parent moves the unit"})


class UnitQuerySchema(Schema):
    parent_id = fields.Integer()
    active = fields.Boolean()
    kind = fields.String(validate=validate.OneOf(UNIT_KINDS))
