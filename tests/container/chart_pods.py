"""The Helm chart's objects as podman runs them: render with `helm template`, keep the kinds
podman kube play runs, and adapt what podman (4.3) or a single test host cannot do as a
cluster would; every adaptation is explained where it is made. Used by container_e2e.py."""
import copy
import json
import subprocess
import time

import yaml


def render(helm, chart, release, values_files, kube_version):
    cmd = [helm, "template", release, str(chart), "--kube-version", kube_version]
    for f in values_files:
        cmd += ["-f", str(f)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"helm template failed:\n{out.stderr}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def find(objects, kind, component):
    found = [o for o in objects if o["kind"] == kind and
             o["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component]
    if len(found) != 1:
        raise RuntimeError(f"the chart rendered {len(found)} {kind}s for {component}, expected 1")
    return found[0]


def probes(pod_spec):
    """The chart's probe paths by kind, and the container port the probes name."""
    c = pod_spec["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    out = {}
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = c[kind]["httpGet"]
        out[kind] = {"path": get["path"], "port": ports.get(get["port"], get["port"])}
    return out


def adapt_pod_spec(spec, listen_port):
    """What changes between the chart's pod and the one podman runs on the test host."""
    spec = copy.deepcopy(spec)
    # The pods reach the broker and the S3 server on the host's loopback, as the test reaches
    # them: host networking (a cluster gives each pod its own network instead).
    spec["hostNetwork"] = True
    c = spec["containers"][0]
    # podman turns an httpGet liveness probe into a healthcheck that runs curl inside the
    # container (the image has none) on a systemd timer; the test calls the probe paths itself.
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        c.pop(kind, None)
    # With host networking there is nothing to map, and podman refuses port mappings there.
    c.pop("ports", None)
    # All pods share the host's network, where Kubernetes would give each its own; so the
    # listen address is loopback and, for replicas of one Deployment, port 0 (each picks a free
    # one and logs it as listen_port).
    for env in c.get("env", []):
        if env["name"] == "FOTOGAL_LISTEN":
            env["value"] = f"127.0.0.1:{listen_port}"
    # podman 4.3 (Debian 12's) dereferences a secret volume's `optional` without checking it
    # is set and crashes (podman issue 16636, fixed in 4.4); Kubernetes reads unset as false.
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            volume["secret"].setdefault("optional", False)
    return spec


def deployment(obj, name, replicas, listen_port):
    d = copy.deepcopy(obj)
    d["metadata"]["name"] = name
    d["spec"]["replicas"] = replicas
    d["spec"]["template"]["spec"] = adapt_pod_spec(d["spec"]["template"]["spec"], listen_port)
    return d


def job_as_pod(job):
    """podman 4.3 plays no Jobs; the Job's pod template, run once, is what a Job runs."""
    spec = adapt_pod_spec(job["spec"]["template"]["spec"], 0)
    assert spec.get("restartPolicy") == "Never", "the replay Job must not restart its pod"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": job["metadata"]["name"],
                         "labels": job["spec"]["template"]["metadata"].get("labels", {})},
            "spec": spec}


class Podman:
    """podman with the host's options; remembers what it played so that everything goes,
    however the test ends."""

    def __init__(self, command, work):
        self.cmd = command.split()
        self.work = work
        self.played = []
        self.secrets = []
        self.volumes = []

    def run(self, *args, check=True, timeout=300):
        out = subprocess.run(self.cmd + list(args), capture_output=True, text=True,
                             timeout=timeout)
        if check and out.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args)} failed ({out.returncode}):\n"
                               f"{out.stderr.strip()}")
        return out

    def secret(self, name, data):
        """podman 4.3 resolves a secretKeyRef from a podman secret holding the Secret's data
        as JSON (key -> base64), what a Kubernetes Secret's `data` holds."""
        import base64
        body = json.dumps({k: base64.b64encode(v.encode()).decode() for k, v in data.items()})
        self.run("secret", "rm", name, check=False)
        subprocess.run(self.cmd + ["secret", "create", name, "-"], input=body, text=True,
                       check=True, capture_output=True)
        self.secrets.append(name)

    def secret_files(self, name, files):
        """A podman secret for a Secret mounted as a volume (file name -> text). podman keeps
        such a volume's files in a named volume called after the secret, which `kube down`
        leaves behind, so cleanup removes it. podman 4.4 and later read the secret as a
        Kubernetes Secret (`data` in base64); 4.3 writes each `data` value to its file as it
        is, without decoding, and ignores the volume's `items` (every key becomes a file)."""
        import base64
        version = self.run("version", "--format", "{{.Client.Version}}").stdout.strip()
        major, minor = (int(x) for x in version.split(".")[:2])
        decodes = (major, minor) >= (4, 4)
        data = {k: base64.b64encode(v.encode()).decode() if decodes else v
                for k, v in files.items()}
        body = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                           "data": data})
        self.run("secret", "rm", name, check=False)
        self.run("volume", "rm", "-f", name, check=False)
        subprocess.run(self.cmd + ["secret", "create", name, "-"], input=body, text=True,
                       check=True, capture_output=True)
        self.secrets.append(name)
        self.volumes.append(name)

    def play(self, obj, file_name):
        path = self.work / file_name
        path.write_text(yaml.safe_dump(obj, sort_keys=False))
        self.played.append(path)
        self.run("kube", "play", str(path))
        return path

    def pods(self, prefix):
        out = self.run("pod", "ps", "--format", "{{.Name}}", "--filter", f"name=^{prefix}")
        return sorted(n for n in out.stdout.split() if n.startswith(prefix))

    def logs(self, container):
        return self.run("logs", container, check=False).stderr

    def state(self, container):
        out = self.run("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container)
        status, code = out.stdout.split()
        return status, int(code)

    def stop_pod(self, pod, grace):
        """What `kubectl scale` down does to a pod: SIGTERM, SIGKILL after the grace period
        (podman 4.3 ignores terminationGracePeriodSeconds, so it is passed here)."""
        started = time.monotonic()
        self.run("pod", "stop", "-t", str(grace), pod, timeout=grace + 60)
        return time.monotonic() - started

    def cleanup(self, prefix, keep_logs_in=None):
        for pod in self.pods(prefix) if prefix else []:
            if keep_logs_in:
                for c in self.containers(pod):
                    (keep_logs_in / f"{c}.log").write_text(self.logs(c))
        for path in reversed(self.played):
            self.run("kube", "down", str(path), check=False)
        for pod in self.pods(prefix) if prefix else []:
            self.run("pod", "rm", "-f", pod, check=False)
        for s in self.secrets:
            self.run("secret", "rm", s, check=False)
        for v in self.volumes:
            self.run("volume", "rm", "-f", v, check=False)

    def containers(self, pod):
        out = self.run("ps", "-a", "--filter", f"pod={pod}", "--format", "{{.Names}}", check=False)
        return [n for n in out.stdout.split() if not n.endswith("-infra")]
