"""Fixtures for Sluice's integration tests: real sluiced processes (with their plugin hosts and
REST gateway) on free ports in per-test directories, the embedded broker or a real Apache Kafka
broker started by tools/kafka, and helpers that wait on conditions with deadlines."""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "common"))
from waiting import free_port, wait_for  # noqa: E402  (tests import them from here)
BUILD = pathlib.Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))
SLUICED = BUILD / "bin" / "sluiced"


def read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


class WorkerProcess:
    """What the tests do with a worker process (`proc`, output in `log_path`): read its log, ask
    whether it runs, stop it gracefully or kill it."""

    proc = None
    log_path = None

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

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


class Sluiced(WorkerProcess):
    """One sluiced process. Output goes to <dir>/sluiced.log. `mode` is sluiced's first argument:
    "standalone" (then `connector_files` follow the worker properties) or "distributed"."""

    def __init__(self, workdir, props, connector_files=(), mode="standalone"):
        self.workdir = pathlib.Path(workdir)
        self.mode = mode
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
            [str(SLUICED), self.mode, str(worker), *map(str, self.connector_files)],
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


def install_python_plugin(workdir, plugin_src):
    """A copy of the Python plugin folder `plugin_src` under `workdir` whose manifest's command runs
    a virtualenv's python with sluice_sdk installed by `pip install ./sdk/python` (the build hook
    generates the protocol modules): the plugin host scrubs the environment, so the command must
    find the SDK by itself. The venv sees the system's grpcio and grpcio-tools (tools/setup
    installs them). Returns the copy's path."""
    workdir = pathlib.Path(workdir)
    venv = workdir / "venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                        str(venv)], check=True)
        subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                        "install", "-q", "--no-build-isolation", "--no-deps",
                        str(REPO / "sdk" / "python")], check=True, timeout=300)
    plugin = workdir / "pyplugins" / pathlib.Path(plugin_src).name
    shutil.copytree(plugin_src, plugin)
    manifest = json.loads((plugin / "sluice-plugin.json").read_text())
    manifest["command"] = [str(venv / "bin" / "python"), *manifest["command"][1:]]
    (plugin / "sluice-plugin.json").write_text(json.dumps(manifest))
    return plugin


def worker_props(workdir, **overrides):
    props = {
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "offset.storage.file.filename": str(pathlib.Path(workdir) / "connect.offsets"),
        "offset.flush.interval.ms": "500",
        "listeners": f"http://127.0.0.1:{free_port()}",
        # Port 0: sluiced binds a free port and reports it on its ready line.
        "grpc.listener": "127.0.0.1:0",
        # The FileStream connectors only, as Kafka Connect 3.9.1 ships them: plugin lists compare
        # with Java's. Tests of the Python and Go connectors name their folders themselves.
        "plugin.path": str(BUILD / "plugins" / "file"),
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


# ---- the black-box API suite (test_api_*.py): one client, two transports ---------------------


@pytest.fixture(scope="session")
def grpc_stubs(tmp_path_factory):
    """Python modules for proto/sluice/v1, generated once per session (grpc_tools.protoc)."""
    import kcapi
    kcapi.generate_stubs(REPO, tmp_path_factory.mktemp("grpc_stubs"))
    return True


def make_api(transport, sluiced_process):
    import kcapi
    if transport == "rest":
        return kcapi.RestApi(sluiced_process.rest)
    return kcapi.GrpcApi(sluiced_process.grpc)


@pytest.fixture(scope="module")
def module_sluiced(tmp_path_factory):
    """One sluiced shared by the tests of a module (over both transports): each test uses its
    own connector names."""
    d = tmp_path_factory.mktemp("sluiced")
    s = Sluiced(d, worker_props(d)).start()
    yield s
    s.kill()


@pytest.fixture(params=["rest", "grpc"])
def transport(request):
    return request.param


@pytest.fixture
def api(transport, grpc_stubs, sluiced):
    """A client of a sluiced of this test's own, over the transport the test is run for."""
    client = make_api(transport, sluiced)
    client.sluiced = sluiced
    yield client
    if hasattr(client, "close"):
        client.close()


@pytest.fixture
def shared_api(transport, grpc_stubs, module_sluiced):
    """A client of the module's shared sluiced, over the transport the test is run for."""
    client = make_api(transport, module_sluiced)
    client.sluiced = module_sluiced
    yield client
    if hasattr(client, "close"):
        client.close()


_names = iter(range(1, 1 << 30))


@pytest.fixture
def uniq(transport):
    """Connector names unique within the session: uniq("src") -> "src-rest-7"."""
    n = next(_names)
    return lambda base: f"{base}-{transport}-{n}"


def expect_error(reply, status, message):
    """Kafka Connect's error answer: the status, {"error_code","message"} and, over REST, JSON."""
    assert reply.status == status, reply
    assert reply.body == {"error_code": status, "message": message}, reply
    if reply.headers is not None:
        assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers


def expect_ok(reply, status, body):
    """A success answer with exactly this body (None: no body at all)."""
    assert reply.status == status, reply
    assert reply.body == body, reply
    if reply.headers is not None and body is not None:
        assert reply.headers.get("Content-Type", "").startswith("application/json"), reply.headers


def rest_only(api, why):
    if api.transport != "rest":
        pytest.skip(f"REST only: {why}")


def wait_states(api, name, connector, tasks, timeout=20):
    """Waits until GET status shows the connector state and the list of task states; returns the
    status body."""
    seen = []

    def check():
        r = api.status(name)
        seen[:] = [r.body]
        if r.status != 200:
            return None
        b = r.body
        return b if b["connector"]["state"] == connector and [t["state"] for t in b["tasks"]] == tasks else None
    try:
        return wait_for(check, timeout, f"{name} to be {connector} with tasks {tasks}")
    except AssertionError as e:
        raise AssertionError(f"{e}; last status: {seen[0] if seen else None!r}") from None


def failed_task_trace(worker, name, timeout):
    """Waits until task 0 of connector `name` on `worker` (a Sluiced) is FAILED; returns its
    trace."""
    def check():
        r = worker.get(f"/connectors/{name}/status")
        if r.status_code != 200:
            return None
        tasks = r.json().get("tasks", [])
        return tasks[0].get("trace") if tasks and tasks[0]["state"] == "FAILED" else None
    return wait_for(check, timeout, f"{name}'s task to fail")


def sandbox_has(support, what):
    """Whether the worker's GET /sluice/sandbox answer `support` says this machine enforces
    `what`: namespaces, network, landlock, seccomp, or the memory, pids or cpu cgroup."""
    cgroups = support.get("cgroups", {})
    return bool({"namespaces": support.get("namespaces"),
                 "network": support.get("network_namespace"),
                 "landlock": support.get("landlock_abi", 0) > 0,
                 "seccomp": support.get("seccomp_notify"),
                 "memory": cgroups.get("memory", "none") != "none",
                 "pids": cgroups.get("pids", "none") != "none",
                 "cpu": cgroups.get("cpu", "none") != "none"}[what])


INVALID_TAIL = ("You can also find the above list of errors at the endpoint "
                "`/connector-plugins/{connectorType}/config/validate`")


def sink(name, file, topics="t-empty", **extra):
    config = {"connector.class": "FileStreamSink", "file": str(file), "topics": topics}
    config.update(extra)
    return {"name": name, "config": config}


def source(name, file, topic="t-src", **extra):
    config = {"connector.class": "FileStreamSource", "file": str(file), "topic": topic}
    config.update(extra)
    return {"name": name, "config": config}


def info(name, config, tasks, type_):
    return {"name": name, "config": config, "tasks": [{"connector": name, "task": t} for t in tasks],
            "type": type_}


def host_pid(sluiced, connector):
    """The pid of `connector`'s plugin host: sluiced's child started with --label <connector>."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if (ppid == sluiced.proc.pid and b"--label" in args
                and args[args.index(b"--label") + 1] == connector.encode()):
            return int(entry)
    return None


def child_pids(pid):
    """The pids of `pid`'s children."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def stored_offset(workdir, connector, partition):
    """The offset a standalone worker stored in workdir/connect.offsets for (connector, partition)."""
    path = workdir / "connect.offsets"
    text = path.read_text() if path.exists() else ""
    if not text:
        return None
    entries = dict(json.loads(text)["offsets"])
    value = entries.get(json.dumps([connector, partition], separators=(",", ":")))
    return value and json.loads(value)
