"""#16.3 on the agents' report page: open reports nearby with a near-identical photo."""

from flask import render_template

from dansmarue.agentapp import report_page
from dansmarue.models import Photo
from tests.agents.conftest import POINT, make_report


def _photo(session, report, bits: int, view: str = "close") -> None:
    session.add(
        Photo(
            report_id=report.id,
            view=view,
            access_key=f"k{report.id}{view}".ljust(43, "x"),
            storage_key=f"originals/{report.id}.jpg",
            mime_type="image/jpeg",
            size_bytes=1,
            sha256="0" * 64,
            phash_bits=bits,
            status="ready",
        )
    )
    session.flush()


def test_report_page_lists_nearby_reports_with_a_similar_photo(app, session, people):
    here = make_report()
    twin = make_report(point=(POINT[0] + 0.0003, POINT[1]))  # ~22 m east
    stranger = make_report(point=(POINT[0] + 0.0003, POINT[1]))
    far_twin = make_report(point=(POINT[0] + 0.003, POINT[1]))  # ~220 m
    closed_twin = make_report(state="done", point=POINT)
    _photo(session, here, 0x0F0F_0F0F_0F0F_0F0F)
    _photo(session, twin, 0x0F0F_0F0F_0F0F_0F0F ^ 0b1011)  # 3 bits apart
    _photo(session, stranger, 0x7070_7070_7070_7070)
    _photo(session, far_twin, 0x0F0F_0F0F_0F0F_0F0F)
    _photo(session, closed_twin, 0x0F0F_0F0F_0F0F_0F0F)
    with app.test_request_context():
        _row, view = report_page.detail(people["users"]["admin"], here.reference)
        assert [(m["reference"], m["hamming"]) for m in view["photo_matches"]] == [(twin.reference, 3)]
        assert 15 < view["photo_matches"][0]["distance_m"] < 30
        html = render_template("agent/report.html", r=view, svg="")
    assert "Doublons probables" in html
    assert f'href="/agent/r/{twin.reference}"' in html and "écart de photo 3/64" in html
