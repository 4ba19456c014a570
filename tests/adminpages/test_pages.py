"""The admin pages through the real cookie session (#13.2): each operation is
made, writes an audit entry, and bad input is refused field by field in
French, with what the admin typed kept and the database unchanged."""

import pytest
from flask import g
from sqlalchemy import func, select

from dansmarue.access import auth
from dansmarue.catalogue import categories as catalogue
from dansmarue.models import Category, PasswordReset, Sector, SlaTarget, Unit, User
from dansmarue.models.audit import AuditEntry
from tests.adminpages.conftest import CSRF

GRASS = 17  # "Herbes éparses" -> DPE-STPP-DT
HOTEL_DE_VILLE = (2.3522, 48.8566)

PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/units/1",
    "/admin/categories",
    "/admin/categories/new",
    f"/admin/categories/{GRASS}",
    "/admin/sla-targets",
    "/admin/sla-targets/new",
    "/admin/texts",
    "/admin/rejection-reasons",
    "/admin/rejection-reasons/new",
    "/admin/done-messages",
    "/admin/done-messages/new",
    "/admin/requalification-rules",
    "/admin/requalification-rules/new",
    "/admin/sectors",
    "/admin/sectors/new",
    "/admin/preview",
    "/admin/audit",
]


def post(client, url, data, **kwargs):
    return client.post(url, data={**data, "csrf_token": CSRF}, **kwargs)


def audits(session, entity: str, entity_id=None) -> int:
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    return session.scalar(query) or 0


def text(answer) -> str:
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_an_admin(web, path):
    answer = web.get(path)
    assert answer.status_code == 200, text(answer)[:500]
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert "<script>" not in text(answer) and "style=" not in text(answer)


def test_a_post_without_the_csrf_token_is_refused(web, session):
    answer = web.post("/admin/users/new", data={"email": "sans.jeton@example.org", "role": "agent"})
    assert answer.status_code == 403 and "Formulaire expiré" in text(answer)
    assert session.scalar(select(User).where(User.email == "sans.jeton@example.org")) is None


def test_create_a_user_mails_the_one_time_link(web, session, admin):
    form = {"email": "Nouvel.Agent@example.org", "role": "agent", "unit_codes": "DPE-STPP-DT"}
    answer = post(web, "/admin/users/new", {**form, "full_name": "Nouvel Agent", "send_reset_link": "on"})
    assert answer.status_code == 302, text(answer)[:800]
    user = session.scalar(select(User).where(User.email == "nouvel.agent@example.org"))
    assert user.password_hash is None and [u.code for u in user.units] == ["DPE-STPP-DT"]
    assert session.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id)) is not None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_id == str(user.id)))
    assert entry.action == "create" and entry.actor_id == admin.id
    assert "Nouvel Agent" in text(web.get(answer.headers["Location"]))


def test_bad_user_input_is_refused_field_by_field(web, session):
    before = session.scalar(select(func.count()).select_from(User))
    answer = post(web, "/admin/users/new", {"email": "pas-une-adresse", "role": "chef", "full_name": "Gardé"})
    page = text(answer)
    assert answer.status_code == 422
    assert 'id="err-email">Adresse e-mail invalide.' in page and 'id="err-role">Valeur non autorisée' in page
    assert 'value="pas-une-adresse"' in page and 'value="Gardé"' in page
    duplicate = post(web, "/admin/users/new", {"email": "admin.pages@example.org", "role": "agent"})
    assert duplicate.status_code == 409 and 'id="err-email">Un compte existe déjà' in text(duplicate)
    unknown_unit = post(
        web, "/admin/users/new", {"email": "x.y@example.org", "role": "agent", "unit_codes": "NOPE"}
    )
    assert unknown_unit.status_code == 422 and "NOPE" in text(unknown_unit)
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_edit_disable_enable_reset_and_logout_a_user(web, session, admin):
    user = auth.create_user("agent.edit@example.org", None, "agent", unit_codes=["DPE-STPP-DT"])
    token = auth.issue_token(user)
    url = f"/admin/users/{user.id}"
    edited = post(web, url, {"full_name": "Responsable DPE", "role": "manager", "direction_code": "DPE"})
    assert edited.status_code == 302, text(edited)[:800]
    session.refresh(user)
    assert user.role == "manager" and user.full_name == "Responsable DPE" and user.units == []
    assert post(web, f"{url}/logout", {}).status_code == 302
    assert auth.resolve_token(token) is None
    assert post(web, f"{url}/password-reset", {}).status_code == 302
    assert post(web, f"{url}/disable", {}).status_code == 302
    session.refresh(user)
    assert not user.active
    assert post(web, f"{url}/enable", {}).status_code == 302
    session.refresh(user)
    assert user.active
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))))
    assert {"update", "force_logout", "password_reset_requested", "disable", "enable"} <= actions

    refused = post(web, url, {"full_name": "Autre", "role": "agent", "unit_codes": "NOPE"})
    assert refused.status_code == 422 and 'value="Autre"' in text(refused)
    session.expire_all()
    assert session.get(User, user.id).full_name == "Responsable DPE"
    myself = post(web, f"/admin/users/{admin.id}/disable", {})
    assert myself.status_code == 409 and "propre compte" in text(myself)
    session.refresh(admin)
    assert admin.active


def test_user_search_and_pagination(web, session):
    for n in range(30):
        auth.create_user(f"cherche.{n:02d}@example.org", None, "agent", unit_codes=["DVD-STV"])
    first = text(web.get("/admin/users?q=cherche.&unit_code=DVD-STV&role=agent"))
    assert "cherche.00@example.org" in first and "cherche.29@example.org" not in first
    assert "Page 1 sur 2 (30 résultats)" in first
    second = text(web.get("/admin/users?q=cherche.&unit_code=DVD-STV&role=agent&page=2"))
    assert "cherche.29@example.org" in second and "cherche.00@example.org" not in second
    assert "Page 1 sur 2" in text(web.get("/admin/users?q=cherche.&page=%C2%B2"))  # "²" is no number
    refused = web.get("/admin/users?role=chef")
    assert refused.status_code == 422 and "Valeur non autorisée" in text(refused)


def test_units_create_rename_move_secret_and_refusals(web, session):
    dpe = session.scalar(select(Unit).where(Unit.code == "DPE"))
    form = {
        "code": "DPE-TEST",
        "label": "Service de test",
        "kind": "service",
        "parent_id": dpe.id,
        "active": "on",
    }
    created = post(web, "/admin/units/new", form)
    assert created.status_code == 302, text(created)[:800]
    unit = session.scalar(select(Unit).where(Unit.code == "DPE-TEST"))
    secret = "s3cret-du-prestataire-42"
    changed = post(
        web,
        f"/admin/units/{unit.id}",
        {
            **form,
            "label": "Service renommé",
            "webhook_url": "https://prestataire.example/hook",
            "webhook_secret": secret,
        },
    )
    assert changed.status_code == 302, text(changed)[:800]
    session.refresh(unit)
    assert unit.label == "Service renommé" and unit.webhook_secret == secret
    page = text(web.get(f"/admin/units/{unit.id}"))
    assert secret not in page and "Secret du web hook : enregistré" in page
    kept = post(web, f"/admin/units/{unit.id}", {**form, "label": "Service renommé"})  # empty secret: kept
    assert kept.status_code == 302
    session.refresh(unit)
    assert unit.webhook_secret == secret
    assert audits(session, "unit", unit.id) == 3

    bad = post(
        web, f"/admin/units/{unit.id}", {**form, "webhook_url": "pas une url", "webhook_secret": "court"}
    )
    assert bad.status_code == 422
    assert "Adresse web (URL) invalide." in text(bad) and 'id="err-webhook_secret"' in text(bad)
    loop = post(
        web,
        f"/admin/units/{dpe.id}",
        {"code": "DPE", "label": dpe.label, "parent_id": unit.id, "active": "on"},
    )
    assert loop.status_code == 422 and "sous elle-même" in text(loop)
    duplicate = post(web, "/admin/units/new", {**form, "code": "DPE"})
    assert duplicate.status_code == 409 and 'id="err-code">Une unité porte déjà ce code.' in text(duplicate)
    session.expire_all()
    assert session.get(Unit, dpe.id).parent_id is None and audits(session, "unit", unit.id) == 3


def test_rename_a_category_bumps_the_catalogue_version(web, session):
    version = catalogue.version()
    category = session.get(Category, GRASS)
    form = {
        "label": "Herbes folles",
        "parent_id": category.parent_id,
        "unit_id": category.unit_id,
        "active": "on",
    }
    answer = post(web, f"/admin/categories/{GRASS}", form)
    assert answer.status_code == 302, text(answer)[:800]
    assert catalogue.version() > version
    assert session.get(Category, GRASS).label == "Herbes folles"
    page = text(web.get(answer.headers["Location"]))
    assert f"Version du catalogue : {catalogue.version()}" in page
    assert audits(session, "category", GRASS) >= 1
    listed = web.get("/api/v1/categories").get_data(as_text=True)
    assert "Herbes folles" in listed

    before = catalogue.version()
    bad = post(web, f"/admin/categories/{GRASS}", {**form, "label": "x", "public_max_age_days": "beaucoup"})
    assert bad.status_code == 422
    assert "caractères ou éléments." in text(bad) and "Nombre entier attendu." in text(bad)
    assert 'value="beaucoup"' in text(bad)
    session.expire_all()
    assert session.get(Category, GRASS).label == "Herbes folles" and catalogue.version() == before


def test_sla_targets_create_edit_delete(web, session):
    form = {"category_id": GRASS, "priority": "1", "ack_amount": "2", "ack_unit": "hours"}
    form |= {"resolve_amount": "3", "resolve_unit": "business_days"}
    existing = session.scalar(
        select(SlaTarget).where(SlaTarget.category_id == GRASS, SlaTarget.priority == 1)
    )
    if existing is not None:
        session.delete(existing)
        session.flush()
    created = post(web, "/admin/sla-targets/new", form)
    assert created.status_code == 302, text(created)[:800]
    target = session.scalar(select(SlaTarget).where(SlaTarget.category_id == GRASS, SlaTarget.priority == 1))
    twice = post(web, "/admin/sla-targets/new", form)
    assert twice.status_code == 409 and 'id="err-priority">Un délai existe déjà' in text(twice)
    assert post(web, f"/admin/sla-targets/{target.id}", {**form, "resolve_amount": "5"}).status_code == 302
    session.refresh(target)
    assert float(target.resolve_amount) == 5
    bad = post(web, f"/admin/sla-targets/{target.id}", {**form, "ack_amount": "-1", "ack_unit": "semaines"})
    assert bad.status_code == 422 and 'id="err-ack_amount"' in text(bad) and 'id="err-ack_unit"' in text(bad)
    session.expire_all()
    assert float(session.get(SlaTarget, target.id).ack_amount) == 2
    listed = text(web.get(f"/admin/sla-targets?category_id={GRASS}"))
    assert f"/admin/sla-targets/{target.id}" in listed
    assert post(web, f"/admin/sla-targets/{target.id}/delete", {}).status_code == 302
    assert session.get(SlaTarget, target.id) is None
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "sla_target")))
    assert {"create", "update", "delete"} <= actions


def test_rejection_reasons_done_messages_and_rules(web, session):
    created = post(
        web, "/admin/rejection-reasons/new", {"label": "Doublon d'un autre signalement", "active": "on"}
    )
    assert created.status_code == 302, text(created)[:800]
    reason_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edited = post(web, f"/admin/rejection-reasons/{reason_id}", {"label": "Doublon", "sort_order": "3"})
    assert edited.status_code == 302
    short = post(web, f"/admin/rejection-reasons/{reason_id}", {"label": "ab"})
    assert short.status_code == 422 and "caractères ou éléments." in text(short)
    assert post(web, f"/admin/rejection-reasons/{reason_id}/delete", {}).status_code == 302
    assert audits(session, "rejection_reason", reason_id) == 3

    message = post(web, "/admin/done-messages/new", {"title": "Nettoyé", "message": "Le lieu a été nettoyé."})
    assert message.status_code == 302, text(message)[:800]
    missing = post(web, "/admin/done-messages/new", {"title": "Sans texte"})
    assert missing.status_code == 422 and 'id="err-message">Champ obligatoire' in text(missing)

    units = {u.code: u.id for u in session.scalars(select(Unit))}
    rule = {"source_unit_id": units["DPE-STPP-DT"], "target_unit_id": units["DVD-STV"], "active": "on"}
    made = post(web, "/admin/requalification-rules/new", rule)
    assert made.status_code == 302, text(made)[:800]
    bad = post(web, "/admin/requalification-rules/new", {**rule, "target_unit_id": "999999"})
    assert bad.status_code == 422


def _square(lon: float, lat: float, half: float = 0.002) -> str:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return '{"type": "Polygon", "coordinates": [' + str([*ring, ring[0]]) + "]}"


def _covering(page: str) -> str:
    return (
        page.split("<dt>Secteurs couvrant ce point</dt>")[-1].split("</dd>")[0]
        if "<dt>Secteurs" in page
        else ""
    )


def test_replace_a_sector_polygon_changes_the_routing_preview(web, session):
    preview = f"/admin/preview?category_id={GRASS}&latitude={HOTEL_DE_VILLE[1]}&longitude={HOTEL_DE_VILLE[0]}"
    before = web.get(preview)
    assert before.status_code == 200 and "DPE-STPP-DT" in text(before)
    sector = session.scalar(select(Sector).where(Sector.number == "DPE-00"))
    assert f">{sector.name}" in text(before)
    trail = audits(session, "sector", sector.id)
    elsewhere = (2.3000, 48.8700)  # 8e
    page = text(web.get(f"/admin/sectors/{sector.id}"))
    assert '<g class="sector-shape"' in page
    replaced = post(
        web, f"/admin/sectors/{sector.id}", {"name": sector.name, "geometry": _square(*elsewhere)}
    )
    assert replaced.status_code == 302, text(replaced)[:800]
    assert audits(session, "sector", sector.id) == trail + 1
    after = text(web.get(preview))  # no longer this sector: another, or the refusal
    assert f'id="r-sector">{sector.name}' not in after and sector.name not in _covering(after)
    moved = web.get(f"/admin/preview?category_id={GRASS}&latitude={elsewhere[1]}&longitude={elsewhere[0]}")
    assert sector.name in _covering(text(moved))  # the 8e's own DPE sector (smaller id) is chosen

    bad = post(web, f"/admin/sectors/{sector.id}", {"name": "Renommé", "geometry": '{"type": "Point"'})
    assert bad.status_code == 422 and "GeoJSON illisible" in text(bad) and 'value="Renommé"' in text(bad)
    deep = post(web, f"/admin/sectors/{sector.id}", {"name": "Renommé", "geometry": "[" * 5000 + "]" * 5000})
    assert deep.status_code == 422 and "GeoJSON illisible" in text(deep)
    line = post(
        web,
        f"/admin/sectors/{sector.id}",
        {"name": "Renommé", "geometry": '{"type": "LineString", "coordinates": [[2, 48], [3, 49]]}'},
    )
    assert line.status_code == 422 and "Géométrie GeoJSON invalide" in text(line)
    session.expire_all()
    assert (
        session.get(Sector, sector.id).name != "Renommé" and audits(session, "sector", sector.id) == trail + 1
    )


def test_upload_a_geojson_file_for_a_new_sector(web, session):
    import io

    feature = '{"type": "Feature", "properties": {}, "geometry": ' + _square(2.33, 48.86) + "}"
    dpe = session.scalar(select(Unit).where(Unit.code == "DPE-STPP-DT"))
    answer = post(
        web,
        "/admin/sectors/new",
        {
            "name": "Secteur déposé",
            "number": "TEST-99",
            "unit_ids": str(dpe.id),
            "geometry_file": (io.BytesIO(feature.encode()), "secteur.geojson"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, text(answer)[:800]
    sector = session.scalar(select(Sector).where(Sector.number == "TEST-99"))
    assert [u.code for u in sector.units] == ["DPE-STPP-DT"]
    assert "Secteur déposé" in text(web.get("/admin/sectors?q=déposé"))


def test_the_preview_explains_a_point_outside_the_city(web):
    answer = web.get(f"/admin/preview?category_id={GRASS}&latitude=45.76&longitude=4.83")
    assert answer.status_code == 422 and 'class="alert"' in text(answer)
    infinite = web.get(f"/admin/preview?category_id={GRASS}&latitude=48.85&longitude=inf")
    assert infinite.status_code == 422
    assert 'id="err-longitude">Les valeurs spéciales (nan, infini)' in text(infinite)
    bad = web.get(f"/admin/preview?category_id={GRASS}&latitude=nord&longitude=2.35")
    assert bad.status_code == 422 and 'id="err-latitude">Nombre attendu.' in text(bad)


def test_audit_log_filters(web, session, admin):
    user = auth.create_user("journal@example.org", None, "agent", actor=admin)
    page = text(web.get(f"/admin/audit?entity=user&entity_id={user.id}&actor_id={admin.id}"))
    assert "journal@example.org" in page and "Page 1 sur 1 (1 résultat)" in page
    assert web.get("/admin/audit?actor_id=abc").status_code == 422


@pytest.mark.parametrize(
    "path", ["/admin/users/999999", "/admin/units/99999999999", "/admin/sla-targets/0", "/admin/nulle-part"]
)
def test_unknown_things_get_the_french_404_page(web, path):
    answer = web.get(path)
    assert answer.status_code == 404 and "Retour à l'administration" in text(answer)


def test_text_the_database_cannot_hold_or_too_long_is_refused(web, session):
    nul = post(web, "/admin/rejection-reasons/new", {"label": "Motif \x00 nul"})
    assert nul.status_code == 422 and "Caractère interdit" in text(nul)
    long = post(web, "/admin/units/new", {"code": "X" * 61, "label": "Trop long", "kind": "service"})
    assert long.status_code == 422 and 'id="err-code">Entre 2 et 60 caractères ou éléments.' in text(long)
    huge = post(web, "/admin/sla-targets/new", {"category_id": "99999999999", "ack_amount": "1"})
    assert huge.status_code == 422 and 'id="err-category_id"' in text(huge)
    assert session.scalar(select(func.count()).select_from(Unit).where(Unit.label == "Trop long")) == 0


def test_a_manager_is_shown_the_403_page_and_changes_nothing(client, session):
    from tests.adminpages.conftest import sign_in

    manager = auth.create_user("chef.pages@example.org", None, "manager", direction_code="DPE")
    sign_in(client, manager)
    answer = post(client, f"/admin/categories/{GRASS}", {"label": "Piratée"})
    assert answer.status_code == 403 and "réservée aux administrateurs" in text(answer)
    assert session.get(Category, GRASS).label != "Piratée"


def test_one_session_for_the_agents_app_and_admin(client, session):
    from dansmarue.extensions import limiter

    limiter.reset()
    auth.create_user("admin.session@example.org", "un-mot-de-passe-long", "admin")
    client.get("/agent/login")
    with client.session_transaction() as cookie:
        token = cookie["web_csrf"]
    signed = client.post(
        "/agent/login",
        data={"email": "admin.session@example.org", "password": "un-mot-de-passe-long", "csrf_token": token},
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)[:300]
    g.pop("web_user", None)  # the test's app context (so its `g`) outlives each request
    assert client.get("/admin/").status_code == 200  # no second sign-in
    with client.session_transaction() as cookie:
        cookie["web_seen"] = 0  # idle far longer than WEB_SESSION_IDLE_MINUTES
    g.pop("web_user", None)
    expired = client.get("/admin/users")
    assert expired.status_code == 302 and "/admin/login" in expired.headers["Location"]


def test_an_admin_may_disable_another_admin_but_not_themself(web, session, admin):
    other = auth.create_user("autre.admin@example.org", None, "admin")
    assert post(web, f"/admin/users/{other.id}/disable", {}).status_code == 302
    session.refresh(other)
    assert not other.active
    demote = post(web, f"/admin/users/{admin.id}", {"role": "agent"})
    assert demote.status_code == 409 and "propre rôle" in text(demote)
    session.refresh(admin)
    assert admin.role == "admin"


def test_trees_and_their_searches(web, session):
    units = text(web.get("/admin/units?q=stpp"))
    found = units.split("<h2>Arbre des unités</h2>")[0]
    assert "DPE-STPP-DT" in found and "DVD-STV" not in found
    assert units.count('<ul class="tree">') == 1 and "<ul>" in units.split("<h2>Arbre des unités</h2>")[1]
    categories = text(web.get("/admin/categories?q=herbes"))
    assert f'href="/admin/categories/{GRASS}"' in categories.split("<h2>Arbre des catégories</h2>")[0]
    sectors = text(web.get("/admin/sectors?q=DPE-00"))
    assert "DPE - Paris Centre" in sectors and "DVD - Paris Centre" not in sectors
