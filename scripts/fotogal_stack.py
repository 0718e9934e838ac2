"""Running the project's processes on loopback, shared by the quick start, the scale test and
the benchmarks: start binaries with their own logs, stop them (TERM, then KILL), wait for
conditions with a deadline, read the JSON logs, talk HTTP, start the ingest on the embedded
broker, run the S3 test server and presign requests to it, make test JPEGs of a given size with
libvips. Standard library only (and the vips command).
"""
import datetime
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent


class Stack:
    """The processes of one run; stopped (TERM, then KILL) however the run ends."""

    def __init__(self, bin_dir: Path, run_dir: Path):
        self.bin_dir = bin_dir
        self.run_dir = run_dir
        self.procs = []  # (name, Popen, log path)
        self.logs = {}  # name -> log path, kept after a process is stopped
        self.env = dict(os.environ)

    def start(self, name, binary, extra_env=None):
        log_path = self.run_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(self.env, **(extra_env or {}))
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([str(self.bin_dir / binary)], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append((name, proc, log_path))
        self.logs[name] = log_path
        return proc, log_path

    def log_tail(self, name, lines=40):
        """The end of a process's log: what a sanitizer or a crash printed last."""
        try:
            return "\n".join(self.logs[name].read_text(errors="replace").splitlines()[-lines:])
        except (KeyError, FileNotFoundError):
            return ""

    def end(self, proc, sig=signal.SIGTERM, timeout=60.0):
        """Ends one process on purpose (a scale-down, a crash) and returns its exit status;
        it no longer counts as crashed."""
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        self.procs = [entry for entry in self.procs if entry[1] is not proc]
        return proc.returncode

    def crashed(self):
        """Processes that ended while they should still be running."""
        return [(n, p.returncode) for n, p, _ in self.procs if p.poll() is not None]

    def stop(self, grace=25.0):
        """Stops in reverse start order, each process after the ones that depend on it, so
        workers still reach the broker to commit and leave the group."""
        results = {}
        for name, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            results[name] = proc.returncode
        return dict(reversed(results.items()))


def wait_for(what, condition, timeout, stack=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if stack and stack.crashed():
            raise RuntimeError(f"while waiting for {what}: process ended: {stack.crashed()}")
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def log_field(log_path, message, field):
    """A field of the first JSON log line with that message, or None."""
    try:
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("msg") == message:
                    return entry.get(field)
    except FileNotFoundError:
        pass
    return None


def http(method, url, body=None, headers=None, timeout=60):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def noise_jpeg(path, width, height, quality=95, sigma=20):
    """A JPEG of coloured noise (about 1.3 bytes a pixel at these settings): as big as a large
    camera photo, made by libvips with fixed seeds, so every run sends the same bytes."""
    bands = []
    for seed, band in enumerate("rgb", 1):
        bands.append(path.with_name(f"{band}.v"))
        subprocess.run(["vips", "gaussnoise", str(bands[-1]), str(width), str(height),
                        "--sigma", str(sigma), "--mean", "128", "--seed", str(seed)], check=True)
    joined, rgb = path.with_name("rgb.v"), path.with_name("rgb8.v")
    subprocess.run(["vips", "bandjoin", " ".join(map(str, bands)), str(joined)], check=True)
    subprocess.run(["vips", "cast", str(joined), str(rgb), "uchar"], check=True)
    subprocess.run(["vips", "jpegsave", str(rgb), str(path), "--Q", str(quality), "--strip"],
                   check=True)
    for f in bands + [joined, rgb]:
        f.unlink()
    return path


def start_ingest(stack, extra_env=None, timeout=30):
    """The embedded broker and fotogal-ingest on an ephemeral loopback port, ready to take
    uploads: returns (ingest process, base URL)."""
    bootstrap_file = stack.run_dir / "bootstrap"
    stack.start("devbroker", "fotogal-devbroker",
                {"FOTOGAL_DEVBROKER_BOOTSTRAP_FILE": str(bootstrap_file)})
    bootstrap = wait_for("the embedded broker", lambda: bootstrap_file.exists()
                         and bootstrap_file.read_text().strip(), timeout, stack)
    env = {"FOTOGAL_KAFKA_BROKERS": bootstrap, "FOTOGAL_LISTEN": "127.0.0.1:0"}
    proc, log = stack.start("ingest", "fotogal-ingest", dict(env, **(extra_env or {})))
    port = wait_for("ingest", lambda: log_field(log, "ingest ready", "listen_port"), timeout, stack)
    base = f"http://127.0.0.1:{port}"
    wait_for("ingest readiness", lambda: http("GET", f"{base}/readyz")[0] == 200, timeout, stack)
    return proc, base


class S3Server:
    """The S3 test server (versitygw via scripts/s3server.sh, on FOTOGAL_S3_PORT) with its data
    in `directory`, stopped when the `with` block ends; signs requests with its credentials."""

    def __init__(self, directory: Path):
        self.directory = directory
        script = str(SCRIPTS / "s3server.sh")
        settings = subprocess.run([script, "env"], check=True, capture_output=True,
                                  text=True).stdout
        self.env = dict(re.findall(r"(\w+)=(\S+)", settings))
        self.endpoint = self.env.pop("FOTOGAL_S3_ENDPOINT")
        self.region = self.env["AWS_REGION"]
        self._script = script

    def __enter__(self):
        subprocess.run([self._script, "start", str(self.directory)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def __exit__(self, *_):
        subprocess.run([self._script, "stop", str(self.directory)], check=False)

    def storage_url(self, bucket):
        return f"s3://{bucket}?endpoint={self.endpoint}&region={self.region}"

    def create_bucket(self, bucket):
        status, body = http("PUT", self.presign("PUT", f"/{bucket}"))
        if status != 200:
            raise RuntimeError(f"create bucket {bucket}: HTTP {status} {body[:200]!r}")

    def presign(self, method, path, expires=3600):
        """A URL that lets anyone send `method` to `path` (/bucket/key) for `expires` seconds:
        SigV4 query signing, payload unsigned, only the host header signed."""
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        scope = f"{day}/{self.region}/s3/aws4_request"
        host = urllib.parse.urlsplit(self.endpoint).netloc
        query = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                 "X-Amz-Credential": f"{self.env['AWS_ACCESS_KEY_ID']}/{scope}",
                 "X-Amz-Date": stamp, "X-Amz-Expires": str(expires),
                 "X-Amz-SignedHeaders": "host"}
        canonical_query = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}="
                                   f"{urllib.parse.quote(v, safe='-_.~')}"
                                   for k, v in sorted(query.items()))
        uri = urllib.parse.quote(path, safe="/-_.~")
        request = "\n".join([method, uri, canonical_query, f"host:{host}\n", "host",
                             "UNSIGNED-PAYLOAD"])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope,
                             hashlib.sha256(request.encode()).hexdigest()])
        key = ("AWS4" + self.env["AWS_SECRET_ACCESS_KEY"]).encode()
        for part in (day, self.region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return f"{self.endpoint}{uri}?{canonical_query}&X-Amz-Signature={signature}"
