"""Request schemas of /api/v1/reports (unknown body fields are refused)."""

from datetime import UTC
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from dansmarue.api.fields import CleanString, Coordinate, StrictInteger
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.platform import cursors
from dansmarue.platform.limits import INT_MAX
from dansmarue.reports.intake import RESIDENT_ORIGINS
from dansmarue.workflow.states import PUBLIC_STATES, STATES

MAX_ID = INT_MAX
TOKEN_CHARS = validate.Regexp(r"^[A-Za-z0-9._:-]+$", error="Caractères autorisés : A-Z a-z 0-9 . _ : -")


class ReportCreateSchema(Schema):
    """A new report; field names follow `services.reports.create_report`."""

    class Meta:
        unknown = RAISE

    category_id = StrictInteger(required=True, validate=validate.Range(1, MAX_ID))
    latitude = Coordinate(-90, 90, required=True)
    longitude = Coordinate(-180, 180, required=True)
    priority = StrictInteger(
        validate=validate.Range(1, 3), metadata={"description": "1 Dangereux, 2 Gênant, 3 Peu gênant"}
    )
    description = CleanString(max_length=TEXT_LIMITS["description"], multiline=True)
    address = CleanString(max_length=TEXT_LIMITS["address"])
    address_precision = CleanString(max_length=TEXT_LIMITS["address_precision"])
    reporter_email = fields.Email(data_key="email", validate=validate.Length(max=TEXT_LIMITS["email"]))
    reporter_guid = CleanString(data_key="guid", max_length=TEXT_LIMITS["guid"])
    reporter_udid = CleanString(data_key="udid", max_length=TEXT_LIMITS["udid"])
    origin = fields.String(
        load_default="S",
        validate=validate.OneOf(RESIDENT_ORIGINS),
        metadata={"description": "A iOS, G Android, S web"},
    )
    client_uuid = fields.String(
        validate=[validate.Length(min=8, max=64), TOKEN_CHARS],
        metadata={"description": "Client-made id: retries replay"},
    )

    @post_load
    def normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("reporter_email"):
            data["reporter_email"] = data["reporter_email"].strip().lower()
        # Empty strings mean "not given".
        return {k: v for k, v in data.items() if v not in ("", None)}


class PhotoFilesSchema(Schema):
    """Up to three photos (multipart only); the type is sniffed from the bytes."""

    class Meta:
        unknown = RAISE

    close = Upload(metadata={"description": "Vue rapprochée"})
    far = Upload(metadata={"description": "Vue d'ensemble"})
    extra = Upload(metadata={"description": "Photo supplémentaire"})


class ReportMultipartSchema(ReportCreateSchema):
    """For the docs: the multipart form, fields plus up to three photos."""

    close = Upload(metadata={"description": "Vue rapprochée (JPEG, PNG, WebP, HEIC, 10 Mo)"})
    far = Upload(metadata={"description": "Vue d'ensemble"})
    extra = Upload(metadata={"description": "Photo supplémentaire"})


INTAKE_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {"schema": ReportCreateSchema},
        "multipart/form-data": {"schema": ReportMultipartSchema},
    },
}


class IntakeHeadersSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=[validate.Length(min=1, max=100), TOKEN_CHARS],
        metadata={"description": "Retries with the same key replay the first answer"},
    )


def _floats(text: str, count: int, name: str) -> list[float]:
    parts = text.split(",")
    if len(parts) != count:
        raise ValidationError(f"{count} nombres séparés par des virgules attendus.", name)
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValidationError("Nombres attendus.", name) from None
    if any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise ValidationError("Nombres finis attendus.", name)
    return values


class ReportSearchSchema(Schema):
    near = fields.String(metadata={"description": "lat,lon"})
    radius = fields.Float(
        load_default=100,
        allow_nan=False,
        validate=validate.Range(1, 1000),
        metadata={"description": "metres, with near (default 100)"},
    )
    bbox = fields.String(metadata={"description": "min_lon,min_lat,max_lon,max_lat"})
    category = fields.List(StrictInteger(validate=validate.Range(1, MAX_ID)))
    state = fields.List(
        fields.String(), metadata={"description": "public label (Reçu, Ouvert, En cours) or state code"}
    )
    since = fields.DateTime()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(validate=validate.Length(max=cursors.MAX_LENGTH))

    @validates_schema
    def check_area(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "near" not in data and "bbox" not in data:
            raise ValidationError("Indiquez near=lat,lon ou bbox=...", "near")

    @post_load
    def convert(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "near" in data:
            lat, lon = _floats(data["near"], 2, "near")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValidationError("Coordonnées hors limites (lat,lon).", "near")
            data["near"] = (lat, lon)
        if "bbox" in data:
            box = _floats(data["bbox"], 4, "bbox")
            if not (-180 <= box[0] < box[2] <= 180 and -90 <= box[1] < box[3] <= 90):
                raise ValidationError("Boîte invalide (min_lon,min_lat,max_lon,max_lat).", "bbox")
            data["bbox"] = tuple(box)
        if "state" in data:
            data["states"] = _state_codes(data.pop("state"))
        if "category" in data:
            data["category_ids"] = data.pop("category")
        if data.get("since") and data["since"].tzinfo is None:
            data["since"] = data["since"].replace(tzinfo=UTC)
        return data


class DuplicatesQuerySchema(Schema):
    category = StrictInteger(required=True, validate=validate.Range(1, MAX_ID))
    near = fields.String(required=True, metadata={"description": "lat,lon"})

    @post_load
    def convert(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        lat, lon = _floats(data["near"], 2, "near")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError("Coordonnées hors limites (lat,lon).", "near")
        return {"category_id": data["category"], "lat": lat, "lon": lon}


def _state_codes(values: list[str]) -> list[str]:
    codes = []
    for value in values:
        matches = [c for c in PUBLIC_STATES if value in (c, STATES[c].public_label)]
        if not matches:
            raise ValidationError(f"État inconnu ou non public : {value[:40]}", "state")
        codes.extend(matches)
    return codes


class PersonSchema(Schema):
    """Who follows or congratulates: an account guid or an e-mail (or a device)."""

    class Meta:
        unknown = RAISE

    guid = CleanString(max_length=TEXT_LIMITS["guid"])
    email = fields.Email(validate=validate.Length(max=TEXT_LIMITS["email"]))
    udid = CleanString(max_length=TEXT_LIMITS["udid"])
    push_token = CleanString(max_length=TEXT_LIMITS["push_token"])


class PersonQuerySchema(Schema):
    guid = CleanString(max_length=TEXT_LIMITS["guid"])
    email = fields.Email(validate=validate.Length(max=TEXT_LIMITS["email"]))
