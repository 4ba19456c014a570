"""/admin/units: the unit tree with a search, create, rename, move, mailbox,
contractor web hook URL and secret (write-only), deactivate; `admin.units`."""

from collections import defaultdict
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dansmarue.admin import units as unit_admin
from dansmarue.adminpages import choices, forms
from dansmarue.adminpages.base import actor, admin_view, bp, form_page
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.api.admin_units.schemas import UnitPatchSchema, UnitSchema
from dansmarue.models import Unit
from dansmarue.models.organisation import UNIT_KINDS

KINDS = {"direction": "Direction", "service": "Service", "contractor": "Prestataire", "operator": "Opérateur"}
SECRET_HINT = "Laissez vide pour le garder. Jamais affiché : 16 à 128 caractères."


def _fields(item: Unit | None) -> list[Field]:
    secret = "un secret est enregistré" if item is not None and item.webhook_secret else "aucun secret"
    return [
        Field("code", "Code", required=True),
        Field("label", "Libellé", required=True),
        Field("kind", "Type", "select", [(k, KINDS.get(k, k)) for k in UNIT_KINDS]),
        Field("parent_id", "Unité parente (vide : une direction)", "select", choices.unit_ids()),
        Field("open_data_name", "Nom en open data"),
        Field("email", "Boîte aux lettres", "email"),
        Field("webhook_url", "Web hook du prestataire (URL)", "url"),
        Field("webhook_secret", f"Secret du web hook ({secret})", "password", hint=SECRET_HINT),
        Field("clear_secret", "Supprimer le secret enregistré", "checkbox"),
        Field("contractor_without_ws", "Prestataire sans web hook (par e-mail)", "checkbox"),
        Field("active", "Active", "checkbox"),
    ]


def _values(unit: Unit) -> MultiDict:
    data = MultiDict(
        {
            "code": unit.code,
            "label": unit.label,
            "kind": unit.kind,
            "parent_id": "" if unit.parent_id is None else str(unit.parent_id),
            "open_data_name": unit.open_data_name or "",
            "email": unit.email or "",
            "webhook_url": unit.webhook_url or "",
        }
    )
    for flag in ("contractor_without_ws", "active"):
        if getattr(unit, flag):
            data[flag] = "on"
    return data


def _read(fields: list[Field]) -> dict[str, Any]:
    values = forms.read(request.form, fields)
    clear = values.pop("clear_secret")
    if clear:
        values["webhook_secret"] = None
    elif values.get("webhook_secret") is None:
        values.pop("webhook_secret", None)  # empty: keep the secret
    return values


@bp.get("/units")
@admin_view
def units() -> str:
    q = request.args.get("q", "").strip().lower()
    every = unit_admin.list_all()
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in every:
        children[unit.parent_id].append(unit)
    found = [u for u in every if q in u.code.lower() or q in u.label.lower()] if q else []
    return render_template("admin/units.html", children=children, q=q, found=found, kinds=KINDS)


@bp.route("/units/new", methods=["GET", "POST"])
@admin_view
def unit_new() -> Any:
    fields = _fields(None)
    if request.method == "GET":
        start = MultiDict({"kind": "service", "active": "on", "parent_id": request.args.get("parent_id", "")})
        return form_page("admin/unit_form.html", fields, start)
    try:
        values = forms.load(UnitSchema(), _read(fields))
        who = actor()
        unit = forms.run(lambda: unit_admin.save(values, actor=who), "code")
    except Refused as refused:
        return form_page("admin/unit_form.html", fields, request.form, refused)
    flash(f"Unité {unit.code} créée.")
    return redirect(url_for("adminpages.unit_edit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_view
def unit_edit(unit_id: int) -> Any:
    unit = unit_admin.get(unit_id)
    fields = _fields(unit)
    if request.method == "GET":
        return form_page("admin/unit_form.html", fields, _values(unit), item=unit)
    try:
        values = forms.load(UnitPatchSchema(), _read(fields))
        who = actor()
        forms.run(lambda: unit_admin.save(values, unit_id, actor=who), "code")
    except Refused as refused:
        return form_page("admin/unit_form.html", fields, request.form, refused, item=unit)
    flash(f"Unité {unit.code} enregistrée.")
    return redirect(url_for("adminpages.unit_edit", unit_id=unit_id))
