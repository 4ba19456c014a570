"""Dispatch of new reports to their unit or contractor (real state 19)."""
from dansmarue.services import dispatch


def dispatch_report(report_id: int) -> str:
    """Resolve a report in initial/verification; others are left alone.

    The web hook is called between two short transactions, so no row lock is
    held during the HTTP request; a re-run after a crash posts again, with the
    same report reference in the delivery header so contractors can dedupe.
    """
    delivery = dispatch.start(report_id)
    if delivery is None:
        return "settled"
    ok, outcome = dispatch.post(delivery)
    state = dispatch.finish(report_id, ok, outcome)
    return f"{state or 'unchanged'} ({outcome})"


def retry_send(report_id: int) -> str:
    """The hourly retry of a report in send_failed (see services.dispatch)."""
    delivery = dispatch.start_retry(report_id)
    if delivery is None:
        return "nothing to retry"
    ok, outcome = dispatch.post(delivery)
    state = dispatch.finish_retry(report_id, ok, outcome)
    return f"{state or 'unchanged'} ({outcome})"
