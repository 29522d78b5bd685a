"""The test kit (sluice_sdk.testing) keeps the worker's side of the contract: configs validated
before start, max_tasks, credits, offsets stored only on commit and served back, sink delivery
rules, pre_commit bounds, failures and errant records captured."""

import threading
import time

import pytest

import sluice_sdk as sdk
from sluice_sdk import ConfigDef, ConfigException, ConfigType, Importance, validators
from sluice_sdk.testing import (ConnectorDriver, ConnectorFailedError, MemoryOffsetStore,
                                SinkTaskDriver, SourceTaskDriver, TaskFailedError,
                                as_sink_records)

COUNT = sdk.SchemaBuilder.struct().name("test.Count").field("n", sdk.INT64_SCHEMA).build()


class CounterTask(sdk.SourceTask):
    """Five records per poll, {"n": n} offsets in the partition {"counter": <name>}."""

    def start(self, config):
        self.topic = config["topic"]
        self.partition = {"counter": config["counter.name"]}
        self.fail_at = int(config.get("fail.at", "-1"))
        last = self.context.offset_storage_reader.offset(self.partition)
        self.next = last["n"] + 1 if last else 0
        self.committed = []
        self.commits = 0
        self.stopped = threading.Event()

    def poll(self):
        if self.next == self.fail_at:
            raise RuntimeError(f"cannot count past {self.fail_at}")
        out = []
        for _ in range(5):
            n, self.next = self.next, self.next + 1
            out.append(sdk.SourceRecord(self.partition, {"n": n}, topic=self.topic,
                                        value=sdk.Struct(COUNT).put("n", n), value_schema=COUNT))
        return out

    def commit_record(self, record):
        self.committed.append(record.source_offset["n"])

    def commit(self):
        self.commits += 1

    def stop(self):
        self.stopped.set()


class CounterSource(sdk.SourceConnector):
    connector_class = "test.CounterSource"
    task_class = CounterTask
    config_def = (ConfigDef()
                  .define("topic", ConfigType.STRING, importance=Importance.HIGH,
                          validator=validators.non_empty_string())
                  .define("tasks.wanted", ConfigType.INT, default=1, validator=validators.at_least(1)))

    def start(self, config):
        self.config = dict(config)
        self.wanted = self.config_def.parse(config)["tasks.wanted"]

    def task_configs(self, max_tasks):
        return [dict(self.config, **{"counter.name": f"c{i}"}) for i in range(self.wanted)]


class Collecting(sdk.SinkTask):
    """Keeps what was put; flushes (makes durable) on flush; refuses values "bad" as errant,
    raises on "boom"; pre_commit answers only what was flushed."""

    def start(self, config):
        self.pending, self.durable, self.opened, self.closed = [], [], [], []

    def open(self, partitions):
        self.opened.extend(partitions)

    def close(self, partitions):
        self.closed.extend(partitions)

    def put(self, records):
        for r in records:
            if r.value == "boom":
                raise ValueError("cannot write boom")
            if r.value == "bad":
                self.context.report_errant(r, "bad value")
                continue
            if r.value == "pause":
                self.context.pause(sdk.TopicPartition(r.topic, r.kafka_partition))
            self.pending.append(r.value)

    def flush(self, offsets):
        self.durable.extend(self.pending)
        self.pending = []


class Greedy(Collecting):
    def pre_commit(self, offsets):
        return {tp: o + 10 for tp, o in offsets.items()}


def test_start_refuses_an_invalid_config_with_every_error():
    c = ConnectorDriver(CounterSource)
    assert c.errors({"tasks.wanted": "0"}) == {
        "topic": ['Missing required configuration "topic" which has no default value.'],
        "tasks.wanted": ["Invalid value 0 for configuration tasks.wanted: Value must be at least 1"]}
    with pytest.raises(ConfigException) as e:
        c.start({"tasks.wanted": "0"})
    assert str(e.value).split("\n") == [
        'topic: Missing required configuration "topic" which has no default value.',
        "tasks.wanted: Invalid value 0 for configuration tasks.wanted: Value must be at least 1"]
    with pytest.raises(RuntimeError, match="before start"):
        c.task_configs(1)


def test_task_configs_are_string_maps_within_max_tasks():
    c = ConnectorDriver(CounterSource)
    c.start({"topic": "t", "tasks.wanted": "2"})
    assert c.task_configs(2) == [{"topic": "t", "tasks.wanted": "2", "counter.name": "c0"},
                                 {"topic": "t", "tasks.wanted": "2", "counter.name": "c1"}]
    with pytest.raises(ConnectorFailedError, match="returned 2 task configs for max_tasks 1"):
        c.task_configs(1)


def test_poll_hands_out_at_most_the_credit_and_keeps_the_rest():
    task = SourceTaskDriver(CounterTask)
    task.start({"topic": "t", "counter.name": "a"})
    assert [r.source_offset["n"] for r in task.poll(max_records=3)] == [0, 1, 2]
    assert task.task.next == 5  # one poll of the task's, two records kept
    assert [r.source_offset["n"] for r in task.poll(max_records=3)] == [3, 4]
    assert [r.source_offset["n"] for r in task.poll(max_records=3)] == [5, 6, 7]
    assert task.poll(max_records=0) == []
    records = task.poll_until(12, timeout=5)
    assert len(records) >= 12 and records[0].source_offset == {"n": 8}
    with pytest.raises(TimeoutError, match="0 of 1 records"):
        task.pause()
        task.poll_until(1, timeout=0.05)


def test_offsets_are_stored_only_on_commit_and_resume_a_restarted_task():
    offsets = MemoryOffsetStore()
    task = SourceTaskDriver(CounterTask, offsets)
    task.start({"topic": "t", "counter.name": "a"})
    task.poll(max_records=5)
    assert offsets.get({"counter": "a"}) is None and task.task.committed == []
    task.commit(count=2)  # Kafka acknowledged the first two
    assert offsets.get({"counter": "a"}) == {"n": 1}
    assert task.task.committed == [0, 1] and task.task.commits == 1
    task.commit()
    assert offsets.get({"counter": "a"}) == {"n": 4}
    assert task.task.committed == [0, 1, 2, 3, 4] and task.task.commits == 2
    task.poll(max_records=5)
    assert [r.source_offset["n"] for r in task.drop_uncommitted()] == [5, 6, 7, 8, 9]
    task.stop()
    assert task.task.stopped.is_set() and task.state == "STOPPED"

    again = SourceTaskDriver(CounterTask, offsets)
    again.start({"topic": "t", "counter.name": "a"})
    assert offsets.reads == 2
    assert again.poll(1)[0].source_offset == {"n": 5}  # the lost records come again


def test_an_unavailable_offset_store_fails_the_start():
    offsets = MemoryOffsetStore()
    offsets.fail_reads("offset store unavailable")
    task = SourceTaskDriver(CounterTask, offsets, task_id=3)
    with pytest.raises(TaskFailedError) as e:
        task.start({"topic": "t", "counter.name": "a"})
    assert e.value.message == "Starting task 3 failed: offset store unavailable"
    assert "OffsetReadError" in e.value.trace
    assert task.state == "FAILED"


def test_an_exception_from_poll_fails_the_task_for_good():
    task = SourceTaskDriver(CounterTask)
    task.start({"topic": "t", "counter.name": "a", "fail.at": "5"})
    task.poll(max_records=10)
    with pytest.raises(TaskFailedError) as e:
        task.poll()
    assert e.value.message == "cannot count past 5"
    assert "RuntimeError: cannot count past 5" in e.value.trace
    assert isinstance(e.value.__cause__, RuntimeError)
    assert task.state == "FAILED" and task.failure is e.value
    with pytest.raises(TaskFailedError, match="cannot count past 5"):
        task.poll()
    task.stop()  # the worker still stops a failed task
    assert task.task.stopped.is_set()


def test_bad_records_fail_the_task_as_the_worker_does():
    class Bad(sdk.SourceTask):
        def start(self, config):
            self.what = config["what"]

        def poll(self):
            if self.what == "topic":
                return [sdk.SourceRecord(None, None, topic="")]
            if self.what == "offset":
                return [sdk.SourceRecord({"p": 1}, {"o": [1, 2]}, topic="t")]
            return [sdk.SourceRecord(None, None, topic="t", value="x", value_schema=sdk.INT32_SCHEMA)]

    for what, message in (("topic", "no topic"),
                          ("offset", r"source_offset\['o'\] is a list"),
                          ("schema", "a value does not fit its schema")):
        task = SourceTaskDriver(Bad)
        task.start({"what": what})
        with pytest.raises(TaskFailedError, match=message):
            task.poll()


def test_stop_from_another_thread_wakes_a_blocked_poll():
    class Blocking(sdk.SourceTask):
        def start(self, config):
            self.stopping = threading.Event()

        def poll(self):
            self.stopping.wait(30)
            return []

        def stop(self):
            self.stopping.set()

    task = SourceTaskDriver(Blocking)
    task.start({})
    threading.Timer(0.1, task.stop).start()
    began = time.monotonic()
    assert task.poll() == []
    assert time.monotonic() - began < 10 and task.state == "STOPPED"


def test_connector_start_tasks_runs_every_task_config():
    c = ConnectorDriver(CounterSource)
    c.start({"topic": "t", "tasks.wanted": "2"})
    offsets = MemoryOffsetStore()
    tasks = c.start_tasks(2, offsets)
    assert [t.task_id for t in tasks] == [0, 1]
    for t in tasks:
        t.poll(5)
        t.commit()
    assert [o for _, o in offsets.all()] == [{"n": 4}, {"n": 4}]
    assert {p["counter"] for p, _ in offsets.all()} == {"c0", "c1"}


def test_sink_gets_only_opened_partitions_in_offset_order():
    sink = SinkTaskDriver(Collecting)
    sink.start({})
    tp = sdk.TopicPartition("t", 0)
    records = [sdk.SinkRecord("t", 0, o, value=f"v{o}") for o in range(3)]
    with pytest.raises(ValueError, match="not assigned"):
        sink.put(records)
    sink.open([tp])
    assert sink.task.opened == [tp]
    sink.put(records[:2])
    with pytest.raises(ValueError, match="after offset 1 was handed over"):
        sink.put(records[:1])
    sink.put(records[2:])
    assert sink.task.pending == ["v0", "v1", "v2"]


def test_sink_commit_is_what_pre_commit_answers_after_flush():
    sink = SinkTaskDriver(Collecting)
    sink.start({})
    tp = sdk.TopicPartition("t", 0)
    sink.open([tp])
    sink.put([sdk.SinkRecord("t", 0, o, value=f"v{o}") for o in range(4)])
    assert sink.commit() == {tp: 4}
    assert sink.task.durable == ["v0", "v1", "v2", "v3"] and sink.committed == {tp: 4}
    sink.put([sdk.SinkRecord("t", 0, 4, value="v4")])
    assert [r.value for r in sink.uncommitted()] == ["v4"]
    sink.close([tp])  # commits, then closes
    assert sink.committed == {tp: 5} and sink.task.closed == [tp] and sink.assigned == set()


def test_pre_commit_beyond_what_was_delivered_fails_the_task():
    sink = SinkTaskDriver(Greedy)
    sink.start({})
    sink.open([sdk.TopicPartition("t", 1)])
    sink.put([sdk.SinkRecord("t", 1, 0, value="a")])
    with pytest.raises(TaskFailedError, match="offset 11 for t-1, beyond the 1 delivered"):
        sink.commit()
    assert sink.state == "FAILED"


def test_sink_errant_records_pause_and_put_failure_are_captured():
    sink = SinkTaskDriver(Collecting, task_id=2)
    sink.start({})
    tp = sdk.TopicPartition("t", 0)
    sink.open([tp])
    sink.put([sdk.SinkRecord("t", 0, 0, value="ok"), sdk.SinkRecord("t", 0, 1, value="bad"),
              sdk.SinkRecord("t", 0, 2, value="pause")])
    assert [(e.record.kafka_offset, e.error) for e in sink.errant] == [(1, "bad value")]
    assert sink.paused == {tp}
    with pytest.raises(ValueError, match="paused"):
        sink.put([sdk.SinkRecord("t", 0, 3, value="x")])
    sink.task.context.resume(tp)
    with pytest.raises(TaskFailedError) as e:
        sink.put([sdk.SinkRecord("t", 0, 3, value="boom")])
    assert e.value.message == "cannot write boom" and "ValueError" in e.value.trace
    with pytest.raises(TaskFailedError):
        sink.commit()
    assert sink.committed == {}


def test_sink_rewind_hands_the_partition_over_again_and_commit_requests_are_counted():
    sink = SinkTaskDriver(Collecting)
    sink.start({})
    tp = sdk.TopicPartition("t", 0)
    sink.open([tp])
    sink.put([sdk.SinkRecord("t", 0, o, value=f"v{o}") for o in range(3)])
    sink.task.context.offset({tp: 1})
    sink.task.context.request_commit()
    assert sink.rewinds == {tp: 1} and sink.commit_requests == 1
    sink.put([sdk.SinkRecord("t", 0, 1, value="v1")])  # from offset 1 again
    with pytest.raises(ValueError, match="after offset 1 was handed over"):
        sink.put([sdk.SinkRecord("t", 0, 1, value="v1")])
    sink.task.context.offset({sdk.TopicPartition("other", 0): 3})
    with pytest.raises(TaskFailedError, match="rewind other-0, which is not assigned"):
        sink.put([sdk.SinkRecord("t", 0, 2, value="v2")])


def test_source_records_round_trip_into_a_sink():
    source = SourceTaskDriver(CounterTask)
    source.start({"topic": "t", "counter.name": "a"})
    records = source.poll(5)
    sink_records = as_sink_records(records, first_offset=100)
    assert [(r.topic, r.kafka_partition, r.kafka_offset) for r in sink_records] == [
        ("t", 0, o) for o in range(100, 105)]
    assert sink_records[2].value.get("n") == 2 and sink_records[2].value_schema == COUNT
    sink = SinkTaskDriver(Collecting)
    sink.start({})
    sink.open([sdk.TopicPartition("t", 0)])
    sink.put(sink_records)
    assert sink.commit() == {sdk.TopicPartition("t", 0): 105}


def test_connector_context_requests_are_counted():
    class Asking(CounterSource):
        def start(self, config):
            super().start(config)
            self.context.request_task_reconfiguration()
            self.context.raise_error("upstream gone")

    c = ConnectorDriver(Asking)
    c.start({"topic": "t"})
    assert c.reconfiguration_requests == 1 and c.raised_errors == ["upstream gone"]
