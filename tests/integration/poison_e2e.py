#!/usr/bin/env python3
"""A poison event on a real Kafka broker (scripts/kafka.sh) is dead-lettered once while the
rest of its partition is handled and committed.

1. Five photos go through fotogal-ingest and an upload worker: five manifests.
2. The third image's manifest in the bucket is overwritten with bytes that are not a manifest.
3. A reprocess worker serves a one-partition reprocess topic, and `fotogal-replay
   --from-offsets earliest` republishes the five uploads onto it, the corrupt one in the
   middle. The worker skips the four current images, dead-letters the corrupt one after one
   attempt (poison: no retry), and its group commits the partition's end offset.
4. Trace context: the corrupt image was uploaded with a client `traceparent`; ingest answers
   with its own hop in the same trace, and one grep of the trace id over the logs of ingest
   and both workers finds the upload's request line, its manifest-written line and the
   reprocess worker's dead-letter line (the replay continued the trace).

Broker address and topic naming as in replay_e2e.py (FOTOGAL_TEST_KAFKA_BROKERS, else
127.0.0.1:$FOTOGAL_KAFKA_PORT; a broker is started when none serves there; fresh topic names,
deleted at the end).

usage: poison_e2e.py --bin DIR --corpus DIR --work DIR
"""
import json
import secrets
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_e2e import corpus_photos, log, test_main, wait_for  # noqa: E402

COUNT = 5
CORRUPT = 2  # the index of the image whose manifest is damaged


def traced_upload(ingest, path, trace_id):
    """An upload with a client traceparent; returns the image id and ingest's traceparent."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{ingest.port}/v1/images", data=path.read_bytes(), method="POST",
        headers={"Content-Type": "image/jpeg",
                 "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status == 202, resp.status
        return json.loads(resp.read())["id"], resp.headers["traceparent"]


def grep_trace(trace_id, logs):
    """One grep over the services' logs: the JSON lines that name the trace."""
    out = subprocess.run(["grep", "-h", trace_id, *map(str, logs)], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def check_trace(h, trace_id, image_id, echoed):
    version, echoed_trace, span, flags = echoed.split("-")
    assert (version, echoed_trace, flags) == ("00", trace_id, "01"), echoed
    logs = h.work / "logs"
    lines = grep_trace(trace_id, [logs / "ingest.log", logs / "worker-main.log",
                                  logs / "worker-reprocess.log"])
    msgs = [line["msg"] for line in lines]
    log(f"grep {trace_id}: {msgs}")
    assert all(line["trace_id"] == trace_id for line in lines)
    request = [x for x in lines if x["msg"] == "upload accepted"]
    assert len(request) == 1 and request[0]["image_id"] == image_id, request
    assert request[0]["span_id"] == span  # the hop ingest answered with
    written = [x for x in lines if x["msg"] == "manifest written"]
    assert written and written[0]["image_id"] == image_id, written
    assert "event cannot be handled; dead-lettering" in msgs, msgs


def run(h, photos):
    h.ensure_broker()
    log(f"broker {h.brokers}, topic prefix {h.prefix}")
    h.kafka_sh("topics", "--partitions", "1", *h.topics.values())
    main = h.start("worker-main", "fotogal-worker", FOTOGAL_TOPIC=h.topics["uploads"],
                   FOTOGAL_GROUP=f"{h.prefix}-main")
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_AUTH="none", FOTOGAL_RATE_UPLOADS="0",
                     FOTOGAL_RATE_BYTES="0",
                     FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL="0")
    trace_id = secrets.token_hex(16)
    ids, echoed = [], None
    for i in range(COUNT):
        if i == CORRUPT:
            image_id, echoed = traced_upload(ingest, photos[i % len(photos)], trace_id)
            ids.append(image_id)
        else:
            ids.append(h.upload(ingest, photos[i % len(photos)]))
    wait_for(f"{COUNT} manifests", lambda: all(h.manifest(i) for i in ids), 300, h.procs)
    h.stop(main)
    h.stop(ingest)

    (h.data / "manifests" / f"{ids[CORRUPT]}.json").write_text('{"status": "processed", "recip')
    group = f"{h.prefix}-reprocess"
    worker = h.start("worker-reprocess", "fotogal-worker", FOTOGAL_TOPIC=h.topics["reprocess"],
                     FOTOGAL_GROUP=group, FOTOGAL_MAX_ATTEMPTS="3")
    code, summary = h.replay("--from-offsets", "earliest")
    assert code == 0 and summary["published"] == COUNT, summary

    def settled():
        parts = h.offsets(group, h.topics["reprocess"])
        return all(p["committed"] == p["end"] == COUNT for p in parts)

    wait_for("the reprocess partition committed to its end", settled, 120, h.procs)
    dead = worker.metric("fotogal_dead_letters_total", 'code="corrupt_manifest"')
    skipped = worker.metric("fotogal_events_total", 'outcome="skipped"')
    retries = worker.metric("fotogal_event_retries_total")
    log(f"dead letters (corrupt_manifest) {dead}, skipped {skipped}, retries {retries}")
    assert dead == 1, dead  # the fault fired, and was dead-lettered once
    # The events after it were handled too, each once (one worker: no rebalance, no redelivery).
    assert skipped == COUNT - 1, skipped
    assert retries == 0, retries  # poison is not retried
    h.stop(worker)
    check_trace(h, trace_id, ids[CORRUPT], echoed)


def main():
    return test_main(lambda h, args: run(h, corpus_photos(args.corpus)))


if __name__ == "__main__":
    sys.exit(main())
