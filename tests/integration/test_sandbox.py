"""The sandbox holds (docs/security.md): a hostile plugin (tests/plugins/hostile) attacks from
inside its connector, one attack per connector, all on one worker, while a file pipeline of
another connector runs beside them. Each attack is denied or contained, its connector's task
fails with a trace that names what happened, and the worker, its API and the pipeline carry on
with their data intact.

The kernel mechanisms are the machine's: the module skips the attacks a machine cannot contain
(the worker's start log and GET /sluice/sandbox name what is missing) rather than pretending."""

import os
import pathlib

import pytest

from conftest import (BUILD, failed_task_trace, read_lines, sandbox_has, sink_config, source_config,
                      wait_for, worker_props)

SECRET = "sluice-sandbox-test-secret-4f1c"
LINES = [f"line-{i}" for i in range(2000)]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A worker with a secret in its environment and a file pipeline running beside the
    attackers."""
    workdir = tmp_path_factory.mktemp("sandbox")
    data = workdir / "data"
    data.mkdir()
    (data / "input.txt").write_text("".join(line + "\n" for line in LINES[:1000]))
    os.environ["SLUICE_SANDBOX_TEST_SECRET"] = SECRET
    from conftest import Sluiced
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "offset.flush.interval.ms": "200"})
    worker = Sluiced(workdir, props).start()
    del os.environ["SLUICE_SANDBOX_TEST_SECRET"]
    probe = worker.get("/sluice/sandbox")
    support = probe.json() if probe.status_code == 200 else {}
    r = worker.post("/connectors", json=source_config("victim-src", data / "input.txt",
                                                      "victim"))
    assert r.status_code == 201, r.text
    r = worker.post("/connectors", json=sink_config("victim-sink", data / "output.txt", "victim"))
    assert r.status_code == 201, r.text
    worker.wait_running("victim-src")
    worker.wait_running("victim-sink")
    yield {"worker": worker, "workdir": workdir, "data": data, "support": support}
    worker.kill()


def attack(env, name, attack, target="", **sandbox):
    config = {"connector.class": "HostileSource", "tasks.max": "1", "topic": f"{name}-t",
              "attack": attack, "target": str(target)}
    config.update({f"sluice.sandbox.{k.replace('_', '.')}": str(v) for k, v in sandbox.items()})
    r = env["worker"].post("/connectors", json={"name": name, "config": config})
    assert r.status_code == 201, r.text


def failed_trace(env, name, timeout=60):
    return failed_task_trace(env["worker"], name, timeout)


def require(env, what):
    if not sandbox_has(env["support"], what):
        pytest.skip(f"this machine lacks {what}: {env['support'].get('missing')}")


def test_the_worker_reports_what_the_sandbox_enforces(env):
    support = env["support"]
    assert support, "GET /sluice/sandbox answers"
    assert support["enabled"] is True
    assert set(support) >= {"namespaces", "network_namespace", "landlock_abi", "seccomp",
                            "cgroups", "missing"}
    log = env["worker"].log()
    for line in support["missing"]:
        assert f"SANDBOX PROTECTION MISSING on this machine: {line}" in log


def test_reading_files_outside_its_grant_is_denied(env):
    require(env, "landlock")
    attack(env, "h-shadow", "read-file", "/etc/shadow")
    attack(env, "h-other-connector", "read-file", env["data"] / "input.txt")
    attack(env, "h-worker-config", "read-file", env["workdir"] / "worker.properties")
    for name in ("h-shadow", "h-other-connector", "h-worker-config"):
        trace = failed_trace(env, name)
        assert "denied (Permission denied)" in trace, trace
    assert "root:" not in failed_trace(env, "h-shadow")


def test_writing_outside_its_declared_paths_is_denied(env):
    require(env, "landlock")
    granted = env["workdir"] / "granted.txt"
    offsets = env["workdir"] / "connect.offsets"
    before = offsets.read_bytes() if offsets.exists() else b""
    attack(env, "h-write-granted", "write-file", granted, paths_write=granted)
    attack(env, "h-write-other", "write-file", env["workdir"] / "other.txt",
           paths_write=granted)
    attack(env, "h-write-offsets", "write-file", offsets)
    assert "succeeded" in failed_trace(env, "h-write-granted")
    assert granted.read_text() == "written by the hostile plugin\n"
    for name in ("h-write-other", "h-write-offsets"):
        assert "denied (Permission denied)" in failed_trace(env, name)
    assert not (env["workdir"] / "other.txt").exists()
    assert b"hostile" not in (offsets.read_bytes() if offsets.exists() else before)


def test_other_processes_are_invisible(env):
    require(env, "namespaces")
    worker_pid = env["worker"].proc.pid
    attack(env, "h-ps", "list-processes")
    attack(env, "h-environ", "read-environ", worker_pid)
    trace = failed_trace(env, "h-ps")
    assert "sluiced" not in trace and "pytest" not in trace, trace
    assert "saw 1 processes [1=" in trace, trace  # the sandbox's own pid 1: the plugin itself
    trace = failed_trace(env, "h-environ")
    assert f"attack read-environ on {worker_pid}: denied (No such file or directory)" in trace
    assert SECRET not in trace and "HOME=" in trace, trace


def test_the_network_and_the_workers_ports_are_unreachable(env):
    require(env, "network")
    worker = env["worker"]
    rest_port = worker.rest.rsplit(":", 1)[1]
    grpc_port = worker.grpc.rsplit(":", 1)[1]
    attack(env, "h-rest", "connect", f"127.0.0.1:{rest_port}")
    attack(env, "h-grpc", "connect", f"127.0.0.1:{grpc_port}")
    attack(env, "h-outside", "connect", "192.0.2.1:80")
    for name in ("h-rest", "h-grpc", "h-outside"):
        assert "denied (Network is unreachable)" in failed_trace(env, name)


def test_signalling_or_tracing_the_worker_fails(env):
    require(env, "namespaces")
    require(env, "seccomp")
    worker_pid = env["worker"].proc.pid
    attack(env, "h-kill", "signal", worker_pid)
    trace = failed_trace(env, "h-kill")
    assert "denied (No such process)" in trace or "denied (Operation not permitted)" in trace
    attack(env, "h-ptrace", "ptrace", worker_pid)
    assert "killed by seccomp: ptrace" in failed_trace(env, "h-ptrace")
    assert env["worker"].alive()


def test_a_fork_bomb_meets_the_process_limit(env):
    require(env, "pids")
    attack(env, "h-forks", "fork-bomb", processes=64)
    assert "process limit of 64 reached" in failed_trace(env, "h-forks")


def test_taking_20_gb_meets_the_memory_limit(env):
    require(env, "memory")
    attack(env, "h-memory", "allocate", 20 << 30, memory_bytes=256 << 20)
    assert "memory limit of 256 MiB exceeded" in failed_trace(env, "h-memory")


def test_spinning_meets_the_cpu_limits(env):
    require(env, "cpu")
    attack(env, "h-spin", "spin", cpu_cores="0.25", cpu_seconds=2)
    # 2 CPU seconds at a quarter of a core take about 8 s of wall time.
    assert "CPU time limit of 2 s exceeded" in failed_trace(env, "h-spin", timeout=90)


def test_hanging_in_poll_meets_the_watchdog(env):
    # The connector lowers its poll deadline (within the worker's sluice.task.watchdog.max.ms).
    config = {"connector.class": "HostileSource", "tasks.max": "1", "topic": "h-hang-t",
              "attack": "hang", "sluice.task.watchdog.poll.ms": "3000"}
    r = env["worker"].post("/connectors", json={"name": "h-hang", "config": config})
    assert r.status_code == 201, r.text
    # The host's exit may mark the task FAILED (with the host's exit) a moment before its runner
    # reports the watchdog's trace, which is the one that stays.
    prefix = "org.apache.kafka.connect.errors.ConnectException: Task h-hang-0"
    trace = wait_for(lambda: (lambda t: t if t.startswith(prefix) else None)(
        failed_trace(env, "h-hang")), 60, "the watchdog's trace")
    assert trace.startswith(
        "org.apache.kafka.connect.errors.ConnectException: Task h-hang-0 did not answer poll "
        "within 3000 ms; its plugin host was killed by the watchdog "
        "(sluice.task.watchdog.poll.ms)"), trace
    status = env["worker"].get("/connectors/h-hang/status").json()
    assert status["connector"]["state"] == "FAILED"
    assert "was killed by signal 9" in status["connector"]["trace"]
    assert "The worker killed it: Task h-hang-0 did not answer poll" in status["connector"]["trace"]
    assert "Watchdog: task h-hang-0 did not answer poll within 3000 ms" in env["worker"].log()
    assert env["worker"].alive()


def test_a_policy_above_the_ceiling_is_refused_by_validate_and_create(env):
    worker = env["worker"]
    config = {"connector.class": "HostileSource", "sluice.sandbox.memory.bytes": str(64 << 30)}
    r = worker.put("/connector-plugins/HostileSource/config/validate", json=config)
    assert r.status_code == 200, r.text
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["sluice.sandbox.memory.bytes"] == [
        f"Invalid value {64 << 30} for configuration sluice.sandbox.memory.bytes: the worker "
        "allows at most 4294967296 (sluice.sandbox.memory.max.bytes)"]
    r = worker.post("/connectors", json={"name": "h-greedy", "config": config})
    assert r.status_code == 400, r.text
    assert "sluice.sandbox.memory.bytes" in r.json()["message"]


def test_the_worker_and_the_pipeline_are_unharmed(env):
    worker = env["worker"]
    assert worker.alive()
    assert worker.get("/").status_code == 200
    with open(env["data"] / "input.txt", "a") as f:
        f.write("".join(line + "\n" for line in LINES[1000:]))
    wait_for(lambda: read_lines(env["data"] / "output.txt") == LINES, 60,
             "the pipeline to copy every line")
    for name in ("victim-src", "victim-sink"):
        status = worker.get(f"/connectors/{name}/status").json()
        assert status["connector"]["state"] == "RUNNING"
        assert [t["state"] for t in status["tasks"]] == ["RUNNING"]
    assert SECRET not in worker.get("/connectors?expand=status").text
