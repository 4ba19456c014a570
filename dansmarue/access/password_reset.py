"""One-time password reset links (issue #13).

An administrator asks for one (`request_reset`): a row is written and a mail
job queued in the same transaction. The job draws the token, stores its
sha256 and mails the link, so the token is never at rest anywhere. The link
works once, before it expires; setting the password revokes every session.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from dansmarue import audit
from dansmarue.access import auth
from dansmarue.errors import Unprocessable, field
from dansmarue.jobs import outbox, registry
from dansmarue.models import PasswordReset, User, db, utcnow
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel

RESET_TTL_HOURS = 24
MIN_PASSWORD_LENGTH = 12
INVALID_LINK = "Lien de réinitialisation invalide, expiré ou déjà utilisé."


def reset_link(raw: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/agent/password-reset?token={raw}"


def request_reset(user: User, actor: User | None = None) -> PasswordReset:
    """Void earlier links of `user`, write a new one and queue its mail."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(expires_at=utcnow())
    )
    reset = PasswordReset(
        user_id=user.id,
        requested_by_id=actor.id if actor is not None else None,
        expires_at=utcnow() + timedelta(hours=RESET_TTL_HOURS),
    )
    db.session.add(reset)
    db.session.flush()
    outbox.add_job(registry.SEND_PASSWORD_RESET, reset.id, reset_id=reset.id)
    audit.record(actor, "user", user.id, "password_reset_requested", None, {"reset_id": reset.id})
    return reset


def send_password_reset(reset_id: int) -> int:
    """The mail job: draw the token, keep its hash, mail the link (once)."""
    reset = db.session.get(PasswordReset, reset_id)
    raw = auth.draw_link_token(reset)
    if reset is None or raw is None:
        return 0
    hours = RESET_TTL_HOURS
    text = (
        f"Bonjour,\n\nUn administrateur de DansMaRue a demandé la réinitialisation du mot de passe "
        f"du compte {reset.user.email}.\n\nChoisissez un nouveau mot de passe (lien valable {hours} h, "
        f"utilisable une seule fois) :\n{reset_link(raw)}\n\n"
        "Si vous n'attendiez pas ce message, prévenez votre administrateur.\n"
    )
    message = Message(reset.user.email, "DansMaRue : réinitialisation de votre mot de passe", text)
    return int(deliver(email_channel(), message, f"password-reset:{reset_id}"))


def complete_reset(raw: str, password: str) -> User:
    """Set the password behind a valid link; the link is then spent and
    every token and web session of the account revoked."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Unprocessable(
            "Mot de passe trop court.",
            errors=[field("password", f"Au moins {MIN_PASSWORD_LENGTH} caractères.")],
        )
    reset = db.session.scalar(
        select(PasswordReset)
        .where(
            PasswordReset.token_hash == auth.digest(raw or ""),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
        .with_for_update()
    )
    if reset is None or not reset.user.active:
        raise Unprocessable(INVALID_LINK, errors=[field("token", INVALID_LINK)])
    reset.used_at = utcnow()
    reset.user.password_hash = auth.hash_password(password)
    auth.revoke_everywhere(reset.user)
    audit.record(reset.user, "user", reset.user.id, "password_reset_completed", None, {"reset_id": reset.id})
    return reset.user
