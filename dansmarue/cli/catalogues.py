"""`flask catalogues seed`: default rejection reasons and service-done messages."""

import click
from flask.cli import AppGroup

from dansmarue.catalogue import agent_texts
from dansmarue.models import db

cli = AppGroup("catalogues", help="Agents' catalogues (rejection reasons, done messages).")


@cli.command("seed")
def seed() -> None:
    """Add the default French texts that are missing (idempotent)."""
    added = agent_texts.seed_defaults()
    db.session.commit()
    click.echo(f"added {added['reasons']} reasons, {added['messages']} messages")
