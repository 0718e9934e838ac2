#!/usr/bin/env python3
"""What the DNN taggers cost: each tagger's milliseconds per image (medians over the photos),
and the default recipe's images/s with and without the DNN taggers, each against
vipsthumbnail making the same four sizes in the same run. One thread, one CPU. Prints JSON.

  bench/dnn_taggers.py [--photos DIR] [--runs N] [--bin DIR] [--dnn NAMES]

Defaults: ../shared/corpus/photos beside the repository, 3 runs, build/bin, --dnn
objects,moderation (the taggers that run a neural network in the tags step). The recipe
"without" is the default recipe (as its manifests show it: the same renditions, every tagger
it ran) minus those taggers. Timings per tagger come from the manifests (`timings_ms`:
`tag.<name>`, and the `faces` step). The peers are run as in process_vs_vipsthumbnail.py
(taskset to CPU 0, OPENCV_FOR_THREADS_NUM=1, VIPS_CONCURRENCY=1), alternating, medians of
wall time and, less disturbed by other work on a shared machine, of CPU time.
Needs the models (scripts/models.sh).
"""
import argparse
import json
import shutil
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import process_vs_vipsthumbnail as base  # noqa: E402  (the shared peers and timing)


def timed(cmd):
    """Runs cmd as the peers are run; returns (wall seconds, CPU seconds of the process).
    CPU time is reported too: on a shared machine it moves less with the neighbours' load."""
    start = time.perf_counter()
    proc = subprocess.Popen(base.pinned(cmd), env=base.one_thread_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def run_recipe(binary, files, out, recipe=None):
    """fotogal-process over every file; returns ((wall, cpu), manifests by file name)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(binary)] + [str(f) for f in files] + ["--out", str(out)]
    if recipe:
        cmd += ["--recipe", str(recipe)]
    seconds = timed(cmd)
    return seconds, {f.name: json.loads((out / f.name / "manifest.json").read_text())
                     for f in files}


def run_vips(files, out):
    """vipsthumbnail making the four sizes, as in process_vs_vipsthumbnail.py; (wall, cpu)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    wall = cpu = 0.0
    for name, box, cover, quality in base.SIZES:
        cmd = ["vipsthumbnail"] + [str(f) for f in files]
        cmd += ["-s", f"{box}x{box}" if cover else f"{box}x{box}>"]
        if cover:
            cmd += ["--smartcrop", "centre"]
        cmd += ["-o", f"{out}/%s_{name}.jpg[Q={quality},strip]"]
        w, c = timed(cmd)
        wall, cpu = wall + w, cpu + c
    return wall, cpu


def recipe_without(manifest, dnn):
    """The default recipe as one of its manifests shows it, minus the taggers named in dnn."""
    renditions = [{"name": name, "width": box, "height": box, "fit": "cover" if cover else "fit",
                   "format": "jpeg", "quality": quality}
                  for name, box, cover, quality in base.SIZES]
    kept = {name: {} for name in manifest["tags"] if name not in dnn}
    return {"renditions": renditions, "taggers": kept}


def tagger_timings(manifests):
    """Tagger name -> its milliseconds on each image (every run's manifests pooled)."""
    per_tagger = {}
    for m in manifests:
        t = m["timings_ms"]
        for key, ms in t.items():
            if key.startswith("tag."):
                per_tagger.setdefault(key[4:], []).append(ms)
        if "faces" in m["tags"] and "faces" in t:
            per_tagger.setdefault("faces", []).append(t["faces"])
    return per_tagger


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=Path, default=base.ROOT.parent / "shared" / "corpus" / "photos")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin", type=Path, default=base.ROOT / "build" / "bin")
    parser.add_argument("--dnn", default="objects,moderation")
    args = parser.parse_args()
    dnn = set(args.dnn.split(","))
    files = sorted(p for p in args.photos.iterdir() if p.is_file())
    binary = args.bin / "fotogal-process"
    work = Path(tempfile.mkdtemp(prefix="fotogal-bench-dnn-"))
    try:
        # Warm-up (page cache, libraries, model files), and the default recipe's shape.
        _, first = run_recipe(binary, files, work / "with")
        missing = dnn - set(next(iter(first.values()))["tags"])
        if missing:
            raise SystemExit(f"the default recipe does not run {sorted(missing)}")
        lean = work / "recipe-without-dnn.json"
        lean.write_text(json.dumps(recipe_without(next(iter(first.values())), dnn)))
        run_recipe(binary, files, work / "without", lean)
        run_vips(files, work / "vips")
        with_s, without_s, vips_s, manifests = [], [], [], []
        for _ in range(args.runs):
            seconds, ms = run_recipe(binary, files, work / "with")
            with_s.append(seconds)
            manifests += ms.values()
            without_s.append(run_recipe(binary, files, work / "without", lean)[0])
            vips_s.append(run_vips(files, work / "vips"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    vips_wall = statistics.median(v[0] for v in vips_s)
    vips_cpu = statistics.median(v[1] for v in vips_s)

    def summary(runs):
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        return {"seconds": round(wall, 3), "images_per_s": round(len(files) / wall, 2),
                "speedup_vs_vipsthumbnail": round(vips_wall / wall, 2),
                "cpu_seconds": round(cpu, 3),
                "speedup_vs_vipsthumbnail_cpu": round(vips_cpu / cpu, 2)}

    timings = tagger_timings(manifests)
    result = {
        "images": len(files), "runs": args.runs, "threads": 1, "dnn_taggers": sorted(dnn),
        "tagger_ms_per_image_median": {name: round(statistics.median(v), 1)
                                       for name, v in sorted(timings.items())},
        "dnn_ms_per_image_median": round(statistics.median(
            sum(m["timings_ms"].get("tag." + n, 0.0) for n in dnn) for m in manifests), 1),
        "default_recipe": summary(with_s),
        "default_recipe_without_dnn": summary(without_s),
        "vipsthumbnail": {"seconds": round(vips_wall, 3),
                          "images_per_s": round(len(files) / vips_wall, 2),
                          "cpu_seconds": round(vips_cpu, 3)},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
