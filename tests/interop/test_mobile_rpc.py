"""The mobile RPC API: envelope, error codes, and each request the apps send."""

import json

import pytest
from sqlalchemy import func, select, text

from dansmarue.catalogue import agent_texts
from dansmarue.models import Category, Follower, Report
from dansmarue.workflow import history
from dansmarue.workflow import perform as workflow
from tests.interop.mobile_client import answer, error_code, rpc, save_incident


def _count(session):
    return session.scalar(select(func.count(Report.id)))


# ---- envelope --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["{not json", '[{"no": "request"}]', "[]", '"x"', '[{"request": "getCategories"}, {"request": "x"}]'],
)
def test_malformed_stream_is_error_2(client, raw):
    status, body = rpc(client, raw=raw)
    assert status == 200
    assert body["error"] == 2 and isinstance(body["error_message"], str)


def test_unknown_request_is_error_2(client):
    status, body = rpc(client, {"request": "launchRocket"})
    assert body["error"] == 2


# ---- getCategories --------------------------------------------------------


def test_get_categories_tree_and_version_cache(client, session, leaf):
    result = answer(client, {"request": "getCategories"})
    version, categories = result["version"], result["categories"]
    assert isinstance(version, int)
    roots = categories["0"]["children_id"]
    assert roots and all(str(r) in categories for r in roots)
    node = categories[str(leaf.id)]
    assert set(node) == {"parent_id", "name", "isAgent", "alias", "horsDMR", "messageHorsDMR", "children_id"}
    assert node["name"] == leaf.label and node["children_id"] == []
    assert node["parent_id"] == leaf.parent_id and node["isAgent"] is False
    assert leaf.id in categories[str(leaf.parent_id)]["children_id"]
    cached = answer(client, {"request": "getCategories", "curVersion": version})
    assert cached == {"status": 0, "version": version, "categories": None}
    stale = answer(client, {"request": "getCategories", "curVersion": str(version - 1)})
    assert stale["categories"] is not None


def test_agent_types_only_for_the_agents_app(client, session, leaf):
    agent_leaf = session.scalars(
        select(Category).where(Category.is_leaf, Category.active, Category.id != leaf.id)
    ).first()
    agent_leaf.agent_only = True
    session.flush()
    public = answer(client, {"request": "getCategories"})["categories"]
    assert str(agent_leaf.id) not in public
    pro = answer(client, {"request": "getCategories", "curVersionMobileProd": 0})["categories"]
    assert pro[str(agent_leaf.id)]["isAgent"] is True


# ---- saveIncident -----------------------------------------------------------


def test_save_incident(client, session, leaf):
    result = answer(client, save_incident(client, leaf.id))
    assert isinstance(result["incidentId"], int)
    report = session.get(Report, result["incidentId"])
    assert report.state == "initial" and report.origin == "G"
    assert report.reference.startswith("G")
    assert report.reporter_udid == "udid-reporter" and report.reporter_guid == "guid-reporter"
    assert report.description == "Graffiti sur le mur" and report.priority == 2


@pytest.mark.parametrize(
    "overrides,code",
    [
        ({"udid": ""}, 13),
        ({"position": {}}, 6),
        ({"position": {"latitude": "abc", "longitude": "2.35"}}, 7),
        ({"position": {"latitude": 48.80, "longitude": 2.60}}, 7),  # outside Paris
        ({"categoryId": ""}, 9),
        ({"categoryId": "999999"}, 8),
        ({"categoryId": "chien"}, 8),
        ({"origin": "S"}, 34),
        ({"origin": None}, 34),
    ],
)
def test_save_incident_errors(client, session, leaf, overrides, code):
    before = _count(session)
    assert error_code(client, save_incident(client, leaf.id, **overrides)) == code
    assert _count(session) == before


def test_save_incident_refuses_agent_types_and_parents_to_residents(client, session, leaf):
    assert error_code(client, save_incident(client, leaf.parent_id)) == 8
    leaf.agent_only = True
    session.flush()
    assert error_code(client, save_incident(client, leaf.id)) == 8


# ---- processWorkflow --------------------------------------------------------


def test_process_workflow_makes_the_reporter_a_follower_once(client, session, make_report):
    report = make_report()
    for _ in range(2):
        assert answer(client, {"request": "processWorkflow", "id": str(report.id)}) == {"status": 0}
    followers = session.scalars(select(Follower).where(Follower.report_id == report.id)).all()
    assert [f.account_guid for f in followers] == ["guid-reporter"]
    session.refresh(report)
    assert report.followers_count == 1
    assert error_code(client, {"request": "processWorkflow", "id": "987654321"}) == 12
    assert error_code(client, {"request": "processWorkflow"}) == 15


# ---- getIncidentsByPosition -------------------------------------------------


def _nearby(client, lat=48.856613, lon=2.352222, guid=None):
    request = {"request": "getIncidentsByPosition", "position": {"latitude": lat, "longitude": lon}}
    if guid:
        request["guid"] = guid
    result = answer(client, request)
    # An array: Android's Gson List<Incident> throws on a string, iOS's .arrayValue
    # reads one as empty (GetIncidentsByPositionResponse.java:39, RestApiManager.swift:42).
    assert isinstance(result["closest_incidents"], list)
    return result["closest_incidents"]


def test_incidents_by_position_rules(client, session, make_report):
    here = make_report()
    close_by = make_report(latitude=48.8571, longitude=2.3522)  # ~55 m north
    far = make_report(latitude=48.8593, longitude=2.3522)  # ~300 m
    closed = make_report()
    history.change_state(closed, "done", "service_done")
    too_old = make_report()
    session.execute(
        text("UPDATE report SET created_at = now() - interval '400 days' " "WHERE id = :id"),
        {"id": too_old.id},
    )
    session.expire_all()
    ids = [i["id"] for i in _nearby(client)]
    assert ids.index(here.id) < ids.index(close_by.id)  # sorted by distance
    assert far.id not in ids and closed.id not in ids and too_old.id not in ids


def test_incident_object_and_token_privacy(client, session, make_report):
    report = make_report()
    [item] = [i for i in _nearby(client) if i["id"] == report.id]
    assert isinstance(item["id"], int) and isinstance(item["lat"], float)
    assert item["numero"] == report.reference and item["source"] == "DansMaRue"
    assert item["state"] == "O" and item["stateId"] == 13
    assert item["isIncidentAnonyme"] is False and item["isIncidentFollowedByUser"] is False
    assert set(item["pictures"]) == {"close", "far", "done"}
    assert item["token"] is None  # never someone else's tracking token
    assert "resident@example.org" not in json.dumps(item)
    assert "reporterGuid" not in item and "guid-reporter" not in json.dumps(item)
    mine = next(i for i in _nearby(client, guid="guid-reporter") if i["id"] == report.id)
    assert mine["token"] == report.token


# ---- getIncidentById ----------------------------------------------------------


def test_incident_by_id(client, session, make_report, leaf):
    agent_texts.seed_defaults()
    report = make_report()
    result = answer(
        client,
        {"request": "getIncidentById", "id": str(report.id), "source": "DansMaRue", "guid": "guid-reporter"},
    )
    assert result["incident"]["id"] == report.id
    assert result["incident"]["categoryId"] == str(leaf.top_level.id)
    assert result["resolved_authorization"] is True
    offered = agent_texts.list_items("message", active_only=True, category_id=report.category_id)
    generic = [m.title for m in offered if m.category_id is None]
    specific = [m.title for m in offered if m.category_id is not None]
    assert generic, "migration 0004 seeds generic service-done messages"
    assert [m["libelle"] for m in result["messages_sf_generic"]] == generic
    assert [m["libelle"] for m in result["messages_sf_typologie"]] == specific
    # iOS force-unwraps numero_message and message (RestApiManager.swift:137-139);
    # Android reads an int numero_message (MessageServiceFait.java:10).
    for item in result["messages_sf_generic"] + result["messages_sf_typologie"]:
        assert isinstance(item["numero_message"], int) and isinstance(item["message"], str)
    other = answer(
        client,
        {"request": "getIncidentById", "id": str(report.id), "source": "DansMaRue", "guid": "someone-else"},
    )
    assert other["resolved_authorization"] is False
    assert error_code(client, {"request": "getIncidentById", "id": str(report.id), "source": "Ramen"}) == 35
    assert error_code(client, {"request": "getIncidentById", "id": "987654321", "source": "DansMaRue"}) == 16


# ---- follow / unfollow / congratulate ----------------------------------------


def test_follow_unfollow(client, session, make_report):
    report = make_report()
    before = report.followers_count  # the reporter follows their own report
    request = {
        "request": "follow",
        "incidentId": str(report.id),
        "guid": "guid-fan",
        "udid": "udid-fan",
        "email": "fan@example.org",
        "device": "Android",
        "userToken": "t",
    }
    assert answer(client, request) == {"status": 0}
    assert error_code(client, request) == 41
    session.expire_all()
    assert session.get(Report, report.id).followers_count == before + 1
    listed = next(i for i in _nearby(client, guid="guid-fan") if i["id"] == report.id)
    assert listed["isIncidentFollowedByUser"] is True
    assert answer(client, {"request": "unfollow", "incidentId": str(report.id), "guid": "guid-fan"}) == {
        "status": 0
    }
    session.expire_all()
    assert session.get(Report, report.id).followers_count == before


def test_follow_a_closed_report_is_error_42(client, session, make_report):
    report = make_report()
    history.change_state(report, "done", "service_done")
    session.flush()
    assert error_code(client, {"request": "follow", "incidentId": str(report.id), "guid": "guid-fan"}) == 42


def test_congratulate_with_only_the_id(client, session, make_report):
    report = make_report()
    for _ in range(2):
        assert answer(client, {"request": "congratulateAnomalie", "incidentId": str(report.id)}) == {
            "status": 0
        }
    session.expire_all()
    assert session.get(Report, report.id).congratulations_count == 1  # once per address
    answer(client, {"request": "congratulateAnomalie", "incidentId": str(report.id), "udid": "another-phone"})
    session.expire_all()
    assert session.get(Report, report.id).congratulations_count == 2


# ---- getIncidentsByUser -------------------------------------------------------


def test_incidents_by_user_lists_followed_reports_by_status(client, session, make_report):
    open_one, closed_one, _not_followed = make_report(), make_report(), make_report()
    for report in (open_one, closed_one):
        answer(client, {"request": "follow", "incidentId": str(report.id), "guid": "guid-fan"})
    history.change_state(closed_one, "done", "service_done")
    session.flush()
    ongoing = answer(
        client, {"request": "getIncidentsByUser", "guid": "guid-fan", "filterIncidentStatus": "O"}
    )["incidents"]
    resolved = answer(
        client, {"request": "getIncidentsByUser", "guid": "guid-fan", "filterIncidentStatus": "R"}
    )["incidents"]
    assert [i["id"] for i in ongoing] == [open_one.id]
    assert [i["id"] for i in resolved] == [closed_one.id]
    assert resolved[0]["state"] == "R"
    assert error_code(client, {"request": "getIncidentsByUser"}) == 13


# ---- incidentResolved --------------------------------------------------------


def test_incident_resolved_by_the_reporter_and_refused_to_others(client, session, make_report):
    report = make_report()
    code = error_code(
        client,
        {
            "request": "incidentResolved",
            "incidentId": str(report.id),
            "guid": "intruder",
            "udid": "x",
            "email": "x@example.org",
        },
    )
    assert code == 36
    resolved = {"request": "incidentResolved", "incidentId": str(report.id), "guid": "guid-reporter"}
    assert error_code(client, resolved) == 42  # still "initial": dispatch has not run
    workflow.perform(report.id, "create", None)
    workflow.perform(report.id, "route_to_unit", None)
    session.flush()
    assert answer(
        client,
        {
            "request": "incidentResolved",
            "incidentId": str(report.id),
            "guid": "guid-reporter",
            "udid": "udid-reporter",
            "email": "resident@example.org",
            "comment": "C'est propre",
            "numeroMessage": 1,
            "isGeneric": True,
        },
    ) == {"status": 0}
    session.expire_all()
    assert session.get(Report, report.id).state == "done"
    assert error_code(client, resolved) == 42  # already closed
