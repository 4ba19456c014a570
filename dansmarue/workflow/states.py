"""The real DansMaRue states (workflow 2), with their public labels.

Ids are the real system's, kept for the mobile API and exports.
"""

from dataclasses import dataclass

RECEIVED = "Reçu"
OPEN = "Ouvert"
IN_PROGRESS = "En cours"
CLOSED = "Clos"
IMPOSSIBLE = "Traitement impossible"


@dataclass(frozen=True)
class State:
    code: str
    real_id: int
    label: str  # back-office label
    public_label: str
    mobile_letter: str
    public: bool  # shown on the public map and nearby lists
    closed: bool  # resolution reached (service done, rejected, archived)
    # FixMyStreet's extended Open311 vocabulary (`Open311.pm` map_state): every
    # state must name one, so no adapter map can miss a state.
    open311_status: str


STATES: dict[str, State] = {
    s.code: s
    for s in (
        State("initial", 13, "État initial", RECEIVED, "O", True, False, "OPEN"),
        State("verification", 19, "Vérification prestataire", RECEIVED, "O", True, False, "INVESTIGATING"),
        State("new", 7, "Nouveau", RECEIVED, "O", True, False, "OPEN"),
        State("to_requalify", 15, "À requalifier", RECEIVED, "ONR", True, False, "FOR_TRIAGE"),
        State("to_process", 8, "À traiter", OPEN, "U", True, False, "IN_PROGRESS"),
        State("field_todo", 16, "À faire terrain", OPEN, "O", True, False, "IN_PROGRESS"),
        State("office_todo", 17, "À faire bureau", OPEN, "O", True, False, "IN_PROGRESS"),
        State("scheduled", 9, "Service programmé", IN_PROGRESS, "U", True, False, "ACTION_SCHEDULED"),
        State("under_watch", 22, "Sous surveillance", IN_PROGRESS, "R", False, False, "INVESTIGATING"),
        State("transferred", 18, "Transféré à un tiers", OPEN, "O", True, False, "INTERNAL_REFERRAL"),
        State(
            "contractor_scheduled",
            21,
            "Service programmé tiers",
            IN_PROGRESS,
            "U",
            True,
            False,
            "ACTION_SCHEDULED",
        ),
        State("send_failed", 20, "Échec d'envoi par WS", OPEN, "ONR", True, False, "IN_PROGRESS"),
        State("done", 10, "Service fait", CLOSED, "R", False, True, "FIXED"),
        State("rejected", 11, "Rejeté", IMPOSSIBLE, "R", False, True, "NO_FURTHER_ACTION"),
        State("archived", 12, "Archivé", CLOSED, "R", False, True, "CLOSED"),
    )
}

STATE_CODES = tuple(STATES)
PUBLIC_STATES = tuple(code for code, s in STATES.items() if s.public)
OPEN_STATES = tuple(code for code, s in STATES.items() if not s.closed)
CLOSED_STATES = tuple(code for code, s in STATES.items() if s.closed)


def public_label(code: str) -> str:
    return STATES[code].public_label
