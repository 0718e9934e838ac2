#!/usr/bin/env python3
"""The container image runs the whole system as the Helm chart deploys it.

The chart is rendered with `helm template` (tests/container/values.yaml plus this run's
names), and its Deployments run through `podman kube play` against the real Kafka broker and
S3 server on this host: ingest (1 pod) and workers (2 pods). Ingest runs with the chart's
default authentication (api_key): the test writes a keys file holding one key's SHA-256 into a
podman secret, mounted where the chart mounts the keys Secret, and sends `Authorization:
Bearer <key>`; an upload without it, or with a wrong key, must get 401. Real photos are
uploaded through the ingest pod while the worker Deployment is scaled to 4 and then to 1
(pods stopped with SIGTERM and the chart's grace period). Then: every accepted upload has a
manifest and every rendition it names is in the bucket with the size it names; no image was
processed twice (the workers' logs, every pod's, count processings per image id, and the
result events on the results topic must equal processings plus redelivered-and-skipped per
image); the group's committed offsets reach the end offsets; every stopped worker exited 0
after a clean stop; the chart's probe paths answer 200 on every pod, without credentials. The
chart's replay Job runs once (as a pod) and republishes every upload; fotogal-process runs
once from the image on a photo.

Needs: FOTOGAL_TEST_S3_ENDPOINT and AWS_* (the CTest s3server fixture sets them), the broker
(scripts/kafka.sh; FOTOGAL_KAFKA_PORT), the image (scripts/image.sh build). Run it through
`scripts/image.sh e2e`, which supplies podman's options, helm and the Python packages.
Prints a JSON summary; exit status 0 only when every check holds.
"""
import argparse
import collections
import datetime
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(HERE))
import chart_pods  # noqa: E402
from fotogal_stack import http  # noqa: E402
from results_topic import TopicCounter  # noqa: E402
from s3_e2e import s3  # noqa: E402


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def wait_for(what, condition, timeout, period=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(period)  # polling period of the condition, not a synchronisation


class Uploader(threading.Thread):
    """Uploads the photos in order through ingest, up to `limit` (raised by the test as it
    goes), so that uploads are still arriving while the workers scale."""

    def __init__(self, base, files, api_key):
        super().__init__(daemon=True)
        self.base, self.files = base, files
        self.headers = {"Content-Type": "application/octet-stream",
                        "Authorization": f"Bearer {api_key}"}
        self.accepted, self.refused, self.error = {}, [], None
        self.cond = threading.Condition()
        self.limit = 0

    def allow(self, n):
        with self.cond:
            self.limit = min(n, len(self.files))
            self.cond.notify_all()

    def run(self):
        try:
            for i, path in enumerate(self.files):
                with self.cond:
                    self.cond.wait_for(lambda: i < self.limit)
                status, body = http("POST", f"{self.base}/v1/images", path.read_bytes(),
                                    self.headers, 60)
                with self.cond:
                    if status == 202:
                        self.accepted[json.loads(body)["id"]] = path.name
                    else:
                        self.refused.append((path.name, status, body[:200]))
                    self.cond.notify_all()
        except Exception as e:  # reported by the main thread
            self.error = repr(e)
            with self.cond:
                self.cond.notify_all()

    def done(self, n):
        return len(self.accepted) + len(self.refused) >= n or self.error


def worker_port(pm, pod):
    """The port a worker pod listens on: it logs it as listen_port once its HTTP is up."""
    for line in pm.logs(f"{pod}-worker").splitlines():
        if line.startswith("{") and '"worker ready"' in line:
            return json.loads(line).get("listen_port")
    return None


def api_key_line(key_id, secret):
    """The keys file's line for one key: its id, the SHA-256 of the secret (as
    `printf %s "$secret" | sha256sum` prints it), its scopes. The secret itself is never stored."""
    return f"{key_id} {hashlib.sha256(secret.encode()).hexdigest()} upload,read\n"


def upload_refused(base, photo, api_key, problems):
    """An upload without a credential, and one with a wrong key: both 401, the first with a
    WWW-Authenticate challenge. The body is a photo's first KiB: small enough that ingest may
    answer before reading it without the client seeing a reset."""
    wrong = "0" * len(api_key)
    seen = {}
    for case, auth in (("no credential", {}), ("wrong key", {"Authorization": f"Bearer {wrong}"})):
        request = urllib.request.Request(
            f"{base}/v1/images", data=photo.read_bytes()[:1024], method="POST",
            headers={"Content-Type": "application/octet-stream", **auth})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, challenge = response.status, response.headers.get("WWW-Authenticate")
        except urllib.error.HTTPError as e:
            status, challenge = e.code, e.headers.get("WWW-Authenticate")
        seen[case] = status
        if status != 401:
            problems.append(f"upload with {case}: HTTP {status}, expected 401 (is the image's "
                            f"ingest authenticating?)")
        elif case == "no credential" and not challenge:
            problems.append("401 without a WWW-Authenticate header")
    return seen


def probes_answer(port, chart_probes):
    return all(http("GET", f"http://127.0.0.1:{port}{p['path']}", timeout=5)[0] == 200
               for p in chart_probes.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", default="fotogal:dev")
    ap.add_argument("--podman", default="podman")
    ap.add_argument("--helm", required=True)
    ap.add_argument("--kube-version", default="1.33.0")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "container-e2e")
    ap.add_argument("--rounds", type=int, default=2, help="uploads of each photo (default 2)")
    ap.add_argument("--ingest-port", type=int,
                    default=int(os.environ.get("FOTOGAL_TEST_CONTAINER_PORT", "28080")))
    args = ap.parse_args()
    endpoint = os.environ["FOTOGAL_TEST_S3_ENDPOINT"]
    brokers = f"127.0.0.1:{os.environ.get('FOTOGAL_KAFKA_PORT', '19092')}"
    args.work.mkdir(parents=True, exist_ok=True)
    run = f"fgc{uuid.uuid4().hex[:8]}"  # unique: release, topics, group, bucket, pod names
    topics = {k: f"{run}.{k}" for k in ("uploads", "reprocess", "results", "dlq")}
    started = time.monotonic()
    summary = {"run": run}
    problems = []
    pm = chart_pods.Podman(args.podman, args.work)
    counter = None
    # CTest's timeout and Ctrl-C end the run through the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "topics", "--partitions", "6",
                        *topics.values()], check=True, capture_output=True)
        bucket = f"{run}-bucket"
        status, body = s3("PUT", endpoint, f"/{bucket}")
        if status != 200:
            raise RuntimeError(f"create bucket {bucket}: HTTP {status} {body[:200]!r}")
        secret = f"{run}-s3"
        pm.secret(secret, {"AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
                           "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"]})
        # The chart's keys Secret: one key, its secret only in this process.
        api_key = secrets.token_hex(32)
        keys_secret = f"{run}-api-keys"
        pm.secret_files(keys_secret, {"keys": api_key_line(f"{run}-uploader", api_key)})
        name, _, tag = args.image.rpartition(":")
        repo = name if "/" in name.split(":")[0] else f"localhost/{name}"
        since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1))
        run_values = {
            "image": {"repository": repo, "tag": tag},
            "kafka": {"brokers": brokers},
            "topics": topics,
            "storage": {"url": f"s3://{bucket}?endpoint={endpoint}&region=us-east-1",
                        "s3": {"existingSecret": secret}},
            "ingest": {"port": args.ingest_port,
                       "auth": {"apiKeys": {"existingSecret": keys_secret}}},
            "worker": {"group": f"{run}-workers"},
            "replay": {"runId": run, "since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "group": f"{run}-replay"},
        }
        (args.work / "run-values.yaml").write_text(json.dumps(run_values))
        objects = chart_pods.render(args.helm, ROOT / "charts" / "fotogal", run,
                                    [HERE / "values.yaml", args.work / "run-values.yaml"],
                                    args.kube_version)
        ingest = chart_pods.find(objects, "Deployment", "ingest")
        worker = chart_pods.find(objects, "Deployment", "worker")
        job = chart_pods.find(objects, "Job", "replay")
        ingest_probes = chart_pods.probes(ingest["spec"]["template"]["spec"])
        worker_probes = chart_pods.probes(worker["spec"]["template"]["spec"])
        grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        wname = worker["metadata"]["name"]
        replicas = worker["spec"]["replicas"]
        summary.update(worker_replicas_rendered=replicas, grace_seconds=grace)

        counter = TopicCounter(brokers, topics["results"])
        counter.start()
        pm.play(chart_pods.deployment(ingest, ingest["metadata"]["name"], 1, args.ingest_port),
                "ingest.yaml")
        pm.play(chart_pods.deployment(worker, wname, replicas, 0), "worker.yaml")
        base = f"http://127.0.0.1:{ingest_probes['readinessProbe']['port']}"
        wait_for("ingest's probes", lambda: probes_answer(ingest_probes["readinessProbe"]["port"],
                                                          ingest_probes), 120)
        ports = {}

        def workers_ready(pods):
            for pod in pods:
                ports[pod] = ports.get(pod) or worker_port(pm, pod)
            return all(ports[p] and probes_answer(ports[p], worker_probes) for p in pods)

        first = pm.pods(wname)
        if len(first) != replicas:
            problems.append(f"{len(first)} worker pods from replicas {replicas}")
        wait_for(f"{len(first)} workers' probes", lambda: workers_ready(first), 120)
        log(f"ingest and {len(first)} workers ready; probes answer: "
            f"{sorted({p['path'] for p in worker_probes.values()})}")

        photos = sorted(p for p in (args.corpus / "photos").iterdir() if p.is_file())
        summary["refused_without_key"] = upload_refused(base, photos[0], api_key, problems)
        files = photos * args.rounds
        uploader = Uploader(base, files, api_key)
        uploader.start()
        third = len(files) // 3
        uploader.allow(third)
        wait_for("first results", lambda: counter.finished() >= 3 or uploader.error, 300)

        # Scale out, as `kubectl scale --replicas=4`: podman names a Deployment's pods
        # <name>-pod-<i> and refuses a name that exists, so the added replicas come from the
        # same Deployment played under a second name.
        uploader.allow(2 * third)
        added = 4 - len(first)
        pm.play(chart_pods.deployment(worker, f"{wname}-out", added, 0), "worker-out.yaml")
        scaled = pm.pods(wname)
        wait_for(f"{len(scaled)} workers' probes", lambda: workers_ready(scaled), 120)
        log(f"scaled out to {len(scaled)} workers")
        wait_for("uploads during the scale-out",
                 lambda: uploader.done(2 * third) and counter.finished() >= third, 600)

        # Scale in to 1 while events are still waiting: SIGTERM, the chart's grace period.
        uploader.allow(len(files))
        pending = len(uploader.accepted) - counter.finished()
        summary["events_pending_at_scale_in"] = pending
        if pending <= 0:
            problems.append("no work was in flight when the workers were scaled in")
        stopping = sorted(scaled, reverse=True)[:len(scaled) - 1]
        threads = [threading.Thread(target=pm.stop_pod, args=(p, grace)) for p in stopping]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        summary["scale_in_seconds"] = round(time.monotonic() - t0, 1)
        for pod in stopping:
            status, code = pm.state(f"{pod}-worker")
            clean = '"worker stopped, offsets committed, group left"' in pm.logs(f"{pod}-worker")
            if code != 0 or not clean:
                problems.append(f"{pod}: exit {code} after SIGTERM, clean stop logged: {clean}")
        log(f"scaled in to 1 worker ({len(stopping)} stopped in {summary['scale_in_seconds']} s)")
        summary["replicas_played"] = [len(first), len(scaled), len(scaled) - len(stopping)]

        wait_for("all uploads", lambda: uploader.done(len(files)), 600)
        if uploader.error:
            raise RuntimeError(f"uploader: {uploader.error}")
        accepted = dict(uploader.accepted)
        wait_for("a result for every accepted upload",
                 lambda: set(accepted) <= counter.ids(), 900, period=1.0)
        group_offsets = wait_for("committed offsets = end offsets",
                                 lambda: offsets_settled(f"{run}-workers", topics["uploads"]), 120)

        last = [p for p in scaled if p not in stopping]
        if not probes_answer(ports[last[0]], worker_probes):
            problems.append(f"{last[0]}: probes do not answer after the scale-in")
        checked = check_bucket(endpoint, bucket, accepted, problems)
        handled, skipped = handled_counts(pm, pm.pods(wname))
        duplicates = {i: n for i, n in handled.items() if n > 1}
        events = counter.per_image()
        # A redelivered upload whose manifest is current is skipped and its result announced
        # again (by design), so result events = processings + such skips, per image.
        unexplained = {i: (events.get(i, 0), handled[i], skipped[i]) for i in accepted
                       if events.get(i, 0) != handled[i] + skipped[i]}
        summary.update(uploads=len(files), accepted=len(accepted), refused=uploader.refused,
                       manifests=checked["manifests"], statuses=checked["statuses"],
                       renditions_checked=checked["renditions"],
                       lost=len(set(accepted) - checked["found"]),
                       processed_twice=len(duplicates),
                       redelivered_and_skipped=sum(skipped.values()),
                       result_events=sum(events.values()), committed_equals_end=group_offsets)
        if duplicates:
            problems.append(f"processed more than once (image id: times): {duplicates}")
        if set(accepted) - set(handled):
            problems.append(f"no worker logged processing {set(accepted) - set(handled)}")
        if unexplained:
            problems.append(f"result events != processings + skips (events, processed, "
                            f"skipped): {unexplained}")
        if summary["lost"]:
            problems.append(f"{summary['lost']} accepted uploads have no manifest")

        summary["replay"] = run_replay(pm, job, len(accepted), topics, brokers, problems)
        summary["process"] = run_process(pm, args.image, args.corpus / "photos" / "exif_jolla.jpg",
                                         args.work, problems)
    except Exception as e:
        problems.append(f"{type(e).__name__}: {e}")
    finally:
        if counter:
            counter.stop()
        logs = args.work / f"logs-{run}"
        logs.mkdir(exist_ok=True)
        pm.cleanup(run, keep_logs_in=logs)
        subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "delete-topics", *topics.values()],
                       capture_output=True)
    summary["seconds"] = round(time.monotonic() - started)
    print(json.dumps(summary, indent=1))
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


def handled_counts(pm, pods):
    """Per image id, from every worker's log (stopped pods included): how many times a worker
    processed it (processed or failed), and how many redeliveries found it done and skipped."""
    handled, skipped = collections.Counter(), collections.Counter()
    for pod in pods:
        for line in pm.logs(f"{pod}-worker").splitlines():
            if not line.startswith("{"):
                continue
            entry = json.loads(line)
            if entry.get("msg") in ("image processed", "image failed"):
                handled[entry["image_id"]] += 1
            elif entry.get("msg") == "manifest is current, skipping":
                skipped[entry["image_id"]] += 1
    return handled, skipped


def offsets_settled(group, topic):
    out = subprocess.run([str(ROOT / "scripts" / "kafka.sh"), "offsets", group, topic],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    parts = json.loads(out.stdout)["partitions"]
    return all(p["committed"] == p["end"] for p in parts) and parts


def check_bucket(endpoint, bucket, accepted, problems):
    """Every accepted image's manifest, and every rendition it names with its size."""
    found, statuses, renditions = set(), collections.Counter(), 0
    for image_id, file_name in accepted.items():
        status, body = s3("GET", endpoint, f"/{bucket}/manifests/{image_id}.json")
        if status != 200:
            continue
        found.add(image_id)
        manifest = json.loads(body)
        statuses[manifest["status"]] += 1
        if manifest["status"] != "processed":
            problems.append(f"{file_name} ({image_id}): {manifest['status']} "
                            f"{manifest.get('reason')}")
            continue
        if not manifest["outputs"]:
            problems.append(f"{file_name}: a processed manifest without outputs")
        for out in manifest["outputs"]:
            status, data = s3("GET", endpoint, f"/{bucket}/{out['key']}")
            renditions += 1
            if status != 200 or len(data) != out["bytes"]:
                problems.append(f"{out['key']}: HTTP {status}, {len(data)} bytes, "
                                f"manifest says {out['bytes']}")
    return {"found": found, "manifests": len(found), "statuses": dict(statuses),
            "renditions": renditions}


def run_replay(pm, job, accepted, topics, brokers, problems):
    """The chart's replay Job, once: it must republish every upload as a reprocess event."""
    pod = chart_pods.job_as_pod(job)
    pm.play(pod, "replay.yaml")
    container = f"{pod['metadata']['name']}-replay"
    pm.run("wait", container, timeout=300)
    status, code = pm.state(container)
    out = pm.run("logs", container, check=False).stdout.strip().splitlines()
    result = json.loads(out[-1]) if out else {}
    reprocess = TopicCounter.count(brokers, topics["reprocess"])
    if code != 0 or result.get("published") != accepted or reprocess != accepted:
        problems.append(f"replay: exit {code}, summary {result}, {reprocess} reprocess events "
                        f"for {accepted} uploads")
    return {"exit": code, "published": result.get("published"), "reprocess_events": reprocess}


def run_process(pm, image, photo, work, problems):
    """fotogal-process from the image, as uid 10001 on a read-only root."""
    out = work / "process-out"
    out.mkdir(exist_ok=True)
    os.chmod(out, 0o777)
    res = pm.run("run", "--rm", "--user", "10001:10001", "--read-only", "--tmpfs", "/tmp",
                 "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--network", "none",
                 "-v", f"{photo}:/in/{photo.name}:ro", "-v", f"{out}:/out", image,
                 "fotogal-process", f"/in/{photo.name}", "--out", "/out", "--json", check=False)
    made = [p for p in out.rglob("*") if p.is_file()]
    if res.returncode != 0 or not made:
        problems.append(f"fotogal-process: exit {res.returncode}, {len(made)} files; "
                        f"{res.stderr[-500:]}")
    return {"exit": res.returncode, "files": len(made)}


if __name__ == "__main__":
    sys.exit(main())
