"""Staff accounts: argon2 passwords, expiring revocable bearer tokens.

Services flush but never commit: the caller (route or CLI) commits once.
Only the sha256 of a token is stored, so a database leak gives no session.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from dansmarue import audit
from dansmarue.errors import Conflict, NotFound, Unauthorized, Unprocessable
from dansmarue.models import ROLES, ApiToken, PasswordReset, ResidentSignIn, Unit, User, db, utcnow
from dansmarue.models.base import rowcount

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so timing does not tell.
_DUMMY_HASH = _hasher.hash("dansmarue-dummy-password")
BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


def hash_password(pw: str) -> str:
    return _hasher.hash(pw)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(
    email: str,
    password: str | None,
    role: str,
    full_name: str | None = None,
    unit_codes: Iterable[str] = (),
    direction_code: str | None = None,
    *,
    actor: User | None = None,
) -> User:
    """Create an account; agents get units, managers a direction (by unit code). Audited."""
    email = normalise_email(email)
    if "@" not in email:
        raise Unprocessable(
            "Adresse e-mail invalide.", errors=[{"field": "email", "message": "Adresse e-mail invalide."}]
        )
    if role not in ROLES:
        raise Unprocessable(
            f"Rôle inconnu : {role}.", errors=[{"field": "role", "message": f"Valeurs : {', '.join(ROLES)}."}]
        )
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Conflict("Un compte existe déjà avec cette adresse e-mail.")
    units = units_by_code(unit_codes)
    direction = None
    if direction_code:
        direction = direction_id(direction_code)
    elif role == "manager" and units:
        direction = units[0].direction_id
    user = User(
        email=email,
        role=role,
        full_name=full_name,
        active=True,
        password_hash=hash_password(password) if password else None,
        direction_id=direction,
        units=units,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user", user.id, "create", None, user_snapshot(user))
    return user


def user_snapshot(user: User) -> dict:
    """An account as the audit trail keeps it (its units by code, no password)."""
    return audit.snapshot(user, unit_codes=sorted(u.code for u in user.units))


def direction_id(code: str) -> int:
    """The id of the direction (a root unit) with this code."""
    direction = units_by_code([code])[0]
    if direction.parent_id is not None:
        raise Unprocessable(
            f"{code} n'est pas une direction.",
            errors=[{"field": "direction_code", "message": "Une direction est une unité racine."}],
        )
    return direction.id


def units_by_code(codes: Iterable[str] | None) -> list[Unit]:
    codes = list(dict.fromkeys(codes or ()))
    if not codes:
        return []
    units = db.session.scalars(select(Unit).where(Unit.code.in_(codes))).all()
    missing = sorted(set(codes) - {u.code for u in units})
    if missing:
        raise Unprocessable(
            f"Unité(s) inconnue(s) : {', '.join(missing)}.",
            errors=[{"field": "unit_codes", "message": f"Inconnue : {c}"} for c in missing],
        )
    return list(units)


def authenticate(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise Unauthorized."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        raise Unauthorized(BAD_CREDENTIALS) from None
    if user is None or not user.password_hash:
        raise Unauthorized(BAD_CREDENTIALS)
    if not user.active:
        raise Unauthorized("Ce compte est désactivé.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def digest(raw: str) -> str:
    """The stored form of a secret (bearer tokens, Open311 api keys)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def draw_link_token(link: PasswordReset | ResidentSignIn | None) -> str | None:
    """The mail job's step of a one-time link (password reset, resident sign-in):
    a fresh secret whose hash only is kept, or None when the link is gone, spent
    or expired. Drawn by the job, so not even the outbox holds the secret."""
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    raw = secrets.token_urlsafe(32)
    link.token_hash = digest(raw)
    return raw


def issue_token(user: User, ttl_hours: int = 12) -> str:
    """A new random bearer token for `user`; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user_id=user.id, token_hash=digest(raw), expires_at=utcnow() + timedelta(hours=ttl_hours))
    )
    db.session.flush()
    return raw


def token_expiry(raw: str) -> datetime | None:
    return db.session.scalar(select(ApiToken.expires_at).where(ApiToken.token_hash == digest(raw)))


def resolve_token(raw: str | None) -> User | None:
    """The active user behind a valid token; None if unknown, expired or revoked."""
    if not raw:
        return None
    return db.session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == digest(raw),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > func.now(),
            User.active.is_(True),
        )
    )


def revoke_token(raw: str) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.token_hash == digest(raw), ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_web_sessions(user: User) -> None:
    """Void every web session cookie of `user` (its session epoch moves on)."""
    db.session.execute(update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1))


def revoke_everywhere(user: User) -> int:
    """Force-logout: revoke every bearer token and web session of `user`;
    returns the number of tokens revoked."""
    revoked = rowcount(
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    )
    revoke_web_sessions(user)
    return revoked


def set_active(user: User, active: bool, actor: User | None = None) -> User:
    """Disable (every token and session revoked too) or re-enable an account. Audited."""
    if actor is not None and actor.id == user.id and not active:
        raise Conflict("Un administrateur ne peut pas désactiver son propre compte.")
    before = user_snapshot(user)
    user.active = active
    if not active:
        revoke_everywhere(user)
    db.session.flush()
    db.session.refresh(user, ["session_epoch"])
    audit.record(actor, "user", user.id, "enable" if active else "disable", before, user_snapshot(user))
    return user


def by_email(email: str) -> User:
    """The account with this e-mail (any case), or NotFound."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None:
        raise NotFound(f"Aucun compte {email}.")
    return user


def disable_user(email: str, actor: User | None = None) -> User:
    """Deactivate an account and revoke all its tokens (`flask users disable`)."""
    return set_active(by_email(email), False, actor)
