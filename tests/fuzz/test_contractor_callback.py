"""The contractors' callback (POST /api/v1/contractors/callback/<reference>,
JSON or form): hostile bodies and references answer no 5xx, every refusal an
application/problem+json; the valid secret is the seed, so the fuzz gets past
the signature to the workflow."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from dansmarue.models import Report
from dansmarue.workflow import contractors
from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples
from tests.interop.conftest import jpeg_bytes

PATH = "/api/v1/contractors/callback/"


def template(report: Report) -> dict[str, object]:
    return {
        "token": contractors.secret_for(report),
        "status": "programmer",
        "programming_date": "2031-01-01",
        "rejection_reason": "Hors périmètre",
        "comment": "Intervention prévue",
        "photo": base64.b64encode(jpeg_bytes(2)).decode(),
    }


@examples(70)
@given(data=st.data())
def test_callback_answers_problem_json(sender, report, data):
    reference = data.draw(st.sampled_from([report.reference]) | fz.path_segments)
    fields = data.draw(fz.mutated(template(report), text=False))
    fields["status"] = fields.get("status", data.draw(st.sampled_from(list(contractors.STATUS_ACTIONS))))
    kind = data.draw(st.sampled_from(["json", "json", "json", "form", "form", "other", "big"]))
    if kind == "json":
        body, content_type = data.draw(fz.json_document(fields)), "application/json"
    elif kind == "form":
        body, content_type = data.draw(fz.urlencoded(fields)), "application/x-www-form-urlencoded"
    elif kind == "other":
        body, content_type = data.draw(fz.any_json_document()), data.draw(fz.content_types)
    else:
        body, content_type = data.draw(fz.oversized), "application/json"
    response = sender.send(
        "POST", PATH + fz.path_segment_bytes(reference), body=body, content_type=content_type
    )
    answers.problem(response)
