"""A person's reports and follows, only to that person (issue #19.2).

The person is proven by a resident bearer token or cookie session (their
address), or is the apps' `guid` (what was filed or followed under it only);
a bare `?email=` answers 401 saying how to sign in (`identity`).
"""

from dansmarue.api.edge import Blueprint
from dansmarue.api.me import identity
from dansmarue.api.me.schemas import MeQuerySchema
from dansmarue.api.security import document_resident_auth
from dansmarue.reports import search

blp = Blueprint(
    "me",
    __name__,
    url_prefix="/api/v1/me",
    description="Mes signalements et mes suivis (résident connecté, ou guid des applications)",
)
document_resident_auth(blp)


@blp.route("/reports", methods=["GET"])
@blp.arguments(MeQuerySchema(), location="query")
@blp.response(200)
@blp.doc(**identity.OPENAPI)
def my_reports(query: dict) -> dict:
    """Reports filed by this person, newest first (100 at most)."""
    who = identity.person(query.get("guid"), query.get("email"))
    return {"items": search.my_reports(**who, limit=query["limit"])}


@blp.route("/follows", methods=["GET"])
@blp.arguments(MeQuerySchema(), location="query")
@blp.response(200)
@blp.doc(**identity.OPENAPI)
def my_follows(query: dict) -> dict:
    """Reports this person follows, newest first (100 at most)."""
    who = identity.person(query.get("guid"), query.get("email"))
    return {"items": search.my_follows(**who, limit=query["limit"])}
