"""No request hangs forever: a plugin stuck in a connector's start or in validation answers the
request with Kafka Connect's "Request timed out" (500) once sluice.plugin.call.timeout.ms has
passed, and meanwhile every other request, on other connectors, is served."""

import threading

import pytest

from conftest import BUILD, read_lines, sink_config, source_config, wait_for, worker_props

TIMEOUT_MS = 5000


@pytest.fixture
def s(sluiced_factory, workdir):
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "sluice.plugin.call.timeout.ms": str(TIMEOUT_MS)})
    return sluiced_factory(props=props).start()


def crashy(name, **extra):
    config = {"connector.class": "CrashySource", "name": name, "topic": f"{name}-topic",
              "mode": "none"}
    config.update(extra)
    return {"name": name, "config": config}


class InBackground:
    """Runs one request on a thread, so the test can do other things while it hangs."""

    def __init__(self, call):
        self.reply = None
        self.thread = threading.Thread(target=lambda: setattr(self, "reply", call()), daemon=True)
        self.thread.start()

    def pending(self):
        return self.thread.is_alive()

    def result(self, timeout=60):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the request never answered"
        return self.reply


def test_stuck_connector_start_times_out_and_others_go_on(s, workdir):
    stuck = InBackground(lambda: s.post("/connectors", json=crashy("stuck", hang="start")))
    # The stuck create holds only its own connector: status reads answer, and another connector
    # is created, started and moves data while the plugin still hangs.
    wait_for(lambda: s.get("/connectors/stuck/status").status_code == 200, 30,
             "the stuck connector to be known")
    src, out = workdir / "in.txt", workdir / "out.txt"
    src.write_text("a\nb\n")
    assert s.post("/connectors", json=source_config("src", src, "lines")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, "lines")).status_code == 201
    assert s.get("/connectors").status_code == 200
    assert stuck.pending(), "the stuck create answered before the others were served"
    wait_for(lambda: read_lines(out) == ["a", "b"], 60, "the other pipeline to flow")

    r = stuck.result()
    assert r.status_code == 500, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["error_code"] == 500
    assert body["message"].startswith(
        "Request timed out: the plugin of connector stuck did not answer within 5s "
        "(start connector), so the connector is FAILED"), body
    # Like Kafka Connect after a timed-out create, the connector exists; its status says why.
    status = s.get("/connectors/stuck/status").json()
    assert status["connector"]["state"] == "FAILED"
    assert status["connector"]["trace"].startswith("Timed out: the plugin of connector stuck")
    assert status["tasks"] == []

    # Fixing the config brings it back; nothing of the stuck host is left in the way.
    r = s.put("/connectors/stuck/config", json=crashy("stuck")["config"])
    assert r.status_code == 200, r.text
    s.wait_running("stuck")


def test_stuck_validation_times_out_without_blocking_other_connectors(s, workdir):
    validate = InBackground(lambda: s.put(
        "/connector-plugins/CrashySource/config/validate",
        json=crashy("v", hang="validate")["config"]))
    wait_for(lambda: validate.pending(), 10, "the validation to be under way")
    out = workdir / "out.txt"
    assert s.post("/connectors", json=sink_config("snk", out, "lines")).status_code == 201
    assert s.get("/connectors/snk/status").status_code == 200
    assert validate.pending(), "the stuck validation answered before the other create was served"
    r = validate.result()
    assert r.status_code == 500, r.text
    assert r.json() == {"error_code": 500, "message":
                        "Request timed out: the plugin did not validate the config within 5s"}
    # The next validation of the same plugin gets a fresh host and answers normally.
    r = s.put("/connector-plugins/CrashySource/config/validate", json=crashy("v")["config"])
    assert r.status_code == 200 and r.json()["error_count"] == 0, r.text
