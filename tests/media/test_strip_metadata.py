"""Lossless metadata stripping of stored JPEG originals."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

from dansmarue.media.errors import CODES
from dansmarue.media.imaging import ImageRejected, strip_metadata_jpeg, validate_upload

from .factories import GPS_IFD, ORIENTATION, encode, exif_with_gps, jpeg_segments, scene


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB").tobytes()


def loaded_jpeg(**kwargs) -> bytes:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        scene(50, (320, 240)),
        exif=exif_with_gps(orientation=6),
        icc_profile=srgb,
        comment=b"Jean Dupont, 3 rue Oberkampf",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><GPSLatitude>48.86</GPSLatitude></x:xmpmeta>',
        **kwargs,
    )


@pytest.mark.parametrize(
    "options",
    [{}, {"progressive": True}, {"restart_marker_blocks": 4}, {"subsampling": 0}],
    ids=["baseline", "progressive", "restart-markers", "4:4:4"],
)
def test_strips_private_metadata_losslessly(options):
    data = loaded_jpeg(**options)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # precondition
    stripped = strip_metadata_jpeg(data)
    img = Image.open(io.BytesIO(stripped))
    exif = img.getexif()
    assert dict(exif) == {ORIENTATION: 6}  # orientation kept, nothing else
    assert not exif.get_ifd(GPS_IFD)
    assert "icc_profile" in img.info  # colours still render correctly
    assert "comment" not in img.info and "xmp" not in img.info
    for needle in (b"Oberkampf", b"PhoneMaker", b"48.86", b"xmpmeta"):
        assert needle not in stripped
    assert pixels(stripped) == pixels(data)
    assert len(stripped) < len(data)
    assert validate_upload(stripped).width == 240  # still displayed portrait


def test_without_orientation_no_exif_segment_is_written():
    data = encode(scene(51, (200, 100)), exif=exif_with_gps(orientation=1))
    stripped = strip_metadata_jpeg(data)
    markers = [marker for marker, _ in jpeg_segments(stripped)]
    assert 0xE1 not in markers
    assert markers[0] == 0xE0  # JFIF stays first
    assert pixels(stripped) == pixels(data)


def test_drops_trailers_and_extra_frames():
    first, second = scene(52, (160, 120)), scene(53, (160, 120))
    mpo = encode(first, "MPO", save_all=True, append_images=[second], exif=exif_with_gps(1))
    stripped = strip_metadata_jpeg(mpo)
    img = Image.open(io.BytesIO(stripped))
    assert img.format == "JPEG" and getattr(img, "n_frames", 1) == 1
    assert pixels(stripped) == pixels(mpo)  # first frame, untouched
    php = encode(first) + b"<?php eval($_POST['x']); ?>"
    assert b"<?php" not in strip_metadata_jpeg(php)


def test_jfif_thumbnail_is_removed():
    data = bytearray(encode(scene(54, (64, 64))))
    assert data[6:11] == b"JFIF\x00"
    # Declare and append a 1x1 RGB thumbnail in the JFIF header.
    length = int.from_bytes(data[4:6], "big")
    app0 = data[4 : 4 + length]
    app0[14:16] = b"\x01\x01"
    new_app0 = (length + 3).to_bytes(2, "big") + app0[2:] + b"\xff\x00\x00"
    data = bytes(data[:4] + new_app0 + data[4 + length :])
    stripped = strip_metadata_jpeg(data)
    (marker, payload), *_ = jpeg_segments(stripped)
    assert marker == 0xE0 and payload[12:14] == b"\x00\x00" and len(payload) == 14
    assert pixels(stripped) == pixels(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_an_image"),
        (b"\x89PNG\r\n\x1a\n", "not_an_image"),
        (b"\xff\xd8\xff\xd9", "not_an_image"),  # no image data at all
        (b"\xff\xd8\xff\xe0\x00", "truncated"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "truncated"),
    ],
)
def test_rejects_broken_streams(data, code):
    with pytest.raises(ImageRejected) as caught:
        strip_metadata_jpeg(data)
    assert caught.value.code == code


def test_rejects_truncated_scan():
    data = encode(scene(55, (320, 240)))
    with pytest.raises(ImageRejected) as caught:
        strip_metadata_jpeg(data[: len(data) // 2])
    assert caught.value.code == "truncated"


@settings(max_examples=200, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
    cut=st.integers(1, 10**6),
)
def test_corrupted_jpegs_only_ever_raise_image_rejected(edits, cut):
    data = bytearray(loaded_jpeg())
    for offset, value in edits:
        data[offset % len(data)] = value
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        stripped = strip_metadata_jpeg(data)
    except ImageRejected as error:
        assert error.code in CODES
    else:
        assert stripped.startswith(b"\xff\xd8") and stripped.endswith(b"\xff\xd9")
