"""Lossless removal of private metadata from a JPEG original.

Only marker segments are rewritten; the entropy-coded scans are copied byte
for byte, so pixels are unchanged and the cost is a single pass (~ms).
"""

from __future__ import annotations

import logging
import re

from PIL import Image

from .errors import NOT_AN_IMAGE, TRUNCATED, ImageRejected

log = logging.getLogger(__name__)

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"
_SOS = 0xDA
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE
# Markers that carry no length field.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
# Inside a scan, 0xFF is followed by 0x00 (stuffing) or RSTn; anything else is
# the next marker. 0xFF fill bytes are skipped by matching the last 0xFF.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_ORIENTATION_TAG = 0x0112


def _orientation(exif_payload: bytes) -> int | None:
    """Read the EXIF orientation, ignoring any malformed EXIF."""
    try:
        exif = Image.Exif()
        exif.load(exif_payload)
        value = exif.get(_ORIENTATION_TAG)
    except Exception:  # malformed EXIF must not block the upload
        log.debug("unreadable EXIF while stripping", exc_info=True)
        return None
    return value if isinstance(value, int) and 2 <= value <= 8 else None


def _orientation_only_app1(orientation: int) -> bytes:
    """Build an APP1 segment whose EXIF holds nothing but the orientation."""
    exif = Image.Exif()
    exif[_ORIENTATION_TAG] = orientation
    payload = exif.tobytes()  # starts with b"Exif\0\0"
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def _keep_segment(marker: int, payload: bytes) -> bytes | None:
    """Return the payload to keep for a header segment, or None to drop it."""
    if marker == _APP0:
        # JFIF is kept for its density fields, but its optional embedded
        # thumbnail is zeroed: thumbnails can leak a pre-crop picture.
        if payload.startswith(b"JFIF\x00") and len(payload) >= 14:
            return payload[:12] + b"\x00\x00"
        return None
    if marker == _APP2:
        # ICC profiles are needed to render colours; MPF/FlashPix are not.
        return payload if payload.startswith(b"ICC_PROFILE\x00") else None
    if marker == _APP14:
        # The Adobe segment tells decoders how to interpret CMYK/YCCK data.
        return payload if payload.startswith(b"Adobe") else None
    if 0xE0 <= marker <= 0xEF or marker == _COM:
        return None  # EXIF/GPS, XMP, IPTC, vendor blobs and comments
    return payload  # tables, frame headers, restart interval...


def strip_metadata_jpeg(data: bytes) -> bytes:
    """Return the JPEG without EXIF/GPS, XMP, IPTC, comments or trailers.

    The EXIF orientation is preserved in a minimal APP1 so the stored original
    still displays upright. Anything after the first image's EOI (MPO extra
    frames, vendor trailers, appended scripts) is dropped.
    Raises ImageRejected on a structurally invalid or truncated stream.
    """
    data = bytes(data)
    n = len(data)
    if not data.startswith(_SOI):
        raise ImageRejected(NOT_AN_IMAGE, detail="missing JPEG SOI marker")
    jfif: bytes | None = None
    orientation: int | None = None
    body: list[bytes] = []
    seen_scan = False
    pos = 2
    while True:
        if pos >= n:
            raise ImageRejected(TRUNCATED, detail="JPEG ends before EOI")
        if data[pos] != 0xFF:
            raise ImageRejected(NOT_AN_IMAGE, detail=f"marker expected at {pos}")
        while pos < n and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= n:
            raise ImageRejected(TRUNCATED, detail="JPEG ends inside a marker")
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            break
        if marker in _STANDALONE:
            body.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > n:
            raise ImageRejected(TRUNCATED, detail="JPEG ends inside a segment length")
        length = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + length
        if length < 2:
            raise ImageRejected(NOT_AN_IMAGE, detail="invalid JPEG segment length")
        if end > n:
            raise ImageRejected(TRUNCATED, detail="JPEG segment past end of file")
        payload = data[pos + 2 : end]
        if marker == _SOS:
            match = _NEXT_MARKER.search(data, end)
            if match is None:
                raise ImageRejected(TRUNCATED, detail="JPEG scan without end marker")
            body.append(data[pos - 2 : match.start()])
            seen_scan = True
            pos = match.start()
            continue
        if marker == _APP1 and payload.startswith(b"Exif\x00\x00"):
            orientation = orientation or _orientation(payload)
        kept = _keep_segment(marker, payload)
        if marker == _APP0 and kept is not None and jfif is None:
            jfif = kept
        elif kept is not None:
            body.append(bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept)
        pos = end
    if not seen_scan:
        raise ImageRejected(NOT_AN_IMAGE, detail="JPEG without image data")
    # JFIF must come first when present; EXIF follows immediately after.
    out = [_SOI]
    if jfif is not None:
        out.append(b"\xff\xe0" + (len(jfif) + 2).to_bytes(2, "big") + jfif)
    if orientation is not None:
        out.append(_orientation_only_app1(orientation))
    out.extend(body)
    out.append(_EOI)
    return b"".join(out)
