"""Resident closure: the reporter, or staff within scope, may declare service done.

This is the real `incidentResolved`: the "service done" action of the
report's current state, allowed to its reporter (same account guid or
e-mail) and to staff whose scope holds the report (the real mobile agents
with a @paris.fr account could close any report: not here, issue #21.3).
Over REST an e-mail address alone proves nothing (anyone may know it): the
tracking token, a signed-in account or the apps' account guid does.
"""

from sqlalchemy import func, select

from dansmarue.access import scopes
from dansmarue.errors import Forbidden, NotFound
from dansmarue.jobs import outbox, registry
from dansmarue.models import Report, ReportEvent, User, db
from dansmarue.platform.text import same_secret
from dansmarue.reports import intake
from dansmarue.workflow import perform as workflow
from dansmarue.workflow.transitions import STAFF

# States in which a contractor holds the report and must hear that it is closed.
WITH_CONTRACTOR = ("transferred", "contractor_scheduled")
RESOLVED_MESSAGE = "L'anomalie a été signalée comme résolue."
NOT_REPORTER = "Seul l'auteur du signalement ou un agent peut le déclarer résolu."
OUT_OF_SCOPE = "Ce signalement n'est pas dans votre périmètre."


def declare_resolved(
    report_id: int,
    guid: str | None = None,
    email: str | None = None,
    actor: User | None = None,
    comment: str | None = None,
    message_id: int | None = None,
) -> Report:
    """Declare `report_id` done as its reporter or as staff; does not commit.

    Raises NotFound, Forbidden (not the reporter), Conflict (already closed,
    with the allowed actions), PreconditionFailed (concurrent change).
    """
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("Signalement introuvable.")
    staff = actor is not None and actor.active and actor.role in STAFF
    reporter = _is_reporter(report, guid, email, actor)
    if staff and not reporter and not scopes.can_act_on(actor, report):
        raise Forbidden(OUT_OF_SCOPE)
    if not staff and not reporter:
        raise Forbidden(NOT_REPORTER)
    label = (actor.full_name or actor.email) if actor is not None else "Usager"
    held_by_contractor = report.state in WITH_CONTRACTOR
    # A chosen service-done message (the apps' numero_message) replaces the default text.
    report = workflow.perform(
        report_id,
        "done",
        actor,
        actor_kind="resident",
        actor_label=label,
        comment=comment,
        message_id=message_id,
        message=None if message_id else RESOLVED_MESSAGE,
    )
    if held_by_contractor:
        event_id = db.session.scalar(
            select(func.max(ReportEvent.id)).where(
                ReportEvent.report_id == report.id, ReportEvent.to_state == "done"
            )
        )
        outbox.add_job(registry.NOTIFY_CONTRACTOR, event_id, event_id=event_id)
    return report


def is_reporter_of(
    report: Report, *, guid: str | None = None, email: str | None = None, actor: User | None = None
) -> bool:
    """Whether this caller filed `report` (the rule declare_resolved applies)."""
    return _is_reporter(report, guid, email, actor)


def _is_reporter(report: Report, guid: str | None, email: str | None, actor: User | None) -> bool:
    """The signed-in account by the workflow's own rule, else the guid or e-mail sent."""
    if actor is not None and actor.active and workflow.is_reporter(actor, report):
        return True
    if guid and report.reporter_guid and guid == report.reporter_guid:
        return True
    return bool(email and report.reporter_email and email.strip().lower() == report.reporter_email.lower())


def declare_resolved_by_reference(
    reference: str,
    *,
    guid: str | None = None,
    email: str | None = None,
    token: str | None = None,
    actor: User | None = None,
    comment: str | None = None,
) -> Report:
    """The same, by reference; the secret tracking token proves authorship too."""
    report = intake.by_reference(reference)
    if token and same_secret(token, report.token):
        guid, email = report.reporter_guid or guid, report.reporter_email or email
    else:
        email = None  # an address is knowledge, not proof
    return declare_resolved(report.id, guid=guid, email=email, actor=actor, comment=comment)
