"""`flask data load`: the reference data, idempotently, with a progress bar."""
import click
from flask.cli import AppGroup

from dansmarue.refdata import loader

cli = AppGroup("data", help="Reference data (geography, units, categories).")


def _progress(items, label):
    with click.progressbar(list(items), label=f"{label:<22}") as bar:
        yield from bar


@cli.command("load")
def load() -> None:
    """Load or refresh districts, quartiers, conseils, units, sectors, categories."""
    counts = loader.load_all(progress=_progress)
    for name, count in counts.items():
        click.echo(f"{name:>20}: {count}")
