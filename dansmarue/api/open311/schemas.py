"""Open311 parameters: an empty parameter counts as absent (spec "Definitions")."""

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from webargs.fields import DelimitedList

from dansmarue import city
from dansmarue.models.limits import TEXT_LIMITS

# Dates a request may name: the windows are computed around them (start + 90
# days, end - 2 hours), which Python's datetime cannot do near year 1 or 9999.
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)
MAX_PAGE = 1_000_000  # page * page_size stays an offset PostgreSQL can read


class W3CDateTime(fields.Field):
    """ISO 8601 / W3C-DTF. The spec wants a zone; a bare date or a naive
    time is read as Paris time rather than refused (lenient on input)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> datetime:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError("Date ISO 8601 attendue, par exemple 2024-05-01T00:00:00Z.") from exc
        if len(str(value).strip()) == 10:
            parsed = datetime.combine(parsed.date(), time())
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=city.tz())
        if not EARLIEST <= parsed < LATEST:
            raise ValidationError("Date entre 1900 et 2999 attendue.")
        return parsed


class Open311Schema(Schema):
    class Meta:
        unknown = EXCLUDE  # clients send api_key, callback, extensions…

    @pre_load
    def drop_empty(self, data: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        items = {}
        for key, value in _items(data):
            if isinstance(value, list) and isinstance(self.fields.get(key), DelimitedList):
                value = ",".join(value)  # status=open&status=closed == status=open,closed
            if value not in ("", None):
                items[key] = value
        return self.prepare(items)

    def prepare(self, data: dict) -> dict:
        return data


def _items(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    # webargs hands a MultiDict proxy; keep repeated values only where lists are expected.
    getlist = getattr(data, "getlist", None)
    for key in data:
        values = getlist(key) if getlist else [data[key]]
        yield key, values if len(values) > 1 else values[0]


class JurisdictionArgs(Open311Schema):
    jurisdiction_id = fields.String()


class RequestsQueryArgs(JurisdictionArgs):
    service_request_id = DelimitedList(fields.String())
    service_code = DelimitedList(fields.String())
    start_date = W3CDateTime()
    end_date = W3CDateTime()
    status = DelimitedList(fields.String(validate=validate.OneOf(["open", "closed"])))
    updated_after = W3CDateTime()
    updated_before = W3CDateTime()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=1000))
    extensions = fields.Boolean(load_default=False)


class RequestQueryArgs(JurisdictionArgs):
    extensions = fields.Boolean(load_default=False)


class UpdatesQueryArgs(JurisdictionArgs):
    api_key = fields.String()
    start_date = W3CDateTime()
    end_date = W3CDateTime()


class CreateRequestForm(JurisdictionArgs):
    """POST requests: `attribute[CODE]=v` pairs are gathered into `attributes`."""

    api_key = fields.String()
    service_code = fields.String()  # checked after the api_key (403 first)
    lat = fields.Float(validate=validate.Range(min=-90, max=90))
    long = fields.Float(validate=validate.Range(min=-180, max=180))
    address_string = fields.String(validate=validate.Length(max=TEXT_LIMITS["address"]))
    address_id = fields.String()
    email = fields.Email(validate=validate.Length(max=TEXT_LIMITS["email"]))
    device_id = fields.String(validate=validate.Length(max=TEXT_LIMITS["udid"]))
    account_id = fields.String(validate=validate.Length(max=TEXT_LIMITS["guid"]))
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String()
    description = fields.String(validate=validate.Length(max=TEXT_LIMITS["description"]))
    media_url = fields.Url(schemes={"http", "https"})
    attributes = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)

    def prepare(self, data: dict) -> dict:
        attributes = {}
        for key in list(data):
            if key.startswith("attribute[") and key.endswith("]"):
                code = key[len("attribute[") : -1].removesuffix("][")
                attributes[code] = data.pop(key)
        data["attributes"] = attributes
        return data
