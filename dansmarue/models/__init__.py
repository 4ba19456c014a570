"""All mapped classes, importable from one place (Alembic sees them all)."""

from dansmarue.models.audit import AuditEntry
from dansmarue.models.base import db, integer_max, key_from_text, text_max, utcnow
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.models.categories import CatalogueVersion, Category
from dansmarue.models.geography import ConseilQuartier, District, Quartier
from dansmarue.models.interop import ApiClient, RouteSheetNote
from dansmarue.models.jobs import IdempotencyKey, OutboxJob
from dansmarue.models.notifications import NotificationLog
from dansmarue.models.organisation import Sector, SpecialPerimeter, Unit, unit_sector
from dansmarue.models.reports import (
    CONTRACTOR_LABEL,
    INTAKE_VIEWS,
    ORIGINS,
    PHOTO_VIEWS,
    PRIORITIES,
    RESIDENT_LABEL,
    SYSTEM_LABEL,
    UPLOAD_VIEWS,
    Congratulation,
    Follower,
    Photo,
    Report,
    ReportEvent,
)
from dansmarue.models.requalification import RULE_TARGET_STATES, RequalificationRule
from dansmarue.models.sla import SLA_STATUSES, SlaClockState, SlaSweepState, SlaTarget
from dansmarue.models.users import ROLES, ApiToken, PasswordReset, ResidentSignIn, User, user_unit

__all__ = [
    "CONTRACTOR_LABEL",
    "INTAKE_VIEWS",
    "ORIGINS",
    "PHOTO_VIEWS",
    "PRIORITIES",
    "RESIDENT_LABEL",
    "ROLES",
    "RULE_TARGET_STATES",
    "SLA_STATUSES",
    "SYSTEM_LABEL",
    "UPLOAD_VIEWS",
    "ApiClient",
    "ApiToken",
    "AuditEntry",
    "CatalogueVersion",
    "Category",
    "Congratulation",
    "ConseilQuartier",
    "District",
    "Follower",
    "IdempotencyKey",
    "NotificationLog",
    "OutboxJob",
    "PasswordReset",
    "Photo",
    "Quartier",
    "RejectionReason",
    "Report",
    "ReportEvent",
    "RequalificationRule",
    "ResidentSignIn",
    "RouteSheetNote",
    "Sector",
    "ServiceDoneMessage",
    "SlaClockState",
    "SlaSweepState",
    "SlaTarget",
    "SpecialPerimeter",
    "Unit",
    "User",
    "db",
    "integer_max",
    "key_from_text",
    "text_max",
    "unit_sector",
    "user_unit",
    "utcnow",
]
