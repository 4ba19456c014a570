"""The one "is this person the reporter" rule (`reports.authorship`), which the
workflow, the resolution, the photo upload and the apps' serialiser all use."""

import pytest

from dansmarue.errors import Forbidden
from dansmarue.models import Report, User
from dansmarue.reports import authorship, intake
from dansmarue.reports.photo_uploads import attach_photo
from tests.residents.conftest import jpeg_bytes

ROQUETTE = {"latitude": 48.8555, "longitude": 2.3745}


@pytest.fixture
def report(session, graffiti) -> Report:
    return intake.create_report(
        category_id=graffiti.id,
        reporter_email="Ines@Example.org",
        reporter_guid="guid-ines",
        reporter_udid="udid-ines",
        **ROQUETTE,
    )


@pytest.mark.parametrize(
    "proof",
    [
        {"guid": "guid-ines"},
        {"udid": "udid-ines"},
        {"email": " ines@example.ORG "},
    ],
)
def test_each_proof_names_the_reporter(report, proof):
    assert authorship.filed_by(report, **proof)


def test_the_tracking_token_names_the_reporter(report):
    assert authorship.filed_by(report, token=report.token)
    assert not authorship.filed_by(report, token=report.token[:-1] + "x")


@pytest.mark.parametrize(
    "proof",
    [{}, {"guid": "guid-jules"}, {"udid": "udid-jules"}, {"email": "jules@example.org"}, {"token": ""}],
)
def test_other_proofs_do_not(report, proof):
    assert not authorship.filed_by(report, **proof)


def test_an_account_files_by_its_address_or_guid_while_active(report, session):
    owner = User(email="ines@example.org", role="resident", active=True)
    stranger = User(email="jules@example.org", role="resident", active=True)
    session.add_all([owner, stranger])
    session.flush()
    assert authorship.filed_by(report, user=owner)
    assert not authorship.filed_by(report, user=stranger)
    stranger.account_guid = "guid-ines"
    assert authorship.filed_by(report, user=stranger)
    owner.active = False
    assert not authorship.filed_by(report, user=owner)


def test_the_photo_upload_asks_the_same_rule(report):
    assert attach_photo(report.id, "far", jpeg_bytes(), guid="guid-ines")[0].view == "far"
    with pytest.raises(Forbidden):
        attach_photo(report.id, "far", jpeg_bytes(), guid="guid-jules")
