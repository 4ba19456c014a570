"""/admin/texts: the agents' rejection reasons and service-done messages
(`catalogue.agent_texts`) and the automatic requalification rules
(`workflow.requalification`), each listed, created, edited and deleted."""

from flask import render_template

from dansmarue.adminpages import choices
from dansmarue.adminpages.base import admin_view, bp
from dansmarue.adminpages.crud import Catalogue, register
from dansmarue.adminpages.forms import Field
from dansmarue.api.admin.schemas import (
    MessagePatchSchema,
    MessageSchema,
    ReasonPatchSchema,
    ReasonSchema,
    RequalificationRulePatchSchema,
    RequalificationRuleSchema,
)
from dansmarue.catalogue import agent_texts
from dansmarue.models.requalification import RULE_TARGET_STATES
from dansmarue.workflow import requalification

YES_NO = {True: "oui", False: "non"}


def _reason_fields() -> list[Field]:
    return [
        Field("label", "Motif", required=True),
        Field("sort_order", "Ordre d'affichage", "number"),
        Field("active", "Proposé aux agents", "checkbox"),
    ]


def _message_fields() -> list[Field]:
    return [
        Field("title", "Titre", required=True),
        Field("message", "Message au déclarant", "textarea", required=True),
        Field("category_id", "Catégorie (vide : toutes)", "select", choices.categories()),
        Field("sort_order", "Ordre d'affichage", "number"),
        Field("active", "Proposé aux agents", "checkbox"),
    ]


def _rule_fields() -> list[Field]:
    return [
        Field(
            "source_unit_id",
            "Unité d'origine (et ses sous-unités)",
            "select",
            choices.unit_ids(),
            required=True,
        ),
        Field("category_id", "Catégorie (vide : toutes)", "select", choices.categories()),
        Field("target_unit_id", "Unité de destination", "select", choices.unit_ids(), required=True),
        Field(
            "target_state",
            "État à donner (vide : l'envoi habituel)",
            "select",
            [("", "—")] + [(s, s) for s in RULE_TARGET_STATES],
        ),
        Field("active", "Active", "checkbox"),
    ]


register(
    Catalogue(
        slug="rejection-reasons",
        title="Motifs de rejet",
        singular="Motif",
        entity="rejection_reason",
        schema=ReasonSchema,
        patch_schema=ReasonPatchSchema,
        fields=_reason_fields,
        columns=[
            ("Motif", lambda r: r.label),
            ("Ordre", lambda r: r.sort_order),
            ("Actif", lambda r: YES_NO[r.active]),
        ],
        list_items=lambda args: agent_texts.list_items("reason"),
        get=lambda item_id: agent_texts.get("reason", item_id),
        save=lambda values, item_id, who: agent_texts.save("reason", values, item_id, actor=who),
        delete=lambda item_id, who: agent_texts.delete("reason", item_id, actor=who),
    )
)
register(
    Catalogue(
        slug="done-messages",
        title="Messages de service fait",
        singular="Message",
        entity="done_message",
        schema=MessageSchema,
        patch_schema=MessagePatchSchema,
        fields=_message_fields,
        columns=[
            ("Titre", lambda m: m.title),
            ("Catégorie", lambda m: m.category_id or "toutes"),
            ("Actif", lambda m: YES_NO[m.active]),
        ],
        list_items=lambda args: agent_texts.list_items("message", **args),
        get=lambda item_id: agent_texts.get("message", item_id),
        save=lambda values, item_id, who: agent_texts.save("message", values, item_id, actor=who),
        delete=lambda item_id, who: agent_texts.delete("message", item_id, actor=who),
        filters=lambda: [Field("category_id", "Catégorie", "select", choices.categories())],
    )
)
register(
    Catalogue(
        slug="requalification-rules",
        title="Règles de requalification automatique",
        singular="Règle",
        entity="requalification_rule",
        schema=RequalificationRuleSchema,
        patch_schema=RequalificationRulePatchSchema,
        fields=_rule_fields,
        columns=[
            ("Unité d'origine", lambda r: r.source_unit_id),
            ("Catégorie", lambda r: r.category_id or "toutes"),
            ("Destination", lambda r: r.target_unit_id),
            ("Active", lambda r: YES_NO[r.active]),
        ],
        list_items=lambda args: requalification.list_rules(**args),
        get=requalification.get,
        save=lambda values, item_id, who: requalification.save(values, item_id, actor=who),
        delete=lambda item_id, who: requalification.delete(item_id, actor=who),
        filters=lambda: [Field("source_unit_id", "Unité d'origine", "select", choices.unit_ids())],
        conflict_field="source_unit_id",
    )
)


@bp.get("/texts")
@admin_view
def texts() -> str:
    return render_template("admin/texts.html")
