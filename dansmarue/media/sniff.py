"""Detect image types from magic bytes only (never from names or Content-Type)."""

from __future__ import annotations

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
HEIF = "image/heif"

ACCEPTED_TYPES = (JPEG, PNG, WEBP, HEIC, HEIF)

EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", HEIC: "heic", HEIF: "heif"}

# Pillow format names each sniffed type may decode as. Phone JPEGs that carry
# a depth map or a second frame open as "MPO", which is still a JPEG stream.
PIL_FORMATS = {
    JPEG: ("JPEG", "MPO"),
    PNG: ("PNG",),
    WEBP: ("WEBP",),
    HEIC: ("HEIF",),
    HEIF: ("HEIF",),
}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# HEVC-coded HEIF brands (stills and sequences) that libde265 can decode.
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
# Generic HEIF brands: the codec is only known from the compatible brands.
_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
# An ftyp box larger than this is not a real image header.
_MAX_FTYP_SIZE = 512


def _ftyp_brands(data: bytes) -> set[bytes] | None:
    """Return major + compatible brands of a leading ISO-BMFF ftyp box."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    size = int.from_bytes(data[0:4], "big")
    if size < 16 or size > _MAX_FTYP_SIZE:
        return None
    end = min(size, len(data))
    brands = {bytes(data[8:12])}
    # Bytes 12..16 are the minor version, compatible brands follow.
    brands.update(bytes(data[i : i + 4]) for i in range(16, end - 3, 4))
    return brands


def sniff_image_type(data: bytes) -> str | None:
    """Return the MIME type of an accepted image format, or None."""
    head = bytes(data[:64])
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == _PNG_SIGNATURE:
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:15] == b"VP8":
        return WEBP
    brands = _ftyp_brands(head)
    if brands:
        if brands & _HEVC_BRANDS:
            return HEIC
        major = head[8:12]
        if major in _GENERIC_HEIF_BRANDS and not brands & _AVIF_BRANDS:
            return HEIF
    return None


def sniff_unsupported_type(data: bytes) -> str | None:
    """Recognise common image formats we refuse, to tell residents why."""
    head = bytes(data[:64])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:2] == b"BM" and len(head) >= 26:
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[:2] == b"\xff\x0a" or head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "image/jxl"
    if head[:4] == b"\x00\x00\x01\x00":
        return "image/vnd.microsoft.icon"
    brands = _ftyp_brands(head)
    if brands and brands & _AVIF_BRANDS:
        return "image/avif"
    return None
