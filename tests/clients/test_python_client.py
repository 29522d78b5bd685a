"""kafka-connect-py (PyPI; module kafka_connect, CLI `kc`), a Python client written against
Apache Kafka Connect's REST API, driven against a real sluiced as its README shows: the
KafkaConnect class for a FileStreamSource -> FileStreamSink pipeline through its whole lifecycle,
the errors it surfaces, and the `kc` command line.

The client calls raise_for_status(), so any status it does not expect is a requests.HTTPError;
what each method returns (a parsed body, or None for 202/204 answers) is asserted as the client
hands it to its user."""

import json
import os
import subprocess
import sys

import pytest
import requests
from kafka_connect import KafkaConnect  # kafka-connect-py; tools/setup installs it

from conftest import read_lines, wait_for

SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"
INVALID_SINK_MESSAGE = (
    "Connector configuration is invalid and contains the following 2 error(s):\n"
    "Must configure one of topics or topics.regex\n"
    "Must configure one of topics or topics.regex\n"
    "You can also find the above list of errors at the endpoint "
    "`/connector-plugins/{connectorType}/config/validate`")


def append(path, *lines):
    with open(path, "a", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)


def source(name, file, topic):
    return {"name": name, "config": {"connector.class": SOURCE_CLASS, "file": str(file),
                                     "topic": topic, "tasks.max": "1"}}


def sink_settings(file, topic):
    return {"connector.class": SINK_CLASS, "file": str(file), "topics": topic, "tasks.max": "1"}


def wait_state(client, name, state, tasks=1):
    """Polls the client's get_connector_status until the connector and its `tasks` tasks are in
    `state`; returns that status."""
    def check():
        s = client.get_connector_status(name)
        ok = (s["connector"]["state"] == state and len(s["tasks"]) == tasks
              and all(t["state"] == state for t in s["tasks"]))
        return s if ok else None
    return wait_for(check, 60, f"{name} to be {state}")


@pytest.fixture
def client(sluiced):
    return KafkaConnect(url=sluiced.rest)


def test_cluster_info_plugins_and_validate(client):
    info = client.get_cluster_info()
    assert set(info) == {"version", "commit", "kafka_cluster_id"}
    assert info["version"] and info["kafka_cluster_id"]

    plugins = {p["class"]: p for p in client.list_connector_plugins()}
    assert plugins[SOURCE_CLASS]["type"] == "source" and plugins[SOURCE_CLASS]["version"]
    assert plugins[SINK_CLASS]["type"] == "sink" and plugins[SINK_CLASS]["version"]

    result = client.validate_connector_config(
        "FileStreamSinkConnector", {"connector.class": "FileStreamSink", "name": "v"})
    assert result["name"] == "FileStreamSink"
    assert result["error_count"] == 2
    errors = {c["value"]["name"]: c["value"]["errors"] for c in result["configs"]}
    assert errors["topics"] == ["Must configure one of topics or topics.regex"]
    assert errors["topics.regex"] == ["Must configure one of topics or topics.regex"]
    assert errors["name"] == [] and errors["connector.class"] == []

    ok = client.validate_connector_config(
        "FileStreamSinkConnector", {"name": "v", **sink_settings("/tmp/unused", "t")})
    assert ok["error_count"] == 0


def test_pipeline_lifecycle(client, workdir):
    src_file, out, out2 = workdir / "in.txt", workdir / "out.txt", workdir / "out2.txt"
    src_file.write_text("")

    created = client.create_connector(source("py-src", src_file, "py-lines"))
    assert created["name"] == "py-src" and created["type"] == "source"
    assert created["config"] == {**source("py-src", src_file, "py-lines")["config"], "name": "py-src"}
    assert created["tasks"] == [{"connector": "py-src", "task": 0}]
    created = client.create_connector({"name": "py-sink", "config": sink_settings(out, "py-lines")})
    assert created["type"] == "sink"
    wait_state(client, "py-src", "RUNNING")
    wait_state(client, "py-sink", "RUNNING")

    append(src_file, "alpha", "beta")
    wait_for(lambda: read_lines(out) == ["alpha", "beta"], 60, "alpha, beta in the sink file")

    # Listing, with the client's own filters (regex on the name, state from expand=status).
    assert sorted(client.list_connectors()) == ["py-sink", "py-src"]
    assert client.list_connectors(pattern="py-s.*k") == ["py-sink"]
    assert client.list_connectors(state="running") == client.list_connectors()
    assert client.list_connectors(state="paused") == []
    expanded = client.list_connectors(expand="status")
    assert expanded["py-sink"]["status"]["connector"]["state"] == "RUNNING"
    assert expanded["py-sink"]["status"]["type"] == "sink"
    info = client.list_connectors(expand="info")
    assert info["py-src"]["info"]["config"]["file"] == str(src_file)

    got = client.get_connector("py-sink")
    assert got == {"name": "py-sink", "type": "sink",
                   "config": {**sink_settings(out, "py-lines"), "name": "py-sink"},
                   "tasks": [{"connector": "py-sink", "task": 0}]}
    assert client.get_connector_config("py-sink") == {**sink_settings(out, "py-lines"),
                                                      "name": "py-sink"}

    # Update: the README's way, the bare config map on PUT .../config.
    updated = client.update_connector("py-sink", sink_settings(out2, "py-lines"))
    assert updated["name"] == "py-sink" and updated["config"]["file"] == str(out2)
    assert client.get_connector_config("py-sink")["file"] == str(out2)
    wait_for(lambda: client.list_connector_tasks("py-sink")[0]["config"]["file"] == str(out2), 60,
             "the sink's task to take the new file")
    wait_state(client, "py-sink", "RUNNING")
    append(src_file, "gamma")
    wait_for(lambda: read_lines(out2) == ["gamma"], 60, "gamma in the new sink file")

    tasks = client.list_connector_tasks("py-sink")
    assert [t["id"] for t in tasks] == [{"connector": "py-sink", "task": 0}]
    assert tasks[0]["config"]["file"] == str(out2)
    status = client.get_connector_task_status("py-sink", 0)
    assert status["id"] == 0 and status["state"] == "RUNNING" and status["worker_id"]

    assert client.list_connector_topics("py-sink") == {"py-sink": {"topics": ["py-lines"]}}
    wait_for(lambda: client.list_connector_topics("py-src") == {"py-src": {"topics": ["py-lines"]}},
             60, "the source's active topics")

    # Pause and resume answer 202 with no body: the client returns None.
    assert client.pause_connector("py-src") is None
    wait_state(client, "py-src", "PAUSED")
    assert client.list_connectors(state="paused") == ["py-src"]
    append(src_file, "delta")
    assert client.resume_connector("py-src") is None
    wait_state(client, "py-src", "RUNNING")
    wait_for(lambda: read_lines(out2) == ["gamma", "delta"], 60, "delta after resume")

    # Restart: the client always sends includeTasks and onlyFailed, as Python spells booleans
    # ("False", "True"). Plain restart answers 204 (None); with tasks 202 and the status.
    assert client.restart_connector("py-sink") is None
    wait_state(client, "py-sink", "RUNNING")
    restarted = client.restart_connector("py-sink", include_tasks=True)
    assert restarted["name"] == "py-sink" and restarted["type"] == "sink"
    assert restarted["connector"]["state"] == "RESTARTING"
    assert [t["state"] for t in restarted["tasks"]] == ["RESTARTING"]
    wait_state(client, "py-sink", "RUNNING")
    only_failed = client.restart_connector("py-sink", include_tasks=True, only_failed=True)
    assert only_failed["connector"]["state"] == "RUNNING"  # nothing failed: nothing restarts
    assert [t["state"] for t in only_failed["tasks"]] == ["RUNNING"]
    assert client.restart_connector_task("py-sink", 0) is None
    wait_state(client, "py-sink", "RUNNING")
    append(src_file, "epsilon")
    wait_for(lambda: read_lines(out2) == ["gamma", "delta", "epsilon"], 60, "epsilon after restarts")

    # Stop (204), reset the active topics while stopped, resume.
    assert client.stop_connector("py-src") is None
    wait_state(client, "py-src", "STOPPED", tasks=0)
    assert client.reset_connector_topics("py-src") is None
    assert client.list_connector_topics("py-src") == {"py-src": {"topics": []}}
    assert client.resume_connector("py-src") is None
    wait_state(client, "py-src", "RUNNING")

    # The "all" helpers go through list_connectors(expand="status").
    assert client.pause_all_connectors(pattern="py-src") is None
    wait_state(client, "py-src", "PAUSED")
    assert client.resume_all_connectors(state="paused") is None
    wait_state(client, "py-src", "RUNNING")

    assert client.delete_connector("py-src") is None
    assert client.delete_all_connectors(pattern="py-") is None
    assert client.list_connectors() == []


def test_errors_carry_status_and_message(client, workdir):
    with pytest.raises(requests.HTTPError) as e:
        client.get_connector("missing")
    assert e.value.response.status_code == 404
    assert e.value.response.json() == {"error_code": 404, "message": "Connector missing not found"}

    for call in (client.get_connector_status, client.get_connector_config, client.delete_connector,
                 client.pause_connector, client.list_connector_tasks):
        with pytest.raises(requests.HTTPError) as e:
            call("missing")
        assert e.value.response.status_code == 404, call.__name__
        body = e.value.response.json()
        assert body["error_code"] == 404 and "missing" in body["message"], (call.__name__, body)

    # restart_connector raises HTTPError(response.text) itself on 404: the body is the message.
    # It always sends includeTasks and onlyFailed; both False is the plain restart, whose
    # standalone message this is.
    with pytest.raises(requests.HTTPError) as e:
        client.restart_connector("missing")
    assert json.loads(str(e.value)) == {"error_code": 404, "message": "Connector missing not found"}
    with pytest.raises(requests.HTTPError) as e:
        client.restart_connector("missing", include_tasks=True)
    assert json.loads(str(e.value)) == {"error_code": 404, "message": "Unknown connector: missing"}

    with pytest.raises(requests.HTTPError) as e:
        client.create_connector({"name": "bad", "config": {"connector.class": "FileStreamSink"}})
    assert e.value.response.status_code == 400
    assert e.value.response.json() == {"error_code": 400, "message": INVALID_SINK_MESSAGE}

    client.create_connector({"name": "dup", "config": sink_settings(workdir / "o.txt", "t")})
    with pytest.raises(requests.HTTPError) as e:
        client.create_connector({"name": "dup", "config": sink_settings(workdir / "o.txt", "t")})
    assert e.value.response.status_code == 409
    assert e.value.response.json() == {"error_code": 409, "message": "Connector dup already exists"}

    with pytest.raises(requests.HTTPError) as e:
        client.get_connector_task_status("dup", 7)
    assert e.value.response.status_code == 404
    assert e.value.response.json()["error_code"] == 404


# ------------------------------------------------------------------------------------- the CLI

def kc(rest, *args):
    """Runs the client's `kc` entry point (from the environment pytest runs in) as a user would;
    returns its stdout. The CLI prints request errors and exits 0, as it does against Java."""
    exe = os.path.join(os.path.dirname(sys.executable), "kc")
    cmd = [exe] if os.access(exe, os.X_OK) else [
        sys.executable, "-c", "import sys; from kafka_connect.cli import cli; sys.exit(cli())"]
    r = subprocess.run([*cmd, "--url", rest, *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def kc_json(rest, *args):
    return json.loads(kc(rest, *args))


def test_kc_command_line(sluiced, workdir):
    rest = sluiced.rest
    src_file, out = workdir / "in.txt", workdir / "out.txt"
    src_file.write_text("one\n")

    assert set(kc_json(rest, "info")) == {"version", "commit", "kafka_cluster_id"}
    assert SINK_CLASS in {p["class"] for p in kc_json(rest, "list-plugins")}

    config_file = workdir / "src.json"
    config_file.write_text(json.dumps(source("kc-src", src_file, "kc-lines")))
    assert kc_json(rest, "create", "--config-file", str(config_file))["name"] == "kc-src"
    # `update` creates a connector that does not exist yet (201), as the README recommends.
    created = kc_json(rest, "update", "kc-sink", "-d", json.dumps(sink_settings(out, "kc-lines")))
    assert created["name"] == "kc-sink" and created["type"] == "sink"
    wait_for(lambda: read_lines(out) == ["one"], 60, "the first line via the CLI's pipeline")

    wait_for(lambda: kc_json(rest, "list", "--state", "running") == ["kc-sink", "kc-src"]
             or kc_json(rest, "list", "--state", "running") == ["kc-src", "kc-sink"],
             60, "both connectors listed as running")
    listed = kc_json(rest, "list", "--expand", "status", "--pattern", "kc-s.*k")
    assert list(listed) == ["kc-sink"]
    assert kc_json(rest, "config", "kc-sink")["file"] == str(out)
    assert kc_json(rest, "get", "kc-sink")["tasks"] == [{"connector": "kc-sink", "task": 0}]
    assert kc_json(rest, "status", "kc-sink")["connector"]["state"] == "RUNNING"
    assert kc_json(rest, "list-tasks", "kc-sink")[0]["id"] == {"connector": "kc-sink", "task": 0}
    assert kc_json(rest, "task-status", "kc-sink", "0")["state"] == "RUNNING"
    assert kc_json(rest, "list-topics", "kc-sink") == {"kc-sink": {"topics": ["kc-lines"]}}

    assert kc(rest, "pause", "kc-src") == ""
    wait_for(lambda: kc_json(rest, "status", "kc-src")["connector"]["state"] == "PAUSED", 60,
             "kc-src PAUSED")
    assert kc(rest, "resume", "kc-src") == ""
    wait_for(lambda: kc_json(rest, "status", "kc-src")["connector"]["state"] == "RUNNING", 60,
             "kc-src RUNNING")

    # `restart` prints the status after restarting; with -i the tasks restart too.
    assert kc_json(rest, "restart", "kc-sink", "--include-tasks")["name"] == "kc-sink"
    assert kc_json(rest, "restart-task", "kc-sink", "0") is None
    wait_for(lambda: kc_json(rest, "status", "kc-sink")["tasks"][0]["state"] == "RUNNING", 60,
             "kc-sink's task RUNNING")
    append(src_file, "two")
    wait_for(lambda: read_lines(out) == ["one", "two"], 60, "a line after the restarts")

    # An error: the CLI prints requests' HTTPError ("404 Client Error: Not Found for url: ...").
    missing = kc(rest, "get", "missing")
    assert missing.startswith("404 Client Error: Not Found for url: ") and "/connectors/missing" in missing

    assert kc(rest, "delete", "--all", "--pattern", "kc-.*") == ""
    assert kc_json(rest, "list") == []
