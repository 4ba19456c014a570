"""Hostile image decoding in a long-lived child process (issue #12.1).

A ``Decoder`` starts one child (multiprocessing ``spawn``: a fresh
interpreter, nothing inherited but the pipe) that caps its own address space
(``RLIMIT_AS``) and, before each photo, its CPU time (``RLIMIT_CPU``), then
runs :func:`dansmarue.media.imaging.process_photo` on the bytes it receives.
A child that dies during a photo (memory limit, signal, CPU limit, the
parent's wall-clock timeout) makes that call raise ``DecoderCrashed`` and is
replaced by a new one for the next call; a child is also replaced after
``max_jobs`` photos. Only bytes cross the pipe (no pickle from the child):
a subverted decoder cannot make the worker unpickle objects.
Pure: no Flask, no database.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import struct
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from .errors import ImageRejected
from .imaging import ProcessedPhoto

__all__ = ["Decoder", "DecoderCrashed"]

CRASHED = "decoder_crashed"
_EXIT_MEMORY = 70  # the child ran out of its address space
_EXIT_ERROR = 71  # anything else unexpected: the child's state is not trusted


class DecoderCrashed(Exception):
    """The child died while decoding a photo: that photo is refused for good."""

    code = CRASHED
    reason = "L'image n'a pas pu être traitée."

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"{CRASHED}: {detail}")


def _pack(header: dict[str, object], *blobs: bytes) -> bytes:
    head = json.dumps(header).encode()
    parts = [head, *blobs]
    return struct.pack(f">{len(parts) + 1}I", len(parts), *map(len, parts)) + b"".join(parts)


def _unpack(message: bytes) -> tuple[dict[str, object], list[bytes]]:
    """Header and blobs of a reply: a count, the sizes, then the parts."""
    (count,) = struct.unpack_from(">I", message)
    sizes = struct.unpack_from(f">{count}I", message, 4)
    offset, parts = 4 * (count + 1), []
    for size in sizes:
        parts.append(message[offset : offset + size])
        offset += size
    return json.loads(parts[0]), parts[1:]


def _child(conn: Connection, memory_mb: int, cpu_s: int, parent: int) -> None:
    """The child's loop: warm up, cap memory, then one photo per message."""
    import io
    import signal

    # Ctrl-C reaches the whole process group: the worker finishes its photo
    # (RQ's warm shutdown), so the child must not die under it. It ends when
    # the worker closes the pipe, or by SIGTERM (multiprocessing's exit hook).
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    from PIL import Image

    from . import imaging

    warm = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(warm, "JPEG")
    imaging.process_photo(warm.getvalue())  # lazy imports happen before the cap
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        # A worker killed outright leaves the pipe open in the processes it
        # forked (RQ's scheduler): its child ends when it is orphaned.
        while not conn.poll(1.0):
            if os.getppid() != parent:
                return
        try:
            data = conn.recv_bytes()
        except EOFError:
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        budget = int(used.ru_utime + used.ru_stime) + 1 + cpu_s
        if hard != resource.RLIM_INFINITY:
            budget = min(budget, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (budget, hard))  # SIGXCPU ends the child
        try:
            photo = imaging.process_photo(data)
        except ImageRejected as exc:
            reply = _pack({"rejected": exc.code, "reason": exc.reason, "detail": exc.detail})
        except MemoryError:
            os._exit(_EXIT_MEMORY)
        except BaseException:
            os._exit(_EXIT_ERROR)
        else:
            fields = {
                "width": photo.width,
                "height": photo.height,
                "phash": photo.phash,
                "source_width": photo.source_width,
                "source_height": photo.source_height,
            }
            reply = _pack(fields, photo.display_jpeg, photo.thumb_jpeg)
        conn.send_bytes(reply)


class Decoder:
    """One worker process's decoding child; not thread-safe (one job at a time)."""

    def __init__(self, *, memory_mb: int = 1024, cpu_s: int = 20, max_jobs: int = 200) -> None:
        if memory_mb <= 0 or cpu_s <= 0 or max_jobs <= 0:
            raise ValueError("memory_mb, cpu_s and max_jobs must be positive")
        self.memory_mb, self.cpu_s, self.max_jobs = memory_mb, cpu_s, max_jobs
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._owner = 0
        self._jobs = 0

    @property
    def pid(self) -> int | None:
        """The current child's pid (None before the first start)."""
        return self._process.pid if self._process is not None and self._owner == os.getpid() else None

    def start(self) -> None:
        """Start the child now (the worker does this once, before its first job)."""
        self.close()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        limits = (self.memory_mb, self.cpu_s, os.getpid())
        process = context.Process(target=_child, args=(child, *limits), name="photo-decoder", daemon=True)
        process.start()
        child.close()
        self._process, self._conn, self._owner, self._jobs = process, parent, os.getpid(), 0

    def close(self) -> None:
        """Stop the child (if any); the next call starts another."""
        process, conn, owned = self._process, self._conn, self._owner == os.getpid()
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None and owned:
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join()

    def _ready(self) -> tuple[BaseProcess, Connection]:
        # A forked RQ horse inherits its parent's child: it starts its own.
        alive = self._process is not None and self._owner == os.getpid() and self._process.is_alive()
        if not alive or self._jobs >= self.max_jobs:
            self.start()
        assert self._process is not None and self._conn is not None
        return self._process, self._conn

    def process(self, data: bytes) -> ProcessedPhoto:
        """Derivatives of ``data`` built in the child; raises ImageRejected
        exactly like ``imaging.process_photo``, or DecoderCrashed."""
        process, conn = self._ready()
        self._jobs += 1
        try:
            conn.send_bytes(bytes(data))
            # CPU time never exceeds wall time: past this, the child is stuck.
            if not conn.poll(self.cpu_s * 3 + 5):
                raise DecoderCrashed(f"no answer within {self.cpu_s * 3 + 5} s")
            reply = conn.recv_bytes()
        except (EOFError, OSError, DecoderCrashed) as exc:
            process.kill()
            process.join()
            self.close()
            if isinstance(exc, DecoderCrashed):
                raise
            raise DecoderCrashed(_death(process.exitcode)) from None
        try:
            return _reply(reply)
        except (struct.error, ValueError, KeyError):  # not what our child sends
            self.close()
            raise DecoderCrashed("unreadable answer from the decoder") from None


def _reply(reply: bytes) -> ProcessedPhoto:
    """The photo in a child's answer, or the ImageRejected it carries."""
    head, blobs = _unpack(reply)
    if "rejected" in head:
        raise ImageRejected(str(head["rejected"]), str(head["reason"]), detail=_text(head["detail"]))
    display, thumb = blobs
    return ProcessedPhoto(
        display_jpeg=display,
        thumb_jpeg=thumb,
        width=int(str(head["width"])),
        height=int(str(head["height"])),
        phash=str(head["phash"]),
        source_width=int(str(head["source_width"])),
        source_height=int(str(head["source_height"])),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _death(exitcode: int | None) -> str:
    if exitcode == _EXIT_MEMORY:
        return "the decoder ran out of memory"
    if exitcode is not None and exitcode < 0:
        return f"the decoder was killed by signal {-exitcode}"
    return f"the decoder exited with status {exitcode}"
