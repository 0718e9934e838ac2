#!/usr/bin/env python3
"""Direct uploads, end to end with real parts: the S3 test server (versitygw) publishes its
bucket notifications to the real Kafka broker, and no photo byte passes through ingest.

1. versitygw starts with `--event-kafka-url/--event-kafka-topic` pointing at the test's uploads
   topic (scripts/s3server.sh), so its start-up s3:TestEvent record lands there first; ingest
   and one worker use FOTOGAL_STORAGE=s3://<fresh bucket>.
2. For each photo the client, authenticated with an API key, asks ingest for an upload URL
   (`POST /v1/uploads`: 201 with `key` originals/<id>, `status_url` and `upload` {method,
   url, headers, ...}; the first photo asks for `visibility` public, the others not), PUTs
   the photo straight to versitygw with exactly `upload.headers`, and polls `status_url`
   until the manifest says processed. The manifest's SHA-256 is the photo's; its owner is
   the key's principal (from the reservation ingest wrote at reservations/<id>.json, since
   the bucket's event names no owner) with the visibility asked for: an anonymous GET of a
   private image's rendition is refused (401), of the public one answered.
3. Ingest handled no photo bytes: its upload counters are 0 and the only objects it wrote are
   the reservations, one per URL.
4. The same bytes PUT again with the same upload URL: versitygw notifies again, the worker skips it
   (same content), nothing is run through the pipeline a second time, the manifest is
   unchanged.
5. An object PUT under renditions/ starts nothing (counted as skipped bucket event).
6. The worker dead-lettered nothing: the test record and the renditions/ record were ignored.

Broker address and topic naming as in replay_e2e.py. The S3 server listens on
FOTOGAL_TEST_S3_EVENTS_PORT (CTest sets it; default 21071), its own instance beside the
shared S3 test server, since it publishes to this test's topic.

usage: direct_upload_e2e.py --bin DIR --corpus DIR --work DIR [--images 3]
"""
import argparse
import hashlib
import secrets
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from replay_e2e import ROOT, corpus_photos, log, test_main, wait_for  # noqa: E402
from fotogal_stack import S3Server  # noqa: E402

S3SERVER_SH = ROOT / "scripts" / "s3server.sh"


def http(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class EventingS3:
    """versitygw on its own port and data folder, publishing bucket events to `topic`."""

    def __init__(self, work, brokers, topic):
        self.port = os.environ.get("FOTOGAL_TEST_S3_EVENTS_PORT", "21071")
        self.dir = work / "s3server"
        self.env = dict(os.environ, FOTOGAL_S3_PORT=self.port)
        subprocess.run([str(S3SERVER_SH), "start", str(self.dir), "--event-kafka-url", brokers,
                        "--event-kafka-topic", topic], env=self.env, check=True)
        os.environ["FOTOGAL_S3_PORT"] = self.port  # S3Server reads `s3server.sh env`
        self.signer = S3Server(self.dir)
        self.endpoint = self.signer.endpoint

    def stop(self):
        subprocess.run([str(S3SERVER_SH), "stop", str(self.dir)], env=self.env, check=False)

    def put(self, key_path, body):
        """A PUT with a presigned URL, as any client holding the bucket's keys could do."""
        return http("PUT", self.signer.presign("PUT", key_path), body)


PRINCIPAL = "direct-uploader"


def api_key(h):
    """A fresh API key with the upload and read scopes: ingest's environment for it and the
    headers a client sends."""
    key = secrets.token_hex(16)
    keys = h.work / "api-keys"
    keys.write_text(f"{PRINCIPAL} {hashlib.sha256(key.encode()).hexdigest()} upload,read\n")
    return (dict(FOTOGAL_AUTH="api_key", FOTOGAL_API_KEYS_FILE=str(keys)),
            {"Authorization": f"Bearer {key}"})


def request_upload(ingest, photo, auth=None, visibility=None):
    """`POST /v1/uploads`: the direct-to-bucket upload URL for one photo."""
    fields = {"content_type": "image/jpeg", "size": photo.stat().st_size}
    if visibility:
        fields["visibility"] = visibility
    status, answer = http("POST", f"http://127.0.0.1:{ingest.port}/v1/uploads",
                          json.dumps(fields).encode(),
                          {"Content-Type": "application/json", **(auth or {})})
    assert status == 201, f"POST /v1/uploads: HTTP {status} {answer[:300]!r}"
    return json.loads(answer)


def check_upload_contract(grant):
    for field in ("id", "key", "status_url", "upload"):
        assert field in grant, f"no {field} in {grant}"
    assert grant["key"] == f"originals/{grant['id']}", grant
    assert grant["status_url"] == f"/v1/images/{grant['id']}", grant
    upload = grant["upload"]
    for field in ("method", "url", "headers", "expires_at", "max_bytes"):
        assert field in upload, f"no upload.{field} in {grant}"
    assert upload["method"] == "PUT", upload


def status(ingest, grant, auth=None):
    code, body = http("GET", f"http://127.0.0.1:{ingest.port}{grant['status_url']}",
                      headers=auth)
    return json.loads(body) if code == 200 else None


def ingest_upload_counters(ingest):
    """Ingest's counters of uploads it received (fotogal_uploads_total, by result) and of
    upload bytes (every fotogal_ingest_*bytes_total counter it exposes), summed; a counter
    not exposed yet is 0."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{ingest.port}/metrics", timeout=5).read()
    names = set(re.findall(r"^(fotogal_ingest_\w*bytes_total)[ {]", text.decode(), re.M))
    names.add("fotogal_uploads_total")
    return {name: ingest.metric(name) for name in sorted(names)}


def wait_until_processed(h, ingest, grants, auth=None):
    """Each (grant, photo) shows a processed manifest at its status URL, made from the photo's
    bytes under the granted key."""
    for grant, photo in grants:
        manifest = wait_for(f"the manifest of {grant['id']}",
                            lambda: (s := status(ingest, grant, auth)) and
                            s.get("status") != "pending" and s, 120, h.procs)
        assert manifest["status"] == "processed", manifest
        assert manifest["source"]["key"] == grant["key"], manifest["source"]
        assert manifest["source"]["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()


def assert_no_bytes_through_ingest(ingest, reservations):
    """Ingest's upload counters are 0 and the only objects it wrote are the `reservations`
    (one small JSON object per upload URL): every photo byte went to the bucket."""
    counters = ingest_upload_counters(ingest)
    assert all(v == 0 for v in counters.values()), counters
    writes = {op: ingest.metric("fotogal_storage_operation_seconds_count", f'operation="{op}"')
              for op in ("put", "put_file", "put_if_absent")}
    assert writes == {"put": reservations, "put_file": 0, "put_if_absent": 0}, \
        f"ingest wrote {writes} for {reservations} upload URLs"
    log(f"ingest: {counters}, storage writes {writes}")


def assert_owned(h, ingest, grants, auth):
    """Each (grant, visibility asked) is recorded as the API key's principal's, with that
    visibility (private unless asked); a private image's status and rendition are refused to
    an anonymous caller (401), a public one's rendition answered."""
    base = f"http://127.0.0.1:{ingest.port}"
    for grant, visibility in grants:
        manifest = status(ingest, grant, auth)
        assert manifest and manifest.get("owner") == PRINCIPAL, manifest
        assert manifest["visibility"] == (visibility or "private"), manifest
        rendition = f"{base}{grant['status_url']}/renditions/small"
        assert http("GET", rendition, headers=auth)[0] == 200
        anonymous = http("GET", rendition)[0]
        if manifest["visibility"] == "private":
            assert anonymous == 401, f"anonymous GET of a private rendition: HTTP {anonymous}"
            assert http("GET", base + grant["status_url"])[0] == 401
        else:
            assert anonymous == 200, f"anonymous GET of a public rendition: HTTP {anonymous}"
    log(f"{len(grants)} images owned by {PRINCIPAL}; private ones refused to anonymous callers")


def put_directly(ingest, photos, auth, target, check_url=lambda upload: None):
    """For each photo an upload URL (the first asked public, the others left to the default),
    its contract checked (and `check_url(upload)`), then the photo's bytes PUT straight to
    `target` (the bucket, a PAR). Returns the (grant, photo) and (grant, visibility asked)
    pairs."""
    grants, asked = [], []
    for i, photo in enumerate(photos):
        visibility = "public" if i == 0 else None
        grant = request_upload(ingest, photo, auth, visibility)
        check_upload_contract(grant)
        upload = grant["upload"]
        check_url(upload)
        code, body = http(upload["method"], upload["url"], photo.read_bytes(), upload["headers"])
        assert code == 200, f"PUT to {target}: HTTP {code} {body[:300]!r}"
        grants.append((grant, photo))
        asked.append((grant, visibility))
    return grants, asked


def put_again_until_skipped(h, worker, grant, photo, event):
    """A client retrying its upload: the same bytes PUT again with the same URL. Waits for the
    `event` that raises to be skipped, and checks the pipeline did not run again."""
    runs = worker.metric("fotogal_pipeline_runs_total")
    skipped = worker.metric("fotogal_events_total", 'outcome="skipped"')
    upload = grant["upload"]
    code, _ = http(upload["method"], upload["url"], photo.read_bytes(), upload["headers"])
    assert code == 200, code
    wait_for(f"the second PUT's {event} to be skipped",
             lambda: worker.metric("fotogal_events_total", 'outcome="skipped"') > skipped, 60,
             h.procs)
    assert worker.metric("fotogal_pipeline_runs_total") == runs, "the same content ran again"


def run(h, args):
    h.ensure_broker()
    uploads = h.topics["uploads"]
    h.kafka_sh("topics", "--partitions", "3", *h.topics.values())
    s3 = EventingS3(h.work, h.brokers, uploads)
    try:
        scenario(h, args, s3)
    finally:
        s3.stop()


def scenario(h, args, s3):
    bucket = f"fotogal-direct-{uuid.uuid4().hex[:12]}"
    code, body = http("PUT", s3.signer.presign("PUT", f"/{bucket}"))
    assert code == 200, f"create bucket: HTTP {code} {body[:200]!r}"
    storage = dict(FOTOGAL_STORAGE=f"s3://{bucket}?endpoint={s3.endpoint}&region=us-east-1",
                   **s3.signer.env)
    recipe = h.recipe("direct", [{"name": "small", "width": 320, "height": 320, "fit": "fit",
                                  "format": "jpeg", "quality": 80}])
    auth_env, auth = api_key(h)
    ingest = h.start("ingest", "fotogal-ingest", **auth_env, **storage)
    worker = h.start("worker", "fotogal-worker", FOTOGAL_RECIPE=recipe,
                     FOTOGAL_TOPIC=h.topics["uploads"], FOTOGAL_GROUP=f"{h.prefix}-main",
                     **storage)
    photos = corpus_photos(args.corpus)[:args.images]

    # -- 2. upload URL, PUT straight to the bucket, manifest via the status URL
    grants, asked = put_directly(ingest, photos, auth, "the upload URL")
    wait_until_processed(h, ingest, grants, auth)
    log(f"{len(grants)} direct uploads processed; manifests shown by the status URL")
    reservation = f"/{bucket}/reservations/{grants[1][0]['id']}.json"
    code, body = http("GET", s3.signer.presign("GET", reservation))
    assert code == 200 and json.loads(body)["owner"] == PRINCIPAL, (code, body[:300])
    assert_owned(h, ingest, asked, auth)

    # -- 3. no photo byte through ingest
    assert_no_bytes_through_ingest(ingest, reservations=len(grants))

    # -- 4. the same bytes again: one more notification, no second processing
    runs = worker.metric("fotogal_pipeline_runs_total")
    assert runs == len(grants), f"pipeline ran {runs} times for {len(grants)} uploads"
    grant, photo = grants[0]
    manifest_path = f"/{bucket}/manifests/{grant['id']}.json"
    before = http("GET", s3.signer.presign("GET", manifest_path))
    put_again_until_skipped(h, worker, grant, photo, "notification")
    assert http("GET", s3.signer.presign("GET", manifest_path)) == before
    log("the same bytes PUT again: skipped, manifest unchanged")

    # -- 5. renditions/ starts nothing
    ignored = worker.metric("fotogal_events_total", 'outcome="ignored"')
    code, _ = s3.put(f"/{bucket}/renditions/{grant['id']}/extra.jpg", photo.read_bytes())
    assert code == 200, code
    wait_for("the renditions/ notification to be ignored",
             lambda: worker.metric("fotogal_events_total", 'outcome="ignored"') > ignored, 60,
             h.procs)
    # Every notification handled and committed (the start-up test record included).
    wait_for("the worker to commit every notification",
             lambda: all(p["committed"] == p["end"] for p in
                         h.offsets(f"{h.prefix}-main", h.topics["uploads"])), 60, h.procs)
    assert worker.metric("fotogal_pipeline_runs_total") == runs
    assert worker.metric("fotogal_events_total", 'outcome="dead_lettered"') == 0
    log("a PUT under renditions/ started nothing; no dead letters")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=3)
    return test_main(run, parser)


if __name__ == "__main__":
    sys.exit(main())
