"""Open311 in JSON: hostile queries, path segments and POST bodies answer no
5xx, and every error is the spec's [{"code", "description"}] list."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import answers
from tests.fuzz import open311_calls as calls
from tests.fuzz.strategies import examples


@examples(60)
@given(data=st.data())
def test_get_answers_json_or_its_error_list(sender, api_key, leaf, report, data):
    seed = calls.seed(api_key, leaf, report)
    path, query = data.draw(calls.get_call(seed))
    answers.open311(calls.send_get(sender, path, query, "json"), "json")


@examples(60)
@given(data=st.data())
def test_post_answers_json_or_its_error_list(sender, api_key, leaf, report, data):
    seed = calls.seed(api_key, leaf, report)
    post = data.draw(calls.post_call(seed))
    answers.open311(calls.send_post(sender, post, "json"), "json")
