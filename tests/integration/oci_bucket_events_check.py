#!/usr/bin/env python3
"""The OCI stand-in's bucket-event emitter on the real broker, event by event: every way an
object is created in tests/storage/oci_test_server.py (a signed PUT, a multipart commit, a PUT
through a pre-authenticated request) publishes exactly one OCI Events `createobject` CloudEvent,
in the order of the writes, with the shape of Oracle's documented example (the same fields as
tests/fuzz/seeds/cloudevent/oci_createobject.json, nothing more), the object's name, bucket,
namespace and the eTag the write answered; reads, deletes and a refused conditional PUT
publish nothing. The topic is read back with kcat.

Requests are signed here as OCI documents (RSA-SHA256 over date, (request-target), host and
the body headers) with python3-cryptography, with the stand-in's fresh key.

usage: oci_bucket_events_check.py --bin DIR --corpus DIR --work DIR
"""
import base64
import email.utils
import hashlib
import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oci_direct_upload_e2e import OciStandIn  # noqa: E402
from replay_e2e import ROOT, log, test_main, wait_for  # noqa: E402

SEED = ROOT / "tests" / "fuzz" / "seeds" / "cloudevent" / "oci_createobject.json"
NS, BUCKET = "fotogalns", "events"


def call(method, url, body=None, headers=None):
    """(status, reply headers, reply body) of one request."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Signer:
    """OCI request signing (draft-cavage, rsa-sha256) of the stand-in's API calls."""

    def __init__(self, key, key_id, endpoint):
        self.key, self.key_id, self.endpoint = key, key_id, endpoint
        self.host = endpoint.split("://", 1)[1]

    def request(self, method, path, body=b"", content_type="application/octet-stream",
                extra=None):
        headers = {"date": email.utils.formatdate(usegmt=True), "host": self.host}
        names = ["date", "(request-target)", "host"]
        if method in ("PUT", "POST"):
            headers.update({"content-length": str(len(body)), "content-type": content_type,
                            "x-content-sha256": base64.b64encode(
                                hashlib.sha256(body).digest()).decode()})
            names += ["content-length", "content-type", "x-content-sha256"]
        lines = [f"(request-target): {method.lower()} {path}" if n == "(request-target)"
                 else f"{n}: {headers[n]}" for n in names]
        signature = self.key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
        headers["authorization"] = (
            f'Signature version="1",keyId="{self.key_id}",algorithm="rsa-sha256",'
            f'headers="{" ".join(names)}",signature="{base64.b64encode(signature).decode()}"')
        headers.update(extra or {})
        return call(method, self.endpoint + path, body if method in ("PUT", "POST") else None,
                    headers)


def read_topic(brokers, topic):
    """Every message of `topic` so far: (key, value) as kcat reads them."""
    out = subprocess.run(["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e",
                          "-q", "-J"], check=True, stdout=subprocess.PIPE, text=True,
                         timeout=60).stdout
    return [(m["key"], m["payload"]) for m in map(json.loads, out.splitlines())]


def shape(value):
    """The field names of a JSON object, recursively (values of other types: their type)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return type(value).__name__


def run(h, args):
    h.ensure_broker()
    topic = h.topics["uploads"]
    h.kafka_sh("topics", "--partitions", "1", topic)  # one partition: the order is kept
    oci = OciStandIn(h.work, h.brokers, topic)
    try:
        scenario(h, oci, topic)
    finally:
        oci.stop()


def put(signer, path, body, **extra):
    code, headers, answer = signer.request("PUT", path, body, extra=extra)
    assert code == 200, f"PUT {path}: HTTP {code} {answer[:200]!r}"
    return headers["etag"]


def scenario(h, oci, topic):
    key = serialization.load_pem_private_key(
        Path(oci.env["FOTOGAL_OCI_KEY_FILE"]).read_bytes(), None)
    env = oci.env
    signer = Signer(key, f"{env['FOTOGAL_OCI_TENANCY']}/{env['FOTOGAL_OCI_USER']}/"
                         f"{env['FOTOGAL_OCI_FINGERPRINT']}", oci.endpoint)
    started = datetime.now(timezone.utc)
    base = f"/n/{NS}/b/{BUCKET}"
    expected = []  # (object name, eTag) in the order of the writes

    # A signed PUT; then a refused conditional PUT and a GET of it: no events.
    expected.append(("incoming/signed.jpg", put(signer, f"{base}/o/incoming/signed.jpg",
                                                b"signed bytes")))
    code, _, _ = signer.request("PUT", f"{base}/o/incoming/signed.jpg", b"again",
                                extra={"if-none-match": "*"})
    assert code == 412, code
    assert signer.request("GET", f"{base}/o/incoming/signed.jpg")[0] == 200

    # A multipart upload of two parts, committed: one event, for the commit.
    code, _, body = signer.request("POST", f"{base}/u", json.dumps(
        {"object": "incoming/multipart.bin"}).encode(), "application/json")
    assert code == 200, (code, body)
    upload = f"{base}/u/incoming/multipart.bin?uploadId={json.loads(body)['uploadId']}"
    parts = [{"partNum": n, "etag": put(signer, f"{upload}&uploadPartNum={n}", chunk)}
             for n, chunk in ((1, b"a" * 1000), (2, b"b" * 10))]
    code, headers, body = signer.request("POST", upload, json.dumps(
        {"partsToCommit": parts}).encode(), "application/json")
    assert code == 200, (code, body)
    expected.append(("incoming/multipart.bin", headers["etag"]))

    # A write-only PAR for originals/<id>, used without a signature.
    name = f"originals/{uuid.uuid4()}"
    code, _, body = signer.request("POST", f"{base}/p/", json.dumps(
        {"name": "upload", "accessType": "ObjectWrite", "objectName": name,
         "timeExpires": "2099-01-01T00:00:00Z"}).encode(), "application/json")
    assert code == 200, (code, body)
    code, headers, _ = call("PUT", oci.endpoint + json.loads(body)["accessUri"], b"photo bytes",
                            {"Content-Type": "image/jpeg"})
    assert code == 200, code
    expected.append((name, headers["etag"]))
    assert signer.request("DELETE", f"{base}/o/incoming/signed.jpg")[0] == 204

    # -- the topic holds exactly one event per created object, in order
    messages = wait_for("the createobject events on the topic",
                        lambda: (m := read_topic(h.brokers, topic)) and len(m) >= len(expected)
                        and m, 60)
    assert len(messages) == len(expected), messages
    assert oci.control("stats")["events"] == len(expected)
    seed = json.loads(SEED.read_text())
    ids = set()
    for (message_key, value), (object_name, etag) in zip(messages, expected):
        assert message_key is None, f"a message key {message_key!r}"
        event = json.loads(value)
        assert shape(event) == shape(seed), f"{event} has not the shape of {SEED.name}"
        assert {k: event[k] for k in ("cloudEventsVersion", "eventType", "source",
                                      "eventTypeVersion", "contentType")} == \
            {k: seed[k] for k in ("cloudEventsVersion", "eventType", "source",
                                  "eventTypeVersion", "contentType")}, event
        when = datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))
        assert started.replace(microsecond=0) <= when <= datetime.now(timezone.utc), event
        ids.add(str(uuid.UUID(event["eventID"])))
        data = event["data"]
        assert data["resourceName"] == object_name, (data, object_name)
        assert data["resourceId"] == f"/n/{NS}/b/{BUCKET}/o/{object_name}", data
        assert data["compartmentId"] == event["extensions"]["compartmentId"], event
        details = data["additionalDetails"]
        assert (details["namespace"], details["bucketName"], details["eTag"],
                details["archivalState"]) == (NS, BUCKET, etag, "Available"), details
    assert len(ids) == len(expected), "eventIDs repeat"
    log(f"{len(expected)} objects created (signed PUT, multipart commit, PAR PUT): "
        f"{len(messages)} createobject events, in order; reads, deletes and a refused PUT: none")


def main():
    return test_main(run)


if __name__ == "__main__":
    sys.exit(main())
