"""`flask sla ...`: run the sweep by hand, fold or rebuild the roll-ups, recompute due dates."""

import click
from sqlalchemy import select

from dansmarue.models import Report, db
from dansmarue.sla import clock as sla
from dansmarue.workflow.states import CLOSED_STATES


@click.group("sla", help="Délais : balayage, agrégats, échéances.")
def cli() -> None:
    pass


@cli.command("sweep", help="Run one SLA sweep now.")
def sweep_command() -> None:
    from dansmarue.sla.sweep import sweep

    click.echo(sweep())


@cli.command("rebuild-rollups", help="Recompute every roll-up (statistics, late counts) from the reports.")
def rebuild_command() -> None:
    from dansmarue.stats import overdue

    overdue.rebuild_all()
    db.session.commit()
    click.echo("roll-ups rebuilt")


@cli.command("recompute", help="Recompute due dates of open reports (after editing targets).")
@click.option("--batch", default=1000, show_default=True)
def recompute_command(batch: int) -> None:
    count, last_id = 0, 0
    while True:
        reports = db.session.scalars(
            select(Report)
            .where(Report.state.not_in(CLOSED_STATES), Report.id > last_id)
            .order_by(Report.id)
            .limit(batch)
        ).all()
        if not reports:
            break
        for report in reports:
            sla.refresh(report)
        last_id = reports[-1].id
        count += len(reports)
        db.session.commit()
    click.echo(f"{count} open reports recomputed")
