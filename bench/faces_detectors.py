#!/usr/bin/env python3
"""Face detectors compared on the corpus: YuNet (the default, taggers.faces.detector "yunet")
against the Haar cascade pair (detector "haar") as the peer, on every photo of faces/ and
orientation/, through fotogal-process with the default recipe changed only in the detector.
Per photo: the faces each finds and the median of the "faces" step's time (ms, from the
manifest's timings_ms) over the runs; then totals: faces found on faces/, faces on
orientation/ (none is shown there, so every one is false), false faces on faces/ (boxes a
person checked are not a face: FALSE_ON_FACES below), and the median ms per image with the
ratio YuNet / Haar. Prints one JSON object.

  scripts/build.sh && scripts/models.sh && python3 bench/faces_detectors.py [--runs 5]
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Boxes that are not faces, per detector and photo, as (x, y) of the box's top left in the
# upright picture's pixels (within 8 px), seen by looking at each box drawn on the photo.
FALSE_ON_FACES = {"yunet": {}, "haar": {}}


def run(binary, files, recipe, out):
    subprocess.run([binary, *map(str, files), "--out", str(out), "--recipe", str(recipe)],
                   check=True, stdout=subprocess.DEVNULL)
    results = {}
    for f in files:
        manifest = json.loads((out / f.name / "manifest.json").read_text())
        results[f] = manifest
    return results


def find(manifest, key):
    """`key` anywhere in the manifest (tags and timings sit at the top or under a section)."""
    if isinstance(manifest, dict):
        if key in manifest:
            return manifest[key]
        for v in manifest.values():
            found = find(v, key)
            if found is not None:
                return found
    return None


def false_count(detector, photo, boxes):
    marks = FALSE_ON_FACES[detector].get(photo, [])
    return sum(1 for b in boxes
               if any(abs(b["x"] - x) <= 8 and abs(b["y"] - y) <= 8 for x, y in marks))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / "build" / "bin"))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary = Path(args.bin) / "fotogal-process"
    corpus = Path(args.corpus)
    sets = {d: sorted((corpus / d).iterdir()) for d in ("faces", "orientation")}
    files = sets["faces"] + sets["orientation"]
    report = {"runs": args.runs, "photos": {}, "totals": {}}
    per_detector = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for detector in ("yunet", "haar"):
            recipe = tmp / f"{detector}.json"
            recipe.write_text(json.dumps({
                "renditions": [{"name": "thumb", "width": 256, "height": 256, "fit": "cover"}],
                "taggers": {"faces": {"detector": detector}}}))
            times, found = {f: [] for f in files}, {}
            for r in range(args.runs):
                for f, manifest in run(binary, files, recipe, tmp / f"{detector}-{r}").items():
                    times[f].append(find(manifest, "timings_ms")["faces"])
                    found[f] = find(manifest, "faces")
            per_detector[detector] = (times, found)
    for detector, (times, found) in per_detector.items():
        totals = {"faces_found_on_faces": 0, "false_faces_on_faces": 0,
                  "faces_on_orientation": 0}
        for f in files:
            photo = f"{f.parent.name}/{f.name}"
            boxes = found[f]["boxes"]
            row = report["photos"].setdefault(photo, {})
            row[detector] = {"faces": len(boxes), "ms_median": round(statistics.median(times[f]), 2)}
            if f.parent.name == "faces":
                false = false_count(detector, photo, boxes)
                row[detector]["false"] = false
                totals["faces_found_on_faces"] += len(boxes) - false
                totals["false_faces_on_faces"] += false
            else:
                totals["faces_on_orientation"] += len(boxes)
        for d in ("faces", "orientation"):
            totals[f"ms_per_image_median_{d}"] = round(
                statistics.median(statistics.median(times[f]) for f in sets[d]), 2)
        report["totals"][detector] = totals
    y, h = report["totals"]["yunet"], report["totals"]["haar"]
    report["ratio_ms_yunet_over_haar"] = {
        d: round(y[f"ms_per_image_median_{d}"] / h[f"ms_per_image_median_{d}"], 2)
        for d in ("faces", "orientation")}
    json.dump(report, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
