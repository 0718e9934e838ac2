#!/usr/bin/env python3
"""Ingest memory under big concurrent uploads: 64 uploads of a 45 MB JPEG (a 34 MP noise image
made with libvips, which the header check and the 100 MP pixel limit accept) sent to
fotogal-ingest all at once, in four styles: a raw body with Content-Length (most of them),
`Expect: 100-continue` (curl), multipart/form-data and chunked. It reports the ingest's idle
resident memory and its peak (VmHWM from /proc, and the largest anonymous and file-backed parts
seen while sampling), how big the spool folder got (FOTOGAL_SPOOL_DIR, where the bodies wait),
every answer's status code, the wall time, and whether every upload was answered correctly
(202, or 503/429 when over a limit; anything else or a broken connection is not) and every
accepted one is stored. The peer is the same 64 uploads to a fresh ingest of the same binary
one at a time (concurrency 1): the ratio shows how memory grows with concurrency. Runs once
with the file:// store and once with the S3 store (versitygw), each with a fresh embedded
broker (fotogal-devbroker), FOTOGAL_AUTH=none, the per-principal rates off (every upload comes
from one address) and FOTOGAL_MAX_INFLIGHT_BYTES at its default (1 GiB: the uploads over it are
answered 503) unless --inflight-cap BYTES (0: no cap) says otherwise. Issue figure: a peak under 256 MB at 64 concurrent. Prints one JSON object.

  scripts/deps.sh && scripts/build.sh && \\
    FOTOGAL_S3_PORT=21070 python3 bench/ingest_memory.py [--concurrency 64] [--stores file,s3]

--bin DIR measures another build's fotogal-ingest (e.g. an older commit's) the same way; the
S3 server is started with scripts/s3server.sh (installed with `go install` on first use).
"""
import argparse
import contextlib
import http.client as httpclient
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from fotogal_stack import S3Server, Stack, http, noise_jpeg, start_ingest  # noqa: E402

MIB = 1 << 20
# Every eighth upload is each of the rarer styles; the rest send a raw body.
STYLES = ["raw"] * 5 + ["expect_100_continue", "multipart", "chunked"]


def proc_status(pid):
    """The memory fields of /proc/PID/status in bytes."""
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                fields[name] = int(value.split()[0]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return fields


def folder_bytes(folder):
    total = 0
    for entry in os.scandir(folder):
        try:
            total += entry.stat().st_size
        except FileNotFoundError:  # an upload that just finished
            pass
    return total


class Sampler(threading.Thread):
    """Largest anonymous and file-backed resident memory seen, every 20 ms (VmHWM says how high
    the total went, these say which kind of memory it was), and the largest the spool folder
    got: where the bodies went instead (in a pod, /tmp is an emptyDir with a size limit)."""

    def __init__(self, pid, spool):
        super().__init__(daemon=True)
        self.pid, self.spool, self.peaks, self.halt = pid, spool, Counter(), threading.Event()

    def run(self):
        while not self.halt.wait(0.02):
            sample = dict(proc_status(self.pid), spool=folder_bytes(self.spool))
            for name, value in sample.items():
                self.peaks[name] = max(self.peaks[name], value)


def send_file(conn, path, chunked=False):
    with open(path, "rb") as f:
        if not chunked:
            conn.sock.sendfile(f)
            return
        while block := f.read(MIB):
            conn.sock.sendall(b"%x\r\n" % len(block) + block + b"\r\n")
        conn.sock.sendall(b"0\r\n\r\n")


def post_python(base, path, style):
    """One upload through http.client; the body goes out with sendfile (raw, multipart) or in
    1 MiB chunks, so the client's own memory stays small."""
    url = urllib.parse.urlsplit(base)
    conn = httpclient.HTTPConnection(url.hostname, url.port, timeout=600)
    size = path.stat().st_size
    boundary = "fotogal-bench-boundary-7d3c"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="album"\r\n\r\nbench\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"'
            f'\r\nContent-Type: image/jpeg\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    try:
        conn.putrequest("POST", "/v1/images")
        if style == "multipart":
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        else:
            conn.putheader("Content-Type", "image/jpeg")
            if style == "chunked":
                conn.putheader("Transfer-Encoding", "chunked")
            else:
                conn.putheader("Content-Length", str(size))
        conn.endheaders()
        send_error = None
        try:
            if style == "multipart":
                conn.sock.sendall(head)
            send_file(conn, path, chunked=style == "chunked")
            if style == "multipart":
                conn.sock.sendall(tail)
        except OSError as e:  # an early answer (a refusal) may close the connection mid-body
            send_error = e
        try:
            response = conn.getresponse()
            return response.status, response.read(), None
        except (OSError, httpclient.HTTPException) as e:
            return None, b"", f"{type(send_error or e).__name__}: {send_error or e}"
    finally:
        conn.close()


def post_curl(base, path, workdir, n):
    """One upload by curl, streaming the file with `Expect: 100-continue` (curl's way for big
    bodies): the server must answer 100 before the body moves."""
    out = workdir / f"curl-{n}.json"
    run = subprocess.run(["curl", "-sS", "-o", str(out), "-w", "%{http_code}", "-X", "POST",
                          "-H", "Content-Type: image/jpeg", "-H", "Expect: 100-continue",
                          "-T", str(path), f"{base}/v1/images"], capture_output=True, text=True)
    body = out.read_bytes() if out.exists() else b""
    code = int(run.stdout or 0)
    if run.returncode != 0 or code == 0:
        return (code or None), body, f"curl exit {run.returncode}: {run.stderr.strip()[:200]}"
    return code, body, None


def upload(base, path, workdir, n):
    style = STYLES[n % len(STYLES)]
    started = time.monotonic()
    if style == "expect_100_continue":
        status, body, error = post_curl(base, path, workdir, n)
    else:
        status, body, error = post_python(base, path, style)
    image_id = None
    if status == 202:
        try:
            image_id = json.loads(body)["id"]
        except (ValueError, KeyError):
            error = f"202 without an id: {body[:200]!r}"
    return {"style": style, "status": status, "error": error, "id": image_id,
            "seconds": time.monotonic() - started, "body": body[:300].decode(errors="replace")}


def one_run(args, photo, store, concurrency):
    with contextlib.ExitStack() as cleanup:
        return measure(args, photo, store, concurrency, cleanup)


def measure(args, photo, store, concurrency, cleanup):
    run_dir = Path(tempfile.mkdtemp(prefix="fotogal-ingest-memory-"))
    cleanup.callback(shutil.rmtree, run_dir, ignore_errors=True)  # last, after the S3 server
    spool = run_dir / "spool"
    spool.mkdir()
    stack = Stack(args.bin, run_dir)
    # One client address for all uploads: the per-principal rates would measure the quota,
    # not the memory, so they are off; the bytes-in-flight cap is its default unless given.
    env = {"FOTOGAL_AUTH": "none", "FOTOGAL_SPOOL_DIR": str(spool), "FOTOGAL_RATE_UPLOADS": "0",
           "FOTOGAL_RATE_BYTES": "0",
             "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"}
    stack.env.pop("FOTOGAL_MAX_INFLIGHT_BYTES", None)
    if args.inflight_cap is not None:
        env["FOTOGAL_MAX_INFLIGHT_BYTES"] = str(args.inflight_cap)
    try:
        if store == "s3":
            s3 = cleanup.enter_context(S3Server(run_dir / "s3"))
            s3.create_bucket("bench")
            stack.env.update(s3.env)
            env["FOTOGAL_STORAGE"] = s3.storage_url("bench")
        else:
            env["FOTOGAL_STORAGE"] = f"file://{run_dir / 'data'}"
        ingest, base = start_ingest(stack, env)
        idle = proc_status(ingest.pid)
        sampler = Sampler(ingest.pid, spool)
        sampler.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(lambda n: upload(base, photo, run_dir, n),
                                    range(args.uploads)))
        wall = time.monotonic() - started
        sampler.halt.set()
        sampler.join()
        final = proc_status(ingest.pid)
        stored = sum(1 for r in results if r["id"] and
                     http("GET", f"{base}/v1/images/{r['id']}")[0] == 200)
        left_in_spool = len(list(spool.iterdir()))
        crashed = stack.crashed()
    finally:
        stack.stop()
    codes = Counter(str(r["status"] or "connection_error") for r in results)
    correct = [r for r in results if r["status"] in (202, 503, 429) and not r["error"]]
    by_style = {}
    for style in dict.fromkeys(r["style"] for r in results):
        mine = [r for r in results if r["style"] == style]
        by_style[style] = {
            "status_codes": dict(Counter(str(r["status"] or "connection_error") for r in mine)),
            "seconds_median": round(statistics.median(r["seconds"] for r in mine), 2)}
    problems = [{k: r[k] for k in ("style", "status", "error", "body")}
                for r in results if r not in correct][:5]
    seconds = [r["seconds"] for r in results]
    return {
        "store": store, "concurrency": concurrency, "uploads": len(results),
        "status_codes": dict(codes), "by_style": by_style,
        "all_answered_correctly": len(correct) == len(results),
        "accepted": codes.get("202", 0), "accepted_and_stored": stored,
        "spool_files_left": left_in_spool,
        "idle_rss_mib": round(idle["VmRSS"] / MIB, 1),
        "peak_rss_mib": round(final["VmHWM"] / MIB, 1),
        "peak_anon_rss_mib_sampled": round(sampler.peaks["RssAnon"] / MIB, 1),
        "peak_file_rss_mib_sampled": round(sampler.peaks["RssFile"] / MIB, 1),
        "rss_after_mib": round(final["VmRSS"] / MIB, 1),
        "peak_spool_mib_sampled": round(sampler.peaks["spool"] / MIB, 1),
        "wall_seconds": round(wall, 1),
        "upload_seconds_median": round(statistics.median(seconds), 2),
        "upload_seconds_max": round(max(seconds), 2),
        "megabytes_per_second": round(len(results) * photo.stat().st_size / 1e6 / wall, 1),
        "crashed": crashed,
        "problems": problems,
    }


def commit_of(directory):
    """The commit checked out where the binary lives (say which build was measured; the build
    itself may be older)."""
    run = subprocess.run(["git", "-C", str(directory), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True)
    return run.stdout.strip() or None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--uploads", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--peer-concurrency", type=int, default=1)
    parser.add_argument("--stores", default="file,s3", help="comma-separated: file, s3")
    parser.add_argument("--width", type=int, default=6800)
    parser.add_argument("--height", type=int, default=5000)
    parser.add_argument("--target-mib", type=float, default=256)
    parser.add_argument("--inflight-cap", type=int, default=None,
                        help="FOTOGAL_MAX_INFLIGHT_BYTES for the ingest (default: its default)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fotogal-ingest-memory-photo-"))
    try:
        photo = noise_jpeg(work / "noise.jpg", args.width, args.height)
        runs = {}
        for store in args.stores.split(","):
            concurrent = one_run(args, photo, store, args.concurrency)
            peer = one_run(args, photo, store, args.peer_concurrency)
            runs[store] = {
                "concurrent": concurrent, "peer_sequential": peer,
                "peak_rss_ratio_concurrent_over_sequential":
                    round(concurrent["peak_rss_mib"] / peer["peak_rss_mib"], 2),
                "peak_above_idle_ratio": round(
                    (concurrent["peak_rss_mib"] - concurrent["idle_rss_mib"]) /
                    max(0.1, peer["peak_rss_mib"] - peer["idle_rss_mib"]), 2),
                "concurrent_peak_under_target": concurrent["peak_rss_mib"] < args.target_mib,
            }
        size = photo.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({
        "benchmark": "ingest_memory", "checkout_commit": commit_of(args.bin),
        "upload_bytes": size, "upload_pixels": f"{args.width}x{args.height}",
        "uploads": args.uploads, "styles": dict(Counter(STYLES[n % len(STYLES)]
                                                        for n in range(args.uploads))),
        "target_peak_rss_mib": args.target_mib, "runs": runs,
    }, indent=1))
    ok = all(r[k]["all_answered_correctly"] and not r[k]["crashed"]
             for r in runs.values() for k in ("concurrent", "peer_sequential"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
