#!/usr/bin/env python3
"""End-to-end test on the embedded broker: every file of the shared corpus goes through the
quick start (ingest -> broker -> 2 workers -> file storage), then the outcome checker
(check_corpus_outcomes.cpp) asserts what happened to each file.

usage: corpus_e2e.py --bin DIR --checker EXE --corpus DIR --work DIR
"""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

FOLDERS = ["photos", "orientation", "faces", "formats", "bad"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--checker", required=True)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    images = args.work / "images"
    images.mkdir(parents=True)
    for folder in FOLDERS:
        for f in sorted((args.corpus / folder).iterdir()):
            (images / f"{folder}__{f.name}").symlink_to(f.resolve())

    results = args.work / "results.json"
    quickstart = Path(__file__).resolve().parents[2] / "scripts" / "quickstart.py"
    run = subprocess.run([sys.executable, str(quickstart), "--bin", args.bin, "--images",
                          str(images), "--workers", "2", "--json", str(results), "--run-dir",
                          str(args.work / "run"), "--timeout", "480"])
    if run.returncode != 0:
        print(f"quick start exited with {run.returncode}; logs in {args.work / 'run' / 'logs'}")
        return 1
    env = dict(os.environ, FOTOGAL_E2E_RESULTS=str(results),
               FOTOGAL_E2E_STORAGE=str(args.work / "run" / "data"),
               FOTOGAL_CORPUS=str(args.corpus))
    return subprocess.run([args.checker], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
