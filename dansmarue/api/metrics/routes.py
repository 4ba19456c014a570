"""GET /metrics: the Prometheus text exposition (outside the OpenAPI: not JSON).

Guarded by METRICS_TOKEN (`Authorization: Bearer <token>`); without a token
only loopback callers are answered (production refuses to start without one).
"""

from flask import Blueprint, Response, current_app, request

from dansmarue.api.metrics.collector import StateCollector
from dansmarue.errors import Forbidden, Unauthorized
from dansmarue.platform import metrics
from dansmarue.platform.text import same_secret

bp = Blueprint("metrics", __name__)
LOOPBACK = {"127.0.0.1", "::1"}


@bp.get("/metrics")
def scrape() -> Response:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not same_secret(sent, token):
            raise Unauthorized("Jeton de supervision (METRICS_TOKEN) manquant ou invalide.")
    elif request.remote_addr not in LOOPBACK:
        raise Forbidden("Les métriques ne sont servies qu'en local sans METRICS_TOKEN.")
    body, content_type = metrics.render([StateCollector()])
    return Response(body, content_type=content_type)
