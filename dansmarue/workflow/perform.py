"""The one entry point for every state change: `perform`.

Agents, residents, contractors and daemons all go through `perform`, which
checks the actor, the optimistic version, the transition table
(`dansmarue.workflow.transitions`) and the parameters, then applies the
action and writes its history entry with `history.change_state`, inside a
SAVEPOINT: a refused or conflicting action leaves nothing behind and the
caller's session stays usable. The caller commits.
"""

from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from dansmarue.access import scopes
from dansmarue.errors import Conflict, DomainError, Forbidden, NotFound, PreconditionFailed
from dansmarue.models import CONTRACTOR_LABEL, RESIDENT_LABEL, SYSTEM_LABEL, Report, User, db, utcnow
from dansmarue.reports import authorship
from dansmarue.workflow import effects, history
from dansmarue.workflow.states import STATES, public_label
from dansmarue.workflow.transitions import STAFF, TRANSITIONS, Transition, allowed_from

STALE = "Ce signalement a été modifié entre-temps ; rechargez-le avant d'agir."
COMMIT_EVERY = 50  # mass actions: reports per commit


def perform(
    report_id: int,
    action: str,
    actor: User | None,
    *,
    actor_label: str | None = None,
    expected_version: int | None = None,
    **params: Any,
) -> Report:
    """Run `action` on a report and return it (flushed, not committed).

    actor=None means a trusted internal caller; `actor_kind` ("system",
    "contractor" or "resident", default "system") says which. A service that
    has itself checked the actor (e.g. `resolution.declare_resolved`) may
    pass `actor_kind` with a User too; it is never taken from user input.
    Raises NotFound, Forbidden, PreconditionFailed (stale `expected_version`
    or a concurrent update), Conflict (action not allowed in this state,
    with `allowed`), Unprocessable (bad parameters).
    """
    kind_override = params.pop("actor_kind", None)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise NotFound(f"Action inconnue : {action}.", allowed=_allowed_to(report_id, actor, kind_override))
    try:
        with db.session.begin_nested():
            report = db.session.get(Report, report_id, populate_existing=True)
            if report is None:
                raise NotFound("Signalement introuvable.")
            kind = _actor_kind(actor, report, kind_override)
            if expected_version is not None and report.version != expected_version:
                raise PreconditionFailed(STALE, current_version=report.version)
            if kind not in transition.roles:
                raise Forbidden(
                    f"L'action « {transition.label} » n'est pas permise " f"à ce profil ({kind}).",
                    allowed=allowed_from(report.state, kind),
                )
            if report.state not in transition.sources:
                raise Conflict(
                    f"L'action « {transition.label} » n'est pas possible dans l'état "
                    f"« {state_label_for(report.state, kind)} ».",
                    state=report.state,
                    allowed=allowed_from(report.state, kind),
                )
            values = effects.validate(transition, report, params)
            label = actor_label or _label(actor, kind)
            _apply(report, transition, actor, label, values)
    except StaleDataError:
        raise PreconditionFailed(STALE) from None
    return report


def state_label_for(state: str, kind: str) -> str:
    """Residents know a report by its public state ("Clos"), staff by the internal one."""
    return STATES[state].label if kind in STAFF else public_label(state)


def _allowed_to(report_id: int, actor: User | None, override: str | None) -> list[str]:
    """The actions this caller may run on the report now (none if it may not act on it)."""
    report = db.session.get(Report, report_id)
    if report is None:
        return []
    try:
        kind = _actor_kind(actor, report, override)
    except Forbidden:
        return []
    return allowed_from(report.state, kind)


def _actor_kind(actor: User | None, report: Report, override: str | None) -> str:
    if override is not None:
        return override
    if actor is None:
        return "system"
    if not actor.active:
        raise Forbidden("Ce compte est désactivé.")
    if actor.role in STAFF:
        if not scopes.can_act_on(actor, report):
            raise Forbidden("Ce signalement n'est pas dans votre périmètre.")
        return actor.role
    if actor.role == "resident" and is_reporter(actor, report):
        return "resident"
    raise Forbidden("Seul l'auteur du signalement ou un agent peut agir sur ce signalement.")


def is_reporter(user: User, report: Report) -> bool:
    """Whether this account filed `report` (the one rule: `reports.authorship`)."""
    return authorship.account_filed(user, report)


def _label(actor: User | None, kind: str) -> str:
    if actor is not None:
        return actor.full_name or actor.email
    return {"contractor": CONTRACTOR_LABEL, "resident": RESIDENT_LABEL}.get(kind, SYSTEM_LABEL)


def _apply(
    report: Report, transition: Transition, actor: User | None, label: str, values: effects.Values
) -> None:
    now = utcnow()
    from_state = report.state
    effects.before(transition.code, report, values, now)
    # Touch the row so every action bumps the version, even without a state change.
    report.updated_at = now
    data = {"real_action_id": transition.real_id(from_state), **values.data}
    fields: history.EventFields = {
        "actor_label": label,
        "actor_user_id": actor.id if actor else None,
        "comment": values.comment,
        "data": data,
    }
    # A chosen text (catalogue or typed) is used as is; only the table's templates are formatted.
    public_message = values.public_message or (
        transition.public_message and transition.public_message.format(**values.format_args)
    )
    if transition.public and public_message:
        fields.update({"public_message": public_message, "is_public": True})
    if transition.to_state is None:
        event = history.record(report, transition.code, from_state=from_state, to_state=from_state, **fields)
        db.session.flush()
    else:
        event = history.change_state(report, transition.to_state, transition.code, **fields)
    effects.after(transition.code, report, event, values)
    if transition.then:
        follow_up = TRANSITIONS[transition.then]
        _apply(report, follow_up, None, SYSTEM_LABEL, effects.Values())


def allowed_actions(report: Report, user: User | None) -> list[str]:
    """What `user` could do on `report` now (for agents' screens)."""
    if user is None or user.role not in STAFF or not scopes.can_act_on(user, report):
        return []
    return allowed_from(report.state, user.role)


def perform_many(report_ids: dict[str, int | None], action: str, actor: User, **params: Any) -> list[dict]:
    """One action on many reports, each atomic in its own SAVEPOINT.

    `report_ids` maps each reference to its id (None: not found or out of
    scope). Successes are committed every COMMIT_EVERY reports: fewer disk
    syncs than one commit each, and row locks are never held for the whole
    batch. If such a commit fails, its reports are answered 503.
    """
    results: list[dict] = []
    pending: list[dict] = []
    for reference, report_id in report_ids.items():
        if report_id is None:
            results.append(
                {"reference": reference, "status": 404, "ok": False, "detail": "Signalement introuvable."}
            )
            continue
        try:
            report = perform(report_id, action, actor, **params)
        except DomainError as error:
            results.append(_failure(reference, error))
            continue
        pending.append(
            {
                "reference": reference,
                "status": 200,
                "ok": True,
                "state": report.state,
                "version": report.version,
            }
        )
        results.append(pending[-1])
        if len(pending) >= COMMIT_EVERY:
            _commit(pending)
    _commit(pending)
    return results


def _failure(reference: str, error: DomainError) -> dict:
    result = {"reference": reference, "status": error.status, "ok": False, "detail": error.detail}
    if "allowed" in error.extra:
        result["allowed"] = error.extra["allowed"]
    if error.errors:
        result["errors"] = error.errors
    return result


def _commit(pending: list[dict]) -> None:
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        for result in pending:
            result.update(status=503, ok=False, detail="Échec d'enregistrement ; réessayez.")
            result.pop("state", None)
            result.pop("version", None)
    pending.clear()
