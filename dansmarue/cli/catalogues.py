"""`flask catalogues seed`: default rejection reasons and service-done messages."""
import click
from flask.cli import AppGroup

from dansmarue.models import db
from dansmarue.services import agent_catalogues

cli = AppGroup("catalogues", help="Agents' catalogues (rejection reasons, done messages).")


@cli.command("seed")
def seed() -> None:
    """Add the default French texts that are missing (idempotent)."""
    added = agent_catalogues.seed_defaults()
    db.session.commit()
    click.echo(f"added {added['reasons']} reasons, {added['messages']} messages")
