"""process_photo on real files: derivatives, idempotence, malicious inputs, serving."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from dansmarue.models import Photo
from dansmarue.platform import storage
from dansmarue.reports import photo_files
from tests.workers.conftest import jpeg_bytes, new_report
from workers.jobs.photos import process_photo


def phone_jpeg(width=1600, height=1200) -> bytes:
    image = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the display must come out portrait
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def stored_photo(session, report, data: bytes, view="extra", ext="jpg") -> Photo:
    """A photo row whose stored file holds `data` as-is (bypassing intake checks)."""
    key = storage.new_key("originals", ext)
    storage.write(key, data)
    photo = Photo(
        report_id=report.id,
        view=view,
        access_key=os.urandom(24).hex()[:43],
        storage_key=key,
        mime_type="image/jpeg",
        size_bytes=len(data),
        sha256="0" * 64,
        status="pending",
    )
    session.add(photo)
    session.commit()
    return photo


def derived_files(photo):
    return [storage.path_of(k) for k in photo_files.derived_keys(photo.access_key)]


def test_derivatives_are_oriented_stripped_and_hashed(ctx):
    report = new_report(ctx)
    photo = stored_photo(ctx, report, phone_jpeg())
    assert process_photo(photo.id) == "ready"
    ctx.refresh(photo)
    assert photo.status == "ready" and len(photo.phash) == 16
    with Image.open(storage.path_of(photo.display_key)) as display:
        assert display.size == (600, 800)
        assert not display.getexif() and "exif" not in display.info
    with Image.open(storage.path_of(photo.thumb_key)) as thumb:
        assert max(thumb.size) == 100


def test_running_twice_has_one_effect(ctx):
    report = new_report(ctx)
    photo = stored_photo(ctx, report, jpeg_bytes(900, 600))
    process_photo(photo.id)
    ctx.refresh(photo)
    first = (photo.display_key, photo.processed_at, os.stat(storage.path_of(photo.display_key)))
    assert process_photo(photo.id) == "skipped"
    ctx.refresh(photo)
    again = (photo.display_key, photo.processed_at, os.stat(storage.path_of(photo.display_key)))
    assert first == again


def png_bomb(side=30000) -> bytes:
    def chunk(kind, payload):
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    raw = zlib.compress(b"\x00" * (side // 8 + 1) * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def jpeg_with_huge_header() -> bytes:
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)  # 3.6 Gpx claimed
    return bytes(data)


MALICIOUS = {
    "png decompression bomb": (png_bomb(), "decompression_bomb"),
    "jpeg header bomb": (jpeg_with_huge_header(), "decompression_bomb"),
    "truncated jpeg": (jpeg_bytes(800, 600)[:1500], "truncated"),
    "html named .jpg": (b"<html><script>alert(1)</script></html>", "not_an_image"),
    "svg named .jpg": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not_an_image"),
    "php polyglot (script first, jpeg after)": (
        b"<?php system($_GET['c']); ?>" + jpeg_bytes(),
        "not_an_image",
    ),
    "gif": (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", None),
    "empty file": (b"", "not_an_image"),
}


@pytest.mark.parametrize("name", MALICIOUS)
def test_malicious_files_are_refused_without_harm(ctx, name):
    data, code = MALICIOUS[name]
    report = new_report(ctx)
    photo = stored_photo(ctx, report, data)
    outcome = process_photo(photo.id)
    ctx.refresh(photo)
    assert photo.status == "failed" and outcome.startswith("failed")
    if code:
        assert outcome == f"failed: {code}"
    assert photo.display_key is None and photo.thumb_key is None
    assert not any(os.path.exists(path) for path in derived_files(photo))
    assert process_photo(photo.id) == "skipped"  # refused for good, not retried


def test_jpeg_zip_polyglot_keeps_no_payload(ctx):
    """A valid JPEG with a ZIP/script appended: the re-encoded derivative drops it."""
    payload = b"PK\x03\x04" + b"<script>alert(1)</script>" * 10
    report = new_report(ctx)
    photo = stored_photo(ctx, report, jpeg_bytes(400, 300) + payload)
    assert process_photo(photo.id) == "ready"
    ctx.refresh(photo)
    for key in (photo.display_key, photo.thumb_key):
        with open(storage.path_of(key), "rb") as handle:
            content = handle.read()
        assert b"PK\x03\x04" not in content and b"<script>" not in content


def test_serving_by_access_key(ctx, client):
    report = new_report(ctx)
    photo = stored_photo(ctx, report, jpeg_bytes(900, 600))
    url = f"/media/photos/{photo.access_key}"
    pending = client.get(f"{url}/display")
    assert pending.status_code == 200 and pending.headers["Cache-Control"] == "no-store"
    process_photo(photo.id)
    display = client.get(f"{url}/display")
    assert display.status_code == 200 and display.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(display.data)).size == (800, 533)
    assert client.get(f"{url}/thumb").status_code == 200
    assert client.get(f"{url}/original").status_code == 404
    assert client.get(f"/media/photos/{'A' * 43}/display").status_code == 404
    assert client.get(f"{url}/../../etc/passwd").status_code == 404


def test_public_view_gives_each_ready_photo_its_urls(ctx, client):
    """A client builds nothing: pending photos have no URL, ready ones both derivatives."""
    report = new_report(ctx)
    photo = stored_photo(ctx, report, jpeg_bytes(900, 600))
    listed = client.get(f"/api/v1/reports/{report.reference}").json["photos"]
    assert [(p["key"], p["status"], p["urls"]) for p in listed] == [(photo.access_key, "pending", None)]
    process_photo(photo.id)
    urls = client.get(f"/api/v1/reports/{report.reference}").json["photos"][0]["urls"]
    assert urls == {v: f"http://testserver/media/photos/{photo.access_key}/{v}" for v in ("display", "thumb")}
    served = client.get(urls["display"].removeprefix("http://testserver"))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
