"""Default French texts of the agents' catalogues (migration 0004 and `flask catalogues seed`)."""

OUT_OF_COMPETENCE = "Le signalement ne relève pas de la compétence de {authority}."
OTHER_REASONS = (
    "L'anomalie n'a pas été constatée sur place.",
    "L'adresse ou la localisation est trop imprécise pour intervenir.",
    "Le signalement concerne un espace privé (copropriété, cour, parking privé).",
    "Le signalement fait doublon avec un autre signalement déjà traité.",
    "L'intervention relève d'un concessionnaire ou d'un opérateur extérieur.",
    "Les photos ne permettent pas d'identifier l'anomalie.",
    "L'anomalie est déjà programmée dans le cadre de travaux prévus.",
    "Le contenu du signalement est inapproprié.",
)


def rejection_reasons(authority: str) -> tuple[str, ...]:
    """The default reasons, naming the city's authority ("la Ville de Paris")."""
    return (OUT_OF_COMPETENCE.format(authority=authority), *OTHER_REASONS)


REJECTION_REASONS = rejection_reasons("la Ville de Paris")  # what migration 0004 seeded

# (title, message) offered for every category.
GENERIC_DONE_MESSAGES = (
    (
        "Intervention réalisée",
        "Nos services sont intervenus et l'anomalie que vous avez signalée a été traitée. "
        "Merci pour votre signalement.",
    ),
    (
        "Anomalie non constatée",
        "Nos agents se sont rendus sur place mais n'ont pas constaté l'anomalie signalée. "
        "N'hésitez pas à nous faire un nouveau signalement si elle réapparaît.",
    ),
    (
        "Déjà traité",
        "Cette anomalie avait déjà été signalée et a été traitée par nos services. "
        "Merci de votre vigilance.",
    ),
)

# Top-level category label -> (title, message).
CATEGORY_DONE_MESSAGES = {
    "Graffitis, tags, affiches et autocollants": (
        "Graffitis effacés",
        "Les graffitis, tags ou affiches signalés ont été retirés et la surface a été nettoyée.",
    ),
    "Objets abandonnés": (
        "Objets enlevés",
        "Les objets abandonnés que vous avez signalés ont été enlevés par nos services.",
    ),
    "Propreté": (
        "Nettoyage effectué",
        "Le lieu signalé a été nettoyé par les équipes de propreté de votre arrondissement.",
    ),
    "Voirie et espace public": (
        "Voirie remise en état",
        "Le revêtement ou l'équipement de voirie signalé a été réparé ou sécurisé.",
    ),
    "Éclairage / Électricité": (
        "Éclairage réparé",
        "Le point lumineux signalé a été réparé et fonctionne à nouveau.",
    ),
    "Mobiliers urbains": (
        "Mobilier réparé",
        "Le mobilier urbain signalé a été réparé, remplacé ou sécurisé.",
    ),
    "Arbres, végétaux et animaux": (
        "Espace vert entretenu",
        "Les jardiniers de la Ville sont intervenus sur les végétaux ou l'arbre signalé.",
    ),
    "Eau": ("Fuite traitée", "La fuite ou l'écoulement d'eau signalé a été arrêté par nos services."),
    "Autos, motos, vélos, trottinettes...": (
        "Véhicule traité",
        "Le véhicule ou l'engin signalé a été verbalisé, déplacé ou enlevé.",
    ),
    "Activités commerciales et professionnelles": (
        "Contrôle effectué",
        "Un contrôle a été effectué auprès de l'établissement concerné.",
    ),
}
