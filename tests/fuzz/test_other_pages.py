"""The other addresses outside the OpenAPI: health probes, /metrics, the API
docs and their assets, static files, and paths that match nothing. Hostile
paths, queries and headers answer no 5xx; every error is problem+json."""

from hypothesis import assume, given
from hypothesis import strategies as st

from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples

# Addresses whose errors are another protocol's (their own fuzzers check them).
CLAIMED = ("/open311", "/rest", "/dashboard", "/agent", "/moi", "/prestataire", "/admin")
ANY_TYPE = ("application/json", "text/plain", "text/html", "text/css", "text/javascript", "image/png")


@examples(40)
@given(data=st.data())
def test_other_addresses_answer_problem_json_on_error(sender, data):
    segment = fz.path_segment_bytes(data.draw(fz.path_segments))
    path = data.draw(
        st.sampled_from(
            [
                "/health",
                "/health/live",
                "/health/ready",
                "/metrics",
                "/api/docs",
                "/api/openapi.json",
                f"/api/docs-assets/{segment}",
                "/api/docs-assets/swagger-ui.css",
                f"/static/{segment}",
                "/static/agent.js",
                f"/{segment}",
                f"/api/v1/{segment}",
            ]
        )
    )
    assume(not any(path == p or path.startswith(p + "/") for p in CLAIMED))
    headers = {}
    if data.draw(st.booleans()):
        headers["Authorization"] = "Bearer " + data.draw(fz.header_values)
    if data.draw(st.booleans()):
        headers["Range"] = data.draw(fz.header_values)
    query = data.draw(fz.urlencoded({"q": data.draw(fz.form_values)}))
    response = sender.send("GET", path, query=query, headers=headers)
    answers.problem(response, success=ANY_TYPE)
