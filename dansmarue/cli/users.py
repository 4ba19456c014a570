"""`flask users create|list|disable`: staff accounts."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from dansmarue.access import auth
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


@cli.command("first-run-hint", hidden=True)
def first_run_hint() -> None:
    """What `make run` prints while no active administrator exists."""
    if db.session.scalar(select(User.id).where(User.role == "admin", User.active).limit(1)):
        return
    click.echo(
        "[run] No administrator yet. Create the first one (you choose the password):\n"
        "[run]   FLASK_APP=wsgi .venv/bin/flask users create you@example.org --role admin"
    )
