"""Photo pipeline benchmark on one core: raw decode vs naive vs process_photo.

Run: ``python bench/bench_photos.py [--photos 4] [--rounds 8]``. Synthesises
12 MP phone-like JPEGs (gradients, texture, shapes, sensor noise, q90, EXIF
orientation 6), prints a table and appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, features

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import RESULTS, append_results, cpu_model, pin_one_core  # noqa: E402
from dansmarue.media.imaging import (  # noqa: E402
    process_photo,
    strip_metadata_jpeg,
    validate_upload,
)

WIDTH, HEIGHT = 4032, 3024
TARGET_PER_S = 12.0


def synth_phone_jpeg(seed: int, sigma: float = 4.5) -> bytes:
    """A 12 MP JPEG whose entropy resembles a phone photo (~3 MB at q90)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    base = np.empty((HEIGHT, WIDTH, 3), np.float32)
    for c in range(3):
        fx, fy = rng.uniform(1, 4), rng.uniform(1, 3)
        px, py = rng.uniform(0, 3, 2)
        base[..., c] = 128 + 60 * np.sin(xx / WIDTH * np.pi * fx + px) * np.cos(yy / HEIGHT * np.pi * fy + py)
    # Low-frequency texture, like foliage, asphalt or walls.
    low = rng.normal(128, 40, (HEIGHT // 32 + 1, WIDTH // 32 + 1, 3))
    low_img = Image.fromarray(np.clip(low, 0, 255).astype(np.uint8))
    base += np.asarray(low_img.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC), np.float32)
    base -= 128
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        s = int(rng.integers(40, 600))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = rng.integers(0, 3)
        if kind == 0:
            draw.rectangle([x, y, x + s, y + s * 0.6], fill=colour)
        elif kind == 1:
            draw.ellipse([x, y, x + s, y + s], fill=colour)
        else:
            draw.line([x, y, x + 2 * s, y + s], fill=colour, width=int(rng.integers(3, 30)))
    # Sensor noise, mostly luma as after a phone's chroma denoising.
    noisy = np.asarray(img, np.float32) + rng.normal(0, sigma, (HEIGHT, WIDTH, 1))
    img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6  # phones store landscape sensor data + "rotate 90"
    exif[0x010F] = "BenchPhone"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def raw_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        img.load()


def naive_pipeline(data: bytes) -> None:
    """What a straightforward implementation does: full decode, 2 LANCZOS resizes."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        for side in (800, 100):
            ratio = side / max(img.size)
            small = img.resize(
                (round(img.width * ratio), round(img.height * ratio)), Image.Resampling.LANCZOS
            )
            small.save(io.BytesIO(), "JPEG", quality=85)


def measure(fn, photos: list[bytes], rounds: int) -> list[float]:
    fn(photos[0])  # warm caches and lazy imports
    times = []
    for _ in range(rounds):
        for data in photos:
            start = time.perf_counter()
            fn(data)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=4, help="distinct synthetic photos")
    parser.add_argument("--rounds", type=int, default=8, help="passes over the photo set")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    pinning = pin_one_core()
    print(f"Synthesising {args.photos} photos of {WIDTH}x{HEIGHT}...", flush=True)
    photos = [synth_phone_jpeg(seed) for seed in range(args.photos)]
    avg_mb = statistics.mean(len(p) for p in photos) / 1e6
    # A fast but wrong pipeline must not produce a figure: check the output first.
    sample = process_photo(photos[0])
    assert (sample.width, sample.height) == (600, 800), "orientation or sizing is broken"

    cases = [
        ("raw decode (baseline)", raw_decode),
        ("naive: full decode + 2x LANCZOS + encodes", naive_pipeline),
        ("validate_upload (intake check)", validate_upload),
        ("process_photo", process_photo),
        ("strip_metadata_jpeg (original)", strip_metadata_jpeg),
    ]
    rows = []
    for name, fn in cases:
        times = measure(fn, photos, args.rounds)
        mean = statistics.mean(times)
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
        rows.append((name, 1 / mean, p50 * 1000, p95 * 1000, mean))
        print(f"  {name}: {1 / mean:.1f}/s", flush=True)

    base_mean = rows[0][4]
    lines = [
        "| case | photos/s | p50 ms | p95 ms | time vs raw decode |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, rate, p50, p95, mean in rows:
        ratio = mean / base_mean
        lines.append(f"| {name} | {rate:.1f} | {p50:.1f} | {p95:.1f} | {ratio:.2f}x |")
    table = "\n".join(lines)
    ours, naive = rows[3][1], rows[1][1]
    verdict = "MET" if ours >= TARGET_PER_S else "NOT MET"
    context = (
        f"{cpu_model()}, {pinning}; Python {platform.python_version()}, "
        f"Pillow {Image.__version__}, libjpeg-turbo {features.version('libjpeg_turbo') or 'no'}; "
        f"{args.photos} photos x {args.rounds} rounds, {WIDTH}x{HEIGHT} q90 avg {avg_mb:.2f} MB"
    )
    summary = (
        f"process_photo: {ours:.1f} photos/s/core ({ours / naive:.1f}x the naive pipeline), "
        f"target >= {TARGET_PER_S:g}/s: {verdict}"
    )
    print()
    print(context)
    print(table)
    print(summary)

    if not args.no_write:
        append_results(
            "photos (bench/bench_photos.py)",
            f"{context}\n\n{table}\n\n{summary}. process_photo = display 800 px"
            " + thumb 100 px, orientation applied, metadata dropped, pHash.",
        )
        print(f"Appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
