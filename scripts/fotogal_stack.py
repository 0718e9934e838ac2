"""Running the project's processes on loopback, shared by the quick start, the scale test and
the end-to-end benchmark: start binaries with their own logs, stop them (TERM, then KILL),
wait for conditions with a deadline, read the JSON logs, talk HTTP. Standard library only.
"""
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


class Stack:
    """The processes of one run; stopped (TERM, then KILL) however the run ends."""

    def __init__(self, bin_dir: Path, run_dir: Path):
        self.bin_dir = bin_dir
        self.run_dir = run_dir
        self.procs = []  # (name, Popen, log path)
        self.env = dict(os.environ)

    def start(self, name, binary, extra_env=None):
        log_path = self.run_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(self.env, **(extra_env or {}))
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([str(self.bin_dir / binary)], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append((name, proc, log_path))
        return proc, log_path

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
