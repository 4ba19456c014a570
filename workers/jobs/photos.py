"""Photo processing: safe decode, metadata-free derivatives, perceptual hash."""

import logging
import time

from flask import current_app

from dansmarue.media.imaging import ImageRejected, ProcessedPhoto, hash_bits
from dansmarue.media.imaging import process_photo as build_inline
from dansmarue.media.sandbox import Decoder, DecoderCrashed
from dansmarue.models import Photo, db, utcnow
from dansmarue.platform import metrics, storage
from dansmarue.reports import photo_files

log = logging.getLogger(__name__)

_decoder: Decoder | None = None


def decoder() -> Decoder:
    """This worker process's decoding child, (re)made when its settings change."""
    global _decoder
    config = current_app.config
    limits = (
        config["PHOTO_DECODER_MEMORY_MB"],
        config["PHOTO_DECODER_CPU_S"],
        config["PHOTO_DECODER_MAX_JOBS"],
    )
    if _decoder is None or (_decoder.memory_mb, _decoder.cpu_s, _decoder.max_jobs) != limits:
        if _decoder is not None:
            _decoder.close()
        _decoder = Decoder(memory_mb=limits[0], cpu_s=limits[1], max_jobs=limits[2])
    return _decoder


def build_derivatives(data: bytes) -> ProcessedPhoto:
    """The derivatives, built in the sandboxed child unless PHOTO_DECODER=inline."""
    if current_app.config["PHOTO_DECODER"] == "inline":
        return build_inline(data)
    return decoder().process(data)


def process_photo(photo_id: int) -> str:
    """Build the display (800 px) and thumbnail (100 px) JPEGs of a photo.

    Idempotent: a photo already ready, failed or purged is left alone, and the
    derivative keys derive from the photo's random access key, so a re-run
    overwrites the same files. A refused image is marked failed and nothing
    is written; so is one that kills the decoding child (memory or CPU limit,
    signal): refused for good, not retried, and the next photo gets a new child.
    """
    photo = db.session.get(Photo, photo_id, with_for_update=True)
    if photo is None or photo.status != "pending":
        db.session.rollback()
        return "skipped"
    took = metrics.timed()
    try:
        with open(storage.path_of(photo.storage_key), "rb") as handle:
            data = handle.read()
        with took:
            result = build_derivatives(data)
        metrics.PHOTO_SECONDS.labels("ready").observe(took.seconds)
    except (ImageRejected, DecoderCrashed, FileNotFoundError) as exc:
        code = getattr(exc, "code", "missing_file")
        if hasattr(took, "start"):  # decoding was attempted
            metrics.PHOTO_SECONDS.labels("refused").observe(time.perf_counter() - took.start)
        log.warning("photo %s refused: %s", photo_id, exc)
        photo.status = "failed"
        photo.processed_at = utcnow()
        db.session.commit()
        return f"failed: {code}"
    display_key, thumb_key = photo_files.derived_keys(photo.access_key)
    storage.write(display_key, result.display_jpeg)
    storage.write(thumb_key, result.thumb_jpeg)
    photo.display_key, photo.thumb_key = display_key, thumb_key
    photo.width, photo.height = result.source_width, result.source_height
    photo.phash = result.phash
    photo.phash_bits = hash_bits(result.phash)
    photo.status = "ready"
    photo.processed_at = utcnow()
    db.session.commit()
    return "ready"
