#!/usr/bin/env python3
"""Quick start driver: runs the embedded broker, ingest and N workers on loopback, uploads a
folder of images, waits for every manifest and reports what happened to each file. With --keep
it then keeps everything running for the gallery page (ingest's /) until Ctrl-C.

Called by scripts/quickstart.sh (which installs and builds first); the end-to-end test calls
it too. Standard library only.
"""
import argparse
import json
import mimetypes
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from fotogal_stack import Stack, http, log_field, wait_for

DEFAULT_IMAGES = Path("/usr/share/backgrounds/sway")  # Debian package sway-backgrounds
ROOT = Path(__file__).resolve().parent.parent


def upload(base, path):
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        content_type = "application/octet-stream"
    started = time.monotonic()
    status, body = http("POST", f"{base}/v1/images", path.read_bytes(),
                        {"Content-Type": content_type})
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {}
    record = {"file": str(path), "http_status": status, "uploaded_at": started}
    if status == 202:
        record.update(id=answer.get("id"), status="pending")
    else:
        error = answer.get("error") if isinstance(answer, dict) else None
        clear = isinstance(error, dict) and error.get("code") and error.get("message")
        record.update(id=None, status="rejected" if 400 <= status < 500 and clear else "error",
                      error=error or body[:200].decode("utf-8", "replace"))
    return record


def poll_manifests(base, records, timeout, stack):
    pending = {r["id"]: r for r in records if r["status"] == "pending"}
    total = len(pending)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for image_id, record in list(pending.items()):
            status, body = http("GET", f"{base}/v1/images/{image_id}")
            if status != 200:
                continue
            manifest = json.loads(body)
            if manifest.get("status") in ("processed", "failed"):
                record["status"] = manifest["status"]
                record["latency_ms"] = round((time.monotonic() - record["uploaded_at"]) * 1000)
                record["renditions"] = [
                    {k: o[k] for k in ("name", "width", "height", "key")}
                    for o in manifest.get("outputs", [])]
                if "reason" in manifest:
                    record["reason"] = manifest["reason"]
                del pending[image_id]
        progress(f"processed {total - len(pending)}/{total}")
        if stack.crashed():
            break
        if pending:
            time.sleep(0.1)
    for record in pending.values():
        record["status"] = "timeout"


def progress(text):
    if sys.stderr.isatty():
        sys.stderr.write("\r" + text.ljust(40))
        sys.stderr.flush()


def print_table(records):
    rows = [("file", "id", "status", "renditions", "latency")]
    for r in records:
        if r["status"] == "processed":
            detail = " ".join(f"{o['name']}:{o['width']}x{o['height']}" for o in r["renditions"])
        elif r["status"] == "failed":
            detail = f"{r['reason']['code']}: {r['reason']['message']}"
        elif r["status"] == "rejected":
            detail = f"HTTP {r['http_status']} {r['error']['code']}: {r['error']['message']}"
        else:
            detail = str(r.get("error", ""))
        latency = f"{r['latency_ms']} ms" if "latency_ms" in r else "-"
        rows.append((Path(r["file"]).name, r["id"] or "-", r["status"], detail[:110], latency))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])


def gallery_link(base, records):
    """The gallery page with this run's images on its recent list (the page reads #add=)."""
    added = [f"{r['id']}:{urllib.parse.quote(Path(r['file']).name, safe='')}"
             for r in records if r.get("id")]
    return f"{base}/#add={','.join(added)}" if added else f"{base}/"


def keep_serving(base, records, stack):
    """Until Ctrl-C or SIGTERM (or a process ending on its own): the gallery stays open.
    True when the user stopped it."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"\nthe gallery, with these images: {gallery_link(base, records)}\n"
          f"(or {base}/ alone); Ctrl-C stops everything", file=sys.stderr, flush=True)
    while not stop.wait(1.0):  # the period of the crash check, not a synchronisation
        if stack.crashed():
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES,
                        help="folder of images to upload (default: the sway-backgrounds set)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to FILE")
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--run-dir", type=Path,
                        help="where storage and logs go (default: a new temporary folder)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for work")
    parser.add_argument("--keep", action="store_true",
                        help="after the report, keep the stack running for the gallery page at "
                        "ingest's / until Ctrl-C")
    parser.add_argument("--port", type=int, default=0,
                        help="ingest's loopback port (default: a free one, printed)")
    parser.add_argument("--storage", help="object store URL (FOTOGAL_STORAGE) instead of a "
                        "folder in the run directory, e.g. s3://bucket?endpoint=...&region=...")
    args = parser.parse_args()

    files = sorted(p for p in args.images.iterdir() if p.is_file()) if args.images.is_dir() else []
    if not files:
        print(f"no images found in {args.images}", file=sys.stderr)
        return 2
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="fotogal-quickstart-"))
    # A reused folder must not hand this run the last run's broker address or objects.
    shutil.rmtree(run_dir / "data", ignore_errors=True)
    shutil.rmtree(run_dir / "logs", ignore_errors=True)
    (run_dir / "bootstrap").unlink(missing_ok=True)
    run_dir.mkdir(parents=True, exist_ok=True)

    stack = Stack(args.bin, run_dir)
    storage = args.storage or f"file://{run_dir / 'data'}"
    stack.env.update(FOTOGAL_STORAGE=storage,
                     FOTOGAL_DEVBROKER_BOOTSTRAP_FILE=str(run_dir / "bootstrap"))
    records, stopped, user_stopped = [], {}, False
    try:
        stack.start("devbroker", "fotogal-devbroker")
        bootstrap = wait_for("the embedded broker", lambda: (run_dir / "bootstrap").exists()
                             and (run_dir / "bootstrap").read_text().strip(), 30, stack)
        stack.env["FOTOGAL_KAFKA_BROKERS"] = bootstrap
        # The quick start is a local demo: no credentials (FOTOGAL_AUTH=none, said in its
        # banner) and no rate limits (it uploads as fast as it can).
        _, ingest_log = stack.start("ingest", "fotogal-ingest",
                                    {"FOTOGAL_LISTEN": f"127.0.0.1:{args.port}",
                                     "FOTOGAL_AUTH": "none",
                                     "FOTOGAL_RATE_UPLOADS": "0", "FOTOGAL_RATE_BYTES": "0",
             "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"})
        # The embedded (mock) broker can keep a phantom member from a worker's first join
        # until its session times out; a short session keeps that stall to seconds.
        worker_env = {"FOTOGAL_LISTEN": "127.0.0.1:0",
                      "FOTOGAL_KAFKA_PROPERTIES": "session.timeout.ms=6000;heartbeat.interval.ms=500"}
        for i in range(args.workers):
            stack.start(f"worker-{i + 1}", "fotogal-worker", worker_env)
        port = wait_for("ingest", lambda: log_field(ingest_log, "ingest ready", "listen_port"),
                        30, stack)
        base = f"http://127.0.0.1:{port}"
        wait_for("ingest readiness", lambda: http("GET", f"{base}/readyz")[0] == 200, 30, stack)
        print("authentication is OFF (FOTOGAL_AUTH=none): anyone who can reach this ingest may "
              "upload; deployments use api_key or oidc (docs/security.md)", file=sys.stderr)
        print(f"embedded broker {bootstrap}, ingest {base}, {args.workers} workers; "
              f"uploading {len(files)} files from {args.images}", file=sys.stderr)
        print(f"the gallery page: {base}/", file=sys.stderr)
        for n, path in enumerate(files, 1):
            records.append(upload(base, path))
            progress(f"uploaded {n}/{len(files)}")
        poll_manifests(base, records, args.timeout, stack)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if args.keep:
            print_table(records)
            user_stopped = keep_serving(base, records, stack)
    finally:
        # Ctrl-C reaches the whole process group: processes that then shut down cleanly
        # did what was asked.
        crashed = [(n, c) for n, c in stack.crashed() if not (user_stopped and c == 0)]
        stopped = stack.stop()

    for r in records:
        r.pop("uploaded_at", None)
    if not args.keep:  # --keep printed it before the wait
        print_table(records)
    counts = {}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print(f"\n{len(records)} files: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    print(f"renditions and manifests are in {storage.split('?')[0]}; logs in {run_dir / 'logs'}")
    if args.json:
        args.json.write_text(json.dumps({"images": records, "processes": stopped}, indent=2))

    problems = [f"{Path(r['file']).name}: {r['status']}" for r in records
                if r["status"] not in ("processed", "failed", "rejected")]
    problems += [f"{name} ended early with status {code}" for name, code in crashed]
    problems += [f"{name} exited with status {code}" for name, code in stopped.items() if code]
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    for name in {n for n, _ in crashed} | {n for n, c in stopped.items() if c}:
        print(f"--- the end of {name}'s log:\n{stack.log_tail(name)}\n---", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
