"""Following and congratulating a report.

Counters move in the same statement batch as the rows they count, and only
when a row was really inserted or deleted, so they stay consistent under
retries and concurrency (unique indexes decide, not a prior SELECT).
"""
from sqlalchemy import text

from dansmarue.errors import Conflict, Unprocessable
from dansmarue.extensions import db
from dansmarue.reports.intake import by_reference
from dansmarue.reports.search import PUBLIC_OPEN_STATES

NOT_FOLLOWABLE = "Ce signalement est clos : il ne peut plus être suivi."
WHO = "Indiquez un identifiant de compte (guid) ou une adresse e-mail."

FOLLOW_GUID_SQL = text(
    "INSERT INTO follower (report_id, account_guid, email, udid, push_token, created_at) "
    "VALUES (:report_id, :guid, :email, :udid, :push_token, now()) "
    "ON CONFLICT (report_id, account_guid) WHERE account_guid IS NOT NULL DO NOTHING "
    "RETURNING id")
FOLLOW_EMAIL_SQL = text(
    "INSERT INTO follower (report_id, account_guid, email, udid, push_token, created_at) "
    "VALUES (:report_id, NULL, :email, :udid, :push_token, now()) "
    "ON CONFLICT (report_id, email) WHERE account_guid IS NULL DO NOTHING RETURNING id")
UNFOLLOW_SQL = text(
    "DELETE FROM follower WHERE report_id = :report_id AND "
    "((CAST(:guid AS text) IS NOT NULL AND account_guid = :guid) OR "
    " (CAST(:email AS text) IS NOT NULL AND account_guid IS NULL AND email = :email))")
COUNT_SQL = {
    "followers": text("UPDATE report SET followers_count = GREATEST(followers_count + :delta, 0) "
                      "WHERE id = :id RETURNING followers_count"),
    "congratulations": text("UPDATE report SET congratulations_count = "
                            "congratulations_count + :delta WHERE id = :id "
                            "RETURNING congratulations_count"),
}
CONGRATULATE_SQL = text(
    "INSERT INTO congratulation (report_id, person_key, created_at) "
    "VALUES (:report_id, :person, now()) ON CONFLICT ON CONSTRAINT uq_congrat DO NOTHING "
    "RETURNING id")


def _bump(counter: str, report_id: int, delta: int) -> int:
    return db.session.execute(COUNT_SQL[counter], {"id": report_id, "delta": delta}).scalar_one()


def _who(guid: str | None, email: str | None, udid: str | None = None) -> None:
    if not (guid or email or udid):
        raise Unprocessable(WHO, errors=[{"field": "guid", "message": WHO, "location": "json"}])


def follow(reference: str, *, guid: str | None = None, email: str | None = None,
           udid: str | None = None, push_token: str | None = None) -> tuple[bool, int]:
    """Follow a public open report: (newly_followed, followers_count)."""
    _who(guid, email)
    report = by_reference(reference)
    if report.state not in PUBLIC_OPEN_STATES:
        raise Conflict(NOT_FOLLOWABLE)
    params = {"report_id": report.id, "guid": guid, "email": email and email.lower(),
              "udid": udid, "push_token": push_token}
    inserted = db.session.execute(FOLLOW_GUID_SQL if guid else FOLLOW_EMAIL_SQL, params).first()
    if inserted is None:
        return False, report.followers_count
    return True, _bump("followers", report.id, 1)


def unfollow(reference: str, *, guid: str | None = None,
             email: str | None = None) -> int:
    """Stop following (no error if not following): the new followers_count."""
    _who(guid, email)
    report = by_reference(reference)
    removed = db.session.execute(UNFOLLOW_SQL, {"report_id": report.id, "guid": guid,
                                                "email": email and email.lower()}).rowcount
    if not removed:
        return report.followers_count
    return _bump("followers", report.id, -removed)


def congratulate(reference: str, *, guid: str | None = None, email: str | None = None,
                 udid: str | None = None) -> tuple[bool, int]:
    """Once per person (guid, else e-mail, else device): (counted, total)."""
    _who(guid, email, udid)
    report = by_reference(reference)
    person = (f"guid:{guid}" if guid else f"email:{email.lower()}" if email
              else f"udid:{udid}")
    inserted = db.session.execute(CONGRATULATE_SQL, {"report_id": report.id,
                                                     "person": person}).first()
    if inserted is None:
        return False, report.congratulations_count
    return True, _bump("congratulations", report.id, 1)
