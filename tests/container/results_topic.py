"""Counting events on a Kafka topic with kafka-python (PyPI, pinned by scripts/image.sh): the
result events per image id, which is how the container test sees an image processed twice."""
import collections
import json
import threading

from kafka import KafkaConsumer, TopicPartition

RESULT_TYPES = ("fotogal.image.processed", "fotogal.image.failed")


def _consumer(brokers):
    # No group: the test reads the whole topic and commits nothing.
    return KafkaConsumer(bootstrap_servers=brokers, group_id=None, enable_auto_commit=False,
                         auto_offset_reset="earliest", consumer_timeout_ms=1000)


class TopicCounter(threading.Thread):
    """Reads a results topic from its beginning for as long as the test runs."""

    def __init__(self, brokers, topic):
        super().__init__(daemon=True)
        self.brokers, self.topic = brokers, topic
        self.counts = collections.Counter()  # image id -> result events
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.error = None

    def run(self):
        try:
            consumer = _consumer(self.brokers)
            parts = [TopicPartition(self.topic, p)
                     for p in sorted(consumer.partitions_for_topic(self.topic) or [])]
            if not parts:
                raise RuntimeError(f"topic {self.topic} has no partitions")
            consumer.assign(parts)
            consumer.seek_to_beginning(*parts)
            while not self.stopping.is_set():
                for records in consumer.poll(timeout_ms=500).values():
                    for r in records:
                        event = json.loads(r.value)
                        if event.get("type") in RESULT_TYPES:
                            with self.lock:
                                self.counts[event["subject"]] += 1
            consumer.close()
        except Exception as e:  # surfaced through finished()/ids() callers' deadlines
            self.error = repr(e)
            raise

    def stop(self):
        self.stopping.set()
        self.join(10)

    def _check(self):
        if self.error:
            raise RuntimeError(f"reading {self.topic}: {self.error}")

    def finished(self):
        self._check()
        with self.lock:
            return len(self.counts)

    def ids(self):
        self._check()
        with self.lock:
            return set(self.counts)

    def per_image(self):
        with self.lock:
            return dict(self.counts)

    @staticmethod
    def count(brokers, topic):
        """How many records the topic holds (end minus beginning offsets)."""
        consumer = _consumer(brokers)
        try:
            parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
            ends = consumer.end_offsets(parts)
            begins = consumer.beginning_offsets(parts)
            return sum(ends[p] - begins[p] for p in parts)
        finally:
            consumer.close()
