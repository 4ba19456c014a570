"""The photo job decodes in a long-lived child with memory and CPU limits (#12.1):
a photo that kills the child fails alone, and the next one gets a new child."""

import contextlib
import io
import logging
import os
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Config, Flask
from PIL import Image
from redis import Redis
from sqlalchemy.orm import Session

from dansmarue.jobs import outbox
from dansmarue.jobs.registry import PROCESS_PHOTO
from dansmarue.jobs.relay import relay_pending
from dansmarue.media.imaging import ImageRejected
from dansmarue.media.sandbox import Decoder, DecoderCrashed
from tests.conftest import TEST_DATABASE_URL
from tests.workers.conftest import jpeg_bytes, new_report, run_burst
from tests.workers.test_entry_points import ROOT, wait_for
from tests.workers.test_photos import stored_photo
from workers.jobs import photos
from workers.worker import start_photo_decoder


def vm_size_mb(pid: int | None) -> int:
    assert pid is not None
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) // 1024


def huge_png(side: int = 6000) -> bytes:
    """36 Mpx (within MAX_PIXELS), a few kB on disk, ~100 MB once decoded."""
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (90, 120, 150)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def decoder_config(ctx: Session, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Config]:
    """Sandbox on; a fresh child for this test, stopped after it."""
    monkeypatch.setitem(app.config, "PHOTO_DECODER", "sandbox")
    if photos._decoder is not None:
        photos._decoder.close()
    yield app.config
    if photos._decoder is not None:
        photos._decoder.close()


def tight_memory(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A memory cap the idle child fits in, but not a 36 Mpx picture (~100 MB)."""
    probe = Decoder(memory_mb=4096)
    probe.start()
    probe.process(jpeg_bytes())
    baseline = vm_size_mb(probe.pid)
    probe.close()
    monkeypatch.setitem(app.config, "PHOTO_DECODER_MEMORY_MB", baseline + 40)


def test_a_photo_is_processed_in_the_child(decoder_config: Config, ctx: Session) -> None:
    report = new_report(ctx)
    photo = stored_photo(ctx, report, jpeg_bytes(900, 600))
    assert photos.process_photo(photo.id) == "ready"
    child = photos._decoder
    assert child is not None and child.pid is not None and child.pid != os.getpid()
    ctx.refresh(photo)
    assert photo.status == "ready" and (photo.width, photo.height) == (900, 600)


def test_a_photo_killing_the_decoder_fails_alone_through_the_worker(
    decoder_config: Config,
    ctx: Session,
    app: Flask,
    redis_conn: Redis,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tight_memory(app, monkeypatch)
    good = stored_photo(ctx, new_report(ctx), jpeg_bytes(900, 600))
    hostile = stored_photo(ctx, new_report(ctx), huge_png())
    after = stored_photo(ctx, new_report(ctx), jpeg_bytes(640, 480))
    assert photos.process_photo(good.id) == "ready"
    first_child = photos.decoder().pid
    for photo in (hostile, after):
        outbox.add_job(PROCESS_PHOTO, photo.id, photo_id=photo.id)
    ctx.commit()
    relay_pending()
    with caplog.at_level(logging.WARNING, logger="workers.jobs.photos"):
        run_burst(redis_conn)
    assert f"photo {hostile.id} refused: decoder_crashed" in caplog.text
    for photo in (good, hostile, after):
        ctx.refresh(photo)
    assert (good.status, hostile.status, after.status) == ("ready", "failed", "ready")
    assert hostile.display_key is None
    assert photos.decoder().pid not in (None, first_child)  # replaced after the crash
    assert photos.process_photo(hostile.id) == "skipped"  # refused for good


def test_the_same_picture_passes_inline(
    decoder_config: Config, ctx: Session, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash above is the child's memory cap, not a bad file."""
    tight_memory(app, monkeypatch)
    monkeypatch.setitem(app.config, "PHOTO_DECODER", "inline")
    report = new_report(ctx)
    photo = stored_photo(ctx, report, huge_png())
    assert photos.process_photo(photo.id) == "ready"
    assert photos._decoder is None or photos._decoder.pid is None


def test_the_child_is_replaced_after_max_jobs(
    decoder_config: Config, ctx: Session, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PHOTO_DECODER_MAX_JOBS", 2)
    pids = []
    for _ in range(5):
        photo = stored_photo(ctx, new_report(ctx), jpeg_bytes(120, 90))
        assert photos.process_photo(photo.id) == "ready"
        pids.append(photos.decoder().pid)
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]


def test_a_child_killed_between_photos_is_replaced_without_failing_one() -> None:
    decoder = Decoder(memory_mb=4096)
    try:
        decoder.process(jpeg_bytes())
        first = decoder.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        child = decoder._process
        assert child is not None
        child.join(10)  # gone before the next photo (a death during one fails it)
        assert decoder.process(jpeg_bytes()).width == 64
        assert decoder.pid not in (None, first)
    finally:
        decoder.close()


def test_a_photo_over_the_memory_cap_raises_decoder_crashed() -> None:
    decoder = Decoder(memory_mb=4096)
    try:
        decoder.process(jpeg_bytes())
        decoder.memory_mb = vm_size_mb(decoder.pid) + 40
        decoder.start()
        with pytest.raises(DecoderCrashed, match="out of memory|killed|exited"):
            decoder.process(huge_png())
        assert decoder.process(jpeg_bytes()).height == 48
    finally:
        decoder.close()


def test_the_simple_worker_pre_starts_its_child(decoder_config: Config, app: Flask) -> None:
    start_photo_decoder(app)
    assert photos._decoder is not None and photos._decoder.pid is not None
    started = photos._decoder.pid
    assert photos.decoder().pid == started  # the first photo uses it


def test_no_child_with_the_inline_decoder(
    decoder_config: Config, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PHOTO_DECODER", "inline")
    start_photo_decoder(app)
    assert photos._decoder is None or photos._decoder.pid is None


def decoder_children(pid: int) -> list[int]:
    """Spawned children of `pid` (not multiprocessing's resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        pids = [int(child) for child in listing.read().split()]
    found = []
    for child in pids:
        with open(f"/proc/{child}/cmdline", "rb") as cmdline:
            if b"spawn_main" in cmdline.read():
                found.append(child)
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_simple_worker_runs_one_child_and_stops_it(
    app: Flask, redis_conn: Redis, signum: int, tmp_path: Path
) -> None:
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": app.config["REDIS_URL"]}
    env |= {"MEDIA_ROOT": app.config["MEDIA_ROOT"], "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "workers.worker", "--simple"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(process, log_path, "ready: Ctrl-C")
        (child,) = decoder_children(process.pid)  # the decoder, started before the first job
        os.kill(child, 0)
        process.send_signal(signum)
        assert process.wait(timeout=60) == 0, log_path.read_text()[-3000:]
        with pytest.raises(ProcessLookupError):
            os.kill(child, 0)
    finally:
        if process.poll() is None:
            process.kill()


def test_ctrl_c_does_not_kill_the_child_under_its_photo() -> None:
    """Ctrl-C reaches the process group; the worker finishes its job (warm shutdown)."""
    decoder = Decoder(memory_mb=4096)
    try:
        decoder.process(jpeg_bytes())
        first = decoder.pid
        assert first is not None
        os.kill(first, signal.SIGINT)
        assert decoder.process(jpeg_bytes()).width == 64
        assert decoder.pid == first
    finally:
        decoder.close()


def test_a_stuck_child_is_given_up_and_replaced() -> None:
    """A child that never answers (stopped here) fails its photo after
    3 x PHOTO_DECODER_CPU_S + 5 s of wall time; the next photo gets a new child."""
    decoder = Decoder(memory_mb=4096, cpu_s=1)
    try:
        decoder.process(jpeg_bytes())
        first = decoder.pid
        assert first is not None
        os.kill(first, signal.SIGSTOP)
        with pytest.raises(DecoderCrashed, match="no answer"):
            decoder.process(jpeg_bytes())
        assert decoder.process(jpeg_bytes()).width == 64
        assert decoder.pid not in (None, first)
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)
    finally:
        decoder.close()


def test_an_unreadable_answer_is_a_crash() -> None:
    from dansmarue.media.sandbox import _pack, _reply

    with pytest.raises(struct.error):  # one of the errors Decoder.process maps to DecoderCrashed
        _reply(b"\x00\x00\x00\x09garbage")  # sizes past the end
    with pytest.raises(ImageRejected) as refused:
        _reply(_pack({"rejected": "truncated", "reason": "Incomplet.", "detail": None}))
    assert refused.value.code == "truncated"


@pytest.mark.parametrize(
    ("name", "value"),
    [("PHOTO_DECODER", "fork"), ("PHOTO_DECODER_MEMORY_MB", "0"), ("PHOTO_DECODER_MAX_JOBS", "-1")],
)
def test_bad_decoder_settings_stop_the_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    from dansmarue.settings import Config

    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        Config()


def test_the_child_ends_when_its_worker_is_killed_outright(
    app: Flask, redis_conn: Redis, tmp_path: Path
) -> None:
    """SIGKILL: no exit hook runs, and RQ's forked scheduler still holds the pipe."""
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "REDIS_URL": app.config["REDIS_URL"]}
    env |= {"MEDIA_ROOT": app.config["MEDIA_ROOT"], "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "workers.worker", "--simple"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_for(process, log_path, "ready: Ctrl-C")
    (child,) = decoder_children(process.pid)
    with open(f"/proc/{process.pid}/task/{process.pid}/children") as listing:
        others = [int(pid) for pid in listing.read().split() if int(pid) != child]
    process.kill()
    process.wait()
    try:
        for _ in range(300):  # bounded wait for the child to notice (it checks every second)
            with open(f"/proc/{child}/stat") as stat:
                if stat.read().split(") ")[1][0] in "ZX":
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the decoder outlived its worker")
    except FileNotFoundError:
        pass  # already reaped
    finally:
        for pid in others:  # RQ's scheduler and multiprocessing's tracker, orphaned by SIGKILL
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
