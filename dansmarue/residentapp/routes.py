"""/moi: sign-in link landing, the resident's lists, sign-out (issue #19.2).

The mailed link opens a confirmation page (GET writes nothing: mail scanners
prefetch links, and must not spend the one-time token); its button POSTs
(CSRF) and signs the resident into the cookie session.
"""

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from dansmarue import web_session
from dansmarue.access import residents
from dansmarue.api import ratelimits
from dansmarue.errors import DomainError, answer_errors_under
from dansmarue.extensions import limiter
from dansmarue.reports import search
from dansmarue.residentapp import city_account
from dansmarue.unit_of_work import writes_on_get

bp = Blueprint("residentapp", __name__, url_prefix="/moi")
bp.record_once(web_session.configure_cookie)
LINK_SENT = (
    "Si cette adresse peut se connecter, un lien de connexion vient d'y être envoyé. "
    "Ouvrez-le depuis ce navigateur."
)


def _home(**context: object) -> str:
    resident = web_session.current_resident()
    lists: dict = {}
    if resident is not None:
        email, guid = resident.email, resident.account_guid
        lists = {
            "reports": search.my_reports(email=email, guid=guid),
            "follows": search.my_follows(email=email, guid=guid),
        }
    return render_template(
        "public/resident_home.html",
        resident=resident,
        ttl=residents.SIGN_IN_TTL_MINUTES,
        city_account=city_account.enabled(),
        **lists,
        **context,
    )


@bp.get("/")
def home() -> str:
    """The resident's reports and follows, or the form asking for a sign-in link."""
    return _home()


@bp.post("/lien")
@limiter.limit(ratelimits.sign_in_client_limit)
@limiter.limit(ratelimits.sign_in_email_limit, key_func=ratelimits.sign_in_email_key)
def request_link() -> str | tuple[str, int]:
    """Ask for a sign-in link: the same answer for every address."""
    web_session.check_csrf()
    email = request.form.get("email", "").strip()
    if "@" not in email or len(email) > 254:
        return _home(error="Indiquez une adresse e-mail valide.", email=email), 422
    residents.request_sign_in(email)
    return _home(notice=LINK_SENT)


@bp.get("/connexion/<token>")
def sign_in_link(token: str) -> str:
    """The mailed link: a page asking to confirm (nothing spent yet)."""
    return render_template("public/sign_in_link.html", token=token)


@bp.post("/connexion/<token>")
def sign_in_with_link(token: str) -> Response:
    """Spend the link, open a fresh cookie session for the resident."""
    web_session.check_csrf()
    web_session.log_in_resident(residents.consume_link(token))
    return redirect(url_for("residentapp.home"))


@bp.post("/deconnexion")
def sign_out() -> Response:
    """End this session and every other of the resident."""
    web_session.check_csrf()
    web_session.log_out()
    return redirect(url_for("residentapp.home"))


@bp.get("/connexion/ville")
def city_sign_in() -> Response:
    """Start the city account's sign-in (OpenID Connect, code flow with PKCE)."""
    return city_account.start(city_account.callback_url())


@bp.get("/connexion/ville/retour")
@writes_on_get  # the provider redirects back by GET; the first sign-in creates the account
def city_callback() -> Response:
    """The provider's redirect: its verified e-mail becomes the resident."""
    email = city_account.finish(city_account.callback_url())
    web_session.log_in_resident(residents.resident_for(email))
    return redirect(url_for("residentapp.home"))


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> tuple[str, int]:
    """Pages, not problem+json: a resident reads these."""
    return render_template("public/resident_error.html", error=error), error.status


answer_errors_under(bp, "/moi", _domain_error)
