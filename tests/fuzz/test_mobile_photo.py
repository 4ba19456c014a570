"""The apps' photo upload (/rest/{signalement,equipement}/api/photo[/]): a raw
body and the headers incident-id, type, udid, guid. Hostile headers (huge or
non-ASCII "digits", latin-1 bytes), bodies that are no image, bodies above
10 MB and above MAX_CONTENT_LENGTH answer no 5xx, always as the apps'
bare {"error": n, "error_message": text} (or the upload's answer)."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import answers
from tests.fuzz import strategies as fz
from tests.fuzz.strategies import examples
from tests.interop.conftest import jpeg_bytes

PHOTO_PATHS = [
    "/rest/signalement/api/photo",
    "/rest/signalement/api/photo/",
    "/rest/equipement/api/photo",
    "/rest/equipement/api/photo/",
]
PHOTO_LIMIT = 10 * 1024 * 1024


@st.composite
def photo_bodies(draw: st.DrawFn) -> bytes | fz.Oversized:
    kind = draw(st.sampled_from(["image", "image", "junk", "truncated", "photo-limit", "big"]))
    if kind == "image":
        return jpeg_bytes(draw(st.integers(1, 5)))
    if kind == "junk":
        return draw(fz.image_like)
    if kind == "truncated":
        data = jpeg_bytes(2)
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "photo-limit":
        return b"\xff\xd8" + b"0" * PHOTO_LIMIT
    return draw(fz.oversized)


@examples(60)
@given(data=st.data())
def test_upload_answers_in_the_apps_envelope(sender, report, data):
    template = {
        "incident-id": str(report.id),
        "type": "far",
        "udid": "udid-reporter",
        "guid": "guid-reporter",
    }
    headers = data.draw(fz.mutated(template, wrong=fz.header_values, keys=fz.header_names, text=None))
    path = data.draw(st.sampled_from(PHOTO_PATHS))
    content_type = data.draw(st.sampled_from(["image/jpeg", None]) | fz.content_types)
    response = sender.send(
        "POST",
        path,
        body=data.draw(photo_bodies()),
        content_type=content_type,
        headers={k: fz.wire_text(v) for k, v in headers.items()},
    )
    answers.mobile(response, wrapped=False)
