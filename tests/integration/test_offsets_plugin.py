"""PATCH / DELETE /connectors/{c}/offsets (KIP-875) asking the connector plugin first, against
real sluiced processes and their plugin hosts: the file source's own checks and messages, a
reset that makes the source read its file again, and sink offsets altered and reset on the
embedded broker and on a real Apache Kafka broker, with the consumer group checked afterwards."""

import subprocess
import threading

import pytest
import requests

from conftest import BUILD, read_lines, sink_config, source_config, wait_for, worker_props

# Kafka Connect's messages (Worker.completeModifyOffsetsCallback).
PLUGIN_ALTERED = "The offsets for this connector have been altered successfully"
PLUGIN_RESET = "The offsets for this connector have been reset successfully"
FRAMEWORK_ALTERED = (
    "The Connect framework-managed offsets for this connector have been altered successfully. "
    "However, if this connector manages offsets externally, they will need to be manually "
    "altered in the system that the connector uses.")


def write(path, lines):
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def patch(s, path, body):
    return requests.patch(s.url(path), json=body, timeout=90)


def offsets(s, name):
    r = s.get(f"/connectors/{name}/offsets")
    assert r.status_code == 200, r.text
    return r.json()


def stop(s, name):
    assert s.put(f"/connectors/{name}/stop").status_code == 204
    s.wait_status(name, lambda st: st["connector"]["state"] == "STOPPED" and st["tasks"] == [])


def pipeline(s, workdir, topic, lines):
    """A file source into `topic` and a file sink out of it; returns (in, out) once every line
    went through."""
    src, out = workdir / "in.txt", workdir / "out.txt"
    write(src, lines)
    assert s.post("/connectors", json=source_config("src", src, topic)).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, topic)).status_code == 201
    wait_for(lambda: read_lines(out) == lines, 60, "the first lines")
    return src, out


def sink_offsets(topic, offset):
    return {"offsets": [{"partition": {"kafka_topic": topic, "kafka_partition": 0},
                         "offset": {"kafka_offset": offset}}]}


def test_source_alter_asks_the_file_connector(sluiced, workdir):
    src, out = pipeline(sluiced, workdir, "t", ["one", "two"])
    stored = {"offsets": [{"partition": {"filename": str(src)}, "offset": {"position": 8}}]}
    wait_for(lambda: offsets(sluiced, "src") == stored, 30, "the source's committed offset")
    stop(sluiced, "src")

    # The connector's own checks: Kafka Connect answers 500 with the connector's message, and
    # nothing is written.
    invalid = [
        ({"filename": str(src)}, {"position": -1},
         "The value for the 'position' key in the offset should be a non-negative value"),
        ({"filename": str(src)}, {"position": "4"},
         "The value for the 'position' key in the offset is expected to be a Long value"),
        ({"filename": str(src)}, {"pos": 4},
         "Offset objects should either be null or contain the key 'position'"),
        ({"file": str(src)}, {"position": 4},
         "Partition objects should contain the key 'filename'"),
    ]
    for partition, offset, message in invalid:
        r = patch(sluiced, "/connectors/src/offsets",
                  {"offsets": [{"partition": partition, "offset": offset}]})
        assert r.status_code == 500, r.text
        assert r.json() == {"error_code": 500, "message": message}
        assert offsets(sluiced, "src") == stored

    # A valid offset: the file connector confirms it, so the message is the plugin's.
    body = {"offsets": [{"partition": {"filename": str(src)}, "offset": {"position": 4}}]}
    r = patch(sluiced, "/connectors/src/offsets", body)
    assert r.status_code == 200, r.text
    assert r.json() == {"message": PLUGIN_ALTERED}
    assert offsets(sluiced, "src") == body
    # Resumed, it reads again from position 4 ("one\n" is 4 characters).
    assert sluiced.put("/connectors/src/resume").status_code == 202
    wait_for(lambda: read_lines(out) == ["one", "two", "two"], 60, "the replay from position 4")


def test_source_reset_reads_the_file_again(sluiced, workdir):
    lines = [f"line-{i}" for i in range(50)]
    src, out = pipeline(sluiced, workdir, "t", lines)
    wait_for(lambda: offsets(sluiced, "src")["offsets"], 30, "the source's committed offset")
    stop(sluiced, "src")
    r = sluiced.delete("/connectors/src/offsets")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": PLUGIN_RESET}
    assert offsets(sluiced, "src") == {"offsets": []}
    # A second reset finds nothing to reset and still succeeds.
    r = sluiced.delete("/connectors/src/offsets")
    assert r.status_code == 200 and r.json() == {"message": PLUGIN_RESET}
    assert sluiced.put("/connectors/src/resume").status_code == 202
    wait_for(lambda: len(read_lines(out)) == 2 * len(lines), 60, "every line a second time")
    assert read_lines(out) == lines + lines


def test_plugin_without_alter_offsets_gets_the_framework_message(sluiced_factory, workdir):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}"})
    s = sluiced_factory(props=props).start()
    body = {"name": "quiet", "initial_state": "STOPPED",
            "config": {"connector.class": "CrashySource", "topic": "t", "tasks.max": "1"}}
    assert s.post("/connectors", json=body).status_code == 201
    change = {"offsets": [{"partition": {"crashy": "0"}, "offset": {"n": 3}}]}
    r = patch(s, "/connectors/quiet/offsets", change)
    assert r.status_code == 200, r.text
    assert r.json() == {"message": FRAMEWORK_ALTERED}
    assert offsets(s, "quiet") == change


def test_sink_alter_and_reset_on_the_embedded_broker(sluiced, workdir):
    lines = ["one", "two", "three"]
    src, out = pipeline(sluiced, workdir, "t", lines)
    wait_for(lambda: offsets(sluiced, "snk") == sink_offsets("t", 3), 30, "the sink's commit")
    stop(sluiced, "snk")

    # The embedded broker takes the commit only from a group member: sluiced joins the group.
    r = patch(sluiced, "/connectors/snk/offsets", sink_offsets("t", 1))
    assert r.status_code == 200, r.text
    assert r.json() == {"message": PLUGIN_ALTERED}
    assert offsets(sluiced, "snk") == sink_offsets("t", 1)
    assert sluiced.put("/connectors/snk/resume").status_code == 202
    wait_for(lambda: read_lines(out) == lines + ["two", "three"], 60, "the replay from offset 1")
    wait_for(lambda: offsets(sluiced, "snk") == sink_offsets("t", 3), 30, "the sink's commit")

    stop(sluiced, "snk")
    r = sluiced.delete("/connectors/snk/offsets")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": PLUGIN_RESET}
    # The embedded broker cannot delete a group: the reset commits the start of the log, where
    # a consumer without an offset starts (auto.offset.reset=earliest).
    assert offsets(sluiced, "snk") == sink_offsets("t", 0)
    assert sluiced.put("/connectors/snk/resume").status_code == 202
    wait_for(lambda: read_lines(out) == lines + ["two", "three"] + lines, 60, "the full replay")


def test_sink_alter_and_reset_on_real_kafka(sluiced_factory, workdir, kafka_broker):
    s = sluiced_factory(props=worker_props(workdir, **{"bootstrap.servers": kafka_broker})).start()
    topic = "offsets-plugin-lines"
    lines = ["one", "two", "three"]
    src, out = pipeline(s, workdir, topic, lines)
    wait_for(lambda: offsets(s, "snk") == sink_offsets(topic, 3), 30, "the sink's commit")
    stop(s, "snk")

    # While another consumer is a member of the group, Kafka refuses; nothing changes.
    member = subprocess.Popen(
        ["kcat", "-b", kafka_broker, "-G", "connect-snk", "-X", "enable.auto.commit=false",
         "-f", "%s\n", topic],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        log = []
        threading.Thread(target=lambda: log.extend(member.stderr), daemon=True).start()
        wait_for(lambda: any("assigned:" in line for line in log), 60,
                 "kcat to join group connect-snk")
        r = patch(s, "/connectors/snk/offsets", sink_offsets(topic, 1))
        assert r.status_code == 500, r.text
        assert r.json()["message"] == (
            "Failed to alter consumer group offsets for connector snk either because its tasks "
            "haven't stopped completely yet or the connector was resumed before the request to "
            "alter its offsets could be successfully completed. If the connector is in a stopped "
            "state, this operation can be safely retried. If it doesn't eventually succeed, the "
            "Connect cluster may need to be restarted to get rid of the zombie sink tasks.")
        r = s.delete("/connectors/snk/offsets")
        assert r.status_code == 500, r.text
        assert r.json()["message"].startswith(
            "Failed to reset consumer group offsets for connector snk either because its tasks "
            "haven't stopped completely yet")
        assert offsets(s, "snk") == sink_offsets(topic, 3)
    finally:
        member.terminate()
        member.wait(timeout=30)

    # Once the group is empty again the alter goes through.
    r = wait_for(lambda: (lambda r: r if r.status_code == 200 else None)(
        patch(s, "/connectors/snk/offsets", sink_offsets(topic, 1))), 60,
        "the group to be empty")
    assert r.json() == {"message": PLUGIN_ALTERED}
    assert offsets(s, "snk") == sink_offsets(topic, 1)
    assert s.put("/connectors/snk/resume").status_code == 202
    wait_for(lambda: read_lines(out) == lines + ["two", "three"], 60, "the replay from offset 1")
    wait_for(lambda: offsets(s, "snk") == sink_offsets(topic, 3), 30, "the sink's commit")

    # DELETE deletes the consumer group: no committed offsets remain, and the next run starts
    # from the beginning (auto.offset.reset=earliest).
    stop(s, "snk")
    r = s.delete("/connectors/snk/offsets")
    assert r.status_code == 200, r.text
    assert r.json() == {"message": PLUGIN_RESET}
    assert offsets(s, "snk") == {"offsets": []}
    # Deleting a group that is gone is fine.
    r = s.delete("/connectors/snk/offsets")
    assert r.status_code == 200 and r.json() == {"message": PLUGIN_RESET}
    assert s.put("/connectors/snk/resume").status_code == 202
    wait_for(lambda: read_lines(out) == lines + ["two", "three"] + lines, 60, "the full replay")
