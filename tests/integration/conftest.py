"""Fixtures for Sluice's integration tests: real sluiced processes (with their plugin hosts and
REST gateway) on free ports in per-test directories, the embedded broker or a real Apache Kafka
broker started by tools/kafka, and helpers that wait on conditions with deadlines."""

import os
import pathlib
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))
SLUICED = BUILD / "bin" / "sluiced"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, message, interval=0.05):
    """Polls `condition` until it returns a truthy value; fails with `message` at the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


class Sluiced:
    """One sluiced process. Output goes to <dir>/sluiced.log."""

    def __init__(self, workdir, props, connector_files=()):
        self.workdir = pathlib.Path(workdir)
        self.props = props
        self.connector_files = list(connector_files)
        self.proc = None
        self.rest = None
        self.grpc = None
        self.kafka = None
        self.log_path = self.workdir / "sluiced.log"

    def start(self, timeout=60):
        worker = self.workdir / "worker.properties"
        worker.write_text("".join(f"{k}={v}\n" for k, v in self.props.items()))
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [str(SLUICED), "standalone", str(worker), *map(str, self.connector_files)],
            cwd=self.workdir, stdout=subprocess.PIPE, stderr=log, text=True)
        ready = {}

        def read_stdout():
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                if line.startswith("SLUICED|ready|"):
                    ready.update(kv.split("=", 1) for kv in line.strip().split("|")[2:])
        threading.Thread(target=read_stdout, daemon=True).start()
        wait_for(lambda: ready or self.proc.poll() is not None, timeout, "sluiced to be ready")
        if not ready:
            raise AssertionError(f"sluiced exited with {self.proc.returncode}:\n{self.log()}")
        self.rest = f"http://{ready['rest'].replace('0.0.0.0', '127.0.0.1')}" if ready.get("rest") else None
        if self.rest and self.rest.startswith("http://:"):
            self.rest = "http://127.0.0.1" + self.rest[len("http://"):]
        self.grpc = ready["grpc"]
        self.kafka = ready["kafka"]
        return self

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def url(self, path):
        return self.rest + path

    def get(self, path, **kw):
        return requests.get(self.url(path), timeout=30, **kw)

    def post(self, path, **kw):
        return requests.post(self.url(path), timeout=60, **kw)

    def put(self, path, **kw):
        return requests.put(self.url(path), timeout=60, **kw)

    def delete(self, path, **kw):
        return requests.delete(self.url(path), timeout=60, **kw)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=60):
        """Graceful stop (SIGTERM): tasks flush and commit offsets."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def kill(self):
        """A crash: SIGKILL, nothing flushed."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(timeout=30)

    def wait_status(self, name, predicate, timeout=60, what="status"):
        def check():
            r = self.get(f"/connectors/{name}/status")
            return r.json() if r.status_code == 200 and predicate(r.json()) else None
        return wait_for(check, timeout, f"{what} of {name}")

    def wait_running(self, name, tasks=1, timeout=60):
        return self.wait_status(
            name,
            lambda s: s["connector"]["state"] == "RUNNING" and len(s["tasks"]) == tasks
            and all(t["state"] == "RUNNING" for t in s["tasks"]),
            timeout, "RUNNING status")


def worker_props(workdir, **overrides):
    props = {
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "offset.storage.file.filename": str(pathlib.Path(workdir) / "connect.offsets"),
        "offset.flush.interval.ms": "500",
        "listeners": f"http://127.0.0.1:{free_port()}",
        "grpc.listener": f"127.0.0.1:{free_port()}",
        "plugin.path": str(BUILD / "plugins"),
        "task.shutdown.graceful.timeout.ms": "10000",
    }
    props.update(overrides)
    return props


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


@pytest.fixture
def sluiced_factory(workdir):
    started = []

    def make(props=None, connector_files=(), subdir="."):
        d = pathlib.Path(workdir) / subdir
        d.mkdir(parents=True, exist_ok=True)
        s = Sluiced(d, props or worker_props(d), connector_files)
        started.append(s)
        return s

    yield make
    for s in started:
        s.kill()


@pytest.fixture
def sluiced(sluiced_factory):
    return sluiced_factory().start()


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    """A real Apache Kafka broker (KRaft, single node) from tools/kafka."""
    d = tmp_path_factory.mktemp("kafka")
    subprocess.run([str(REPO / "tools" / "kafka"), "start", "--dir", str(d)], check=True,
                   stdout=subprocess.DEVNULL, timeout=240)
    bootstrap = (d / "bootstrap").read_text().strip()
    yield bootstrap
    subprocess.run([str(REPO / "tools" / "kafka"), "stop", "--dir", str(d)], timeout=120)


def source_config(name, file, topic, **extra):
    config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
              "file": str(file), "topic": topic, "tasks.max": "1"}
    config.update(extra)
    return {"name": name, "config": config}


def sink_config(name, file, topics, **extra):
    config = {"connector.class": "FileStreamSink", "file": str(file), "topics": topics}
    config.update(extra)
    return {"name": name, "config": config}
