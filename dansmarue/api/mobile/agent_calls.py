"""The agents' calls of the DansMaRue apps (changeStatus, savePrecisionsTerrain,
searchIncidentsByIdFdt, saveInfosApresTournee), over the shared workflow and
the agents' app's route sheets.

Every state change goes through `workflow.perform` (scopes, transition table,
history) or, for a caller holding the report's secret token, through the
contractor callback (`contractors.apply_callback`): no rule is repeated here.
"""

from datetime import date, datetime

from sqlalchemy import select

from dansmarue.agentapp import tour
from dansmarue.api.mobile import serializers as ser
from dansmarue.api.mobile.handlers import Context, _report, _text
from dansmarue.api.mobile.protocol import BAD_INCIDENT_ID, BAD_OWNER, BAD_SUB_ELEMENT, MobileError
from dansmarue.errors import Unprocessable
from dansmarue.models import Report, RouteSheetNote, db
from dansmarue.models.limits import TEXT_LIMITS
from dansmarue.workflow import contractors
from dansmarue.workflow import perform as workflow

REQUALIFY = ("requalifier", "a requalifier")
UNKNOWN_SHEET = "Aucune feuille de tournée n°{} : son numéro est sa date, AAMMJJ (ex. 261204)."
AFTER_ROUND_LIMIT = 4000


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
    limit = TEXT_LIMITS["address_precision"]
    if len(text) > limit:
        raise MobileError(BAD_SUB_ELEMENT, f"precisionsTerrain : {limit} caractères au plus.")
    workflow.perform(report.id, "comment", ctx.user, comment=f"Précisions terrain : {text}")
    report.address_precision = text
    return {}


def sheet_number(day: date) -> int:
    """A route sheet's number: its day as AAMMJJ, six digits at most, as the
    Android app's search field allows (dialog_search_fdt_by_id.xml:66) and its
    int holds. The sheet is the signed-in agent's own for that day."""
    return (day.year % 100) * 10000 + day.month * 100 + day.day


def sheet_day(number: object) -> date:
    """The day of sheet number `number` (AAMMJJ; the app's int drops a leading
    zero; AAAAMMJJ is read too), or MobileError(12)."""
    text = str(number).strip() if number is not None else ""
    try:
        if text.isdigit() and len(text) in (5, 6):
            return datetime.strptime("20" + text.zfill(6), "%Y%m%d").date()
        if text.isdigit() and len(text) == 8:
            return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        pass
    raise MobileError(BAD_INCIDENT_ID, UNKNOWN_SHEET.format(text[:20]))


def route_sheet(sheet_id: object, ctx: Context) -> dict:
    """searchIncidentsByIdFdt/{id}: the agents' app's route sheet of that day
    (`agentapp.tour.sheet`: the reports programmed that day in the agent's
    scope, in the planned order), as Android's GetIncidentsByPositionResponse
    reads it: answer.incidents, infosAvantTournee, infosApresTournee."""
    _staff(ctx)
    assert ctx.user is not None  # _staff
    day = sheet_day(sheet_id)
    references = [stop["reference"] for stop in tour.sheet(ctx.user, day, None)["stops"]]
    found = {
        r.reference: r for r in db.session.scalars(select(Report).where(Report.reference.in_(references)))
    }
    note = db.session.get(RouteSheetNote, (ctx.user.id, day))
    return {
        "incidents": ser.incidents([found[ref] for ref in references], None),
        "infosAvantTournee": "",  # nobody writes the briefing here (see docs/mobile_apps.md)
        "infosApresTournee": note.after_round if note else "",
    }


def save_after_round(req: dict, ctx: Context) -> dict:
    """saveInfosApresTournee {idFDT, infosApresTournee}: the agent's note after
    the round of that day's sheet, kept per (agent, day) and read back by
    searchIncidentsByIdFdt; an empty text clears it."""
    _staff(ctx)
    assert ctx.user is not None  # _staff
    day = sheet_day(req.get("idFDT"))
    text = _text(req, "infosApresTournee") or ""
    if len(text) > AFTER_ROUND_LIMIT:
        raise MobileError(BAD_SUB_ELEMENT, f"infosApresTournee : {AFTER_ROUND_LIMIT} caractères au plus.")
    note = db.session.get(RouteSheetNote, (ctx.user.id, day))
    if note is None:
        db.session.add(RouteSheetNote(user_id=ctx.user.id, day=day, after_round=text))
    else:
        note.after_round = text
    return {}


HANDLERS = {
    "changeStatus": change_status,
    "savePrecisionsTerrain": save_field_precisions,
    "saveInfosApresTournee": save_after_round,
}
