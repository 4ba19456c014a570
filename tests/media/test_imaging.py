"""Validation and derivative generation for uploaded photos."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from dansmarue.media.errors import CODES
from dansmarue.media.imaging import (
    ImageInfo,
    ImageRejected,
    process_photo,
    sniff_image_type,
    validate_upload,
)

from .factories import encode, exif_with_gps, heic_bytes, png_of_zeros, scene


def need_heic(img: Image.Image, **kwargs) -> bytes:
    data = heic_bytes(img, **kwargs)
    if data is None:
        pytest.skip("this libheif build cannot encode HEIC")
    return data


def assert_rejected(data: bytes, code: str, **kwargs) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        validate_upload(data, **kwargs)
    assert caught.value.code == code, caught.value.detail
    return caught.value


# --- sniffing and acceptance ------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_accepts_common_formats(fmt, mime, ext):
    data = encode(scene(1, (320, 200)), fmt)
    assert sniff_image_type(data) == mime
    assert validate_upload(data) == ImageInfo(mime=mime, width=320, height=200, ext=ext)


def test_accepts_heic():
    data = need_heic(scene(2, (320, 200)))
    assert sniff_image_type(data) == "image/heic"
    info = validate_upload(data)
    assert (info.mime, info.ext, info.width, info.height) == ("image/heic", "heic", 320, 200)


def test_accepts_multi_picture_jpeg():
    """Phones write MPO (JPEG + depth/preview frame); Pillow names it MPO."""
    first, second = scene(3, (320, 240)), scene(4, (320, 240))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert validate_upload(data).mime == "image/jpeg"
    assert process_photo(data).width == 320


def test_decoded_format_must_match_sniffed_type(monkeypatch):
    # Pillow's JPEG factory returns an MPO object even when asked for JPEG
    # only: the decoded format is checked, not assumed from the request.
    from dansmarue.media import imaging

    data = encode(scene(3, (64, 48)), "MPO", save_all=True, append_images=[scene(4, (64, 48))])
    monkeypatch.setitem(imaging.PIL_FORMATS, "image/jpeg", ("JPEG",))
    assert_rejected(data, "not_an_image")


def test_reports_displayed_size_of_rotated_jpeg():
    data = encode(scene(5, (400, 300)), exif=exif_with_gps(orientation=6))
    info = validate_upload(data)
    assert (info.width, info.height) == (300, 400)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytes(np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8)),
        b"<?php system($_GET['c']); ?>",
        b"<html><script>alert(1)</script></html>",
        # Polyglot: JPEG magic bytes in front of an HTML payload.
        b"\xff\xd8\xff\xe0<html><body><script>alert(document.cookie)</script>",
        # WebP and HEIC headers with nothing decodable behind them.
        b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"\x00" * 64,
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
    ],
    ids=["empty", "random", "php", "html", "jpeg-magic-html", "fake-webp", "fake-heic"],
)
def test_rejects_non_images(data):
    error = assert_rejected(data, "not_an_image")
    assert "JPEG, PNG, WebP ou HEIC" in error.reason


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_rejects_other_image_formats_whatever_their_name(fmt):
    # The upload's file name (e.g. "photo.jpg") is never consulted.
    data = encode(scene(8, (64, 48)), fmt)
    assert sniff_image_type(data) is None
    assert_rejected(data, "unsupported_type")


def test_rejects_avif_as_unsupported():
    data = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32
    assert sniff_image_type(data) is None
    assert_rejected(data, "unsupported_type")


def test_rejects_oversized_file_before_decoding():
    too_big = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)
    error = assert_rejected(too_big, "too_large")
    assert "10 Mo" in error.reason
    assert_rejected(encode(scene(9)), "too_large", max_bytes=1000)


def test_rejects_png_decompression_bomb(monkeypatch):
    bomb = png_of_zeros(30000, 30000)
    assert len(bomb) < 2_000_000  # tiny on the wire, 900 Mpx once decoded
    assert_rejected(bomb, "decompression_bomb")
    # Our limit does not depend on Pillow's global one being set.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert_rejected(bomb, "decompression_bomb")
    with pytest.raises(ImageRejected, match="decompression_bomb"):
        process_photo(bomb)


def test_pixel_limit_is_ours_not_pillows():
    # 52 Mpx: below Pillow's default warning threshold (89 Mpx), above ours.
    assert_rejected(png_of_zeros(8000, 6500), "decompression_bomb")
    assert_rejected(encode(scene(10)), "decompression_bomb", max_pixels=100_000)


def test_rejects_jpeg_declaring_huge_dimensions():
    data = bytearray(encode(scene(11, (64, 48))))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    assert_rejected(bytes(data), "decompression_bomb")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_rejects_truncated_files(fmt, monkeypatch):
    data = encode(scene(12, (800, 600)), fmt)
    cut = data[: len(data) * 2 // 3]
    assert_rejected(cut, "truncated")
    with pytest.raises(ImageRejected, match="truncated"):
        process_photo(cut)
    # Even if someone flips Pillow's global leniency switch.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert_rejected(cut, "truncated")


def test_rejection_carries_french_reason_and_code():
    for code in CODES:
        error = ImageRejected(code)
        assert error.code == code and error.reason and error.reason[0].isupper()
    with pytest.raises(ValueError):
        ImageRejected("nope")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    cut=st.integers(1, 10**6),
)
def test_corrupted_uploads_only_ever_raise_image_rejected(fmt, edits, cut):
    data = bytearray(encode(scene(13, (96, 64)), fmt))
    for offset, value in edits:
        data[offset % len(data)] = value
    data = bytes(data[: max(1, cut % (len(data) + 1))])
    try:
        info = validate_upload(data)
    except ImageRejected as error:
        assert error.code in CODES
    else:
        assert info.width > 0 and info.height > 0
