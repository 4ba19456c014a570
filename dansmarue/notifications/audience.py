"""Who hears of a report: its reporter and its confirmed followers, each
address once, each follower with their own capability token."""

from sqlalchemy import select

from dansmarue.models import Follower, Report, User, db


def _guid_emails(guids: set[str]) -> dict[str, str]:
    if not guids:
        return {}
    rows = db.session.execute(select(User.account_guid, User.email).where(User.account_guid.in_(guids)))
    # .all(): a Result has keys(), so dict(result) would take it for a mapping (TypeError).
    return dict(rows.all())


def reporter_and_followers(report: Report) -> tuple[list[str], list[tuple[str, str]]]:
    """The reporter's address (if known) and the confirmed followers' (address,
    own token), each address once (case-insensitive): followers are not told
    "votre signalement", and an e-mail follow nobody confirmed gets nothing."""
    followers = db.session.scalars(
        select(Follower)
        .where(Follower.report_id == report.id, Follower.confirmed_at.is_not(None))
        .order_by(Follower.id)
    ).all()
    emails = _guid_emails({g for g in [report.reporter_guid, *(f.account_guid for f in followers)] if g})
    reporter = report.reporter_email or emails.get(report.reporter_guid or "")
    seen = {reporter.strip().lower()} if reporter else set()
    others = []
    for follower in followers:
        address = follower.email or emails.get(follower.account_guid or "")
        if address and address.strip().lower() not in seen:
            seen.add(address.strip().lower())
            others.append((address.strip(), follower.token))
    return ([reporter.strip()] if reporter else []), others
