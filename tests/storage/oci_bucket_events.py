"""OCI Events for the Object Storage stand-in (oci_test_server.py): every object it creates
(a signed PUT, a multipart commit, a PUT through a pre-authenticated request) is announced on
a Kafka topic as the `com.oraclecloud.objectstorage.createobject` event OCI Events delivers
to a stream for a bucket with "Emit object events" on: the CloudEvents 0.1 envelope as the
message value, one event per message, no message key (which key OCI Events sets is not
documented). Like OCI, it announces every object of the bucket, the pipeline's own
renditions/ and manifests/ included: which ones start work is the worker's decision.

The messages are produced by kcat (Debian package `kcat`, librdkafka's command-line client),
one `kcat -P` run per event, so the events reach a real broker as a real producer sends them.

Enabled with --events-brokers HOST:PORT --events-topic TOPIC (or the settings
FOTOGAL_TEST_OCI_EVENTS_BROKERS / FOTOGAL_TEST_OCI_EVENTS_TOPIC); without both, no events.
"""
import datetime
import json
import os
import shutil
import subprocess
import uuid

CREATE_OBJECT = "com.oraclecloud.objectstorage.createobject"
# Fixed, recognisable OCIDs: the stand-in has no compartments; the worker reads none of them.
COMPARTMENT_ID = "ocid1.compartment.oc1..aaaaaaaafotogalteststandincompartment"
COMPARTMENT_NAME = "fotogal-test"
AVAILABILITY_DOMAIN = "IAD-AD-1"


def create_object_event(namespace, bucket, name, etag, when=None):
    """The createobject CloudEvent for object `name` of `bucket`, in the shape of Oracle's
    documented example (Events "Object Storage Event Types") and of captured events:
    source "ObjectStorage", eventTypeVersion "2.0", the object as data.resourceName and in
    data.resourceId (/n/{namespace}/b/{bucket}/o/{name}, the name as it is)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    return {
        "cloudEventsVersion": "0.1",
        "eventID": str(uuid.uuid4()),
        "eventType": CREATE_OBJECT,
        "source": "ObjectStorage",
        "eventTypeVersion": "2.0",
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
        "contentType": "application/json",
        "extensions": {"compartmentId": COMPARTMENT_ID},
        "data": {
            "compartmentId": COMPARTMENT_ID,
            "compartmentName": COMPARTMENT_NAME,
            "resourceName": name,
            "resourceId": f"/n/{namespace}/b/{bucket}/o/{name}",
            "availabilityDomain": AVAILABILITY_DOMAIN,
            "additionalDetails": {
                "eTag": etag,
                "namespace": namespace,
                "bucketName": bucket,
                "bucketId": f"ocid1.bucket.oc1.iad.fotogaltest{bucket.lower()}",
                "archivalState": "Available",
            },
        },
    }


class KafkaEventEmitter:
    """Publishes each event to `topic` on `brokers` with its own `kcat -P` run, which exits
    only once the broker acknowledged the message: the event is on the topic before the write
    that caused it is answered. (One long-running kcat reading events from a pipe holds the
    latest line back until the next one arrives, so a lone event would wait indefinitely.)
    Callers serialise publish() to keep the order of the writes."""

    def __init__(self, brokers, topic, kcat="kcat"):
        self.kcat = shutil.which(kcat)
        if self.kcat is None:
            raise SystemExit(f"{kcat} not found: install Debian's kcat (scripts/deps.sh)")
        self.brokers, self.topic = brokers, topic

    def publish(self, event):
        line = json.dumps(event, separators=(",", ":")) + "\n"
        done = subprocess.run([self.kcat, "-P", "-b", self.brokers, "-t", self.topic],
                              input=line.encode(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"kcat could not publish the event for "
                               f"{event['data']['resourceName']} to {self.topic}: "
                               f"{done.stderr.decode(errors='replace').strip()}")

    def object_created(self, namespace, bucket, name, etag):
        self.publish(create_object_event(namespace, bucket, name, etag))


def add_arguments(parser):
    parser.add_argument("--events-brokers",
                        default=os.environ.get("FOTOGAL_TEST_OCI_EVENTS_BROKERS", ""),
                        help="Kafka bootstrap servers to publish createobject events to")
    parser.add_argument("--events-topic",
                        default=os.environ.get("FOTOGAL_TEST_OCI_EVENTS_TOPIC", ""),
                        help="the topic (stream) OCI Events would deliver them to")


def emitter_from(args):
    """The emitter the command line asks for, or None when events are off."""
    if bool(args.events_brokers) != bool(args.events_topic):
        raise SystemExit("--events-brokers and --events-topic go together")
    if not args.events_brokers:
        return None
    return KafkaEventEmitter(args.events_brokers, args.events_topic)
