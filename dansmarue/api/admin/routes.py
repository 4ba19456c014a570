"""/api/v1/admin: rejection reasons and service-done messages (CRUD, admin role)."""
from flask_smorest import Blueprint

from dansmarue.api.admin.schemas import (
    MessagePatchSchema, MessageQuerySchema, MessageSchema, ReasonPatchSchema, ReasonSchema,
)
from dansmarue.api.security import auth_required, document_on
from dansmarue.extensions import db
from dansmarue.services import agent_catalogues as catalogues

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin",
                description="Administration des catalogues des agents")
document_on(blp)


def _crud(kind: str, path: str, schema, patch_schema, query_schema=None):
    """Register list/create/read/update/delete routes for one catalogue."""

    def list_items(args=None):
        """List the entries (inactive ones included)."""
        return catalogues.list_items(kind, **(args or {}))

    if query_schema is not None:
        list_items = blp.arguments(query_schema, location="query")(list_items)
    blp.route(path, methods=["GET"], endpoint=f"list_{kind}")(
        blp.response(200, schema(many=True))(auth_required("admin")(list_items)))

    @blp.route(path, methods=["POST"], endpoint=f"create_{kind}")
    @blp.arguments(schema)
    @blp.response(201, schema)
    @auth_required("admin")
    def create(values):
        """Add an entry."""
        item = catalogues.save(kind, values)
        db.session.commit()
        return item

    @blp.route(f"{path}/<int:item_id>", methods=["GET"], endpoint=f"get_{kind}")
    @blp.response(200, schema)
    @auth_required("admin")
    def read(item_id):
        """One entry."""
        return catalogues.get(kind, item_id)

    @blp.route(f"{path}/<int:item_id>", methods=["PATCH"], endpoint=f"update_{kind}")
    @blp.arguments(patch_schema)
    @blp.response(200, schema)
    @auth_required("admin")
    def update(values, item_id):
        """Change an entry (e.g. `active: false` to withdraw it)."""
        item = catalogues.save(kind, values, item_id)
        db.session.commit()
        return item

    @blp.route(f"{path}/<int:item_id>", methods=["DELETE"], endpoint=f"delete_{kind}")
    @blp.response(204)
    @auth_required("admin")
    def delete(item_id):
        """Delete an entry (past history keeps its text)."""
        catalogues.delete(kind, item_id)
        db.session.commit()


_crud("reason", "/rejection-reasons", ReasonSchema, ReasonPatchSchema)
_crud("message", "/done-messages", MessageSchema, MessagePatchSchema, MessageQuerySchema)
