"""Photo benchmark: a 12-megapixel phone JPEG through process_image against plain Pillow.

The baseline is what one would write without thinking about cost: open, exif_transpose,
thumbnail to 1600 px, save, thumbnail to 400 px, save (the JPEG settings of the pipeline),
measured in the same run, interleaved with the pipeline. Peak memory per upload is the peak
resident size of a fresh process that handles one upload, minus that of an idle process that
imported the same code. tracemalloc would miss Pillow's pixel buffers (allocated in C), and on
Linux ru_maxrss keeps the parent's size across fork and exec (we are a big parent by then), so
the child reads its own high-water mark, VmHWM, where /proc has it.
"""

from __future__ import annotations

import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from app.core.uploads import DISPLAY_QUALITY, THUMBNAIL_QUALITY, process_image

WIDTH, HEIGHT = 4000, 3000
RUNS = 9
MEMORY_RUNS = 3
TARGET_RATIO = 0.60
TARGET_PEAK_MB = 150
ROOT = Path(__file__).resolve().parent.parent


def phone_jpeg() -> bytes:
    """Make a 12-megapixel JPEG that compresses like a photo: soft gradients plus sensor noise."""
    size = (WIDTH, HEIGHT)
    horizontal = Image.linear_gradient("L").resize(size)
    vertical = Image.linear_gradient("L").rotate(90).resize(size)
    radial = Image.radial_gradient("L").resize(size)
    scene = Image.merge("RGB", (horizontal, vertical, radial))
    noise = Image.effect_noise(size, 40).convert("RGB")
    photo = Image.blend(scene, noise, 0.25)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phonemaker"
    exif[ExifTags.Base.Orientation] = 6  # held upright: stored sideways, like most phones
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def baseline(data: bytes) -> tuple[bytes, bytes]:
    """Plain Pillow: decode everything, turn it, shrink twice, save twice."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    image.thumbnail((1600, 1600))
    display = io.BytesIO()
    image.save(display, "JPEG", quality=DISPLAY_QUALITY, optimize=True, progressive=True)
    image.thumbnail((400, 400))
    thumbnail = io.BytesIO()
    image.save(thumbnail, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return display.getvalue(), thumbnail.getvalue()


def pipeline(data: bytes) -> tuple[bytes, bytes]:
    """Our pipeline: draft decoding, reduce, then the same two saves."""
    photo = process_image(data)
    return photo.display, photo.thumbnail


KINDS = {"baseline": baseline, "pipeline": pipeline}


def _time(kind: str, data: bytes) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    KINDS[kind](data)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _peak_kb(kind: str, path: Path) -> int:
    """Run one upload in a fresh interpreter and return its peak resident size in kB."""
    command = [sys.executable, "-m", "bench.photos", "--peak", kind, str(path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def _own_peak_kb() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, kB elsewhere


def _peak_child(kind: str, path: str) -> None:
    if kind != "idle":
        KINDS[kind](Path(path).read_bytes())
    print(_own_peak_kb())


def main() -> None:
    """Print the timing and memory table."""
    data = phone_jpeg()
    timings: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
    for kind in KINDS:  # warm up: first calls load codecs and fill caches
        KINDS[kind](data)
    for _ in range(RUNS):
        for kind in KINDS:  # interleaved, so load from others on the machine hits both alike
            timings[kind].append(_time(kind, data))
    with tempfile.TemporaryDirectory(prefix="leefbaar-bench-") as folder:
        path = Path(folder) / "phone.jpg"
        path.write_bytes(data)
        idle = max(_peak_kb("idle", path) for _ in range(MEMORY_RUNS))
        peaks = {
            kind: max(_peak_kb(kind, path) for _ in range(MEMORY_RUNS)) - idle for kind in KINDS
        }
    wall = {kind: statistics.median(t[0] for t in timings[kind]) for kind in KINDS}
    cpu = {kind: statistics.median(t[1] for t in timings[kind]) for kind in KINDS}
    ratio = wall["pipeline"] / wall["baseline"]
    peak_mb = peaks["pipeline"] / 1024

    print(
        f"\nPhotos: {WIDTH}x{HEIGHT} phone JPEG ({len(data) / 1e6:.1f} MB, EXIF orientation 6),"
        f" median of {RUNS} runs;\npeak = highest peak RSS of {MEMORY_RUNS} fresh processes"
        f" minus that of an idle one ({idle / 1024:.0f} MB)"
    )
    print(f"{'':<36}{'wall ms':>9}{'cpu ms':>9}{'peak MB':>9}{'vs plain':>10}")
    for kind, label in (("baseline", "plain Pillow (baseline)"), ("pipeline", "process_image")):
        print(
            f"{label:<36}{wall[kind]:>9.1f}{cpu[kind]:>9.1f}{peaks[kind] / 1024:>9.1f}"
            f"{wall[kind] / wall['baseline']:>10.2f}"
        )
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"  time:   {ratio:.2f} of the baseline (target <= {TARGET_RATIO:.2f})  {verdict}")
    verdict = "PASS" if peak_mb < TARGET_PEAK_MB else "FAIL"
    print(f"  memory: {peak_mb:.1f} MB per upload (target < {TARGET_PEAK_MB} MB)  {verdict}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--peak":
        _peak_child(sys.argv[2], sys.argv[3])
    else:
        main()
