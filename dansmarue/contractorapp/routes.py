"""GET/POST /prestataire/<reference>?t=…: an e-mail-only contractor reports back.

Proof: the contractor's secret for this dispatch, in the mailed link and in
the form's hidden field; no cookie session and so no CSRF token. A CSRF
attack rides on credentials the browser adds by itself (a cookie); here the
only credential is the secret the form itself carries, which a forging site
does not know, so it cannot build a request that passes. The secret is
checked by the callback's own service, `workflow.contractors`, in constant
time; a requalification to another unit voids it (403 page, in French).
"""

from datetime import date

from flask import Blueprint, render_template, request

from dansmarue.errors import DomainError, Unprocessable, answer_errors_under, field
from dansmarue.models.reports import PRIORITIES
from dansmarue.workflow import contractors
from dansmarue.workflow.states import public_label

bp = Blueprint("contractorapp", __name__, url_prefix="/prestataire")
STATUSES = (
    ("service fait", "Service fait : l'intervention est terminée"),
    ("programmer", "Intervention programmée (indiquez la date)"),
    ("rejeter", "Rejeter (indiquez le motif)"),
    ("a requalifier", "À requalifier : ce signalement n'est pas pour nous"),
)
BAD_DATE = "Date invalide : choisissez une date (jj/mm/aaaa)."


def _page(reference: str, token: str, status: int = 200, **context: object) -> tuple[str, int]:
    report = contractors.report_for(reference, token)
    page = render_template(
        "public/contractor.html",
        report=report,
        token=token,
        statuses=STATUSES,
        state_label=public_label(report.state),
        priority_label=PRIORITIES.get(report.priority, report.priority),
        form=request.form,
        **context,
    )
    return page, status


@bp.get("/<string:reference>")
def show(reference: str) -> tuple[str, int]:
    """The report's summary and the form (a wrong or voided secret: 403)."""
    return _page(reference, request.args.get("t", ""))


@bp.post("/<string:reference>")
def report_back(reference: str) -> tuple[str, int]:
    """The same callback as the API's, from the form's fields."""
    form = request.form
    token = form.get("t", "")
    contractors.report_for(reference, token)  # a wrong secret: 403 before anything else
    try:
        report = contractors.apply_callback(
            reference,
            token=token,
            status=form.get("status", ""),
            programming_date=_date(form.get("programming_date", "")),
            rejection_reason=form.get("rejection_reason") or None,
            comment=form.get("comment") or None,
        )
    except Unprocessable as error:
        return _page(reference, token, 422, error=error)
    return _page(reference, token, 200, done=public_label(report.state))


def _date(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Unprocessable(BAD_DATE, errors=[field("programming_date", BAD_DATE)]) from None


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> tuple[str, int]:
    """Pages, not problem+json: a contractor reads these."""
    return render_template("public/contractor_error.html", error=error), error.status


answer_errors_under(bp, "/prestataire", _domain_error)
