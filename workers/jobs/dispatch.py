"""Dispatch of new reports to their unit or contractor (real state 19)."""

from collections.abc import Callable

from dansmarue.workflow import dispatch


def dispatch_report(report_id: int) -> str:
    """Resolve a report in initial/verification; others are left alone.

    The web hook is called between two short transactions, so no row lock is
    held during the HTTP request; a re-run after a crash posts again, with the
    same report reference in the delivery header so contractors can dedupe.
    """
    return _deliver(report_id, dispatch.start, dispatch.finish, idle="settled")


def retry_send(report_id: int) -> str:
    """The hourly retry of a report in send_failed (see services.dispatch)."""
    return _deliver(report_id, dispatch.start_retry, dispatch.finish_retry, idle="nothing to retry")


def _deliver(
    report_id: int,
    start: Callable[[int], dispatch.Delivery | None],
    finish: Callable[[int, bool, str], str | None],
    *,
    idle: str,
) -> str:
    """start (locked, commits) → HTTP post (no lock) → finish (locked, commits)."""
    delivery = start(report_id)
    if delivery is None:
        return idle
    ok, outcome = dispatch.post(delivery)
    state = finish(report_id, ok, outcome)
    return f"{state or 'unchanged'} ({outcome})"
