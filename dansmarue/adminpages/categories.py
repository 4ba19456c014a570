"""/admin/categories: the category tree with a search, create, rename, move,
deactivate, responsible unit, flags, default priority, public age cut-off;
`catalogue.category_admin`. The page shows the catalogue version after a change."""

from collections import defaultdict
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dansmarue.adminpages import choices, forms
from dansmarue.adminpages.base import actor, admin_view, bp, form_page
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.api.admin_catalogue.schemas import CategoryPatchSchema, CategorySchema
from dansmarue.catalogue import categories as catalogue
from dansmarue.catalogue import category_admin
from dansmarue.models import PRIORITIES, Category

TEXTS = ("label", "alias", "open_data_label", "out_of_scope_message")
NUMBERS = ("sort_order", "default_priority", "public_max_age_days")
FLAGS = ("active", "agent_only", "out_of_scope", "sensitive_photo", "skip_qualification")


def _fields() -> list[Field]:
    return [
        Field("label", "Libellé", required=True),
        Field("parent_id", "Catégorie parente (vide : un type)", "select", choices.categories()),
        Field("alias", "Alias"),
        Field("open_data_label", "Libellé en open data"),
        Field("unit_id", "Unité responsable", "select", choices.unit_ids()),
        Field(
            "default_priority",
            "Priorité par défaut",
            "select",
            [("", "—")] + [(str(k), f"{k} · {v}") for k, v in PRIORITIES.items()],
        ),
        Field("public_max_age_days", "Âge maximal sur la carte publique (jours)", "number"),
        Field("sort_order", "Ordre d'affichage", "number"),
        Field("active", "Active", "checkbox"),
        Field("agent_only", "Réservée aux agents", "checkbox"),
        Field("out_of_scope", "Hors du champ du service", "checkbox"),
        Field("out_of_scope_message", "Message si hors du champ", "textarea"),
        Field("sensitive_photo", "Photos sensibles (effacées après 48 h)", "checkbox"),
        Field("skip_qualification", "Sans qualification", "checkbox"),
    ]


def _values(category: Category) -> MultiDict:
    data: MultiDict = MultiDict()
    for name in (*TEXTS, *NUMBERS, "parent_id", "unit_id"):
        value = getattr(category, name)
        data[name] = "" if value is None else str(value)
    for flag in FLAGS:
        if getattr(category, flag):
            data[flag] = "on"
    return data


@bp.get("/categories")
@admin_view
def categories() -> str:
    q = request.args.get("q", "").strip().lower()
    every = category_admin.list_all()
    children: dict[int | None, list[Category]] = defaultdict(list)
    for item in every:
        children[item.parent_id].append(item)
    found = [c for c in every if q in c.label.lower() or q in (c.alias or "").lower()] if q else []
    return render_template(
        "admin/categories.html", children=children, q=q, found=found, version=catalogue.version()
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@admin_view
def category_new() -> Any:
    fields = _fields()
    context: dict[str, Any] = {"version": catalogue.version()}
    if request.method == "GET":
        start = MultiDict({"active": "on", "parent_id": request.args.get("parent_id", "")})
        return form_page("admin/category_form.html", fields, start, **context)
    try:
        values = forms.load(CategorySchema(), forms.read(request.form, fields))
        who = actor()
        item = forms.run(lambda: category_admin.save(values, actor=who))
    except Refused as refused:
        return form_page("admin/category_form.html", fields, request.form, refused, **context)
    flash(f"Catégorie « {item.label} » créée. Version du catalogue : {catalogue.version()}.")
    return redirect(url_for("adminpages.category_edit", category_id=item.id))


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@admin_view
def category_edit(category_id: int) -> Any:
    item = category_admin.get(category_id)
    fields = _fields()
    context: dict[str, Any] = {"item": item, "version": catalogue.version()}
    if request.method == "GET":
        return form_page("admin/category_form.html", fields, _values(item), **context)
    try:
        values = forms.load(CategoryPatchSchema(), forms.read(request.form, fields))
        who = actor()
        forms.run(lambda: category_admin.save(values, category_id, actor=who))
    except Refused as refused:
        return form_page("admin/category_form.html", fields, request.form, refused, **context)
    flash(f"Catégorie « {item.label} » enregistrée. Version du catalogue : {catalogue.version()}.")
    return redirect(url_for("adminpages.category_edit", category_id=category_id))
