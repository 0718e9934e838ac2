#!/usr/bin/env python3
"""What an AVIF rendition costs to encode, against JPEG and WebP at the same size and quality:
fotogal-process with a one-rendition recipe per format and size over the same photos, one
thread, pinned to one CPU. Prints JSON: per format and size, the median encode step time per
rendition (from the manifests' timings_ms.encode) and the median file size, and AVIF's ratios
to JPEG and WebP.

  bench/avif_encode_cost.py [--photos DIR] [--limit N] [--runs N] [--bin DIR]

Defaults: ../shared/corpus/photos beside the repository, its first 8 photos, 3 runs, build/bin.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = [("jpeg", "jpg"), ("webp", "webp"), ("avif", "avif")]
SIZES = [("large", 2048), ("small", 512)]
QUALITY = 80


def run(binary, files, recipe, out):
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, OPENCV_FOR_THREADS_NUM="1", OMP_NUM_THREADS="1")
    cmd = [str(binary)] + [str(f) for f in files] + ["--out", str(out), "--recipe", str(recipe)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0"] + cmd
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=Path, default=ROOT.parent / "shared" / "corpus" / "photos")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    args = parser.parse_args()
    files = sorted(p for p in args.photos.iterdir() if p.is_file())[:args.limit]
    binary = args.bin / "fotogal-process"
    work = Path(tempfile.mkdtemp(prefix="fotogal-avif-bench-"))
    result = {"images": len(files), "runs": args.runs, "quality": QUALITY, "threads": 1}
    try:
        for size_name, box in SIZES:
            per_format = {}
            for fmt, ext in FORMATS:
                recipe = work / f"{fmt}_{box}.json"
                recipe.write_text(json.dumps({"renditions": [
                    {"name": size_name, "width": box, "height": box, "format": fmt,
                     "quality": QUALITY}], "taggers": {}}))
                run(binary, files, recipe, work / "out")  # warm-up
                ms, sizes = [], []
                for _ in range(args.runs):
                    run(binary, files, recipe, work / "out")
                    for f in files:
                        folder = work / "out" / f.name
                        manifest = json.loads((folder / "manifest.json").read_text())
                        ms.append(manifest["timings_ms"]["encode"])
                        sizes.append((folder / f"{size_name}.{ext}").stat().st_size)
                per_format[fmt] = {"encode_ms_median": round(statistics.median(ms), 1),
                                   "bytes_median": int(statistics.median(sizes))}
            avif = per_format["avif"]["encode_ms_median"]
            per_format["avif_encode_vs_jpeg"] = round(avif / per_format["jpeg"]["encode_ms_median"], 1)
            per_format["avif_encode_vs_webp"] = round(avif / per_format["webp"]["encode_ms_median"], 1)
            result[f"{size_name}_{box}"] = per_format
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
