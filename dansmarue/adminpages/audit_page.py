"""/admin/audit: the audit trail, newest first, filtered by entity, entity id
and actor, paginated; `audit.entries` as `/api/v1/admin/audit`."""

from typing import Any

from flask import render_template, request, url_for

from dansmarue import audit as audit_trail
from dansmarue.adminpages import forms
from dansmarue.adminpages.base import PAGE_SIZE, admin_view, bp, page_args
from dansmarue.adminpages.forms import Refused
from dansmarue.api.admin.schemas import AuditQuerySchema

FILTERS = ("entity", "entity_id", "actor_id")


@bp.get("/audit")
@admin_view
def audit() -> Any:
    filters: dict[str, Any] = {k: request.args[k].strip() for k in FILTERS if request.args.get(k, "").strip()}
    page = page_args()
    items: list[Any] = []
    total = 0
    errors: dict[str, str] = {}
    try:
        args = forms.load(AuditQuerySchema(), {**filters, "page": page, "page_size": PAGE_SIZE})
        items, total = audit_trail.entries(**args)
    except Refused as refused:
        errors = refused.errors

    def link(number: int) -> str:
        return url_for("adminpages.audit", **filters, page=number)

    return render_template(
        "admin/audit.html",
        items=items,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        link=link,
        filters=filters,
        errors=errors,
    ), (422 if errors else 200)
