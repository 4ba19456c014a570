"""`flask city check|import FOLDER`: bring a city's own files (docs/city.md)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from dansmarue import city
from dansmarue.models import db
from dansmarue.refdata import city_import, city_pack

cli = AppGroup("city", help="A city's own data: profile, districts, units, categories, SLA.")


def _read(folder: str) -> city_pack.CityPack:
    try:
        return city_pack.read(folder)
    except city_pack.CityPackError as error:
        click.echo(f"{len(error.problems)} problem(s) in {folder}; nothing was loaded:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None


@cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def check(folder: str) -> None:
    """Check a city pack without writing anything."""
    pack = _read(folder)
    click.echo(
        f"{pack.profile.name}: {len(pack.districts)} districts, {len(pack.units)} units, "
        f"{len(pack.categories)} categories: ready to import"
    )


@cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def import_(folder: str) -> None:
    """Load a city pack in one transaction (again: updates, duplicates nothing)."""
    pack = _read(folder)
    counts = city_import.import_pack(pack)
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name:>20}: {count}")
    served = Path(current_app.config.get("CITY_PROFILE") or city.DEFAULT_PATH).resolve()
    wanted = (Path(folder) / "city.toml").resolve()
    if served != wanted:
        click.echo(f"Serve it with CITY_PROFILE={wanted} (this app serves {served}).")
