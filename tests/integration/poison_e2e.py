#!/usr/bin/env python3
"""A poison event on a real Kafka broker (scripts/kafka.sh) is dead-lettered once while the
rest of its partition is handled and committed.

1. Five photos go through fotogal-ingest and an upload worker: five manifests.
2. The third image's manifest in the bucket is overwritten with bytes that are not a manifest.
3. A reprocess worker serves a one-partition reprocess topic, and `fotogal-replay
   --from-offsets earliest` republishes the five uploads onto it, the corrupt one in the
   middle. The worker skips the four current images, dead-letters the corrupt one after one
   attempt (poison: no retry), and its group commits the partition's end offset.

Broker address and topic naming as in replay_e2e.py (FOTOGAL_TEST_KAFKA_BROKERS, else
127.0.0.1:$FOTOGAL_KAFKA_PORT; a broker is started when none serves there; fresh topic names,
deleted at the end).

usage: poison_e2e.py --bin DIR --corpus DIR --work DIR
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_e2e import corpus_photos, log, test_main, wait_for  # noqa: E402

COUNT = 5
CORRUPT = 2  # the index of the image whose manifest is damaged


def run(h, photos):
    h.ensure_broker()
    log(f"broker {h.brokers}, topic prefix {h.prefix}")
    h.kafka_sh("topics", "--partitions", "1", *h.topics.values())
    main = h.start("worker-main", "fotogal-worker", FOTOGAL_TOPIC=h.topics["uploads"],
                   FOTOGAL_GROUP=f"{h.prefix}-main")
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_AUTH="none", FOTOGAL_RATE_UPLOADS="0",
                     FOTOGAL_RATE_BYTES="0",
                     FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL="0")
    ids = [h.upload(ingest, photos[i % len(photos)]) for i in range(COUNT)]
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


def main():
    return test_main(lambda h, args: run(h, corpus_photos(args.corpus)))


if __name__ == "__main__":
    sys.exit(main())
