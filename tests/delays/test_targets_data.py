"""Targets and pause states loaded as data from data/sla_targets.csv and sla_clock_states.csv."""

from sqlalchemy import text

from dansmarue.models import db
from dansmarue.refdata.sla import load_sla
from dansmarue.sla import clock


def test_every_real_leaf_has_one_default_target(session):
    missing = db.session.execute(
        text("""
        SELECT c.open_data_label FROM category c
        WHERE c.is_leaf AND NOT c.out_of_scope AND NOT EXISTS (
          SELECT 1 FROM sla_target t WHERE t.category_id = c.id AND t.priority IS NULL)""")
    ).all()
    assert missing == []
    assert db.session.execute(text("SELECT count(*) FROM sla_target WHERE priority IS NULL")).scalar() >= 237


def test_priority_rows_only_where_they_differ(session):
    same = db.session.execute(
        text("""
        SELECT count(*) FROM sla_target p JOIN sla_target d
          ON d.category_id = p.category_id AND d.priority IS NULL
        WHERE p.priority IS NOT NULL AND (p.ack_amount, p.ack_unit, p.resolve_amount, p.resolve_unit)
          = (d.ack_amount, d.ack_unit, d.resolve_amount, d.resolve_unit)""")
    ).scalar()
    assert same == 0


def test_reload_is_idempotent_and_pause_states_are_data(session):
    before = db.session.execute(text("SELECT count(*) FROM sla_target")).scalar()
    assert load_sla() == before
    assert clock.pause_states() == {"under_watch", "transferred", "contractor_scheduled"}
    db.session.execute(text("UPDATE sla_clock_state SET pauses_clock = false WHERE state = 'transferred'"))
    clock.forget()  # other processes see it within clock.CACHE_SECONDS
    assert "transferred" not in clock.pause_states()
    clock.forget()
