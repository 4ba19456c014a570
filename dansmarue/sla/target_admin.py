"""SLA targets per leaf category and priority, edited by administrators
(issue #13). Audited; the per-process targets cache is dropped at once (other
processes follow within `clock.CACHE_SECONDS`). Callers commit."""

from decimal import Decimal

from sqlalchemy import select

from dansmarue import audit
from dansmarue.errors import NotFound, Unprocessable, field
from dansmarue.models import Category, SlaTarget, User, db
from dansmarue.platform.savepoint import save_fields
from dansmarue.sla import clock
from dansmarue.sla.calendar import Target

DUPLICATE = "Un délai existe déjà pour cette catégorie et cette priorité."


def get(target_id: int) -> SlaTarget:
    target = db.session.get(SlaTarget, target_id)
    if target is None:
        raise NotFound("Délai introuvable.")
    return target


def list_targets(*, category_id: int | None = None) -> list[SlaTarget]:
    query = select(SlaTarget).order_by(SlaTarget.category_id, SlaTarget.priority.nulls_first())
    if category_id is not None:
        query = query.where(SlaTarget.category_id == category_id)
    return list(db.session.scalars(query))


def save(values: dict, target_id: int | None = None, actor: User | None = None) -> SlaTarget:
    """Create (target_id None) or change a target; one per (category, priority)."""
    target = SlaTarget(source="admin") if target_id is None else get(target_id)
    before = None if target_id is None else audit.snapshot(target)
    if "category_id" in values:
        category = db.session.get(Category, values["category_id"])
        if category is None or not category.is_leaf:
            message = "Catégorie inconnue ou non terminale (un délai s'applique à une sous-catégorie)."
            raise Unprocessable(message, errors=[field("category_id", message, location="json")])
    values = {k: Decimal(str(round(v, 2))) if k.endswith("_amount") else v for k, v in values.items()}
    for kind in ("ack", "resolve"):
        amount = values.get(f"{kind}_amount", getattr(target, f"{kind}_amount"))
        unit = values.get(f"{kind}_unit", getattr(target, f"{kind}_unit"))
        try:
            Target(float(amount), unit)
        except (TypeError, ValueError):
            message = "Délai invalide : positif, et en jours ouvrés entiers."
            raise Unprocessable(message, errors=[field(f"{kind}_amount", message, location="json")]) from None
    save_fields(target, values, DUPLICATE)
    clock.forget()
    audit.record(
        actor,
        "sla_target",
        target.id,
        "create" if before is None else "update",
        before,
        audit.snapshot(target),
    )
    return target


def delete(target_id: int, actor: User | None = None) -> None:
    target = get(target_id)
    before = audit.snapshot(target)
    db.session.delete(target)
    db.session.flush()
    clock.forget()
    audit.record(actor, "sla_target", target_id, "delete", before, None)
