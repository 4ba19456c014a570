"""Form fields of the admin pages: read a posted form into the values the API
schemas load, run the admin service, and turn every refusal into French
messages field by field (the form shows them next to what the admin typed).

The pages load the same marshmallow schemas as `/api/v1/admin/*`, with the
same edge bounds (`api.edge.bound`), and call the same services.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from dansmarue.api.edge import bound, unstorable_text
from dansmarue.errors import Conflict, DomainError
from dansmarue.models import db


@dataclass(frozen=True)
class Field:
    """One input of a form. `kind`: text, textarea, number, email, url,
    password, select, multiselect, checkbox."""

    name: str
    label: str
    kind: str = "text"
    choices: Sequence[tuple[str, str]] = ()
    required: bool = False
    hint: str = ""


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, inner in messages.items():
            name = prefix if prefix else str(key)
            for sub, text in _flatten(inner, name).items():
                out.setdefault(sub, text)
    elif isinstance(messages, list | tuple):
        for inner in messages:
            for sub, text in _flatten(inner, prefix).items():
                out.setdefault(sub, text)
    else:
        out[prefix or "_form"] = str(messages)  # already French (platform.french_messages)
    return out


def read(form: Mapping[str, Any], fields: Iterable[Field], *, partial: bool = False) -> dict[str, Any]:
    """The form's values as the JSON the API takes: "" is null, a checkbox is a
    boolean, a multiple select a list. With `partial`, absent inputs are left out."""
    getlist = form.getlist if isinstance(form, MultiDict) else (lambda n: [form[n]] if n in form else [])
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "checkbox":
            values[f.name] = f.name in form
        elif f.kind == "multiselect":
            values[f.name] = [v for v in getlist(f.name) if v]
        elif f.name in form:
            raw = str(form[f.name]).strip()
            values[f.name] = raw if raw else None
        elif not partial:
            values[f.name] = None
    return values


class Refused(Exception):
    """What the form shows: a message per field, and one for the whole form."""

    def __init__(self, errors: dict[str, str], status: int = 422) -> None:
        super().__init__(errors.get("_form") or next(iter(errors.values()), ""))
        self.errors = errors
        self.status = status


def load(schema: Schema, values: dict[str, Any]) -> dict[str, Any]:
    """Load `values` with the API's schema (and the edge's bounds), or Refused."""
    values = {
        name: value
        for name, value in values.items()
        if value is not None
        or name not in schema.fields
        or schema.fields[name].allow_none
        or schema.fields[name].required
    }  # an empty optional input without a null: the service's default
    found = unstorable_text(values)
    if found:
        raise Refused(_flatten(found))
    try:
        return dict(bound(schema).load(values))
    except ValidationError as error:
        raise Refused(_flatten(error.messages)) from None


def refusal_of(error: DomainError, conflict_field: str | None = None) -> Refused:
    """A service's refusal: its field errors, else its detail for the whole form;
    a duplicate (409) is also shown next to `conflict_field` (a code, an e-mail...)."""
    errors: dict[str, str] = {}
    for item in error.errors or []:
        name = str(item.get("field") or "_form").split(".")[-1]
        errors.setdefault(name, str(item.get("message") or error.detail))
    if conflict_field and isinstance(error, Conflict) and not errors:
        errors[conflict_field] = error.detail
    errors.setdefault("_form", error.detail)
    return Refused(errors, error.status)


def run(action: Callable[[], Any], conflict_field: str | None = None) -> Any:
    """Run a service call in a savepoint: a DomainError becomes Refused and
    leaves nothing pending (the request answers 4xx, so nothing is committed)."""
    try:
        with db.session.begin_nested():
            return action()
    except DomainError as error:
        raise refusal_of(error, conflict_field) from None
