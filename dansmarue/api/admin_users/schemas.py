from typing import Any

from marshmallow import Schema, fields, validate

from dansmarue.models import ROLES, User

UNIT_CODES = fields.List(
    fields.String(validate=validate.Length(1, 60)),
    validate=validate.Length(max=200),
    metadata={"description": "Units an agent works for (codes)"},
)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=validate.Length(3, 254))
    full_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    unit_codes = fields.Method("_unit_codes", deserialize="_load_codes", load_default=list)
    direction_code = fields.String(
        allow_none=True,
        load_only=True,
        load_default=None,
        validate=validate.Length(1, 60),
        metadata={"description": "Managers: their direction (a root unit's code)"},
    )
    direction_id = fields.Integer(dump_only=True, allow_none=True)
    send_reset_link = fields.Boolean(
        load_only=True,
        load_default=True,
        metadata={"description": "Mail the new account a one-time link to choose its password"},
    )

    def _unit_codes(self, user: User) -> list[str]:
        return sorted(u.code for u in user.units)

    def _load_codes(self, value: Any) -> list[str]:
        return UNIT_CODES.deserialize(value)


class UserPatchSchema(Schema):
    full_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    unit_codes = UNIT_CODES
    direction_code = fields.String(allow_none=True, validate=validate.Length(1, 60))


class UserQuerySchema(Schema):
    q = fields.String(validate=validate.Length(1, 200), metadata={"description": "Part of e-mail or name"})
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    unit_code = fields.String(validate=validate.Length(1, 60))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class LogoutResultSchema(Schema):
    tokens_revoked = fields.Integer()


class ResetRequestedSchema(Schema):
    expires_at = fields.DateTime()


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(1, 200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 200))
