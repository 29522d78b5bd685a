"""Black-box contract of the task endpoints, over REST and over gRPC."""

from conftest import expect_error, expect_ok, rest_only, sink, source, wait_states

SINK_TASK = "org.apache.kafka.connect.file.FileStreamSinkTask"
SOURCE_TASK = "org.apache.kafka.connect.file.FileStreamSourceTask"


def test_tasks_of_a_sink(shared_api, uniq, tmp_path):
    n = uniq("tk")
    body = sink(n, tmp_path / "o.txt", **{"tasks.max": "2"})
    assert shared_api.create_connector(body).status == 201
    task_config = {**body["config"], "name": n, "task.class": SINK_TASK}
    expect_ok(shared_api.tasks(n), 200, [
        {"id": {"connector": n, "task": 0}, "config": task_config},
        {"id": {"connector": n, "task": 1}, "config": task_config}])


def test_tasks_of_a_source(shared_api, uniq, tmp_path):
    n = uniq("tks")
    (tmp_path / "in.txt").write_text("")
    body = source(n, tmp_path / "in.txt")
    assert shared_api.create_connector(body).status == 201
    expect_ok(shared_api.tasks(n), 200, [
        {"id": {"connector": n, "task": 0},
         "config": {**body["config"], "name": n, "task.class": SOURCE_TASK}}])


def test_tasks_config(shared_api, uniq, tmp_path):
    n = uniq("tc")
    body = sink(n, tmp_path / "o.txt", **{"tasks.max": "2"})
    assert shared_api.create_connector(body).status == 201
    task_config = {**body["config"], "name": n, "task.class": SINK_TASK}
    expect_ok(shared_api.tasks_config(n), 200, {f"{n}-0": task_config, f"{n}-1": task_config})


def test_tasks_of_unknown_connector(shared_api):
    expect_error(shared_api.tasks("nope"), 404, "Connector nope not found")
    expect_error(shared_api.tasks_config("nope"), 404, "Connector nope not found")


def test_task_status(shared_api, uniq, tmp_path):
    n = uniq("ts")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    w = wait_states(shared_api, n, "RUNNING", ["RUNNING"])["tasks"][0]["worker_id"]
    expect_ok(shared_api.task_status(n, 0), 200, {"id": 0, "state": "RUNNING", "worker_id": w})


def test_task_status_unknown(shared_api, uniq, tmp_path):
    n = uniq("tsu")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    expect_error(shared_api.task_status(n, 5), 404, f"No status found for task {n}-5")
    expect_error(shared_api.task_status("nope", 0), 404, "No status found for task nope-0")


def test_task_number_not_a_number_is_404(shared_api):
    rest_only(shared_api, "path parameter types are HTTP's")
    expect_error(shared_api.raw("GET", "/connectors/x/tasks/zero/status"), 404, "HTTP 404 Not Found")
    expect_error(shared_api.raw("POST", "/connectors/x/tasks/zero/restart"), 404, "HTTP 404 Not Found")


def test_restart_task(shared_api, uniq, tmp_path):
    n = uniq("rt")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])
    expect_ok(shared_api.restart_task(n, 0), 204, None)
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])


def test_restart_task_unknown(shared_api, uniq, tmp_path):
    n = uniq("rtu")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    # Standalone's messages (reference §9.4).
    expect_error(shared_api.restart_task(n, 5), 404, f"Task {n}-5 not found")
    expect_error(shared_api.restart_task("nope", 0), 404, "Connector nope not found")
