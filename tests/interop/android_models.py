"""The Android app's answer models, read the way Retrofit + Gson read them.

Transcribed from the public app sources (lutece-secteur-public/
espacepublic-mobileapp-dansmarue-android, app/src/main/java/com/accenture/
dansmarue/): every field's JSON name (@SerializedName or the Java name) and
Java type. `read(body, Model)` applies the app's SiraHttpResponseInterceptor
(one outer [ ] of a 2xx body is stripped) and then Gson's type rules, raising
GsonError where the app would fail with a JsonSyntaxException:

- String accepts a string, a number or a boolean; not an object or array.
- int/long/double (and their boxes) accept a number or a numeric string;
  int/long refuse a fractional number; booleans and objects are errors.
- boolean accepts true/false, and any string (Boolean.parseBoolean); a number
  is an error.
- List<T> needs an array, Map<String,T> and classes an object; null is always
  accepted (primitives keep their default); unknown keys are ignored.
- The body must be one JSON document after the stripping (else "not fully
  consumed").
"""

import json
from dataclasses import dataclass


class GsonError(AssertionError):
    pass


STRING, INT, LONG, DOUBLE, BOOLEAN = "String", "int", "long", "double", "boolean"


@dataclass(frozen=True)
class List:
    of: object


@dataclass(frozen=True)
class Map:
    of: object


class Model:
    def __init__(self, name: str, source: str, fields: dict):
        self.name, self.source, self.fields = name, source, fields


def _scalar(value, kind: str, where: str):
    if kind == STRING:
        if isinstance(value, dict | list):
            raise GsonError(f"{where}: Expected a string but was {type(value).__name__}")
        return value if isinstance(value, str) else json.dumps(value)
    if kind == BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.lower() == "true"
        raise GsonError(f"{where}: Expected a boolean but was {value!r}")
    if isinstance(value, bool | dict | list):
        raise GsonError(f"{where}: Expected a {kind} but was {value!r}")
    try:
        number = float(value) if isinstance(value, str) else value
    except ValueError:
        raise GsonError(f"{where}: NumberFormatException for {value!r}") from None
    if kind in (INT, LONG):
        if float(number) != int(number):
            raise GsonError(f"{where}: Expected an {kind} but was {value!r}")
        return int(number)
    return float(number)


def convert(value, kind, where: str = "$"):
    """The Python value the app would hold (None for a JSON null)."""
    if value is None:
        return None
    if isinstance(kind, str):
        return _scalar(value, kind, where)
    if isinstance(kind, List):
        if not isinstance(value, list):
            raise GsonError(f"{where}: Expected BEGIN_ARRAY but was {value!r:.80}")
        return [convert(item, kind.of, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(kind, Map):
        if not isinstance(value, dict):
            raise GsonError(f"{where}: Expected BEGIN_OBJECT (Map) but was {value!r:.80}")
        return {k: convert(v, kind.of, f"{where}.{k}") for k, v in value.items()}
    if not isinstance(value, dict):
        raise GsonError(f"{where}: Expected BEGIN_OBJECT ({kind.name}) but was {value!r:.80}")
    return {
        name: convert(value[name], field, f"{where}.{name}")
        for name, field in kind.fields.items()
        if name in value
    }


def read(status: int, text: str, model: Model) -> dict:
    """What the app's Retrofit call yields for this HTTP answer."""
    if not 200 <= status < 300:
        raise GsonError(f"HTTP {status}: Retrofit calls onError (HttpException)")
    if text.startswith("[") and text.endswith("]"):  # SiraHttpResponseInterceptor.java:36
        text = text[1:-1]
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise GsonError(f"{model.name}: not one JSON document after stripping [ ]: {exc}") from exc
    return convert(value, model, model.name)


M = "mvp/models/"
S = "services/models/"

PICTURES = Model(
    "Incident.Pictures",
    M + "Incident.java:614",
    {
        "close": List(STRING),
        "far": List(STRING),
        "done": List(STRING),
        "incident_picture": STRING,
        "genericPictureId": INT,
    },
)
ENCOMBRANT = Model("Incident.Encombrants", M + "Incident.java:761", {"name": STRING, "quantity": INT})
INCIDENT = Model(
    "Incident",
    M + "Incident.java:37-87",
    {
        "address": STRING,
        "descriptive": STRING,
        "commentaireAgent": STRING,
        "precisionsTerrain": STRING,
        "categoryId": STRING,
        "date": STRING,
        "id": LONG,
        "numero": STRING,
        "token": STRING,
        "pictures": PICTURES,
        "invalidations": INT,
        "priorityId": INT,
        "state": STRING,
        "stateName": STRING,
        "stateId": INT,
        "confirms": STRING,
        "lat": STRING,
        "lng": STRING,
        "iconId": INT,
        "alias": STRING,
        "guid": STRING,
        "isIncidentFollowedByUser": BOOLEAN,
        "isResolvable": BOOLEAN,
        "isValidAddressWithNumber": BOOLEAN,
        "isIncidentAnonyme": BOOLEAN,
        "encombrants": List(ENCOMBRANT),
        "reporterGuid": STRING,
        "source": STRING,
        "congratulations": INT,
        "followers": INT,
        "origin": STRING,
        "hour": STRING,
        "equipementId": STRING,
        "iconIncident": STRING,
        "iconParentId": STRING,
        "typeEquipementName": STRING,
        "iconIncidentSignalement": INT,
        "idPhotoCur": INT,
    },
)
MESSAGE_SF = Model(
    "MessageServiceFait",
    M + "MessageServiceFait.java:10-14",
    {"numero_message": INT, "message": STRING, "isGeneric": BOOLEAN},
)
BASE = {"error": STRING, "error_message": STRING}  # SiraResponse.java:10-12


def response(name: str, source: str, answer: dict, **top) -> Model:
    return Model(
        name,
        S + source,
        {**BASE, "request": STRING, **top, "answer": Model(f"{name}.Answer", S + source, answer)},
    )


CATEGORY = Model(
    "CategoryResponse.Answer.Category",
    S + "CategoryResponse.java:85-98",
    {
        "children_id": List(STRING),
        "parent_id": STRING,
        "name": STRING,
        "isAgent": BOOLEAN,
        "horsDMR": BOOLEAN,
        "messageHorsDMR": STRING,
        "alias": STRING,
        "image": STRING,
        "image_mobile": STRING,
    },
)
CATEGORIES = response(
    "CategoryResponse",
    "CategoryResponse.java:46-49",
    {"status": STRING, "version": STRING, "categories": Map(CATEGORY)},
)
CHECK_VERSION = response(
    "CheckVersionResponse",
    "CheckVersionResponse.java:15-19",
    {"androidVersionStore": STRING, "androidMajObligatoire": STRING, "derniereVersionObligatoire": STRING},
)
SAVE_INCIDENT = response(
    "SaveIncidentResponse", "SaveIncidentResponse.java:19-21", {"status": STRING, "incidentId": INT}
)
SIMPLE = response(
    "SiraSimpleResponse",
    "SiraSimpleResponse.java:11-55",
    {"status": STRING},
    online=BOOLEAN,
    message_information=STRING,
)
BY_POSITION = response(
    "GetIncidentsByPositionResponse",
    "GetIncidentsByPositionResponse.java:36-46",
    {
        "status": STRING,
        "closest_incidents": List(INCIDENT),
        "incident": List(INCIDENT),
        "incidents": List(INCIDENT),
        "infosAvantTournee": STRING,
        "infosApresTournee": STRING,
    },
)
BY_ID = response(
    "GetIncidentByIdResponse",
    "GetIncidentByIdResponse.java:25-37",
    {
        "status": STRING,
        "incident": INCIDENT,
        "resolved_authorization": BOOLEAN,
        "messages_sf_generic": List(MESSAGE_SF),
        "messages_sf_typologie": List(MESSAGE_SF),
    },
)
BY_USER = response(
    "GetIncidentsByUserResponse",
    "GetIncidentsByUserResponse.java:22-24",
    {"status": STRING, "incidents": List(INCIDENT)},
)
IDENTITY = response(
    "IdentityResponse",
    "IdentityResponse.java:21-47",
    {
        "status": STRING,
        "user": Model(
            "IdentityResponse.Answer.User",
            S + "IdentityResponse.java:42-47",
            {"name": STRING, "firstname": STRING, "mail": STRING, "isAgent": BOOLEAN},
        ),
    },
)
NEWS = response(
    "MySpaceNewsResponse",
    "MySpaceNewsResponse.java:40-87",
    {
        "status": STRING,
        "version": INT,
        "actualites": List(
            Model(
                "News",
                S + "MySpaceNewsResponse.java:79",
                {"id": INT, "libelle": STRING, "texte": STRING, "image_url": STRING, "ordre": INT},
            )
        ),
    },
)
HELP = response(
    "MySpaceHelpResponse",
    "MySpaceHelpResponse.java:39-86",
    {
        "status": STRING,
        "version": INT,
        "aides": List(
            Model(
                "Help",
                S + "MySpaceHelpResponse.java:78",
                {"id": INT, "libelle": STRING, "hypertexte_url": STRING, "image_url": STRING, "ordre": INT},
            )
        ),
    },
)
CHANGE_STATUS = response(
    "ChangeStatusResponse", "ChangeStatusResponse.java:15-18", {"id": STRING, "error": STRING}
)
DOSSIER_RAMEN = Model(
    "DossierRamen",
    M + "DossierRamen.java:10-16",
    {
        "id": LONG,
        "adresse": STRING,
        "dateCreation": STRING,
        "heureCreation": STRING,
        "lat": STRING,
        "lng": STRING,
        "source": STRING,
    },
)

E = "services/models/equipements/"
EQUIPMENT_CATEGORIES = Model(
    "CategoryEquipementResponse",
    E + "CategoryEquipementResponse.java",
    {
        **BASE,
        "request": STRING,
        "answer": Model("Answer", E, {"status": STRING, "version": STRING, "categories": Map(Map(CATEGORY))}),
    },
)
EQUIPMENTS = Model(
    "EquipementResponse",
    E + "EquipementResponse.java",
    {
        **BASE,
        "request": STRING,
        "answer": Model(
            "Answer",
            E,
            {
                "status": STRING,
                "version": STRING,
                "equipements": Map(
                    Model(
                        "Equipement",
                        E + "EquipementResponse.java:84-99",
                        {
                            "children_id": List(STRING),
                            "parent_id": STRING,
                            "adresse": STRING,
                            "longitude": DOUBLE,
                            "latitude": DOUBLE,
                            "name": STRING,
                        },
                    )
                ),
            },
        ),
    },
)
EQUIPMENT_INCIDENT_BY_ID = Model(
    "GetIncidentEquipementByIdResponse",
    E + "GetIncidentEquipementByIdResponse.java:22-44",
    {
        **BASE,
        "answer": Model(
            "Answer", E, {"status": STRING, "incident": INCIDENT, "resolved_authorization": BOOLEAN}
        ),
    },
)


def ramen_dossiers(status: int, text: str) -> list:
    """MapParisPresenter.java:254: Gson reads "[" + body + "]" as DossierRamen[]."""
    if not 200 <= status < 300:
        raise GsonError(f"HTTP {status}")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return convert(json.loads("[" + text + "]"), List(DOSSIER_RAMEN), "DossierRamen[]")
