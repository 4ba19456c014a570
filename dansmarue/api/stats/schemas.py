"""Query schemas of /api/v1/stats."""

from datetime import timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from dansmarue.models import utcnow
from dansmarue.sla.clock import local_day
from dansmarue.stats.queries import BY
from dansmarue.stats.scheduled import BY as SCHEDULED_BY

MAX_DAYS = 366 * 10


class ScopeSchema(Schema):
    direction_id = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "Direction (admins; managers: la leur)"}
    )


class PeriodSchema(ScopeSchema):
    start = fields.Date(data_key="from", metadata={"description": "Premier jour (heure de Paris)"})
    end = fields.Date(data_key="to", metadata={"description": "Dernier jour inclus"})

    @validates_schema
    def ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError("La date de début doit précéder la date de fin.", "from")
        if start and end and (end - start).days > MAX_DAYS:
            raise ValidationError("Période limitée à dix ans.", "from")

    @post_load
    def defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        # Default: the last three months, like the real dashboard's longest period but one.
        data.setdefault("end", local_day(utcnow()))
        data.setdefault("start", data["end"] - timedelta(days=90))
        return data


class DelaysQuerySchema(PeriodSchema):
    by = fields.String(load_default="direction", validate=validate.OneOf(BY))


class BacklogQuerySchema(ScopeSchema):
    by = fields.String(load_default="direction", validate=validate.OneOf(BY[:-1]))


class ScheduledQuerySchema(ScopeSchema):
    by = fields.String(load_default="direction", validate=validate.OneOf(SCHEDULED_BY))


class OverdueQuerySchema(ScopeSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    after = fields.String(metadata={"description": "Curseur rendu par la page précédente"})


class OpenDataQuerySchema(PeriodSchema):
    pass
