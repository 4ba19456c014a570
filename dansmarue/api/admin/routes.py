"""/api/v1/admin: rejection reasons, service-done messages and automatic
requalification rules (CRUD, admin role), and the audit trail of every change."""

from typing import Any

from marshmallow import Schema

from dansmarue import audit
from dansmarue.api.admin.schemas import (
    AuditPageSchema,
    AuditQuerySchema,
    MessagePatchSchema,
    MessageQuerySchema,
    MessageSchema,
    ReasonPatchSchema,
    ReasonSchema,
    RequalificationRulePatchSchema,
    RequalificationRuleQuerySchema,
    RequalificationRuleSchema,
)
from dansmarue.api.edge import Blueprint
from dansmarue.api.security import auth_required, authenticated_user, document_on
from dansmarue.catalogue import agent_texts as catalogues
from dansmarue.models import RequalificationRule
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.workflow import requalification as rules

blp = Blueprint(
    "admin",
    __name__,
    url_prefix="/api/v1/admin",
    description="Catalogues des agents et règles de requalification automatique",
)
document_on(blp)

CatalogueText = RejectionReason | ServiceDoneMessage


def _crud(
    kind: str,
    path: str,
    schema: type[Schema],
    patch_schema: type[Schema],
    query_schema: type[Schema] | None = None,
) -> None:
    """Register list/create/read/update/delete routes for one catalogue."""

    def list_items(
        args: dict[str, Any] | None = None,
    ) -> list[RejectionReason] | list[ServiceDoneMessage]:
        """List the entries (inactive ones included)."""
        return catalogues.list_items(kind, **(args or {}))

    if query_schema is not None:
        list_items = blp.arguments(query_schema, location="query")(list_items)
    blp.route(path, methods=["GET"], endpoint=f"list_{kind}")(
        blp.response(200, schema(many=True))(auth_required("admin")(list_items))
    )

    @blp.route(path, methods=["POST"], endpoint=f"create_{kind}")
    @blp.arguments(schema)
    @blp.response(201, schema)
    @auth_required("admin")
    def create(values: dict[str, Any]) -> CatalogueText:
        """Add an entry."""
        item = catalogues.save(kind, values, actor=authenticated_user())
        return item

    @blp.route(f"{path}/<int:item_id>", methods=["GET"], endpoint=f"get_{kind}")
    @blp.response(200, schema)
    @auth_required("admin")
    def read(item_id: int) -> CatalogueText:
        """One entry."""
        return catalogues.get(kind, item_id)

    @blp.route(f"{path}/<int:item_id>", methods=["PATCH"], endpoint=f"update_{kind}")
    @blp.arguments(patch_schema)
    @blp.response(200, schema)
    @auth_required("admin")
    def update(values: dict[str, Any], item_id: int) -> CatalogueText:
        """Change an entry (e.g. `active: false` to withdraw it)."""
        item = catalogues.save(kind, values, item_id, actor=authenticated_user())
        return item

    @blp.route(f"{path}/<int:item_id>", methods=["DELETE"], endpoint=f"delete_{kind}")
    @blp.response(204)
    @auth_required("admin")
    def delete(item_id: int) -> None:
        """Delete an entry (past history keeps its text)."""
        catalogues.delete(kind, item_id, actor=authenticated_user())


_crud("reason", "/rejection-reasons", ReasonSchema, ReasonPatchSchema)
_crud("message", "/done-messages", MessageSchema, MessagePatchSchema, MessageQuerySchema)

RULES = "/requalification-rules"


@blp.route(RULES, methods=["GET"])
@blp.arguments(RequalificationRuleQuerySchema, location="query")
@blp.response(200, RequalificationRuleSchema(many=True))
@auth_required("admin")
def list_rules(args: dict[str, Any]) -> list[RequalificationRule]:
    """Automatic requalification rules (inactive ones included)."""
    return rules.list_rules(**args)


@blp.route(RULES, methods=["POST"])
@blp.arguments(RequalificationRuleSchema)
@blp.response(201, RequalificationRuleSchema)
@auth_required("admin")
def create_rule(values: dict[str, Any]) -> RequalificationRule:
    """Add a rule: new reports of a unit (or below it) go to another unit."""
    rule = rules.save(values, actor=authenticated_user())
    return rule


@blp.route(f"{RULES}/<int:rule_id>", methods=["GET"])
@blp.response(200, RequalificationRuleSchema)
@auth_required("admin")
def get_rule(rule_id: int) -> RequalificationRule:
    """One rule."""
    return rules.get(rule_id)


@blp.route(f"{RULES}/<int:rule_id>", methods=["PATCH"])
@blp.arguments(RequalificationRulePatchSchema)
@blp.response(200, RequalificationRuleSchema)
@auth_required("admin")
def update_rule(values: dict[str, Any], rule_id: int) -> RequalificationRule:
    """Change a rule (e.g. `active: false` to suspend it)."""
    rule = rules.save(values, rule_id, actor=authenticated_user())
    return rule


@blp.route(f"{RULES}/<int:rule_id>", methods=["DELETE"])
@blp.response(204)
@auth_required("admin")
def delete_rule(rule_id: int) -> None:
    """Delete a rule (past history keeps what it did)."""
    rules.delete(rule_id, actor=authenticated_user())


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
@auth_required("admin")
def audit_trail(args: dict[str, Any]) -> dict[str, Any]:
    """The audit trail, newest first: who changed what, when, before and after."""
    items, total = audit.entries(**args)
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}
