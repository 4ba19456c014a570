"""Following and congratulating a report.

Counters move in the same statement batch as the rows they count, and only
when a row was really inserted or deleted, so they stay consistent under
retries and concurrency (unique indexes decide, not a prior SELECT).
"""

import hashlib

from sqlalchemy import select, text

from dansmarue.errors import Conflict, NotFound, Unprocessable, field
from dansmarue.extensions import db
from dansmarue.jobs import outbox, registry
from dansmarue.models import Congratulation, Follower, Report, text_max, utcnow
from dansmarue.models.base import rowcount
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.platform.text import is_mail_address
from dansmarue.reports import authorship
from dansmarue.reports.intake import BAD_ADDRESS, by_reference
from dansmarue.reports.search import PUBLIC_OPEN_STATES

NOT_FOLLOWABLE = "Ce signalement est clos : il ne peut plus être suivi."
WHO = "Indiquez un identifiant de compte (guid) ou une adresse e-mail."

# A follow by account mails the account's own address: confirmed at once. A
# follow by e-mail waits for its owner to click the confirmation link.
FOLLOW_GUID_SQL = text(
    "INSERT INTO follower (report_id, account_guid, email, udid, push_token, created_at, "
    "confirmed_at) VALUES (:report_id, :guid, :email, :udid, :push_token, now(), now()) "
    "ON CONFLICT (report_id, account_guid) WHERE account_guid IS NOT NULL DO NOTHING "
    "RETURNING id"
)
FOLLOW_EMAIL_SQL = text(
    "INSERT INTO follower (report_id, account_guid, email, udid, push_token, created_at) "
    "VALUES (:report_id, NULL, :email, :udid, :push_token, now()) "
    "ON CONFLICT (report_id, email) WHERE account_guid IS NULL DO NOTHING RETURNING id"
)
CONFIRM_SQL = text("UPDATE follower SET confirmed_at = now() WHERE id = :id")
UNFOLLOW_SQL = text(
    "DELETE FROM follower WHERE report_id = :report_id AND "
    "((CAST(:guid AS text) IS NOT NULL AND account_guid = :guid) OR "
    " (CAST(:email AS text) IS NOT NULL AND account_guid IS NULL AND email = :email))"
)
COUNT_SQL = {
    "followers": text(
        "UPDATE report SET followers_count = GREATEST(followers_count + :delta, 0) "
        "WHERE id = :id RETURNING followers_count"
    ),
    "congratulations": text(
        "UPDATE report SET congratulations_count = "
        "congratulations_count + :delta WHERE id = :id "
        "RETURNING congratulations_count"
    ),
}
CONGRATULATE_SQL = text(
    "INSERT INTO congratulation (report_id, person_key, created_at) "
    "VALUES (:report_id, :person, now()) ON CONFLICT ON CONSTRAINT uq_congrat DO NOTHING "
    "RETURNING id"
)


def _bump(counter: str, report_id: int, delta: int) -> int:
    return db.session.execute(COUNT_SQL[counter], {"id": report_id, "delta": delta}).scalar_one()


def _who(guid: str | None, email: str | None, udid: str | None = None, *, may_be_udid: bool = True) -> None:
    """Someone named (a guid, an e-mail, or a device where it counts), within the
    intake's bounds for the same columns: longer would fail the insert (#20.3)."""
    if not (guid or email or (udid and may_be_udid)):
        raise Unprocessable(WHO, errors=[{"field": "guid", "message": WHO, "location": "json"}])
    too_long = [
        field(name, f"{TEXT_LIMITS[name]} caractères au maximum.")
        for name, value in (("guid", guid), ("email", email), ("udid", udid))
        if value and len(value) > TEXT_LIMITS[name]
    ]
    if too_long:
        raise Unprocessable("Certains champs sont invalides.", errors=too_long)


def _person_key(guid: str | None, email: str | None, udid: str | None) -> str:
    """Who congratulated, once per report; a key longer than its column (an
    e-mail address near 254 characters) is kept as its digest."""
    person = f"guid:{guid}" if guid else f"email:{email.lower()}" if email else f"udid:{udid}"
    if len(person) > text_max(Congratulation.person_key):
        return "sha256:" + hashlib.sha256(person.encode("utf-8", "surrogatepass")).hexdigest()
    return person


def follow(
    reference: str,
    *,
    guid: str | None = None,
    email: str | None = None,
    udid: str | None = None,
    push_token: str | None = None,
) -> tuple[bool, int]:
    """Follow a public open report: (newly_followed, followers_count)."""
    _who(guid, email, udid, may_be_udid=False)
    if email is not None and not is_mail_address(email.strip()):
        raise Unprocessable(
            BAD_ADDRESS, errors=[{"field": "email", "message": BAD_ADDRESS, "location": "json"}]
        )
    report = by_reference(reference)
    if report.state not in PUBLIC_OPEN_STATES:
        raise Conflict(NOT_FOLLOWABLE)
    params = {
        "report_id": report.id,
        "guid": guid,
        "email": email and email.strip().lower(),
        "udid": udid,
        "push_token": push_token,
    }
    inserted = db.session.execute(FOLLOW_GUID_SQL if guid else FOLLOW_EMAIL_SQL, params).first()
    if inserted is None:
        return False, report.followers_count
    if not guid and email:
        if authorship.filed_by(report, email=email):
            # The reporter's own address: it already receives this report's mails.
            db.session.execute(CONFIRM_SQL, {"id": inserted.id})
        else:
            outbox.add_job(registry.SEND_FOLLOW_CONFIRMATION, inserted.id, follower_id=inserted.id)
    return True, _bump("followers", report.id, 1)


NO_SUCH_FOLLOW = "Ce lien de suivi n'est pas (ou plus) valable."


def by_follow_token(token: str) -> Follower:
    """The follow a follower's own link names (NotFound otherwise)."""
    follower = db.session.scalar(select(Follower).where(Follower.token == (token or "")[:64]))
    if follower is None:
        raise NotFound(NO_SUCH_FOLLOW)
    return follower


def report_of(follower: Follower) -> Report:
    return db.session.get_one(Report, follower.report_id)


def confirm_follow(token: str) -> Follower:
    """The owner of the address clicked the link: mails may now go to it."""
    follower = by_follow_token(token)
    if follower.confirmed_at is None:
        follower.confirmed_at = utcnow()
    return follower


def unfollow_by_token(token: str) -> Report:
    """The follower's own unsubscribe link; the report, its count updated."""
    follower = by_follow_token(token)
    report = report_of(follower)
    db.session.delete(follower)
    db.session.flush()
    _bump("followers", report.id, -1)
    db.session.refresh(report)
    return report


def unfollow(reference: str, *, guid: str | None = None, email: str | None = None) -> int:
    """Stop following (no error if not following): the new followers_count."""
    _who(guid, email)
    report = by_reference(reference)
    removed = rowcount(
        db.session.execute(
            UNFOLLOW_SQL, {"report_id": report.id, "guid": guid, "email": email and email.lower()}
        )
    )
    if not removed:
        return report.followers_count
    return _bump("followers", report.id, -removed)


def congratulate(
    reference: str, *, guid: str | None = None, email: str | None = None, udid: str | None = None
) -> tuple[bool, int]:
    """Once per person (guid, else e-mail, else device): (counted, total)."""
    _who(guid, email, udid)
    report = by_reference(reference)
    person = _person_key(guid, email, udid)
    inserted = db.session.execute(CONGRATULATE_SQL, {"report_id": report.id, "person": person}).first()
    if inserted is None:
        return False, report.congratulations_count
    return True, _bump("congratulations", report.id, 1)
