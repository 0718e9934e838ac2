#!/usr/bin/env python3
"""End-to-end test with FOTOGAL_STORAGE=s3://…: the quick start (embedded broker, ingest,
2 workers) stores originals, renditions and manifests in a fresh bucket of the S3 test
server (versitygw, started by the CTest fixture), then every stored key is read back through
the S3 API with curl's SigV4 signing.

Needs FOTOGAL_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (set by CTest).
usage: s3_e2e.py --bin DIR --corpus DIR --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

PHOTOS = ["exif_jolla.jpg", "mei_Apple_iPhone_5.jpg", "exif_gps_DSCN0010.jpg"]
BAD = ["broken_80B.png", "bomb_png_65536x65536.png"]
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def s3(method, endpoint, path, out=None):
    """A SigV4-signed request with curl; returns (status, body)."""
    cmd = ["curl", "-s", "-X", method, "--aws-sigv4", "aws:amz:us-east-1:s3",
           "--user", f"{os.environ['AWS_ACCESS_KEY_ID']}:{os.environ['AWS_SECRET_ACCESS_KEY']}",
           # curl signs but does not send the payload hash S3 requires; no body: empty hash.
           "-H", f"x-amz-content-sha256: {EMPTY_SHA256}",
           "-o", out or "-", "-w", "\n%{http_code}", f"{endpoint}{path}"]
    if method == "HEAD":
        cmd[2:4] = ["-I"]
    result = subprocess.run(cmd, capture_output=True, check=True)
    body, _, status = result.stdout.rpartition(b"\n")
    return int(status), body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args()
    endpoint = os.environ["FOTOGAL_TEST_S3_ENDPOINT"]

    shutil.rmtree(args.work, ignore_errors=True)
    images = args.work / "images"
    images.mkdir(parents=True)
    for name in PHOTOS:
        (images / name).symlink_to((args.corpus / "photos" / name).resolve())
    for name in BAD:
        (images / name).symlink_to((args.corpus / "bad" / name).resolve())

    bucket = f"fotogal-e2e-{uuid.uuid4().hex[:12]}"
    status, body = s3("PUT", endpoint, f"/{bucket}")
    if status != 200:
        print(f"FAIL: create bucket {bucket}: HTTP {status} {body[:200]!r}")
        return 1
    storage = f"s3://{bucket}?endpoint={endpoint}&region=us-east-1"
    results = args.work / "results.json"
    quickstart = Path(__file__).resolve().parents[2] / "scripts" / "quickstart.py"
    run = subprocess.run([sys.executable, str(quickstart), "--bin", args.bin, "--images",
                          str(images), "--workers", "2", "--json", str(results), "--run-dir",
                          str(args.work / "run"), "--timeout", "300", "--storage", storage])
    if run.returncode != 0:
        print(f"FAIL: quick start exited with {run.returncode}; logs in {args.work / 'run' / 'logs'}")
        return 1
    if (args.work / "run" / "data").exists():
        print("FAIL: objects went to a local folder, not to S3")
        return 1

    problems, checked = [], 0
    records = {Path(r["file"]).name: r for r in json.loads(results.read_text())["images"]}
    for name in PHOTOS:
        r = records[name]
        if r["status"] != "processed" or not r.get("renditions"):
            problems.append(f"{name}: {r['status']}, expected processed with renditions")
            continue
        image_id = r["id"]
        status, body = s3("GET", endpoint, f"/{bucket}/manifests/{image_id}.json")
        manifest = json.loads(body) if status == 200 else {}
        if manifest.get("status") != "processed":
            problems.append(f"{name}: manifest in S3: HTTP {status}, {manifest.get('status')}")
        source_key = manifest.get("source", {}).get("key", f"originals/{image_id}")
        original = args.work / f"{image_id}.original"
        status, _ = s3("GET", endpoint, f"/{bucket}/{source_key}", out=str(original))
        if status != 200 or original.read_bytes() != (images / name).read_bytes():
            problems.append(f"{name}: original in S3 differs from the upload (HTTP {status})")
        for rendition in r["renditions"]:
            status, _ = s3("HEAD", endpoint, f"/{bucket}/{rendition['key']}")
            checked += 1
            if status != 200:
                problems.append(f"{name}: rendition {rendition['key']}: HTTP {status}")
    for name in BAD:
        if records[name]["status"] not in ("rejected", "failed"):
            problems.append(f"{name}: {records[name]['status']}, expected rejected or failed")
    for p in problems:
        print(f"FAIL: {p}")
    if not problems:
        print(f"OK: {len(PHOTOS)} photos processed through s3://{bucket}, {checked} renditions, "
              f"manifests and originals read back over SigV4; {len(BAD)} bad files refused")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
