"""Delivery stays at least once with error handling in place, tested by killing things. A sink
with errors.tolerance=all and a dead letter queue reads good records interleaved with records
its converter cannot read (malformed JSON, stage VALUE_CONVERTER) and records the plugin reports
as errant (SinkTaskContext::ReportErrant, stage TASK_PUT). Its plugin host, or sluiced itself, is
SIGKILLed while records flow; after the restart every good record is in the sink's file and
every bad one in the DLQ with its original bytes and Kafka Connect's __connect.errors.* headers,
at least once (duplicates are counted, never lost records)."""

import os
import signal
import threading
import time

import pytest

from conftest import BUILD, host_pid, read_lines, wait_for, worker_props

TOPIC = "orders"
DLQ = "orders-dlq"
CONNECTOR = "errant-sink"
TOTAL = 4000
BURST = 50  # records per burst
# The producer keeps at most LEAD_BURSTS bursts ahead of what the sink has written, so records
# are still flowing when the kill comes, whatever the machine's speed; after the kill it is let
# go (InputProducer.unthrottle) and produces the rest.
LEAD_BURSTS = 4
# It holds after the first HOLD_AT records until the sink has committed an offset
# (offset.flush.interval.ms is 500), so the restarted task resumes from a commit.
HOLD_AT = 1000
# The kill comes about half-way through the input (3200 of the records are good).
KILL_AFTER_LINES = 1500


def kind(i):
    """Every 10th record is malformed JSON, every 10th (shifted) one is reported errant."""
    return "malformed" if i % 10 == 3 else "errant" if i % 10 == 7 else "good"


def value_of(i):
    k = kind(i)
    if k == "malformed":
        return f"{{malformed-{i:05d}".encode()
    return f'"{k}-{i:05d}"'.encode()  # a JSON string


def line_of(i):
    return f"good-{i:05d}"


def good_before(n):
    """How many of the first `n` records are good."""
    return sum(1 for i in range(n) if kind(i) == "good")


class InputProducer:
    """Produces the TOTAL records to TOPIC in bursts on a thread, remembering each one's offset.
    Until unthrottle(), a burst waits until the sink has written (to `out`) the good records of
    all but the last LEAD_BURSTS bursts before it, and the records from HOLD_AT on wait for
    release()."""

    def __init__(self, bootstrap, out):
        from confluent_kafka import Producer
        self.producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "all"})
        self.out = out
        self.offsets = {}
        self.errors = []
        self.unthrottled = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def release(self):
        self.released.set()

    def unthrottle(self):
        self.released.set()
        self.unthrottled.set()

    def throttle(self, first):
        if first >= HOLD_AT:
            wait_for(self.released.is_set, 120, f"the test to release record {first}",
                     interval=0.01)
        wanted = good_before(max(0, first - LEAD_BURSTS * BURST))
        wait_for(lambda: self.unthrottled.is_set() or len(read_lines(self.out)) >= wanted, 120,
                 f"the sink to write {wanted} records before record {first} is produced",
                 interval=0.01)

    def delivered(self, err, msg):
        if err is not None:
            self.errors.append(err)
        else:
            assert msg.partition() == 0
            self.offsets[int(msg.key().decode().split("-")[1])] = msg.offset()

    def run(self):
        try:
            for first in range(0, TOTAL, BURST):
                self.throttle(first)
                for i in range(first, min(TOTAL, first + BURST)):
                    self.producer.produce(TOPIC, value=value_of(i), key=f"k-{i:05d}".encode(),
                                          headers=[("origin", f"test-{i}".encode())],
                                          on_delivery=self.delivered)
                self.producer.flush(30)
        except AssertionError as e:
            self.errors.append(e)
        self.producer = None  # closes it: no reconnection noise once the broker is gone

    def join(self):
        self.thread.join(60)
        assert not self.thread.is_alive(), "the input producer did not finish"
        assert not self.errors, self.errors
        assert len(self.offsets) == TOTAL


def sink(workdir):
    return {"name": CONNECTOR, "config": {
        "connector.class": "UnrulySink", "topics": TOPIC, "file": str(workdir / "out.txt"),
        "errant.marker": "errant",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": DLQ,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true"}}



def read_dlq(bootstrap, wanted, timeout):
    """Reads DLQ from the beginning until every index in `wanted` has a copy, then to its end;
    returns all copies as (index, message)."""
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-errant-dlq",
                  "enable.auto.commit": False})
    copies = []
    try:
        c.assign([TopicPartition(DLQ, 0, 0)])
        deadline = time.monotonic() + timeout
        end = None
        while time.monotonic() < deadline:
            if end is None and wanted <= {i for i, _ in copies}:
                end = c.get_watermark_offsets(TopicPartition(DLQ, 0), timeout=10)[1]
            if end is not None and (not copies or copies[-1][1].offset() >= end - 1):
                break
            m = c.poll(0.5)
            if m is None or m.error() is not None:
                continue
            copies.append((int(m.key().decode().split("-")[1]), m))
    finally:
        c.close()
    missing = wanted - {i for i, _ in copies}
    assert not missing, f"{len(missing)} bad records are not in the DLQ, e.g. {sorted(missing)[:5]}"
    return copies


def check_delivery(s, workdir, producer, bootstrap):
    """Every good record in the file, every bad one in the DLQ with its context; returns the
    duplicate counts."""
    good = {i for i in range(TOTAL) if kind(i) == "good"}
    bad = {i for i in range(TOTAL) if kind(i) != "good"}
    out = workdir / "out.txt"
    wanted_lines = {line_of(i) for i in good}
    wait_for(lambda: wanted_lines <= set(read_lines(out)), 120, "every good record in the file",
             interval=0.2)
    lines = read_lines(out)
    assert set(lines) == wanted_lines, "only good records reach the file"

    copies = read_dlq(bootstrap, bad, 120)
    for i, m in copies:
        assert i in bad, f"a good record {i} in the DLQ"
        assert m.value() == value_of(i), "the DLQ keeps the original bytes"
        headers = {}
        for k, v in m.headers():
            headers.setdefault(k, v)
        assert headers["origin"] == f"test-{i}".encode(), "the DLQ keeps the original headers"
        malformed = kind(i) == "malformed"
        expected = {
            "__connect.errors.topic": TOPIC.encode(),
            "__connect.errors.partition": b"0",
            "__connect.errors.offset": str(producer.offsets[i]).encode(),
            "__connect.errors.connector.name": CONNECTOR.encode(),
            "__connect.errors.task.id": b"0",
            "__connect.errors.stage": b"VALUE_CONVERTER" if malformed else b"TASK_PUT",
            "__connect.errors.class.name": (b"org.apache.kafka.connect.json.JsonConverter"
                                            if malformed
                                            else b"org.apache.kafka.connect.sink.SinkTask"),
            "__connect.errors.exception.class.name": (
                b"org.apache.kafka.connect.errors.DataException" if malformed
                else b"org.apache.kafka.connect.errors.ConnectException"),
        }
        for name, value in expected.items():
            assert headers.get(name) == value, (i, name, headers.get(name))
        message = headers["__connect.errors.exception.message"].decode()
        if malformed:
            assert message == ("Converting byte[] to Kafka Connect data failed due to "
                               "serialization error: "), message
        else:
            assert message == f"unruly: refusing the errant record errant-{i:05d}", message
        assert headers["__connect.errors.exception.stacktrace"]
    return len(lines) - len(set(lines)), len(copies) - len(bad)


def wait_until_assigned(s):
    """Waits until the sink task was assigned its partition (Kafka Connect's active topics), so
    that records are consumed while they are produced."""
    wait_for(lambda: TOPIC in s.get(f"/connectors/{CONNECTOR}/topics").json()[CONNECTOR]["topics"],
             60, "the sink to be assigned its partition", interval=0.1)


def committed_offset(s):
    """The sink's committed offset of its partition (0 before the first commit)."""
    offsets = s.get(f"/connectors/{CONNECTOR}/offsets").json().get("offsets", [])
    for entry in offsets:
        if entry["partition"] == {"kafka_topic": TOPIC, "kafka_partition": 0}:
            return entry["offset"]["kafka_offset"]
    return 0


def committed_everything(s):
    offsets = s.get(f"/connectors/{CONNECTOR}/offsets").json().get("offsets", [])
    return offsets == [{"partition": {"kafka_topic": TOPIC, "kafka_partition": 0},
                        "offset": {"kafka_offset": TOTAL}}]


def flow_until_the_kill(s, producer, out):
    """Starts the input; returns once an offset is committed and KILL_AFTER_LINES lines are in
    the file, with records still flowing."""
    producer.start()
    committed = wait_for(lambda: committed_offset(s), 60, "the sink's first offset commit",
                         interval=0.1)
    producer.release()
    wait_for(lambda: len(read_lines(out)) >= KILL_AFTER_LINES, 60,
             "some records in the file before the kill", interval=0.01)
    return committed


def test_killed_sink_host_loses_no_good_and_no_dlq_record(sluiced_factory, workdir):
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}"})
    s = sluiced_factory(props=props).start()
    assert s.post("/connectors", json=sink(workdir)).status_code == 201
    s.wait_running(CONNECTOR)
    first_host = host_pid(s, CONNECTOR)
    assert first_host is not None
    wait_until_assigned(s)

    out = workdir / "out.txt"
    producer = InputProducer(s.kafka, out)
    committed = flow_until_the_kill(s, producer, out)
    os.kill(first_host, signal.SIGKILL)
    producer.unthrottle()
    status = s.wait_status(CONNECTOR, lambda st: st["connector"]["state"] == "FAILED"
                           and st["tasks"][0]["state"] == "FAILED", 30, "FAILED after the kill")
    assert "killed by signal 9" in status["tasks"][0]["trace"], status
    written_at_kill = len(read_lines(out))
    assert written_at_kill < TOTAL * 8 // 10, "the kill came after every record was written"

    r = s.post(f"/connectors/{CONNECTOR}/restart?includeTasks=true")
    assert r.status_code == 202, r.text
    s.wait_running(CONNECTOR)
    assert host_pid(s, CONNECTOR) not in (None, first_host)
    producer.join()

    line_dups, dlq_dups = check_delivery(s, workdir, producer, s.kafka)
    wait_for(lambda: committed_everything(s), 30, "every offset committed")
    print(f"\nhost killed after {written_at_kill} lines (offset {committed} committed): "
          f"{line_dups} duplicate lines, "
          f"{dlq_dups} duplicate DLQ records")
    assert s.stop() == 0


def test_killed_sluiced_keeps_dlq_copies_on_a_real_broker(sluiced_factory, workdir, kafka_broker):
    # The restarted sink rejoins its consumer group; a short session lets the broker drop the
    # killed member quickly (the broker's minimum is 6 s).
    props = worker_props(workdir, **{
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
        "bootstrap.servers": kafka_broker,
        "consumer.session.timeout.ms": "6000",
        "consumer.heartbeat.interval.ms": "1000"})
    from confluent_kafka.admin import AdminClient, NewTopic
    # The topic exists before the sink subscribes (librdkafka's consumer does not create it).
    admin = AdminClient({"bootstrap.servers": kafka_broker})
    admin.create_topics([NewTopic(TOPIC, num_partitions=1, replication_factor=1)])[TOPIC].result(30)
    s = sluiced_factory(props=props).start()
    assert s.post("/connectors", json=sink(workdir)).status_code == 201
    s.wait_running(CONNECTOR)
    wait_until_assigned(s)
    out = workdir / "out.txt"
    producer = InputProducer(kafka_broker, out)
    committed = flow_until_the_kill(s, producer, out)
    s.kill()
    producer.unthrottle()
    written_at_kill = len(read_lines(out))
    assert written_at_kill < TOTAL * 8 // 10, "the kill came after every record was written"
    producer.join()

    again = sluiced_factory(props=props).start()
    line_dups, dlq_dups = check_delivery(again, workdir, producer, kafka_broker)
    wait_for(lambda: committed_everything(again), 60, "every offset committed")
    print(f"\nsluiced killed after {written_at_kill} lines (offset {committed} committed): "
          f"{line_dups} duplicate lines, "
          f"{dlq_dups} duplicate DLQ records")
    assert again.stop() == 0
