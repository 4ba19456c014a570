"""#19.5 on the pages: a filter form's URL with a parameter it does not know is
refused with a French 400 page naming it (it used to be silently ignored);
the pages' own parameters (`next=` on login, the filters) still work."""

from typing import Any

from tests.dashboard.test_pages import _login


def test_pages_refuse_unknown_filter_parameters(app: Any, seeded: Any) -> None:
    web = app.test_client()
    signed_in = _login(web, seeded.admin_email, seeded.password)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/dashboard?period=4"
    for url in ("/dashboard?period=4&arrondissement=4", "/dashboard/overdue.csv?arrondissement=4"):
        refused = web.get(url)
        assert refused.status_code == 400, url
        html = refused.get_data(as_text=True)
        assert "Paramètre(s) inconnu(s) : arrondissement." in html and "district" in html, url
    assert web.get("/dashboard?period=4&district=4&sort=due&order=asc&page=1&from=&to=").status_code == 200
    agent = web.get("/agent/?près=48.85,2.35")
    assert agent.status_code == 400
    assert "Paramètre(s) inconnu(s) : près." in agent.get_data(as_text=True)
    assert web.get("/agent/?sort=distance&lat=48.8566&lon=2.3522&state=new&page=1").status_code == 200


def test_a_position_off_the_map_is_ignored_not_a_500(app: Any, seeded: Any) -> None:
    web = app.test_client()
    _login(web, seeded.admin_email, seeded.password)
    for query in ("lat=inf&lon=2.35", "lat=90&lon=2.35", "lat=48.85&lon=nan"):
        assert web.get(f"/agent/tournee?{query}").status_code == 200, query
        assert web.get(f"/agent/?sort=distance&{query}").status_code == 200, query
