"""The one blueprint of the apps' API, shared by routes.py and pages.py."""

from dansmarue.api.edge import Blueprint

blp = Blueprint(
    "mobile", __name__, url_prefix="/rest", description="API des applications mobiles DansMaRue (jsonStream)"
)
