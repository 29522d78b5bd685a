"""Bad records from a plugin never wedge anything. A source record nested deeper than the plugin
protocol carries, or too large for the producer, fails only its own task, with a trace that says
what happened, while a healthy pipeline in the same worker goes on; DELETE of the connector and
SIGTERM of sluiced keep their deadlines. A million records in one poll are all delivered, in
batches within the worker's credits, with bounded memory.

The plugin is tests/plugins/unruly (UnrulySource: mode deep | huge | flood)."""

import os
import time

import pytest

from conftest import BUILD, host_pid, read_lines, sink_config, source_config, wait_for, worker_props

GRACEFUL_S = 5  # task.shutdown.graceful.timeout.ms below
# What one connector's stop may take by the worker's own rules (StandaloneHerder::StopRuntime):
# its tasks get task.shutdown.graceful.timeout.ms, then the connector instance 5 s to stop and
# its host 2 s to exit.
CONNECTOR_STOP_S = GRACEFUL_S + 5 + 2
# Margin for a loaded 2-core machine (process start-up, REST round trips).
MARGIN_S = 5


@pytest.fixture
def s(sluiced_factory, workdir):
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "task.shutdown.graceful.timeout.ms": str(GRACEFUL_S * 1000)})
    return sluiced_factory(props=props).start()


def start_healthy_pipeline(s, workdir):
    src, out = workdir / "in.txt", workdir / "out.txt"
    src.write_text("first\n")
    assert s.post("/connectors", json=source_config("src", src, "healthy")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, "healthy")).status_code == 201
    wait_for(lambda: read_lines(out) == ["first"], 60, "the healthy pipeline to flow")
    return src, out


def check_healthy_pipeline_goes_on(src, out, line):
    before = read_lines(out)
    with open(src, "a") as f:
        f.write(line + "\n")
    wait_for(lambda: read_lines(out) == before + [line], 60, f"the healthy pipeline to carry {line}")


def unruly(name, mode, **extra):
    config = {"connector.class": "UnrulySource", "topic": f"{name}-topic", "mode": mode,
              "tasks.max": "1",
              # Small records on the embedded broker (it keeps about 5 MiB per partition).
              "key.converter": "org.apache.kafka.connect.storage.StringConverter",
              "value.converter": "org.apache.kafka.connect.storage.StringConverter"}
    config.update({k: str(v) for k, v in extra.items()})
    return {"name": name, "config": config}


def failed_task(status):
    return status["tasks"] and status["tasks"][0]["state"] == "FAILED"


def proc_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]



def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


def wait_for_topic(s, connector, topic):
    """Waits until `connector` has produced to `topic`, so the worker created it (with one
    partition). A client that touches a missing topic first makes the embedded broker create it
    with four."""
    wait_for(lambda: topic in s.get(f"/connectors/{connector}/topics").json()[connector]["topics"],
             60, f"{connector} to use {topic}", interval=0.2)


def end_offset(bootstrap, topic):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-bad-records",
                  "enable.auto.commit": False})
    try:
        return c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
    finally:
        c.close()


def read_at(bootstrap, topic, offset):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-bad-records",
                  "enable.auto.commit": False})
    try:
        c.assign([TopicPartition(topic, 0, offset)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and m.error() is None:
                return m.value()
        raise AssertionError(f"nothing read at {topic}@{offset}")
    finally:
        c.close()


def timed(action):
    start = time.monotonic()
    result = action()
    return result, time.monotonic() - start


def delete_within_deadline(s, name):
    r, took = timed(lambda: s.delete(f"/connectors/{name}"))
    assert r.status_code == 204, r.text
    # DELETE stops the connector: its tasks within task.shutdown.graceful.timeout.ms.
    assert took < GRACEFUL_S + MARGIN_S, f"DELETE took {took:.1f}s"
    assert s.get(f"/connectors/{name}/status").status_code == 404
    return took


def sigterm_within_deadline(s, connectors):
    rc, took = timed(s.stop)
    assert rc == 0, s.log()[-3000:]
    # Connectors stop one after the other, each within CONNECTOR_STOP_S at worst; none should
    # need its deadline, so the bound is one connector's.
    assert took < CONNECTOR_STOP_S + MARGIN_S, f"SIGTERM took {took:.1f}s with {connectors} connectors"
    return took


def deep_depth(levels, shape):
    """How deep the worker finds the messages of a source batch holding one record nested
    `levels` deep: SourcePluginMessage > SourceBatch > SourceRecord > Data > Value, then three
    messages per map level (Value, MapValue, MapEntry) or two per struct level."""
    return 4 + (3 if shape == "map" else 2) * levels


# Structs 2000 deep (not 10000): the plugin's own Struct::Put validates the whole nested value at
# every level, which takes seconds at 10000.
@pytest.mark.parametrize("levels,shape", [(10000, "map"), (2000, "struct"), (50, "map")])
def test_deeply_nested_record_fails_only_its_task(s, workdir, levels, shape):
    src, out = start_healthy_pipeline(s, workdir)

    start = time.monotonic()
    r = s.post("/connectors", json=unruly("deep", "deep", depth=levels, shape=shape))
    assert r.status_code == 201, r.text
    status = s.wait_status("deep", failed_task, timeout=30, what="FAILED task")
    detected = time.monotonic() - start
    trace = status["tasks"][0]["trace"]
    assert trace.startswith("The plugin sent a SourcePluginMessage of "), trace
    assert (f"bytes that the worker cannot read: its messages nest {deep_depth(levels, shape)} "
            "levels deep and protobuf reads at most 100, so the plugin protocol carries Connect "
            "data nested at most about 48 levels deep as structs or arrays, 32 as maps") in trace
    # Only the task failed: the host and the connector instance are alive, and the host stopped
    # the task when the worker cancelled its stream.
    assert status["connector"]["state"] == "RUNNING", status
    assert host_pid(s, "deep") is not None
    wait_for(lambda: "unruly: source task stopped" in s.log(), 10, "the host to stop the task")

    check_healthy_pipeline_goes_on(src, out, "second")
    deleted = delete_within_deadline(s, "deep")
    check_healthy_pipeline_goes_on(src, out, "third")
    stopped = sigterm_within_deadline(s, 2)
    print(f"\ndeep {levels} {shape}: FAILED after {detected:.2f}s, DELETE {deleted:.2f}s, "
          f"SIGTERM {stopped:.2f}s")


def test_sigterm_with_a_failed_deep_task_in_place(s, workdir):
    start_healthy_pipeline(s, workdir)
    assert s.post("/connectors", json=unruly("deep", "deep")).status_code == 201
    s.wait_status("deep", failed_task, timeout=30, what="FAILED task")
    stopped = sigterm_within_deadline(s, 3)
    print(f"\nSIGTERM with a failed deep task: {stopped:.2f}s")


# (value bytes, the size Kafka's producer estimates for the record: values from Kafka 3.9.1's
# AbstractRecords.estimateSizeInBytesUpperBound, a null key and no headers).
@pytest.mark.parametrize("size,estimated", [(64 << 20, 67108952), (1048490, 1048577)])
def test_record_too_large_for_the_producer_fails_only_its_task(s, workdir, size, estimated):
    src, out = start_healthy_pipeline(s, workdir)

    start = time.monotonic()
    assert s.post("/connectors", json=unruly("huge", "huge", size=size)).status_code == 201
    status = s.wait_status("huge", failed_task, timeout=60, what="FAILED task")
    detected = time.monotonic() - start
    # 64 MiB crosses the plugin protocol (256 MiB at most); the producer refuses a record whose
    # estimated size is over max.request.size (1048576 by default), and as in Kafka Connect with
    # errors.tolerance=none the task fails with the producer's exception.
    assert status["tasks"][0]["trace"] == (
        "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from producer "
        "send callback\n"
        "Caused by: org.apache.kafka.common.errors.RecordTooLargeException: The message is "
        f"{estimated} bytes when serialized which is larger than 1048576, which is the value of "
        "the max.request.size configuration."), status
    assert status["connector"]["state"] == "RUNNING", status

    check_healthy_pipeline_goes_on(src, out, "second")
    deleted = delete_within_deadline(s, "huge")
    stopped = sigterm_within_deadline(s, 2)
    print(f"\nhuge {size}: FAILED after {detected:.2f}s, DELETE {deleted:.2f}s, "
          f"SIGTERM {stopped:.2f}s")


def test_record_at_max_request_size_is_delivered(s, workdir):
    # 1048489 bytes of value: Kafka's producer estimates the record at exactly 1048576 bytes,
    # max.request.size, and sends it.
    assert s.post("/connectors", json=unruly("huge", "huge", size=1048489)).status_code == 201
    wait_for_topic(s, "huge", "huge-topic")
    wait_for(lambda: end_offset(s.kafka, "huge-topic") == 1, 60, "the record in the topic",
             interval=0.2)
    assert read_at(s.kafka, "huge-topic", 0) == b"x" * 1048489
    assert s.get("/connectors/huge/status").json()["tasks"][0]["state"] == "RUNNING"


def test_record_too_large_is_skipped_with_tolerance_all(s, workdir):
    src, out = start_healthy_pipeline(s, workdir)
    # Kafka Connect's producerSendFailed with errors.tolerance=all: the failure is logged and the
    # record skipped; its offset is committed and the task goes on.
    assert s.post("/connectors", json=unruly("huge", "huge", **{
        "errors.tolerance": "all", "errors.log.enable": "true"})).status_code == 201
    wait_for(lambda: s.get("/connectors/huge/offsets").json().get("offsets") == [
        {"partition": {"unruly": "huge"}, "offset": {"n": 1}}], 60,
        "the skipped record's offset to be committed")
    assert s.get("/connectors/huge/status").json()["tasks"][0]["state"] == "RUNNING"
    assert ("Error encountered in task huge-0. Executing stage 'KAFKA_PRODUCE' with class "
            "'org.apache.kafka.connect.runtime.WorkerSourceTask'.") in s.log()
    # The worker created the topic before it tried to produce; nothing reached it.
    assert end_offset(s.kafka, "huge-topic") == 0
    check_healthy_pipeline_goes_on(src, out, "second")


def test_a_million_records_in_one_poll_are_all_delivered(s, workdir):
    src, out = start_healthy_pipeline(s, workdir)
    count = 1_000_000

    start = time.monotonic()
    assert s.post("/connectors", json=unruly("flood", "flood", count=count)).status_code == 201
    host = wait_for(lambda: host_pid(s, "flood"), 30, "the flood connector's plugin host")
    check_healthy_pipeline_goes_on(src, out, "during the flood")
    wait_for_topic(s, "flood", "flood-topic")
    wait_for(lambda: end_offset(s.kafka, "flood-topic") >= count, 240,
             "a million records in the topic", interval=0.5)
    delivered = time.monotonic() - start
    assert end_offset(s.kafka, "flood-topic") == count  # each record once
    assert read_at(s.kafka, "flood-topic", count - 1) == f"flood-{count}".encode()
    wait_for(lambda: s.get("/connectors/flood/offsets").json().get("offsets") == [
        {"partition": {"unruly": "flood"}, "offset": {"n": count}}], 60,
        "the last record's offset to be committed")
    assert s.get("/connectors/flood/status").json()["tasks"][0]["state"] == "RUNNING"

    # Memory: the host holds what the plugin returned (a million SourceRecords) until the
    # worker commits; the worker holds at most its credits' worth in flight.
    worker_mib, host_mib = peak_rss_mib(s.proc.pid), peak_rss_mib(host)
    print(f"\nflood: {count} records in {delivered:.1f}s; peak RSS worker {worker_mib:.0f} MiB, "
          f"host {host_mib:.0f} MiB")
    assert worker_mib < 600, f"the worker peaked at {worker_mib:.0f} MiB"
    assert host_mib < 2048, f"the host peaked at {host_mib:.0f} MiB"

    check_healthy_pipeline_goes_on(src, out, "after the flood")
    delete_within_deadline(s, "flood")
    sigterm_within_deadline(s, 2)


def test_sigterm_in_the_middle_of_a_flood(s, workdir):
    start_healthy_pipeline(s, workdir)
    assert s.post("/connectors", json=unruly("flood", "flood", count=300_000)).status_code == 201
    wait_for_topic(s, "flood", "flood-topic")
    wait_for(lambda: end_offset(s.kafka, "flood-topic") >= 50_000, 120,
             "the flood to be under way", interval=0.2)
    stopped = sigterm_within_deadline(s, 3)
    print(f"\nSIGTERM in the middle of a flood: {stopped:.2f}s")


def produce(bootstrap, topic, values):
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap})
    for v in values:
        p.produce(topic, value=v)
    assert p.flush(30) == 0


def read_all(bootstrap, topic, count):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-bad-records",
                  "enable.auto.commit": False})
    out = []
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        deadline = time.monotonic() + 30
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and m.error() is None:
                out.append(m)
    finally:
        c.close()
    return out


# 60 nested JSON arrays: Connect data the plugin protocol cannot carry (48 levels at most).
TOO_DEEP_JSON = ("[" * 60 + '"x"' + "]" * 60).encode()
TOO_DEEP_TEXT = ("The record cannot be handed to the sink task: in the plugin protocol its "
                 "messages nest 124 levels deep and protobuf reads at most 100, so the plugin "
                 "protocol carries Connect data nested at most about 48 levels deep as structs "
                 "or arrays, 32 as maps")


def json_sink(name, out, topic, **extra):
    return sink_config(name, out, topic, **{
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false", **extra})


def test_record_too_deep_for_a_sink_plugin_goes_to_the_dlq_with_tolerance_all(s, workdir):
    out = workdir / "deep-out.txt"
    assert s.post("/connectors", json=json_sink("deep-snk", out, "deep-in", **{
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": "deep-dlq",
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true"})).status_code == 201
    wait_for_topic(s, "deep-snk", "deep-in")
    produce(s.kafka, "deep-in", [b'"before"', TOO_DEEP_JSON, b'"after"'])
    # The records around it are delivered; the deep one is skipped into the DLQ, as a record the
    # task could not take (stage TASK_PUT), instead of failing the task after every restart.
    wait_for(lambda: read_lines(out) == ["before", "after"], 60, "the records around it")
    (dlq,) = read_all(s.kafka, "deep-dlq", 1)
    assert dlq.value() == TOO_DEEP_JSON
    headers = dict(dlq.headers())
    assert headers["__connect.errors.stage"] == b"TASK_PUT"
    assert headers["__connect.errors.offset"] == b"1"
    assert headers["__connect.errors.exception.message"] == TOO_DEEP_TEXT.encode()
    assert s.get("/connectors/deep-snk/status").json()["tasks"][0]["state"] == "RUNNING"


def test_record_too_deep_for_a_sink_plugin_fails_the_task_clearly(s, workdir):
    out = workdir / "deep-out.txt"
    assert s.post("/connectors", json=json_sink("deep-snk", out, "deep-in")).status_code == 201
    wait_for_topic(s, "deep-snk", "deep-in")
    produce(s.kafka, "deep-in", [b'"before"', TOO_DEEP_JSON, b'"after"'])
    status = s.wait_status("deep-snk", failed_task, timeout=30, what="FAILED task")
    assert status["tasks"][0]["trace"] == (
        "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
        "\tstage TASK_PUT, the sink task (org.apache.kafka.connect.sink.SinkTask), record: topic "
        "deep-in, partition 0, offset 1\n"
        "Caused by: org.apache.kafka.connect.errors.ConnectException: " + TOO_DEEP_TEXT), status
    delete_within_deadline(s, "deep-snk")
    sigterm_within_deadline(s, 0)
