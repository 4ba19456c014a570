"""The dashboard's state, read from the query string (so a view can be shared).

Parsed with marshmallow like the API's query arguments; a bad value becomes
a field-by-field 422 (shown as a French page by the blueprint). A manager is
always held to their own direction, whatever the URL says.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, TypedDict
from urllib.parse import urlencode

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)
from werkzeug.datastructures import MultiDict

from dansmarue.api.edge import bound, refuse_unknown
from dansmarue.errors import Forbidden, Unprocessable, field_errors
from dansmarue.models import Category, Unit, User, integer_max
from dansmarue.platform.limits import EARLIEST, LATEST

PERIODS = {
    4: "4 dernières semaines",
    12: "12 dernières semaines",
    26: "6 derniers mois",
    52: "12 derniers mois",
}
SORTS = {"late": "Retard", "due": "Échéance", "category": "Catégorie", "unit": "Unité"}
ORDERS = {"asc": "croissant", "desc": "décroissant"}
PAGE_SIZE = 25
MAX_PAGE = 10_000
MAX_RANGE = timedelta(weeks=104)
QUERY_KEYS = {"start": "from", "end": "to"}  # the URL's names of two fields


class DashboardArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    period = fields.Integer(
        load_default=12,
        validate=validate.OneOf(list(PERIODS)),
        error_messages={"invalid": "Période invalide."},
    )
    # Within the columns' range: a larger number would reach a query as an error.
    direction = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=integer_max(Unit.id))
    )
    unit = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=integer_max(Unit.id))
    )
    category = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=integer_max(Category.id))
    )
    district = fields.Integer(load_default=None, allow_none=True, validate=lambda n: _known_district(n))
    start = fields.Date(
        data_key="from",
        load_default=None,
        validate=validate.Range(EARLIEST, LATEST),
        error_messages={"invalid": "Date invalide (AAAA-MM-JJ)."},
    )
    end = fields.Date(
        data_key="to",
        load_default=None,
        validate=validate.Range(EARLIEST, LATEST),
        error_messages={"invalid": "Date invalide (AAAA-MM-JJ)."},
    )
    sort = fields.String(load_default="late", validate=validate.OneOf(list(SORTS)))
    order = fields.String(load_default="desc", validate=validate.OneOf(list(ORDERS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))

    @validates_schema
    def _a_whole_range(self, data: dict, **kwargs: object) -> None:
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise ValidationError(
                "Indiquez les deux dates de la période, ou aucune.", "from" if start is None else "to"
            )
        if start is not None and start > end:
            raise ValidationError("La première date doit précéder la seconde.", "to")
        if start is not None and end - start > MAX_RANGE:
            raise ValidationError("Une période choisie couvre au plus 104 semaines.", "to")


def _known_district(number: int) -> None:
    """One of the city's districts (the map's, cached per process)."""
    from dansmarue.dashboard import districtmap

    if not 0 < number < 32768 or number not in {d.id for d in districtmap.shapes().districts}:
        raise ValidationError("Arrondissement inconnu.")


class Scope(TypedDict):
    """The filters every figure takes as keywords."""

    direction_id: int | None
    unit_id: int | None
    category_id: int | None


@dataclass(frozen=True)
class Filters:
    period: int = 12
    direction: int | None = None
    unit: int | None = None
    category: int | None = None
    district: int | None = None
    sort: str = "late"
    order: str = "desc"
    page: int = 1
    start: date | None = None  # a chosen range replaces `period`
    end: date | None = None

    def scope(self) -> Scope:
        return {"direction_id": self.direction, "unit_id": self.unit, "category_id": self.category}

    def query(self, **changes: Any) -> str:
        """This state (with `changes`) as a query string, defaults left out."""
        state = replace(self, **changes)
        defaults = Filters()
        pairs = [
            (QUERY_KEYS.get(k, k), v.isoformat() if isinstance(v, date) else v)
            for k, v in vars(state).items()
            if v is not None and v != getattr(defaults, k)
        ]
        return urlencode(pairs)

    def sort_link(self, column: str) -> str:
        """Clicking the current column flips the order; another column starts descending
        for lateness, ascending otherwise."""
        if column == self.sort:
            order = "asc" if self.order == "desc" else "desc"
        else:
            order = "desc" if column == "late" else "asc"
        return self.query(sort=column, order=order, page=1)


def parse(args: MultiDict[str, str], user: User) -> Filters:
    """Filters from request args (blank values mean "all"), scoped to `user`."""
    schema = bound(DashboardArgsSchema())
    refuse_unknown(args, (f.data_key or n for n, f in schema.load_fields.items()))  # #19.5
    raw = {k: v for k, v in args.items() if v not in ("", None)}
    try:
        data = schema.load(raw)
    except ValidationError as error:
        raise Unprocessable(
            "Certains filtres sont invalides.", errors=field_errors(error.messages, "query")
        ) from None
    filters = Filters(**data)
    if user.role == "manager":
        if filters.direction not in (None, user.direction_id):
            raise Forbidden("Vous ne pouvez consulter que votre direction.")
        filters = replace(filters, direction=user.direction_id)
    return filters
