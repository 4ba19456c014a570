"""Mode and colour-space normalisation before JPEG encoding."""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from PIL import Image, ImageCms

log = logging.getLogger(__name__)


def flatten(img: Image.Image) -> Image.Image:
    """Reduce any decoded mode to L, RGB or CMYK; transparency goes on white."""
    mode = img.mode
    if mode in ("L", "RGB", "CMYK"):
        return img
    if mode.startswith("I;16") or mode == "I":
        return img.point(lambda v: v * (1 / 257), "L")  # 16-bit -> 8-bit, not clipped
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode in ("LA", "La", "PA", "RGBa"):
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.getchannel("A"))
        return background
    return img.convert("RGB")


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@lru_cache(maxsize=16)
def _transform_to_srgb(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Colour transform from an embedded profile, cached (phones reuse a few)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return None
        return ImageCms.buildTransform(source, _srgb_profile(), mode, "RGB")
    except Exception:  # broken or mismatched profile: fall back to plain convert
        log.debug("unusable ICC profile", exc_info=True)
        return None


def to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to RGB, honouring an embedded profile (e.g. Display P3, CMYK).

    Outputs carry no ICC profile, so pixels must already be sRGB.
    """
    if icc and img.mode in ("RGB", "CMYK"):
        transform = _transform_to_srgb(bytes(icc), img.mode)
        if transform is not None:
            try:
                return transform.apply(img)  # a new image, as applyTransform(img, transform)
            except Exception:
                log.debug("ICC transform failed", exc_info=True)
    return img if img.mode == "RGB" else img.convert("RGB")
