#!/usr/bin/env python3
"""End-to-end benchmark on a real Apache Kafka broker: images/s and upload-to-manifest latency
(p50, p99) with 1 and with 2 worker processes, a few runs each, medians, and the ratio between
them. Prints one JSON object.

  scripts/build.sh && python3 bench/e2e_throughput.py [--images 200] [--runs 3]

It starts the broker with scripts/kafka.sh when none serves (and leaves it as it found it),
uses fresh topics (6 partitions) and a fresh storage folder per run, uploads the same photo
through fotogal-ingest over HTTP while the workers run, with a one-rendition recipe.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from fotogal_stack import Stack, http, log_field, wait_for  # noqa: E402

KAFKA_SH = ROOT / "scripts" / "kafka.sh"
RECIPE = {"renditions": [{"name": "small", "width": 256, "height": 256, "fit": "fit",
                          "format": "jpeg", "quality": 80}]}


def kafka(*args):
    return subprocess.run([str(KAFKA_SH), *args], check=True, capture_output=True,
                          text=True).stdout


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def one_run(args, workers, run_no, port):
    run_dir = Path(tempfile.mkdtemp(prefix="fotogal-bench-"))
    data = run_dir / "data"
    name = f"bench-{os.getpid()}-{workers}w-{run_no}"
    topics = {"FOTOGAL_TOPIC_UPLOADS": f"{name}.uploads", "FOTOGAL_TOPIC_RESULTS": f"{name}.results",
              "FOTOGAL_TOPIC_DLQ": f"{name}.dlq", "FOTOGAL_TOPIC_REPROCESS": f"{name}.reprocess"}
    kafka("topics", "--partitions", "6", *topics.values())
    (run_dir / "recipe.json").write_text(json.dumps(RECIPE))
    stack = Stack(args.bin, run_dir)
    stack.env.update(topics, FOTOGAL_KAFKA_BROKERS=f"127.0.0.1:{port}",
                     FOTOGAL_STORAGE=f"file://{data}", FOTOGAL_LISTEN="127.0.0.1:0")
    body = args.image.read_bytes()
    try:
        _, ingest_log = stack.start("ingest", "fotogal-ingest", {"FOTOGAL_AUTH": "none", "FOTOGAL_RATE_UPLOADS": "0", "FOTOGAL_RATE_BYTES": "0",
             "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"})
        for n in range(workers):
            _, wlog = stack.start(f"worker-{n}", "fotogal-worker", {
                "FOTOGAL_TOPIC": topics["FOTOGAL_TOPIC_UPLOADS"], "FOTOGAL_GROUP": f"{name}-g",
                "FOTOGAL_RECIPE": str(run_dir / "recipe.json"),
                "FOTOGAL_WORKER_CONCURRENCY": str(args.concurrency)})
            wait_for("worker", lambda p=wlog: log_field(p, "partitions assigned", "count")
                     is not None, 60, stack)
        port_i = wait_for("ingest", lambda: log_field(ingest_log, "ingest ready", "listen_port"),
                          30, stack)
        base = f"http://127.0.0.1:{port_i}"
        wait_for("ingest ready", lambda: http("GET", f"{base}/readyz")[0] == 200, 30, stack)
        # Every worker holds partitions before the clock starts (no rebalance inside the run).
        wait_for("group settled", lambda: sum(
            1 for n in range(workers)
            if log_field(run_dir / "logs" / f"worker-{n}.log", "partitions assigned", "count")
            is not None)
            == workers, 60, stack)

        sent = {}
        lock = threading.Lock()
        counter = iter(range(args.images))

        def upload():
            for _ in counter:
                t = time.time()
                status, answer = http("POST", f"{base}/v1/images", body,
                                      {"Content-Type": "image/jpeg"})
                if status != 202:
                    raise RuntimeError(f"upload answered {status}")
                with lock:
                    sent[json.loads(answer)["id"]] = t

        started = time.time()
        threads = [threading.Thread(target=upload) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        folder = data / "manifests"
        wait_for("all manifests", lambda: folder.is_dir() and
                 len(list(folder.glob("*.json"))) >= args.images, 600, stack)
        done = {p.stem: p.stat().st_mtime for p in folder.glob("*.json")}
        finished = max(done.values())
        latencies = [(done[i] - t) * 1000 for i, t in sent.items()]
        return {"images_per_s": round(args.images / (finished - started), 2),
                "p50_ms": round(percentile(latencies, 0.50), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1)}
    finally:
        stack.stop()
        kafka("delete-topics", *topics.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--image", type=Path,
                        default=ROOT.parent / "shared" / "corpus" / "photos" / "exif_gps_DSCN0010.jpg")
    parser.add_argument("--images", type=int, default=200, help="uploads per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="FOTOGAL_WORKER_CONCURRENCY of each worker process (default 1)")
    args = parser.parse_args()
    port = os.environ.get("FOTOGAL_KAFKA_PORT", "19092")
    was_running = subprocess.run([str(KAFKA_SH), "status"], capture_output=True).returncode == 0
    if not was_running:
        kafka("start")
    try:
        results = {}
        for workers in (1, 2):
            runs = [one_run(args, workers, r, port) for r in range(args.runs)]
            results[str(workers)] = {
                "runs": runs,
                "images_per_s": statistics.median(r["images_per_s"] for r in runs),
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs)}
    finally:
        if not was_running:
            kafka("stop")
    print(json.dumps({
        "benchmark": "end_to_end_real_kafka", "image": args.image.name, "images": args.images,
        "runs": args.runs, "worker_concurrency": args.concurrency, "cores": os.cpu_count(),
        "workers": results,
        "throughput_ratio_2_vs_1": round(results["2"]["images_per_s"] /
                                         results["1"]["images_per_s"], 2),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
