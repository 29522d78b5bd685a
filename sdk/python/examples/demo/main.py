"""An example Python plugin: a counter source and a sink that writes lines to a file.

    CounterSource   topic=<t>, max.count=<n> (0 = forever), interval.ms=<ms>
                    Emits Structs {n: INT64, text: STRING} with key n, offset {"n": n} in the
                    partition {"counter": <connector name>}; after a restart it goes on from the
                    last committed offset.
    LinesSink       file=<path>: appends each record's value (a Struct's "text", else str(value))
                    as one line, flushing the file on pre_commit.
"""

import threading
from typing import Dict, List, Optional, TextIO

import sluice_sdk as sdk
from sluice_sdk import ConfigDef, ConfigType, Importance, validators

log = sdk.get_logger("demo")

VALUE_SCHEMA = (sdk.SchemaBuilder.struct().name("demo.Count")
                .field("n", sdk.INT64_SCHEMA).field("text", sdk.STRING_SCHEMA).build())


class CounterTask(sdk.SourceTask):
    task_class_name = "demo.CounterTask"

    def start(self, config: Dict[str, str]) -> None:
        self.topic = config["topic"]
        self.max_count = int(config.get("max.count", "0"))
        self.interval = int(config.get("interval.ms", "10")) / 1000.0
        self.partition = {"counter": config["counter.name"]}
        self.stopping = threading.Event()
        last = self.context.offset_storage_reader.offset(self.partition)
        self.next = int(last["n"]) + 1 if last else 0
        log.info("counter task %d starts at %d", self.context.task_id, self.next)

    def poll(self) -> List[sdk.SourceRecord]:
        if self.stopping.wait(self.interval):
            return []
        records = []
        while len(records) < 10 and (self.max_count == 0 or self.next < self.max_count):
            n = self.next
            value = sdk.Struct(VALUE_SCHEMA).put("n", n).put("text", f"count {n}")
            records.append(sdk.SourceRecord(
                source_partition=self.partition, source_offset={"n": n}, topic=self.topic,
                key=n, key_schema=sdk.INT64_SCHEMA, value=value, value_schema=VALUE_SCHEMA))
            self.next += 1
        return records

    def commit_record(self, record: sdk.SourceRecord) -> None:
        assert record.source_offset is not None
        self.committed = max(getattr(self, "committed", -1), int(record.source_offset["n"]))

    def commit(self) -> None:
        log.info("counter task %d: committed up to %d", self.context.task_id,
                 getattr(self, "committed", -1))

    def stop(self) -> None:
        self.stopping.set()


class CounterSource(sdk.SourceConnector):
    connector_class = "demo.CounterSource"
    aliases = ("CounterSource",)
    task_class = CounterTask
    config_def = (ConfigDef()
                  .define("topic", ConfigType.STRING, importance=Importance.HIGH,
                          validator=validators.non_empty_string(),
                          documentation="The topic to write the counts to")
                  .define("max.count", ConfigType.LONG, default=0, validator=validators.at_least(0),
                          importance=Importance.MEDIUM,
                          documentation="How many numbers to emit; 0 = forever")
                  .define("interval.ms", ConfigType.INT, default=10, validator=validators.at_least(0),
                          importance=Importance.LOW, documentation="Pause between polls"))

    def version(self) -> str:
        return "0.1.0"

    def start(self, config: Dict[str, str]) -> None:
        self.parsed = self.config_def.parse(config)
        self.config = dict(config)
        log.info("counter source starts, topic %s", self.parsed["topic"])

    def task_configs(self, max_tasks: int) -> List[Dict[str, str]]:
        return [dict(self.config, **{"counter.name": self.config.get("name", "counter")})]


class LinesTask(sdk.SinkTask):
    task_class_name = "demo.LinesTask"

    def start(self, config: Dict[str, str]) -> None:
        self.file: Optional[TextIO] = open(config["file"], "a", encoding="utf-8")

    def put(self, records: List[sdk.SinkRecord]) -> None:
        assert self.file is not None
        for r in records:
            v = r.value
            if isinstance(v, sdk.Struct) and v.schema.field("text") is not None:
                v = v.get("text")
            elif isinstance(v, dict) and "text" in v:
                v = v["text"]
            self.file.write(f"{v}\n")

    def flush(self, offsets: Dict[sdk.TopicPartition, int]) -> None:
        if self.file is not None:
            self.file.flush()

    def stop(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class LinesSink(sdk.SinkConnector):
    connector_class = "demo.LinesSink"
    aliases = ("LinesSink",)
    task_class = LinesTask
    config_def = (ConfigDef()
                  .define("file", ConfigType.STRING, importance=Importance.HIGH,
                          validator=validators.non_empty_string(),
                          documentation="The file the lines are appended to"))

    def version(self) -> str:
        return "0.1.0"

    def start(self, config: Dict[str, str]) -> None:
        self.config_def.parse(config)
        self.config = dict(config)

    def task_configs(self, max_tasks: int) -> List[Dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]


if __name__ == "__main__":
    sdk.serve(sdk.Plugin("python-demo", "0.1.0", [CounterSource, LinesSink]))
