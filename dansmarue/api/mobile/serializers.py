"""Our rows in the mobile apps' shapes (the real SignalementFormatterJson's keys)."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from dansmarue import city
from dansmarue.models import Category, Follower, Report, db
from dansmarue.reports import authorship
from dansmarue.workflow.dispatch import photo_url
from dansmarue.workflow.states import STATES

SOURCE = "DansMaRue"


class Catalogue:
    """id -> (parent_id, label, alias), loaded once per request."""

    def __init__(self) -> None:
        rows = db.session.execute(select(Category.id, Category.parent_id, Category.label, Category.alias))
        self.rows = {r.id: r for r in rows}

    def root(self, category_id: int) -> int:
        node = self.rows.get(category_id)
        while node is not None and node.parent_id is not None and node.parent_id in self.rows:
            node = self.rows[node.parent_id]
        return node.id if node else category_id

    def alias(self, category_id: int) -> str | None:
        node = self.rows.get(category_id)
        return None if node is None else node.alias or node.label


def followed_ids(report_ids: Iterable[int], guid: str | None) -> set[int]:
    if not guid or not report_ids:
        return set()
    return set(
        db.session.scalars(
            select(Follower.report_id).where(
                Follower.account_guid == guid, Follower.report_id.in_(list(report_ids))
            )
        )
    )


def pictures(report: Report) -> dict:
    out: dict[str, list[str]] = {"close": [], "far": [], "done": []}
    for photo in report.photos:
        # A pending or purged photo's URL serves a placeholder; a refused one none.
        if photo.view in out and photo.status != "failed":
            out[photo.view].append(photo_url(photo))
    return out


def incident(
    report: Report, catalogue: Catalogue, *, guid: str | None = None, followed: bool = False
) -> dict:
    state = STATES[report.state]
    local = report.created_at.astimezone(city.tz())
    is_reporter = authorship.filed_by(report, guid=guid)
    return {
        "id": report.id,
        "categoryId": str(catalogue.root(report.category_id)),
        "followers": report.followers_count,
        "isIncidentAnonyme": report.is_anonymous,
        "congratulations": report.congratulations_count,
        "alias": catalogue.alias(report.category_id),
        "state": state.mobile_letter,
        "stateId": state.real_id,
        "stateName": state.public_label,
        "address": report.address or "",
        "lat": report.latitude,
        "lng": report.longitude,
        "descriptive": report.description or "",
        "commentaireAgent": "",
        "date": local.strftime("%d/%m/%Y"),
        "hour": local.strftime("%H:%M"),
        "precisionsTerrain": report.address_precision or "",
        "confirms": 0,
        "priorityId": report.priority,
        "invalidations": 0,
        "source": SOURCE,
        "numero": report.reference,
        # No reporterGuid (the real server published it): the apps get the
        # comparison's result instead (resolved_authorization, isIncidentFollowedByUser).
        # The real server sent every report's token to anyone; ours is the key
        # to the private tracking page, so only its reporter gets it.
        "token": report.token if is_reporter else None,
        "isIncidentFollowedByUser": followed,
        "pictures": pictures(report),
    }


def incidents(reports: Sequence[Report], guid: str | None) -> list[dict]:
    catalogue = Catalogue()
    followed = followed_ids([r.id for r in reports], guid)
    return [incident(r, catalogue, guid=guid, followed=r.id in followed) for r in reports]


def categories(tree: list[dict], include_agent: bool) -> dict:
    """{"<id>": {parent_id, name, isAgent, alias, horsDMR, messageHorsDMR,
    children_id}, "0": {children_id: roots}} from the residents' catalogue tree."""
    out: dict[str, dict] = {"0": {"children_id": [n["id"] for n in tree]}}

    def walk(node: dict, parent_id: int) -> None:
        children = node.get("children") or []
        out[str(node["id"])] = {
            "parent_id": parent_id,
            "name": node["label"],
            "isAgent": bool(node.get("agent_only")) if include_agent else False,
            "alias": node["alias"] or "",
            "horsDMR": node["out_of_scope"],
            "messageHorsDMR": node["out_of_scope_message"] or "",
            "children_id": [c["id"] for c in children],
        }
        for child in children:
            walk(child, node["id"])

    for root in tree:
        walk(root, 0)
    return out
