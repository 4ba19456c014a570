"""Rejection reasons and service-done messages: CRUD and defaults.

Callers commit. `seed_defaults` is idempotent (`flask catalogues seed`):
migration 0004 already inserts the reasons and generic messages; the
per-category messages need the category tree, loaded after migrations.
"""

from typing import Any, Literal, cast, overload

from sqlalchemy import or_, select, update

from dansmarue import audit, city
from dansmarue.catalogue.agent_text_seeds import (
    CATEGORY_DONE_MESSAGES,
    GENERIC_DONE_MESSAGES,
    REJECTION_REASONS,
    rejection_reasons,
)
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.models import Category, User, db
from dansmarue.models.catalogues import RejectionReason, ServiceDoneMessage
from dansmarue.platform.savepoint import save_fields
from dansmarue.workflow.effects import category_lineage

MODELS: dict[str, type[RejectionReason] | type[ServiceDoneMessage]] = {
    "reason": RejectionReason,
    "message": ServiceDoneMessage,
}
ENTITIES = {"reason": "rejection_reason", "message": "done_message"}
ORDER = {
    "reason": (RejectionReason.sort_order, RejectionReason.id),
    "message": (ServiceDoneMessage.sort_order, ServiceDoneMessage.id),
}


@overload
def list_items(
    kind: Literal["reason"], *, active_only: bool = False, category_id: int | None = None
) -> list[RejectionReason]: ...
@overload
def list_items(
    kind: Literal["message"], *, active_only: bool = False, category_id: int | None = None
) -> list[ServiceDoneMessage]: ...
@overload
def list_items(
    kind: str, *, active_only: bool = False, category_id: int | None = None
) -> list[RejectionReason] | list[ServiceDoneMessage]: ...
def list_items(
    kind: str, *, active_only: bool = False, category_id: int | None = None
) -> list[RejectionReason] | list[ServiceDoneMessage]:
    model = MODELS[kind]
    query = select(model).order_by(*ORDER[kind])
    if active_only:
        query = query.where(model.active.is_(True))
    if category_id is not None and kind == "message":
        query = query.where(
            or_(
                ServiceDoneMessage.category_id.is_(None),
                ServiceDoneMessage.category_id.in_(category_lineage(category_id)),
            )
        )
    return cast("list[RejectionReason] | list[ServiceDoneMessage]", list(db.session.scalars(query)))


def get(kind: str, item_id: int) -> RejectionReason | ServiceDoneMessage:
    # MODELS[kind] is one of the two classes: the session types it as their base.
    item = cast("RejectionReason | ServiceDoneMessage | None", db.session.get(MODELS[kind], item_id))
    if item is None:
        raise NotFound("Élément de catalogue introuvable.")
    return item


def save(
    kind: str, values: dict[str, Any], item_id: int | None = None, *, actor: User | None = None
) -> RejectionReason | ServiceDoneMessage:
    """Create (item_id None) or update an entry; duplicate labels are a 409. Audited."""
    item = MODELS[kind]() if item_id is None else get(kind, item_id)
    before = None if item_id is None else audit.snapshot(item)
    category_id = values.get("category_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise Unprocessable("Catégorie inconnue.", errors=[field("category", "Catégorie inconnue.")])
    save_fields(item, values, "Un élément identique existe déjà dans ce catalogue.")
    action = "create" if before is None else "update"
    audit.record(actor, ENTITIES[kind], item.id, action, before, audit.snapshot(item))
    return item


def delete(kind: str, item_id: int, *, actor: User | None = None) -> None:
    item = get(kind, item_id)
    before = audit.snapshot(item)
    db.session.delete(item)
    db.session.flush()
    audit.record(actor, ENTITIES[kind], item_id, "delete", before, None)


def seed_defaults() -> dict:
    """Insert the default texts that are missing; returns counts added."""
    added = {"reasons": 0, "messages": 0}
    known = set(db.session.scalars(select(RejectionReason.label)))
    reasons = rejection_reasons(city.current().authority)
    if reasons[0] not in known and REJECTION_REASONS[0] in known:
        # Migration 0004 seeded Paris's wording: another city's names its own authority.
        db.session.execute(
            update(RejectionReason)
            .where(RejectionReason.label == REJECTION_REASONS[0])
            .values(label=reasons[0])
        )
        known.add(reasons[0])
    for order, label in enumerate(reasons):
        if label not in known:
            db.session.add(RejectionReason(label=label, sort_order=order, active=True))
            added["reasons"] += 1
    existing = set(db.session.execute(select(ServiceDoneMessage.category_id, ServiceDoneMessage.title)).all())
    wanted: list[tuple[int | None, str, str]] = [(None, title, text) for title, text in GENERIC_DONE_MESSAGES]
    tops = dict(
        db.session.execute(select(Category.label, Category.id).where(Category.parent_id.is_(None)))
        .tuples()
        .all()
    )
    wanted += [
        (tops[label], title, text) for label, (title, text) in CATEGORY_DONE_MESSAGES.items() if label in tops
    ]
    for order, (category_id, title, text) in enumerate(wanted):
        if (category_id, title) not in existing:
            db.session.add(
                ServiceDoneMessage(
                    category_id=category_id, title=title, message=text, sort_order=order, active=True
                )
            )
            added["messages"] += 1
    db.session.flush()
    return added
