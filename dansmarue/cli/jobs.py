"""`flask jobs ...`: queue depths, dead letters, replay, manual relay."""

import click
from flask.cli import AppGroup

from dansmarue.jobs import admin

cli = AppGroup("jobs", help="Background jobs: outbox, RQ queues, dead letters.")


@cli.command("status")
def status() -> None:
    """Outbox rows by status and RQ queue depths."""
    report = admin.status()
    click.echo("outbox:")
    for name in ("pending", "enqueued", "failed", "dead", "done"):
        click.echo(f"  {name:>9}: {report['outbox'].get(name, 0)}")
    if report["oldest_pending"]:
        click.echo(
            f"  oldest pending row: {report['oldest_pending']:%Y-%m-%d %H:%M:%S %Z}"
            f" ({report['oldest_pending_age']:.1f} s ago)"
        )
    click.echo(
        f"{'queue':<16}{'queued':>8}{'started':>9}{'scheduled':>11}{'failed':>8}" f"{'oldest (s)':>12}"
    )
    for name, counts in report["queues"].items():
        oldest = "-" if counts["oldest_age"] is None else f"{counts['oldest_age']:.1f}"
        click.echo(
            f"{name:<16}{counts['queued']:>8}{counts['started']:>9}"
            f"{counts['scheduled']:>11}{counts['failed']:>8}{oldest:>12}"
        )
    from dansmarue.reports import retention

    due = retention.due()
    click.echo("retention due (apply_retention): " + ", ".join(f"{k} {v}" for k, v in due.items()))


@cli.command("dead")
@click.option("--limit", default=100, show_default=True)
def dead(limit: int) -> None:
    """List dead jobs (failed on every attempt)."""
    rows = admin.dead_jobs(limit)
    if not rows:
        click.echo("no dead job")
    for row in rows:
        error = (row.last_error or "").splitlines()[-1:] or [""]
        click.echo(
            f"{row.id:>8}  {row.func}{tuple(row.args)}  attempts={row.attempts}  "
            f"{(row.finished_at or row.created_at):%Y-%m-%d %H:%M}  {error[0][:120]}"
        )


@cli.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead job.")
def replay(ids: tuple[int, ...], replay_all: bool) -> None:
    """Send dead jobs back to the queue (by id, or --all)."""
    if not ids and not replay_all:
        raise click.UsageError("give job ids or --all")
    count = admin.replay(None if replay_all else list(ids))
    click.echo(f"{count} job(s) back to pending; the relay queues them within seconds")


@cli.command("relay")
def relay() -> None:
    """Relay pending outbox rows to RQ now."""
    from dansmarue.jobs.relay import relay_outbox

    click.echo(f"{relay_outbox()} job(s) relayed")
