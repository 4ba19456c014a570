"""List, create, edit and delete pages for the flat admin catalogues (SLA
targets, rejection reasons, done messages, requalification rules): each one
is a `Catalogue` naming the API's schemas and the admin service's calls."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from dansmarue.adminpages import forms
from dansmarue.adminpages.base import actor, admin_view, bp, form_page
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.models import User


@dataclass(frozen=True)
class Catalogue:
    slug: str  # the address under /admin and the endpoints' prefix
    title: str
    singular: str
    entity: str  # the audit trail's entity name
    schema: type[Schema]
    patch_schema: type[Schema]
    fields: Callable[[], list[Field]]
    columns: list[tuple[str, Callable[[Any], Any]]]
    list_items: Callable[[dict[str, Any]], list[Any]]
    get: Callable[[int], Any]
    save: Callable[[dict[str, Any], int | None, User], Any]
    delete: Callable[[int, User], None]
    filters: Callable[[], list[Field]] = list
    conflict_field: str | None = None  # where a duplicate's refusal is shown


def _values(item: Any, fields: list[Field]) -> MultiDict:
    data: MultiDict = MultiDict()
    for f in fields:
        value = getattr(item, f.name, None)
        if f.kind == "checkbox":
            if value:
                data[f.name] = "on"
        else:
            data[f.name] = "" if value is None else str(value)
    return data


def register(cat: Catalogue) -> None:
    """The four pages of one catalogue, endpoints `<slug>`, `<slug>_new`, `<slug>_edit`, `<slug>_delete`."""
    template = "admin/crud_form.html"
    endpoint = cat.slug.replace("-", "_")

    def listing() -> Any:
        filter_fields = cat.filters()
        raw = {f.name: request.args[f.name] for f in filter_fields if request.args.get(f.name)}
        errors: dict[str, str] = {}
        items: list[Any] = []
        try:
            args = forms.load(cat.schema(partial=True, only=list(raw)), raw) if raw else {}
            items = cat.list_items(args)
        except Refused as refused:
            errors = refused.errors
        return render_template(
            "admin/crud_list.html",
            cat=cat,
            items=items,
            filters=filter_fields,
            args=raw,
            errors=errors,
            endpoint=endpoint,
        ), (422 if errors else 200)

    def create() -> Any:
        fields = cat.fields()
        context: dict[str, Any] = {"cat": cat, "endpoint": endpoint}
        if request.method == "GET":
            return form_page(template, fields, MultiDict(request.args), **context)
        try:
            values = forms.load(cat.schema(), forms.read(request.form, fields))
            who = actor()
            item = forms.run(lambda: cat.save(values, None, who), cat.conflict_field)
        except Refused as refused:
            return form_page(template, fields, request.form, refused, **context)
        flash(f"{cat.singular} n° {item.id} créé(e).")
        return redirect(url_for(f"adminpages.{endpoint}_edit", item_id=item.id))

    def edit(item_id: int) -> Any:
        item = cat.get(item_id)
        fields = cat.fields()
        context: dict[str, Any] = {"cat": cat, "item": item, "endpoint": endpoint}
        if request.method == "GET":
            return form_page(template, fields, _values(item, fields), **context)
        try:
            values = forms.load(cat.patch_schema(), forms.read(request.form, fields))
            who = actor()
            forms.run(lambda: cat.save(values, item_id, who), cat.conflict_field)
        except Refused as refused:
            return form_page(template, fields, request.form, refused, **context)
        flash(f"{cat.singular} n° {item_id} enregistré(e).")
        return redirect(url_for(f"adminpages.{endpoint}_edit", item_id=item_id))

    def remove(item_id: int) -> Any:
        cat.get(item_id)
        who = actor()
        try:
            forms.run(lambda: cat.delete(item_id, who))
        except Refused as refused:
            item = cat.get(item_id)
            fields = cat.fields()
            return form_page(
                template, fields, _values(item, fields), refused, cat=cat, item=item, endpoint=endpoint
            )
        flash(f"{cat.singular} n° {item_id} supprimé(e).")
        return redirect(url_for(f"adminpages.{endpoint}"))

    base = f"/{cat.slug}"
    bp.add_url_rule(base, endpoint, admin_view(listing), methods=["GET"])
    bp.add_url_rule(f"{base}/new", f"{endpoint}_new", admin_view(create), methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:item_id>", f"{endpoint}_edit", admin_view(edit), methods=["GET", "POST"])
    bp.add_url_rule(
        f"{base}/<int:item_id>/delete", f"{endpoint}_delete", admin_view(remove), methods=["POST"]
    )
