"""Agents' actions from HTML forms: parameters, idempotent run, conflicts.

A form carries the report's version (If-Match semantics) and an
idempotency key minted when the form was rendered; the offline replay
sends the same key in `Idempotency-Key`. The rules stay where they are:
parameters are typed by the API's `ActionParamsSchema`, checked by
`workflow.perform` (which refuses any parameter the table does not list).
"""

import hashlib
import uuid

from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from dansmarue.api.agent.schemas import ActionParamsSchema
from dansmarue.api.edge import bound
from dansmarue.errors import DomainError, Unprocessable
from dansmarue.models import Report, ReportEvent, User, db
from dansmarue.reports import idempotency
from dansmarue.workflow import agent_queue
from dansmarue.workflow import perform as workflow
from dansmarue.workflow.transitions import TRANSITIONS

_SCHEMA = bound(ActionParamsSchema(exclude=("photo",)))  # the API's bounds on ids and dates


def new_key() -> str:
    return str(uuid.uuid4())


def params_from_form(action: str, form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> dict:
    """The action's parameters typed from the form; blank fields are absent.

    Only the table's parameters of this action are read, so a form can keep
    other inputs (a search box) without them reaching `perform`."""
    transition = TRANSITIONS[action]
    raw = {
        name: form.get(name)
        for name in transition.params
        if name != "photo" and (form.get(name) or "").strip()
    }
    try:
        params = _SCHEMA.load(raw)
    except ValidationError as error:
        raise Unprocessable(
            "Paramètres de l'action invalides.",
            errors=[
                {"field": name, "message": " ".join(map(str, messages)), "location": "form"}
                for name, messages in error.messages_dict.items()
            ],
        ) from None
    photo = files.get("photo") if "photo" in transition.params else None
    if photo is not None and photo.filename:
        params["photo"] = photo.read()
    return params


def _fingerprint(reference: str, action: str, version: int | None, params: dict) -> str:
    shown = {k: (hashlib.sha256(v).hexdigest() if isinstance(v, bytes) else v) for k, v in params.items()}
    return idempotency.fingerprint(reference, action, version, shown)


def run(
    user: User, reference: str, action: str, version: int | None, params: dict, key: str | None
) -> tuple[dict, bool]:
    """Perform once per key; (outcome, replayed). Raises DomainError (nothing written)."""
    report = agent_queue.find_in_scope(user, reference)

    def produce() -> tuple[int, dict, int]:
        done = workflow.perform(report.id, action, user, expected_version=version, **params)
        return 200, {"reference": done.reference, "state": done.state, "version": done.version}, done.id

    scoped_key = f"agent:{user.id}:{key[:100]}" if key else None  # a blank key is no key
    request_hash = "" if scoped_key is None else _fingerprint(reference, action, version, params)
    status, body, replayed = idempotency.run_once(scoped_key, request_hash, produce)
    return body, replayed


def last_event_id(report: Report) -> int:
    """Carried by the forms beside the version, to show later what changed."""
    return db.session.scalar(select(func.max(ReportEvent.id)).where(ReportEvent.report_id == report.id)) or 0


def changes_since(report: Report, seen_event_id: int | None) -> list[ReportEvent]:
    """What others did since the agent loaded the page."""
    if seen_event_id is None:
        return []
    return list(
        db.session.scalars(
            select(ReportEvent)
            .where(ReportEvent.report_id == report.id, ReportEvent.id > seen_event_id)
            .order_by(ReportEvent.id)
        )
    )


def mass(user: User, action: str, references: list[str], params: dict) -> list[dict]:
    """One action on several reports, a result each (the service's rules)."""
    ids = agent_queue.ids_in_scope(user, references)
    return workflow.perform_many(ids, action, user, **params)


def problem_of(error: DomainError) -> dict:
    body = {"status": error.status, "title": error.title, "detail": error.detail}
    body.update(error.extra)
    if error.errors:
        body["errors"] = error.errors
    return body
