"""Where photo derivatives live, and what a purged or pending photo shows.

Derivative keys derive from the photo's random access key (43 url-safe
characters), so they are as unguessable as the key itself and a re-run of
the photo job writes the very same files.
"""

import io
import os
from functools import lru_cache

from flask import current_app
from sqlalchemy import select

from dansmarue.errors import NotFound
from dansmarue.models import Photo, db
from dansmarue.platform import storage

VARIANTS = ("display", "thumb")


def derived_keys(access_key: str) -> tuple[str, str]:
    base = f"derived/{access_key[:2]}/{access_key}"
    return f"{base}-display.jpg", f"{base}-thumb.jpg"


def photo_url(photo: Photo, variant: str = "display") -> str:
    """The public URL of a derivative (served by `api.media`)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/media/photos/{photo.access_key}/{variant}"


def variant_key(photo: Photo, variant: str) -> str | None:
    return {"display": photo.display_key, "thumb": photo.thumb_key}.get(variant)


def remove_all(photo: Photo) -> None:
    """Delete the original and the derivatives (used by the purge)."""
    for key in (photo.storage_key, photo.display_key, photo.thumb_key, *derived_keys(photo.access_key)):
        if key:
            storage.delete(key)


@lru_cache(maxsize=4)
def placeholder_jpeg(variant: str) -> bytes:
    """A neutral grey picture, the size of the variant (real: a placeholder)."""
    from PIL import Image, ImageDraw

    side = 100 if variant == "thumb" else 800
    image = Image.new("RGB", (side, side * 3 // 4), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    draw.line((0, 0, image.width, image.height), fill=(160, 160, 160), width=max(1, side // 100))
    draw.line((0, image.height, image.width, 0), fill=(160, 160, 160), width=max(1, side // 100))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def servable(access_key: str, variant: str) -> tuple[str | None, bytes | None]:
    """(file path, None) for a ready derivative, (None, placeholder) for a
    pending or purged photo. Originals are never served: they may still carry
    the phone's metadata; everyone, staff included, sees the derivatives."""
    if variant not in VARIANTS:
        raise NotFound("Variante de photo inconnue (display ou thumb).")
    photo = db.session.scalar(select(Photo).where(Photo.access_key == access_key))
    if photo is None or photo.status == "failed":
        raise NotFound("Photo introuvable.")
    key = variant_key(photo, variant)
    path = storage.path_of(key) if photo.status == "ready" and key else None
    if path is None or not os.path.exists(path):
        return None, placeholder_jpeg(variant)
    return path, None
