"""The DansMaRue state machine (workflow 2) as ONE declarative table.

Each `Transition` is one action code with, per source state, the real
action id (reference §2; None where the real system resolves the state in
a task rather than with a published action), its target state, who may run
it, its parameters, and what residents see of it in the public history.

Actors: the staff roles "agent", "manager", "admin" (checked against the
user's role and scope), "resident" (the reporter, see
`services.resolution`), and the internal callers "contractor" (callbacks)
and "system" (creation, dispatch, daemons), which call `perform` with
actor=None. Action 84 ends a watch by going back to the initial state; the
automatic creation action (27) then follows at once (`then`).

Real daemon ids: 91 = retry of a failed send (send_failed -> transferred),
93 / 94 = the scheduled day notification (no state change); 92 (daemon
"service done") is the `done` action run by the system.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dansmarue.workflow.states import STATES

STAFF = ("agent", "manager", "admin")
MANAGERS = ("manager", "admin")  # staff who read every figure (stats, dashboard)
INTERNAL = ("contractor", "system")


@dataclass(frozen=True)
class Transition:
    code: str
    label: str  # French, as shown to agents
    sources: Mapping[str, int | None]  # from state -> real action id
    to_state: str | None  # None: the state does not change
    roles: tuple[str, ...]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()  # at least one of these parameters
    public: bool = False
    public_message: str | None = None  # French, may use {date}, {reference}
    mass: bool = False  # offered in mass actions
    then: str | None = None  # automatic follow-up action

    def real_id(self, from_state: str) -> int | None:
        return self.sources.get(from_state)

    @property
    def params(self) -> tuple[str, ...]:
        return self.required + self.one_of + self.optional + ("comment",)


DONE_SOURCES = {
    "new": 41,
    "to_process": 18,
    "scheduled": 22,
    "field_todo": 49,
    "office_todo": 53,
    "transferred": 62,
    "contractor_scheduled": 70,
    "send_failed": 86,
}
OPEN_SOURCES = {code: None for code, s in STATES.items() if not s.closed}

TABLE: tuple[Transition, ...] = (
    # --- system: creation and dispatch (state 19 resolution) ---
    Transition("create", "Création", {"initial": 27}, "verification", INTERNAL),
    Transition("route_to_unit", "Affectation au service", {"verification": None}, "new", INTERNAL),
    Transition(
        "route_to_process",
        "Affectation directe (encombrants)",
        {"verification": None},
        "to_process",
        INTERNAL,
    ),
    Transition(
        "send_to_contractor",
        "Envoi au prestataire",
        {"verification": None, "send_failed": 91},
        "transferred",
        INTERNAL,
    ),
    Transition(
        "send_failed", "Échec d'envoi au prestataire", {"verification": None}, "send_failed", INTERNAL
    ),
    Transition("retry_send", "Relancer l'envoi", {"send_failed": 85}, "verification", STAFF + INTERNAL),
    # --- qualification ---
    Transition(
        "take_charge",
        "Prendre en charge",
        {"new": 13, "under_watch": 77},
        "to_process",
        STAFF,
        public=True,
        mass=True,
        public_message="Votre signalement a été pris en charge par le service compétent.",
    ),
    Transition(
        "to_field", "À faire terrain", {"new": 46, "to_process": 56, "office_todo": 55}, "field_todo", STAFF
    ),
    Transition(
        "to_office", "À faire bureau", {"new": 47, "to_process": 57, "field_todo": 51}, "office_todo", STAFF
    ),
    # --- scheduling ---
    Transition(
        "schedule",
        "Programmer",
        {"new": 40, "to_process": 17, "field_todo": 48, "office_todo": 52, "under_watch": 83},
        "scheduled",
        STAFF,
        required=("date",),
        public=True,
        mass=True,
        public_message="Une intervention est programmée le {date}.",
    ),
    Transition(
        "reschedule",
        "Reprogrammer",
        {"scheduled": 29},
        "scheduled",
        STAFF,
        required=("date",),
        public=True,
        public_message="L'intervention est reprogrammée au {date}.",
    ),
    Transition("unschedule", "Annuler la programmation", {"scheduled": 23}, "new", STAFF),
    Transition(
        "notify_scheduled_day",
        "Jour d'intervention",
        {"scheduled": 93, "contractor_scheduled": 94},
        None,
        ("system",),
    ),
    # --- closing ---
    Transition(
        "done",
        "Service fait",
        DONE_SOURCES,
        "done",
        (*STAFF, "resident", *INTERNAL),
        optional=("message_id", "message", "photo"),
        public=True,
        public_message="Le service a été fait.",
        mass=True,
    ),
    Transition(
        "mark_duplicate",
        "Doublon",
        DONE_SOURCES,
        "done",
        STAFF,
        required=("duplicate_of",),
        public=True,
        public_message="Ce signalement fait doublon avec le signalement {reference}, "
        "qui est suivi à sa place.",
    ),
    Transition(
        "reject",
        "Rejeter",
        {"new": 16, "to_process": 21, "transferred": 64, "contractor_scheduled": 71},
        "rejected",
        (*STAFF, "contractor"),
        one_of=("reason_id", "reason"),
        public=True,
        public_message="Votre signalement n'a pas pu être traité : {reason}",
        mass=True,
    ),
    Transition("archive", "Archiver", {"rejected": 38, "done": 39}, "archived", ("admin", "system")),
    # --- requalification, watch, third parties ---
    Transition(
        "to_requalify",
        "À requalifier",
        {
            "new": 42,
            "to_process": 43,
            "scheduled": 44,
            "field_todo": 50,
            "office_todo": 54,
            "under_watch": 82,
            "transferred": 63,
            "contractor_scheduled": 73,
        },
        "to_requalify",
        (*STAFF, "contractor"),
    ),
    Transition(
        "requalify",
        "Requalifier",
        {"new": 14, "to_process": 75, "to_requalify": 45, "contractor_scheduled": 79},
        "verification",
        (*STAFF, "system"),
        one_of=("category_id", "latitude", "longitude"),
        optional=("address",),
        mass=True,
    ),
    Transition(
        "watch",
        "Mettre sous surveillance",
        {"new": 76, "to_process": 80, "to_requalify": 81},
        "under_watch",
        STAFF,
    ),
    Transition("end_watch", "Fin de surveillance", {"under_watch": 84}, "initial", STAFF, then="create"),
    Transition(
        "transfer",
        "Transférer à un tiers",
        {"new": None, "to_process": None, "field_todo": None, "office_todo": None},
        "transferred",
        STAFF,
        required=("third_party",),
        public=True,
        public_message="Votre signalement a été transmis à {third_party}, " "compétent pour le traiter.",
    ),
    Transition("recall", "Reprendre au tiers", {"transferred": 78}, "new", STAFF),
    Transition(
        "contractor_schedule",
        "Programmation prestataire",
        {"transferred": 68, "contractor_scheduled": 72},
        "contractor_scheduled",
        STAFF + INTERNAL,
        optional=("date",),
        public=True,
        public_message="Une intervention est programmée.",
    ),
    # --- no state change ---
    Transition("comment", "Commentaire interne", OPEN_SOURCES, None, STAFF, required=("comment",)),
)

TRANSITIONS: dict[str, Transition] = {t.code: t for t in TABLE}
MASS_ACTIONS = tuple(t.code for t in TABLE if t.mass)
ACTOR_KINDS = (*STAFF, "resident", *INTERNAL)


def allowed_from(state: str, kind: str | None = None) -> list[str]:
    """Codes of the actions possible from `state` (for an actor kind, if given)."""
    return [t.code for t in TABLE if state in t.sources and (kind is None or kind in t.roles)]


def check_table(table: Sequence[Transition] | None = None) -> None:
    """Raise ValueError for a row naming an unknown state, role or follow-up."""
    table = TABLE if table is None else table
    codes = {x.code for x in table}
    for t in table:
        unknown = [s for s in t.sources if s not in STATES]
        if (
            unknown
            or (t.to_state is not None and t.to_state not in STATES)
            or not set(t.roles) <= set(ACTOR_KINDS)
            or (t.then is not None and t.then not in codes)
        ):
            raise ValueError(f"transition {t.code}: unknown state, role or follow-up")


check_table()
