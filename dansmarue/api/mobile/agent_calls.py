"""The agents' calls of the DansMaRue apps (changeStatus, savePrecisionsTerrain,
searchIncidentsByIdFdt, saveInfosApresTournee), over the shared workflow.

Every state change goes through `workflow.perform` (scopes, transition table,
history) or, for a caller holding the report's secret token, through the
contractor callback (`contractors.apply_callback`): no rule is repeated here.
"""

from datetime import date, datetime

from dansmarue.api.mobile.handlers import Context, _report, _text
from dansmarue.api.mobile.protocol import BAD_INCIDENT_ID, BAD_OWNER, BAD_SUB_ELEMENT, MobileError
from dansmarue.errors import Unprocessable
from dansmarue.reports import intake
from dansmarue.workflow import contractors
from dansmarue.workflow import perform as workflow

REQUALIFY = ("requalifier", "a requalifier")
NO_ROUTE_SHEETS = (
    "Aucune feuille de tournée n°{}: les feuilles de tournée ne sont pas " "encore gérées par ce serveur."
)


def _staff(ctx: Context) -> None:
    if not ctx.staff:
        raise MobileError(BAD_OWNER, "Réservé aux agents connectés (jeton Bearer).")


def _int(value: object, field: str) -> int | None:
    if value in (None, "", -1, "-1"):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise MobileError(BAD_SUB_ELEMENT, f"{field} doit être un nombre.") from None


def change_status(req: dict, ctx: Context) -> dict:
    """The Android app nests its fields under "answer": id, reference, token,
    status ("requalifier"), id_type_anomalie (the new type), comment, email."""
    answer = req.get("answer")
    body = answer if isinstance(answer, dict) else req
    report = _report(body, "id")
    status = contractors.normalise_status(_text(body, "status") or "")
    new_type = _int(body.get("id_type_anomalie"), "id_type_anomalie")
    comment = _text(body, "comment")
    if ctx.staff and status in REQUALIFY and new_type is not None:
        workflow.perform(report.id, "requalify", ctx.user, category_id=new_type, comment=comment)
    elif ctx.staff:
        raise MobileError(
            BAD_SUB_ELEMENT,
            "Un agent connecté requalifie avec " "status « requalifier » et id_type_anomalie.",
        )
    else:  # a contractor (or an app) holding the report's secret token
        contractors.apply_callback(
            report.reference,
            token=_text(body, "token") or "",
            status=status,
            comment=comment,
            rejection_reason=_text(body, "rejection_reason"),
            programming_date=_date(_text(body, "programming_date")),
        )
    return {"id": str(report.id)}


def _date(value: str | None) -> date | None:
    """programming_date as the apps and contractors write it (JJ/MM/AAAA or ISO)."""
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise Unprocessable(
        "Date de programmation illisible.",
        errors=[
            {
                "field": "programming_date",
                "message": "Date attendue au format JJ/MM/AAAA.",
                "location": "body",
            }
        ],
    )


def save_field_precisions(req: dict, ctx: Context) -> dict:
    """savePrecisionsTerrain {idSignalement, precisionsTerrain}: an agent's note,
    recorded as an internal comment (scope and state checked by the workflow) and
    shown as the report's precisionsTerrain."""
    _staff(ctx)
    report = _report(req, "idSignalement")
    text = _text(req, "precisionsTerrain")
    if text is None:
        raise MobileError(BAD_SUB_ELEMENT, "precisionsTerrain manquant.")
    limit = intake.TEXT_LIMITS["address_precision"]
    if len(text) > limit:
        raise MobileError(BAD_SUB_ELEMENT, f"precisionsTerrain : {limit} caractères au plus.")
    workflow.perform(report.id, "comment", ctx.user, comment=f"Précisions terrain : {text}")
    report.address_precision = text
    return {}


def route_sheet(sheet_id: str, ctx: Context) -> dict:
    """searchIncidentsByIdFdt/{id}: no route sheet exists on this server yet."""
    _staff(ctx)
    raise MobileError(BAD_INCIDENT_ID, NO_ROUTE_SHEETS.format(sheet_id))


def save_after_round(req: dict, ctx: Context) -> dict:
    """saveInfosApresTournee {idFDT, infosApresTournee}: see route_sheet."""
    _staff(ctx)
    raise MobileError(BAD_INCIDENT_ID, NO_ROUTE_SHEETS.format(_text(req, "idFDT")))


HANDLERS = {
    "changeStatus": change_status,
    "savePrecisionsTerrain": save_field_precisions,
    "saveInfosApresTournee": save_after_round,
}
