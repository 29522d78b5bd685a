"""Python plugins through a real sluiced and the embedded broker: the datagen connector as built
into build/plugins/datagen (its own virtualenv) writing Connect data through JsonConverter, and
tests/plugins/pysmall (a sequence source and a line file sink) end to end; then the Python
process of a source's and of a sink's plugin host is SIGKILLed mid-stream, and after the restart
every sequence number is in the output (duplicates allowed, none missing)."""

import json
import os
import signal

import pytest

from conftest import (BUILD, REPO, child_pids, host_pid, install_python_plugin, read_lines,
                      sink_config, wait_for, worker_props)

STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"
DATAGEN = "io.confluent.kafka.connect.datagen.DatagenConnector"


@pytest.fixture(scope="module")
def pysmall(tmp_path_factory):
    """A copy of pysmall run by a virtualenv's python with sluice_sdk
    (conftest.install_python_plugin), shared by the module's tests."""
    return install_python_plugin(tmp_path_factory.mktemp("pysmall"),
                                 REPO / "tests" / "plugins" / "pysmall")


@pytest.fixture
def worker(sluiced_factory, workdir, pysmall):
    """A sluiced whose plugin.path has build/plugins (file, datagen) and pysmall."""
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{pysmall.parent}"})
    return sluiced_factory(props).start()



def plugin_pid(sluiced, connector):
    """The pid of the Python process running `connector`'s plugin: a descendant of the plugin
    host (sluiced's child started with --label <connector>) whose command line runs main.py."""
    host = host_pid(sluiced, connector)
    todo = [host] if host is not None else []
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"main.py" in f.read().split(b"\0"):
                    return pid
        except OSError:
            pass
        todo.extend(child_pids(pid))
    return None


def consume(bootstrap, topic, count, timeout=60):
    """The first `count` messages of partition 0 of `topic`: (key, value, headers) as bytes."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"test-{topic}",
                  "enable.auto.commit": False})
    out = []
    try:
        c.assign([TopicPartition(topic, 0, 0)])

        def more():
            m = c.poll(0.2)
            if m is not None and m.error() is None:
                out.append((m.key(), m.value(), dict(m.headers() or [])))
            return len(out) >= count
        wait_for(more, timeout, f"{count} messages in {topic} (got {len(out)})", interval=0)
    finally:
        c.close()
    return out


def datagen(name, topic, seed, **extra):
    config = {"connector.class": DATAGEN, "kafka.topic": topic, "quickstart": "orders",
              "iterations": "40", "max.interval": "0", "random.seed": str(seed),
              "key.converter": "org.apache.kafka.connect.json.JsonConverter",
              "value.converter": "org.apache.kafka.connect.json.JsonConverter",
              "value.converter.schemas.enable": "true", "key.converter.schemas.enable": "true"}
    config.update(extra)
    return {"name": name, "config": config}


def test_datagen_writes_seeded_orders_with_their_schema(worker):
    for name, topic, seed in (("gen-a", "orders-a", 42), ("gen-b", "orders-b", 42),
                              ("gen-c", "orders-c", 43)):
        r = worker.post("/connectors", json=datagen(name, topic, seed))
        assert r.status_code == 201, r.text
    a, b, c = (consume(worker.kafka, t, 40) for t in ("orders-a", "orders-b", "orders-c"))

    first = json.loads(a[0][1])
    assert first["schema"] == {
        "type": "struct", "name": "ksql.orders", "optional": False, "fields": [
            {"field": "ordertime", "type": "int64", "optional": False},
            {"field": "orderid", "type": "int32", "optional": False},
            {"field": "itemid", "type": "string", "optional": False},
            {"field": "orderunits", "type": "double", "optional": False},
            {"field": "address", "type": "struct", "name": "ksql.address", "optional": False,
             "fields": [{"field": "city", "type": "string", "optional": False},
                        {"field": "state", "type": "string", "optional": False},
                        {"field": "zipcode", "type": "int64", "optional": False}]}]}
    payloads = [json.loads(v)["payload"] for _, v, _ in a]
    assert [p["orderid"] for p in payloads] == list(range(40))
    assert all(set(p) == {"ordertime", "orderid", "itemid", "orderunits", "address"} and
               set(p["address"]) == {"city", "state", "zipcode"} for p in payloads)
    # The key is the orderid field, with its schema.
    assert [json.loads(k) for k, _, _ in a[:2]] == [
        {"schema": {"type": "int32", "optional": False}, "payload": 0},
        {"schema": {"type": "int32", "optional": False}, "payload": 1}]
    assert a[5][2]["current.iteration"] == b"5"
    # The same seed gives the same records; another seed others.
    assert [v for _, v, _ in a] == [v for _, v, _ in b]
    assert [v for _, v, _ in a] != [v for _, v, _ in c]
    status = worker.get("/connectors/gen-a/status").json()
    assert status["tasks"][0]["state"] == "RUNNING", status


def sequence(name, topic, count, **extra):
    config = {"connector.class": "SequenceSource", "topic": topic, "count": str(count),
              "value.converter": STRING_CONVERTER}
    config.update(extra)
    return {"name": name, "config": config}


def line_sink(name, file, topic):
    return {"name": name, "config": {"connector.class": "LineFileSink", "topics": topic,
                                     "file": str(file), "value.converter": STRING_CONVERTER}}


def test_small_plugin_source_to_kafka_to_small_sink(worker, workdir):
    out = workdir / "lines.txt"
    assert worker.post("/connectors", json=sequence("seq", "numbers", 300)).status_code == 201
    assert worker.post("/connectors", json=line_sink("lines", out, "numbers")).status_code == 201
    worker.wait_running("seq")
    worker.wait_running("lines")
    wait_for(lambda: read_lines(out) == [str(n) for n in range(300)], 60, "300 numbers in order")
    tasks = worker.get("/connectors/lines/tasks").json()
    assert tasks[0]["config"]["task.class"] == "pysmall.LineFileTask"


def sink_committed(worker, connector):
    """The sink's committed offset of its partition 0 (0 before the first commit)."""
    for entry in worker.get(f"/connectors/{connector}/offsets").json().get("offsets", []):
        if entry["partition"]["kafka_partition"] == 0:
            return entry["offset"]["kafka_offset"]
    return 0


def kill_mid_stream_and_restart(worker, connector, out, total, ready=lambda: True):
    """Waits until some of the `total` numbers are in `out` and `ready()`, SIGKILLs
    `connector`'s Python process, checks that it is reported and that numbers were still to
    come, restarts it, and waits until every number is in `out`. Returns the lines at the kill
    and the duplicates."""
    worker.wait_running(connector)
    wait_for(lambda: len(read_lines(out)) >= total // 5 and ready(), 60,
             "numbers flowing before the kill", interval=0.02)
    pid = plugin_pid(worker, connector)
    assert pid is not None, f"no Python process for {connector}"
    os.kill(pid, signal.SIGKILL)
    at_kill = len(read_lines(out))
    status = worker.wait_status(connector, lambda st: any(t["state"] == "FAILED"
                                                          for t in st["tasks"]),
                                30, "FAILED after the kill")
    assert "signal 9" in status["tasks"][0]["trace"], status
    assert at_kill < total, "the kill came after every number was written"

    r = worker.post(f"/connectors/{connector}/restart?includeTasks=true")
    assert r.status_code == 202, r.text
    worker.wait_running(connector)
    assert plugin_pid(worker, connector) not in (None, pid)
    wanted = {str(n) for n in range(total)}
    wait_for(lambda: wanted <= set(read_lines(out)), 120, f"all {total} numbers after the restart",
             interval=0.2)
    lines = read_lines(out)
    assert set(lines) == wanted, "only the sequence's numbers, whole lines"
    return at_kill, len(lines) - len(wanted)


def test_killed_python_source_host_loses_no_record(worker, workdir):
    out = workdir / "out.txt"
    total = 4000
    r = worker.post("/connectors", json=sequence("seq", "killed-source", total, batch="5",
                                                 **{"interval.ms": "10"}))
    assert r.status_code == 201, r.text
    r = worker.post("/connectors", json=sink_config("snk", out, "killed-source",
                                                    **{"value.converter": STRING_CONVERTER}))
    assert r.status_code == 201, r.text
    at_kill, dups = kill_mid_stream_and_restart(worker, "seq", out, total)
    print(f"\nsource killed at {at_kill} lines; {dups} duplicates")


def test_killed_python_sink_host_loses_no_record(worker, workdir):
    out = workdir / "lines.txt"
    total = 4000
    r = worker.post("/connectors", json=sequence("seq", "killed-sink", total, batch="5",
                                                 **{"interval.ms": "10"}))
    assert r.status_code == 201, r.text
    assert worker.post("/connectors", json=line_sink("lines", out, "killed-sink")).status_code == 201
    # The kill comes after the sink committed an offset, so the restarted task resumes from it.
    committed = []
    at_kill, dups = kill_mid_stream_and_restart(
        worker, "lines", out, total,
        ready=lambda: committed.append(sink_committed(worker, "lines")) or committed[-1] > 0)
    print(f"\nsink killed at {at_kill} lines, {committed[-1]} committed; {dups} duplicates")
    # Kafka redelivers from the committed offset: at most what was written past it.
    assert dups <= at_kill - committed[-1]
