"""Fast tests of the pure parts: colour classes, SVG charts, map rendering, French formats."""

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from dansmarue.dashboard import charts, fmt
from dansmarue.dashboard.colours import CLASSES, NO_DATA, classify, contrast_ratio
from dansmarue.dashboard.districtmap import District, DistrictFigures, DistrictShapes, render

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    "overdue, open_count, expected",
    [
        (0, 10, 0),
        (0.99, 10, 0),
        (1, 10, 1),
        (2, 10, 1),
        (25, 100, 2),
        (39, 100, 2),
        (40, 100, 3),
        (59, 100, 3),
        (60, 100, 4),
        (10, 10, 4),
    ],
)
def test_classify_boundaries(overdue, open_count, expected):
    assert classify(overdue, open_count).index == expected


def test_no_open_report_is_its_own_class():
    assert classify(0, 0) is NO_DATA


def test_palette_is_sequential_and_readable():
    lightness = [contrast_ratio(c.fill, "#000000") for c in CLASSES]
    assert lightness == sorted(lightness, reverse=True), "classes must darken steadily"
    for c in (*CLASSES, NO_DATA):
        assert contrast_ratio(c.fill, c.text) >= 4.5, c
    # Neighbouring classes stay apart for people with low colour vision too.
    for a, b in itertools.pairwise(CLASSES):
        assert contrast_ratio(a.fill, b.fill) > 1.3


def _parse(markup) -> ET.Element:
    """The chart's wide drawing (a chart is drawn wide, then narrow for phones)."""
    svgs = list(ET.fromstring(f"<div>{markup}</div>"))
    return svgs[0]


def test_stacked_bars_escape_labels_and_sum():
    svg = _parse(
        charts.stacked_bars(
            "c1",
            "Stock <titre>",
            "desc & co",
            [("DPE", "Direction <b>", [3, 2, 1])],
            [("< 48 h", "#9ecae1"), ("< 10 j", "#4292c6"), ("≥ 10 j", "#08519c")],
        )
    )
    assert svg.find(f"{SVG}title").text == "Stock <titre>"
    assert svg.get("role") == "img"
    rects = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [r.find(f"{SVG}title").text.rsplit(" ", 1)[-1] for r in rects] == ["3", "2", "1"]
    assert "Direction <b>" in rects[0].find(f"{SVG}title").text
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == pytest.approx(3 * widths[2], abs=0.5)


def test_lines_break_on_missing_weeks():
    svg = _parse(
        charts.lines("c2", "t", "d", ["a", "b", "c", "d"], [charts.Series("s", [1, None, 2, 3], "#000")])
    )
    polylines = list(svg.iter(f"{SVG}polyline"))
    assert [len(p.get("points").split()) for p in polylines] == [1, 2]
    assert len(list(svg.iter(f"{SVG}circle"))) == 3


def test_bars_scale_to_a_round_maximum():
    svg = _parse(charts.bars("c3", "t", "d", [("A", 40), ("B", 10)], "#000"))
    rects = list(svg.iter(f"{SVG}rect"))
    assert float(rects[0].get("width")) == pytest.approx(4 * float(rects[1].get("width")))
    assert charts.axis(37) == (40, 10) and charts.axis(21) == (25, 5) and charts.axis(0.4) == (1, 1)
    assert charts.axis(12, integer=False) == (12.5, 2.5) and charts.axis(0) == (1, 1)


def test_map_links_titles_and_colours():
    paris = DistrictShapes(
        (
            District(1, "1er Ardt", "Louvre", "M 0 0 l 10 0 0 10 z", 5, -5),
            District(2, "2ème Ardt", "Bourse", "M 20 0 l 10 0 0 10 z", 25, -5),
        ),
        "0 -20 40 20",
    )
    svg = _parse(
        render(paris, {1: DistrictFigures(open=10, overdue=7)}, lambda n: f"?district={n}&a=<b>", selected=1)
    )
    links = list(svg.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["?district=1&a=<b>", "?district=2&a=<b>"]
    assert links[0].get("aria-current") == "true"
    assert "7 en retard sur 10 ouverts (70 %)" in links[0].get("aria-label")
    assert "aucun signalement ouvert" in links[1].get("aria-label")
    fills = [p.get("fill") for p in svg.iter(f"{SVG}path")]
    assert fills == [CLASSES[4].fill, NO_DATA.fill]


def test_french_formats():
    assert fmt.lateness(3 * 86400 + 4 * 3600 + 59) == "en retard de 3 j 4 h"
    assert fmt.lateness(2 * 86400) == "en retard de 2 j"
    assert fmt.lateness(5 * 3600 + 7 * 60) == "en retard de 5 h 07"
    assert fmt.lateness(125) == "en retard de 2 min"
    assert fmt.duration(36 * 3600) == "1 j 12 h" and fmt.duration(None) == "–"
    assert fmt.percent(0.873) == "87\u202f%" and fmt.count(12345) == "12\u202f345"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert fmt.local_datetime(summer) == "01/07/2026 14:00"
    assert fmt.local_datetime(summer + timedelta(days=180)) == "28/12/2026 13:00"


def test_each_chart_is_drawn_for_a_screen_and_for_a_phone():
    markup = charts.stacked_bars(
        "c4", "t", "d", [("PARTENAIRES", "Partenaires", [1, 2, 3])], [("a", "#000")] * 3
    )
    wide, narrow = list(ET.fromstring(f"<div>{markup}</div>"))
    assert (wide.get("id"), narrow.get("id")) == ("c4", "c4-n")
    assert "chart-wide" in wide.get("class") and "chart-narrow" in narrow.get("class")
    assert narrow.get("viewBox").split()[2] == "340"
    for svg in (wide, narrow):
        label = next(t for t in svg.iter(f"{SVG}text") if t.text == "PARTENAIRES")
        # Right-aligned at x: the label's estimated width must fit left of it.
        assert float(label.get("x")) >= 11 * int(label.get("font-size")) * 0.6
    assert fmt.category("Arbres, végétaux et animaux:Pied d'arbre : Autre") == (
        "Arbres, végétaux et animaux : Pied d'arbre : Autre"
    )
