"""Security headers on every answer (issue #21.4), set in one place.

Pages that need more (the agents' app allows its tile server) set their own
Content-Security-Policy first; this fills in what is missing. Swagger UI's
page is left without a CSP: its bundled page starts with an inline script.
"""

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from dansmarue.platform import production

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def map_page_policy(img_sources: str = "") -> str:
    """PAGE_POLICY for the pages drawing a map: images also from the configured
    tile server (AGENT_TILE_URL's origin) and from `img_sources`."""
    tiles = current_app.config.get("AGENT_TILE_URL") or ""
    origin = ""
    if tiles:
        parts = urlsplit(tiles)
        origin = f" {parts.scheme}://{parts.netloc}"
    return PAGE_POLICY.replace("img-src 'self' data:", f"img-src 'self' data:{img_sources}{origin}")


# JSON, CSV, images: nothing in them may run or be framed.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
UNSCRIPTED = {"api-docs.openapi_swagger_ui", "api-docs.openapi_redoc", "api-docs.openapi_rapidoc"}
# Links holding a capability (tracking, follow) must not leak to other sites
# through Referer, nor be kept by a shared cache.
SECRET_PATHS = ("/api/v1/track/", "/api/v1/follows/", "/moi/", "/prestataire/")


def init_app(app: Flask) -> None:
    app.after_request(secure)


def secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if request.endpoint not in UNSCRIPTED:
        policy = PAGE_POLICY if response.mimetype == "text/html" else DATA_POLICY
        headers.setdefault("Content-Security-Policy", policy)
    if request.path.startswith(SECRET_PATHS):
        headers["Cache-Control"] = "no-store"
    if production.is_production(current_app.config):
        # Behind TLS (production refuses an http PUBLIC_BASE_URL).
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
