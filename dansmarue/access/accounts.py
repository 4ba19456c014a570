"""Account administration (issue #13): search, role and scopes, force-logout.

Creation, disabling and tokens live in `dansmarue.access.auth` (the CLI uses
them too); every change here is audited. Callers commit.
"""

from sqlalchemy import func, or_, select

from dansmarue import audit
from dansmarue.access import auth, password_reset
from dansmarue.errors import Conflict, NotFound, Unprocessable, field
from dansmarue.models import ROLES, User, db


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Compte introuvable.")
    return user


def search(
    *,
    q: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    unit_code: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[User], int]:
    """Accounts by e-mail, then id; `q` matches e-mail or name (case-insensitive)."""
    query = select(User)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(User.email.ilike(pattern), User.full_name.ilike(pattern)))
    if role is not None:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    if unit_code is not None:
        query = query.where(User.units.any(code=unit_code))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(User.email, User.id).limit(page_size).offset((page - 1) * page_size)
    )
    return list(rows), total


def create(values: dict, actor: User | None = None) -> User:
    """An account without a password (/admin, /api/v1/admin/users): by default
    it is mailed a one-time link to choose one (`send_reset_link`)."""
    user = auth.create_user(
        values["email"],
        None,
        values["role"],
        full_name=values.get("full_name"),
        unit_codes=values.get("unit_codes") or (),
        direction_code=values.get("direction_code"),
        actor=actor,
    )
    if values.get("send_reset_link", True):
        password_reset.request_reset(user, actor)
    return user


def update(user: User, values: dict, actor: User | None = None) -> User:
    """Change the name, role, units (`unit_codes`) or direction (`direction_code`)."""
    before = auth.user_snapshot(user)
    role = values.get("role", user.role)
    if role not in ROLES:
        raise Unprocessable(
            f"Rôle inconnu : {role}.", errors=[field("role", f"Valeurs : {', '.join(ROLES)}.")]
        )
    if actor is not None and actor.id == user.id and role != "admin":
        raise Conflict("Un administrateur ne peut pas retirer son propre rôle d'administrateur.")
    user.role = role
    if "full_name" in values:
        user.full_name = values["full_name"]
    if "unit_codes" in values:
        user.units = auth.units_by_code(values["unit_codes"])
    if "direction_code" in values:
        code = values["direction_code"]
        user.direction_id = auth.direction_id(code) if code else None
    db.session.flush()
    audit.record(actor, "user", user.id, "update", before, auth.user_snapshot(user))
    return user


def force_logout(user: User, actor: User | None = None) -> int:
    """Revoke every bearer token and web session of the account. Audited."""
    revoked = auth.revoke_everywhere(user)
    audit.record(actor, "user", user.id, "force_logout", None, {"tokens_revoked": revoked})
    return revoked
