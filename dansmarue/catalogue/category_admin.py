"""Administering the category tree (issue #13): create, rename, move,
deactivate, responsible unit, flags, default priority, public age cut-off.

Every write to `category` bumps the catalogue version (a database trigger,
migration 0001), which the apps' caches, `/api/v1/categories`, the mobile
`getCategories` and Open311 `services` follow. `is_leaf` is kept true exactly
for the categories without children. Audited; callers commit.
"""

from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from dansmarue import audit
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.models import Category, Unit, User, db
from dansmarue.platform.savepoint import save_fields

DUPLICATE = "Une catégorie porte déjà ce libellé open data."


def get(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("Catégorie introuvable.")
    return category


def list_all(*, parent_id: int | None = None, active: bool | None = None) -> list[Category]:
    query = select(Category).order_by(Category.parent_id.nulls_first(), Category.sort_order, Category.id)
    if parent_id is not None:
        query = query.where(Category.parent_id == parent_id)
    if active is not None:
        query = query.where(Category.active.is_(active))
    return list(db.session.scalars(query))


def _bad(name: str, message: str) -> Unprocessable:
    return Unprocessable(message, errors=[field(name, message, location="json")])


def _check_parent(category: Category, parent_id: int | None) -> None:
    node = db.session.get(Category, parent_id) if parent_id is not None else None
    if parent_id is not None and node is None:
        raise _bad("parent_id", "Catégorie parente inconnue.")
    while node is not None:
        if category.id is not None and node.id == category.id:
            raise _bad("parent_id", "Une catégorie ne peut pas être déplacée sous elle-même.")
        node = node.parent


def _refresh_leaves() -> None:
    """is_leaf: true exactly for the categories nobody points to as parent."""
    child = aliased(Category)
    has_children = exists().where(child.parent_id == Category.id)
    db.session.execute(update(Category).where(Category.is_leaf, has_children).values(is_leaf=False))
    db.session.execute(update(Category).where(~Category.is_leaf, ~has_children).values(is_leaf=True))


def _deactivate_below(category_id: int) -> None:
    """A withdrawn branch takes its sub-categories with it (intake checks only the leaf)."""
    below = [category_id]
    while below:
        children = list(db.session.scalars(select(Category.id).where(Category.parent_id.in_(below))))
        if children:
            db.session.execute(update(Category).where(Category.id.in_(children)).values(active=False))
        below = children


def save(values: dict, category_id: int | None = None, actor: User | None = None) -> Category:
    """Create (category_id None) or change a category; moving it is a new `parent_id`."""
    category = Category() if category_id is None else get(category_id)
    before = None if category_id is None else audit.snapshot(category)
    if "parent_id" in values:
        _check_parent(category, values["parent_id"])
    unit_id = values.get("unit_id")
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise _bad("unit_id", "Service inconnu.")
    save_fields(category, values, DUPLICATE)
    if values.get("active") is False:
        _deactivate_below(category.id)
    _refresh_leaves()
    db.session.refresh(category)
    action = "create" if before is None else ("move" if _moved(before, values) else "update")
    audit.record(actor, "category", category.id, action, before, audit.snapshot(category))
    return category


def _moved(before: dict, values: dict) -> bool:
    return "parent_id" in values and values["parent_id"] != before["parent_id"]
