"""Photo derivatives (GET /media/photos/<access_key>/<variant>): hostile keys,
variants and conditional or range headers answer no 5xx: the JPEG (whole or
a range), a 304, or an application/problem+json (416 and 412 too)."""

from hypothesis import given
from hypothesis import strategies as st

from dansmarue.models import Photo
from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples
from workers.jobs.photos import process_photo

CONDITIONAL = ["If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range", "Range"]
range_values = st.one_of(
    fz.header_values,
    st.sampled_from(
        [
            "bytes=0-0",
            "bytes=-1",
            "bytes=99999999999999999999-",
            "bytes=5-1",
            "bytes=0-1,2-3,4-5",
            "bytes=-0",
            "items=0-1",
            "bytes=--1",
            '"etag", W/"x"',
            "*",
            "Mon, 32 Dec 9999 25:61:61 GMT",
        ]
    ),
)


@examples(50)
@given(data=st.data())
def test_photo_answers_a_jpeg_or_problem_json(sender, session, report, data):
    photo = report.photos[0]
    if photo.status == "pending":
        process_photo(photo.id)
        session.refresh(photo)
    key = data.draw(st.sampled_from([photo.access_key]) | fz.path_segments)
    variant = data.draw(st.sampled_from(["display", "thumb", "original"]) | fz.path_segments)
    headers = {
        name: data.draw(range_values)
        for name in data.draw(st.lists(st.sampled_from(CONDITIONAL), max_size=3, unique=True))
    }
    query = data.draw(fz.urlencoded({"v": data.draw(fz.form_values)}))
    response = sender.send(
        "GET",
        f"/media/photos/{fz.path_segment_bytes(key)}/{fz.path_segment_bytes(variant)}",
        query=query,
        headers=headers,
    )
    answers.problem(response, success=("image/jpeg",))


def test_the_seeded_photo_is_served(sender, session, report):
    photo: Photo = report.photos[0]
    process_photo(photo.id)
    session.refresh(photo)
    assert photo.status == "ready"
    response = sender.send("GET", f"/media/photos/{photo.access_key}/display")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
