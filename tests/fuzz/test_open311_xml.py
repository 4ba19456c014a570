"""Open311 in XML: hostile queries, path segments and POST bodies (entity
bombs, external entities, malformed XML among them) answer no 5xx; every
answer is well-formed XML (read with defusedxml) and every error the spec's
<errors><error><code/><description/></error></errors>."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import answers
from tests.fuzz import open311_calls as calls
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples


@examples(50)
@given(data=st.data())
def test_get_answers_xml_or_its_errors(sender, api_key, leaf, report, data):
    seed = calls.seed(api_key, leaf, report)
    path, query = data.draw(calls.get_call(seed))
    answers.open311(calls.send_get(sender, path, query, "xml"), "xml")


@examples(50)
@given(data=st.data())
def test_post_answers_xml_or_its_errors(sender, api_key, leaf, report, data):
    seed = calls.seed(api_key, leaf, report)
    post = data.draw(calls.post_call(seed))
    answers.open311(calls.send_post(sender, post, "xml"), "xml")


@examples(25)
@given(body=fz.xml_bodies, content_type=st.sampled_from(["text/xml", "application/xml", None]))
def test_an_xml_body_is_never_expanded_nor_a_server_error(sender, api_key, body, content_type):
    response = sender.send(
        "POST",
        "/open311/v2/requests.xml",
        query=f"api_key={api_key}".encode(),
        body=body,
        content_type=content_type,
    )
    answers.open311(response, "xml")
    assert response.status_code == 400


@examples(30)
@given(text=fz.nasty_text(min_size=1, max_size=60))
def test_what_a_client_stored_is_written_back_as_well_formed_xml(sender, api_key, leaf, text):
    """Control characters, surrogates and markup in a stored description are
    written as XML a strict parser reads (or refused when posted)."""
    form = {**calls.form_template(calls.Seed(api_key, str(leaf.id), "", 0, "")), "description": text}
    response = sender.send(
        "POST",
        "/open311/v2/requests.xml",
        body=fz.urlencoded_plain(form),
        content_type="application/x-www-form-urlencoded",
    )
    root = answers.open311(response, "xml")
    if response.status_code == 200:
        reference = root.findtext("request/service_request_id")
        found = sender.send("GET", f"/open311/v2/requests/{reference}.xml", query=b"extensions=true")
        answers.open311(found, "xml")
