"""Open311 requests for the JSON and XML fuzzers: every GET of the API with its
query, the POST of a request (form, multipart or a wrong body)."""

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from dansmarue.models import Category, Report
from tests.fuzz import strategies as fz
from tests.fuzz.answers import Sender

BASE = "/open311/v2"


@dataclass(frozen=True)
class Seed:
    api_key: str
    service_code: str
    reference: str
    report_id: int
    token: str


def seed(api_key: str, leaf: Category, report: Report) -> Seed:
    return Seed(api_key, str(leaf.id), report.reference, report.id, report.token)


def query_template(s: Seed) -> dict[str, Any]:
    return {
        "jurisdiction_id": "paris.fr",
        "service_request_id": s.reference,
        "service_code": s.service_code,
        "start_date": "2024-01-01T00:00:00Z",
        "end_date": "2030-01-01T00:00:00+01:00",
        "status": "open",
        "updated_after": "2024-01-01",
        "updated_before": "2030-01-01",
        "page": "1",
        "page_size": "5",
        "extensions": "true",
        "api_key": s.api_key,
    }


query_values = st.one_of(fz.form_values, fz.date_texts)


@st.composite
def get_call(draw: st.DrawFn, s: Seed) -> tuple[str, bytes]:
    """(path without extension, raw query) of one GET."""
    segment = draw(
        st.one_of(st.sampled_from([s.service_code, s.reference, str(s.report_id)]), fz.path_segments)
    )
    path = draw(
        st.sampled_from(
            [
                "discovery",
                "services",
                f"services/{fz.path_segment_bytes(segment)}",
                "requests",
                f"requests/{fz.path_segment_bytes(segment)}",
                f"tokens/{fz.path_segment_bytes(segment)}",
                "servicerequestupdates",
                fz.path_segment_bytes(segment),
            ]
        )
    )
    fields = draw(fz.mutated(query_template(s), wrong=query_values, text=True))
    return path, draw(fz.urlencoded(fields))


def form_template(s: Seed) -> dict[str, str]:
    return {
        "api_key": s.api_key,
        "jurisdiction_id": "paris.fr",
        "service_code": s.service_code,
        "lat": "48.856613",
        "long": "2.352222",
        "address_string": "Place de l'Hôtel de Ville",
        "email": "resident@example.org",
        "device_id": "device-fuzz",
        "account_id": "account-fuzz",
        "first_name": "Rita",
        "last_name": "Résidente",
        "phone": "0102030405",
        "description": "Tag sur la façade",
        "media_url": "https://example.org/p.jpg",
        "attribute[priority]": "2",
        "attribute[address_precision]": "Face au n° 3",
    }


@dataclass(frozen=True)
class Post:
    body: bytes | fz.Oversized | None
    content_type: str | None
    query: bytes = b""


@st.composite
def post_call(draw: st.DrawFn, s: Seed) -> Post:
    """A POST requests body: a broken form, a multipart with media, or a body of the wrong kind."""
    fields = draw(fz.mutated(form_template(s), wrong=fz.form_values, text=True))
    kind = draw(st.sampled_from(["form"] * 6 + ["multipart"] * 3 + ["json", "xml", "raw", "big"]))
    query = draw(
        st.sampled_from([b""] * 4 + [f"api_key={s.api_key}".encode(), b"api_key=%00&jurisdiction_id=%ff"])
    )
    if kind == "form":
        ctype = draw(st.sampled_from(["application/x-www-form-urlencoded"] * 8 + [None]) | fz.content_types)
        return Post(draw(fz.urlencoded(fields)), ctype, query)
    if kind == "multipart":
        files = {
            name: draw(fz.image_like)
            for name in draw(st.lists(st.sampled_from(["media", "media[]"]), max_size=4))
        }
        text = {k: fz.wire_text(v) for k, v in fields.items()}
        return Post(fz.multipart_body(text, files), "multipart/form-data; boundary=fuzzfuzz", query)
    if kind == "json":
        ctype = draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded"]))
        return Post(draw(fz.json_document(fields)), ctype, query)
    if kind == "xml":
        return Post(draw(fz.xml_bodies), draw(st.sampled_from(["text/xml", "application/xml"])), query)
    if kind == "raw":
        return Post(draw(st.binary(max_size=200)), draw(fz.content_types), query)
    ctype = draw(st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]))
    return Post(draw(fz.oversized), ctype, query)


def send_get(sender: Sender, path: str, query: bytes, fmt: str):
    return sender.send("GET", f"{BASE}/{path}.{fmt}", query=query)


def send_post(sender: Sender, post: Post, fmt: str):
    return sender.send(
        "POST", f"{BASE}/requests.{fmt}", query=post.query, body=post.body, content_type=post.content_type
    )
