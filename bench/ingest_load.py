#!/usr/bin/env python3
"""Ingest throughput for small photos: `hey` (a real HTTP load tool, installed with
`go install github.com/rakyll/hey@v0.1.5` by scripts/tools.sh) sends the same 100 KB JPEG
(a noise image made with libvips) from 32 concurrent clients (32 hey processes of one client
each, so each client can have its own URL), 2048 requests a round, to fotogal-ingest on the
S3 store (versitygw, scripts/s3server.sh) with the embedded broker (fotogal-devbroker). It
reports requests/s, latency p50/p90/p99/max, every status code and the CPU time per request
of the ingest and of the S3 server.
Rows:
  ingest_api_key  FOTOGAL_AUTH=api_key, FOTOGAL_API_KEYS_FILE holding one key
                  (`<key id> <SHA-256 hex of the secret> upload,read`), sent as
                  `Authorization: Bearer <secret>`
  ingest_no_auth  FOTOGAL_AUTH=none: the difference to the row above is what auth costs
  bare_s3_put     the peer: a presigned S3 PUT of the same bytes to the same bucket, same
                  concurrency and count (hey -m PUT), a key per client; what storing alone
                  costs. (One hey of 32 clients would PUT one key 32 times at once, which the
                  S3 server answers more slowly than distinct keys: an unfairly slow peer.)
The rows take turns for a few rounds (each leads one) and the medians are compared:
overhead ratio = ingest p50 / bare p50, throughput ratio = ingest requests/s / bare
requests/s. The per-principal rate limits are lifted for the run (FOTOGAL_RATE_UPLOADS=100000,
FOTOGAL_RATE_UPLOADS_BURST=100000, FOTOGAL_RATE_BYTES=10000000000,
FOTOGAL_RATE_BYTES_BURST=10000000000, FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL=0): this measures the service, not the quota. Every answer
must be 202 (ingest) or 200 (bare). Prints one JSON object.

  scripts/deps.sh && scripts/build.sh && \\
    FOTOGAL_S3_PORT=21070 python3 bench/ingest_load.py [--requests 2048] [--rounds 5]

Needs Go (`go install` builds hey and versitygw on first use).
"""
import argparse
import csv
import hashlib
import io
import json
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
from fotogal_stack import S3Server, Stack, noise_jpeg, start_ingest  # noqa: E402

HEY = ("github.com/rakyll/hey", "v0.1.5")
NO_RATE_LIMITS = {"FOTOGAL_RATE_UPLOADS": "100000", "FOTOGAL_RATE_UPLOADS_BURST": "100000",
                  "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0",
                  "FOTOGAL_RATE_BYTES": "10000000000",
                  "FOTOGAL_RATE_BYTES_BURST": "10000000000"}


def install_hey():
    """hey's path, built with `go install` on first use (scripts/tools.sh's go_tool)."""
    script = f'source "{ROOT}/scripts/tools.sh" && go_tool hey {HEY[0]} {HEY[1]}'
    return subprocess.run(["bash", "-c", script], check=True, capture_output=True,
                          text=True).stdout.strip()


def progress(message):
    print(f"ingest_load: {message}", file=sys.stderr, flush=True)


def percentile(ordered, q):
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def cpu_seconds(pid):
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / 100.0  # USER_HZ is 100 on Linux


def hey(tool, urls, method, body, requests, headers=()):
    """`requests` spread over one hey client per URL, all at once. Each hey's per-request CSV
    gives latencies, status codes and when its last answer came (hey leaves failed requests,
    e.g. refused connections, out of the CSV); the run's span is the latest of those, counted
    from the first client's start."""
    command = [tool, "-n", str(requests // len(urls)), "-c", "1", "-m", method,
               "-T", "image/jpeg", "-D", str(body), "-o", "csv", "-t", "60"]
    for h in headers:
        command += ["-H", h]
    started = time.monotonic()
    clients = [(time.monotonic() - started,
                subprocess.Popen(command + [url], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)) for url in urls]
    rows, span = [], 0.0
    for delay, client in clients:
        out, err = client.communicate()
        if client.returncode != 0:
            raise RuntimeError(f"hey exited with {client.returncode}: {err.strip()[:300]}")
        mine = list(csv.DictReader(io.StringIO(out)))
        rows += mine
        span = max([span] + [delay + float(r["offset"]) + float(r["response-time"])
                             for r in mine])
    progress(f"{len(urls)} x hey -m {method}: {len(rows)} answers in {span:.1f} s")
    latencies = sorted(float(r["response-time"]) for r in rows)
    ms = lambda s: round(s * 1000, 1)  # noqa: E731
    return {"requests_per_s": round(len(rows) / span, 1),
            "p50_ms": ms(percentile(latencies, 0.50)), "p90_ms": ms(percentile(latencies, 0.90)),
            "p99_ms": ms(percentile(latencies, 0.99)), "max_ms": ms(latencies[-1]),
            "status_codes": dict(Counter(r["status-code"] for r in rows)),
            "failed_without_answer": requests - len(rows)}


def summary(rounds, expected):
    codes = Counter()
    for r in rounds:
        codes.update(r["status_codes"])
    return {
        **{k: statistics.median(r[k] for r in rounds) for k in rounds[0]
           if k.endswith(("_per_s", "_ms", "_per_request"))},
        "status_codes": dict(codes),
        "failed_without_answer": sum(r["failed_without_answer"] for r in rounds),
        "all_answered_" + expected: set(codes) == {expected}
        and not any(r["failed_without_answer"] for r in rounds),
        "rounds": rounds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--requests", type=int, default=2048,
                        help="per row and round (rounded down to a multiple of --concurrency)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=256, help="requests before each row")
    args = parser.parse_args()
    args.requests -= args.requests % args.concurrency
    args.warmup = max(args.concurrency, args.warmup - args.warmup % args.concurrency)
    tool = install_hey()
    work = Path(tempfile.mkdtemp(prefix="fotogal-ingest-load-"))
    stacks = []
    try:
        photo = noise_jpeg(work / "photo.jpg", 280, 272)
        size = photo.stat().st_size
        secret = "fgk_" + secrets.token_urlsafe(24)
        keys = work / "api-keys"
        keys.write_text(f"bench {hashlib.sha256(secret.encode()).hexdigest()} upload,read\n")
        with S3Server(work / "s3") as s3:
            s3.create_bucket("bench")
            s3_pid = int((work / "s3" / "pid").read_text())
            targets = {}
            for row, auth in (("ingest_api_key", {"FOTOGAL_AUTH": "api_key",
                                                  "FOTOGAL_API_KEYS_FILE": str(keys)}),
                              ("ingest_no_auth", {"FOTOGAL_AUTH": "none"})):
                (work / row).mkdir()
                stack = Stack(args.bin, work / row)
                stacks.append(stack)
                stack.env.update(s3.env)
                ingest, base = start_ingest(stack, dict(
                    auth, **NO_RATE_LIMITS, FOTOGAL_STORAGE=s3.storage_url("bench")))
                headers = [f"Authorization: Bearer {secret}"] if row == "ingest_api_key" else []
                targets[row] = ([f"{base}/v1/images"] * args.concurrency, "POST", headers,
                                ingest.pid)
            targets["bare_s3_put"] = ([s3.presign("PUT", f"/bench/bare/client-{n}.jpg")
                                       for n in range(args.concurrency)], "PUT", [], None)
            for urls, method, headers, _ in targets.values():
                hey(tool, urls, method, photo, args.warmup, headers)
            rounds = {row: [] for row in targets}
            for n in range(args.rounds):
                # Each row leads in turn: none always runs right after the bare PUTs' writes.
                order = list(targets)[n % len(targets):] + list(targets)[:n % len(targets)]
                for row in order:
                    urls, method, headers, pid = targets[row]
                    # Where the CPU goes: the ingest's share beside the S3 server's.
                    cpu = {"ingest": pid, "s3_server": s3_pid}
                    before = {k: cpu_seconds(v) for k, v in cpu.items() if v}
                    result = hey(tool, urls, method, photo, args.requests, headers)
                    for k, v in before.items():
                        result[f"{k}_cpu_ms_per_request"] = round(
                            (cpu_seconds(cpu[k]) - v) * 1000 / args.requests, 2)
                    rounds[row].append(result)
            crashed = [c for s in stacks for c in s.crashed()]
    finally:
        for stack in stacks:
            stack.stop()
        progress("removing the run's objects")
        shutil.rmtree(work, ignore_errors=True)
    rows = {row: summary(r, "200" if row == "bare_s3_put" else "202")
            for row, r in rounds.items()}
    api, none, bare = rows["ingest_api_key"], rows["ingest_no_auth"], rows["bare_s3_put"]
    print(json.dumps({
        "benchmark": "ingest_load", "tool": f"hey {HEY[1]}", "upload_bytes": size,
        "requests_per_round": args.requests, "concurrency": args.concurrency,
        "rounds": args.rounds, "rate_limits_lifted": NO_RATE_LIMITS, "rows": rows,
        "overhead_ratio_p50_ingest_api_key_over_bare": round(api["p50_ms"] / bare["p50_ms"], 2),
        "throughput_ratio_ingest_api_key_over_bare":
            round(api["requests_per_s"] / bare["requests_per_s"], 3),
        "overhead_ratio_p50_ingest_no_auth_over_bare": round(none["p50_ms"] / bare["p50_ms"], 2),
        "throughput_ratio_ingest_no_auth_over_bare":
            round(none["requests_per_s"] / bare["requests_per_s"], 3),
        "auth_cost_ratio_p50_api_key_over_no_auth": round(api["p50_ms"] / none["p50_ms"], 2),
        "crashed": crashed,
    }, indent=1))
    ok = not crashed and api["all_answered_202"] and none["all_answered_202"] \
        and bare["all_answered_200"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
