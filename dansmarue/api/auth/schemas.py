from marshmallow import Schema, fields, validate

from dansmarue.models import User


class LoginSchema(Schema):
    email = fields.Email(required=True, metadata={"example": "agent@paris.fr"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=512))


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(dump_default="Bearer")
    expires_at = fields.DateTime(required=True)
    role = fields.String(required=True)


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    full_name = fields.String(allow_none=True)
    role = fields.String()
    direction_id = fields.Integer(allow_none=True)
    unit_codes = fields.Method("get_unit_codes")

    def get_unit_codes(self, user: User) -> list[str]:
        return sorted(u.code for u in user.units)


class SignInLinkSchema(Schema):
    email = fields.Email(
        required=True, validate=validate.Length(max=254), metadata={"example": "habitant@example.org"}
    )


class SignInLinkAnswerSchema(Schema):
    detail = fields.String(required=True)
    expires_in_minutes = fields.Integer(required=True)


class SignInTokenSchema(Schema):
    token = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Le jeton du lien reçu par e-mail (…/moi/connexion/<jeton>)"},
    )


class ResidentTokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(dump_default="Bearer")
    expires_at = fields.DateTime(required=True)
    email = fields.String(required=True)
