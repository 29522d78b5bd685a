"""Pause, resume, stop, restart (connector and task), initial states, and GET offsets, over
REST against a real sluiced, with Kafka Connect's status codes, bodies and messages."""

import pytest

from conftest import BUILD, read_lines, sink_config, source_config, wait_for, worker_props


def write(path, lines):
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


@pytest.fixture
def pipeline(sluiced, workdir):
    src, out = workdir / "in.txt", workdir / "out.txt"
    write(src, ["one", "two"])
    assert sluiced.post("/connectors", json=source_config("src", src, "t")).status_code == 201
    assert sluiced.post("/connectors", json=sink_config("snk", out, "t")).status_code == 201
    wait_for(lambda: read_lines(out) == ["one", "two"], 60, "the first lines")
    return sluiced, src, out


def states(s, name):
    st = s.get(f"/connectors/{name}/status").json()
    return st["connector"]["state"], [t["state"] for t in st["tasks"]]


def test_pause_and_resume(pipeline):
    s, src, out = pipeline
    r = s.put("/connectors/src/pause")
    assert r.status_code == 202 and r.text == ""
    assert states(s, "src") == ("PAUSED", ["PAUSED"])
    assert s.put("/connectors/src/pause").status_code == 202  # idempotent
    write(src, ["three"])
    r = s.put("/connectors/src/resume")
    assert r.status_code == 202 and r.text == ""
    s.wait_running("src")
    wait_for(lambda: read_lines(out) == ["one", "two", "three"], 60, "the line written while paused")


def test_paused_sink_keeps_its_task_and_delivers_after_resume(pipeline, workdir):
    s, src, out = pipeline
    assert s.put("/connectors/snk/pause").status_code == 202
    assert states(s, "snk") == ("PAUSED", ["PAUSED"])
    # A second sink on the same topic shows when the new lines are there to be consumed; the
    # paused one must not have delivered them by then.
    out2 = workdir / "out2.txt"
    assert s.post("/connectors", json=sink_config("snk2", out2, "t")).status_code == 201
    write(src, ["three", "four"])
    wait_for(lambda: read_lines(out2) == ["one", "two", "three", "four"], 60, "the second sink")
    assert read_lines(out) == ["one", "two"]
    assert states(s, "snk") == ("PAUSED", ["PAUSED"])
    assert s.put("/connectors/snk/resume").status_code == 202
    assert states(s, "snk") == ("RUNNING", ["RUNNING"])
    wait_for(lambda: read_lines(out) == ["one", "two", "three", "four"], 60, "delivery after resume")
    write(src, ["five"])
    wait_for(lambda: read_lines(out)[-1:] == ["five"], 60, "the line after resume")
    assert read_lines(out) == ["one", "two", "three", "four", "five"]  # nothing twice


def test_paused_source_reads_nothing_until_resumed(pipeline, workdir):
    s, src, out = pipeline
    assert s.put("/connectors/src/pause").status_code == 202
    assert states(s, "src") == ("PAUSED", ["PAUSED"])
    # A second source on the same file shows when the new line has been read by a running task.
    out2 = workdir / "out2.txt"
    assert s.post("/connectors", json=source_config("src2", src, "t2")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk2", out2, "t2")).status_code == 201
    write(src, ["three"])
    wait_for(lambda: read_lines(out2) == ["one", "two", "three"], 60, "the second pipeline")
    assert read_lines(out) == ["one", "two"]
    assert s.put("/connectors/src/resume").status_code == 202
    assert states(s, "src") == ("RUNNING", ["RUNNING"])
    wait_for(lambda: read_lines(out) == ["one", "two", "three"], 60, "the line after resume")
    write(src, ["four"])
    wait_for(lambda: read_lines(out)[-1:] == ["four"], 60, "the next line")
    assert read_lines(out) == ["one", "two", "three", "four"]


def test_resume_leaves_failed_tasks_failed(sluiced_factory, workdir):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}"})
    s = sluiced_factory(props=props).start()
    config = {"connector.class": "CrashySource", "topic": "c", "mode": "error", "after.records": "3"}
    assert s.post("/connectors", json={"name": "c", "config": config}).status_code == 201
    s.wait_status("c", lambda st: [t["state"] for t in st["tasks"]] == ["FAILED"], what="FAILED task")
    assert s.put("/connectors/c/pause").status_code == 202
    assert states(s, "c") == ("PAUSED", ["FAILED"])
    assert s.put("/connectors/c/resume").status_code == 202
    st = s.get("/connectors/c/status").json()
    assert (st["connector"]["state"], st["tasks"][0]["state"]) == ("RUNNING", "FAILED")
    assert "crashy error after 3 records" in st["tasks"][0]["trace"]
    # As in Kafka Connect, a restart is what brings a failed task back.
    r = s.post("/connectors/c/restart?includeTasks=true&onlyFailed=true")
    assert r.status_code == 202
    assert [t["state"] for t in r.json()["tasks"]] == ["RESTARTING"]


def test_stop_drops_tasks_and_resume_starts_again(pipeline):
    s, src, out = pipeline
    r = s.put("/connectors/src/stop")
    assert r.status_code == 204 and r.text == ""
    status = s.get("/connectors/src/status").json()
    assert status["connector"]["state"] == "STOPPED" and status["tasks"] == []
    assert s.get("/connectors/src/tasks").json() == []
    assert s.get("/connectors/src").json()["tasks"] == []
    write(src, ["after stop"])
    assert s.put("/connectors/src/resume").status_code == 202
    s.wait_running("src")
    wait_for(lambda: read_lines(out)[-1:] == ["after stop"], 60, "the line written while stopped")


def test_restarts(pipeline):
    s, src, out = pipeline
    r = s.post("/connectors/src/restart")
    assert r.status_code == 204 and r.text == ""
    r = s.post("/connectors/src/restart?includeTasks=true")
    assert r.status_code == 202
    body = r.json()
    assert body["name"] == "src" and body["type"] == "source"
    assert body["connector"]["state"] == "RESTARTING"
    assert [t["state"] for t in body["tasks"]] == ["RESTARTING"]
    s.wait_running("src")
    # Nothing failed: with onlyFailed nothing restarts and the body shows the current states.
    r = s.post("/connectors/src/restart?includeTasks=true&onlyFailed=true")
    assert r.status_code == 202
    assert r.json()["connector"]["state"] == "RUNNING"
    assert [t["state"] for t in r.json()["tasks"]] == ["RUNNING"]
    r = s.post("/connectors/snk/tasks/0/restart")
    assert r.status_code == 204 and r.text == ""
    s.wait_running("snk")
    write(src, ["after restarts"])
    wait_for(lambda: read_lines(out)[-1:] == ["after restarts"], 60, "data to flow after restarts")


def test_lifecycle_errors(sluiced):
    def err(r, status, message):
        assert r.status_code == status, r.text
        assert r.json() == {"error_code": status, "message": message}
    err(sluiced.put("/connectors/x/pause"), 404, "Unknown connector x")
    err(sluiced.put("/connectors/x/resume"), 404, "Unknown connector x")
    err(sluiced.put("/connectors/x/stop"), 500, "No connector `x` configured")
    err(sluiced.post("/connectors/x/restart"), 404, "Connector x not found")
    err(sluiced.post("/connectors/x/restart?includeTasks=true"), 404, "Unknown connector: x")
    err(sluiced.post("/connectors/x/tasks/0/restart"), 404, "Connector x not found")
    err(sluiced.get("/connectors/x/offsets"), 404, "Connector x not found")


def test_unknown_task_restart(pipeline):
    s, _, _ = pipeline
    r = s.post("/connectors/src/tasks/5/restart")
    assert r.status_code == 404
    assert r.json() == {"error_code": 404, "message": "Task src-5 not found"}


@pytest.mark.parametrize("initial,state", [("PAUSED", "PAUSED"), ("stopped", "STOPPED")])
def test_initial_state(sluiced, workdir, initial, state):
    body = source_config("s", workdir / "in.txt", "t")
    body["initial_state"] = initial
    r = sluiced.post("/connectors", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["tasks"] == []
    status = sluiced.get("/connectors/s/status").json()
    assert status["connector"]["state"] == state and status["tasks"] == []
    assert sluiced.put("/connectors/s/resume").status_code == 202
    sluiced.wait_running("s")


def test_offsets_of_source_and_sink(pipeline, workdir):
    s, src, out = pipeline
    chars = len(src.read_text(encoding="utf-8"))
    expected_source = {"offsets": [{"partition": {"filename": str(src)}, "offset": {"position": chars}}]}
    wait_for(lambda: s.get("/connectors/src/offsets").json() == expected_source, 30,
             "the source's committed offsets")
    expected_sink = {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0},
                                  "offset": {"kafka_offset": 2}}]}
    wait_for(lambda: s.get("/connectors/snk/offsets").json() == expected_sink, 30,
             "the sink's committed consumer offsets")


def test_active_topics(pipeline):
    s, _, _ = pipeline
    assert s.get("/connectors/src/topics").json() == {"src": {"topics": ["t"]}}
    assert s.get("/connectors/snk/topics").json() == {"snk": {"topics": ["t"]}}
    # Kafka Connect does not check that the connector exists.
    assert s.get("/connectors/nope/topics").json() == {"nope": {"topics": []}}
    r = s.put("/connectors/src/topics/reset")
    assert r.status_code == 202 and r.text == ""
    assert s.get("/connectors/src/topics").json() == {"src": {"topics": []}}


def test_topic_tracking_can_be_disabled(sluiced_factory, workdir):
    from conftest import worker_props
    s = sluiced_factory(props=worker_props(workdir, **{"topic.tracking.allow.reset": "false"})).start()
    r = s.put("/connectors/x/topics/reset")
    assert r.status_code == 403
    assert r.json() == {"error_code": 403, "message": "Topic tracking reset is disabled."}
    s.stop()
    s = sluiced_factory(props=worker_props(workdir, **{"topic.tracking.enable": "false"}),
                        subdir="second").start()
    r = s.get("/connectors/x/topics")
    assert r.status_code == 403
    assert r.json() == {"error_code": 403, "message": "Topic tracking is disabled."}


# FileStreamSource manages no offsets of its own and says so (its alterOffsets returns true).
ALTERED = "The offsets for this connector have been altered successfully"
RESET = "The offsets for this connector have been reset successfully"


def patch(s, path, body):
    import requests
    return requests.patch(s.url(path), json=body, timeout=60)


def test_alter_and_reset_source_offsets(pipeline):
    s, src, out = pipeline
    body = {"offsets": [{"partition": {"filename": str(src)}, "offset": {"position": 4}}]}
    r = patch(s, "/connectors/src/offsets", body)
    assert r.status_code == 400
    assert r.json()["message"] == (
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be "
        "done for the specified connector by issuing a 'PUT' request to the '/connectors/src/stop' "
        "endpoint")
    assert s.put("/connectors/src/stop").status_code == 204
    r = patch(s, "/connectors/src/offsets", {"offsets": []})
    assert r.status_code == 400
    assert r.json()["message"] == "Partitions / offsets need to be provided for an alter offsets request"
    r = patch(s, "/connectors/src/offsets", body)
    assert r.status_code == 200 and r.json() == {"message": ALTERED}
    assert s.get("/connectors/src/offsets").json() == body
    # Resumed, the source reads again from position 4 ("one\n" is 4 characters).
    assert s.put("/connectors/src/resume").status_code == 202
    wait_for(lambda: read_lines(out) == ["one", "two", "two"], 60, "the replay from position 4")
    assert s.put("/connectors/src/stop").status_code == 204
    r = s.delete("/connectors/src/offsets")
    assert r.status_code == 200 and r.json() == {"message": RESET}
    assert s.get("/connectors/src/offsets").json() == {"offsets": []}


def test_alter_sink_offsets_validates_the_request(pipeline):
    s, src, out = pipeline
    assert s.put("/connectors/snk/stop").status_code == 204
    bad = {"offsets": [{"partition": {"kafka_topic": "t"}, "offset": {"kafka_offset": 1}}]}
    r = patch(s, "/connectors/snk/offsets", bad)
    assert r.status_code == 400
    assert r.json()["message"] == ("The partition for a sink connector offset must contain the keys "
                                   "'kafka_topic' and 'kafka_partition'")
    # Successful sink alters and resets: test_offsets_plugin.py and test_real_kafka.py.
