"""`flask open311 create-key NAME`: an api_key for an Open311 client."""

import click
from flask.cli import AppGroup

from dansmarue.interop import open311
from dansmarue.models import db

cli = AppGroup("open311", help="Open311 GeoReport v2 clients.")


@cli.command("create-key")
@click.argument("name")
def create_key(name: str) -> None:
    """Create a client and print its key (shown once: only its hash is kept)."""
    _, key = open311.create_client(name)
    db.session.commit()
    click.echo(key)
