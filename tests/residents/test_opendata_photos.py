"""#16.4: the open-data export never carries a photo (no URL, key or file of any kind)."""

import io
from datetime import datetime

from sqlalchemy import select

from dansmarue import city
from dansmarue.models import Photo
from dansmarue.stats import opendata
from tests.media.factories import encode, scene
from tests.residents.conftest import ROQUETTE


def test_export_of_a_report_with_a_photo_has_no_photo_reference(client, session, graffiti):
    form = {"category_id": str(graffiti.id), **{k: str(v) for k, v in ROQUETTE.items()}}
    form["close"] = (io.BytesIO(encode(scene(5), "JPEG")), "close.jpg")
    response = client.post("/api/v1/reports", data=form, content_type="multipart/form-data")
    assert response.status_code == 201
    reference = response.get_json()["reference"]
    photo = session.scalar(select(Photo).order_by(Photo.id.desc()).limit(1))
    today = datetime.now(city.tz()).date()
    exported = [" ".join(str(v) for v in row) for row in opendata.rows(today, today)]
    mine = [line for line in exported if reference in line]
    assert mine, "the report is in the export"
    for needle in ("/media/", "originals/", "derived/", photo.access_key, photo.storage_key, "http"):
        assert not any(needle in line for line in exported), needle
