#!/usr/bin/env python3
"""The dashboard and the alerts against a real Prometheus server, end to end.

1. fotogal-ingest and a worker run on a real broker (scripts/kafka.sh); a Prometheus server
   (scripts/tools.sh's pinned version) scrapes both every second and evaluates the chart's
   alerts: templates/prometheus-rule.yaml rendered by helm with short `for` durations and a
   short rate window, turned into a rule file by scripts/rule_file.py.
2. Photos from the corpus are uploaded and processed.
3. Fault: the store's renditions/ folder is replaced by a plain file, so the worker's writes
   fail. Uploads made meanwhile are dead-lettered, and FotoGalStorageErrors must fire
   (Prometheus' /api/v1/alerts).
4. The folder comes back; fresh uploads are processed and the alert must resolve.
5. Every query of every panel of charts/fotogal/dashboards/fotogal-pipeline.json (read from
   the file, so a new panel is checked too) must return data through /api/v1/query.

Broker address and topic naming as in replay_e2e.py. Prometheus listens on
127.0.0.1:$FOTOGAL_TEST_PROMETHEUS_PORT (default: a free port).

usage: prometheus_e2e.py --bin DIR --corpus DIR --work DIR
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replay_e2e import ROOT, corpus_photos, log, test_main, wait_for  # noqa: E402

CHART = ROOT / "charts" / "fotogal"
DASHBOARD = CHART / "dashboards" / "fotogal-pipeline.json"
ALERT = "FotoGalStorageErrors"
RATE_INTERVAL = "5m"  # what Grafana's $__rate_interval stands for here: the whole run
# The chart's alert values for the test: seconds instead of minutes.
RULE_VALUES = ["rateWindow=10s", "for.storageErrors=2s", "for.deadLetters=1s",
               "for.failureRatio=2s", "for.noProgress=30s", "for.lagGrowing=30s",
               "for.ingest5xx=2s"]


def tools_sh(command):
    """The last line `command` prints after sourcing scripts/tools.sh."""
    out = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/tools.sh" && {command}'],
                         check=True, text=True, stdout=subprocess.PIPE)
    return out.stdout.strip().splitlines()[-1]


def tool(name):
    """A pinned tool's path, installed on first use (scripts/tools.sh)."""
    return tools_sh(f"{name}_tool")


def render_rules(work):
    sets = ",".join(["metrics.prometheusRule.enabled=true"] +
                    [f"metrics.prometheusRule.{v}" for v in RULE_VALUES])
    rendered = work / "prometheus-rule.yaml"
    with open(rendered, "w") as out:
        subprocess.run([tool("helm"), "template", "fotogal", str(CHART), "--kube-version",
                        tools_sh('echo "$kube_version"'), "--show-only",
                        "templates/prometheus-rule.yaml", "--api-versions",
                        "monitoring.coreos.com/v1", "-f", str(CHART / "ci/default-values.yaml"),
                        "--set", sets], check=True, stdout=out)
    rules = work / "rules.yaml"
    subprocess.run([sys.executable, str(ROOT / "scripts/rule_file.py"), str(rendered),
                    str(rules)], check=True)
    return rules


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prometheus:
    def __init__(self, work, targets, rules):
        self.port = int(os.environ.get("FOTOGAL_TEST_PROMETHEUS_PORT") or 0) or free_port()
        config = work / "prometheus.yml"
        config.write_text(json.dumps({  # JSON is YAML
            "global": {"scrape_interval": "1s", "scrape_timeout": "900ms",
                       "evaluation_interval": "1s"},
            "rule_files": [str(rules)],
            "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [target]}]}
                               for job, target in targets.items()]}))
        self.log_path = work / "logs" / "prometheus.log"
        self.popen = subprocess.Popen(
            [tool("prometheus"), f"--config.file={config}",
             f"--storage.tsdb.path={work / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=open(self.log_path, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_for("Prometheus to be ready", self._ready, 60)

    def _ready(self):
        if self.popen.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.popen.returncode}; "
                                 f"log {self.log_path}")
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready",
                                          timeout=2).status == 200
        except OSError:
            return False

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        body = json.loads(urllib.request.urlopen(url, timeout=10).read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def alert_states(self, name):
        return [a["state"] for a in self.api("alerts")["alerts"]
                if a["labels"]["alertname"] == name]

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def panel_queries():
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"].replace("$__rate_interval", RATE_INTERVAL)


def run(h, photos):
    photos = sorted(photos, key=lambda p: p.stat().st_size)[:4]  # the quickest to process
    rules = render_rules(h.work)
    h.ensure_broker()
    log(f"broker {h.brokers}, topic prefix {h.prefix}")
    h.kafka_sh("topics", "--partitions", "2", *h.topics.values())
    worker = h.start("worker", "fotogal-worker", FOTOGAL_TOPIC=h.topics["uploads"],
                     FOTOGAL_GROUP=f"{h.prefix}-main", FOTOGAL_MAX_ATTEMPTS="1")
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_AUTH="none", FOTOGAL_RATE_UPLOADS="0",
                     FOTOGAL_RATE_BYTES="0", FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL="0")
    prometheus = Prometheus(h.work, {"fotogal-ingest": f"127.0.0.1:{ingest.port}",
                                     "fotogal-worker": f"127.0.0.1:{worker.port}"}, rules)
    try:
        run_with(h, photos, worker, ingest, prometheus)
    finally:
        prometheus.stop()


def run_with(h, photos, worker, ingest, prometheus):
    # -- 2. healthy uploads
    ids = [h.upload(ingest, p) for p in photos]
    wait_for(f"{len(ids)} manifests", lambda: all(h.manifest(i) for i in ids), 120, h.procs)
    wait_for("both targets scraped", lambda: len(prometheus.query("up == 1")) == 2, 30)
    assert not prometheus.alert_states(ALERT), "the storage alert fired on a healthy run"
    log(f"{len(ids)} images processed; Prometheus scrapes ingest and the worker")

    # -- 3. fault: the worker's writes fail
    renditions = h.data / "renditions"
    moved = h.data / "renditions.moved"
    renditions.rename(moved)
    renditions.write_text("not a folder\n")
    t_fault = time.monotonic()
    failing = [h.upload(ingest, p) for p in photos[:2]]
    wait_for(f"{ALERT} firing", lambda: "firing" in prometheus.alert_states(ALERT), 60, h.procs)
    log(f"{ALERT} firing {time.monotonic() - t_fault:.1f}s after the fault")
    assert not any(h.manifest(i) for i in failing)
    errors = worker.metric("fotogal_storage_errors_total", 'backend="file"')
    assert errors >= len(failing), errors

    # -- 4. the fault removed: work goes on and the alert resolves
    renditions.unlink()
    moved.rename(renditions)
    t_fixed = time.monotonic()
    fresh = [h.upload(ingest, p) for p in photos[2:]]
    wait_for("manifests after the fault", lambda: all(h.manifest(i) for i in fresh), 120,
             h.procs)
    wait_for(f"{ALERT} resolved", lambda: not prometheus.alert_states(ALERT), 60, h.procs)
    log(f"{ALERT} resolved {time.monotonic() - t_fixed:.1f}s after the fault was removed")

    # -- 5. every panel of the dashboard has data
    wait_for("the worker's consumer lag scraped",
             lambda: len(prometheus.query("fotogal_kafka_consumer_lag")) == 2, 30, h.procs)
    empty = []
    queries = list(panel_queries())
    for title, expr in queries:
        result = prometheus.query(expr)
        log(f"panel '{title}': {len(result)} series")
        if not result:
            empty.append(f"{title}: {expr}")
    assert not empty, "panels without data:\n  " + "\n  ".join(empty)
    log(f"all {len(queries)} panel queries returned data")


def main():
    return test_main(lambda h, args: run(h, corpus_photos(args.corpus)))


if __name__ == "__main__":
    sys.exit(main())
