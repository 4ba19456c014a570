"""/admin/users: search, create (a one-time link mailed, no password), edit
role and scopes, disable/enable, password-reset link, force logout; through
`access.accounts`, `access.auth` and `access.password_reset` as the API."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from dansmarue.access import accounts, auth, password_reset
from dansmarue.admin import units
from dansmarue.adminpages import choices, forms
from dansmarue.adminpages.base import PAGE_SIZE, actor, admin_view, bp, form_page, page_args
from dansmarue.adminpages.forms import Field, Refused
from dansmarue.api.admin_users.schemas import UserPatchSchema, UserQuerySchema, UserSchema
from dansmarue.models import User

STATES = [("", "Tous"), ("true", "Actifs"), ("false", "Désactivés")]


def _fields(new: bool) -> list[Field]:
    common = [
        Field("full_name", "Nom"),
        Field("role", "Rôle", "select", choices.roles(), required=True),
        Field("unit_codes", "Unités (agents)", "multiselect", choices.unit_codes()),
        Field("direction_code", "Direction (responsables)", "select", choices.directions()),
    ]
    if not new:
        return common
    return [
        Field("email", "Adresse e-mail", "email", required=True),
        *common,
        Field("send_reset_link", "Envoyer le lien pour choisir un mot de passe", "checkbox"),
    ]


def _values(user: User) -> MultiDict:
    data = MultiDict({"full_name": user.full_name or "", "role": user.role})
    for unit in user.units:
        data.add("unit_codes", unit.code)
    if user.direction_id is not None:
        data["direction_code"] = units.get(user.direction_id).code
    return data


@bp.get("/users")
@admin_view
def users() -> Any:
    filters: dict[str, Any] = {
        k: v for k, v in request.args.items() if k in ("q", "role", "active", "unit_code") and v
    }
    errors: dict[str, str] = {}
    items: list[User] = []
    total = 0
    page = page_args()
    try:
        args = forms.load(UserQuerySchema(), {**filters, "page": page, "page_size": PAGE_SIZE})
        items, total = accounts.search(**args)
    except Refused as refused:
        errors = refused.errors

    def link(number: int) -> str:
        return url_for("adminpages.users", **filters, page=number)

    return render_template(
        "admin/users.html",
        items=items,
        total=total,
        page=page,
        page_size=PAGE_SIZE,
        link=link,
        filters=filters,
        errors=errors,
        roles=choices.roles(),
        states=STATES,
        units=choices.unit_codes(),
        labels=choices.ROLE_LABELS,
    ), (422 if errors else 200)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_view
def user_new() -> Any:
    fields = _fields(True)
    if request.method == "GET":
        return form_page(
            "admin/user_form.html", fields, MultiDict({"send_reset_link": "on", "role": "agent"})
        )
    try:
        values = forms.load(UserSchema(), forms.read(request.form, fields))
        who = actor()
        user = forms.run(lambda: accounts.create(values, who), "email")
    except Refused as refused:
        return form_page("admin/user_form.html", fields, request.form, refused)
    flash(f"Compte {user.email} créé.")
    return redirect(url_for("adminpages.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_view
def user_edit(user_id: int) -> Any:
    user = accounts.get(user_id)
    fields = _fields(False)
    context: dict[str, Any] = {"item": user}
    if request.method == "GET":
        return form_page("admin/user_form.html", fields, _values(user), **context)
    try:
        values = forms.load(UserPatchSchema(), forms.read(request.form, fields))
        who = actor()
        forms.run(lambda: accounts.update(user, values, who))
    except Refused as refused:
        return form_page("admin/user_form.html", fields, request.form, refused, **context)
    flash("Compte enregistré.")
    return redirect(url_for("adminpages.user_edit", user_id=user_id))


def _account_action(user_id: int, done: str, action: Any) -> Any:
    """Disable, enable, reset link, logout: the account page again on a refusal."""
    user = accounts.get(user_id)
    who = actor()
    try:
        forms.run(lambda: action(user, who))
    except Refused as refused:
        return form_page(
            "admin/user_form.html",
            _fields(False),
            _values(user),
            item=user,
            action_error=refused.errors["_form"],
        )[0], refused.status
    flash(done.format(email=user.email))
    return redirect(url_for("adminpages.user_edit", user_id=user_id))


@bp.post("/users/<int:user_id>/disable")
@admin_view
def user_disable(user_id: int) -> Any:
    return _account_action(user_id, "Compte {email} désactivé.", lambda u, a: auth.set_active(u, False, a))


@bp.post("/users/<int:user_id>/enable")
@admin_view
def user_enable(user_id: int) -> Any:
    return _account_action(user_id, "Compte {email} réactivé.", lambda u, a: auth.set_active(u, True, a))


@bp.post("/users/<int:user_id>/password-reset")
@admin_view
def user_password_reset(user_id: int) -> Any:
    return _account_action(
        user_id, "Lien de choix du mot de passe envoyé à {email}.", password_reset.request_reset
    )


@bp.post("/users/<int:user_id>/logout")
@admin_view
def user_logout(user_id: int) -> Any:
    return _account_action(user_id, "Toutes les sessions de {email} sont fermées.", accounts.force_logout)
