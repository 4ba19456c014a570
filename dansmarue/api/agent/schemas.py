import base64
import binascii

from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from dansmarue.api.fields import LatLon, RowId
from dansmarue.models import Category, RejectionReason, ServiceDoneMessage, Unit
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.platform import cursors
from dansmarue.workflow.agent_queue import SORTS
from dansmarue.workflow.states import STATE_CODES
from dansmarue.workflow.transitions import MASS_ACTIONS


class Base64Bytes(fields.Field):
    """A file sent inside JSON as base64 (the "done" photo)."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> bytes:
        if not isinstance(value, str):
            raise ValidationError("Chaîne base64 attendue.")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Base64 invalide.") from None


class QueueQuerySchema(Schema):
    state = fields.List(fields.String(validate=validate.OneOf(STATE_CODES)))
    category_id = fields.List(RowId(Category.id))
    unit_id = RowId(Unit.id)
    district = fields.Integer(validate=validate.Range(1, 32767))  # the city's numbers
    overdue = fields.Boolean()
    due_before = fields.AwareDateTime(default_timezone=None)
    q = fields.String(validate=validate.Length(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=cursors.MAX_LENGTH))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    near = LatLon(
        metadata={
            "description": "lat,lon (WGS84): the agent's position; the items then carry "
            "`distance_m`, and the queue is sorted by distance unless `sort` says otherwise",
            "example": "48.8566,2.3522",
        }
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={
            "description": "`due`: due date first, undated last (the default); `newest`: the "
            "latest reported first; `distance`: the nearest first (requires `near`)"
        },
    )

    @validates_schema
    def distance_needs_a_position(self, data: dict, **kwargs: object) -> None:
        if data.get("sort") == "distance" and "near" not in data:
            raise ValidationError("Le tri par distance demande votre position : near=lat,lon.", "near")


class ActionParamsSchema(Schema):
    """Every action parameter; each action accepts only its own (else 422)."""

    date = fields.Date(metadata={"description": "schedule, reschedule (not in the past)"})
    message_id = RowId(ServiceDoneMessage.id, metadata={"description": "done: catalogue message"})
    message = fields.String(validate=validate.Length(max=TEXT_LIMITS["message"]))
    photo = Base64Bytes(metadata={"description": "done: base64 JPEG/PNG/HEIC"})
    reason_id = RowId(RejectionReason.id, metadata={"description": "reject: catalogue reason"})
    reason = fields.String(validate=validate.Length(max=TEXT_LIMITS["reason"]))
    duplicate_of = fields.String(metadata={"description": "mark_duplicate: reference"})
    category_id = RowId(Category.id, metadata={"description": "requalify"})
    latitude = fields.Float(validate=validate.Range(-90, 90))
    longitude = fields.Float(validate=validate.Range(-180, 180))
    address = fields.String(validate=validate.Length(max=TEXT_LIMITS["address"]))
    third_party = fields.String(validate=validate.Length(max=TEXT_LIMITS["third_party"]))
    comment = fields.String(validate=validate.Length(max=TEXT_LIMITS["comment"]))


class ActionPhotoFileSchema(Schema):
    """The multipart form's file part: the 'service done' photo, nothing else."""

    class Meta:
        unknown = RAISE

    photo = Upload(metadata={"description": "done: JPEG/PNG/HEIC file"})


class MassActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(MASS_ACTIONS))
    references = fields.List(
        fields.String(validate=validate.Length(1, 16)), required=True, validate=validate.Length(1, 500)
    )
    params = fields.Nested(ActionParamsSchema, load_default=dict)


class ReportSummarySchema(Schema):
    reference = fields.String()
    state = fields.String()
    state_label = fields.String()
    category = fields.Dict()
    priority = fields.Integer()
    address = fields.String(allow_none=True)
    latitude = fields.Float()
    longitude = fields.Float()
    district = fields.Integer()
    unit = fields.Dict()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    scheduled_for = fields.Date(allow_none=True)
    version = fields.Integer()
    distance_m = fields.Float(metadata={"description": "metres from `near` (only with `near`)"})


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(ReportSummarySchema))
    next_cursor = fields.String(allow_none=True)


class ReportDetailSchema(ReportSummarySchema):
    priority_label = fields.String(allow_none=True)
    public_state = fields.String()
    description = fields.String(allow_none=True)
    address_precision = fields.String(allow_none=True)
    direction_id = fields.Integer()
    sector_id = fields.Integer(allow_none=True)
    special_perimeter_id = fields.Integer(allow_none=True)
    reporter = fields.Dict()
    acknowledged_at = fields.DateTime(allow_none=True)
    ack_due_at = fields.DateTime(allow_none=True)
    resolved_at = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    duplicate_of = fields.String(allow_none=True)
    followers = fields.Integer()
    congratulations = fields.Integer()
    photos = fields.List(fields.Dict())
    history = fields.List(fields.Dict(), metadata={"description": "public history"})
    events = fields.List(fields.Dict(), metadata={"description": "full history"})
    allowed_actions = fields.List(fields.String())


class MassResultSchema(Schema):
    action = fields.String()
    total = fields.Integer()
    succeeded = fields.Integer()
    failed = fields.Integer()
    results = fields.List(fields.Dict())


class CatalogueEntrySchema(Schema):
    id = fields.Integer()
    label = fields.String()
    title = fields.String()
    message = fields.String()
    category_id = fields.Integer(allow_none=True)


class NearbyUnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    label = fields.String()
    kind = fields.String()
    distance_m = fields.Float(metadata={"description": "to the unit's nearest sector"})
    sector_ids = fields.List(fields.Integer())
    current = fields.Boolean(metadata={"description": "the report's unit"})
