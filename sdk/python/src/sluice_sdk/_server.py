"""The exec-plugin life: serves sluice.plugin.v1.Plugin on a unix socket in
SLUICE_PLUGIN_SOCKET_DIR, prints the handshake line, keeps stdout silent afterwards, and exits on
stdin EOF or the Shutdown RPC (plugin-host/README.md is the contract this follows).

Threads: gRPC's pool serves the calls; each task stream has its own task thread (source tasks
also a reader thread, so that `stop` reaches a blocked `poll` and offset replies arrive while the
task waits for them). The connector instance is guarded by a lock.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import traceback
from concurrent import futures
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Type

import grpc

from . import __version__
from ._proto import plugin_pb2 as pb
from ._proto import plugin_pb2_grpc as pb_grpc
from ._wire import (IncomingSchemas, OutgoingSchemas, offsets_from_proto, partitions_from_proto,
                    sink_record_from_proto, sink_record_to_proto, source_record_to_proto,
                    value_from_proto, value_to_proto)
from .config import ConfigException, ConfigKey, ConfigValueResult
from .connector import (Connector, ConnectorContext, OffsetReadError, OffsetStorageReader,
                        SinkRecord, SinkTask, SinkTaskContext, SourceConnector,
                        SourceRecord, SourceTask, SourceTaskContext, TopicPartition)
from .log import CONNECTOR_TASK, LogFanout, task_scope
from .plugin import Plugin

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
OFFSETS_TIMEOUT_S = 30.0
_EVENTS_KEPT = 100
_END = object()
_log = logging.getLogger("sluice_sdk")


def task_class_name(cls: type) -> str:
    explicit = getattr(cls, "task_class_name", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    return cls.__qualname__ if cls.__module__ == "__main__" else f"{cls.__module__}.{cls.__qualname__}"


def _kind(cls: Type[Connector]) -> int:
    return pb.CONNECTOR_TYPE_SOURCE if issubclass(cls, SourceConnector) else pb.CONNECTOR_TYPE_SINK


def _trace(e: BaseException) -> str:
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))


def _code(e: BaseException) -> grpc.StatusCode:
    return grpc.StatusCode.INVALID_ARGUMENT if isinstance(e, ConfigException) else grpc.StatusCode.UNKNOWN


def _message(e: BaseException) -> str:
    return str(e) or type(e).__name__


def _key_to_proto(key: ConfigKey, out: pb.ConfigKeyDefinition) -> None:
    out.name = key.name
    out.type = getattr(pb.ConfigKeyDefinition, "TYPE_" + key.type.value)
    if key.default_value is not None:
        out.default_value = key.default_value
    out.null_default = key.null_default and key.default_value is None
    out.importance = getattr(pb.ConfigKeyDefinition, "IMPORTANCE_" + key.importance.value)
    out.documentation = key.documentation
    if key.group is not None:
        out.group = key.group
    out.order_in_group = key.order_in_group
    out.width = getattr(pb.ConfigKeyDefinition, "WIDTH_" + key.width.value)
    out.display_name = key.display_name or key.name
    out.dependents.extend(key.dependents)
    if key.validator is not None:
        out.validator = key.validator.doc
    out.recommended_values.extend(key.recommended_values)


def _result_to_proto(r: ConfigValueResult, out: pb.ConfigValueResult) -> None:
    out.name = r.name
    if r.value is not None:
        out.value = r.value
    out.recommended_values.extend(r.recommended_values)
    out.errors.extend(r.errors)
    out.visible = r.visible


class _Events(ConnectorContext):
    """ConnectorEvents fan-out; events raised while nobody listens wait (up to 100) for the first
    listener. Thread-safe."""

    def __init__(self) -> None:
        self._mu = threading.Lock()
        self._listeners: List["queue.Queue[Any]"] = []
        self._kept: List[pb.ConnectorEvent] = []

    def _raise(self, event: pb.ConnectorEvent) -> None:
        with self._mu:
            if not self._listeners:
                if len(self._kept) < _EVENTS_KEPT:
                    self._kept.append(event)
                return
            for q in self._listeners:
                q.put(event)

    def request_task_reconfiguration(self) -> None:
        e = pb.ConnectorEvent()
        e.reconfigure.SetInParent()
        self._raise(e)

    def raise_error(self, message: str, trace: str = "") -> None:
        e = pb.ConnectorEvent()
        e.failure.message = message
        e.failure.trace = trace
        self._raise(e)

    def listen(self) -> "queue.Queue[Any]":
        q: "queue.Queue[Any]" = queue.Queue()
        with self._mu:
            for e in self._kept:
                q.put(e)
            self._kept.clear()
            self._listeners.append(q)
        return q

    def unlisten(self, q: "queue.Queue[Any]") -> None:
        with self._mu:
            if q in self._listeners:
                self._listeners.remove(q)
        q.put(_END)


class _Session:
    """One task stream: messages for the worker go through `out`; `run` yields them."""

    def __init__(self, service: "_PluginService", start: pb.TaskStart,
                 requests: Iterator[Any], context: grpc.ServicerContext) -> None:
        self.service = service
        self.task_id = start.task
        self.config: Dict[str, str] = dict(start.config)
        self.connector_name = start.connector_name
        # Sink tasks: the worker takes OffsetsRewind, CommitRequest and OpenDone.
        self.sink_context = start.sink_context
        self.requests = requests
        self.context = context
        self.out: "queue.Queue[Any]" = queue.Queue()

    def run(self) -> Iterator[Any]:
        self.context.add_callback(self.cancelled)
        self.service.sessions_add(self)
        try:
            self.begin()
            while True:
                m = self.out.get()
                if m is _END:
                    return
                if isinstance(m, tuple):  # (code, message): end the stream with this status
                    self.context.abort(m[0], m[1])
                yield m
        finally:
            self.service.sessions_remove(self)

    def begin(self) -> None:
        raise NotImplementedError

    def cancelled(self) -> None:
        """The stream ended from the worker's side (or the host shuts down)."""
        raise NotImplementedError

    def task_error(self, message: str, trace: str, retriable: bool = False) -> Any:
        raise NotImplementedError


class _OffsetReader(OffsetStorageReader):
    def __init__(self, session: "_SourceSession") -> None:
        self._session = session

    def offset(self, partition: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        return self._session.read_offset(dict(partition))


class _SourceContext(SourceTaskContext):
    def __init__(self, session: "_SourceSession") -> None:
        self.task_id = session.task_id
        self.configs = session.config
        self._reader = _OffsetReader(session)

    @property
    def offset_storage_reader(self) -> OffsetStorageReader:
        return self._reader


class _SourceSession(_Session):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.commands: "queue.Queue[Any]" = queue.Queue()
        self.mu = threading.Lock()
        self.pending: Dict[int, Optional[pb.OffsetsReply]] = {}
        self.answered = threading.Condition(self.mu)
        self.next_request_id = 1
        self.offsets_closed = False
        self.start_done = threading.Event()
        self.task: Optional[SourceTask] = None
        self.stopped = False
        self.failed = False
        self.kept: List[SourceRecord] = []
        self.kept_next = 0
        self.unacked: List[Any] = []
        self.next_record_id = 1
        self.schemas = OutgoingSchemas()

    def begin(self) -> None:
        threading.Thread(target=self._read, name=f"source-{self.task_id}-reader", daemon=True).start()
        threading.Thread(target=self._task_loop, name=f"source-{self.task_id}", daemon=True).start()

    def task_error(self, message: str, trace: str, retriable: bool = False) -> Any:
        m = pb.SourcePluginMessage()
        m.error.message, m.error.trace, m.error.retriable = message, trace, retriable
        return m

    def cancelled(self) -> None:
        self.commands.put(("closed",))

    def _read(self) -> None:
        try:
            for msg in self.requests:
                kind = msg.WhichOneof("msg")
                if kind == "poll":
                    self.commands.put(("poll", msg.poll))
                elif kind == "committed":
                    self.commands.put(("committed", msg.committed.up_to_record_id))
                elif kind == "offsets_reply":
                    with self.mu:
                        if msg.offsets_reply.request_id in self.pending:
                            self.pending[msg.offsets_reply.request_id] = msg.offsets_reply
                            self.answered.notify_all()
                elif kind == "stop":
                    self.stop_task()
                    self.commands.put(("stop",))
                    return
                elif kind == "start":
                    self.commands.put(("abort", grpc.StatusCode.FAILED_PRECONDITION,
                                       "Start may only be the first message of a task stream"))
                    return
                else:
                    self.commands.put(("abort", grpc.StatusCode.INVALID_ARGUMENT,
                                       "empty SourceWorkerMessage on the task stream"))
                    return
        except Exception:  # the stream was cancelled
            pass
        self.commands.put(("closed",))

    def stop_task(self) -> None:
        with self.mu:
            self.offsets_closed = True
            self.answered.notify_all()
        self.start_done.wait()
        with self.mu:
            if self.stopped or self.task is None:
                return
            self.stopped = True
        with task_scope(self.task_id):
            try:
                self.task.stop()
            except Exception as e:  # noqa: BLE001  (plugin code)
                _log.warning("task %d: stop failed: %s", self.task_id, _message(e))

    def read_offset(self, partition: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        with self.mu:
            if self.offsets_closed:
                raise OffsetReadError("cannot read offsets: the task stream is closing")
            rid = self.next_request_id
            self.next_request_id += 1
            self.pending[rid] = None
        m = pb.SourcePluginMessage()
        m.offsets_request.request_id = rid
        value_to_proto(partition, None, m.offsets_request.partitions.add())
        self.out.put(m)
        with self.mu:
            self.answered.wait_for(lambda: self.offsets_closed or self.pending[rid] is not None,
                                   OFFSETS_TIMEOUT_S)
            reply = self.pending.pop(rid)
        if reply is None:
            raise OffsetReadError(f"no answer from the worker to offsets request {rid} within "
                                  f"{OFFSETS_TIMEOUT_S:g}s")
        for entry in reply.offsets:
            returned = value_from_proto(entry.partition, None) if entry.HasField("partition") else None
            if returned is not None and returned != partition:
                continue
            if returned is None and len(reply.offsets) != 1:
                continue
            if not entry.HasField("offset"):
                return None
            offset = value_from_proto(entry.offset, None)
            return offset if isinstance(offset, dict) else None
        return None

    def _task_loop(self) -> None:
        with task_scope(self.task_id):
            self._run_task()

    def _run_task(self) -> None:
        try:
            cls = self.service.task_class_for(self.config, pb.CONNECTOR_TYPE_SOURCE)
            task = cls()
            task.context = _SourceContext(self)
            task.start(self.config)
        except Exception as e:  # noqa: BLE001
            self.out.put(self.task_error(f"Starting task {self.task_id} failed: {_message(e)}", _trace(e)))
            self.start_done.set()
            self.out.put(_END)
            return
        started = pb.SourcePluginMessage()
        started.started.SetInParent()
        self.out.put(started)
        with self.mu:
            self.task = task
        self.start_done.set()
        while True:
            command = self.commands.get()
            if command[0] == "poll":
                if not self.failed:
                    self._poll(task, command[1])
            elif command[0] == "committed":
                if not self.failed:
                    self._committed(task, command[1])
            elif command[0] == "abort":
                self.stop_task()
                self.out.put((command[1], command[2]))
                return
            else:  # stop, or the worker closed the stream
                self.stop_task()
                if command[0] == "stop":
                    done = pb.SourcePluginMessage()
                    done.stopped.SetInParent()
                    self.out.put(done)
                self.out.put(_END)
                return

    def _poll(self, task: SourceTask, poll: pb.Poll) -> None:
        try:
            if self.kept_next == len(self.kept) and poll.max_records > 0:
                self.kept = list(task.poll() or [])
                self.kept_next = 0
            m = pb.SourcePluginMessage()
            batch = m.batch
            batch.SetInParent()
            size = 0
            while self.kept_next < len(self.kept) and len(batch.records) < poll.max_records:
                if poll.max_bytes > 0 and len(batch.records) > 0 and size >= poll.max_bytes:
                    break
                record = self.kept[self.kept_next]
                source_record_to_proto(record, self.next_record_id, self.schemas, batch)
                size += batch.records[-1].ByteSize()
                self.unacked.append((self.next_record_id, record))
                self.next_record_id += 1
                self.kept_next += 1
            if self.kept_next == len(self.kept):
                self.kept, self.kept_next = [], 0
        except Exception as e:  # noqa: BLE001
            self.failed = True
            self.out.put(self.task_error(_message(e), _trace(e)))
            return
        self.out.put(m)

    def _committed(self, task: SourceTask, up_to: int) -> None:
        done = 0
        try:
            for rid, record in self.unacked:
                if rid > up_to:
                    break
                done += 1
                task.commit_record(record)
            task.commit()
        except Exception as e:  # noqa: BLE001  Kafka Connect logs a failed commit and goes on
            _log.error("task %d: commit failed: %s", self.task_id, _message(e))
        finally:
            del self.unacked[:done]


class _SinkContext(SinkTaskContext):
    def __init__(self, session: "_SinkSession") -> None:
        self.task_id = session.task_id
        self.configs = session.config
        self._session = session

    def report_errant(self, record: SinkRecord, error: str) -> None:
        m = pb.SinkPluginMessage()
        m.errant.error = error
        sink_record_to_proto(record, self._session.errant_schemas, m.errant.schemas, m.errant.record)
        self._session.out.put(m)

    def pause(self, *partitions: TopicPartition) -> None:
        m = pb.SinkPluginMessage()
        m.pause.SetInParent()
        for p in partitions:
            m.pause.partitions.add(topic=p.topic, partition=p.partition)
        self._session.out.put(m)

    def resume(self, *partitions: TopicPartition) -> None:
        m = pb.SinkPluginMessage()
        m.resume.SetInParent()
        for p in partitions:
            m.resume.partitions.add(topic=p.topic, partition=p.partition)
        self._session.out.put(m)

    def offset(self, offsets: Dict[TopicPartition, int]) -> None:
        if not offsets:
            return
        if not self._session.sink_context:
            _log.warning("task %d: the task asked to rewind its consumer; this worker does not "
                         "take rewinds: ignored, consumption continues from the committed offsets",
                         self.task_id)
            return
        m = pb.SinkPluginMessage()
        for tp, offset in offsets.items():
            m.rewind.offsets.add(topic=tp.topic, partition=tp.partition, offset=offset)
        self._session.out.put(m)

    def request_commit(self) -> None:
        if not self._session.sink_context:
            return  # the worker commits at its next interval
        m = pb.SinkPluginMessage()
        m.commit_request.SetInParent()
        self._session.out.put(m)


class _SinkSession(_Session):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.schemas = IncomingSchemas()
        self.errant_schemas = OutgoingSchemas()

    def begin(self) -> None:
        threading.Thread(target=self._run, name=f"sink-{self.task_id}", daemon=True).start()

    def cancelled(self) -> None:
        pass  # the reading loop ends by itself

    def task_error(self, message: str, trace: str, retriable: bool = False) -> Any:
        m = pb.SinkPluginMessage()
        m.error.message, m.error.trace, m.error.retriable = message, trace, retriable
        return m

    def _run(self) -> None:
        with task_scope(self.task_id):
            try:
                cls = self.service.task_class_for(self.config, pb.CONNECTOR_TYPE_SINK)
                task = cls()
                task.context = _SinkContext(self)
                task.start(self.config)
            except Exception as e:  # noqa: BLE001
                self.out.put(self.task_error(f"Starting task {self.task_id} failed: {_message(e)}", _trace(e)))
                self.out.put(_END)
                return
            started = pb.SinkPluginMessage()
            # Every PartitionsOpened is answered with OpenDone, after the rewinds open asked for.
            started.started.open_done = self.sink_context
            self.out.put(started)
            stop_received, end = False, None
            failed = False
            try:
                for msg in self.requests:
                    kind = msg.WhichOneof("msg")
                    if kind == "stop":
                        stop_received = True
                        break
                    if kind == "start":
                        end = (grpc.StatusCode.FAILED_PRECONDITION,
                               "Start may only be the first message of a task stream")
                        break
                    if kind is None:
                        end = (grpc.StatusCode.INVALID_ARGUMENT, "empty SinkWorkerMessage on the task stream")
                        break
                    if failed:
                        continue  # a dead task waits for Stop
                    try:
                        answer = self._handle(task, msg, kind)
                    except Exception as e:  # noqa: BLE001
                        failed = True
                        self.out.put(self.task_error(_message(e), _trace(e)))
                        continue
                    if answer is not None:
                        self.out.put(answer)
            except Exception:  # the stream was cancelled
                pass
            try:
                task.stop()
            except Exception as e:  # noqa: BLE001
                _log.warning("task %d: stop failed: %s", self.task_id, _message(e))
            if end is not None:
                self.out.put(end)
            elif stop_received:
                done = pb.SinkPluginMessage()
                done.stopped.SetInParent()
                self.out.put(done)
            self.out.put(_END)

    def _handle(self, task: SinkTask, msg: Any, kind: str) -> Optional[pb.SinkPluginMessage]:
        if kind == "open":
            task.open(partitions_from_proto(msg.open.partitions))
            if not self.sink_context:
                return None
            answer = pb.SinkPluginMessage()
            answer.open_done.SetInParent()
            return answer
        if kind == "close":
            task.close(partitions_from_proto(msg.close.partitions))
            return None
        if kind == "put":
            self.schemas.add(msg.put.schemas)
            records = [sink_record_from_proto(r, self.schemas) for r in msg.put.records]
            task.put(records)
            answer = pb.SinkPluginMessage()
            answer.put_done.SetInParent()
            return answer
        if kind == "pre_commit":
            committable = task.pre_commit(offsets_from_proto(msg.pre_commit.offsets))
            answer = pb.SinkPluginMessage()
            answer.pre_commit_done.SetInParent()
            for tp, offset in (committable or {}).items():
                answer.pre_commit_done.offsets.add(topic=tp.topic, partition=tp.partition,
                                                   offset=offset)
            return answer
        return None


class _PluginService(pb_grpc.PluginServicer):
    def __init__(self, plugin: Plugin, logs: LogFanout, shutdown: threading.Event) -> None:
        self.plugin = plugin
        self.logs = logs
        self.shutdown_requested = shutdown
        self.events = _Events()
        self.mu = threading.Lock()
        self.connector: Optional[Connector] = None
        self.connector_name = ""
        self.sessions: Set[_Session] = set()

    # ---- helpers -----------------------------------------------------------------------------

    def sessions_add(self, s: _Session) -> None:
        with self.mu:
            self.sessions.add(s)

    def sessions_remove(self, s: _Session) -> None:
        with self.mu:
            self.sessions.discard(s)

    def task_class_for(self, config: Mapping[str, str], kind: int) -> type:
        candidates = [c for c in self.plugin.connectors if _kind(c) == kind]
        wanted = config.get("task.class")
        if wanted:
            for c in candidates:
                if task_class_name(c.task_class) == wanted:
                    return c.task_class
        named = config.get("connector.class")
        if named:
            c = self.plugin.find(named)
            if c is not None and _kind(c) == kind:
                return c.task_class
        if len(candidates) == 1:
            return candidates[0].task_class
        raise ConfigException(f"no {'source' if kind == pb.CONNECTOR_TYPE_SOURCE else 'sink'} task "
                              f"class for task.class={wanted!r}, connector.class={named!r} in "
                              f"plugin {self.plugin.name}")

    def _find(self, name: str, context: grpc.ServicerContext) -> Type[Connector]:
        cls = self.plugin.find(name)
        if cls is None:
            context.abort(grpc.StatusCode.NOT_FOUND,
                          f"Connector class {name} is not provided by plugin {self.plugin.name}")
        assert cls is not None
        return cls

    # ---- the service -------------------------------------------------------------------------

    def Handshake(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        if request.protocol_version != PROTOCOL_VERSION:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          f"plugin protocol version {request.protocol_version} is not supported "
                          f"(this host speaks {PROTOCOL_VERSION})")
        return pb.HandshakeResponse(protocol_version=PROTOCOL_VERSION, sdk=f"python/{__version__}")

    def Describe(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        response = pb.DescribeResponse(plugin_name=self.plugin.name, plugin_version=self.plugin.version)
        for cls in self.plugin.connectors:
            try:
                connector = cls()
                version = connector.version()
                keys = connector.config_def.keys
            except Exception as e:  # noqa: BLE001
                context.abort(_code(e), f"Describing {cls.class_name()}: {_message(e)}")
            c = response.connectors.add(class_name=cls.class_name(), type=_kind(cls), version=version)
            c.aliases.extend(cls.aliases)
            for key in keys:
                _key_to_proto(key, c.config.add())
        return response

    def Validate(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        cls = self._find(request.connector_class, context)
        try:
            results = cls().validate(dict(request.config))
        except Exception as e:  # noqa: BLE001
            context.abort(_code(e), _message(e))
        response = pb.ValidateResponse()
        for r in results:
            _result_to_proto(r, response.values.add())
        return response

    def StartConnector(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        cls = self._find(request.connector_class, context)
        with self.mu:
            if self.connector is not None:
                context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                              f"Connector {self.connector_name} is already running in this plugin "
                              "host (one per host)")
            try:
                connector = cls()
                connector.context = self.events
                connector.start(dict(request.config))
            except Exception as e:  # noqa: BLE001
                _log.error("Starting connector %s failed:\n%s", request.connector_name, _trace(e))
                context.abort(_code(e), f"Starting connector {request.connector_name}: {_message(e)}")
            self.connector = connector
            self.connector_name = request.connector_name
        return pb.StartConnectorResponse()

    def TaskConfigs(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        with self.mu:
            if self.connector is None:
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, "No connector is running in this plugin host")
            assert self.connector is not None
            try:
                configs = self.connector.task_configs(request.max_tasks)
            except Exception as e:  # noqa: BLE001
                context.abort(_code(e), _message(e))
            response = pb.TaskConfigsResponse(task_class=task_class_name(type(self.connector).task_class))  # type: ignore[attr-defined]
            for c in configs:
                response.tasks.add().config.update({str(k): str(v) for k, v in c.items()})
            return response

    def StopConnector(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        with self.mu:
            if self.connector is None:
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, "No connector is running in this plugin host")
            assert self.connector is not None
            connector, self.connector = self.connector, None
            try:
                connector.stop()
            except Exception as e:  # noqa: BLE001
                context.abort(_code(e), _message(e))
        return pb.StopConnectorResponse()

    def ConnectorEvents(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802
        q = self.events.listen()
        context.add_callback(lambda: self.events.unlisten(q))
        while True:
            e = q.get()
            if e is _END:
                return
            yield e

    def Logs(self, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802
        q = self.logs.listen()
        context.add_callback(lambda: self.logs.unlisten(q))
        levels = ((logging.ERROR, pb.LogRecord.LEVEL_ERROR), (logging.WARNING, pb.LogRecord.LEVEL_WARN),
                  (logging.INFO, pb.LogRecord.LEVEL_INFO), (logging.DEBUG, pb.LogRecord.LEVEL_DEBUG))
        while True:
            r = q.get()
            if r is None:
                return
            level = next((p for l, p in levels if r.levelno >= l), pb.LogRecord.LEVEL_TRACE)
            message = r.getMessage()
            if r.exc_info:
                message += "\n" + "".join(traceback.format_exception(*r.exc_info))
            yield pb.LogRecord(level=level, logger=r.name, message=message,
                               task=getattr(r, "sluice_task", CONNECTOR_TASK),
                               timestamp_ms=int(r.created * 1000))

    def SourceTask(self, request_iterator: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("msg") != "start":
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          "the first message of a task stream must be Start")
        yield from _SourceSession(self, first.start, request_iterator, context).run()

    def SinkTask(self, request_iterator: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("msg") != "start":
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          "the first message of a task stream must be Start")
        yield from _SinkSession(self, first.start, request_iterator, context).run()

    def Shutdown(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        self.shutdown_requested.set()
        return pb.ShutdownResponse()

    def stop_everything(self) -> None:
        """Host shutdown: stops the task sessions' tasks and the connector."""
        with self.mu:
            sessions = list(self.sessions)
        for s in sessions:
            if isinstance(s, _SourceSession):
                s.stop_task()
            s.out.put(_END)
        with self.mu:
            connector, self.connector = self.connector, None
        if connector is not None:
            try:
                connector.stop()
            except Exception as e:  # noqa: BLE001
                _log.warning("stopping the connector failed: %s", _message(e))
        for h in list(logging.getLogger().handlers):
            if isinstance(h, LogFanout):
                h.flush()


def serve(plugin: Plugin, log_level: int = logging.INFO) -> None:
    """Runs `plugin` as an exec plugin until stdin reaches EOF or the worker calls Shutdown, then
    exits the process (status 0; 1 when the socket cannot be served)."""
    socket_dir = os.environ.get("SLUICE_PLUGIN_SOCKET_DIR")
    if not socket_dir:
        print("sluice_sdk: SLUICE_PLUGIN_SOCKET_DIR is not set (run this plugin through "
              "sluice-plugin-host)", file=sys.stderr, flush=True)
        os._exit(1)
    path = os.path.join(socket_dir, f"plugin-{os.getpid()}.sock")
    logs = LogFanout()
    root = logging.getLogger()
    root.addHandler(logs)
    root.setLevel(log_level)

    shutdown = threading.Event()
    service = _PluginService(plugin, logs, shutdown)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="grpc"),
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    pb_grpc.add_PluginServicer_to_server(service, server)
    try:
        if os.path.exists(path):
            os.unlink(path)
        server.add_insecure_port("unix:" + path)
        server.start()
    except Exception as e:  # noqa: BLE001
        print(f"sluice_sdk: cannot serve on {path}: {_message(e)}", file=sys.stderr, flush=True)
        os._exit(1)

    sys.stdout.write(f"SLUICE-PLUGIN|{PROTOCOL_VERSION}|unix|{path}|grpc\n")
    sys.stdout.flush()
    # Nothing else may appear on stdout: whatever plugin code prints goes to stderr.
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def watch_stdin() -> None:
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        shutdown.set()

    threading.Thread(target=watch_stdin, name="stdin", daemon=True).start()
    shutdown.wait()
    _log.info("plugin %s shutting down", plugin.name)
    service.stop_everything()
    server.stop(grace=2).wait()
    try:
        os.unlink(path)
    except OSError:
        pass
    sys.stderr.flush()
    os._exit(0)


