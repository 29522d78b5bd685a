"""The rest of Kafka Connect's context API, end to end through the JVM plugin host and a real
sluiced with the embedded broker, with a small Java plugin this suite compiles (javac against the
host jar, which carries connect-api) and lays out as Kafka Connect does (a folder of jars):

- SinkTaskContext.offset() asked in open(): the partition starts at that offset (the records
  before it are never delivered);
- SinkTaskContext.offset() asked in put(): the worker seeks back and delivers the records again
  from that offset;
- SinkTaskContext.requestCommit(): the worker commits at once, long before
  offset.flush.interval.ms (ten minutes here), where a sink that does not ask commits nothing;
- SourceConnectorContext.offsetStorageReader(): a source connector reads in start() what its
  task stored, through the worker."""

import json
import re
import subprocess
import textwrap

import pytest

from conftest import BUILD, stored_offset, wait_for, worker_props

HOST_JAR = BUILD / "bin" / "sluice-jvm-host.jar"

SOURCES = {
    "ContextSinkConnector.java": """
        package sluicetest;

        import java.util.List;
        import java.util.Map;
        import org.apache.kafka.common.config.ConfigDef;
        import org.apache.kafka.connect.connector.Task;
        import org.apache.kafka.connect.sink.SinkConnector;

        public class ContextSinkConnector extends SinkConnector {
          private Map<String, String> props;

          @Override public void start(Map<String, String> props) { this.props = props; }
          @Override public Class<? extends Task> taskClass() { return ContextSinkTask.class; }
          @Override public List<Map<String, String>> taskConfigs(int maxTasks) {
            return List.of(props);
          }
          @Override public void stop() {}
          @Override public ConfigDef config() {
            return new ConfigDef()
                .define("rewind.open", ConfigDef.Type.LONG, -1L, ConfigDef.Importance.LOW, "")
                .define("rewind.at", ConfigDef.Type.LONG, -1L, ConfigDef.Importance.LOW, "")
                .define("rewind.to", ConfigDef.Type.LONG, -1L, ConfigDef.Importance.LOW, "")
                .define("rewind.topic", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, "")
                .define("commit.at", ConfigDef.Type.LONG, -1L, ConfigDef.Importance.LOW, "");
          }
          @Override public String version() { return "1.0"; }
        }
        """,
    "ContextSinkTask.java": """
        package sluicetest;

        import java.util.Collection;
        import java.util.Map;
        import org.apache.kafka.common.TopicPartition;
        import org.apache.kafka.connect.sink.SinkRecord;
        import org.apache.kafka.connect.sink.SinkTask;
        import org.slf4j.Logger;
        import org.slf4j.LoggerFactory;

        /** Logs every record it gets; rewinds and asks for commits as its config says. */
        public class ContextSinkTask extends SinkTask {
          private static final Logger log = LoggerFactory.getLogger(ContextSinkTask.class);
          private String name, rewindTopic;
          private long rewindOpen, rewindAt, rewindTo, commitAt;
          private boolean opened, rewound, committed;

          private static long get(Map<String, String> props, String key) {
            String v = props.get(key);
            return v == null ? -1 : Long.parseLong(v);
          }

          @Override public void start(Map<String, String> props) {
            name = props.get("name");
            rewindTopic = props.getOrDefault("rewind.topic", "");
            rewindOpen = get(props, "rewind.open");
            rewindAt = get(props, "rewind.at");
            rewindTo = get(props, "rewind.to");
            commitAt = get(props, "commit.at");
          }

          @Override public void open(Collection<TopicPartition> partitions) {
            if (!opened && rewindOpen >= 0) {
              for (TopicPartition tp : partitions) context.offset(tp, rewindOpen);
            }
            opened = true;
          }

          @Override public void put(Collection<SinkRecord> records) {
            for (SinkRecord r : records) {
              log.info("context-sink {} got {}/{}", name, r.kafkaPartition(), r.kafkaOffset());
              if (!rewound && r.kafkaOffset() == rewindAt) {
                rewound = true;
                String topic = rewindTopic.isEmpty() ? r.topic() : rewindTopic;
                context.offset(new TopicPartition(topic, r.kafkaPartition()), rewindTo);
              }
              if (!committed && r.kafkaOffset() == commitAt) {
                committed = true;
                context.requestCommit();
              }
            }
          }

          @Override public void stop() {}
          @Override public String version() { return "1.0"; }
        }
        """,
    "OffsetReadingSource.java": """
        package sluicetest;

        import java.util.List;
        import java.util.Map;
        import org.apache.kafka.common.config.ConfigDef;
        import org.apache.kafka.connect.connector.Task;
        import org.apache.kafka.connect.source.SourceConnector;
        import org.slf4j.Logger;
        import org.slf4j.LoggerFactory;

        /** Reads its stored offset through its context in start() and logs it. */
        public class OffsetReadingSource extends SourceConnector {
          private static final Logger log = LoggerFactory.getLogger(OffsetReadingSource.class);
          private Map<String, String> props;

          @Override public void start(Map<String, String> props) {
            this.props = props;
            Map<String, Object> stored =
                context().offsetStorageReader().offset(Map.of("stream", props.get("name")));
            log.info("offset-source {} read {}", props.get("name"), stored);
          }
          @Override public Class<? extends Task> taskClass() { return CountingSourceTask.class; }
          @Override public List<Map<String, String>> taskConfigs(int maxTasks) {
            return List.of(props);
          }
          @Override public void stop() {}
          @Override public ConfigDef config() {
            return new ConfigDef()
                .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "")
                .define("count", ConfigDef.Type.INT, 5, ConfigDef.Importance.LOW, "");
          }
          @Override public String version() { return "1.0"; }
        }
        """,
    "CountingSourceTask.java": """
        package sluicetest;

        import java.util.ArrayList;
        import java.util.List;
        import java.util.Map;
        import org.apache.kafka.connect.data.Schema;
        import org.apache.kafka.connect.source.SourceRecord;
        import org.apache.kafka.connect.source.SourceTask;

        /** Writes records 0..count-1 with offsets {"n": i}, then nothing. */
        public class CountingSourceTask extends SourceTask {
          private String name, topic;
          private long next, count;

          @Override public void start(Map<String, String> props) {
            name = props.get("name");
            topic = props.get("topic");
            count = Long.parseLong(props.getOrDefault("count", "5"));
          }
          @Override public List<SourceRecord> poll() throws InterruptedException {
            if (next >= count) {
              Thread.sleep(50);
              return null;
            }
            List<SourceRecord> out = new ArrayList<>();
            for (; next < count; next++) {
              out.add(new SourceRecord(Map.of("stream", name), Map.of("n", next), topic,
                  Schema.STRING_SCHEMA, "r" + next));
            }
            return out;
          }
          @Override public void stop() {}
          @Override public String version() { return "1.0"; }
        }
        """,
}


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory):
    """plugin.path holding one Java plugin folder: context-test/context-test.jar."""
    root = tmp_path_factory.mktemp("java-plugin")
    src, classes = root / "src", root / "classes"
    src.mkdir()
    classes.mkdir()
    for name, text in SOURCES.items():
        (src / name).write_text(textwrap.dedent(text))
    subprocess.run(["javac", "-nowarn", "--release", "17", "-cp", str(HOST_JAR), "-d", str(classes),
                    *map(str, src.iterdir())], check=True, timeout=180)
    services = classes / "META-INF" / "services"
    services.mkdir(parents=True)
    (services / "org.apache.kafka.connect.sink.SinkConnector").write_text(
        "sluicetest.ContextSinkConnector\n")
    (services / "org.apache.kafka.connect.source.SourceConnector").write_text(
        "sluicetest.OffsetReadingSource\n")
    plugins = root / "plugins"
    (plugins / "context-test").mkdir(parents=True)
    subprocess.run(["jar", "cf", str(plugins / "context-test" / "context-test.jar"), "-C",
                    str(classes), "."], check=True, timeout=120)
    return plugins


@pytest.fixture(scope="module")
def worker(plugin_path, tmp_path_factory):
    from conftest import Sluiced
    d = tmp_path_factory.mktemp("worker")
    # Commits only when a task asks for one (or the connector stops) during these tests.
    props = worker_props(d, **{"plugin.path": str(plugin_path),
                               "offset.flush.interval.ms": "600000"})
    s = Sluiced(d, props).start(timeout=120)
    yield s
    s.kill()


def produce(worker, topic, count):
    """`count` records into partition 0 of `topic` (the other partitions stay empty)."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": worker.kafka})
    for i in range(count):
        p.produce(topic, value=f"v{i}".encode(), partition=0)
    assert p.flush(30) == 0


def delivered(worker, name):
    """The offsets of partition 0 the sink task `name` was handed, in order, from its log."""
    return [int(n) for n in
            re.findall(rf"context-sink {re.escape(name)} got 0/(\d+)", worker.log())]


def create_sink(worker, name, topic, **extra):
    config = {"connector.class": "sluicetest.ContextSinkConnector", "topics": topic,
              "tasks.max": "1",
              "value.converter": "org.apache.kafka.connect.storage.StringConverter", **extra}
    r = worker.post("/connectors", json={"name": name, "config": config})
    assert r.status_code == 201, r.text
    worker.wait_running(name, timeout=120)


def committed(worker, name):
    r = worker.get(f"/connectors/{name}/offsets")
    assert r.status_code == 200, r.text
    return {(o["partition"]["kafka_topic"], o["partition"]["kafka_partition"]):
            o["offset"]["kafka_offset"] for o in r.json()["offsets"]}


def test_a_rewind_asked_in_open_is_where_the_partition_starts(worker):
    produce(worker, "open-rw", 10)
    create_sink(worker, "open-rw", "open-rw", **{"rewind.open": "6"})
    wait_for(lambda: 9 in delivered(worker, "open-rw"), 60, "offset 9 delivered")
    assert delivered(worker, "open-rw") == [6, 7, 8, 9]
    assert "open-rw-0 starts at offset 6, as the task asked in open()" in worker.log()
    # No other partition holds a record.
    assert not re.search(r"context-sink open-rw got [1-9]", worker.log())


def test_a_rewind_asked_in_put_delivers_the_records_again(worker):
    produce(worker, "put-rw", 10)
    create_sink(worker, "put-rw", "put-rw", **{"rewind.at": "7", "rewind.to": "2"})

    def again():
        got = delivered(worker, "put-rw")
        # The batch that held offset 7 ends at k (8 to 10 records); then 2..9 once more.
        return any(got == list(range(k)) + list(range(2, 10)) for k in range(8, 11))
    wait_for(again, 60, "offsets 2..9 delivered again after the rewind")
    assert "rewound put-rw-0 to offset 2" in worker.log()


def test_a_rewind_of_a_partition_not_assigned_fails_the_task(worker):
    """As KafkaConsumer.seek's IllegalStateException fails the task in Kafka Connect."""
    produce(worker, "stray-rw", 3)
    create_sink(worker, "stray-rw", "stray-rw",
                **{"rewind.at": "1", "rewind.to": "0", "rewind.topic": "nowhere"})
    status = worker.wait_status(
        "stray-rw", lambda st: st["tasks"] and st["tasks"][0]["state"] == "FAILED", 60,
        "the task to fail")
    trace = status["tasks"][0]["trace"]
    assert "No current assignment for partition nowhere-0" in trace, trace


def test_request_commit_commits_at_once(worker):
    produce(worker, "commit-rq", 10)
    produce(worker, "commit-none", 10)
    create_sink(worker, "commit-rq", "commit-rq", **{"commit.at": "4"})
    create_sink(worker, "commit-none", "commit-none")
    wait_for(lambda: committed(worker, "commit-rq").get(("commit-rq", 0), 0) >= 5, 30,
             "a commit of commit-rq past offset 4")
    # Without a request nothing is committed before offset.flush.interval.ms (ten minutes).
    wait_for(lambda: 9 in delivered(worker, "commit-none"), 60, "commit-none's records delivered")
    assert committed(worker, "commit-none") == {}
    assert committed(worker, "commit-rq")[("commit-rq", 0)] <= 10


def test_a_source_connector_reads_its_stored_offsets(worker):
    config = {"connector.class": "sluicetest.OffsetReadingSource", "topic": "counted",
              "count": "5", "tasks.max": "1"}
    r = worker.post("/connectors", json={"name": "reader", "config": config})
    assert r.status_code == 201, r.text
    worker.wait_running("reader", timeout=120)
    assert "offset-source reader read null" in worker.log()
    # Source offsets are committed at the flush interval or when the task stops.
    assert worker.put("/connectors/reader/stop").status_code == 204
    wait_for(lambda: stored_offset(worker.workdir, "reader", {"stream": "reader"}) == {"n": 4}, 60,
             "offset {n: 4} stored")
    assert worker.put("/connectors/reader/resume").status_code == 202
    wait_for(lambda: "offset-source reader read {n=4}" in worker.log(), 60,
             "the connector's read of its stored offset")
