"""Images built in code for the media tests (no binary fixtures in the repo)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A structured picture (gradient, shapes, noise) that hashes distinctly per seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    ramp = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    base = 40 + 150 * ramp * rng.uniform(0.3, 1, 3)[None, None, :] * np.ones((h, 1, 1))
    img = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        s = int(rng.integers(w // 10, w // 3))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle([x, y, x + s, y + s // 2], fill=colour)
        draw.ellipse([w - x, h - y, w - x + s // 2, h - y + s // 2], fill=colour[::-1])
    noisy = np.asarray(img, np.int16) + rng.integers(-6, 7, (h, w, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def encode(img: Image.Image, fmt: str = "JPEG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)
    gps[3], gps[4] = "E", (2.0, 21.0, 7.0)
    return exif


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every header segment before the first scan."""
    assert data[:2] == b"\xff\xd8"
    pos, found = 2, []
    while True:
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        found.append((marker, data[pos + 4 : pos + 2 + length]))
        if marker == 0xDA:
            return found
        pos += 2 + length


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_of_zeros(width: int, height: int) -> bytes:
    """A valid greyscale PNG that declares huge dimensions but compresses tiny."""
    comp = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def heic_bytes(img: Image.Image, exif: bytes | None = None) -> bytes | None:
    """Encode HEIC without registering the Pillow plugin (the code under test
    must do that itself); None when this libheif build cannot encode."""
    try:
        import pillow_heif

        buf = io.BytesIO()
        pillow_heif.from_pillow(img).save(buf, quality=80, exif=exif)
    except Exception:  # missing encoder in some libheif builds
        return None
    return buf.getvalue()


def linear_rgb_icc() -> bytes:
    """A minimal ICC v2 profile: sRGB primaries with a linear (gamma 1.0) curve.

    Pixels tagged with it must be brightened when converted to sRGB, which
    makes it easy to check that embedded profiles are honoured.
    """

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))

    name = b"Linear RGB test\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(name)) + name + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100) + b"\0\0"  # gamma 1.0, padded
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = [], b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table.append(struct.pack(">4sII", signature, offset + len(body), len(data)))
        body += data
    size = offset + len(body)
    header = struct.pack(
        ">I4sI4s4s4s12s4s", size, b"", 0x02100000, b"mntr", b"RGB ", b"XYZ ", bytes(12), b"acsp"
    )
    header += bytes(24) + xyz(0.9642, 1.0, 0.8249)[8:]
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + b"".join(table) + body
