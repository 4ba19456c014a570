"""The iOS app's answer readers, as RestApiManager.swift reads them with SwiftyJSON.

Transcribed from lutece-secteur-public/espacepublic-mobileapp-dansmarue-ios,
DansMaRue/Services/RestApiManager.swift (line numbers below). SwiftyJSON never
fails on a type mismatch (a string read with .arrayValue is an empty array, a
missing key's .stringValue is ""), but a force-unwrap (`!`) of a missing key
crashes the app: `unwrap` raises ForceUnwrapCrash there. Each reader returns
what the app keeps, so a test can check that the app saw the data (not just
that it did not crash).
"""

import json


class ForceUnwrapCrash(AssertionError):
    pass


def parse(text: str):
    """JSON(data): anything unreadable is JSON.null (None)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def string_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    return v if isinstance(v, str) else ""


def int_value(v) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int | float):
        return int(v)
    try:
        return int(float(v)) if isinstance(v, str) else 0
    except ValueError:
        return 0


def float_value(v) -> float:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    try:
        return float(v) if isinstance(v, str) else 0.0
    except ValueError:
        return 0.0


def bool_value(v) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v != 0
    return isinstance(v, str) and v.lower() in ("true", "y", "t", "yes", "1")


def array_value(v) -> list:
    return v if isinstance(v, list) else []


def dictionary(v):
    return v if isinstance(v, dict) else None


def unwrap(obj: dict | None, key: str, where: str):
    """`obj[key]!` / `(obj[key]?.x)!`: a missing key crashes."""
    if obj is None or key not in obj:
        raise ForceUnwrapCrash(f"{where}: force-unwrap of missing '{key}'")
    return obj[key]


def _answers(body):
    """`if let jsonArray = json.array { for item … item.dictionary["answer"]?.dictionary`."""
    return [
        a
        for item in (body if isinstance(body, list) else [])
        if (d := dictionary(item)) is not None and (a := dictionary(d.get("answer")))
    ]


def _marker(m: dict) -> dict:
    """The list readers (lines 47-73, 840-872): no force-unwrap, stringValue etc."""
    pictures = dictionary(m.get("pictures")) or {}
    return {
        "id": string_value(m.get("id")),
        "address": string_value(m.get("address")),
        "lat": float_value(m.get("lat")),
        "lng": float_value(m.get("lng")),
        "categoryId": string_value(m.get("categoryId")),
        "state": string_value(m.get("state")),
        "number": string_value(m.get("numero")),
        "close": [string_value(u) for u in array_value(pictures.get("close"))],
        "followed": bool_value(m.get("isIncidentFollowedByUser")),
        "source": string_value(m.get("source")),
    }


def incidents_by_position(body) -> list[dict]:
    """Lines 36-86: answer.closest_incidents.arrayValue."""
    return [_marker(m) for a in _answers(body) for m in array_value(a.get("closest_incidents"))]


def incidents_by_user(body) -> list[dict]:
    """Lines 834-879: answer.incidents.arrayValue."""
    return [_marker(m) for a in _answers(body) for m in array_value(a.get("incidents"))]


def incident_by_id(body, equipment: bool = False) -> dict | None:
    """Lines 128-227 (245-323 for the equipment module): the force-unwraps are
    numero_message, message, address, lat, lng, source, date, hour and
    resolved_authorization (and equipementId in the equipment module)."""
    for answer in _answers(body):
        messages = []
        for key in ("messages_sf_generic", "messages_sf_typologie"):
            for m in array_value(answer.get(key)):
                d = dictionary(m)
                if d is None:
                    raise ForceUnwrapCrash(f"{key}: .dictionary! of a non-object")
                messages.append(
                    (string_value(unwrap(d, "numero_message", key)), string_value(unwrap(d, "message", key)))
                )
        marker = dictionary(answer.get("incident"))
        if marker is None:
            continue
        w = "incident"
        anomaly = {
            "id": string_value(marker.get("id")),
            "address": string_value(unwrap(marker, "address", w)),
            "lat": float_value(unwrap(marker, "lat", w)),
            "lng": float_value(unwrap(marker, "lng", w)),
            "source": "dmr" if equipment else string_value(unwrap(marker, "source", w)),
            "messages": messages,
        }
        if not equipment and anomaly["source"] == "ramen":
            return anomaly
        anomaly.update(
            date=string_value(unwrap(marker, "date", w)),
            hour=string_value(unwrap(marker, "hour", w)),
            followers=int_value(marker.get("followers")),
            followed=bool_value(marker.get("isIncidentFollowedByUser")),
        )
        if equipment:
            anomaly["equipementId"] = string_value(unwrap(marker, "equipementId", w))
        resolved = unwrap(answer, "resolved_authorization", "answer")
        anomaly["resolvedAuthorization"] = resolved if isinstance(resolved, bool) else None
        return anomaly
    return None


def status_ok(body) -> bool:
    """processWorkflow, follow, unfollow, congratulate, incidentResolved
    (lines 605-619 and alike): answer.status.intValue == 0 inside the array."""
    return any(int_value(a.get("status")) == 0 and "status" in a for a in _answers(body))


def photo_ok(body) -> bool:
    """uploadPhoto, lines 572-580: a bare object {"answer": {"status": 0}}."""
    answer = dictionary((dictionary(body) or {}).get("answer"))
    return bool(answer) and "status" in answer and int_value(answer["status"]) == 0


def saved_incident_id(body) -> str | None:
    """saveIncident, lines 479-483: answer.incidentId.stringValue."""
    for a in _answers(body):
        if "incidentId" in a:
            return string_value(a["incidentId"])
    return None


def categories(body) -> dict | None:
    """getCategories, lines 347-360: answer.version.doubleValue, categories.dictionary.
    ReferalManager.swift:33-65 keeps every key but "0" as a type, and the type
    search (:83-84) walks parent_id up to "0" force-unwrapping each parent."""
    for a in _answers(body):
        if "version" in a:
            tree = dictionary(a.get("categories")) or {}
            for key in tree:
                here, seen = key, set()
                while key != "0" and here != "0":
                    node = dictionary(tree.get(here))
                    if node is None:
                        raise ForceUnwrapCrash(f"category {key}: parent {here!r} missing")
                    if here in seen:
                        raise ForceUnwrapCrash(f"category {key}: parent_id cycle")
                    seen.add(here)
                    here = string_value(node.get("parent_id"))
            return tree
    return None


def check_version(body) -> str:
    """Lines 1118-1130: answer.iosDerniereVersionObligatoire.stringValue."""
    found = ""
    for a in _answers(body):
        if "iosDerniereVersionObligatoire" in a:
            found = string_value(a["iosDerniereVersionObligatoire"])
    return found


def is_online(body) -> bool:
    """isDMROnline, lines 1443-1445: online if the top-level key exists."""
    return dictionary(body) is not None and "online" in body


def opening_message(body) -> str:
    """getOpeningMessage, lines 1145-1149: top-level message_information."""
    return string_value((dictionary(body) or {}).get("message_information"))


# ReferalManager.swift:304-338 reads the saved list back with a force-unwrap of each key.
PAGE_KEYS = {
    "actualites": ("id", "libelle", "texte", "image_url", "actif"),
    "aides": ("libelle", "hypertexte_url", "image_url"),
}


def pages(body, kind: str) -> tuple[float, list] | None:
    """getActualites / getAides, lines 388-401 and 426-439 (the list saved as
    is), then ReferalManager.loadActualite / loadAides: every key force-unwrapped."""
    answer = dictionary((dictionary(body) or {}).get("answer"))
    if answer is None or "version" not in answer:
        return None
    items = []
    for raw in array_value(answer.get(kind)):
        values = dictionary(raw) or {}
        items.append({key: unwrap(values, key, f"{kind}[]") for key in PAGE_KEYS[kind]})
    return float_value(answer["version"]), items


def by_number(body) -> dict:
    """BottomSheetViewController.swift:788-815: answer.incident.arrayValue[0]
    (an empty array crashes: Swift index out of range), else error_message."""
    d = dictionary(body)
    if d is None:
        return {"popup": "L’application est actuellement indisponible."}
    answer = dictionary(d.get("answer"))
    if answer is not None:
        if "incident" not in answer:
            return {}
        found = array_value(answer["incident"])
        if not found:
            raise ForceUnwrapCrash("getAnomalieByNumber: incident[0] of an empty array")
        return {"id": string_value(dictionary(found[0]).get("id") if dictionary(found[0]) else None)}
    if "error_message" in d:
        return {"popup": string_value(d["error_message"])}
    return {}


def identity(body) -> dict:
    """getIdentityStore, lines 1079-1093: a bare object."""
    answer = dictionary((dictionary(body) or {}).get("answer")) or {}
    user = dictionary(answer.get("user"))
    if user is None:
        return {"status": int_value(answer.get("status")) == 0 and "status" in answer}
    return {
        "status": "status" in answer and int_value(answer["status"]) == 0,
        "lastName": string_value(user.get("name")),
        "firstName": string_value(user.get("firstname")),
        "email": string_value(user["mail"]) if "mail" in user else None,
        "isAgent": bool_value(user.get("isAgent")) if "isAgent" in user else None,
    }
