"""Readers of the files in `data/`: plain Python values, no database."""

import csv
import os
import re
from dataclasses import dataclass

from geo import load_features, repair_polygonal

DATA_DIR = os.environ.get(
    "DANSMARUE_DATA_DIR",
    os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data"),
)


def path(name: str) -> str:
    return os.path.join(DATA_DIR, name)


def features(name: str) -> list[tuple[dict, str]]:
    """(properties, repaired MultiPolygon as WKB hex) for each feature of a file."""
    items = []
    for feature in load_features(path(name)):
        geometry, report = repair_polygonal(feature.geometry)
        if geometry is None:
            raise ValueError(f"{name}: unusable geometry ({report.reason})")
        items.append((feature.properties, geometry.wkb_hex))
    return items


def csv_rows(name: str, delimiter: str = ",") -> list[dict]:
    with open(path(name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@dataclass(frozen=True)
class CategorySeed:
    type_label: str
    label: str
    unit_name: str  # the open data's intervenant
    agent_only: bool
    sensitive_photo: bool
    skip_qualification: bool
    default_priority: int
    public_max_age_days: int
    out_of_scope_message: str | None = None

    @property
    def open_data_label(self) -> str:
        return f"{self.type_label}:{self.label}"


GRAFFITI_TYPE = "Graffitis, tags, affiches et autocollants"
BULKY_TYPE = "Objets abandonnés"
# "[]" or "[Réservé …]" at the start of a leaf's own name, which may follow its
# group's name ("Pied d'arbre : [Réservé DPE-STPP-DT] …"), marks an agent-only leaf.
AGENT_ONLY_MARK = re.compile(r"^(?:[^\[]*? : )?\[(?:\]|réservé\b)", re.IGNORECASE)


def is_agent_only_label(label: str) -> bool:
    return AGENT_ONLY_MARK.match(label) is not None


DANGER_WORDS = (
    "dangereu",
    "carrefour éteint",
    "fils électriques apparents",
    "écoulement d'eau permanent",
    "important débordement",
)


def category_seeds() -> list[CategorySeed]:
    """The 237 real leaves, plus documented out-of-scope leaves."""
    seeds = []
    for row in csv_rows("dmr_categories_2023_2024.csv") + csv_rows("categories_extra.csv"):
        label, type_label = row["soustype"], row["type"]
        lowered = label.lower()
        seeds.append(
            CategorySeed(
                type_label=type_label,
                label=label,
                unit_name=row["intervenant"],
                agent_only=is_agent_only_label(label),
                # Illegal parking photos show licence plates.
                sensitive_photo="stationnement gênant" in lowered,
                skip_qualification=type_label == BULKY_TYPE and row["intervenant"] == "Ramen",
                default_priority=1 if any(w in lowered for w in DANGER_WORDS) else 2,
                public_max_age_days=90 if type_label == GRAFFITI_TYPE else 30,
                out_of_scope_message=row.get("out_of_scope_message") or None,
            )
        )
    return seeds
