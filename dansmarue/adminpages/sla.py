"""/admin/sla-targets: acknowledgement and resolution targets per leaf
category and priority (list by category, create, edit, delete); `sla.target_admin`."""

from dansmarue.adminpages import choices
from dansmarue.adminpages.crud import Catalogue, register
from dansmarue.adminpages.forms import Field
from dansmarue.api.admin_sla.schemas import SlaTargetPatchSchema, SlaTargetSchema
from dansmarue.models import PRIORITIES
from dansmarue.sla import target_admin

TIME_UNITS = [("hours", "heures"), ("business_days", "jours ouvrés")]


def _fields() -> list[Field]:
    return [
        Field(
            "category_id",
            "Catégorie (feuille)",
            "select",
            choices.categories(leaves_only=True),
            required=True,
        ),
        Field(
            "priority",
            "Priorité (vide : toutes)",
            "select",
            [("", "Toutes")] + [(str(k), f"{k} · {v}") for k, v in PRIORITIES.items()],
        ),
        Field("ack_amount", "Délai de prise en compte", "number", required=True),
        Field("ack_unit", "Unité du délai de prise en compte", "select", TIME_UNITS, required=True),
        Field("resolve_amount", "Délai de résolution", "number", required=True),
        Field("resolve_unit", "Unité du délai de résolution", "select", TIME_UNITS, required=True),
        Field("rationale", "Justification", "textarea"),
    ]


def _filters() -> list[Field]:
    return [Field("category_id", "Catégorie", "select", choices.categories(leaves_only=True))]


UNIT_LABELS = dict(TIME_UNITS)

register(
    Catalogue(
        slug="sla-targets",
        title="Délais (SLA)",
        singular="Délai",
        entity="sla_target",
        schema=SlaTargetSchema,
        patch_schema=SlaTargetPatchSchema,
        fields=_fields,
        columns=[
            ("Catégorie", lambda t: t.category_id),
            ("Priorité", lambda t: PRIORITIES.get(t.priority, "toutes")),
            ("Prise en compte", lambda t: f"{t.ack_amount:g} {UNIT_LABELS.get(t.ack_unit, t.ack_unit)}"),
            (
                "Résolution",
                lambda t: f"{t.resolve_amount:g} {UNIT_LABELS.get(t.resolve_unit, t.resolve_unit)}",
            ),
        ],
        list_items=lambda args: target_admin.list_targets(**args),
        get=target_admin.get,
        save=lambda values, item_id, who: target_admin.save(values, item_id, actor=who),
        delete=lambda item_id, who: target_admin.delete(item_id, actor=who),
        filters=_filters,
        conflict_field="priority",
    )
)
