"""Catalogue administration, scopes and the `flask users` CLI."""

from sqlalchemy import select

from dansmarue.access import auth, scopes
from dansmarue.models import Report, User
from tests.agents.conftest import GRID, bearer, make_report


def test_admin_crud_of_rejection_reasons(client, people, session):
    headers = bearer(people, "admin")
    created = client.post(
        "/api/v1/admin/rejection-reasons",
        headers=headers,
        json={"label": "Stationnement sur domaine privé", "sort_order": 3},
    )
    assert created.status_code == 201
    item = created.json
    duplicate = client.post(
        "/api/v1/admin/rejection-reasons", headers=headers, json={"label": "Stationnement sur domaine privé"}
    )
    assert duplicate.status_code == 409
    short = client.post("/api/v1/admin/rejection-reasons", headers=headers, json={"label": ""})
    assert short.status_code == 422 and short.json["errors"][0]["field"] == "label"
    patched = client.patch(
        f"/api/v1/admin/rejection-reasons/{item['id']}", headers=headers, json={"active": False}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["active"] is False
    agent_list = client.get("/api/v1/agent/rejection-reasons", headers=bearer(people, "agent"))
    assert item["id"] not in {r["id"] for r in agent_list.json}
    assert client.delete(f"/api/v1/admin/rejection-reasons/{item['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/admin/rejection-reasons/{item['id']}", headers=headers).status_code == 404


def test_done_messages_by_category(client, people, session):
    headers = bearer(people, "admin")
    created = client.post(
        "/api/v1/admin/done-messages",
        headers=headers,
        json={
            "category_id": GRID,
            "title": "Grille recalée",
            "message": "La grille d'arbre a été remise en place.",
        },
    )
    assert created.status_code == 201, created.json
    unknown = client.post(
        "/api/v1/admin/done-messages",
        headers=headers,
        json={"category_id": 999999, "title": "X", "message": "Y"},
    )
    assert unknown.status_code == 422
    for_grid = client.get(f"/api/v1/admin/done-messages?category_id={GRID}", headers=headers)
    assert created.json["id"] in {m["id"] for m in for_grid.json}
    for_grass = client.get("/api/v1/admin/done-messages?category_id=17", headers=headers)
    assert created.json["id"] not in {m["id"] for m in for_grass.json}
    assert any(m["title"] == "Espace vert entretenu" for m in for_grass.json)


def test_scopes(session):
    agent = auth.create_user("s1@paris.fr", None, "agent", unit_codes=["DPE-STPP-DT"])
    manager = auth.create_user("s2@paris.fr", None, "manager", direction_code="DVD")
    admin = auth.create_user("s3@paris.fr", None, "admin")
    resident = auth.create_user("s4@example.org", None, "resident")
    grass, grid = make_report(), make_report(category_id=GRID)

    def visible(user):
        return set(
            session.scalars(
                select(Report.id).where(Report.id.in_([grass.id, grid.id]), scopes.report_scope(user))
            )
        )

    assert visible(agent) == {grass.id}
    assert visible(manager) == {grid.id}
    assert visible(admin) == {grass.id, grid.id}
    assert visible(resident) == set() and visible(None) == set()
    assert scopes.can_act_on(agent, grass) and not scopes.can_act_on(agent, grid)
    assert scopes.can_act_on(manager, grid) and not scopes.can_act_on(manager, grass)
    agent.active = False
    assert visible(agent) == set() and not scopes.can_act_on(agent, grass)


def test_users_cli(app, session):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "users",
            "create",
            "cli.agent@paris.fr",
            "--role",
            "agent",
            "--password",
            "motdepasse-long",
            "--unit",
            "DPE-STPP-DT",
            "--full-name",
            "Agent CLI",
        ]
    )
    assert created.exit_code == 0, created.output
    user = session.scalar(select(User).where(User.email == "cli.agent@paris.fr"))
    assert [u.code for u in user.units] == ["DPE-STPP-DT"]
    assert auth.authenticate("cli.agent@paris.fr", "motdepasse-long").id == user.id
    bad = runner.invoke(args=["users", "create", "x@paris.fr", "--password", "p", "--unit", "NOPE"])
    assert bad.exit_code != 0 and "NOPE" in bad.output
    listed = runner.invoke(args=["users", "list", "--role", "agent"])
    assert "cli.agent@paris.fr" in listed.output and "DPE-STPP-DT" in listed.output
    token = auth.issue_token(user)
    disabled = runner.invoke(args=["users", "disable", "cli.agent@paris.fr"])
    assert disabled.exit_code == 0
    assert auth.resolve_token(token) is None


def test_catalogues_seed_cli_is_idempotent(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogues", "seed"])
    assert result.exit_code == 0 and "added 0 reasons, 0 messages" in result.output
