#!/usr/bin/env python3
"""fotogal-process (default recipe) against vipsthumbnail, and against a one-decode pyvips script
(bench/pyvips_renditions.py, the peer the speed bound is set against), each making the same set
of sizes from the same photos, one thread each, medians of several runs. Prints JSON.
fotogal-process also runs a recipe with the same four renditions and no taggers
("fotogal_process_renditions_only"): "speedup_vs_pyvips_one_decode" compares that run, the
same work as the pyvips script; "default_recipe_speedup_vs_pyvips_one_decode" the default one.

  bench/process_vs_vipsthumbnail.py [--photos DIR] [--runs N] [--bin DIR]

Defaults: ../shared/corpus/photos beside the repository, 5 runs, build/bin.

Both sides are pinned to one CPU (taskset) and told to use one thread (OpenCV:
OPENCV_FOR_THREADS_NUM=1, libvips: VIPS_CONCURRENCY=1). vipsthumbnail is run once per size
over all files (it makes one size per run; each run decodes every file again, with its own
shrink-on-load), writing JPEGs with the recipe's qualities and no metadata (strip). The "floor"
is the time fotogal-process itself spends in its decode (at the chosen scale) and encode steps,
summed from its manifests: what is left when resizing, colour and tags cost nothing.
Peak RSS is the kernel's ru_maxrss of each process (the largest vipsthumbnail run).

The pyvips peer decodes each photo once (shrink-on-load to the largest size) and reduces the
three others from that decode, like fotogal-process. pyvips (pinned) is installed on first use
into a venv under $FOTOGAL_TOOLS (default ~/.cache/fotogal/tools; needs python3-venv, from
scripts/deps.sh, and PyPI), over Debian's libvips42 that libvips-tools brings.
"sharpness_vs_pyvips_one_decode" compares the delivered renditions of both (variance of the
Laplacian, ours / peer's, bench/rendition_sharpness.py): the issue's bound is min_ratio >= 0.95.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYVIPS_VERSION = "2.2.3"
# The default recipe's renditions: (name, box, cover?, JPEG quality).
SIZES = [("large", 2048, False, 85), ("medium", 1024, False, 82), ("small", 512, False, 80),
         ("thumb", 256, True, 80)]


def one_thread_env():
    env = dict(os.environ, OPENCV_FOR_THREADS_NUM="1", VIPS_CONCURRENCY="1", OMP_NUM_THREADS="1")
    return env


def pinned(cmd):
    return (["taskset", "-c", "0"] + cmd) if shutil.which("taskset") else cmd


def timed(cmd):
    """Runs cmd; returns (seconds, peak RSS in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(pinned(cmd), env=one_thread_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{cmd[0]} exited with {code}")
    return elapsed, usage.ru_maxrss


def pyvips_python():
    """A Python that has pyvips: a pinned venv, made on first use."""
    tools = Path(os.environ.get("FOTOGAL_TOOLS") or
                 Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fotogal" /
                 "tools")
    venv = tools / f"pyvips-{PYVIPS_VERSION}"
    python = venv / "bin" / "python"
    ready = python.exists() and subprocess.run([str(python), "-c", "import pyvips"],
                                               capture_output=True).returncode == 0
    if not ready:
        print(f"installing pyvips {PYVIPS_VERSION} into {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"pyvips=={PYVIPS_VERSION}"],
                       check=True)
    return python


def renditions_only_recipe(path):
    """The default recipe's four renditions and nothing else: the same work as the pyvips
    script, which makes the same sizes and computes no tags."""
    path.write_text(json.dumps({
        "renditions": [{"name": n, "width": box, "height": box, "fit": "cover" if cover else "fit",
                        "format": "jpeg", "quality": q} for n, box, cover, q in SIZES],
        "taggers": {}}))
    return path


def run_ours(binary, files, out, recipe=None):
    shutil.rmtree(out, ignore_errors=True)
    extra = ["--recipe", str(recipe)] if recipe else []
    seconds, rss = timed([str(binary)] + [str(f) for f in files] + ["--out", str(out)] + extra)
    floor = 0.0
    for f in files:
        manifest = json.loads((out / f.name / "manifest.json").read_text())
        t = manifest["timings_ms"]
        floor += (t["decode"] + t["encode"]) / 1000.0
    return seconds, rss, floor


def run_vips(files, out):
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    total, peak = 0.0, 0
    for name, box, cover, quality in SIZES:
        cmd = ["vipsthumbnail"] + [str(f) for f in files]
        cmd += ["-s", f"{box}x{box}" if cover else f"{box}x{box}>"]
        if cover:
            cmd += ["--smartcrop", "centre"]
        cmd += ["-o", f"{out}/%s_{name}.jpg[Q={quality},strip]"]
        seconds, rss = timed(cmd)
        total += seconds
        peak = max(peak, rss)
    return total, peak


def run_pyvips(python, files, out):
    shutil.rmtree(out, ignore_errors=True)
    return timed([str(python), str(ROOT / "bench" / "pyvips_renditions.py"), str(out)] +
                 [str(f) for f in files])


def run_vips_largest_only(files, out):
    """For context: vipsthumbnail making only the largest size (one decode per file)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    name, box, _, quality = SIZES[0]
    return timed(["vipsthumbnail"] + [str(f) for f in files] + [
        "-s", f"{box}x{box}>", "-o", f"{out}/%s_{name}.jpg[Q={quality},strip]"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=Path, default=ROOT.parent / "shared" / "corpus" / "photos")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    args = parser.parse_args()
    files = sorted(p for p in args.photos.iterdir() if p.is_file())
    binary = args.bin / "fotogal-process"
    python = pyvips_python()
    work = Path(tempfile.mkdtemp(prefix="fotogal-bench-"))
    try:
        # One warm-up each (page cache, shared libraries), then alternate the peers.
        only = renditions_only_recipe(work / "renditions-only.json")
        run_ours(binary, files, work / "ours")
        run_ours(binary, files, work / "ours-renditions", only)
        run_vips(files, work / "vips")
        run_pyvips(python, files, work / "pyvips")
        ours, ours_only, vips, vips_one, pyv = [], [], [], [], []
        for _ in range(args.runs):
            ours.append(run_ours(binary, files, work / "ours"))
            ours_only.append(run_ours(binary, files, work / "ours-renditions", only))
            pyv.append(run_pyvips(python, files, work / "pyvips"))
            vips.append(run_vips(files, work / "vips"))
            vips_one.append(run_vips_largest_only(files, work / "vips1"))
        sharpness = json.loads(subprocess.run(
            [str(python), str(ROOT / "bench" / "rendition_sharpness.py"), str(work / "ours"),
             str(work / "pyvips")], check=True, capture_output=True, text=True).stdout)
        megapixels = 0.0
        for f in files:
            m = json.loads((work / "ours" / f.name / "manifest.json").read_text())
            megapixels += m["source"]["width"] * m["source"]["height"] / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def summary(seconds, rss_kb):
        return {"seconds": round(seconds, 3), "images_per_s": round(len(files) / seconds, 2),
                "megapixels_per_s": round(megapixels / seconds, 1),
                "peak_rss_mb": round(rss_kb / 1024, 1)}

    ours_s = statistics.median(r[0] for r in ours)
    only_s = statistics.median(r[0] for r in ours_only)
    vips_s = statistics.median(r[0] for r in vips)
    pyvips_s = statistics.median(r[0] for r in pyv)
    floor_s = statistics.median(r[2] for r in ours)
    result = {
        "images": len(files), "megapixels": round(megapixels, 1), "runs": args.runs,
        "threads": 1, "sizes": [s[0] for s in SIZES],
        "fotogal_process": summary(ours_s, max(r[1] for r in ours)),
        "fotogal_process_renditions_only": summary(only_s, max(r[1] for r in ours_only)),
        "vipsthumbnail": summary(vips_s, max(r[1] for r in vips)),
        "vipsthumbnail_largest_size_only": summary(statistics.median(r[0] for r in vips_one),
                                                   max(r[1] for r in vips_one)),
        "floor_decode_plus_encode": {"seconds": round(floor_s, 3),
                                     "images_per_s": round(len(files) / floor_s, 2),
                                     "megapixels_per_s": round(megapixels / floor_s, 1)},
        "pyvips_one_decode": summary(pyvips_s, max(r[1] for r in pyv)),
        "speedup_vs_vipsthumbnail": round(vips_s / ours_s, 2),
        # The same four sizes on both sides (the bound); the default recipe also
        # computes every tag, DNN taggers included, which the pyvips script does not.
        "speedup_vs_pyvips_one_decode": round(pyvips_s / only_s, 2),
        "default_recipe_speedup_vs_pyvips_one_decode": round(pyvips_s / ours_s, 2),
        "sharpness_vs_pyvips_one_decode": sharpness,
        "share_of_time_in_floor": round(floor_s / ours_s, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
