"""Connectors, tasks and their contexts, with the concepts of Kafka Connect's API (and the C++
SDK's connector.h). Plugin code subclasses SourceConnector/SourceTask or SinkConnector/SinkTask;
`sluice_sdk.serve` runs them.

Threading: the SDK calls a connector from one thread at a time. A task's methods are called from
its own thread, except `stop`, which comes from the stream's reader thread so that a blocked
`poll` can return: make `poll` wake up when `stop` is called.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .config import ConfigDef, ConfigValueResult
from .data import Schema

ConfigMap = Dict[str, str]


@dataclass(frozen=True)
class TopicPartition:
    topic: str
    partition: int


@dataclass
class Header:
    key: str
    value: Any
    schema: Optional[Schema] = None


@dataclass
class SourceRecord:
    """A record a source task produces. `source_partition` and `source_offset` are dicts with
    string keys and primitive values (Kafka Connect's rules); the worker stores the offset once
    the record is written, and the task reads it back through
    `context.offset_storage_reader.offset(partition)` after a restart."""

    source_partition: Optional[Dict[str, Any]]
    source_offset: Optional[Dict[str, Any]]
    topic: str
    value: Any = None
    value_schema: Optional[Schema] = None
    key: Any = None
    key_schema: Optional[Schema] = None
    partition: Optional[int] = None
    timestamp_ms: Optional[int] = None
    headers: List[Header] = field(default_factory=list)


@dataclass
class SinkRecord:
    """A record consumed from Kafka and handed to a sink task's `put`."""

    topic: str
    kafka_partition: int
    kafka_offset: int
    key: Any = None
    key_schema: Optional[Schema] = None
    value: Any = None
    value_schema: Optional[Schema] = None
    timestamp_ms: Optional[int] = None
    timestamp_type: str = "NoTimestampType"  # CreateTime, LogAppendTime
    headers: List[Header] = field(default_factory=list)


class ConnectorContext(abc.ABC):
    @abc.abstractmethod
    def request_task_reconfiguration(self) -> None:
        """Asks the worker to call task_configs again (the connector's inputs changed)."""

    @abc.abstractmethod
    def raise_error(self, message: str, trace: str = "") -> None:
        """Fails the connector (its status becomes FAILED with this message)."""


class Connector(abc.ABC):
    """What both connector kinds have. `config_def` is a class attribute or property."""

    config_def: ConfigDef = ConfigDef()
    #: The name users put in connector.class; default: the module-qualified class name.
    connector_class: Optional[str] = None
    #: Other names the class is found by ("CounterSource").
    aliases: Sequence[str] = ()

    def __init__(self) -> None:
        self.context: Optional[ConnectorContext] = None

    @classmethod
    def class_name(cls) -> str:
        """The canonical class name users put in connector.class."""
        if cls.connector_class:
            return cls.connector_class
        return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "__main__" else cls.__qualname__

    def version(self) -> str:
        return "0.0.0"

    def validate(self, config: ConfigMap) -> List[ConfigValueResult]:
        """Validates `config`: by default the ConfigDef's checks. Override to add checks of
        several keys together (append to the results' errors)."""
        return self.config_def.validate(config)

    @abc.abstractmethod
    def start(self, config: ConfigMap) -> None: ...

    @abc.abstractmethod
    def task_configs(self, max_tasks: int) -> List[ConfigMap]: ...

    def stop(self) -> None:
        pass


class OffsetStorageReader(abc.ABC):
    @abc.abstractmethod
    def offset(self, partition: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        """The last committed offset of `partition`, or None. Asks the worker (OffsetsRequest);
        raises OffsetReadError when it does not answer."""

    def offsets(self, partitions: Sequence[Mapping[str, Any]]) -> Dict[int, Optional[Dict[str, Any]]]:
        return {i: self.offset(p) for i, p in enumerate(partitions)}


class OffsetReadError(RuntimeError):
    """An offset could not be read (the worker did not answer, or the stream is closing)."""


class SourceTaskContext(abc.ABC):
    task_id: int
    configs: ConfigMap

    @property
    @abc.abstractmethod
    def offset_storage_reader(self) -> OffsetStorageReader: ...


class SinkTaskContext(abc.ABC):
    task_id: int
    configs: ConfigMap

    @abc.abstractmethod
    def report_errant(self, record: SinkRecord, error: str) -> None:
        """Sends a record the task could not write to the worker's errant record reporter
        (errors.tolerance, dead letter queue)."""

    @abc.abstractmethod
    def pause(self, *partitions: TopicPartition) -> None: ...

    @abc.abstractmethod
    def resume(self, *partitions: TopicPartition) -> None: ...

    @abc.abstractmethod
    def offset(self, offsets: Dict[TopicPartition, int]) -> None:
        """Kafka Connect's SinkTaskContext.offset: the worker moves its consumer to these offsets
        (the next offset to consume per partition) before it fetches again; asked in `open`, the
        partitions start there. A partition not assigned to the task fails it."""

    @abc.abstractmethod
    def request_commit(self) -> None:
        """Kafka Connect's SinkTaskContext.requestCommit: the worker commits at its next turn
        instead of at offset.flush.interval.ms."""


class SourceTask(abc.ABC):
    context: SourceTaskContext

    @abc.abstractmethod
    def start(self, config: ConfigMap) -> None: ...

    @abc.abstractmethod
    def poll(self) -> List[SourceRecord]:
        """The next records; [] when none are ready (may block briefly). Raise to fail."""

    def commit_record(self, record: SourceRecord) -> None:
        """Called for each record once Kafka acknowledged it and its offset is durable."""

    def commit(self) -> None:
        """Called after commit_record for every record of one commit."""

    def stop(self) -> None:
        """Called from another thread than poll: make a blocked poll return."""


class SinkTask(abc.ABC):
    context: SinkTaskContext

    @abc.abstractmethod
    def start(self, config: ConfigMap) -> None: ...

    @abc.abstractmethod
    def put(self, records: List[SinkRecord]) -> None: ...

    def open(self, partitions: List[TopicPartition]) -> None:
        pass

    def close(self, partitions: List[TopicPartition]) -> None:
        pass

    def flush(self, offsets: Dict[TopicPartition, int]) -> None:
        """Makes everything put so far durable. `offsets`: the next offset per partition."""

    def pre_commit(self, offsets: Dict[TopicPartition, int]) -> Dict[TopicPartition, int]:
        """The offsets the worker may commit to Kafka. Default: flush, then all of `offsets`."""
        self.flush(offsets)
        return offsets

    def stop(self) -> None:
        pass


class SourceConnector(Connector):
    task_class: type = SourceTask


class SinkConnector(Connector):
    task_class: type = SinkTask
