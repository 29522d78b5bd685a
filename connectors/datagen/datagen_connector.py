"""DatagenConnector: generates mock data in the spirit of Confluent's kafka-connect-datagen
(io.confluent.kafka.connect.datagen.DatagenConnector), for trying pipelines without a real
source. See README.md for the configuration.

Work split: with n tasks, task t generates the records of index t, t+n, t+2n, ... of the
connector's one sequence, so `iterations` counts records of the whole connector and an orders
record's orderid is unique across tasks. Each record's source partition is {"task.id": t} and
its offset {"index": i, "random.seed": s}: a restarted task goes on after the last committed
index with the same seed, so the sequence continues where Kafka has it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import Dict, List, Optional

import sluice_sdk as sdk
from sluice_sdk import ConfigDef, ConfigException, ConfigType, Importance, validators

from quickstart import QUICKSTARTS

VERSION = "0.1.0"
log = logging.getLogger("datagen")

TOPIC = "kafka.topic"
QUICKSTART = "quickstart"
KEY_FIELD = "schema.keyfield"
MAX_INTERVAL = "max.interval"
RATE = "records.per.second"
ITERATIONS = "iterations"
SEED = "random.seed"
# Set by the connector in each task config.
TASK_SEED = "datagen.task.seed"
TASK_INDEX = "datagen.task.index"
TASK_COUNT = "datagen.task.count"

MAX_BATCH = 1000         # records one poll returns at most
IDLE_WAIT_S = 0.1        # how long a poll with nothing due waits before it returns []

CONFIG_DEF = (
    ConfigDef()
    .define(TOPIC, ConfigType.STRING, importance=Importance.HIGH,
            validator=validators.non_empty_string(), documentation="Topic to write to")
    .define(QUICKSTART, ConfigType.STRING, importance=Importance.HIGH,
            validator=validators.one_of(sorted(QUICKSTARTS), ignore_case=True),
            documentation="Which bundled schema to generate: users, orders or pageviews")
    .define(KEY_FIELD, ConfigType.STRING, default="", importance=Importance.MEDIUM,
            documentation="The field of the schema whose value is the record key; empty: the "
                          "quickstart's own key field (users: userid, orders: orderid, "
                          "pageviews: viewtime)")
    .define(MAX_INTERVAL, ConfigType.LONG, default=500, validator=validators.at_least(0),
            importance=Importance.MEDIUM,
            documentation="Longest pause between two records of a task, in milliseconds (each "
                          "pause is drawn uniformly between 0 and this)")
    .define(RATE, ConfigType.DOUBLE, default=0.0, validator=validators.at_least(0),
            importance=Importance.MEDIUM,
            documentation="Records per second of the whole connector, spread over its tasks; "
                          "0: paced by max.interval instead")
    .define(ITERATIONS, ConfigType.LONG, default=1000000, importance=Importance.MEDIUM,
            documentation="How many records the connector generates in all; 0 or less: forever")
    .define(SEED, ConfigType.LONG, null_default=True, importance=Importance.LOW,
            documentation="Seed of the generator: the same seed gives the same records; unset: a "
                          "random seed, kept in the source offsets so restarts continue it"))


def _key_field(parsed: sdk.ParsedConfig) -> str:
    return parsed[KEY_FIELD] or QUICKSTARTS[parsed[QUICKSTART].lower()].key_field


class DatagenTask(sdk.SourceTask):
    task_class_name = "io.confluent.kafka.connect.datagen.DatagenTask"

    def start(self, config: Dict[str, str]) -> None:
        parsed = CONFIG_DEF.parse(config)
        self.topic = parsed[TOPIC]
        self.quickstart = QUICKSTARTS[parsed[QUICKSTART].lower()]
        key_field = _key_field(parsed)
        field = self.quickstart.schema.field(key_field)
        if field is None:
            raise ConfigException(f"{KEY_FIELD} {key_field} is not a field of the "
                                  f"{self.quickstart.name} schema")
        self.key_field, self.key_schema = key_field, field.schema
        self.iterations = parsed[ITERATIONS]
        self.index_in_connector = int(config.get(TASK_INDEX, "0"))
        self.task_count = max(1, int(config.get(TASK_COUNT, "1")))
        rate = parsed[RATE] / self.task_count
        self.fixed_pause = 1.0 / rate if rate > 0 else None
        self.max_pause = parsed[MAX_INTERVAL] / 1000.0
        self.pacing = random.Random()  # pauses only: they never change what is generated

        seed: Optional[int] = parsed[SEED]
        if seed is None:
            seed = int(config.get(TASK_SEED) or random.SystemRandom().randrange(1 << 62))
        self.partition = {"task.id": self.index_in_connector}
        self.next = self.index_in_connector
        stored = self.context.offset_storage_reader.offset(self.partition)
        if stored and isinstance(stored.get("index"), int):
            if parsed[SEED] is None and isinstance(stored.get("random.seed"), int):
                seed = stored["random.seed"]
            self.next = self._next_of_mine(stored["index"] + 1)
        self.seed = seed
        self.stopping = threading.Event()
        self.next_due = time.monotonic()
        log.info("datagen task %d: %s into %s from index %d (seed %d)", self.index_in_connector,
                 self.quickstart.name, self.topic, self.next, self.seed)

    def _next_of_mine(self, at_least: int) -> int:
        """The first index >= at_least this task generates (index = task, mod task count)."""
        gap = (self.index_in_connector - at_least) % self.task_count
        return at_least + gap

    def _done(self) -> bool:
        return self.iterations > 0 and self.next >= self.iterations

    def _pause(self) -> float:
        if self.fixed_pause is not None:
            return self.fixed_pause
        return self.pacing.uniform(0, self.max_pause) if self.max_pause > 0 else 0.0

    def record(self, index: int) -> sdk.SourceRecord:
        value = self.quickstart.value(self.seed, index)
        return sdk.SourceRecord(
            source_partition=self.partition,
            source_offset={"index": index, "random.seed": self.seed},
            topic=self.topic, key=value.get(self.key_field), key_schema=self.key_schema,
            value=value, value_schema=self.quickstart.schema,
            headers=[sdk.Header("task.id", self.index_in_connector, sdk.INT32_SCHEMA),
                     sdk.Header("current.iteration", index, sdk.INT64_SCHEMA)])

    def poll(self) -> List[sdk.SourceRecord]:
        if self._done():
            self.stopping.wait(IDLE_WAIT_S)
            return []
        now = time.monotonic()
        if self.next_due > now:
            if self.stopping.wait(min(self.next_due - now, IDLE_WAIT_S)):
                return []
            now = time.monotonic()
        records = []
        while len(records) < MAX_BATCH and not self._done() and self.next_due <= now:
            records.append(self.record(self.next))
            self.next += self.task_count
            self.next_due += self._pause()
        # After a stall (a paused connector, a slow worker) go on at the pace, not in a burst.
        self.next_due = max(self.next_due, now - 1.0)
        return records

    def stop(self) -> None:
        self.stopping.set()


class DatagenConnector(sdk.SourceConnector):
    connector_class = "io.confluent.kafka.connect.datagen.DatagenConnector"
    aliases = ("DatagenConnector", "Datagen")
    task_class = DatagenTask
    config_def = CONFIG_DEF

    def version(self) -> str:
        return VERSION

    def validate(self, config: Dict[str, str]) -> List[sdk.ConfigValueResult]:
        results = super().validate(config)
        by_name = {r.name: r for r in results}
        quickstart = (config.get(QUICKSTART) or "").strip().lower()
        key_field = (config.get(KEY_FIELD) or "").strip()
        if key_field and quickstart in QUICKSTARTS:
            schema = QUICKSTARTS[quickstart].schema
            if schema.field(key_field) is None:
                names = ", ".join(f.name for f in schema.fields)
                by_name[KEY_FIELD].errors.append(
                    f"Invalid value {key_field} for configuration {KEY_FIELD}: not a field of "
                    f"the {quickstart} schema ({names})")
        return results

    def start(self, config: Dict[str, str]) -> None:
        errors = [e for r in self.validate(config) for e in r.errors]
        if errors:
            raise ConfigException("\n".join(errors))
        self.config = dict(config)
        # Without random.seed, every task and every restart of this connector instance continue
        # one sequence; the offsets keep the seed across restarts of the worker.
        self.seed = random.SystemRandom().randrange(1 << 62)

    def task_configs(self, max_tasks: int) -> List[Dict[str, str]]:
        n = max(1, max_tasks)
        return [dict(self.config, **{TASK_SEED: str(self.seed), TASK_INDEX: str(t),
                                     TASK_COUNT: str(n)}) for t in range(n)]
