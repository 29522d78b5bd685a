"""pysmall: a small Python plugin for the integration tests, unlike the SDK's demo in what it
sends and how it writes.

    SequenceSource  topic=<t>, count=<n> (0 = forever), batch=<records per poll>,
                    interval.ms=<pause between polls>. Emits the STRING values "0", "1", ... with
                    no key, offset {"seq": n} in the partition {"sequence": <connector name>};
                    after a restart it goes on after the last committed number.
    LineFileSink    file=<path>. Appends each record's value as a line, one write(2) per batch
                    (a killed host leaves whole lines only), made durable (fsync) on pre_commit,
                    which answers the offsets of what was made durable.
"""

import os
import threading
from typing import Dict, List, Optional

import sluice_sdk as sdk
from sluice_sdk import ConfigDef, ConfigType, Importance, validators

log = sdk.get_logger("pysmall")


class SequenceTask(sdk.SourceTask):
    task_class_name = "pysmall.SequenceTask"

    def start(self, config: Dict[str, str]) -> None:
        parsed = SequenceSource.config_def.parse(config)
        self.topic = parsed["topic"]
        self.count = parsed["count"]
        self.batch = parsed["batch"]
        self.interval = parsed["interval.ms"] / 1000.0
        self.partition = {"sequence": config.get("name", "sequence")}
        self.stopping = threading.Event()
        last = self.context.offset_storage_reader.offset(self.partition)
        self.next = int(last["seq"]) + 1 if last else 0
        log.info("sequence task %d starts at %d", self.context.task_id, self.next)

    def poll(self) -> List[sdk.SourceRecord]:
        if self.stopping.wait(self.interval) or (0 < self.count <= self.next):
            if 0 < self.count <= self.next:
                self.stopping.wait(0.1)
            return []
        end = self.next + self.batch if self.count == 0 else min(self.next + self.batch, self.count)
        records = [sdk.SourceRecord(self.partition, {"seq": n}, topic=self.topic, value=str(n),
                                    value_schema=sdk.STRING_SCHEMA)
                   for n in range(self.next, end)]
        self.next = end
        return records

    def stop(self) -> None:
        self.stopping.set()


class SequenceSource(sdk.SourceConnector):
    connector_class = "pysmall.SequenceSource"
    aliases = ("SequenceSource",)
    task_class = SequenceTask
    config_def = (ConfigDef()
                  .define("topic", ConfigType.STRING, importance=Importance.HIGH,
                          validator=validators.non_empty_string(), documentation="Topic to write to")
                  .define("count", ConfigType.LONG, default=0, validator=validators.at_least(0),
                          documentation="How many numbers; 0 = forever")
                  .define("batch", ConfigType.INT, default=10, validator=validators.range(1, 10000),
                          documentation="Numbers per poll")
                  .define("interval.ms", ConfigType.INT, default=10, validator=validators.at_least(0),
                          documentation="Pause before each poll"))

    def version(self) -> str:
        return "0.1.0"

    def start(self, config: Dict[str, str]) -> None:
        self.config_def.parse(config)
        self.config = dict(config)

    def task_configs(self, max_tasks: int) -> List[Dict[str, str]]:
        return [dict(self.config)]  # one sequence, one task


class LineFileTask(sdk.SinkTask):
    task_class_name = "pysmall.LineFileTask"

    def start(self, config: Dict[str, str]) -> None:
        self.fd: Optional[int] = os.open(config["file"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def put(self, records: List[sdk.SinkRecord]) -> None:
        assert self.fd is not None
        data = "".join(f"{r.value}\n" for r in records).encode()
        while data:
            data = data[os.write(self.fd, data):]

    def flush(self, offsets: Dict[sdk.TopicPartition, int]) -> None:
        if self.fd is not None:
            os.fsync(self.fd)

    def stop(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class LineFileSink(sdk.SinkConnector):
    connector_class = "pysmall.LineFileSink"
    aliases = ("LineFileSink",)
    task_class = LineFileTask
    config_def = (ConfigDef()
                  .define("file", ConfigType.STRING, importance=Importance.HIGH,
                          validator=validators.non_empty_string(),
                          documentation="File the values are appended to, one per line"))

    def version(self) -> str:
        return "0.1.0"

    def start(self, config: Dict[str, str]) -> None:
        self.config_def.parse(config)
        self.config = dict(config)

    def task_configs(self, max_tasks: int) -> List[Dict[str, str]]:
        return [dict(self.config) for _ in range(max_tasks)]


if __name__ == "__main__":
    sdk.serve(sdk.Plugin("pysmall", "0.1.0", [SequenceSource, LineFileSink]))
