"""Automatic requalification rules (real signalement_workflow_rac_unit), their
admin endpoints, the units offered for a manual requalification, and the
work-queue index."""

from sqlalchemy import func, select, text

from dansmarue.access import auth
from dansmarue.models import OutboxJob, Report, ReportEvent, Unit, db, unit_sector
from dansmarue.models.requalification import RequalificationRule
from dansmarue.workflow import agent_queue, dispatch
from tests.agents.conftest import GRASS, GRID, bearer, make_report

DPE, DVD = 1, 2
DPE_STPP_DT, DPE_STPP_FONC, DVD_STV, DVD_3M = 12, 13, 23, 24
DVD_CENTRE_SECTOR = 154  # "DVD - Paris Centre", covers the Hôtel de Ville
RULES = "/api/v1/admin/requalification-rules"
# In sector 120 (Paris Centre, 1er), 26 m from sector 123 (8e) across the border.
NEAR_BORDER = (2.323934050081446, 48.866509863622525)
SECTOR_8E = 123


def _rule(**fields) -> RequalificationRule:
    rule = RequalificationRule(**fields)
    db.session.add(rule)
    db.session.flush()
    return rule


def _events(report, action="auto_requalify"):
    return list(
        db.session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report.id, ReportEvent.action == action)
        )
    )


def _dispatched(report) -> Report:
    dispatch.start(report.id)
    return db.session.get(Report, report.id, populate_existing=True)


def test_rule_on_an_ancestor_unit_moves_a_new_report_and_repicks_the_sector(session):
    rule = _rule(source_unit_id=DPE, category_id=GRASS, target_unit_id=DVD_STV)
    report = make_report(state="initial")
    assert report.unit_id == DPE_STPP_DT
    previous_sector = report.sector_id
    report = _dispatched(report)
    assert (report.unit_id, report.direction_id, report.state) == (DVD_STV, DVD, "new")
    assert report.sector_id == DVD_CENTRE_SECTOR != previous_sector
    [event] = _events(report)
    assert event.is_public is False and event.public_message is None
    assert (event.from_state, event.to_state) == ("verification", "verification")
    assert event.data["rule_id"] == rule.id
    assert event.data["previous"] == {
        "unit_id": DPE_STPP_DT,
        "sector_id": previous_sector,
        "direction_id": DPE,
    }
    assert event.data["new"]["unit_id"] == DVD_STV
    # The target unit's mailbox is told as well.
    assert (
        session.scalar(
            select(OutboxJob).where(OutboxJob.dedup_key == f"report:{report.id}:unit-new:{DVD_STV}")
        )
        is not None
    )
    # The agents' view shows it, with the previous unit.
    admin = auth.create_user("admin.rac@paris.fr", None, "admin")
    [seen] = [e for e in agent_queue.agent_view(report, admin)["events"] if e["action"] == "auto_requalify"]
    assert seen["public"] is False and seen["data"]["previous"]["unit_id"] == DPE_STPP_DT


def test_rule_with_a_target_state_settles_the_report_there(session):
    _rule(source_unit_id=DPE_STPP_DT, category_id=None, target_unit_id=DVD_STV, target_state="to_process")
    report = _dispatched(make_report(state="initial"))
    assert (report.unit_id, report.state) == (DVD_STV, "to_process")
    [event] = _events(report)
    assert (event.from_state, event.to_state) == ("verification", "to_process")
    assert [e.action for e in _events(report, "route_to_unit")] == []


def test_most_specific_rule_wins(session):
    _rule(source_unit_id=DPE, category_id=None, target_unit_id=DVD_3M)
    _rule(source_unit_id=DPE_STPP_DT, category_id=None, target_unit_id=DPE_STPP_FONC)
    category_rule = _rule(source_unit_id=DPE, category_id=GRASS, target_unit_id=DVD_STV)
    report = _dispatched(make_report(state="initial"))
    assert report.unit_id == DVD_STV
    assert _events(report)[0].data["rule_id"] == category_rule.id
    # Without a category rule, the nearest source unit wins over its direction.
    category_rule.active = False
    report = _dispatched(make_report(state="initial"))
    assert report.unit_id == DPE_STPP_FONC


def test_rules_that_do_not_match_leave_the_report_alone(session):
    _rule(source_unit_id=DPE, category_id=GRID, target_unit_id=DVD_STV)  # other category
    _rule(source_unit_id=DVD, category_id=None, target_unit_id=DVD_3M)  # other unit
    _rule(source_unit_id=DPE_STPP_DT, category_id=GRASS, target_unit_id=DVD_3M, active=False)
    report = _dispatched(make_report(state="initial"))
    assert (report.unit_id, report.state) == (DPE_STPP_DT, "new")
    assert _events(report) == []


def test_a_target_unit_without_a_sector_at_the_point_is_passed_over(session):
    nowhere = Unit(code="TEST-SANS-SECTEUR", label="Service sans secteur", kind="service", parent_id=DVD)
    session.add(nowhere)
    session.flush()
    _rule(source_unit_id=DPE_STPP_DT, category_id=GRASS, target_unit_id=nowhere.id)
    fallback = _rule(source_unit_id=DPE, category_id=None, target_unit_id=DVD_STV)
    report = _dispatched(make_report(state="initial"))
    assert report.unit_id == DVD_STV
    assert _events(report)[0].data["rule_id"] == fallback.id


def test_rules_apply_at_creation_only(session):
    """A report back in verification (manual requalification) keeps the agent's choice."""
    _rule(source_unit_id=DPE, category_id=None, target_unit_id=DVD_STV)
    report = _dispatched(make_report(state="verification"))
    assert (report.unit_id, report.state) == (DPE_STPP_DT, "new")
    assert _events(report) == []


def test_rule_applies_to_reports_filed_through_the_api(client, session):
    _rule(source_unit_id=DPE_STPP_DT, category_id=None, target_unit_id=DVD_STV)
    created = client.post(
        "/api/v1/reports",
        json={"category_id": GRASS, "latitude": 48.8566, "longitude": 2.3522, "description": "Herbes hautes"},
    )
    assert created.status_code == 201, created.json
    report = session.scalar(select(Report).where(Report.reference == created.json["reference"]))
    assert report.unit_id == DPE_STPP_DT and report.state == "initial"
    report = _dispatched(report)
    assert (report.unit_id, report.state) == (DVD_STV, "new")


def test_admin_crud_of_rules(client, people, session):
    headers = bearer(people, "admin")
    created = client.post(
        RULES,
        headers=headers,
        json={
            "source_unit_id": DPE,
            "category_id": GRASS,
            "target_unit_id": DVD_STV,
            "target_state": "to_process",
        },
    )
    assert created.status_code == 201, created.json
    rule = created.json
    assert rule["active"] is True and rule["target_state"] == "to_process"
    listed = client.get(RULES, headers=headers, query_string={"source_unit_id": DPE})
    assert [r["id"] for r in listed.json] == [rule["id"]]
    patched = client.patch(
        f"{RULES}/{rule['id']}", headers=headers, json={"target_state": None, "active": False}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["target_state"] is None and patched.json["active"] is False
    assert client.get(f"{RULES}/{rule['id']}", headers=headers).json["active"] is False
    assert client.delete(f"{RULES}/{rule['id']}", headers=headers).status_code == 204
    assert client.get(f"{RULES}/{rule['id']}", headers=headers).status_code == 404


def test_bad_rules_are_refused_field_by_field_and_leave_no_row(client, people, session):
    headers = bearer(people, "admin")
    before = session.scalar(select(func.count()).select_from(RequalificationRule))
    cases = [
        ({"source_unit_id": 999999, "target_unit_id": DVD_STV}, 422, "source_unit_id"),
        ({"source_unit_id": DPE, "target_unit_id": 999999}, 422, "target_unit_id"),
        ({"source_unit_id": DPE, "target_unit_id": DPE}, 422, "target_unit_id"),
        ({"source_unit_id": DPE, "target_unit_id": DVD_STV, "category_id": 999999}, 422, "category_id"),
        ({"source_unit_id": DPE, "target_unit_id": DVD_STV, "target_state": "done"}, 422, "target_state"),
        ({"target_unit_id": DVD_STV}, 422, "source_unit_id"),
    ]
    for body, status, field in cases:
        response = client.post(RULES, headers=headers, json=body)
        assert response.status_code == status, (body, response.json)
        assert response.mimetype == "application/problem+json"
        assert field in [e["field"] for e in response.json["errors"]], response.json
    assert session.scalar(select(func.count()).select_from(RequalificationRule)) == before
    # One rule per (source unit, category); "all categories" counts as one value.
    first = client.post(RULES, headers=headers, json={"source_unit_id": DPE, "target_unit_id": DVD_STV})
    assert first.status_code == 201
    again = client.post(RULES, headers=headers, json={"source_unit_id": DPE, "target_unit_id": DVD_3M})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    other = client.post(
        RULES, headers=headers, json={"source_unit_id": DPE_STPP_DT, "target_unit_id": DVD_3M}
    )
    clash = client.patch(f"{RULES}/{other.json['id']}", headers=headers, json={"source_unit_id": DPE})
    assert clash.status_code == 409
    assert client.get(f"{RULES}/{other.json['id']}", headers=headers).json["source_unit_id"] == DPE_STPP_DT


def _unit_on(sector_id: int, code: str) -> Unit:
    unit = Unit(code=code, label=code.title(), kind="service", parent_id=DPE)
    db.session.add(unit)
    db.session.flush()
    db.session.execute(unit_sector.insert().values(unit_id=unit.id, sector_id=sector_id))
    return unit


def test_nearby_units_within_50_metres(client, people, session):
    over_border = _unit_on(SECTOR_8E, "TEST-8E")
    far = session.scalar(
        text(
            "SELECT id FROM sector WHERE NOT ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, 1000) "
            "ORDER BY id LIMIT 1"
        ),
        {"lon": NEAR_BORDER[0], "lat": NEAR_BORDER[1]},
    )
    far_unit = _unit_on(far, "TEST-LOIN")
    report = make_report(point=NEAR_BORDER)
    response = client.get(
        f"/api/v1/agent/reports/{report.reference}/nearby-units", headers=bearer(people, "agent")
    )
    assert response.status_code == 200, response.json
    units = {u["code"]: u for u in response.json}
    assert units["DPE-STPP-DT"]["current"] is True
    assert units["DPE-STPP-DT"]["distance_m"] == 0
    assert 20 < units["TEST-8E"]["distance_m"] < 35
    assert units["TEST-8E"]["sector_ids"] == [SECTOR_8E] and not units["TEST-8E"]["current"]
    assert far_unit.code not in units
    assert all(u["distance_m"] <= 50 for u in response.json)
    distances = [u["distance_m"] for u in response.json]
    assert distances == sorted(distances)
    # 200 m inside Paris Centre, the 8e-only unit is out of reach.
    inside = make_report(point=(NEAR_BORDER[0] + 0.0030, NEAR_BORDER[1]))
    codes = {
        u["code"]
        for u in client.get(
            f"/api/v1/agent/reports/{inside.reference}/nearby-units", headers=bearer(people, "agent")
        ).json
    }
    assert over_border.code not in codes and "DPE-STPP-DT" in codes


def forced_index_plan(session, sql: str) -> str:
    """The plan when scans must use an index, on fresh statistics (stale ones
    left from earlier runs can make another index look cheaper)."""
    session.execute(text("ANALYZE report"))
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    return "\n".join(session.scalars(text(f"EXPLAIN {sql}")))


def test_work_queue_index_exists_and_serves_a_units_queue(session):
    definition = session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_report_unit_due'")
    )
    assert definition is not None and "(unit_id, due_at, id)" in definition
    # A tiny test table would be read sequentially: ask what the planner does
    # when it has to use an index, for the queue's own query (unit filter).
    admin = auth.create_user("admin.plan@paris.fr", None, "admin")
    query = agent_queue.queue_query(admin, unit_id=DPE_STPP_DT, limit=50)
    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    plan = forced_index_plan(session, sql)
    assert "ix_report_unit_due" in plan, plan
    assert "Sort" not in plan.split("ix_report_unit_due")[0], plan


def test_an_agents_queue_reads_its_units_through_the_index(session, people):
    """The agent's unit ids are inlined (not behind the recursive CTE), so the
    planner can walk the index in queue order."""
    agent = people["users"]["agent"]
    query = agent_queue.queue_query(agent, limit=50)
    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    assert "scoped_units" not in sql and f"unit_id IN ({DPE_STPP_DT})" in sql
    plan = forced_index_plan(session, sql)
    assert "ix_report_unit_due" in plan, plan
    # Scope still holds: the other agent's queue does not list this report.
    report = make_report()
    mine, _ = agent_queue.work_queue(agent)
    theirs, _ = agent_queue.work_queue(people["users"]["other_agent"])
    assert report.reference in {r["reference"] for r in mine}
    assert report.reference not in {r["reference"] for r in theirs}
