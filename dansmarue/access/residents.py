"""Residents proving who they are (issue #19.2): a one-time sign-in link sent
by e-mail (as FixMyStreet confirms by e-mail), or a city account (OpenID
Connect, `access.resident_oidc`).

A resident is an `app_user` of role "resident", created the first time an
address proves itself. `request_sign_in` writes a link row and queues its
mail in the same transaction; the mail job (`send_sign_in_link`) draws the
token and keeps only its sha256, so the token is nowhere at rest, not even in
the outbox. The link works once, for SIGN_IN_TTL_MINUTES. Exchanging it gives
either a bearer token (the apps, `exchange_for_token`: hashed at rest,
expiring, revocable) or the resident account for the cookie session
(`web_session.log_in_resident`). Staff accounts never sign in this way.
Services flush but never commit.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from dansmarue.access import auth
from dansmarue.errors import Forbidden, Unprocessable, field
from dansmarue.jobs import outbox, registry
from dansmarue.models import ResidentSignIn, User, db, utcnow
from dansmarue.notifications.channels import Message
from dansmarue.notifications.delivery import deliver, email_channel

SIGN_IN_TTL_MINUTES = 30
TOKEN_TTL_HOURS = 24 * 30
INVALID_LINK = "Lien de connexion invalide, expiré ou déjà utilisé : demandez-en un nouveau."
STAFF_ADDRESS = (
    "Cette adresse est celle d'un compte agent : connectez-vous par la page de connexion des agents."
)


def sign_in_url(raw: str) -> str:
    """The link in the mail: the residents' landing page (the apps may open it too)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/moi/connexion/{raw}"


def _account(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == auth.normalise_email(email)))


def request_sign_in(email: str) -> ResidentSignIn | None:
    """Queue a sign-in link for `email` (earlier unused links are voided).

    Nothing is queued for a staff address; the caller answers the same either
    way, so the answer tells nobody whether an address is known."""
    email = auth.normalise_email(email)
    account = _account(email)
    if account is not None and (account.role != "resident" or not account.active):
        return None
    db.session.execute(
        update(ResidentSignIn)
        .where(ResidentSignIn.email == email, ResidentSignIn.used_at.is_(None))
        .values(expires_at=utcnow())
    )
    link = ResidentSignIn(email=email, expires_at=utcnow() + timedelta(minutes=SIGN_IN_TTL_MINUTES))
    db.session.add(link)
    db.session.flush()
    outbox.add_job(registry.SEND_RESIDENT_SIGN_IN, link.id, sign_in_id=link.id)
    return link


def send_sign_in_link(sign_in_id: int) -> int:
    """The mail job: draw the token, keep its hash, mail the link (once)."""
    link = db.session.get(ResidentSignIn, sign_in_id)
    raw = auth.draw_link_token(link)
    if link is None or raw is None:
        return 0
    text = (
        "Bonjour,\n\nVous avez demandé à vous connecter à DansMaRue pour retrouver vos "
        "signalements et vos suivis.\n\n"
        f"Ouvrez ce lien (valable {SIGN_IN_TTL_MINUTES} minutes, utilisable une seule fois) :\n"
        f"{sign_in_url(raw)}\n\n"
        f"Dans l'application, vous pouvez aussi saisir ce code de connexion :\n{raw}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter "
        "sans ce lien.\n"
    )
    message = Message(link.email, "DansMaRue : votre lien de connexion", text)
    return int(deliver(email_channel(), message, f"resident-sign-in:{sign_in_id}"))


def consume_link(raw: str) -> User:
    """Spend a valid link and return its resident (created on first sign-in).

    Raises Unprocessable for an unknown, expired or used link, Forbidden for
    a staff address."""
    link = db.session.scalar(
        select(ResidentSignIn)
        .where(
            ResidentSignIn.token_hash == auth.digest(raw or ""),
            ResidentSignIn.used_at.is_(None),
            ResidentSignIn.expires_at > utcnow(),
        )
        .with_for_update()
    )
    if link is None:
        raise Unprocessable(INVALID_LINK, errors=[field("token", INVALID_LINK)])
    link.used_at = utcnow()
    return resident_for(link.email)


def resident_for(email: str) -> User:
    """The resident account of a proven address (a link's, a city account's)."""
    account = _account(email)
    if account is None:
        return auth.create_user(email, None, "resident")
    if account.role != "resident":
        raise Forbidden(STAFF_ADDRESS)
    if not account.active:
        raise Forbidden("Ce compte est désactivé.")
    return account


def exchange_for_token(raw: str) -> tuple[User, str, datetime]:
    """The apps' exchange: a spent link for a resident bearer token and its expiry."""
    user = consume_link(raw)
    token = auth.issue_token(user, ttl_hours=TOKEN_TTL_HOURS)
    return user, token, utcnow() + timedelta(hours=TOKEN_TTL_HOURS)


def is_resident(user: User | None) -> bool:
    return user is not None and user.active and user.role == "resident"
