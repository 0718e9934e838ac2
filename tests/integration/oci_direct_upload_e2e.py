#!/usr/bin/env python3
"""Direct uploads on OCI, end to end: the OCI Object Storage stand-in (it verifies every
signature) hands out pre-authenticated requests and announces every object it creates as the
OCI Events `createobject` CloudEvent on the real broker's uploads topic; no photo byte passes
through ingest.

1. tests/storage/oci_test_server.py starts with a fresh RSA key (openssl) and
   `--events-brokers/--events-topic` pointing at the test's uploads topic; ingest and one
   worker use FOTOGAL_STORAGE=oci://<namespace>/<bucket>?endpoint=<stand-in> with that key
   (FOTOGAL_OCI_USER/TENANCY/FINGERPRINT/KEY_FILE), FOTOGAL_UPLOAD_URLS=store.
2. For each photo the client, authenticated with an API key, asks ingest for an upload URL
   (`POST /v1/uploads`; the first photo asks for `visibility` public), which is a write-only
   PAR for originals/<id>, PUTs the photo to it with exactly `upload.headers` (no
   signature), and polls `status_url` until the manifest says processed with the photo's
   SHA-256, owned by the key's principal (from ingest's reservations/<id>.json: the
   createobject event names no owner) with the visibility asked for; an anonymous GET of the
   private image's rendition is refused.
3. Ingest handled no photo bytes: its upload counters are 0 and the only objects it wrote are
   the reservations, one per URL.
4. The same bytes PUT again through the same PAR: a second createobject event, which the
   worker skips (same content); the manifest is unchanged and the worker logged one
   "image processed" per photo.
5. Ingest's reservations/ and the worker's own writes under renditions/ and manifests/, which
   the stand-in announces as OCI would, start no work: every event the stand-in published is accounted for by the
   worker's outcomes, runs stay one per photo, nothing is dead-lettered.

Broker address and topic naming as in replay_e2e.py.

usage: oci_direct_upload_e2e.py --bin DIR --corpus DIR --work DIR [--images 2]
"""
import argparse
import base64
import hashlib
import json
import select
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from direct_upload_e2e import (api_key, assert_no_bytes_through_ingest,  # noqa: E402
                               assert_owned, http, put_again_until_skipped, put_directly, status,
                               wait_until_processed)
from replay_e2e import ROOT, corpus_photos, log, test_main, wait_for  # noqa: E402

OCI_TEST_SERVER = ROOT / "tests" / "storage" / "oci_test_server.py"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaafotogaltestdirectuploadtenancy"
USER = "ocid1.user.oc1..aaaaaaaafotogaltestdirectuploaduser"
NAMESPACE = "fotogalns"
BUCKET = "photos"


class OciStandIn:
    """oci_test_server.py with a fresh API key, announcing created objects on `topic`."""

    def __init__(self, work, brokers, topic):
        key, public = work / "oci_api_key.pem", work / "oci_api_key_public.pem"
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", str(key)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(public)],
                       check=True)
        fingerprint = self.fingerprint(public.read_text())
        self.log_path = work / "logs" / "oci-stand-in.log"
        self.process = subprocess.Popen(
            [sys.executable, str(OCI_TEST_SERVER), "--public-key", str(public),
             "--key-id", f"{TENANCY}/{USER}/{fingerprint}", "--events-brokers", brokers,
             "--events-topic", topic],
            stdout=subprocess.PIPE, stderr=open(self.log_path, "wb"), text=True)
        self.endpoint = f"http://127.0.0.1:{self.listen_port(20)}"
        self.env = dict(
            FOTOGAL_STORAGE=f"oci://{NAMESPACE}/{BUCKET}?region=us-ashburn-1"
                            f"&endpoint={self.endpoint}",
            FOTOGAL_OCI_AUTH="api_key", FOTOGAL_OCI_CONFIG="", FOTOGAL_OCI_USER=USER,
            FOTOGAL_OCI_TENANCY=TENANCY, FOTOGAL_OCI_FINGERPRINT=fingerprint,
            FOTOGAL_OCI_KEY_FILE=str(key), FOTOGAL_OCI_REGION="us-ashburn-1")

    @staticmethod
    def fingerprint(public_pem):
        """OCI's key fingerprint: the MD5 of the DER SubjectPublicKeyInfo, colon-separated."""
        der = base64.b64decode("".join(line for line in public_pem.splitlines()
                                       if not line.startswith("-----")))
        return ":".join(f"{b:02x}" for b in hashlib.md5(der).digest())

    def listen_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                line = self.process.stdout.readline()
                assert line.startswith("port "), f"stand-in said {line!r}; log {self.log_path}"
                return int(line.split()[1])
            assert self.process.poll() is None, f"stand-in exited; log {self.log_path}"
        raise AssertionError(f"the OCI stand-in did not listen within {timeout}s")

    def control(self, path):
        code, body = http("GET", f"{self.endpoint}/_test/{path}")
        assert code == 200, f"/_test/{path}: HTTP {code}"
        return json.loads(body)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def processed_log_lines(worker):
    return sum(1 for line in worker.log_path.read_text(errors="replace").splitlines()
               if '"image processed"' in line)


def run(h, args):
    h.ensure_broker()
    h.kafka_sh("topics", "--partitions", "3", *h.topics.values())
    oci = OciStandIn(h.work, h.brokers, h.topics["uploads"])
    try:
        scenario(h, args, oci)
    finally:
        oci.stop()


RENDITIONS = [{"name": "small", "width": 320, "height": 320, "fit": "fit", "format": "jpeg",
               "quality": 80}]


def scenario(h, args, oci):
    recipe = h.recipe("direct", RENDITIONS)
    auth_env, auth = api_key(h)
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_UPLOAD_URLS="store", **auth_env,
                     **oci.env)
    worker = h.start("worker", "fotogal-worker", FOTOGAL_RECIPE=recipe,
                     FOTOGAL_TOPIC=h.topics["uploads"], FOTOGAL_GROUP=f"{h.prefix}-main",
                     **oci.env)
    photos = corpus_photos(args.corpus)[:args.images]

    # -- 2. a PAR for originals/<id>, an unsigned PUT through it, the manifest via status_url
    def a_par(upload):
        assert upload["url"].startswith(f"{oci.endpoint}/p/"), upload["url"]
        assert "authorization" not in {k.lower() for k in upload["headers"]}, upload

    grants, asked = put_directly(ingest, photos, auth, "the PAR", a_par)
    pars = oci.control("pars")
    assert sorted((p["accessType"], p["objectName"]) for p in pars) == \
        sorted(("ObjectWrite", g["key"]) for g, _ in grants), pars
    wait_until_processed(h, ingest, grants, auth)
    log(f"{len(grants)} direct uploads through PARs processed; manifests shown by status_url")
    assert_owned(h, ingest, asked, auth)

    # -- 3. no photo byte through ingest
    assert_no_bytes_through_ingest(ingest, reservations=len(grants))

    # -- 4. the same bytes again through the same PAR: skipped, manifest unchanged
    runs = worker.metric("fotogal_pipeline_runs_total")
    assert runs == len(grants), f"pipeline ran {runs} times for {len(grants)} uploads"
    grant, photo = grants[0]
    before = status(ingest, grant, auth)
    put_again_until_skipped(h, worker, grant, photo, "createobject event")
    assert status(ingest, grant, auth) == before, "the manifest changed"
    assert processed_log_lines(worker) == len(grants), "worker log: one 'image processed' each"
    log("the same bytes PUT again through the PAR: skipped, manifest unchanged")

    # -- 5. ingest's reservations/, the worker's renditions/ and manifests/ announced too: no
    # work from them
    wait_for("the worker to commit every createobject event",
             lambda: all(p["committed"] == p["end"] for p in
                         h.offsets(f"{h.prefix}-main", h.topics["uploads"])), 60, h.procs)
    stats = oci.control("stats")
    originals = len(grants) + 1  # each photo, and the second PUT
    # reservations/<id>.json (ingest), renditions/…, manifests/<id>.json (the worker)
    own_writes = len(grants) * (1 + len(RENDITIONS) + 1)
    assert stats["objects"] == len(grants) + own_writes, stats
    assert stats["events"] == originals + own_writes, stats
    outcomes = {o: worker.metric("fotogal_events_total", f'outcome="{o}"')
                for o in ("processed", "skipped", "ignored", "dead_lettered", "failed")}
    # The parser already recognises the pipeline's own output (fotogal_events_total
    # {outcome="ignored"}, docs/bucket-events.md), before any bucket-scope check counts a
    # fotogal_bucket_events_skipped_total.
    assert outcomes == {"processed": len(grants), "skipped": 1, "ignored": own_writes,
                        "dead_lettered": 0, "failed": 0}, outcomes
    assert worker.metric("fotogal_bucket_events_skipped_total") == 0
    assert worker.metric("fotogal_pipeline_runs_total") == runs
    assert processed_log_lines(worker) == len(grants)
    log(f"{stats['events']} createobject events: {originals} originals, {own_writes} about "
        f"reservations/, renditions/ and manifests/ that started no work; outcomes {outcomes}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=2)
    return test_main(run, parser)


if __name__ == "__main__":
    sys.exit(main())
