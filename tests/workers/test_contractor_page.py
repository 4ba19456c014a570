"""#19.13: an e-mail-only contractor gets a way to report back. The unit mail
(real SMTP server) holds the link to its page for the report; the page's form
goes through the callback's own service. (Chromium and axe-core:
tests/workers/test_contractor_page_browser.py.)"""

import re
from datetime import timedelta

from sqlalchemy import func, select

from dansmarue.models import Report, ReportEvent, Unit, utcnow
from dansmarue.workflow import contractors
from tests.workers.conftest import new_report
from workers.jobs.dispatch import dispatch_report
from workers.jobs.notify import notify_unit_new_report

LINK = re.compile(r"http://testserver/prestataire/(\w+)\?t=([0-9a-f]{64})")


def _contractor_report(ctx, address: str = "presta@paris.example") -> Report:
    report = new_report(ctx, reporter_email="lea@example.org")
    report.unit.contractor_without_ws, report.unit.email = True, address
    ctx.commit()
    dispatch_report(report.id)
    ctx.refresh(report)
    assert report.state == "transferred"
    return report


def _events(ctx, report: Report) -> int:
    return ctx.scalar(select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report.id))


def _link_path(smtp, report: Report) -> str:
    assert notify_unit_new_report(report.id) == 1
    (mail,) = smtp.to("presta@paris.example")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    reference, token = LINK.search(text).groups()
    assert reference == report.reference and token == contractors.secret_for(report)
    assert f"/prestataire/{reference}?t={token}" in html
    assert token != report.token  # never the resident's tracking token
    return f"/prestataire/{reference}?t={token}"


def test_the_unit_mail_holds_the_link_and_the_page_reports_back(ctx, smtp, client):
    report = _contractor_report(ctx)
    path = _link_path(smtp, report)
    page = client.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert report.reference in body and "Tag sur la façade" in body and "Service fait" in body
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"

    before = _events(ctx, report)
    token = path.split("t=")[1]
    done = client.post(
        f"/prestataire/{report.reference}",
        data={"t": token, "status": "service fait", "comment": "Façade nettoyée"},
    )
    assert done.status_code == 200, done.data[:400]
    assert "votre retour est enregistré" in done.get_data(as_text=True)
    ctx.expire_all()
    assert ctx.get(Report, report.id).state == "done"
    assert _events(ctx, report) == before + 1
    event = ctx.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id.desc())
    ).first()
    assert (event.action, event.actor_label, event.comment) == ("done", "Prestataire", "Façade nettoyée")
    again = client.post(f"/prestataire/{report.reference}", data={"t": token, "status": "service fait"})
    assert again.status_code == 409 and "text/html" in again.content_type  # a French page, not a 500


def test_a_wrong_token_is_refused_with_a_french_page(ctx, smtp, client):
    report = _contractor_report(ctx)
    before = _events(ctx, report)
    for answer in (
        client.get(f"/prestataire/{report.reference}?t={'0' * 64}"),
        client.get(f"/prestataire/{report.reference}?t={report.token}"),  # the resident's token opens nothing
        client.get(f"/prestataire/{report.reference}"),
        client.post(f"/prestataire/{report.reference}", data={"t": "faux", "status": "service fait"}),
    ):
        assert answer.status_code == 403 and answer.mimetype == "text/html"
        assert "Jeton du prestataire invalide" in answer.get_data(as_text=True)
    assert client.get("/prestataire/S2099X999999?t=x").status_code == 404
    ctx.expire_all()
    assert ctx.get(Report, report.id).state == "transferred" and _events(ctx, report) == before


def test_a_requalification_voids_the_link(ctx, smtp, client):
    report = _contractor_report(ctx)
    path = _link_path(smtp, report)
    assert client.get(path).status_code == 200
    report.unit_id = ctx.scalar(select(Unit.id).where(Unit.id != report.unit_id).order_by(Unit.id))
    ctx.commit()
    voided = client.get(path)
    assert voided.status_code == 403 and "n'est plus valable" in voided.get_data(as_text=True)


def test_the_form_names_what_is_missing_in_french(ctx, smtp, client):
    report = _contractor_report(ctx)
    token = contractors.secret_for(report)
    url = f"/prestataire/{report.reference}"
    missing = client.post(url, data={"t": token, "status": "programmer"})
    assert missing.status_code == 422 and "La date de programmation est obligatoire." in missing.text
    bad = client.post(url, data={"t": token, "status": "programmer", "programming_date": "demain"})
    assert bad.status_code == 422 and "Date invalide" in bad.text
    no_reason = client.post(url, data={"t": token, "status": "rejeter"})
    assert no_reason.status_code == 422 and "Le motif de rejet est obligatoire." in no_reason.text
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    scheduled = client.post(url, data={"t": token, "status": "programmer", "programming_date": day})
    assert scheduled.status_code == 200, scheduled.text[:400]
    ctx.expire_all()
    assert ctx.get(Report, report.id).state == "contractor_scheduled"


def test_the_city_s_own_units_get_no_contractor_link(ctx, smtp):
    report = new_report(ctx)
    report.unit.email = "service@paris.example"
    ctx.commit()
    notify_unit_new_report(report.id)
    (mail,) = smtp.to("service@paris.example")
    assert "/prestataire/" not in mail.get_body(("plain",)).get_content()
