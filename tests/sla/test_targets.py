"""SLA targets: the seed CSV covers every real category; resolution rules."""

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dansmarue.sla.calendar import BusinessCalendar, Target
from dansmarue.sla.targets import (
    DEFAULT_PATH,
    PRIORITIES,
    TargetsFileError,
    UnknownCategoryError,
    load_targets,
    normalize_label,
    parse_targets,
    split_levels,
)

DATA = Path(__file__).resolve().parents[2] / "data"
CATEGORIES = DATA / "dmr_categories_2023_2024.csv"
PARIS = ZoneInfo("Europe/Paris")
CAL = BusinessCalendar("Europe/Paris", "FR")
# Reference creation times: weekday morning, Friday evening, Saturday, eve of a holiday.
STARTS = [
    datetime(2024, 3, 11, 10, tzinfo=PARIS),
    datetime(2024, 3, 15, 17, 30, tzinfo=PARIS),
    datetime(2024, 3, 16, 12, tzinfo=PARIS),
    datetime(2024, 4, 30, 16, tzinfo=PARIS),
]


def real_leaves():
    with open(CATEGORIES, encoding="utf-8", newline="") as handle:
        return [(row["type"], row["soustype"]) for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def table():
    return load_targets()


def test_default_path_is_the_repository_data_file():
    assert DEFAULT_PATH == DATA / "sla_targets.csv"


def test_real_category_list_is_the_expected_one():
    leaves = real_leaves()
    assert len(leaves) == 237
    assert len({t for t, _ in leaves}) == 10


@pytest.mark.parametrize("priority", [None, *PRIORITIES])
def test_every_real_leaf_resolves_to_a_target(table, priority):
    for type_label, soustype in real_leaves():
        resolved = table.resolve((type_label, soustype), priority)
        assert isinstance(resolved.resolve, Target) and isinstance(resolved.ack, Target)
        assert normalize_label(resolved.rule.type) == normalize_label(type_label)


def test_every_type_has_a_default_and_a_dangerous_row(table):
    types = {t for t, _ in real_leaves()}
    assert set(table.types) == types
    dangerous = {r.type for r in table.rules if not r.soustype and r.priority == 1}
    assert dangerous == types


def test_every_specific_row_matches_a_real_category(table):
    """Catches typos: a row that matches no leaf would silently never apply."""
    real = [(normalize_label(t), split_levels([s])) for t, s in real_leaves()]
    for rule in table.rules:
        if rule.soustype:
            key, levels = normalize_label(rule.type), split_levels([rule.soustype])
            assert any(t == key and leaf[: len(levels)] == levels for t, leaf in real), rule


def test_every_row_has_a_rationale(table):
    assert all(len(rule.rationale) > 20 for rule in table.rules)


def _due(target, start):
    return CAL.due_at(start, target)


def test_dangerous_is_never_slower_and_ack_never_after_resolution(table):
    for type_label, soustype in real_leaves():
        path = (type_label, soustype)
        by_priority = {p: table.resolve(path, p) for p in PRIORITIES}
        for start in STARTS:
            for p in PRIORITIES:
                r = by_priority[p]
                assert _due(r.ack, start) <= _due(r.resolve, start), (path, p, start)
            for kind in ("ack", "resolve"):
                dues = [_due(getattr(by_priority[p], kind), start) for p in PRIORITIES]
                assert dues == sorted(dues), (path, kind, start)


def test_seed_values_from_the_brief(table):
    bulky = table.resolve(("Objets abandonnés", "Autres objets encombrants abandonnés"), 2)
    assert (bulky.ack, bulky.resolve) == (Target(4, "hours"), Target(2, "business_days"))
    assert table.resolve(("Objets abandonnés", "Chariot de supermarché"), 1).resolve == Target(24, "hours")
    graffiti = (
        "Graffitis, tags, affiches et autocollants",
        "Graffitis et autocollants sur mur, façade sur rue, pont et descente d'eau pluviale",
    )
    assert table.resolve(graffiti, 3).resolve == Target(10, "business_days")
    assert table.resolve("Éclairage / Électricité", 2).resolve == Target(5, "business_days")


def test_real_labels_with_odd_spacing_resolve_to_their_leaf_row(table):
    rule = table.resolve(("Voirie et espace public", "Feux tricolores  : Carrefour éteint"), 2).rule
    assert rule.soustype == "Feux tricolores : Carrefour éteint"
    node = table.resolve(("Voirie et espace public", "Marquage au sol  effacé  : Marquage routier")).rule
    assert node.soustype == "Marquage au sol effacé"


# -- resolution rules on a small table ------------------------------------------

HEADER = "type,soustype,priority,ack_amount,ack_unit,resolve_amount,resolve_unit,rationale\n"
SMALL = HEADER + (
    "Voirie,,,1,business_days,20,business_days,type default\n"
    "Voirie,,1,2,hours,24,hours,type dangerous\n"
    "Voirie,Feux,,4,hours,2,business_days,node\n"
    "Voirie,Feux : Carrefour éteint,,1,hours,4,hours,leaf\n"
    "Voirie,Feux : Carrefour éteint,1,1,hours,2,hours,leaf dangerous\n"
    "Voirie,Trottoirs : Trou,3,1,business_days,30,business_days,leaf minor\n"
)


@pytest.fixture()
def small():
    return parse_targets(SMALL.splitlines(keepends=True))


@pytest.mark.parametrize(
    "path, priority, expected",
    [
        (("Voirie", "Feux : Carrefour éteint"), 1, "leaf dangerous"),
        (("Voirie", "Feux : Carrefour éteint"), 2, "leaf"),
        (("Voirie", "Feux : Carrefour éteint"), None, "leaf"),
        (("Voirie", "Feux : Lampe cassée"), 2, "node"),
        (("Voirie", "Feux : Lampe cassée"), 1, "type dangerous"),  # priority beats category depth
        (("Voirie", "Trottoirs : Trou"), 3, "leaf minor"),
        (("Voirie", "Trottoirs : Trou"), 2, "type default"),
        (("Voirie", "Trottoirs : Trou"), 1, "type dangerous"),
        (("Voirie", "Catégorie inconnue"), 2, "type default"),
        (("Voirie",), 2, "type default"),
        ("Voirie", 1, "type dangerous"),
        (("Voirie", "Feux", "Carrefour éteint"), 1, "leaf dangerous"),  # levels as elements
        (("  VOIRIE ", "feux:carrefour  éteint"), 2, "leaf"),  # normalised labels
        (("Voirie", "Feux : Carrefour e\u0301teint"), 2, "leaf"),  # decomposed accent (NFD)
    ],
)
def test_resolution_order(small, path, priority, expected):
    assert small.resolve(path, priority).rule.rationale == expected


def test_unknown_type_raises(small):
    with pytest.raises(UnknownCategoryError):
        small.resolve(("Propreté", "Mégots"), 2)
    with pytest.raises(UnknownCategoryError):
        small.resolve((), 2)


@pytest.mark.parametrize("priority", [0, 4, "1"])
def test_invalid_priority_raises(small, priority):
    with pytest.raises(ValueError):
        small.resolve(("Voirie", "Feux"), priority)


@pytest.mark.parametrize(
    "text",
    [
        "type,soustype,priority\nVoirie,,\n",  # header
        HEADER + "Voirie,,,1,days,2,business_days,x\n",  # unit
        HEADER + "Voirie,,,1,hours,2.5,business_days,x\n",  # fractional days
        HEADER + "Voirie,,,0,hours,2,business_days,x\n",  # zero amount
        HEADER + "Voirie,,,abc,hours,2,business_days,x\n",  # not a number
        HEADER + "Voirie,,4,1,hours,2,business_days,x\n",  # priority
        HEADER + "Voirie,,,1,hours,2,business_days\n",  # short row
        HEADER + "Voirie,,,1,hours,2,business_days,x,extra\n",  # long row
        HEADER + ",,,1,hours,2,business_days,x\n",  # empty type
        HEADER + "Voirie,Feux,,1,hours,2,business_days,x\n",  # no type default
        HEADER + "Voirie,,,1,hours,2,business_days,x\nVOIRIE,,,1,hours,3,hours,dup\n",  # duplicate
    ],
)
def test_malformed_files_are_rejected(text):
    with pytest.raises(TargetsFileError):
        parse_targets(text.splitlines(keepends=True))


def test_load_targets_reads_a_given_path(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text(SMALL, encoding="utf-8")
    table = load_targets(path)
    assert len(table.rules) == 6
    assert table.types == ("Voirie",)
