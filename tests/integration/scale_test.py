#!/usr/bin/env python3
"""Scale test on a real Apache Kafka broker (scripts/kafka.sh): what `kubectl scale`, an OOM
kill and a broker restart do to the workers, without losing an image.

A topic with 6 partitions; at least 1,000 uploads of real photos through fotogal-ingest over
HTTP (a one-rendition recipe keeps it quick). One worker starts, grows to three, one gets
SIGTERM mid-run, one SIGKILL, a new one starts; the broker is stopped and started once while
uploads go on (uploads answered 503 meanwhile are retried, as a client would). At the end:
every accepted image has exactly one manifest (`processed`, or `failed` with a reason) and the
group's committed offsets equal the end offsets. Prints how many events were processed more
than once. Exit status 0 only when all of that holds.
"""
import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from fotogal_stack import Stack, http, log_field, wait_for  # noqa: E402

KAFKA_SH = ROOT / "scripts" / "kafka.sh"
RECIPE = {"renditions": [{"name": "small", "width": 128, "height": 128, "fit": "fit",
                          "format": "jpeg", "quality": 80}]}


def kafka(*args):
    run = subprocess.run([str(KAFKA_SH), *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"kafka.sh {' '.join(args)} failed:\n{run.stderr}")
    return run.stdout


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Uploader:
    """Uploads `count` files on a few threads; retries 503s and refused connections with a
    growing pause (the broker may be down), records what ingest accepted."""

    def __init__(self, base, files, count, threads=4):
        self.base, self.files, self.count = base, files, count
        self.accepted = {}  # image id -> file name
        self.rejected = []  # (file, status): 4xx answers for bad files
        self.unavailable = 0  # 503 answers seen
        self.lock = threading.Condition()
        self.next = 0
        self.limit = count  # uploads beyond this wait for allow()
        self.threads = [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)

    def allow(self, limit):
        with self.lock:
            self.limit = limit
            self.lock.notify_all()

    def _take(self):
        with self.lock:
            self.lock.wait_for(lambda: self.next < self.limit or self.next >= self.count)
            if self.next >= self.count:
                return None
            self.next += 1
            return self.files[(self.next - 1) % len(self.files)]

    def _work(self):
        while (path := self._take()) is not None:
            body = path.read_bytes()
            pause = 0.1
            deadline = time.monotonic() + 180
            while True:
                try:
                    status, answer = http("POST", f"{self.base}/v1/images", body,
                                          {"Content-Type": "application/octet-stream"}, 30)
                except OSError:
                    status, answer = 0, b""
                if status == 202:
                    with self.lock:
                        self.accepted[json.loads(answer)["id"]] = path.name
                    break
                if 400 <= status < 500:
                    with self.lock:
                        self.rejected.append((path.name, status))
                    break
                with self.lock:
                    self.unavailable += status == 503
                if time.monotonic() > deadline:
                    raise RuntimeError(f"upload of {path.name} kept failing (HTTP {status})")
                time.sleep(pause)  # client backoff before retrying, not synchronisation
                pause = min(2.0, pause * 2)


def manifests(data_dir):
    folder = data_dir / "manifests"
    return {p.stem: p for p in folder.glob("*.json")} if folder.is_dir() else {}


def count_handled(logs_dir):
    """image id -> how many times a worker finished it (processed or failed), from the logs
    of every worker, including killed ones; and how many redelivered events found the
    manifest already written and skipped the work."""
    counts = collections.Counter()
    skipped = 0
    for path in logs_dir.glob("worker-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") in ("image processed", "image failed"):
                counts[entry.get("image_id")] += 1
            skipped += entry.get("msg") == "manifest is current, skipping"
    return counts, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--uploads", type=int, default=1060,
                        help="upload attempts; at least 1,000 must be accepted (default 1060)")
    parser.add_argument("--work", type=Path, help="run folder (default: a new temporary one)")
    args = parser.parse_args()

    photos = sorted((args.corpus / "photos").iterdir(), key=lambda p: p.stat().st_size)
    # Mostly the small VGA photo, some 3-megapixel ones, and one hostile file in 20 (ingest
    # refuses it, or accepts it and a worker fails it with a reason).
    bad = args.corpus / "bad" / "broken_data_stream.png"  # valid header, broken pixel data
    files = [photos[0]] * 18 + [photos[1]] + [bad]
    run_dir = args.work or Path(tempfile.mkdtemp(prefix="fotogal-scale-"))
    for sub in ("data", "logs"):  # a reused folder must not carry the last run's objects
        shutil.rmtree(run_dir / sub, ignore_errors=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    data_dir = run_dir / "data"
    name = f"scale-{os.getpid()}-{int(time.time())}"
    topics = {"FOTOGAL_TOPIC_UPLOADS": f"{name}.uploads", "FOTOGAL_TOPIC_RESULTS": f"{name}.results",
              "FOTOGAL_TOPIC_DLQ": f"{name}.dlq", "FOTOGAL_TOPIC_REPROCESS": f"{name}.reprocess"}
    group = f"{name}-workers"
    port = os.environ.get("FOTOGAL_KAFKA_PORT", "19092")

    kafka("start")
    kafka("topics", "--partitions", "6", *topics.values())
    (run_dir / "recipe.json").write_text(json.dumps(RECIPE))

    stack = Stack(args.bin, run_dir)
    stack.env.update(topics, FOTOGAL_KAFKA_BROKERS=f"127.0.0.1:{port}",
                     FOTOGAL_STORAGE=f"file://{data_dir}", FOTOGAL_LISTEN="127.0.0.1:0")
    worker_env = {"FOTOGAL_TOPIC": topics["FOTOGAL_TOPIC_UPLOADS"], "FOTOGAL_GROUP": group,
                  "FOTOGAL_RECIPE": str(run_dir / "recipe.json")}
    workers = {}
    problems = []
    started = time.monotonic()

    def start_worker(n):
        proc, log_path = stack.start(f"worker-{n}", "fotogal-worker", worker_env)
        workers[n] = proc
        wait_for(f"worker-{n} consuming", lambda: log_field(log_path, "worker consuming",
                                                            "group"), 30, stack)
        log(f"worker-{n} started")

    try:
        _, ingest_log = stack.start("ingest", "fotogal-ingest", {"FOTOGAL_AUTH": "none", "FOTOGAL_RATE_UPLOADS": "0", "FOTOGAL_RATE_BYTES": "0",
             "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"})
        iport = wait_for("ingest", lambda: log_field(ingest_log, "ingest ready", "listen_port"),
                         30, stack)
        base = f"http://127.0.0.1:{iport}"
        wait_for("ingest readiness", lambda: http("GET", f"{base}/readyz")[0] == 200, 30, stack)
        start_worker(1)
        uploader = Uploader(base, files, args.uploads)
        # The last 40% of the uploads are held back until the broker is down.
        uploader.allow(int(args.uploads * 0.6))
        uploader.start()
        done = lambda: len(manifests(data_dir))  # noqa: E731

        wait_for("first manifests", lambda: done() >= 50, 120, stack)
        start_worker(2)
        start_worker(3)

        wait_for("60% of uploads", lambda: len(uploader.accepted) >= args.uploads * 0.6, 120,
                 stack)
        log("stopping the broker")
        kafka("stop")
        uploader.allow(args.uploads)
        wait_for("ingest refusing uploads while the broker is down",
                 lambda: uploader.unavailable > 0, 60, stack)
        kafka("start")
        log(f"broker back; {uploader.unavailable} uploads answered 503 meanwhile")

        wait_for("30% processed", lambda: done() >= args.uploads * 0.3, 180, stack)
        code = stack.end(workers[1], signal.SIGTERM, 60)
        log(f"worker-1 SIGTERM -> exit {code}")
        if code != 0:
            problems.append(f"worker-1 exited with {code} after SIGTERM")
        if not log_field(run_dir / "logs" / "worker-1.log",
                         "worker stopped, offsets committed, group left", "abandoned") == 0:
            problems.append("worker-1 did not report a clean stop (finished, committed, left)")

        wait_for("50% processed", lambda: done() >= args.uploads * 0.5, 180, stack)
        stack.end(workers[2], signal.SIGKILL)
        log("worker-2 SIGKILL")
        start_worker(4)

        if not uploader.join(300):
            raise RuntimeError("uploads did not finish")
        accepted = dict(uploader.accepted)
        log(f"{len(accepted)} uploads accepted, {len(uploader.rejected)} refused (4xx)")
        wait_for("a manifest for every accepted image",
                 lambda: set(accepted) <= set(manifests(data_dir)), 300, stack)
        topic = topics["FOTOGAL_TOPIC_UPLOADS"]

        def offsets_settled():
            report = json.loads(kafka("offsets", group, topic))
            return all(p["committed"] == p["end"] for p in report["partitions"]) and report
        report = wait_for("committed offsets = end offsets", offsets_settled, 60, stack)
    finally:
        crashed = stack.crashed()
        stopped = stack.stop()

    found = manifests(data_dir)
    statuses = collections.Counter()
    for image_id in accepted:
        manifest = json.loads(found[image_id].read_text())
        status = manifest.get("status")
        statuses[status] += 1
        if status == "failed" and not manifest.get("reason"):
            problems.append(f"{image_id}: failed without a reason")
        elif status not in ("processed", "failed"):
            problems.append(f"{image_id}: manifest status {status!r}")
    strays = set(found) - set(accepted)
    if strays:
        problems.append(f"{len(strays)} manifests for images ingest never accepted")
    leftovers = [p for p in data_dir.rglob(".*.tmp-*")]
    if leftovers:
        problems.append(f"{len(leftovers)} temporary files left in storage")
    handled, skipped = count_handled(run_dir / "logs")
    repeats = sum(n - 1 for n in handled.values() if n > 1)
    problems += [f"{n} ended early with status {c}" for n, c in crashed]
    problems += [f"{n} exited with status {c}" for n, c in stopped.items() if c]

    summary = {
        "accepted": len(accepted), "refused_4xx": len(uploader.rejected),
        "answered_503_during_outage": uploader.unavailable,
        "manifests": dict(statuses), "processed_more_than_once": repeats,
        "images_processed_more_than_once": sum(1 for n in handled.values() if n > 1),
        "redelivered_and_skipped": skipped,
        "committed_equals_end": report["partitions"], "seconds": round(time.monotonic() - started),
    }
    print(json.dumps(summary, indent=1))
    print(f"events processed more than once: {repeats}")
    if len(accepted) < 1000 and args.uploads >= 1060:
        problems.append(f"only {len(accepted)} uploads accepted (want >= 1000)")
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
