"""/dev/mails: the e-mails the local sink caught (development only).

Registered by the app factory only outside production and only when
MAIL_SINK_DIR is set (`make run` sets it when it starts the sink); even then
it answers loopback callers only, since the mails hold residents' addresses.
"""

from flask import Blueprint, Response, abort, current_app, render_template, request

from dansmarue.devtools import mailsink

bp = Blueprint("devtools", __name__, url_prefix="/dev")
LOOPBACK = {"127.0.0.1", "::1"}


@bp.before_request
def _loopback_only() -> None:
    if request.remote_addr not in LOOPBACK:
        abort(404)


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mails")
def mails() -> str:
    found = mailsink.caught(current_app.config["MAIL_SINK_DIR"])
    return render_template("dev/mails.html", mails=found)


@bp.get("/mails/<key>")
def mail(key: str) -> str:
    found = mailsink.one(current_app.config["MAIL_SINK_DIR"], key)
    if found is None:
        abort(404)
    return render_template("dev/mail.html", mail=found)
