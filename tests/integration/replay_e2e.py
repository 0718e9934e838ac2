#!/usr/bin/env python3
"""Replay and backfill on a real Kafka broker (scripts/kafka.sh), end to end.

1. 200 real photos go through fotogal-ingest and the upload workers (recipe v1).
2. The recipe changes (v2 adds a rendition); a reprocess worker serves the reprocess topic and
   `fotogal-replay --since <before the uploads>` republishes the uploads: every image gets the
   new rendition and the new fingerprint.
3. The same replay again: every image is skipped, and the reprocess worker's
   fotogal_images_decoded_total proves none was decoded; no manifest is rewritten.
4. A forced replay makes a backlog on the reprocess topic; fresh uploads made meanwhile get
   their manifests while that backlog is still being worked off (both latencies printed).
5. A fresh topic (no history, as after the stream's retention): replaying it finds nothing,
   `fotogal-replay --backfill` lists the bucket and every original is reprocessed (recipe v3).

The broker address comes from FOTOGAL_TEST_KAFKA_BROKERS, else 127.0.0.1:$FOTOGAL_KAFKA_PORT
(scripts/kafka.sh's port setting, default 19092); when nothing serves there, the test starts a
broker with scripts/kafka.sh and stops it afterwards. Every
topic and group name carries a fresh prefix, so the test shares a broker with other tests.
Its topics are deleted at the end.

usage: replay_e2e.py --bin DIR --corpus DIR --work DIR [--images 200]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "scripts" / "kafka.sh"
PARTITIONS = 3


TEST_NAME = Path(sys.argv[0]).stem  # replay_e2e, poison_e2e, edge_e2e: who is logging


def log(msg):
    print(f"[{TEST_NAME} {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def test_main(run, parser=None):
    """The shared command line (--bin, --corpus, --work) and life cycle of a broker test: a
    Harness with topics named after the test, `run(h, args)`, then cleanup."""
    parser = parser or argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    h = Harness(args)
    started = time.monotonic()
    try:
        run(h, args)
    finally:
        h.close()
    log(f"passed in {time.monotonic() - started:.1f}s")
    return 0


def corpus_photos(corpus):
    photos = sorted(p for p in (corpus / "photos").iterdir()
                    if p.suffix.lower() in (".jpg", ".jpeg"))
    assert photos, f"no photos in {corpus / 'photos'}"
    return photos


def wait_for(what, condition, timeout, procs=()):
    """Polls `condition` until it returns something true; fails past the deadline or when a
    process that should run has ended."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for p in procs:
            if p.popen.poll() is not None:
                raise AssertionError(f"while waiting for {what}: {p.name} exited "
                                     f"with {p.popen.returncode}; log {p.log_path}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Proc:
    """One project binary with its own log file; stopped with SIGTERM (KILL after a grace)."""

    def __init__(self, name, binary, env, logs):
        self.name = name
        self.log_path = logs / f"{name}.log"
        self.log_file = open(self.log_path, "wb")
        self.popen = subprocess.Popen([str(binary)], env=env, stdout=self.log_file,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.port = wait_for(f"{name} to listen", self._listen_port, 60, [self])

    def _listen_port(self):
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"listen_port"' in line:
                return json.loads(line)["listen_port"]
        return None

    def metric(self, name, labels=""):
        """Sum of a metric's samples whose labels contain `labels`."""
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5).read()
        total = 0.0
        for line in text.decode().splitlines():
            if line.startswith(name) and (line[len(name)] in " {") and labels in line:
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log_file.close()
        return self.popen.returncode


class Harness:
    def __init__(self, args):
        self.bin = Path(args.bin)
        self.work = Path(args.work)
        shutil.rmtree(self.work, ignore_errors=True)
        (self.work / "logs").mkdir(parents=True)
        self.data = self.work / "data"
        port = os.environ.get("FOTOGAL_KAFKA_PORT", "19092")  # scripts/kafka.sh's setting
        self.brokers = os.environ.get("FOTOGAL_TEST_KAFKA_BROKERS", f"127.0.0.1:{port}")
        self.started_broker = False
        self.prefix = f"{TEST_NAME.replace('_', '-')}-{os.getpid()}-{int(time.time())}"
        self.topics = {k: f"{self.prefix}.{k}" for k in
                       ("uploads", "reprocess", "results", "dlq", "uploads-fresh",
                        "reprocess-fresh")}
        self.procs = []
        self.base_env = dict(
            os.environ, FOTOGAL_KAFKA_BROKERS=self.brokers, FOTOGAL_STORAGE=f"file://{self.data}",
            FOTOGAL_TOPIC_UPLOADS=self.topics["uploads"],
            FOTOGAL_TOPIC_REPROCESS=self.topics["reprocess"],
            FOTOGAL_TOPIC_RESULTS=self.topics["results"], FOTOGAL_TOPIC_DLQ=self.topics["dlq"],
            FOTOGAL_REPLAY_GROUP=f"{self.prefix}-replay", FOTOGAL_LISTEN="127.0.0.1:0", FOTOGAL_LOG_LEVEL="info", FOTOGAL_SHUTDOWN_GRACE="10")

    def kafka_sh(self, *args, check=True):
        env = dict(os.environ, FOTOGAL_KAFKA_PORT=self.brokers.rsplit(":", 1)[1])
        return subprocess.run([str(KAFKA_SH), *args], env=env, check=check, text=True,
                              stdout=subprocess.PIPE)

    def ensure_broker(self):
        """Uses the broker that serves (scripts/test.sh starts one for every test); run alone,
        starts one with scripts/kafka.sh and stops it at the end."""
        host, port = self.brokers.rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
        except OSError:
            log(f"no broker at {self.brokers}; starting one with scripts/kafka.sh")
            self.kafka_sh("start")
            self.started_broker = True

    def offsets(self, group, topic):
        """Each partition's end and the group's committed offset, as the broker reports."""
        return json.loads(self.kafka_sh("offsets", group, topic).stdout)["partitions"]

    def recipe(self, name, renditions):
        path = self.work / f"recipe-{name}.json"
        path.write_text(json.dumps({"renditions": renditions}))
        return str(path)

    def start(self, name, binary, **env):
        p = Proc(name, self.bin / binary, dict(self.base_env, **env), self.work / "logs")
        self.procs.append(p)
        return p

    def stop(self, proc):
        code = proc.stop()
        self.procs.remove(proc)
        assert code == 0, f"{proc.name} exited with {code}; log {proc.log_path}"

    def replay(self, *args, **env):
        out = subprocess.run([str(self.bin / "fotogal-replay"), *args],
                             env=dict(self.base_env, **env), stdout=subprocess.PIPE,
                             stderr=open(self.work / "logs" / "replay.log", "ab"), text=True,
                             timeout=300)
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        log(f"fotogal-replay {' '.join(args)} -> exit {out.returncode} {summary}")
        return out.returncode, summary

    def manifest(self, image_id):
        try:
            return json.loads((self.data / "manifests" / f"{image_id}.json").read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None  # not written yet (writes are atomic renames; a miss is "not yet")

    def manifests_with(self, ids, fingerprint):
        return all((m := self.manifest(i)) and m.get("recipe_fingerprint") == fingerprint
                   for i in ids)

    def upload(self, ingest, path):
        req = urllib.request.Request(f"http://127.0.0.1:{ingest.port}/v1/images",
                                     data=path.read_bytes(),
                                     headers={"Content-Type": "image/jpeg"}, method="POST")
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 202, resp.status
            return json.loads(resp.read())["id"]

    def close(self):
        for p in reversed(self.procs):
            p.stop()
        if self.kafka_sh("delete-topics", *self.topics.values(), check=False).returncode:
            log("could not delete the test topics")
        if self.started_broker:
            self.kafka_sh("stop", check=False)


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def run(h, photos, count):
    h.ensure_broker()
    log(f"broker {h.brokers}, topic prefix {h.prefix}")
    h.kafka_sh("topics", "--partitions", str(PARTITIONS), *h.topics.values())
    small = {"name": "small", "width": 320, "height": 320, "fit": "fit", "format": "jpeg",
             "quality": 80}
    tiny = {"name": "tiny", "width": 96, "height": 96, "fit": "cover", "format": "webp",
            "quality": 70}
    mini = {"name": "mini", "width": 64, "height": 64, "fit": "fit", "format": "png"}
    v1 = h.recipe("v1", [small])
    v2 = h.recipe("v2", [small, tiny])
    v3 = h.recipe("v3", [small, tiny, mini])
    main_env = dict(FOTOGAL_TOPIC=h.topics["uploads"], FOTOGAL_GROUP=f"{h.prefix}-main")
    reprocess_env = dict(FOTOGAL_TOPIC=h.topics["reprocess"],
                         FOTOGAL_GROUP=f"{h.prefix}-reprocess")

    # -- 1. uploads, processed with recipe v1
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_AUTH="none", FOTOGAL_RATE_UPLOADS="0",
                     FOTOGAL_RATE_BYTES="0",
                     FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL="0")
    mains = [h.start(f"worker-main-{i}", "fotogal-worker", FOTOGAL_RECIPE=v1, **main_env)
             for i in range(2)]
    before_uploads = time.time() - 1
    files = [photos[i % len(photos)] for i in range(count)]
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda f: h.upload(ingest, f), files))
    assert len(set(ids)) == count
    first = wait_for(f"{count} manifests (v1)", lambda: (m := h.manifest(ids[0])) and m, 300,
                     h.procs)
    fp1 = first["recipe_fingerprint"]
    wait_for(f"{count} manifests (v1)", lambda: h.manifests_with(ids, fp1), 300, h.procs)
    assert all(h.manifest(i)["status"] == "processed" for i in ids)
    log(f"{count} uploads processed with recipe v1 ({fp1[:12]})")

    # -- 2. recipe v2 rolled out; replay since before the uploads
    for w in mains:
        h.stop(w)
    mains = [h.start(f"worker-main-v2-{i}", "fotogal-worker", FOTOGAL_RECIPE=v2, **main_env)
             for i in range(1)]
    rw = h.start("worker-reprocess", "fotogal-worker", FOTOGAL_RECIPE=v2, **reprocess_env)
    code, s = h.replay("--since", rfc3339(before_uploads))
    assert code == 0
    assert (s["scanned"], s["published"], s["skipped"], s["errors"]) == (count, count, 0, 0), s
    # Its own group recorded the position: the end marks, every partition.
    positions = h.offsets(f"{h.prefix}-replay", h.topics["uploads"])
    assert all(p["committed"] == p["end"] for p in positions), positions
    assert sum(p["end"] for p in positions) == count, positions
    fp2 = wait_for("a v2 manifest", lambda: (m := h.manifest(ids[0])) and
                   m["recipe_fingerprint"] != fp1 and m["recipe_fingerprint"], 300, h.procs)
    wait_for(f"{count} manifests (v2)", lambda: h.manifests_with(ids, fp2), 300, h.procs)
    for i in ids:
        m = h.manifest(i)
        assert [o["name"] for o in m["outputs"]] == ["small", "tiny"], m["outputs"]
        assert (h.data / "renditions" / i / "tiny.webp").is_file()
    log(f"every image has the new rendition and fingerprint {fp2[:12]}")

    # -- 3. the same replay again: all skipped, nothing decoded, nothing rewritten
    decoded = rw.metric("fotogal_images_decoded_total")
    skipped = rw.metric("fotogal_events_total", 'outcome="skipped"')
    assert decoded == count, f"reprocess worker decoded {decoded}, expected {count}"
    manifests = {i: (h.data / "manifests" / f"{i}.json").read_bytes() for i in ids}
    code, s = h.replay("--since", rfc3339(before_uploads))
    assert code == 0 and s["published"] == count, s
    wait_for(f"{count} skips", lambda: rw.metric("fotogal_events_total", 'outcome="skipped"')
             == skipped + count, 120, h.procs)
    assert rw.metric("fotogal_images_decoded_total") == decoded, "a skipped image was decoded"
    assert all((h.data / "manifests" / f"{i}.json").read_bytes() == manifests[i] for i in ids)
    log(f"second replay: {count} skipped, fotogal_images_decoded_total still {decoded:.0f}")

    # -- 4. a forced replay's backlog does not delay fresh uploads
    handled = rw.metric("fotogal_events_total")
    t_replay = time.monotonic()
    code, s = h.replay("--since", rfc3339(before_uploads), "--force")
    assert code == 0 and s["published"] == count, s
    before_fresh = time.time()
    fresh_files = photos[:10]
    latencies, fresh_ids = [], []
    for f in fresh_files:
        t0 = time.monotonic()
        fresh_ids.append(h.upload(ingest, f))
        wait_for("a fresh upload's manifest", lambda: h.manifest(fresh_ids[-1]), 60, h.procs)
        latencies.append(time.monotonic() - t0)
    backlog_left = count - (rw.metric("fotogal_events_total") - handled)
    log(f"fresh uploads done while {backlog_left:.0f} of {count} reprocess events still waited")
    assert backlog_left > 0, "the backlog was gone before the fresh uploads finished"
    # The broker's view, a moment later (a JVM start): the reprocess group's lag.
    lag = sum(p["end"] - max(p["committed"], 0)
              for p in h.offsets(reprocess_env["FOTOGAL_GROUP"], h.topics["reprocess"]))
    log(f"reprocess topic lag reported by the broker just after: {lag}")
    assert lag > 0, "the broker reports no reprocess lag left"
    wait_for("the forced replay to be worked off",
             lambda: rw.metric("fotogal_events_total") - handled >= count, 300, h.procs)
    drain = time.monotonic() - t_replay
    assert rw.metric("fotogal_images_decoded_total") == decoded + count
    print(json.dumps({"fresh_upload_to_manifest_seconds": {
        "median": round(statistics.median(latencies), 3), "max": round(max(latencies), 3),
        "count": len(latencies)},
        "replay_backlog": {"events": count, "seconds_to_work_off": round(drain, 3),
                           "left_when_fresh_uploads_were_done": int(backlog_left),
                           "broker_lag_just_after": lag}}), flush=True)
    h.stop(rw)

    # The other ways to pick a range, counted with dry runs on the same topic.
    n = count + len(fresh_ids)
    code, s = h.replay("--from-offsets", "earliest", "--dry-run")
    assert code == 0 and (s["scanned"], s["published"]) == (n, n), s
    code, s = h.replay("--since", rfc3339(before_uploads), "--until", rfc3339(before_fresh),
                       "--dry-run")
    assert code == 0 and (s["scanned"], s["published"]) == (count, count), s
    p0 = h.offsets(f"{h.prefix}-replay", h.topics["uploads"])[0]["end"]
    code, s = h.replay("--from-offsets", "0:0", "--dry-run")
    assert code == 0 and s["scanned"] == p0, (s, p0)

    # -- 5. fresh topic, no history: the stream finds nothing, the bucket has everything
    all_ids = ids + fresh_ids
    code, s = h.replay("--since", rfc3339(before_uploads),
                       FOTOGAL_TOPIC_UPLOADS=h.topics["uploads-fresh"])
    assert code == 0 and s["scanned"] == 0 and s["published"] == 0, s
    # A dry run needs no broker at all: it only counts.
    code, s = h.replay("--backfill", "--dry-run", FOTOGAL_KAFKA_BROKERS="127.0.0.1:1")
    assert code == 0 and s["published"] == len(all_ids) and s["dry_run"], s
    fresh_env = dict(FOTOGAL_TOPIC_REPROCESS=h.topics["reprocess-fresh"])
    rw3 = h.start("worker-reprocess-fresh", "fotogal-worker", FOTOGAL_RECIPE=v3,
                  FOTOGAL_TOPIC=h.topics["reprocess-fresh"],
                  FOTOGAL_GROUP=f"{h.prefix}-reprocess-fresh", **fresh_env)
    code, s = h.replay("--backfill", **fresh_env)
    assert code == 0, s
    n = len(all_ids)
    assert (s["scanned"], s["published"], s["skipped"], s["errors"]) == (n, n, 0, 0), s
    fp3 = wait_for("a v3 manifest", lambda: (m := h.manifest(ids[0])) and
                   m["recipe_fingerprint"] not in (fp1, fp2) and m["recipe_fingerprint"], 300,
                   h.procs)
    wait_for(f"{n} manifests (v3)", lambda: h.manifests_with(all_ids, fp3), 300, h.procs)
    assert all((h.data / "renditions" / i / "mini.png").is_file() for i in all_ids)
    assert rw3.metric("fotogal_images_decoded_total") == n
    log(f"backfill: all {n} originals reprocessed with recipe v3 ({fp3[:12]})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=200)
    return test_main(lambda h, args: run(h, corpus_photos(args.corpus), args.images), parser)


if __name__ == "__main__":
    sys.exit(main())
