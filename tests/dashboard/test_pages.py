"""The dashboard's pages through the Flask test client, on committed seed data."""

import csv
import io
import re

import pytest

from dansmarue.dashboard.colours import CLASSES, NO_DATA, classify
from tests.dashboard import seed


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client, email, password):
    page = client.get("/dashboard/login")
    return client.post(
        "/dashboard/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": _csrf(page.get_data(as_text=True)),
            "next": "/dashboard?period=4",
        },
    )


@pytest.fixture
def web(app, seeded):
    client = app.test_client()
    response = _login(client, seeded.manager_email, seeded.password)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard?period=4"
    return client


def test_anonymous_visitor_is_sent_to_login(app):
    response = app.test_client().get("/dashboard?period=26")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard/login?next=")


def test_the_trailing_slash_redirect_keeps_every_argument_as_an_argument(app):
    # Query arguments are not url_for's options: "_external" or "_scheme" must not
    # turn the redirect into an absolute (downgraded) URL; repeated keys are kept.
    response = app.test_client().get("/dashboard/?period=4&_external=1&_scheme=http&sort=a&sort=b")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard?period=4&_external=1&_scheme=http&sort=a&sort=b"


def test_login_needs_the_csrf_token_and_good_credentials(app, seeded):
    client = app.test_client()
    client.get("/dashboard/login")
    refused = client.post(
        "/dashboard/login", data={"email": seeded.manager_email, "password": seeded.password}
    )
    assert refused.status_code == 403
    page = client.get("/dashboard/login")
    bad = client.post(
        "/dashboard/login",
        data={
            "email": seeded.manager_email,
            "password": "non",
            "csrf_token": _csrf(page.get_data(as_text=True)),
        },
    )
    assert bad.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in bad.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(app, seeded):
    client = app.test_client()
    response = _login(client, seeded.manager_email, seeded.password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_open_redirect_is_refused(app, seeded):
    client = app.test_client()
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={
            "email": seeded.manager_email,
            "password": seeded.password,
            "csrf_token": _csrf(page.get_data(as_text=True)),
            "next": "https://evil.example/dashboard",
        },
    )
    assert response.headers["Location"] == "/dashboard"


def test_map_colours_follow_the_seeded_shares(web, seeded):
    html = web.get("/dashboard").get_data(as_text=True)
    fills = dict(
        re.findall(
            r'data-district="(\d+)" data-class="-?\d+"[^>]*><path d="[^"]*" ' r'fill="(#[0-9a-f]{6})"', html
        )
    )
    assert len(fills) == 20
    for district in range(1, 21):
        open_count, overdue = seeded.expected.get(district, (0, 0))
        assert fills[str(district)] == classify(overdue, open_count).fill, district
    # The other direction's late reports (6th) stay out of a DPE manager's map.
    assert fills["6"] == NO_DATA.fill
    assert {fills[str(d)] for d in range(1, 6)} == {c.fill for c in CLASSES}


def test_manager_cannot_look_at_another_direction(web, seeded):
    response = web.get(f"/dashboard?direction={seeded.other_direction_id}")
    assert response.status_code == 403
    assert "votre direction" in response.get_data(as_text=True)


def test_bad_filters_give_a_french_page_listing_fields(web):
    response = web.get("/dashboard?period=7&page=0&district=21")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "period" in text and "page" in text and "district" in text


def test_csv_is_every_row_of_the_filtered_list(web, seeded, monkeypatch):
    """#19.8 (replaces a test that encoded the page-only export): every row over
    all pages, in the page's order, the delay as a number of days, one charset."""
    from dansmarue.dashboard import filters, view

    monkeypatch.setattr(filters, "PAGE_SIZE", 2)  # several pages of list
    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    monkeypatch.setattr(view, "CSV_PAGE", 3)  # several reads while streaming
    query = "sort=late&order=desc"
    shown = []
    for page in range(1, 20):
        html = web.get(f"/dashboard?{query}&page={page}").get_data(as_text=True)
        found = re.findall(r'href="/agent/r/([A-Z0-9]+)"', html)
        if not found or (shown and found[-1] == shown[-1]):
            break
        shown += found
    response = web.get(f"/dashboard/overdue.csv?{query}&page=2")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Référence", "Catégorie", "Adresse", "Unité", "Échéance", "Retard (jours)"]
    assert [r[0] for r in rows[1:]] == shown
    assert len(shown) == sum(overdue for _, overdue in seed.PLAN.values())
    assert all(float(r[5].replace(",", ".")) > 0 for r in rows[1:])
    district = web.get("/dashboard/overdue.csv?district=5").get_data(as_text=True)
    assert len(district.strip().splitlines()) - 1 == seed.PLAN[5][1]


def test_overdue_list_sorts_and_pages(web):
    most_late = web.get("/dashboard?sort=late&order=desc").get_data(as_text=True)
    least_late = web.get("/dashboard?sort=late&order=asc").get_data(as_text=True)

    def refs(html):
        return re.findall('href="/agent/r/([A-Z0-9]+)"', html)

    assert refs(most_late) == list(reversed(refs(least_late)))
    assert 'aria-sort="descending"' in most_late


def test_a_reference_opens_the_staff_report_page_with_the_same_session(web):
    """#19.6: references link to the agents' app's HTML page, not to JSON."""
    html = web.get("/dashboard?sort=late&order=desc").get_data(as_text=True)
    reference = re.findall(r'href="/agent/r/([A-Z0-9]+)"', html)[0]
    page = web.get(f"/agent/r/{reference}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert reference in page.get_data(as_text=True)


def test_agent_is_refused(app, seeded, session):
    from dansmarue.access import auth

    # An agent account (rolled back with the test) cannot open the dashboard.
    auth.create_user("agent.tableau@paris.example", "secret-agent-42", "agent", unit_codes=())
    session.commit()
    client = app.test_client()
    response = _login(client, "agent.tableau@paris.example", "secret-agent-42")
    assert response.status_code == 403


def test_admin_sees_every_direction_and_can_pick_one(app, seeded):
    client = app.test_client()
    assert _login(client, seeded.admin_email, seeded.password).status_code == 302
    html = client.get("/dashboard").get_data(as_text=True)
    assert re.search(r'data-district="6" data-class="4"', html)  # the other direction's
    only_dpe = client.get(f"/dashboard?direction={seeded.direction_id}").get_data(as_text=True)
    assert re.search(r'data-district="6" data-class="-1"', only_dpe)


def test_logout_needs_post_with_csrf(web):
    page = web.get("/dashboard/logout").get_data(as_text=True)
    assert web.post("/dashboard/logout", data={"csrf_token": "forged"}).status_code == 403
    assert web.get("/dashboard").status_code == 200
    response = web.post("/dashboard/logout", data={"csrf_token": _csrf(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/login"
    assert web.get("/dashboard").status_code == 302


def test_a_cookie_copied_before_logout_is_refused_after_it(app, web):
    """#21.4: the signed cookie is revoked on the server, not only forgotten."""
    copied = web.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/dashboard").status_code == 200
    page = web.get("/dashboard/logout").get_data(as_text=True)
    assert web.post("/dashboard/logout", data={"csrf_token": _csrf(page)}).status_code == 302
    assert thief.get("/dashboard").status_code == 302
    assert thief.get("/agent/").status_code == 302  # the one session of both UIs


def _figures(html: str) -> dict:
    """What the page shows: map, tables (weekly delays included), list, key figures."""
    return {
        "map": re.findall(r'aria-label="([^"]+)" data-district="\d+" data-class="(-?\d)"', html),
        "tables": re.findall(r'<td class="num">([^<]*)</td>', html),
        "list": re.findall(r'href="/agent/r/([A-Z0-9]+)"', html),
        "kpis": re.findall(r'<span class="value">([^<]+)</span>', html),
    }


def test_two_filters_read_the_report_table_and_agree_with_the_roll_ups(web, seeded):
    """Category alone is answered by the roll-ups; category + its own unit (the same
    reports) by the report table: the page must show the same figures."""
    category = seeded.categories[0]
    unit = seeded.category_units[category]
    by_rollups = _figures(web.get(f"/dashboard?category={category}").get_data(as_text=True))
    response = web.get(f"/dashboard?category={category}&unit={unit}")
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    by_table = _figures(response.get_data(as_text=True))
    assert by_rollups == by_table
    assert by_rollups["list"] and len(by_rollups["map"]) == 20
    assert web.get(f"/dashboard?category={category}&unit=999999").status_code == 422


@pytest.mark.parametrize("sort", ["category", "unit", "late", "due"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_page_matches_one_brute_force_sort(app, seeded, sort, order):
    """Pages read group by group (or along due_at) equal slices of one full SQL sort."""
    from sqlalchemy import select, text

    from dansmarue.models import User, db, utcnow
    from dansmarue.stats import overdue as overdue_list

    label = {
        "category": ["coalesce(c.open_data_label, c.label)", "c.id"],
        "unit": ["u.label", "u.id"],
        "late": [],
        "due": [],
    }[sort]
    descending = (order == "desc") != (sort == "late")
    way = "DESC" if descending else "ASC"
    keys = ", ".join(f"{k} {way}" for k in [*label, "r.due_at", "r.id"])
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == seed.MANAGER_EMAIL))
        expected = db.session.scalars(
            text(f"""
            SELECT r.reference FROM report r JOIN category c ON c.id = r.category_id
            JOIN unit u ON u.id = r.unit_id
            WHERE r.closed_at IS NULL AND r.sla_status IN ('overdue', 'escalated')
              AND r.direction_id = :d ORDER BY {keys}"""),
            {"d": manager.direction_id},
        ).all()
        got = []
        for page in range(1, 6):
            rows, total = overdue_list.overdue_page(
                manager,
                utcnow(),
                sort=sort,
                order=order,
                page=page,
                page_size=4,
                direction_id=manager.direction_id,
            )
            got += [r.reference for r in rows]
        db.session.remove()
    assert total == len(expected) == sum(late for _, late in seed.PLAN.values())
    assert got == expected


def test_every_figure_follows_the_district_filter(web, seeded):
    """#19.7: key figures and the stock chart count only the chosen arrondissement."""
    open_count, overdue = seeded.expected[5]
    html = web.get("/dashboard?district=5").get_data(as_text=True)
    kpis = re.findall(r'<span class="value">([^<]+)</span>', html)
    assert kpis[:2] == [str(open_count), str(overdue)]
    backlog = re.search(r"<tbody>(.*?)</tbody>", html[html.index("chart-backlog") :], re.S).group(1)
    totals = re.findall(r'<td class="num">(\d+)</td></tr>', backlog)
    assert sum(int(t) for t in totals) == open_count
    whole = re.findall(r'<span class="value">([^<]+)</span>', web.get("/dashboard").get_data(as_text=True))
    assert whole[0] == str(sum(o for o, _ in seeded.expected.values()))


def unit_table(html: str) -> list[tuple[str, int, int]]:
    section = html.split('id="units-h"', 1)[1].split("</table>", 1)[0]
    return [
        (label, int(opened), int(late))
        for label, opened, late in re.findall(
            r'<th scope="row"><a href="[^"]*unit=\d+[^"]*">([^<]+)</a></th>'
            r'<td class="num">(\d+)</td><td class="num">(\d+)</td>',
            section,
        )
    ]


def test_the_unit_breakdown_follows_the_filters_and_links_to_each_unit(web):
    """#19.9: open and overdue per unit, under the same filters as every figure."""
    rows = unit_table(web.get("/dashboard").get_data(as_text=True))
    assert sum(o for _, o, _ in rows) == sum(n for n, _ in seed.PLAN.values())
    assert sum(late for *_, late in rows) == sum(late for _, late in seed.PLAN.values())
    assert [late for *_, late in rows] == sorted((late for *_, late in rows), reverse=True)
    fifth = unit_table(web.get("/dashboard?district=5").get_data(as_text=True))
    assert (sum(o for _, o, _ in fifth), sum(late for *_, late in fifth)) == seed.PLAN[5]


def test_a_chosen_date_range_replaces_the_preset_period(web):
    html = web.get("/dashboard?from=2026-09-07&to=2026-11-29").get_data(as_text=True)
    assert "Tendances par semaine · du 07/09/2026 au 29/11/2026" in html
    weeks = html.split("Semaine du", 1)[1].split("</tbody>", 1)[0].count('<th scope="row">')
    assert weeks == 12
    assert 'value="2026-09-07"' in html and 'value="2026-11-29"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-09-07", "Indiquez les deux dates"),
        ("from=2026-11-29&to=2026-09-07", "doit précéder"),
        ("from=0001-01-01&to=2026-09-07", "from"),
        ("from=2020-01-01&to=2026-01-01", "104 semaines"),
        ("from=2026-13-01&to=2026-12-01", "Date invalide"),
    ],
)
def test_a_bad_date_range_is_refused_field_by_field(web, query, message):
    response = web.get(f"/dashboard?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
