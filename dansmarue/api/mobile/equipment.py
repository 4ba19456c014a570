"""The apps' municipal-equipment module (/rest/equipement/api/).

This server keeps no equipment register, so the catalogue of equipment types
and equipments is empty at version 0 (the apps then offer no equipment
contribution); the report calls the module shares with the main API
(saveIncident, processWorkflow, getIncidentById, follow, …) are the same
handlers, on the same reports.
"""

from dansmarue.api.mobile import handlers
from dansmarue.api.mobile.handlers import Context

VERSION = 0


def categories(req: dict, ctx: Context) -> dict:
    return {"version": VERSION, "categories": {}}


def equipments(req: dict, ctx: Context) -> dict:
    return {"version": VERSION, "equipements": {}}


def equipments_near(req: dict, ctx: Context) -> dict:
    return {"equipements": {}}


def incidents_of_equipment(req: dict, ctx: Context) -> dict:
    return {"closest_incidents": []}


def incident_by_id(req: dict, ctx: Context) -> dict:
    """iOS force-unwraps incident.equipementId in this module's answer."""
    result = handlers.incident_by_id({**req, "source": req.get("source") or "DansMaRue"}, ctx)
    result["incident"]["equipementId"] = ""
    return result


HANDLERS = {
    **{
        name: handlers.HANDLERS[name]
        for name in (
            "saveIncident",
            "processWorkflow",
            "getIncidentsByUser",
            "congratulateAnomalie",
            "follow",
            "unfollow",
            "incidentResolved",
        )
    },
    "getCategories": categories,
    "getEquipements": equipments,
    "getEquipementsByPosition": equipments_near,
    "getIncidentsEquipementByPosition": equipments_near,
    "getIncidentsByEquipement": incidents_of_equipment,
    "getIncidentById": incident_by_id,
}
