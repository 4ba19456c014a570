"""Derivatives: orientation, sizes, metadata removal and perceptual hashes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms, ImagePalette

from dansmarue.media.imaging import ImageRejected, hamming, process_photo

from .factories import (
    GPS_IFD,
    encode,
    exif_with_gps,
    heic_bytes,
    jpeg_segments,
    linear_rgb_icc,
    scene,
)

RED = (230, 20, 20)


def open_jpeg(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    img.load()
    return img


def with_red_corner(size: tuple[int, int]) -> Image.Image:
    """A picture whose stored top-left corner is red, to track rotations."""
    img = scene(20, size)
    img.paste(RED, (0, 0, size[0] // 5, size[1] // 5))
    return img


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 180 and g < 90 and b < 90


def assert_no_metadata(jpeg: bytes) -> None:
    markers = {marker for marker, _ in jpeg_segments(jpeg)}
    # APP1 = EXIF/XMP, APP2 = ICC/MPF, APP13 = IPTC, COM = comment.
    assert not markers & {0xE1, 0xE2, 0xED, 0xFE}, sorted(hex(m) for m in markers)
    img = open_jpeg(jpeg)
    assert not {"exif", "icc_profile", "comment", "xmp", "photoshop"} & set(img.info)
    assert len(img.getexif()) == 0
    assert b"Exif" not in jpeg and b"ns.adobe.com" not in jpeg
    assert img.mode == "RGB"


def test_orientation_6_turns_landscape_into_portrait():
    stored = with_red_corner((1600, 1200))
    data = encode(stored, quality=92, exif=exif_with_gps(orientation=6))
    photo = process_photo(data)
    assert (photo.width, photo.height) == (600, 800)
    assert (photo.source_width, photo.source_height) == (1200, 1600)
    display = open_jpeg(photo.display_jpeg)
    assert display.size == (600, 800)
    assert open_jpeg(photo.thumb_jpeg).size == (75, 100)
    # Orientation 6 means "rotate 90° clockwise to display": the stored
    # top-left corner must end up top-right, not top-left.
    assert is_red(display.getpixel((590, 10)))
    assert not is_red(display.getpixel((10, 10)))


@pytest.mark.parametrize(("orientation", "corner"), [(1, "tl"), (3, "br"), (6, "tr"), (8, "bl"), (2, "tr")])
def test_every_orientation_lands_the_corner_where_expected(orientation, corner):
    data = encode(with_red_corner((500, 300)), quality=95, exif=exif_with_gps(orientation))
    display = open_jpeg(process_photo(data).display_jpeg)
    w, h = display.size
    spots = {"tl": (5, 5), "tr": (w - 6, 5), "bl": (5, h - 6), "br": (w - 6, h - 6)}
    assert [name for name, xy in spots.items() if is_red(display.getpixel(xy))] == [corner]


def test_outputs_drop_every_metadata_field():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' b'<rdf:RDF xmlns:rdf="http://ns.adobe.com/x"/></x:xmpmeta>'
    data = encode(
        scene(21, (1200, 900)),
        exif=exif_with_gps(orientation=1),
        icc_profile=srgb,
        comment=b"shot at 12 rue de Rivoli",
        xmp=xmp,
    )
    # The input really carries what we claim to remove (keeps this test honest).
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(GPS_IFD)
    assert {"icc_profile", "comment", "xmp"} <= set(source.info)
    photo = process_photo(data)
    assert_no_metadata(photo.display_jpeg)
    assert_no_metadata(photo.thumb_jpeg)
    assert b"Rivoli" not in photo.display_jpeg + photo.thumb_jpeg


def test_embedded_colour_profile_is_applied_before_being_dropped():
    flat = Image.new("RGB", (400, 300), (128, 64, 128))
    untagged = process_photo(encode(flat, quality=95)).display_jpeg
    tagged = process_photo(encode(flat, quality=95, icc_profile=linear_rgb_icc())).display_jpeg
    assert_no_metadata(tagged)
    reference = zip(open_jpeg(untagged).getpixel((9, 9)), (128, 64, 128), strict=False)
    assert all(abs(a - b) <= 3 for a, b in reference)
    # Linear 128 is sRGB ~188: without conversion, dropping the profile would
    # silently darken the picture (iPhones tag every photo with Display P3).
    assert open_jpeg(tagged).getpixel((9, 9))[0] > 180


def test_png_with_metadata_and_transparency():
    img = scene(22, (400, 300)).convert("RGBA")
    img.paste((0, 0, 0, 0), (0, 0, 100, 100))  # fully transparent black corner
    exif = exif_with_gps(orientation=1)
    data = encode(img, "PNG", exif=exif, pnginfo=None)
    photo = process_photo(data)
    assert_no_metadata(photo.display_jpeg)
    display = open_jpeg(photo.display_jpeg)
    # Transparent pixels are laid on white, not on their hidden black colour.
    assert min(display.getpixel((10, 10))) > 240


def test_php_appended_to_a_png_does_not_survive():
    payload = b"<?php system($_GET['cmd']); ?>"
    data = encode(scene(23, (300, 200)), "PNG") + payload
    photo = process_photo(data)
    assert payload not in photo.display_jpeg and payload not in photo.thumb_jpeg
    assert_no_metadata(photo.display_jpeg)


@pytest.mark.parametrize(
    ("size", "display", "thumb"),
    [
        ((4032, 3024), (800, 600), (100, 75)),  # 12 MP phone photo via DCT scaling
        ((3000, 1000), (800, 267), (100, 33)),
        ((801, 3), (800, 3), (100, 1)),  # extreme panorama never reaches 0 px
        ((300, 200), (300, 200), (100, 67)),  # small pictures are never upscaled
    ],
)
def test_derivative_sizes(size, display, thumb):
    photo = process_photo(encode(scene(24, size), quality=90))
    assert (photo.width, photo.height) == display
    assert open_jpeg(photo.display_jpeg).size == display
    assert open_jpeg(photo.thumb_jpeg).size == thumb


def test_heic_orientation_and_output():
    stored = with_red_corner((640, 480))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = heic_bytes(stored, exif=exif.tobytes())
    if data is None:
        pytest.skip("this libheif build cannot encode HEIC")
    photo = process_photo(data)
    assert (photo.width, photo.height) == (480, 640)
    assert is_red(open_jpeg(photo.display_jpeg).getpixel((470, 10)))
    assert_no_metadata(photo.display_jpeg)


def test_unusual_modes_are_converted_sensibly():
    grey16 = Image.fromarray(np.full((60, 80), 40000, dtype=np.uint16))
    assert grey16.mode.startswith("I")
    # 40000/65535 is ~61% grey: a naive convert() would clip it to white.
    pixel = open_jpeg(process_photo(encode(grey16, "PNG")).display_jpeg).getpixel((40, 30))
    assert 140 < pixel[0] < 170
    cmyk = open_jpeg(process_photo(encode(scene(25).convert("CMYK"))).display_jpeg)
    assert cmyk.mode == "RGB"
    palette = Image.new("P", (50, 50), 1)
    palette.putpalette(ImagePalette.ImagePalette("RGB", bytes([0, 0, 0, 0, 200, 0])))
    green = open_jpeg(process_photo(encode(palette, "PNG")).display_jpeg).getpixel((25, 25))
    assert green[1] > 150 > green[0]


def test_phash_is_stable_across_reencoding_and_separates_pictures():
    original = scene(30, (1024, 768))
    reference = process_photo(encode(original, quality=92)).phash
    assert len(reference) == 16 and int(reference, 16) >= 0
    variants = [
        encode(original, quality=40),
        encode(original.resize((700, 525)), quality=75),
        encode(original, "PNG"),
        encode(original, "WEBP", quality=60),
    ]
    for data in variants:
        assert hamming(reference, process_photo(data).phash) <= 8
    others = [process_photo(encode(scene(seed, (1024, 768)))).phash for seed in range(31, 37)]
    for other in others:
        assert hamming(reference, other) >= 16


def test_hamming():
    assert hamming("8f373714acfcf4d0", "8f373714acfcf4d0") == 0
    assert hamming("0" * 16, "f" * 16) == 64
    assert hamming("0000000000000001", "0000000000000003") == 1
    with pytest.raises(ValueError):
        hamming("00", "000")


def test_process_photo_rejects_like_validation():
    with pytest.raises(ImageRejected) as caught:
        process_photo(encode(scene(40, (64, 48)), "GIF"))
    assert caught.value.code == "unsupported_type"
    with pytest.raises(ImageRejected) as caught:
        process_photo(b"\xff\xd8\xff" + b"\x00" * 100, max_bytes=50)
    assert caught.value.code == "too_large"
