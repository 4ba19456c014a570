"""The dashboard's state, read from the query string (so a view can be shared).

Parsed with marshmallow like the API's query arguments; a bad value becomes
a field-by-field 422 (shown as a French page by the blueprint). A manager is
always held to their own direction, whatever the URL says.
"""
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from dansmarue.errors import Forbidden, Unprocessable, field_errors
from dansmarue.models import User

PERIODS = {4: "4 dernières semaines", 12: "12 dernières semaines",
           26: "6 derniers mois", 52: "12 derniers mois"}
SORTS = {"late": "Retard", "due": "Échéance", "category": "Catégorie", "unit": "Unité"}
ORDERS = {"asc": "croissant", "desc": "décroissant"}
PAGE_SIZE = 25
MAX_PAGE = 10_000


class DashboardArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    period = fields.Integer(load_default=12, validate=validate.OneOf(list(PERIODS)),
                            error_messages={"invalid": "Période invalide."})
    direction = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    unit = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    category = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    district = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=20))
    sort = fields.String(load_default="late", validate=validate.OneOf(list(SORTS)))
    order = fields.String(load_default="desc", validate=validate.OneOf(list(ORDERS)))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


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

    def query(self, **changes) -> str:
        """This state (with `changes`) as a query string, defaults left out."""
        state = replace(self, **changes)
        defaults = Filters()
        pairs = [(k, v) for k, v in vars(state).items()
                 if v is not None and v != getattr(defaults, k)]
        return urlencode(pairs)

    def sort_link(self, column: str) -> str:
        """Clicking the current column flips the order; another column starts descending
        for lateness, ascending otherwise."""
        if column == self.sort:
            order = "asc" if self.order == "desc" else "desc"
        else:
            order = "desc" if column == "late" else "asc"
        return self.query(sort=column, order=order, page=1)


def parse(args, user: User) -> Filters:
    """Filters from request args (blank values mean "all"), scoped to `user`."""
    raw = {k: v for k, v in args.items() if v not in ("", None)}
    try:
        data = DashboardArgsSchema().load(raw)
    except ValidationError as error:
        raise Unprocessable("Certains filtres sont invalides.",
                            errors=field_errors(error.messages, "query")) from None
    filters = Filters(**data)
    if user.role == "manager":
        if filters.direction not in (None, user.direction_id):
            raise Forbidden("Vous ne pouvez consulter que votre direction.")
        filters = replace(filters, direction=user.direction_id)
    return filters
