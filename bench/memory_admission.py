#!/usr/bin/env python3
"""Memory admission under hostile load: one fotogal-worker (concurrency 8) is fed a backlog of
the corpus's largest photos mixed with crafted PNGs (pixel bombs: small files declaring tens of
megapixels; ancillary-chunk bombs: tEXt/zTXt/iCCP/sPLT chunks declaring huge lengths or
decompressing to huge sizes), once with a 512 MiB memory budget and once with admission off
(FOTOGAL_MEMORY_BUDGET=0) as the peer. For each run it reports the worker's peak resident
memory (VmHWM from /proc), its idle resident memory before the backlog, and what became of
every upload. Prints one JSON object.

  scripts/build.sh && python3 bench/memory_admission.py [--budget 512MiB] [--concurrency 8]

Runs on the embedded broker (fotogal-devbroker) and the file:// store, in a fresh temporary
folder per run; needs only the project's binaries and the corpus.
"""
import argparse
import json
import shutil
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from fotogal_stack import Stack, http, log_field, wait_for  # noqa: E402


def chunk(kind, data, declared=None):
    length = len(data) if declared is None else declared
    return (struct.pack(">I", length) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width, height, colour_type=6, depth=8, extra=b"", rows=None):
    """A valid PNG of zero pixels (or `rows`), compressed: tiny on disk, big when decoded."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\0" + bytes(width * channels * depth // 8)
    comp = zlib.compressobj(9)
    packed = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", packed) +
            chunk(b"IEND", b""))


def crafted_pngs():
    """The hostile classes, each a file a user could upload (ingest checks headers only)."""
    bomb = zlib.compress(bytes(256 << 20), 9)  # 256 MiB of zeros in about 256 KiB
    return {
        # 81 MP of RGBA: 324 MB decoded, more than a 512 MiB budget can give one image.
        "pixels_9000x9000_rgba.png": png(9000, 9000),
        # 36 MP of RGBA: admitted, but alone.
        "pixels_6000x6000_rgba.png": png(6000, 6000),
        # 16-bit RGBA: 8 bytes a pixel.
        "pixels_4000x4000_rgba16.png": png(4000, 4000, 6, 16),
        # Ancillary chunks whose declared length runs far past the end of the file.
        "text_declares_2gb.png": png(64, 64, extra=chunk(b"tEXt", b"k\0v", declared=0x7FFFFF00)),
        "splt_declares_1gb.png": png(64, 64, extra=chunk(b"sPLT", b"p\0\x08", declared=0x40000000)),
        # Compressed text and ICC profile that inflate to 256 MiB.
        "ztxt_inflates_256mib.png": png(64, 64, extra=chunk(b"zTXt", b"k\0\0" + bomb)),
        "iccp_inflates_256mib.png": png(64, 64, extra=chunk(b"iCCP", b"icc\0\0" + bomb)),
    }


def jpeg_size(data):
    """(width, height) from a JPEG's first frame header, or None."""
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
            return w, h
        pos += 2 + length
    return None


def largest_photos(corpus, count):
    sized = []
    for path in sorted((corpus / "photos").iterdir()):
        size = jpeg_size(path.read_bytes()) if path.suffix.lower() in (".jpg", ".jpeg") else None
        if size:
            sized.append((size[0] * size[1], path))
    return [p for _, p in sorted(sized, reverse=True)[:count]]


def proc_status(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def one_run(args, files, budget):
    run_dir = Path(tempfile.mkdtemp(prefix="fotogal-admission-"))
    data = run_dir / "data"
    stack = Stack(args.bin, run_dir)
    stack.env.update(FOTOGAL_STORAGE=f"file://{data}",
                     FOTOGAL_DEVBROKER_BOOTSTRAP_FILE=str(run_dir / "bootstrap"))
    try:
        stack.start("devbroker", "fotogal-devbroker")
        bootstrap = wait_for("the embedded broker", lambda: (run_dir / "bootstrap").exists()
                             and (run_dir / "bootstrap").read_text().strip(), 30, stack)
        stack.env["FOTOGAL_KAFKA_BROKERS"] = bootstrap
        _, ingest_log = stack.start("ingest", "fotogal-ingest", {"FOTOGAL_LISTEN": "127.0.0.1:0",
                                                                 "FOTOGAL_AUTH": "none", "FOTOGAL_RATE_UPLOADS": "0", "FOTOGAL_RATE_BYTES": "0",
             "FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL": "0"})
        port = wait_for("ingest", lambda: log_field(ingest_log, "ingest ready", "listen_port"),
                        30, stack)
        base = f"http://127.0.0.1:{port}"
        wait_for("ingest readiness", lambda: http("GET", f"{base}/readyz")[0] == 200, 30, stack)
        ids = {}
        for name, body in files:
            status, reply = http("POST", f"{base}/v1/images", body,
                                 {"Content-Type": "application/octet-stream"})
            if status == 202:
                ids[json.loads(reply)["id"]] = name
            else:
                ids[f"refused:{name}"] = name
        accepted = [i for i in ids if not i.startswith("refused:")]
        # The whole backlog is waiting when the worker starts: all 8 slots fill at once.
        worker, worker_log = stack.start("worker", "fotogal-worker", {
            "FOTOGAL_LISTEN": "127.0.0.1:0",
            "FOTOGAL_WORKER_CONCURRENCY": str(args.concurrency),
            "FOTOGAL_MEMORY_BUDGET": budget,
            "FOTOGAL_KAFKA_PROPERTIES": "session.timeout.ms=6000;heartbeat.interval.ms=500"})
        wait_for("worker ready", lambda: log_field(worker_log, "worker ready", "listen_port"),
                 60, stack)
        idle_rss = proc_status(worker.pid, "VmRSS")
        started = time.monotonic()
        manifests = data / "manifests"

        def done():
            return manifests.is_dir() and all((manifests / f"{i}.json").exists()
                                              for i in accepted)
        wait_for("every manifest", done, args.timeout, stack)
        elapsed = time.monotonic() - started
        peak = proc_status(worker.pid, "VmHWM")
        outcomes = {}
        for i in accepted:
            m = json.loads((manifests / f"{i}.json").read_text())
            key = m["status"] if m["status"] == "processed" else f"failed:{m['reason']['code']}"
            outcomes[key] = outcomes.get(key, 0) + 1
        budget_bytes = log_field(worker_log, "worker ready", "memory_budget_bytes")
    finally:
        crashed = stack.crashed()
        stopped = stack.stop()
    shutil.rmtree(run_dir, ignore_errors=True)
    mib = 1 << 20
    return {
        "memory_budget": budget,
        "memory_budget_mib": round(budget_bytes / mib, 1) if budget_bytes else 0,
        "concurrency": args.concurrency,
        "uploads": len(files),
        "accepted": len(accepted),
        "outcomes": outcomes,
        "every_event_ended": sum(outcomes.values()) == len(accepted),
        "worker_idle_rss_mib": round(idle_rss / mib, 1),
        "worker_peak_rss_mib": round(peak / mib, 1),
        "peak_above_idle_mib": round((peak - idle_rss) / mib, 1),
        "seconds": round(elapsed, 1),
        "crashed": crashed,
        "exit_codes": stopped,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=ROOT / "build" / "bin")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--budget", default="512MiB")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--photos", type=int, default=12, help="the N largest corpus photos")
    parser.add_argument("--copies", type=int, default=2, help="of each photo and crafted file")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    files = []
    for _ in range(args.copies):
        files += [(p.name, p.read_bytes()) for p in largest_photos(args.corpus, args.photos)]
        files += list(crafted_pngs().items())
    runs = {"admission": one_run(args, files, args.budget),
            "no_admission_peer": one_run(args, files, "0")}
    a, b = runs["admission"], runs["no_admission_peer"]
    budget_mib = a["memory_budget_mib"]
    print(json.dumps({
        "benchmark": "memory_admission",
        "runs": runs,
        "admission_peak_above_idle_within_budget": a["peak_above_idle_mib"] <= budget_mib,
        "admission_peak_rss_within_budget": a["worker_peak_rss_mib"] <= budget_mib,
        "peak_rss_ratio_peer_over_admission": round(b["worker_peak_rss_mib"] /
                                                    a["worker_peak_rss_mib"], 2),
    }, indent=2))
    ok = a["every_event_ended"] and b["every_event_ended"] and not a["crashed"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
