"""`flask data load`: the reference data, idempotently, with a progress bar.

Skipped when nothing it reads changed since the last load (`--force` reloads)."""

from collections.abc import Iterable, Iterator
from typing import TypeVar

import click
from flask.cli import AppGroup

from dansmarue.models import db
from dansmarue.refdata import fingerprint, loader

T = TypeVar("T")
cli = AppGroup("data", help="Reference data (geography, units, categories).")


def _progress(items: Iterable[T], label: str) -> Iterator[T]:
    with click.progressbar(list(items), label=f"{label:<22}") as bar:
        yield from bar


@cli.command("load")
@click.option("--force", is_flag=True, help="Reload even if nothing changed.")
def load(force: bool) -> None:
    """Load or refresh districts, quartiers, conseils, units, sectors, categories."""
    current = fingerprint.compute()
    if not force and fingerprint.stored(db.session) == current:
        click.echo(
            f"reference data unchanged (fingerprint {current[:12]}): load skipped " "(--force to reload)"
        )
        return
    counts = loader.load_all(progress=_progress)
    fingerprint.store(db.session, current)
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name:>20}: {count}")
