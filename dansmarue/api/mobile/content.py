"""News and help pages of the apps (getActualite/{v}, getAide/{v}), and the
signed-in user's profile (identitystore).

News and help come from the JSON file a city names in MOBILE_CONTENT_PATH:
{"actualites": {"version": 2, "items": [{"id", "libelle", "texte", "image_url",
"ordre", "actif"}]}, "aides": {"version": 1, "items": [{"id", "libelle",
"hypertexte_url", "image_url", "ordre"}]}}. Without it both lists are empty at
version 0. Every field is always sent: iOS force-unwraps each one it reads
(ReferalManager.swift:310-314 for news, including `actif`; :332-334 for help).
"""

import json

from sqlalchemy import select

from dansmarue.api.mobile.protocol import BAD_USER, MobileError
from dansmarue.models import User, db
from dansmarue.workflow.transitions import STAFF

NEWS_FIELDS = {"id": int, "libelle": str, "texte": str, "image_url": str, "ordre": int, "actif": bool}
HELP_FIELDS = {"id": int, "libelle": str, "hypertexte_url": str, "image_url": str, "ordre": int}
KINDS = {"actualites": NEWS_FIELDS, "aides": HELP_FIELDS}


def _load(path: str | None) -> dict:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise MobileError(3, f"Contenu des applications illisible ({path}) : {exc}") from None


def pages(kind: str, settings: dict) -> dict:
    """{"version": int, kind: [...]} with every item typed as the apps' models."""
    block = _load(settings.get("MOBILE_CONTENT_PATH")).get(kind) or {}
    fields = KINDS[kind]
    items: list[dict] = []
    for raw in block.get("items") or []:
        items.append({name: _typed(raw.get(name), kind_of) for name, kind_of in fields.items()})
    items.sort(key=lambda item: item["ordre"])
    return {"version": int(block.get("version") or 0), kind: items}


def _typed(value: object, kind_of: type) -> object:
    """A field as the apps' models type it; absent: 0, "" or True (a news item
    listed is shown unless the file says "actif": false)."""
    if kind_of is bool:
        return value if isinstance(value, bool) else str(value).strip().lower() not in ("false", "0", "non")
    if value is None:
        return 0 if kind_of is int else ""
    try:
        return kind_of(value)
    except (TypeError, ValueError):
        raise MobileError(
            3, f"Contenu des applications illisible : {value!r} n'est pas un {kind_of.__name__}."
        ) from None


def identity(guid: str | None) -> dict:
    """identitystore: the profile of the account behind this Paris-account guid.

    The guid is what the apps hold once signed in; it is never published by this
    server (no reporterGuid in answers), so only its owner can ask for it."""
    guid = (guid or "").strip()
    user = db.session.scalar(select(User).where(User.account_guid == guid)) if guid else None
    if user is None or not user.active:
        raise MobileError(BAD_USER, "Compte inconnu.")
    first, _, last = (user.full_name or "").strip().partition(" ")
    return {
        "user": {
            "name": last or first,
            "firstname": first if last else "",
            "mail": user.email,
            "isAgent": user.role in STAFF,
        }
    }
