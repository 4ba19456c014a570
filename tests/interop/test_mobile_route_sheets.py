"""The agents' route-sheet calls of the Android app (searchIncidentsByIdFdt,
saveInfosApresTournee) over the agents' app's real route sheets: a sheet is
the agent's reports programmed for a day (`agentapp.tour.sheet`), numbered by
its day AAMMJJ. Answers are read with the app's Gson models."""

import json
from datetime import date
from urllib.parse import urlencode

from flask.testing import FlaskClient

from dansmarue.agentapp import tour
from dansmarue.api.mobile.agent_calls import sheet_number
from tests.agents.conftest import GRASS, GRID, bearer, make_report, people  # noqa: F401
from tests.interop import android_models as m
from tests.security.test_matrix_pages import _sign_in

DAY = date(2031, 3, 14)
FORM = "application/x-www-form-urlencoded"


def _sheet(client: FlaskClient, number: object, headers: dict) -> dict:
    response = client.get(f"/rest/signalement/searchIncidentsByIdFdt/{number}", headers=headers)
    return m.read(response.status_code, response.get_data(as_text=True), m.BY_POSITION)


def _after_round(client, number, text, headers):
    stream = (
        "["
        + json.dumps({"idFDT": number, "infosApresTournee": text, "request": "saveInfosApresTournee"})
        + "]"
    )
    response = client.post(
        "/rest/signalement/api/",
        data=urlencode({"jsonStream": stream}),
        headers={**headers, "Content-Type": FORM},
    )
    return m.read(response.status_code, response.get_data(as_text=True), m.SIMPLE)


def test_the_number_fits_the_apps_search_field():
    """dialog_search_fdt_by_id.xml:66 takes six digits; Integer.parseInt drops a
    leading zero; AAAAMMJJ is read too."""
    from dansmarue.api.mobile.agent_calls import sheet_day

    assert sheet_number(DAY) == 310314 and sheet_day("310314") == DAY
    assert sheet_number(date(2026, 12, 4)) == 261204
    assert sheet_day(str(sheet_number(date(2009, 1, 5)))) == date(2009, 1, 5)  # "90105"
    assert sheet_day("20310314") == DAY


def test_the_sheet_is_the_agents_app_route_sheet_of_that_day(client, session, people):
    agent = people["users"]["agent"]
    east = make_report("scheduled", GRASS, (2.3700, 48.8530), scheduled_for=DAY)
    west = make_report("scheduled", GRASS, (2.3400, 48.8600), scheduled_for=DAY)
    near = make_report("scheduled", GRASS, (2.3530, 48.8570), scheduled_for=DAY)
    make_report("scheduled", GRASS, (2.3522, 48.8566), scheduled_for=date(2031, 3, 15))  # another day
    make_report("scheduled", GRID, (2.3522, 48.8566), scheduled_for=DAY)  # another unit's
    session.commit()

    sheet = _sheet(client, sheet_number(DAY), bearer(people, "agent"))
    assert sheet["request"] == "searchIncidentsByIdFdt"  # MapParisPresenter.java:122 compares it
    assert sheet["answer"]["status"] == "0"
    planned = [s["reference"] for s in tour.sheet(agent, DAY, None)["stops"]]
    assert sorted(planned) == sorted(r.reference for r in (east, west, near))
    assert [i["numero"] for i in sheet["answer"]["incidents"]] == planned  # the same order
    assert sheet["answer"]["infosAvantTournee"] == "" and sheet["answer"]["infosApresTournee"] == ""
    # Not the map's nor the search by number's keys: the app would take it for those (:101, :115).
    assert sheet["answer"].get("closest_incidents") is None and sheet["answer"].get("incident") is None

    other = _sheet(client, sheet_number(DAY), bearer(people, "other_agent"))
    assert [i["numero"] for i in other["answer"]["incidents"]] == [
        s["reference"] for s in tour.sheet(people["users"]["other_agent"], DAY, None)["stops"]
    ]
    assert east.reference not in [i["numero"] for i in other["answer"]["incidents"]]


def test_the_note_after_the_round_is_read_back_by_its_author_only(client, session, people):
    session.commit()
    number = sheet_number(DAY)
    assert (
        _after_round(client, number, "Trois dépôts ramassés, un tag à repasser", bearer(people, "agent"))[
            "answer"
        ]["status"]
        == "0"
    )
    assert _sheet(client, number, bearer(people, "agent"))["answer"]["infosApresTournee"] == (
        "Trois dépôts ramassés, un tag à repasser"
    )
    assert _after_round(client, number, "Tout est fait", bearer(people, "agent"))["answer"]["status"] == "0"
    assert _sheet(client, number, bearer(people, "agent"))["answer"]["infosApresTournee"] == "Tout est fait"
    assert _sheet(client, number, bearer(people, "other_agent"))["answer"]["infosApresTournee"] == ""
    assert (
        _sheet(client, sheet_number(date(2031, 3, 15)), bearer(people, "agent"))["answer"][
            "infosApresTournee"
        ]
        == ""
    )


def test_refusals_are_the_apps_error_object(client, session, people):
    session.commit()  # a refusal rolls the request back: the accounts must outlive it
    # The sheet's own refusal path in the app: status "0", this request, no
    # list, a top-level error_message (MapParisPresenter.java:122-127 hands it
    # to callBackSearchFDTById, which shows it in the sheet-number dialog).
    for number in ("0", "12", "311340", "20311340", "1234567", "abc", "-1", "3103141"):
        refused = _sheet(client, number, bearer(people, "agent"))
        assert refused["request"] == "searchIncidentsByIdFdt" and refused["answer"]["status"] == "0", number
        assert (
            refused["answer"].get("incidents") is None and refused["answer"].get("closest_incidents") is None
        )
        assert "AAMMJJ" in refused["error_message"]
    for who in ("anonymous", "resident"):
        refused = _sheet(client, sheet_number(DAY), bearer(people, who))
        assert refused["answer"]["status"] == "0" and refused["answer"].get("incidents") is None
        assert "agents" in refused["error_message"]
    assert _after_round(client, sheet_number(DAY), "RAS", {})["error"] == "36"
    assert _after_round(client, 7, "RAS", bearer(people, "agent"))["error"] == "12"
    too_long = _after_round(client, sheet_number(DAY), "x" * 4001, bearer(people, "agent"))
    assert too_long["error"] == "3"


def test_the_agents_page_shows_the_number_the_app_asks_for(client, session, people):
    """/agent/tournee prints the number to type in the app, for the same stops."""
    report = make_report("scheduled", GRASS, (2.3530, 48.8570), scheduled_for=DAY)
    session.commit()
    _sign_in(client, people["users"]["agent"])
    page = client.get(f"/agent/tournee?date={DAY.isoformat()}").get_data(as_text=True)
    assert f"<strong>{sheet_number(DAY)}</strong>" in page and report.reference in page
    sheet = _sheet(client, sheet_number(DAY), bearer(people, "agent"))
    assert [i["numero"] for i in sheet["answer"]["incidents"]] == [report.reference]
