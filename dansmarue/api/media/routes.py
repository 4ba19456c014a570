"""GET /media/photos/<access_key>/<variant>: display (800 px) or thumb (100 px).

The access key is 43 random url-safe characters, so photo URLs cannot be
enumerated. Originals are never served. A photo still being processed, or
purged (sensitive categories, after 48 h), shows a placeholder.
"""

from flask import Response, send_file

from dansmarue.api.edge import Blueprint
from dansmarue.errors import PreconditionFailed
from dansmarue.reports import photo_files

blp = Blueprint("media", __name__, url_prefix="/media", description="Report photos")


@blp.route("/photos/<string:access_key>/<string:variant>")
@blp.doc(
    responses={
        200: {
            "description": "JPEG image",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        },
        404: {"description": "Unknown photo or variant"},
    }
)
def get_photo(access_key: str, variant: str) -> Response:
    """A photo derivative (variant: display or thumb)."""
    path, placeholder = photo_files.servable(access_key, variant)
    if path is None:  # pending or purged: the placeholder
        response = Response(placeholder, mimetype="image/jpeg")
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True, max_age=3600)
    if response.status_code == 412:  # If-Match / If-Unmodified-Since: a problem, not the image
        response.close()
        raise PreconditionFailed("La photo ne correspond pas aux conditions If-Match de la requête.")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
