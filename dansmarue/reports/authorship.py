"""Who filed a report: the one "is this person the reporter" rule.

Every channel proves authorship with what it has: a signed-in account (its
id, its app account guid or its e-mail address), the apps' account guid, the
device's udid, or the report's secret tracking token. Each caller passes only
the proofs its channel accepts: over REST an e-mail address alone proves
nothing (anyone may know it), while the apps' `incidentResolved` protocol
names the reporter by guid or e-mail, compared here and never published.
"""

from dansmarue.models import Report, User
from dansmarue.platform.text import same_secret


def filed_by(
    report: Report,
    *,
    user: User | None = None,
    guid: str | None = None,
    udid: str | None = None,
    email: str | None = None,
    token: str | None = None,
) -> bool:
    """Whether any of the proofs given names `report`'s reporter."""
    return (
        (user is not None and user.active and account_filed(user, report))
        or bool(guid and report.reporter_guid and guid == report.reporter_guid)
        or bool(udid and report.reporter_udid and udid == report.reporter_udid)
        or bool(email and report.reporter_email and email.strip().lower() == report.reporter_email.lower())
        or bool(token and same_secret(token, report.token))
    )


def account_filed(user: User, report: Report) -> bool:
    """Whether this account filed `report` (its user, account guid or e-mail)."""
    return (
        report.reporter_user_id == user.id
        or bool(user.account_guid and user.account_guid == report.reporter_guid)
        or bool(report.reporter_email and user.email.lower() == report.reporter_email.lower())
    )
