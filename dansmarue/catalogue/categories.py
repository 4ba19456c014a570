"""The category catalogue: the tree residents choose from, and intake checks."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, text

from dansmarue.errors import OutOfScopeCategory, Unprocessable, field
from dansmarue.extensions import db
from dansmarue.models import CatalogueVersion, Category

UNKNOWN = "Cette catégorie n'existe pas ou n'est plus proposée."
NOT_LEAF = "Choisissez une sous-catégorie précise : celle-ci en regroupe plusieurs."
AGENT_ONLY = "Cette catégorie est réservée aux agents de la Ville."

CATEGORY_COLUMNS = (
    "id, unit_id, active, is_leaf, agent_only, out_of_scope, " "out_of_scope_message, default_priority"
)
CATEGORY_SQL = text(f"SELECT {CATEGORY_COLUMNS} FROM category WHERE id = :id")
# The same test in SQL, so intake can allocate numbers only for valid ones.
REPORTABLE_SQL = (
    "active AND is_leaf AND NOT out_of_scope AND unit_id IS NOT NULL " "AND (NOT agent_only OR :as_agent)"
)


@dataclass(frozen=True)
class Reportable:
    """What intake needs to know about a valid category."""

    id: int
    unit_id: int
    default_priority: int


def _refuse(message: str) -> Unprocessable:
    return Unprocessable(message, errors=[field("category", message)])


def reportable(category_id: int, *, as_agent: bool = False) -> Reportable:
    """The category if a report may be filed under it, else a 422."""
    return check(db.session.execute(CATEGORY_SQL, {"id": category_id}).first(), as_agent=as_agent)


def check(row: Row[Any] | None, *, as_agent: bool = False) -> Reportable:
    """Apply the intake rules to a category row (the columns of CATEGORY_SQL)."""
    if row is None or not row.active or row.unit_id is None:
        raise _refuse(UNKNOWN)
    if row.out_of_scope:
        message = row.out_of_scope_message or "Cette demande ne relève pas de DansMaRue."
        raise OutOfScopeCategory(message, errors=[field("category", message)])
    if not row.is_leaf:
        raise _refuse(NOT_LEAF)
    if row.agent_only and not as_agent:
        raise _refuse(AGENT_ONLY)
    return Reportable(row.id, row.unit_id, row.default_priority)


def version() -> int:
    return db.session.execute(select(CatalogueVersion.version).where(CatalogueVersion.id == 1)).scalar_one()


def _stamp() -> tuple[int, datetime]:
    return (
        db.session.execute(
            select(CatalogueVersion.version, CatalogueVersion.updated_at).where(CatalogueVersion.id == 1)
        )
        .tuples()
        .one()
    )


_tree_cache: dict[tuple, dict] = {}


def tree(*, include_agent: bool = False) -> dict:
    """{version, categories: nested tree} of active categories, cached per version."""
    current, updated_at = _stamp()
    # updated_at too: a rolled-back change may reuse a version number.
    cache_key = (db.engine.url.render_as_string(), current, updated_at, include_agent)
    if cache_key not in _tree_cache:
        _tree_cache.clear()
        _tree_cache[cache_key] = {"version": current, "categories": _build(include_agent)}
    return _tree_cache[cache_key]


def _build(include_agent: bool) -> list[dict]:
    rows = db.session.scalars(
        select(Category).where(Category.active).order_by(Category.sort_order, Category.id)
    ).all()
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def node(category: Category) -> dict | None:
        if category.agent_only and not include_agent:
            return None
        kids = [n for n in (node(c) for c in children.get(category.id, ())) if n]
        if not category.is_leaf and not kids:
            return None  # a branch whose leaves are all hidden
        item = {
            "id": category.id,
            "label": category.label,
            "alias": category.alias,
            "reportable": category.is_leaf and not category.out_of_scope,
            "out_of_scope": category.out_of_scope,
            "out_of_scope_message": category.out_of_scope_message,
            "default_priority": category.default_priority,
        }
        if include_agent:
            item["agent_only"] = category.agent_only
        if kids:
            item["children"] = kids
        return item

    return [n for n in (node(c) for c in children.get(None, ())) if n]
