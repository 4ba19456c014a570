"""Request schema of the contractor callback (JSON or form fields)."""

from marshmallow import RAISE, Schema, fields, validate

from dansmarue.models.limits import TEXT_LIMITS


class CallbackSchema(Schema):
    class Meta:
        unknown = RAISE

    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The report's secret token (sent in the " "dispatch message)"},
    )
    status = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={"description": "service fait | rejeter | programmer | requalifier | a requalifier"},
    )
    programming_date = fields.Date(metadata={"description": "Required with programmer; " "today or later"})
    rejection_reason = fields.String(
        validate=validate.Length(max=TEXT_LIMITS["reason"]), metadata={"description": "Required with rejeter"}
    )
    comment = fields.String(validate=validate.Length(max=TEXT_LIMITS["comment"]))
    photo = fields.String(
        validate=validate.Length(max=15 * 1024 * 1024),
        metadata={"description": "Base64 JPEG/PNG: the 'service done' " "photo (only with service fait)"},
    )


class CallbackAnswerSchema(Schema):
    reference = fields.String()
    state = fields.String()
    public_state = fields.String()
