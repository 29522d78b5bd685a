"""A plugin that crashes or exits takes down only its own host: its connector shows FAILED with a
trace that says what happened, while sluiced, the REST API and the other connectors go on."""

import pytest

from conftest import BUILD, read_lines, sink_config, source_config, wait_for, worker_props


@pytest.fixture
def sluiced_with_test_plugins(sluiced_factory, workdir):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}"})
    return sluiced_factory(props=props).start()


def start_healthy_pipeline(s, workdir):
    src, out = workdir / "in.txt", workdir / "out.txt"
    src.write_text("first\n")
    assert s.post("/connectors", json=source_config("src", src, "healthy")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, "healthy")).status_code == 201
    wait_for(lambda: read_lines(out) == ["first"], 60, "the healthy pipeline to flow")
    return src, out


def crashy(name, mode, after):
    return {"name": name, "config": {"connector.class": "CrashySource", "topic": f"{name}-topic",
                                     "mode": mode, "after.records": str(after)}}


@pytest.mark.parametrize("mode,expected", [
    ("segfault", "killed by signal 11 (Segmentation fault)"),
    ("exit", "exited with code 3"),
])
def test_crashing_plugin_fails_only_its_connector(sluiced_with_test_plugins, workdir, mode, expected):
    s = sluiced_with_test_plugins
    src, out = start_healthy_pipeline(s, workdir)

    r = s.post("/connectors", json=crashy("bad", mode, 5))
    assert r.status_code == 201, r.text
    status = s.wait_status("bad", lambda st: st["connector"]["state"] == "FAILED"
                           and any(t["state"] == "FAILED" for t in st["tasks"]),
                           what="FAILED status")
    trace = status["connector"]["trace"]
    assert expected in trace, trace
    assert "connector 'bad'" in trace or "connector bad" in trace, trace
    assert status["tasks"][0]["trace"], status

    # The worker and the other connectors are untouched.
    assert s.alive()
    assert sorted(s.get("/connectors").json()) == ["bad", "snk", "src"]
    assert s.get("/connectors/src/status").json()["connector"]["state"] == "RUNNING"
    with open(src, "a") as f:
        f.write("second\n")
    wait_for(lambda: read_lines(out) == ["first", "second"], 60, "the healthy pipeline to go on")

    # A failed connector can be deleted like any other.
    assert s.delete("/connectors/bad").status_code == 204
    assert sorted(s.get("/connectors").json()) == ["snk", "src"]


def test_task_error_is_reported_with_its_message(sluiced_with_test_plugins):
    s = sluiced_with_test_plugins
    assert s.post("/connectors", json=crashy("err", "error", 3)).status_code == 201
    status = s.wait_status("err", lambda st: st["tasks"] and st["tasks"][0]["state"] == "FAILED",
                           what="FAILED task")
    assert "crashy error after 3 records" in status["tasks"][0]["trace"]
    # Only the task failed: the plugin host and the connector instance are alive.
    assert status["connector"]["state"] == "RUNNING"
