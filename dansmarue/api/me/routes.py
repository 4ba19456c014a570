"""A person's reports and follows.

Identified here by ?guid= or ?email= so the apps can work today; a real
deployment puts these two endpoints behind the city account login
("Mon Paris") and takes the guid/e-mail from the session, never the query.
"""

from dansmarue.api.edge import Blueprint
from dansmarue.api.me.schemas import MeQuerySchema
from dansmarue.reports import search

blp = Blueprint(
    "me",
    __name__,
    url_prefix="/api/v1/me",
    description="Mes signalements et mes suivis (derrière la connexion Mon Paris)",
)


@blp.route("/reports", methods=["GET"])
@blp.arguments(MeQuerySchema(), location="query")
@blp.response(200)
def my_reports(query: dict) -> dict:
    """Reports filed by this person, newest first (100 at most)."""
    return {"items": search.my_reports(**query)}


@blp.route("/follows", methods=["GET"])
@blp.arguments(MeQuerySchema(), location="query")
@blp.response(200)
def my_follows(query: dict) -> dict:
    """Reports this person follows, newest first (100 at most)."""
    return {"items": search.my_follows(**query)}
