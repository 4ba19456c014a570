"""/agent/password-reset: the page the one-time link of a password reset opens
(an administrator sent it, issue #13). The token rides in the form, never in
the session; the service refuses a spent, expired or unknown one."""

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from dansmarue import web_session
from dansmarue.access import password_reset
from dansmarue.agentapp.routes import bp
from dansmarue.errors import Unprocessable
from dansmarue.extensions import limiter


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def password_reset_page() -> ResponseReturnValue:
    token = request.values.get("token", "")
    if request.method == "GET":
        return render_template("agent/password_reset.html", token=token)
    web_session.check_csrf()
    password = request.form.get("password", "")
    if password != request.form.get("confirm", ""):
        error = "Les deux mots de passe diffèrent."
        return render_template("agent/password_reset.html", token=token, error=error), 422
    try:
        password_reset.complete_reset(token, password)
    except Unprocessable as problem:
        errors = problem.errors or [{}]
        detail = errors[0].get("message", problem.detail)
        return render_template("agent/password_reset.html", token=token, error=detail), 422
    return redirect(url_for("agentapp.login"))
