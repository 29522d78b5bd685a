"""Logging that reaches the worker. Plugin code logs with the standard `logging` module (or
`sluice_sdk.get_logger`); while the plugin runs under `serve`, every record goes to the worker's
`Logs` stream with its logger name, level and the task it came from (-1 for the connector), and
to stderr while the worker does not listen. The worker writes them to its log with the
connector's name."""

from __future__ import annotations

import logging
import queue
import sys
import threading
from typing import List, Optional

_context = threading.local()
CONNECTOR_TASK = -1


def current_task() -> int:
    """The task the calling thread works for, or -1 for the connector instance."""
    return getattr(_context, "task", CONNECTOR_TASK)


class task_scope:  # noqa: N801  (used as a `with` statement)
    """Marks the calling thread as working for `task` while the block runs."""

    def __init__(self, task: int) -> None:
        self._task = task
        self._previous = CONNECTOR_TASK

    def __enter__(self) -> None:
        self._previous = current_task()
        _context.task = self._task

    def __exit__(self, *exc: object) -> None:
        _context.task = self._previous


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


class LogFanout(logging.Handler):
    """Hands each log record to every Logs stream listening, or to stderr when none does.
    Thread-safe."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._mu = threading.Lock()
        self._listeners: List["queue.Queue[Optional[logging.LogRecord]]"] = []
        self._stderr = logging.StreamHandler(sys.stderr)
        self._stderr.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s [task %(sluice_task)s] %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        record.sluice_task = current_task()
        with self._mu:
            listeners = list(self._listeners)
        if not listeners:
            self._stderr.emit(record)
            return
        for q in listeners:
            q.put(record)

    def listen(self) -> "queue.Queue[Optional[logging.LogRecord]]":
        q: "queue.Queue[Optional[logging.LogRecord]]" = queue.Queue()
        with self._mu:
            self._listeners.append(q)
        return q

    def unlisten(self, q: "queue.Queue[Optional[logging.LogRecord]]") -> None:
        with self._mu:
            if q in self._listeners:
                self._listeners.remove(q)
        q.put(None)
