"""Marking a report as a duplicate: its followers move to the original."""

from typing import TypedDict

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from dansmarue.models import Follower, Report, db
from dansmarue.reports import authorship


class _Follow(TypedDict):
    report_id: int
    account_guid: str | None
    email: str | None
    udid: str | None
    push_token: str | None


def move_followers(duplicate: Report, original: Report) -> None:
    """The duplicate's followers (and its reporter) now follow the original."""
    rows: list[_Follow] = [
        {
            "report_id": original.id,
            "account_guid": f.account_guid,
            "email": f.email,
            "udid": f.udid,
            "push_token": f.push_token,
        }
        for f in db.session.scalars(select(Follower).where(Follower.report_id == duplicate.id))
    ]
    if duplicate.reporter_guid or duplicate.reporter_email:
        rows.append(
            {
                "report_id": original.id,
                "account_guid": duplicate.reporter_guid,
                "email": duplicate.reporter_email,
                "udid": duplicate.reporter_udid,
                "push_token": None,
            }
        )
    for row in rows:
        if _already_follows(original, row["account_guid"], row["email"]):
            continue
        db.session.execute(insert(Follower).values(**row).on_conflict_do_nothing())
    db.session.execute(Follower.__table__.delete().where(Follower.report_id == duplicate.id))
    for report in (duplicate, original):
        count = select(func.count()).where(Follower.report_id == report.id).scalar_subquery()
        db.session.execute(
            update(Report.__table__).where(Report.id == report.id).values(followers_count=count)
        )
    db.session.expire(original, ["followers_count"])
    db.session.expire(duplicate, ["followers_count"])


def _already_follows(report: Report, guid: str | None, email: str | None) -> bool:
    if authorship.filed_by(report, guid=guid, email=email):
        return True  # its reporter already hears of it
    conditions = []
    if guid:
        conditions.append(Follower.account_guid == guid)
    if email:
        conditions.append(func.lower(Follower.email) == email.lower())
    return (
        bool(conditions)
        and db.session.scalar(
            select(Follower.id).where(Follower.report_id == report.id, or_(*conditions)).limit(1)
        )
        is not None
    )
