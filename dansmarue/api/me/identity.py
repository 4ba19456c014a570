"""Who is asking for a person's list (issue #19.2): proof, never a bare address.

A resident proves themselves with a resident bearer token (POST
/api/v1/auth/resident/session) or the shared cookie session (the residents'
pages); the apps' `guid` is proof only for what was filed or followed under
that guid. A bare `?email=` is refused, and staff accounts have no resident
list to read.
"""

from dansmarue import web_session
from dansmarue.access import residents
from dansmarue.api.security import RESIDENT_SCHEME_NAME, bearer_token, current_user
from dansmarue.errors import Forbidden, Unauthorized

SIGN_IN_HELP = (
    "Connectez-vous pour voir vos signalements : demandez un lien de connexion par "
    "POST /api/v1/auth/resident/sign-in-link {email}, puis échangez-le par "
    "POST /api/v1/auth/resident/session {token} et envoyez le jeton obtenu "
    "(Authorization: Bearer …). Une adresse e-mail seule ne prouve pas qui vous êtes."
)
STAFF_REFUSED = "Les comptes agents n'ont pas de liste de résident : connectez-vous en tant que résident."
# The operation's doc: a resident token, or none with the apps' guid.
OPENAPI = {
    "security": [{RESIDENT_SCHEME_NAME: []}, {}],
    "description": "Résident connecté (jeton ou session des pages), ou `guid` des applications "
    "pour leurs propres signalements. `?email=` seul : 401. Jeton d'agent : 403.",
}
OTHER_PERSON = "Vous ne pouvez consulter que vos propres signalements et suivis."


def person(guid: str | None, email: str | None) -> dict:
    """The identity the service may list for: {"guid", "email"} (either may be None)."""
    if bearer_token() is not None:
        user = current_user()
        if user is None:
            raise Unauthorized("Jeton de connexion invalide, expiré ou révoqué. " + SIGN_IN_HELP)
    else:
        user = web_session.current_user()
    if user is not None and not residents.is_resident(user):
        raise Forbidden(STAFF_REFUSED)
    if user is not None:
        if email and email.strip().lower() != user.email.lower():
            raise Forbidden(OTHER_PERSON)
        return {"email": user.email, "guid": guid or user.account_guid}
    if email:
        raise Unauthorized(SIGN_IN_HELP)
    if guid:
        return {"guid": guid, "email": None}
    raise Unauthorized(SIGN_IN_HELP)
