from sqlalchemy import func, select

from dansmarue.models import (
    Category,
    ConseilQuartier,
    District,
    Quartier,
    Sector,
    SpecialPerimeter,
    Unit,
)
from dansmarue.refdata import loader


def test_reference_counts(session):
    def count(model):
        return session.scalar(select(func.count()).select_from(model))

    assert count(District) == 20
    assert count(Quartier) == 80
    # 2017 set minus the 14 conseils of arrondissements 1-4, plus the 7 of 2020.
    assert count(ConseilQuartier) == 114
    assert count(SpecialPerimeter) == 2
    types = session.scalars(select(Category).where(Category.parent_id.is_(None))).all()
    assert len(types) == 10
    leaves = session.scalars(select(Category).where(Category.is_leaf)).all()
    assert len([c for c in leaves if not c.out_of_scope]) == 237
    assert all(c.unit_id for c in leaves)


def test_paris_centre_groups_first_four(session):
    groups = dict(session.execute(select(District.id, District.group_name)).all())
    assert {d for d, g in groups.items() if g == "Paris Centre"} == {1, 2, 3, 4}


def test_directions_are_roots_with_sectors(session):
    dpe = session.scalar(select(Unit).where(Unit.code == "DPE"))
    ramen = session.scalar(select(Unit).where(Unit.open_data_name == "Ramen"))
    assert dpe.parent_id is None and ramen.parent_id == dpe.id
    assert ramen.kind == "contractor" and ramen.direction_id == dpe.id
    # One seed sector per territorial entity: Paris Centre + 5th..20th.
    assert len(ramen.sectors) == 17
    assert session.scalar(select(func.count()).select_from(Sector)) == 17 * 11


def test_flags_from_real_labels(session):
    leaves = {c.label: c for c in session.scalars(select(Category).where(Category.is_leaf))}
    assert leaves["[] Automobile ou autre véhicule motorisé en stationnement gênant U2"].agent_only
    assert leaves["Automobile ou autre véhicule motorisé en stationnement gênant"].sensitive_photo
    graffiti = [c for c in leaves.values() if c.top_level.label.startswith("Graffitis")]
    assert graffiti and all(c.public_max_age_days == 90 for c in graffiti)
    assert leaves["Nuisances sonores de voisinage"].out_of_scope_message


def test_agent_only_marks_after_the_group_name(session):
    """'[]' or '[Réservé …]' after 'Group : ' marks an agent-only leaf too (41 of them)."""
    leaves = {c.label: c for c in session.scalars(select(Category).where(Category.is_leaf))}
    assert leaves["Autres problèmes d'animaux et d'insectes : [] Rats sortant des égouts"].agent_only
    reserved = [c for label, c in leaves.items() if label.startswith("Pied d'arbre : [Réservé")]
    assert reserved and all(c.agent_only for c in reserved)
    assert sum(c.agent_only for c in leaves.values()) == 95
    assert not leaves["Automobile ou autre véhicule motorisé en stationnement gênant"].agent_only


def test_load_is_idempotent(session):
    before = session.scalar(select(func.count()).select_from(Category))
    loader.load_all()
    assert session.scalar(select(func.count()).select_from(Category)) == before
    assert session.scalar(select(func.count()).select_from(District)) == 20
