"""The supervisor (docs/security.md): a connector that asks for automatic restarts
(sluice.restart.*) is restarted with exponential back-off until it runs, the restarts counted in
GET /sluice/connectors/{name}/resources and in the log; that endpoint also shows what each
plugin host uses and the sandbox limits it runs under. (The watchdog's hostile case is in
test_sandbox.py, with the other attacks.)"""

import datetime
import re

import pytest

from conftest import BUILD, read_lines, source_config, wait_for, worker_props


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("supervision")
    from conftest import Sluiced
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "offset.flush.interval.ms": "200"})
    w = Sluiced(workdir, props).start()
    yield w
    w.kill()


def log_time(line):
    """The time of a spdlog line: "[2026-12-02 01:15:57.123] ..."."""
    stamp = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\]", line).group(1)
    return datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")


def log_line(worker, text):
    return next((line for line in worker.log().splitlines() if text in line), None)


def test_a_failing_task_is_restarted_with_backoff_until_it_runs(worker):
    # Each run emits two records and fails, resuming after the stored offset: the runs starting at
    # records 1 and 3 fail, the one starting at record 5 runs on.
    config = {"connector.class": "CrashySource", "topic": "flaky-t", "mode": "error",
              "after.records": "2", "fail.before.record": "5",
              "sluice.restart.enabled": "true", "sluice.restart.initial.backoff.ms": "1000",
              "sluice.restart.max.backoff.ms": "8000"}
    r = worker.post("/connectors", json={"name": "flaky", "config": config})
    assert r.status_code == 201, r.text

    def restarted_twice():
        r = worker.get("/sluice/connectors/flaky/resources")
        assert r.status_code == 200, r.text
        counts = {c.get("task", 0): c for c in r.json().get("restarts", [])}
        task = counts.get(0, {})
        return r.json() if task.get("restarts", 0) == 2 else None
    resources = wait_for(restarted_twice, 60, "two automatic restarts of flaky-0")
    worker.wait_running("flaky")
    assert resources["restart_enabled"] is True
    task = next(c for c in resources["restarts"] if c.get("task", 0) == 0)
    assert task["failures_in_a_row"] == 2
    assert not task.get("gave_up", False)

    # Back-off honoured: 1 s before the first restart, 2 s before the second.
    for attempt, wait_ms in ((1, 1000), (2, 2000)):
        failed = log_line(worker, f"Automatic restarts: task flaky-0 failed; restart {attempt} "
                                  f"in a row in {wait_ms} ms")
        restarted = log_line(worker, f"Automatic restarts: restarting task flaky-0 (restart "
                                     f"{attempt} in all, {attempt} in a row)")
        assert failed and restarted, worker.log()
        waited = (log_time(restarted) - log_time(failed)).total_seconds()
        assert waited >= wait_ms / 1000 - 0.05, (failed, restarted)
    # The third run started at record 5 and goes on: RUNNING, nothing more scheduled.
    assert log_line(worker, "restart 3 in a row") is None
    status = worker.get("/connectors/flaky/status").json()
    assert [t["state"] for t in status["tasks"]] == ["RUNNING"]


def test_restarts_are_off_by_default_as_in_kafka_connect(worker):
    config = {"connector.class": "CrashySource", "topic": "once-t", "mode": "error",
              "after.records": "1"}
    assert worker.post("/connectors", json={"name": "once", "config": config}).status_code == 201
    worker.wait_status("once", lambda s: [t["state"] for t in s["tasks"]] == ["FAILED"],
                       what="FAILED task")
    r = worker.get("/sluice/connectors/once/resources")
    assert r.status_code == 200, r.text
    assert not r.json().get("restart_enabled", False)
    assert all(c.get("restarts", 0) == 0 for c in r.json().get("restarts", []))
    assert log_line(worker, "restarting task once-0") is None


def test_resources_show_usage_and_limits(worker, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("a\nb\n")
    assert worker.post("/connectors", json=source_config("res-src", src, "res")).status_code == 201
    worker.wait_running("res-src")
    r = worker.get("/sluice/connectors/res-src/resources")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "res-src"
    assert body["running"] is True
    usage, limits = body["usage"], body["limits"]
    assert int(usage["pid"]) > 1
    # A plugin host of the file connector: some MiB, far below its 1 GiB memory limit.
    assert 1 << 20 <= int(usage["memory_bytes"]) < 1 << 30, usage
    assert float(usage.get("cpu_seconds", 0)) >= 0
    assert 1 <= int(usage["processes"]) <= 16, usage
    assert int(usage["processes"]) <= int(usage["tasks"]) <= 512, usage
    assert usage["measured_by"] in ("cgroup v1", "cgroup v2", "procfs")
    sandbox = worker.get("/sluice/sandbox").json()
    if sandbox.get("cgroups", {}).get("memory", "none") != "none":
        assert usage["measured_by"] in ("cgroup v1", "cgroup v2")
        assert int(limits["memory_bytes"]) == 1 << 30
    if sandbox.get("cgroups", {}).get("pids", "none") != "none":
        assert int(limits["processes"]) == 512
    assert limits["sandboxed"] is True
    assert not limits.get("network", False)


def test_resources_of_an_unknown_connector_is_404_in_kafka_connects_shape(worker):
    r = worker.get("/sluice/connectors/nope/resources")
    assert r.status_code == 404, r.text
    assert r.json() == {"error_code": 404, "message": "Connector nope not found"}
