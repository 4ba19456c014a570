"""marshmallow's messages in French (#19.15), for every schema of the project.

marshmallow's defaults are English ("Missing data for required field.",
"Unknown field.", "Not a valid integer.", "Must be one of: …"), and residents
and agents read them in the API's 422s, Open311's errors and the apps'
answers. A field copies its class's `default_error_messages` when it is
built, and a validator reads its class's messages when it fails: replacing
those class attributes before any schema is defined gives every field and
validator, present or future, French texts without a base class to remember.
`dansmarue/__init__.py` calls `install()` first thing, so no project module
can define a schema before it. A message a schema or field sets itself
(`error=`, `error_messages=`) still wins.
"""

from marshmallow import Schema, fields, validate
from webargs import fields as webargs_fields

FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {
        "required": "Champ obligatoire.",
        "null": "Champ obligatoire : une valeur est attendue.",
        "validator_failed": "Valeur invalide.",
    },
    fields.Raw: {},
    fields.Nested: {"type": "Objet attendu."},
    fields.List: {"invalid": "Liste attendue."},
    fields.Tuple: {"invalid": "Liste de valeurs attendue."},
    fields.String: {
        "invalid": "Texte attendu.",
        "invalid_utf8": "Texte UTF-8 invalide.",
    },
    fields.UUID: {"invalid_uuid": "Identifiant UUID invalide."},
    fields.Number: {
        "invalid": "Nombre attendu.",
        "too_large": "Nombre trop grand.",
    },
    fields.Integer: {"invalid": "Nombre entier attendu."},
    fields.Float: {"special": "Les valeurs spéciales (nan, infini) ne sont pas acceptées."},
    fields.Decimal: {"special": "Les valeurs spéciales (nan, infini) ne sont pas acceptées."},
    fields.Boolean: {"invalid": "Booléen attendu (true ou false)."},
    fields.DateTime: {
        "invalid": "Date et heure invalides (format ISO 8601 attendu, ex. 2026-01-31T14:00:00Z).",
        "invalid_awareness": "Date et heure invalides : fuseau horaire incorrect.",
        "format": "« {input} » ne peut pas être écrit comme une date et heure.",
    },
    fields.NaiveDateTime: {
        "invalid_awareness": "Date et heure sans fuseau horaire attendues.",
    },
    fields.AwareDateTime: {
        "invalid_awareness": "Date et heure avec fuseau horaire attendues (ex. Z ou +01:00).",
    },
    fields.Time: {
        "invalid": "Heure invalide (format HH:MM attendu).",
        "invalid_awareness": "Heure invalide : fuseau horaire incorrect.",
        "format": "« {input} » ne peut pas être écrit comme une heure.",
    },
    fields.Date: {
        "invalid": "Date invalide (format AAAA-MM-JJ attendu).",
        "invalid_awareness": "Date invalide.",
        "format": "« {input} » ne peut pas être écrit comme une date.",
    },
    fields.TimeDelta: {
        "invalid": "Durée invalide.",
        "format": "{input!r} ne peut pas être écrit comme une durée.",
    },
    fields.Mapping: {"invalid": "Objet attendu."},
    fields.Url: {"invalid": "Adresse web (URL) invalide."},
    fields.Email: {"invalid": "Adresse e-mail invalide."},
    fields.IP: {"invalid_ip": "Adresse IP invalide."},
    fields.IPv4: {"invalid_ip": "Adresse IPv4 invalide."},
    fields.IPv6: {"invalid_ip": "Adresse IPv6 invalide."},
    fields.IPInterface: {"invalid_ip_interface": "Interface IP invalide."},
    fields.IPv4Interface: {"invalid_ip_interface": "Interface IPv4 invalide."},
    fields.IPv6Interface: {"invalid_ip_interface": "Interface IPv6 invalide."},
    fields.Enum: {"unknown": "Valeur inconnue : choisissez parmi {choices}."},
    webargs_fields.DelimitedList: {"invalid": "Liste de valeurs séparées par des virgules attendue."},
    webargs_fields.DelimitedTuple: {"invalid": "Liste de valeurs séparées par des virgules attendue."},
}

SCHEMA_MESSAGES = {
    "type": "Objet attendu (données de type incorrect).",
    "unknown": "Champ inconnu.",
}

# (validator class, attribute, French text): the attributes marshmallow formats.
VALIDATOR_MESSAGES: list[tuple[type[validate.Validator], str, str]] = [
    (validate.Length, "message_min", "Au moins {min} caractères ou éléments."),
    (validate.Length, "message_max", "Au plus {max} caractères ou éléments."),
    (validate.Length, "message_all", "Entre {min} et {max} caractères ou éléments."),
    (validate.Length, "message_equal", "Exactement {equal} caractères ou éléments."),
    (validate.Range, "message_min", "Doit être {min_op} {{min}}."),
    (validate.Range, "message_max", "Doit être {max_op} {{max}}."),
    (validate.Range, "message_all", "Doit être {min_op} {{min}} et {max_op} {{max}}."),
    (validate.Range, "message_gte", "supérieur ou égal à"),
    (validate.Range, "message_gt", "supérieur à"),
    (validate.Range, "message_lte", "inférieur ou égal à"),
    (validate.Range, "message_lt", "inférieur à"),
    (validate.OneOf, "default_message", "Valeur non autorisée : choisissez parmi {choices}."),
    (validate.NoneOf, "default_message", "Valeur non autorisée."),
    (validate.ContainsOnly, "default_message", "Un ou plusieurs choix ne font pas partie de : {choices}."),
    (validate.ContainsNoneOf, "default_message", "Un ou plusieurs choix font partie de : {values}."),
    (validate.Email, "default_message", "Adresse e-mail invalide."),
    (validate.URL, "default_message", "Adresse web (URL) invalide."),
    (validate.Regexp, "default_message", "Format invalide."),
    (validate.Equal, "default_message", "Doit être égal à {other}."),
    (validate.Predicate, "default_message", "Valeur invalide."),
]


def install() -> None:
    """Replace marshmallow's English defaults (idempotent)."""
    for cls, messages in FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.__dict__.get("default_error_messages", {}), **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for validator, attribute, text in VALIDATOR_MESSAGES:
        setattr(validator, attribute, text)
