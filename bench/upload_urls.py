#!/usr/bin/env python3
"""How many upload URLs per second one ingest core hands out (POST /v1/uploads). fotogal-ingest
runs pinned to CPU 0 (`taskset -a -p -c 0` on all its threads once it is ready); the load
generator, `hey` (installed with `go install github.com/rakyll/hey@v0.1.5` by
scripts/tools.sh), runs pinned to CPU 1 with 32 concurrent clients on keep-alive connections,
each request authenticated with an API key (`Authorization: Bearer`, FOTOGAL_AUTH=api_key).
Rows:
  upload_url_s3    POST /v1/uploads {"content_type": "image/jpeg", "size": 123456} on an
                   s3:// store: a SigV4 presigned PUT signing Content-Type, Content-Length and
                   x-amz-meta-owner (local), after one PUT of the image's reservation
                   (reservations/<id>.json, about 200 bytes) to the S3 test server (versitygw,
                   scripts/s3server.sh on FOTOGAL_S3_PORT, default 21070; pinned to CPU 1
                   with the load generator)
  upload_url_file  the same on a file:// store: ingest's own HMAC-signed PUT /v1/uploads/{id}
  healthz          the peer: GET /healthz on the same pinned ingest, the floor of an HTTP
                   exchange on that core
  post_image       the second peer: POST /v1/images of a 49 KB BMP (the test corpus) on the
                   file:// store, stored and announced to the embedded broker
                   (fotogal-devbroker, pinned to CPU 1 with the load generator)
The rows take turns for a few rounds (each leads one), and the medians are compared: ratio =
upload URLs per second / the peer's requests per second. The per-principal rate limits are
lifted (this measures the service, not the quota). Every answer must be 201 (upload URLs),
200 (healthz) or 202 (post_image). Prints one JSON object.

  scripts/deps.sh && scripts/build.sh && python3 bench/upload_urls.py [--requests 20000]

--kafka HOST:PORT uses that broker (e.g. scripts/kafka.sh's) instead of an embedded one, and
--port N puts the two ingests on N and N+1 instead of free ports, for a run kept to fixed ports.

Needs Go (`go install` builds hey and versitygw on first use) and two CPUs.
"""
import argparse
import csv
import hashlib
import io
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from fotogal_stack import S3Server, Stack, http, log_field, start_ingest, wait_for  # noqa: E402

HEY = ("github.com/rakyll/hey", "v0.1.5")
NO_RATE_LIMITS = {"FOTOGAL_RATE_UPLOADS": "0", "FOTOGAL_RATE_BYTES": "0",
                  "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"}


def progress(message):
    print(f"upload_urls: {message}", file=sys.stderr, flush=True)


def install_hey():
    script = f'source "{ROOT}/scripts/tools.sh" && go_tool hey {HEY[0]} {HEY[1]}'
    return subprocess.run(["bash", "-c", script], check=True, capture_output=True,
                          text=True).stdout.strip()


def pin(pid, cpu):
    """Every thread of `pid` (and those it starts later) to one CPU."""
    subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(pid)], check=True,
                   stdout=subprocess.DEVNULL)


def percentile(ordered, q):
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def hey(tool, url, method, requests, concurrency, headers=(), body=None, content_type=None):
    """One hey run on CPU 1: requests/s over the run's span, latency percentiles, codes."""
    command = ["taskset", "-c", "1", tool, "-n", str(requests), "-c", str(concurrency),
               "-m", method, "-o", "csv", "-t", "30"]
    if body:
        command += ["-D", str(body), "-T", content_type]
    for h in headers:
        command += ["-H", h]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    span = max(float(r["offset"]) + float(r["response-time"]) for r in rows)
    latencies = sorted(float(r["response-time"]) for r in rows)
    ms = lambda s: round(s * 1000, 2)  # noqa: E731
    return {"requests_per_s": round(len(rows) / span, 1),
            "p50_ms": ms(percentile(latencies, 0.50)), "p99_ms": ms(percentile(latencies, 0.99)),
            "status_codes": dict(Counter(r["status-code"] for r in rows)),
            "failed_without_answer": requests - len(rows)}


def summary(rounds, expected):
    codes = Counter()
    for r in rounds:
        codes.update(r["status_codes"])
    return {"requests_per_s": statistics.median(r["requests_per_s"] for r in rounds),
            "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
            "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
            "status_codes": dict(codes),
            "all_answered_" + expected: set(codes) == {expected}
            and not any(r["failed_without_answer"] for r in rounds),
            "rounds_requests_per_s": [r["requests_per_s"] for r in rounds]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--requests", type=int, default=20000,
                        help="per row and round (rounded down to a multiple of --concurrency)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kafka", help="bootstrap servers (default: an embedded broker)")
    parser.add_argument("--port", type=int, help="ingest ports N and N+1 (default: free ones)")
    args = parser.parse_args()
    # hey sends requests / concurrency from each client: whole rounds only.
    whole = lambda n: max(args.concurrency, n - n % args.concurrency)  # noqa: E731
    args.requests = whole(args.requests)
    if (os.cpu_count() or 1) < 2:
        sys.exit("upload_urls: needs two CPUs (ingest on one, the load on the other)")
    image = args.corpus / "formats" / "bmp24_v5.bmp"
    tool = install_hey()
    work = Path(tempfile.mkdtemp(prefix="fotogal-upload-urls-"))
    stacks = []
    s3 = S3Server(work / "s3server").__enter__()
    try:
        pin(int((work / "s3server" / "pid").read_text()), 1)
        s3.create_bucket("bench")
        secret = "fgk_" + secrets.token_urlsafe(24)
        keys = work / "api-keys"
        keys.write_text(f"bench {hashlib.sha256(secret.encode()).hexdigest()} upload,read\n")
        request = work / "request.json"
        request.write_text(json.dumps({"content_type": "image/jpeg", "size": 123456}))
        auth = [f"Authorization: Bearer {secret}"]
        common = dict(NO_RATE_LIMITS, FOTOGAL_AUTH="api_key", FOTOGAL_API_KEYS_FILE=str(keys))
        stores = {
            # Presigning is local; the reservation is one PUT to the S3 test server.
            "s3": {"FOTOGAL_STORAGE": s3.storage_url("bench"), **s3.env},
            "file": {"FOTOGAL_STORAGE": f"file://{work / 'bucket'}"},
        }
        bases = {}
        for name, env in stores.items():
            (work / name).mkdir()
            stack = Stack(args.bin, work / name)
            stacks.append(stack)
            env = dict(common, **env)
            if args.port:
                env["FOTOGAL_LISTEN"] = f"127.0.0.1:{args.port + len(bases)}"
            if args.kafka:
                env["FOTOGAL_KAFKA_BROKERS"] = args.kafka
                ingest, log = stack.start("ingest", "fotogal-ingest", env)
                port = wait_for("ingest", lambda: log_field(log, "ingest ready", "listen_port"),
                                30, stack)
                bases[name] = f"http://127.0.0.1:{port}"
                wait_for("ingest readiness",
                         lambda: http("GET", f"{bases[name]}/readyz")[0] == 200, 30, stack)
            else:
                ingest, bases[name] = start_ingest(stack, env)
            pin(ingest.pid, 0)
            for proc_name, proc, _ in stack.procs:
                if proc_name == "devbroker":
                    pin(proc.pid, 1)
        rows = {
            "upload_url_s3": (f"{bases['s3']}/v1/uploads", "POST", request, "application/json"),
            "upload_url_file": (f"{bases['file']}/v1/uploads", "POST", request,
                                "application/json"),
            "healthz": (f"{bases['s3']}/healthz", "GET", None, None),
            "post_image": (f"{bases['file']}/v1/images", "POST", image, "image/bmp"),
        }
        expected = {"upload_url_s3": "201", "upload_url_file": "201", "healthz": "200",
                    "post_image": "202"}
        for row, (url, method, body, ctype) in rows.items():  # warm up every path
            hey(tool, url, method, whole(1000), args.concurrency, auth, body, ctype)
        rounds = {row: [] for row in rows}
        for n in range(args.rounds):
            order = list(rows)[n % len(rows):] + list(rows)[:n % len(rows)]
            for row in order:
                url, method, body, ctype = rows[row]
                # post_image stores every image: fewer of them keep the run short.
                count = args.requests if row != "post_image" else whole(max(args.requests // 10,
                                                                            1000))
                rounds[row].append(hey(tool, url, method, count, args.concurrency, auth, body,
                                       ctype))
                progress(f"round {n + 1} {row}: {rounds[row][-1]['requests_per_s']} /s")
        crashed = [c for s in stacks for c in s.crashed()]
    finally:
        for stack in stacks:
            stack.stop()
        s3.__exit__(None, None, None)
        shutil.rmtree(work, ignore_errors=True)
    result = {row: summary(r, expected[row]) for row, r in rounds.items()}
    rate = lambda row: result[row]["requests_per_s"]  # noqa: E731
    print(json.dumps({
        "benchmark": "upload_urls", "tool": f"hey {HEY[1]}", "ingest_cpus": "0 (taskset)",
        "load_cpus": "1 (taskset)", "requests_per_round": args.requests,
        "concurrency": args.concurrency, "rounds": args.rounds,
        "upload_urls_per_s_one_core_s3": rate("upload_url_s3"),
        "upload_urls_per_s_one_core_file": rate("upload_url_file"),
        "ratio_upload_url_s3_over_healthz": round(rate("upload_url_s3") / rate("healthz"), 3),
        "ratio_upload_url_file_over_healthz": round(rate("upload_url_file") / rate("healthz"), 3),
        "ratio_upload_url_s3_over_post_image": round(rate("upload_url_s3") / rate("post_image"),
                                                     2),
        "rows": result, "crashed": crashed,
    }, indent=1))
    ok = not crashed and all(r[f"all_answered_{expected[row]}"] for row, r in result.items())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
