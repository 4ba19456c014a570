"""What the OpenAPI document says about answers that are not a route's own
success body, in one place: problem+json errors on every operation of the
REST API, the Open311 and mobile protocols' own error bodies, CSV files.

`DocumentedApi` registers the error responses; `ErrorResponsesPlugin` adds
to each operation the errors any request can meet (a malformed body, an
unknown id, the anonymous rate limit, a missing or refused token), so that a
client generated from the document, or schemathesis, knows every answer.
"""

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

from dansmarue.errors import PROBLEM_JSON


class FieldProblem(Schema):
    class Meta:
        unknown = INCLUDE  # adapters add members (a machine-readable code, bounds...)

    field = fields.String(metadata={"description": "Champ refusé (nom sur le fil)"})
    location = fields.String(metadata={"description": "json, query, form, files, headers..."})
    message = fields.String()


class Problem(Schema):
    """RFC 9457 problem details, as dansmarue.errors.problem writes them."""

    class Meta:
        unknown = INCLUDE  # RFC 9457 extension members (retry_after, limits...)

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldProblem))


# Every REST operation can meet these; secured ones add 401/403, those with a
# body 413/415 (see ErrorResponsesPlugin).
COMMON_ERRORS = (400, 404, 422, 429)
AUTH_ERRORS = (401, 403)
BODY_ERRORS = (413, 415)

# What a client most needs to know of some errors (#19.5).
DESCRIPTIONS = {
    HTTPStatus.BAD_REQUEST: "Requête invalide : corps illisible, ou paramètre de requête que "
    "l'opération ne déclare pas (chacun nommé dans `errors`, `location` = `query`)",
}

OPEN311_ERROR = "OPEN311_ERROR"
MOBILE_ERROR = "MOBILE_ERROR"

_XML = {"schema": {"type": "string", "description": "Document XML"}}
_OPEN311_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
# The mobile envelope: [{"request": name, "answer": {...}}] or, for a stream
# that could not be read, one object {"error": ..., "error_message": ...}.
_MOBILE_BODY = {"oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]}

OPEN311_OK = {
    "description": "Corps Open311, en JSON ou en XML selon l'extension {fmt}",
    "content": {"application/json": {"schema": {}}, "text/xml": _XML},
}
MOBILE_OK = {
    "description": "Enveloppe du protocole mobile DansMaRue",
    "content": {"application/json": {"schema": _MOBILE_BODY}},
}


def csv_file(description: str) -> dict:
    """A CSV download's 200 answer, for @blp.doc(responses=...)."""
    content = {"text/csv": {"schema": {"type": "string", "description": "CSV séparé par des ;"}}}
    return {"200": {"description": description, "content": content}}


# Paths that follow a protocol of their own: (success body, error body).
PROTOCOLS = (("/open311/", "OPEN311_OK", OPEN311_ERROR), ("/rest/", "MOBILE_OK", MOBILE_ERROR))


class DocumentedApi(Api):
    """flask-smorest's Api, with problem+json as the error body everywhere."""

    ERROR_SCHEMA = Problem

    def _register_responses(self) -> None:
        for status in HTTPStatus:
            response: dict = {"description": DESCRIPTIONS.get(status, status.phrase)}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Erreur (problem+json, RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)
        self.spec.components.response("OPEN311_OK", OPEN311_OK, lazy=True)
        self.spec.components.response("MOBILE_OK", MOBILE_OK, lazy=True)
        self.spec.components.response(
            OPEN311_ERROR,
            {
                "description": "Erreurs Open311 (liste de {code, description}, JSON ou XML)",
                "content": {"application/json": {"schema": _OPEN311_ERRORS}, "text/xml": _XML},
            },
            lazy=True,
        )
        self.spec.components.response(
            MOBILE_ERROR,
            {
                "description": "Erreur du protocole mobile",
                "content": {"application/json": {"schema": _MOBILE_BODY}},
            },
            lazy=True,
        )


class ErrorResponsesPlugin(BasePlugin):
    """Declares on each operation the errors it can answer, in its protocol's format."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        protocol = next((p[1:] for p in PROTOCOLS if (path or "").startswith(p[0])), None)
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            codes = list(COMMON_ERRORS)
            if operation.get("security"):
                codes += AUTH_ERRORS
            if "requestBody" in operation:
                codes += BODY_ERRORS
            for code in codes:
                responses.setdefault(str(code), HTTPStatus(code).name)
            if protocol:
                # webargs' 422 and every other error are written in the protocol's format.
                ok, error = protocol
                responses.setdefault("200", ok)
                for code in list(responses):
                    if code == "default" or int(code) >= 400:
                        responses[code] = error
