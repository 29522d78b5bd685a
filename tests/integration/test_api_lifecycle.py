"""Black-box contract of status, pause, resume, stop and restart, over REST and over gRPC
(reference §1.5, §2; standalone messages §9.4)."""

from conftest import expect_error, expect_ok, sink, wait_states


def running_sink(api, name, tmp_path, **extra):
    assert api.create_connector(sink(name, tmp_path / f"{name}.txt", **extra)).status == 201
    return wait_states(api, name, "RUNNING", ["RUNNING"] * int(extra.get("tasks.max", "1")))


def test_status(shared_api, uniq, tmp_path):
    n = uniq("st")
    st = running_sink(shared_api, n, tmp_path, **{"tasks.max": "2"})
    w = st["connector"]["worker_id"]
    assert isinstance(w, str) and ":" in w and w.rsplit(":", 1)[1].isdigit(), w
    expect_ok(shared_api.status(n), 200, {
        "name": n, "connector": {"state": "RUNNING", "worker_id": w},
        "tasks": [{"id": 0, "state": "RUNNING", "worker_id": w},
                  {"id": 1, "state": "RUNNING", "worker_id": w}],
        "type": "sink"})


def test_status_of_unknown_connector(shared_api):
    expect_error(shared_api.status("nope"), 404, "No status found for connector nope")


def test_pause_and_resume(shared_api, uniq, tmp_path):
    n = uniq("pr")
    w = running_sink(shared_api, n, tmp_path)["connector"]["worker_id"]
    expect_ok(shared_api.pause(n), 202, None)
    st = wait_states(shared_api, n, "PAUSED", ["PAUSED"])
    assert st == {"name": n, "connector": {"state": "PAUSED", "worker_id": w},
                  "tasks": [{"id": 0, "state": "PAUSED", "worker_id": w}], "type": "sink"}
    expect_ok(shared_api.pause(n), 202, None)  # idempotent
    expect_ok(shared_api.resume(n), 202, None)
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])
    expect_ok(shared_api.resume(n), 202, None)  # idempotent


def test_pause_resume_unknown(shared_api):
    expect_error(shared_api.pause("nope"), 404, "Unknown connector nope")
    expect_error(shared_api.resume("nope"), 404, "Unknown connector nope")


def test_stop_then_resume(shared_api, uniq, tmp_path):
    n = uniq("stop")
    w = running_sink(shared_api, n, tmp_path)["connector"]["worker_id"]
    expect_ok(shared_api.stop(n), 204, None)
    st = wait_states(shared_api, n, "STOPPED", [])
    assert st == {"name": n, "connector": {"state": "STOPPED", "worker_id": w}, "tasks": [],
                  "type": "sink"}
    expect_ok(shared_api.tasks(n), 200, [])
    assert shared_api.get_connector(n).body["tasks"] == []
    expect_ok(shared_api.stop(n), 204, None)  # idempotent
    expect_ok(shared_api.resume(n), 202, None)
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])
    assert shared_api.get_connector(n).body["tasks"] == [{"connector": n, "task": 0}]


def test_stop_unknown_is_500_in_standalone(shared_api):
    expect_error(shared_api.stop("nope"), 500, "No connector `nope` configured")


def test_plain_restart(shared_api, uniq, tmp_path):
    n = uniq("rs")
    running_sink(shared_api, n, tmp_path)
    expect_ok(shared_api.restart(n), 204, None)
    expect_ok(shared_api.restart(n, include_tasks=False, only_failed=False), 204, None)
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])


def test_restart_with_tasks(shared_api, uniq, tmp_path):
    n = uniq("rst")
    w = running_sink(shared_api, n, tmp_path)["connector"]["worker_id"]
    expect_ok(shared_api.restart(n, include_tasks=True), 202, {
        "name": n, "connector": {"state": "RESTARTING", "worker_id": w},
        "tasks": [{"id": 0, "state": "RESTARTING", "worker_id": w}], "type": "sink"})
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])


def test_restart_only_failed_when_nothing_failed(shared_api, uniq, tmp_path):
    n = uniq("rof")
    w = running_sink(shared_api, n, tmp_path)["connector"]["worker_id"]
    running = {"name": n, "connector": {"state": "RUNNING", "worker_id": w},
               "tasks": [{"id": 0, "state": "RUNNING", "worker_id": w}], "type": "sink"}
    expect_ok(shared_api.restart(n, include_tasks=True, only_failed=True), 202, running)
    expect_ok(shared_api.restart(n, only_failed=True), 202, running)


def test_restart_connector_only_with_only_failed_false(shared_api, uniq, tmp_path):
    n = uniq("rco")
    w = running_sink(shared_api, n, tmp_path)["connector"]["worker_id"]
    # includeTasks=false, onlyFailed=true is the KIP-745 path too: 202, nothing restarts.
    r = shared_api.restart(n, include_tasks=False, only_failed=True)
    expect_ok(r, 202, {"name": n, "connector": {"state": "RUNNING", "worker_id": w},
                       "tasks": [{"id": 0, "state": "RUNNING", "worker_id": w}], "type": "sink"})


def test_restart_unknown(shared_api):
    expect_error(shared_api.restart("nope"), 404, "Connector nope not found")
    expect_error(shared_api.restart("nope", include_tasks=True), 404, "Unknown connector: nope")
    expect_error(shared_api.restart("nope", only_failed=True), 404, "Unknown connector: nope")
