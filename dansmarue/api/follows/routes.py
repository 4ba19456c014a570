"""/api/v1/follows/<token>: the links a follower receives, with their own token.

They read the report's public view, confirm a follow by e-mail (no mail goes
to an unconfirmed address) and unsubscribe (also RFC 8058's one-click POST).
They never act as the reporter: the reporter's token is not in them.
GET on /confirm and /unsubscribe writes (`writes_on_get`): mail links are
opened by GET.
"""

from typing import Any

from flask import current_app

from dansmarue.api.edge import Blueprint
from dansmarue.api.follows.schemas import FollowLinkSchema, UnfollowedSchema
from dansmarue.models import Follower
from dansmarue.reports import engagement, intake, views
from dansmarue.unit_of_work import writes_on_get

blp = Blueprint(
    "follows",
    __name__,
    url_prefix="/api/v1/follows",
    description="Liens personnels des personnes qui suivent un signalement",
)


def _link_view(follower: Follower) -> dict[str, Any]:
    report = engagement.report_of(follower)
    links = intake.follow_links(current_app.config["PUBLIC_BASE_URL"], follower.token)
    return {
        "confirmed": follower.confirmed_at is not None,
        "report": views.public_view(report),
        "unsubscribe_url": links["unsubscribe"],
    }


@blp.route("/<token>", methods=["GET"])
@blp.response(200, FollowLinkSchema)
@blp.alt_response(404, description="Unknown or withdrawn link")
def show(token: str) -> dict[str, Any]:
    """The followed report's public view."""
    return _link_view(engagement.by_follow_token(token))


@blp.route("/<token>/confirm", methods=["GET", "POST"])
@blp.response(200, FollowLinkSchema)
@blp.alt_response(404, description="Unknown or withdrawn link")
@writes_on_get
def confirm(token: str) -> dict[str, Any]:
    """Confirm a follow by e-mail (idempotent)."""
    return _link_view(engagement.confirm_follow(token))


@blp.route("/<token>/unsubscribe", methods=["GET", "POST"])
@blp.response(200, UnfollowedSchema)
@blp.alt_response(404, description="Unknown or withdrawn link")
@writes_on_get
def unsubscribe(token: str) -> dict[str, Any]:
    """Stop following; the link is void afterwards."""
    report = engagement.unfollow_by_token(token)
    return {"following": False, "followers": report.followers_count}


@blp.route("/<token>", methods=["DELETE"])
@blp.response(200, UnfollowedSchema)
@blp.alt_response(404, description="Unknown or withdrawn link")
def delete(token: str) -> dict[str, Any]:
    """Stop following (the API form of the unsubscribe link)."""
    report = engagement.unfollow_by_token(token)
    return {"following": False, "followers": report.followers_count}
