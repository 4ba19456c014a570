"""`flask users create|create-admin|list|disable|enable|reset-password`: staff
accounts, through the same audited services as /admin and /api/v1/admin (the
trail names no actor: the command line)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dansmarue.access import auth, password_reset
from dansmarue.errors import DomainError
from dansmarue.models import ROLES, User, db

cli = AppGroup("users", help="Staff accounts (agents, managers, admins).")


@cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default=None)
@click.option("--unit", "unit_codes", multiple=True, help="Unit code (repeatable).")
@click.option("--direction", "direction_code", default=None, help="Direction unit code.")
def create(
    email: str,
    role: str,
    password: str,
    full_name: str | None,
    unit_codes: tuple[str, ...],
    direction_code: str | None,
) -> None:
    """Create an account."""
    try:
        user = auth.create_user(
            email, password, role, full_name=full_name, unit_codes=unit_codes, direction_code=direction_code
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.detail) from None
    db.session.commit()
    click.echo(f"created {user.email} ({user.role}) id={user.id}")


@cli.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None)
def list_users(role: str | None) -> None:
    """List accounts."""
    query = select(User).order_by(User.email)
    if role:
        query = query.where(User.role == role)
    for user in db.session.scalars(query):
        units = ",".join(sorted(u.code for u in user.units)) or "-"
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id:>5}  {user.email:<40} {user.role:<8} {state:<8} {units}")


@cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account and revoke its tokens."""
    try:
        user = auth.disable_user(email)
    except DomainError as error:
        raise click.ClickException(error.detail) from None
    db.session.commit()
    click.echo(f"disabled {user.email}")


@cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Enable a disabled account again."""
    try:
        user = auth.set_active(auth.by_email(email), True)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.detail) from None
    db.session.commit()
    click.echo(f"enabled {user.email}")


@cli.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Mail the account a one-time link to choose a new password."""
    try:
        reset = password_reset.request_reset(auth.by_email(email))
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.detail) from None
    db.session.commit()
    click.echo(
        f"password-reset link mailed to {reset.user.email} "
        f"(valid until {reset.expires_at:%Y-%m-%d %H:%M} UTC)"
    )


def _strong(password: str) -> str:
    if len(password) < password_reset.MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"at least {password_reset.MIN_PASSWORD_LENGTH} characters")
    return password


@cli.command("create-admin")
@click.option("--email", prompt="E-mail of the administrator")
@click.option("--full-name", default=None)
def create_admin(email: str, full_name: str | None) -> None:
    """Create an administrator; the password is asked twice, hidden (there is no default one)."""
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True, value_proc=_strong)
    try:
        user = auth.create_user(email, password, "admin", full_name=full_name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.detail) from None
    db.session.commit()
    click.echo(f"created administrator {user.email} id={user.id}: sign in at /admin")


@cli.command("first-run-hint", hidden=True)
def first_run_hint() -> None:
    """What `make run` prints while no active administrator exists."""
    if db.session.scalar(select(User.id).where(User.role == "admin", User.active).limit(1)):
        return
    click.echo(
        "[run] No administrator yet. Create the first one (you choose the password):\n"
        "[run]   FLASK_APP=wsgi .venv/bin/flask users create-admin\n"
        "[run] then sign in at /admin to create the other accounts."
    )
