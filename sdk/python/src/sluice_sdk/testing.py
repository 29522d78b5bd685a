"""The Python SDK's test kit: a fake worker for a plugin author's unit tests (pytest or unittest).

It runs a connector and its tasks in the test's process, with no Kafka, no sluiced and no plugin
host, and keeps the worker's side of the contract the way sluiced and the SDK's server keep it:

- configs are validated against the connector's ConfigDef (and its own `validate`) before it
  starts, and at most `max_tasks` task configs are taken;
- a source task is polled with credits (at most `max_records` records come back; what the task
  returned beyond them is kept for the next polls, as the SDK's server keeps it), its records
  are checked as the worker checks them, and source offsets are stored, `commit_record` called
  per record and `commit` once, only when the test says the records were committed (Kafka
  acknowledged them); a task reads the stored offsets through its `offset_storage_reader`;
- a sink task is handed only records of partitions it was given, in offset order; its
  `pre_commit` answer becomes the committed offsets, and may not go beyond what it was handed;
- an exception from a task's `start`, `poll`, `put`, `open`, `close` or `pre_commit` fails the
  task, as the worker reports it (TaskFailedError with the message and the Python traceback);
  errant records, pause and resume requests are captured for assertions.

    from sluice_sdk.testing import ConnectorDriver, SourceTaskDriver, MemoryOffsetStore

    connector = ConnectorDriver(MySource)
    connector.start({"topic": "t"})                 # ConfigException when invalid
    (config,) = connector.task_configs(1)

    offsets = MemoryOffsetStore()
    task = SourceTaskDriver(MySource.task_class, offsets)
    task.start(config)
    records = task.poll_until(10, timeout=5)        # polled with credits until 10 came
    task.commit()                                   # offsets stored, commit_record, commit
    task.stop()

Failures to inject: `MemoryOffsetStore.fail_reads(...)` (the offset store is unavailable),
`SourceTaskDriver.drop_uncommitted()` (the producer lost what was not acknowledged),
`SinkTaskDriver.uncommitted()` (what Kafka delivers again to a task that replaces a crashed one).

Threads: each driver is used from the test's thread, except a task driver's `stop`, which may
come from another thread while `poll` or `put` runs (as the worker's does). MemoryOffsetStore is
thread-safe.
"""

from __future__ import annotations

import copy
import datetime as _dt
import decimal as _decimal
import json
import threading
import time
import traceback
from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Set, Type, Union

from .config import ConfigException, ConfigValueResult
from .connector import (Connector, ConnectorContext, OffsetReadError, OffsetStorageReader,
                        SinkConnector, SinkRecord, SinkTask, SinkTaskContext, SourceConnector,
                        SourceRecord, SourceTask, SourceTaskContext, TopicPartition)
from .data import DataException, validate_value
from .log import task_scope

ConfigMap = Dict[str, str]

__all__ = ["ConnectorDriver", "ConnectorFailedError", "ErrantRecord", "MemoryOffsetStore",
           "SinkTaskDriver", "SourceTaskDriver", "TaskFailedError", "as_sink_records"]


class TaskFailedError(Exception):
    """A task failed, as the worker would show it: FAILED with `message` and `trace` (the Python
    traceback of the exception that failed it, which is also `__cause__`)."""

    def __init__(self, message: str, trace: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.trace = trace


class ConnectorFailedError(Exception):
    """The connector broke the worker's contract (e.g. more task configs than max_tasks); the
    worker fails such a connector."""


@dataclass
class ErrantRecord:
    """A record a sink task reported with `context.report_errant`."""

    record: SinkRecord
    error: str


def _trace(e: BaseException) -> str:
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))


def _message(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _instance(task: Union[type, Any]) -> Any:
    return task() if isinstance(task, type) else task


# ---- the connector ----------------------------------------------------------------------------


class _ConnectorContext(ConnectorContext):
    def __init__(self) -> None:
        self._mu = threading.Lock()
        self.reconfigurations = 0
        self.errors: List[str] = []

    def request_task_reconfiguration(self) -> None:
        with self._mu:
            self.reconfigurations += 1

    def raise_error(self, message: str, trace: str = "") -> None:
        with self._mu:
            self.errors.append(message)


class ConnectorDriver:
    """Runs one connector instance as the worker does. `connector` is a Connector class or
    instance."""

    def __init__(self, connector: Union[Type[Connector], Connector]) -> None:
        self.connector: Connector = _instance(connector)
        self._context = _ConnectorContext()
        self.connector.context = self._context
        self._started = False

    def validate(self, config: Mapping[str, str]) -> List[ConfigValueResult]:
        """What the worker's validate shows: the connector's `validate` (by default its
        ConfigDef's checks)."""
        return self.connector.validate(dict(config))

    def errors(self, config: Mapping[str, str]) -> Dict[str, List[str]]:
        """The validation errors per key, only keys that have some."""
        return {r.name: list(r.errors) for r in self.validate(config) if r.errors}

    def start(self, config: Mapping[str, str]) -> None:
        """Validates, then starts the connector. ConfigException listing every error ("key:
        error", one per line) when the config is invalid: the connector is then not started.
        An exception from the connector's `start` comes back as it was raised."""
        errors = self.errors(config)
        if errors:
            raise ConfigException("\n".join(f"{k}: {e}" for k, es in errors.items() for e in es))
        self.connector.start(dict(config))
        self._started = True

    def task_configs(self, max_tasks: int) -> List[ConfigMap]:
        """The connector's task configs, as strings (the worker sends them as a string map).
        ConnectorFailedError when it returns more than `max_tasks`."""
        if not self._started:
            raise RuntimeError("task_configs before start")
        configs = self.connector.task_configs(max_tasks)
        if len(configs) > max_tasks:
            raise ConnectorFailedError(f"{type(self.connector).__name__} returned {len(configs)} "
                                       f"task configs for max_tasks {max_tasks}")
        return [{str(k): str(v) for k, v in c.items()} for c in configs]

    def start_tasks(self, max_tasks: int, offsets: Optional["MemoryOffsetStore"] = None
                    ) -> List[Union["SourceTaskDriver", "SinkTaskDriver"]]:
        """Creates a driver for each task config of the connector's `task_class` (task ids 0..n-1,
        source tasks sharing `offsets`) and starts it."""
        drivers: List[Union[SourceTaskDriver, SinkTaskDriver]] = []
        task_class = getattr(type(self.connector), "task_class")
        for i, config in enumerate(self.task_configs(max_tasks)):
            if isinstance(self.connector, SourceConnector):
                offsets = offsets if offsets is not None else MemoryOffsetStore()
                drivers.append(SourceTaskDriver(task_class, offsets, task_id=i))
            elif isinstance(self.connector, SinkConnector):
                drivers.append(SinkTaskDriver(task_class, task_id=i))
            else:
                raise TypeError(f"{type(self.connector).__name__} is neither a SourceConnector "
                                "nor a SinkConnector")
            drivers[-1].start(config)
        return drivers

    def stop(self) -> None:
        self._started = False
        self.connector.stop()

    @property
    def reconfiguration_requests(self) -> int:
        """How often the connector called `context.request_task_reconfiguration()`."""
        return self._context.reconfigurations

    @property
    def raised_errors(self) -> List[str]:
        """The messages of the connector's `context.raise_error` calls."""
        return list(self._context.errors)


# ---- source tasks -----------------------------------------------------------------------------


def _partition_key(partition: Mapping[str, Any]) -> str:
    return json.dumps(partition, sort_keys=True, default=repr)


class MemoryOffsetStore:
    """The worker's offset store for source tasks, in memory: source partition -> offset.
    Offsets are stored and handed out as copies. Thread-safe."""

    def __init__(self) -> None:
        self._mu = threading.Lock()
        self._offsets: Dict[str, Any] = {}
        self._read_error: Optional[str] = None
        self._reads = 0

    def put(self, partition: Mapping[str, Any], offset: Optional[Mapping[str, Any]]) -> None:
        """Stores `offset` for `partition` (None removes it), as an earlier run would have."""
        with self._mu:
            key = _partition_key(partition)
            if offset is None:
                self._offsets.pop(key, None)
            else:
                self._offsets[key] = (copy.deepcopy(dict(partition)), copy.deepcopy(dict(offset)))

    def get(self, partition: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        with self._mu:
            entry = self._offsets.get(_partition_key(partition))
            return copy.deepcopy(entry[1]) if entry else None

    def all(self) -> List[tuple]:
        """Every (partition, offset) stored."""
        with self._mu:
            return [copy.deepcopy(e) for e in self._offsets.values()]

    def fail_reads(self, message: Optional[str]) -> None:
        """Every read fails with OffsetReadError(`message`) until fail_reads(None)."""
        with self._mu:
            self._read_error = message

    @property
    def reads(self) -> int:
        """How many offsets tasks asked for."""
        with self._mu:
            return self._reads

    def read(self, partition: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        """What a task's `offset_storage_reader.offset(partition)` answers."""
        with self._mu:
            self._reads += 1
            if self._read_error is not None:
                raise OffsetReadError(self._read_error)
            entry = self._offsets.get(_partition_key(partition))
            return copy.deepcopy(entry[1]) if entry else None


class _OffsetReader(OffsetStorageReader):
    def __init__(self, store: MemoryOffsetStore) -> None:
        self._store = store

    def offset(self, partition: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        return self._store.read(dict(partition))


class _SourceContext(SourceTaskContext):
    def __init__(self, task_id: int, config: ConfigMap, store: MemoryOffsetStore) -> None:
        self.task_id = task_id
        self.configs = config
        self._reader = _OffsetReader(store)

    @property
    def offset_storage_reader(self) -> OffsetStorageReader:
        return self._reader


_PRIMITIVES = (type(None), bool, int, float, str, bytes, _decimal.Decimal, _dt.datetime)


def _check_offset_map(what: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"{what} must be a dict or None, not {type(value).__name__}"
    for k, v in value.items():
        if not isinstance(k, str):
            return f"{what} has a key that is not a str: {k!r}"
        if not isinstance(v, _PRIMITIVES):
            return f"{what}[{k!r}] is a {type(v).__name__}; offsets hold primitive values only"
    return None


def check_source_record(record: Any) -> Optional[str]:
    """What the worker finds wrong with a record a source task returned, or None."""
    if not isinstance(record, SourceRecord):
        return f"not a SourceRecord but a {type(record).__name__}"
    if not isinstance(record.topic, str) or not record.topic:
        return "no topic"
    for what, value in (("source_partition", record.source_partition),
                        ("source_offset", record.source_offset)):
        problem = _check_offset_map(what, value)
        if problem:
            return problem
    if record.partition is not None and (not isinstance(record.partition, int) or record.partition < 0):
        return f"Kafka partition {record.partition!r} is not a partition number"
    try:
        validate_value(record.key_schema, record.key, "key")
        validate_value(record.value_schema, record.value, "value")
        for h in record.headers:
            validate_value(h.schema, h.value, h.key)
    except DataException as e:
        return f"a value does not fit its schema: {e}"
    return None


class _TaskDriverState:
    """What the source and sink drivers share: a task's state and how it fails."""

    task_id: int
    state: str
    failure: Optional[TaskFailedError]

    def _fail(self, message: str, e: Optional[BaseException] = None) -> TaskFailedError:
        self.state = "FAILED"
        self.failure = TaskFailedError(message, _trace(e) if e is not None else "")
        self.failure.__cause__ = e
        return self.failure

    def _require_running(self) -> None:
        if self.state == "FAILED":
            assert self.failure is not None
            raise self.failure
        if self.state != "RUNNING":
            raise RuntimeError(f"task {self.task_id} is {self.state}, not RUNNING")


class SourceTaskDriver(_TaskDriverState):
    """Runs one source task as the worker does. `task` is a SourceTask class or instance;
    `offsets` may be shared by several drivers (the tasks of one connector, or a task and the
    one that replaces it after a restart)."""

    def __init__(self, task: Union[Type[SourceTask], SourceTask],
                 offsets: Optional[MemoryOffsetStore] = None, task_id: int = 0) -> None:
        self.task: SourceTask = _instance(task)
        self.offsets = offsets if offsets is not None else MemoryOffsetStore()
        self.task_id = task_id
        self.state = "UNASSIGNED"  # RUNNING, FAILED, STOPPED
        self.failure: Optional[TaskFailedError] = None
        self.paused = False
        self._kept: List[SourceRecord] = []
        self._uncommitted: List[SourceRecord] = []
        self._records: List[SourceRecord] = []
        self._committed: List[SourceRecord] = []
        self._stop_mu = threading.Lock()

    def start(self, config: Mapping[str, str]) -> None:
        """Starts the task with `config`. TaskFailedError ("Starting task N failed: ...") when its
        `start` raises."""
        config = {str(k): str(v) for k, v in config.items()}
        self.task.context = _SourceContext(self.task_id, config, self.offsets)
        try:
            with task_scope(self.task_id):
                self.task.start(config)
        except Exception as e:  # noqa: BLE001  (plugin code)
            raise self._fail(f"Starting task {self.task_id} failed: {_message(e)}", e) from e
        self.state = "RUNNING"

    def poll(self, max_records: int = 1000) -> List[SourceRecord]:
        """One Poll with `max_records` credits: at most that many records, first those the task
        returned earlier beyond its credit; the task's `poll` is called only when none are kept.
        Each record is checked as the worker checks it. A paused task is not polled ([]).
        TaskFailedError when `poll` raises or returns a bad record; the task is then FAILED and
        every later call raises the same error."""
        self._require_running()
        if self.paused or max_records <= 0:
            return []
        if not self._kept:
            try:
                with task_scope(self.task_id):
                    returned = self.task.poll()
            except Exception as e:  # noqa: BLE001
                raise self._fail(_message(e), e) from e
            returned = list(returned or [])
            for i, record in enumerate(returned):
                problem = check_source_record(record)
                if problem:
                    raise self._fail(f"task {self.task_id} returned a bad record (#{i} of its "
                                     f"poll): {problem}")
            self._kept = returned
        batch, self._kept = self._kept[:max_records], self._kept[max_records:]
        self._records.extend(batch)
        self._uncommitted.extend(batch)
        return batch

    def poll_until(self, count: int, timeout: float = 10.0, max_records: int = 1000
                   ) -> List[SourceRecord]:
        """Polls until at least `count` records came (in this call) or `timeout` seconds passed;
        returns them all. TimeoutError saying how many came when too few did."""
        deadline = time.monotonic() + timeout
        got: List[SourceRecord] = []
        while len(got) < count:
            got.extend(self.poll(max_records))
            if len(got) < count and time.monotonic() >= deadline:
                raise TimeoutError(f"{len(got)} of {count} records within {timeout:g}s")
        return got

    def commit(self, count: Optional[int] = None) -> None:
        """As the worker once Kafka acknowledged the first `count` records polled and not
        committed yet (all by default) and their offsets are durable: stores each partition's
        last offset among them, then calls `commit_record` per record in order and `commit`
        once. An exception from those is logged by the worker, not fatal: it comes back here so
        that a test sees it."""
        self._require_running()
        done = self._uncommitted if count is None else self._uncommitted[:count]
        self._uncommitted = self._uncommitted[len(done):]
        for record in done:
            if record.source_partition is not None:
                self.offsets.put(record.source_partition, record.source_offset)
        self._committed.extend(done)
        with task_scope(self.task_id):
            for record in done:
                self.task.commit_record(record)
            self.task.commit()

    def drop_uncommitted(self) -> List[SourceRecord]:
        """A producer failure: the records polled since the last commit never reached Kafka;
        their offsets are not stored, the task is not told. Returns them."""
        dropped, self._uncommitted = self._uncommitted, []
        return dropped

    def pause(self) -> None:
        """Kafka Connect's PAUSED target state: a paused task is not polled."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def stop(self) -> None:
        """The task's `stop`; may come from another thread while `poll` runs. Stopping a FAILED
        task calls `stop` too, as the worker does. An exception from `stop` is logged by the
        worker and ignored; it comes back here."""
        with self._stop_mu:
            if self.state in ("STOPPED", "UNASSIGNED"):
                return
            if self.state == "RUNNING":
                self.state = "STOPPED"
        with task_scope(self.task_id):
            self.task.stop()

    @property
    def records(self) -> List[SourceRecord]:
        """Every record polled, in order."""
        return list(self._records)

    @property
    def committed(self) -> List[SourceRecord]:
        """Every record committed, in order."""
        return list(self._committed)

    @property
    def uncommitted(self) -> List[SourceRecord]:
        """The records polled since the last commit."""
        return list(self._uncommitted)


# ---- sink tasks -------------------------------------------------------------------------------


class _SinkContext(SinkTaskContext):
    def __init__(self, driver: "SinkTaskDriver", config: ConfigMap) -> None:
        self.task_id = driver.task_id
        self.configs = config
        self._driver = driver

    def report_errant(self, record: SinkRecord, error: str) -> None:
        self._driver._errant.append(ErrantRecord(record, error))

    def pause(self, *partitions: TopicPartition) -> None:
        self._driver._paused.update(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self._driver._paused.difference_update(partitions)

    def offset(self, offsets: Dict[TopicPartition, int]) -> None:
        self._driver._rewinds.update(offsets)
        self._driver._pending_rewinds.update(offsets)

    def request_commit(self) -> None:
        self._driver._commit_requests += 1


class SinkTaskDriver(_TaskDriverState):
    """Runs one sink task as the worker does. `task` is a SinkTask class or instance."""

    def __init__(self, task: Union[Type[SinkTask], SinkTask], task_id: int = 0) -> None:
        self.task: SinkTask = _instance(task)
        self.task_id = task_id
        self.state = "UNASSIGNED"
        self.failure: Optional[TaskFailedError] = None
        self._assigned: Set[TopicPartition] = set()
        self._delivered: Dict[TopicPartition, int] = {}  # next offset handed over
        self._committed: Dict[TopicPartition, int] = {}
        self._delivered_records: List[SinkRecord] = []
        self._errant: List[ErrantRecord] = []
        self._paused: Set[TopicPartition] = set()
        self._rewinds: Dict[TopicPartition, int] = {}
        self._pending_rewinds: Dict[TopicPartition, int] = {}  # not yet applied by put
        self._commit_requests = 0
        self._stop_mu = threading.Lock()

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            with task_scope(self.task_id):
                return method(*args)
        except Exception as e:  # noqa: BLE001  (plugin code)
            raise self._fail(_message(e), e) from e

    def start(self, config: Mapping[str, str]) -> None:
        """Starts the task. TaskFailedError ("Starting task N failed: ...") when `start`
        raises."""
        config = {str(k): str(v) for k, v in config.items()}
        self.task.context = _SinkContext(self, config)
        try:
            with task_scope(self.task_id):
                self.task.start(config)
        except Exception as e:  # noqa: BLE001
            raise self._fail(f"Starting task {self.task_id} failed: {_message(e)}", e) from e
        self.state = "RUNNING"

    def open(self, partitions: Sequence[TopicPartition]) -> None:
        """Assigns `partitions` (the task's `open`), as a rebalance does."""
        self._require_running()
        parts = [TopicPartition(p.topic, p.partition) for p in partitions]
        self._assigned.update(parts)
        self._call(self.task.open, parts)

    def put(self, records: Sequence[SinkRecord]) -> None:
        """Hands `records` to `put`. ValueError (the test's mistake, not the task's) for a record
        of a partition not opened or paused, or not after what was handed before in its
        partition. TaskFailedError when `put` raises; the task is then FAILED. The rewinds the
        task asked for since the previous put apply first, as the worker applies them before it
        fetches again (TaskFailedError for a partition not assigned)."""
        self._require_running()
        pending, self._pending_rewinds = self._pending_rewinds, {}
        for tp, offset in pending.items():
            if tp not in self._assigned:
                raise self._fail(f"the task asked to rewind {tp.topic}-{tp.partition}, which is "
                                 "not assigned to it")
            self._delivered[tp] = offset
        next_offsets = dict(self._delivered)
        for r in records:
            tp = TopicPartition(r.topic, r.kafka_partition)
            if tp not in self._assigned:
                raise ValueError(f"record {r.topic}-{r.kafka_partition}@{r.kafka_offset}: the "
                                 "partition is not assigned to the task (open it first)")
            if tp in self._paused:
                raise ValueError(f"record {r.topic}-{r.kafka_partition}@{r.kafka_offset}: the "
                                 "task paused this partition; the worker does not fetch it")
            if r.kafka_offset < next_offsets.get(tp, 0):
                raise ValueError(f"record {r.topic}-{r.kafka_partition}@{r.kafka_offset} comes "
                                 f"after offset {next_offsets[tp] - 1} was handed over")
            next_offsets[tp] = r.kafka_offset + 1
        self._call(self.task.put, list(records))
        self._delivered = next_offsets
        self._delivered_records.extend(records)

    def commit(self) -> Dict[TopicPartition, int]:
        """The worker's offset commit: `pre_commit` with the next offset of each assigned
        partition handed over; what it answers becomes `committed`. TaskFailedError when it
        raises or answers an offset beyond what was handed over or for a partition not
        assigned."""
        self._require_running()
        current = {tp: o for tp, o in self._delivered.items() if tp in self._assigned}
        answer = self._call(self.task.pre_commit, dict(current)) or {}
        for tp, offset in answer.items():
            if tp not in current:
                raise self._fail(f"pre_commit answered offset {offset} for {tp.topic}-"
                                 f"{tp.partition}, a partition with nothing delivered or not "
                                 "assigned")
            if offset > current[tp]:
                raise self._fail(f"pre_commit answered offset {offset} for {tp.topic}-"
                                 f"{tp.partition}, beyond the {current[tp]} delivered")
        self._committed.update(answer)
        return dict(answer)

    def close(self, partitions: Sequence[TopicPartition]) -> None:
        """Takes partitions away as a rebalance does: commits first, then `close`."""
        self._require_running()
        self.commit()
        parts = [TopicPartition(p.topic, p.partition) for p in partitions]
        self._call(self.task.close, parts)
        self._assigned.difference_update(parts)
        self._paused.difference_update(parts)

    def stop(self) -> None:
        """The task's `stop` (also of a FAILED task). May come from another thread while `put`
        runs."""
        with self._stop_mu:
            if self.state in ("STOPPED", "UNASSIGNED"):
                return
            if self.state == "RUNNING":
                self.state = "STOPPED"
        with task_scope(self.task_id):
            self.task.stop()

    @property
    def committed(self) -> Dict[TopicPartition, int]:
        """The next offset to consume per partition, as last committed."""
        return dict(self._committed)

    def uncommitted(self) -> List[SinkRecord]:
        """The records handed over past `committed`: what Kafka delivers again to a task that
        replaces this one after a crash."""
        return [r for r in self._delivered_records
                if r.kafka_offset >= self._committed.get(TopicPartition(r.topic, r.kafka_partition), 0)]

    @property
    def errant(self) -> List[ErrantRecord]:
        """What the task reported with `context.report_errant`, in order."""
        return list(self._errant)

    @property
    def paused(self) -> Set[TopicPartition]:
        """Partitions the task paused and has not resumed."""
        return set(self._paused)

    @property
    def rewinds(self) -> Dict[TopicPartition, int]:
        """The offsets the task asked to rewind to (`context.offset`), the last per partition."""
        return dict(self._rewinds)

    @property
    def commit_requests(self) -> int:
        """How many times the task called `context.request_commit`."""
        return self._commit_requests

    @property
    def assigned(self) -> Set[TopicPartition]:
        return set(self._assigned)


def as_sink_records(records: Sequence[SourceRecord], first_offset: int = 0) -> List[SinkRecord]:
    """Source records as a sink task receives them after they went through Kafka: the same topic,
    key, value, schemas, headers and timestamp, the record's partition (0 when unset) and offsets
    counting from `first_offset` per partition, in order."""
    next_offset: Dict[TopicPartition, int] = {}
    out = []
    for r in records:
        tp = TopicPartition(r.topic, r.partition or 0)
        offset = next_offset.get(tp, first_offset)
        next_offset[tp] = offset + 1
        out.append(SinkRecord(topic=r.topic, kafka_partition=tp.partition, kafka_offset=offset,
                              key=r.key, key_schema=r.key_schema, value=r.value,
                              value_schema=r.value_schema, timestamp_ms=r.timestamp_ms,
                              timestamp_type="CreateTime" if r.timestamp_ms is not None
                              else "NoTimestampType",
                              headers=[replace(h) for h in r.headers]))
    return out
