"""All mapped classes, importable from one place (Alembic sees them all)."""
from dansmarue.models.base import db, utcnow
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.models.categories import CatalogueVersion, Category
from dansmarue.models.geography import ConseilQuartier, District, Quartier
from dansmarue.models.interop import ApiClient
from dansmarue.models.jobs import IdempotencyKey, OutboxJob
from dansmarue.models.notifications import NotificationLog
from dansmarue.models.organisation import Sector, SpecialPerimeter, Unit, unit_sector
from dansmarue.models.reports import (
    ORIGINS, PHOTO_VIEWS, PRIORITIES, Congratulation, Follower, Photo, Report,
    ReportEvent,
)
from dansmarue.models.requalification import RULE_TARGET_STATES, RequalificationRule
from dansmarue.models.users import ROLES, ApiToken, User, user_unit
from dansmarue.models.sla import SLA_STATUSES, SlaClockState, SlaSweepState, SlaTarget

__all__ = [
    "db", "utcnow", "CatalogueVersion", "Category", "ConseilQuartier", "District",
    "Quartier", "IdempotencyKey", "OutboxJob", "Sector", "SpecialPerimeter", "Unit",
    "unit_sector", "ORIGINS", "PHOTO_VIEWS", "PRIORITIES", "Congratulation",
    "Follower", "Photo", "Report", "ReportEvent", "ROLES", "ApiToken", "User",
    "user_unit", "ApiClient", "NotificationLog",
    "SLA_STATUSES", "SlaClockState", "SlaSweepState", "SlaTarget",
    "RejectionReason", "ServiceDoneMessage", "RequalificationRule", "RULE_TARGET_STATES",
]
