#!/usr/bin/env python3
"""Worker start-up as a scaling figure: seconds from `podman run` of the image to the worker's
/readyz answering 200 (consuming, partitions assigned), against the same binary, copied out of
the image, started directly on this host (the peer), and against `podman run IMAGE true` (what
the container runtime alone costs). A new pod on a scaled-out node pays the first figure plus
the image pull.

Needs the broker (scripts/kafka.sh start; FOTOGAL_KAFKA_PORT) and the image (scripts/image.sh
build). Run it as `scripts/image.sh bench [--runs N] [--port P]`, which supplies podman's
options. Prints JSON.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def until_ready(port, started, alive, timeout=120):
    while time.monotonic() - started < timeout:
        if ready(port):
            return time.monotonic() - started
        if not alive():
            raise RuntimeError("the worker exited before it was ready")
        time.sleep(0.01)  # polling period of the measurement
    raise TimeoutError(f"worker not ready after {timeout} s")


def stats(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", default="fotogal:dev")
    ap.add_argument("--podman", default="podman")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--port", type=int, default=int(os.environ.get("FOTOGAL_BENCH_PORT", "28181")))
    args = ap.parse_args()
    podman = args.podman.split()
    brokers = f"127.0.0.1:{os.environ.get('FOTOGAL_KAFKA_PORT', '19092')}"
    name = f"fgbench{uuid.uuid4().hex[:8]}"
    topic = f"{name}.uploads"
    subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "topics", "--partitions", "6", topic],
                   check=True, capture_output=True)
    work = Path(tempfile.mkdtemp(prefix="fotogal-bench-"))
    env = {"FOTOGAL_KAFKA_BROKERS": brokers, "FOTOGAL_TOPIC": topic,
           "FOTOGAL_TOPIC_RESULTS": f"{name}.results", "FOTOGAL_TOPIC_DLQ": f"{name}.dlq",
           "FOTOGAL_LISTEN": f"127.0.0.1:{args.port}", "FOTOGAL_STORAGE": "file:///tmp/data",
           "FOTOGAL_LOG_LEVEL": "warn"}
    # The peer: the very binary of the image, run on the host (whose libraries it finds,
    # since the host builds the project).
    ctr = subprocess.run(podman + ["create", args.image], capture_output=True, text=True,
                         check=True).stdout.strip()
    subprocess.run(podman + ["cp", f"{ctr}:/usr/local/bin/fotogal-worker", str(work)], check=True)
    subprocess.run(podman + ["rm", ctr], capture_output=True, check=True)
    container, host, runtime = [], [], []
    try:
        for i in range(args.runs):
            group = f"{name}-{i}"
            cname = f"{name}-{i}"
            flags = ["--user", "10001:10001", "--read-only", "--tmpfs", "/tmp", "--cap-drop",
                     "ALL", "--security-opt", "no-new-privileges", "--network", "host",
                     "--name", cname]
            for k, v in dict(env, FOTOGAL_GROUP=group).items():
                flags += ["-e", f"{k}={v}"]
            started = time.monotonic()
            subprocess.run(podman + ["run", "-d"] + flags + [args.image, "fotogal-worker"],
                           check=True, capture_output=True)
            alive = lambda: "running" in subprocess.run(  # noqa: E731
                podman + ["inspect", "--format", "{{.State.Status}}", cname],
                capture_output=True, text=True).stdout
            try:
                container.append(until_ready(args.port, started, alive))
            finally:
                subprocess.run(podman + ["rm", "-f", "-t", "30", cname], capture_output=True)

            started = time.monotonic()
            proc = subprocess.Popen([str(work / "fotogal-worker")],
                                    env={**os.environ, **env, "FOTOGAL_GROUP": group + "h",
                                         "FOTOGAL_STORAGE": f"file://{work}/data"},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                host.append(until_ready(args.port, started, lambda: proc.poll() is None))
            finally:
                proc.terminate()
                proc.wait(60)

            started = time.monotonic()
            subprocess.run(podman + ["run", "--rm", "--network", "none", args.image, "true"],
                           check=True, capture_output=True)
            runtime.append(time.monotonic() - started)
    finally:
        subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "delete-topics", topic],
                       capture_output=True)
    print(json.dumps({
        "benchmark": "worker start to /readyz 200",
        "image": args.image,
        "container_start_to_ready_s": stats(container),
        "host_process_start_to_ready_s": stats(host),
        "podman_run_true_s": stats(runtime),
        "container_overhead_s": round(statistics.median(container) - statistics.median(host), 3),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
