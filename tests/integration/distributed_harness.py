"""What the distributed-mode tests (test_distributed.py) need around a real broker: Kafka Connect
workers of both kinds in one group (`sluiced distributed` and Apache Kafka Connect 3.9.1's
ConnectDistributed from tools/kafka's jars) with the same worker properties, a file that a
thread appends sequence-numbered lines to while connectors read it, a check that a sink's file
holds every number (duplicates counted), and readers of statuses, owners and logs.

Every wait has a deadline (wait_for); nothing sleeps for a fixed time to let things happen."""

import collections
import datetime
import json
import os
import pathlib
import re
import subprocess
import threading
import time

import requests

from conftest import BUILD, REPO, Sluiced, WorkerProcess, free_port, wait_for

# Where tools/kafka fetch puts the jars (always under the repository's build/).
JAVA_LIBS = REPO / "build" / "kafka" / "3.9.1" / "libs"

# Short timeouts so that a crash is noticed and its work reassigned within seconds.
SESSION_TIMEOUT_MS = 6000
HEARTBEAT_INTERVAL_MS = 1000
SCHEDULED_REBALANCE_MAX_DELAY_MS = 5000

JAVA_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.reflections=ERROR
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common=WARN
"""


def distributed_props(bootstrap, group, **overrides):
    """A connect-distributed.properties for a worker of `group` (topics named after the group),
    listening on a free port that it also advertises."""
    port = free_port()
    props = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "config.storage.topic": f"{group}-configs",
        "offset.storage.topic": f"{group}-offsets",
        "status.storage.topic": f"{group}-status",
        "config.storage.replication.factor": "1",
        "offset.storage.replication.factor": "1",
        "status.storage.replication.factor": "1",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "listeners": f"http://127.0.0.1:{port}",
        "rest.advertised.host.name": "127.0.0.1",
        "rest.advertised.port": str(port),
        "session.timeout.ms": str(SESSION_TIMEOUT_MS),
        "heartbeat.interval.ms": str(HEARTBEAT_INTERVAL_MS),
        "scheduled.rebalance.max.delay.ms": str(SCHEDULED_REBALANCE_MAX_DELAY_MS),
        "offset.flush.interval.ms": "1000",
        "task.shutdown.graceful.timeout.ms": "5000",
    }
    props.update(overrides)
    return props


class ClusterRest:
    """REST calls on one worker (`self.rest` is its base URL)."""

    def request(self, method, path, timeout=60, **kw):
        return requests.request(method, self.rest + path, timeout=timeout, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def status(self, connector):
        r = self.get(f"/connectors/{connector}/status", timeout=10)
        return r.json() if r.status_code == 200 else None

    def statuses(self):
        """{connector: status} of every connector this worker knows."""
        r = self.get("/connectors?expand=status", timeout=10)
        if r.status_code != 200:
            return None
        return {name: v["status"] for name, v in r.json().items()}

    def task_starts(self):
        return task_starts(self.log())

    def connector_starts(self):
        return connector_starts(self.log())


class SluiceWorker(Sluiced, ClusterRest):
    """`sluiced distributed worker.properties`, with Sluice's plugins. Its REST answers once it
    prints its ready line (before it has joined the group)."""

    kind = "sluice"

    def __init__(self, workdir, props, name):
        props = dict(props)
        props.setdefault("plugin.path", str(BUILD / "plugins" / "file"))  # as Java ships
        props.setdefault("grpc.listener", "127.0.0.1:0")
        super().__init__(workdir, props, mode="distributed")
        self.name = name
        self.worker_id = f"{props['rest.advertised.host.name']}:{props['rest.advertised.port']}"

    # Sluiced's own get/post/put/delete have fixed timeouts; ClusterRest's take one.
    get = ClusterRest.get
    post = ClusterRest.post
    put = ClusterRest.put
    delete = ClusterRest.delete

    def descendants(self):
        """The process ids of sluiced's children and their children (plugin hosts, gateway)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            for task in pathlib.Path(f"/proc/{pid}/task").glob("*"):
                try:
                    children = (task / "children").read_text().split()
                except OSError:
                    continue
                for c in children:
                    found.append(int(c))
                    todo.append(int(c))
        return found

    def __repr__(self):
        return f"sluice worker {self.name} ({self.worker_id})"


class JavaWorker(WorkerProcess, ClusterRest):
    """Apache Kafka Connect 3.9.1 in distributed mode (ConnectDistributed), the jars from
    tools/kafka. Output (log4j included) goes to <dir>/worker.log."""

    kind = "java"

    def __init__(self, workdir, props, name):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.props = dict(props)
        self.name = name
        self.worker_id = f"{props['rest.advertised.host.name']}:{props['rest.advertised.port']}"
        self.rest = f"http://127.0.0.1:{props['rest.advertised.port']}"
        self.log_path = self.workdir / "worker.log"
        self.proc = None

    def start(self, timeout=120):
        worker = self.workdir / "worker.properties"
        worker.write_text("".join(f"{k}={v}\n" for k, v in self.props.items()))
        log4j = self.workdir / "log4j.properties"
        log4j.write_text(JAVA_LOG4J)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                ["java", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                 f"-Dlog4j.configuration=file:{log4j}", "-cp", f"{JAVA_LIBS}/*",
                 "org.apache.kafka.connect.cli.ConnectDistributed", str(worker)],
                cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

        def answers():
            if self.proc.poll() is not None:
                return "exited"
            try:
                return self.get("/connectors", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        if wait_for(answers, timeout, f"{self}'s REST API") == "exited":
            raise AssertionError(f"{self} exited with {self.proc.returncode}:\n{self.log()[-5000:]}")
        return self

    def __repr__(self):
        return f"java worker {self.name} ({self.worker_id})"


class Group:
    """The workers of one Connect group (one group.id and its three topics) started by a test."""

    def __init__(self, root, bootstrap, group):
        self.root = pathlib.Path(root)
        self.bootstrap = bootstrap
        self.group = group
        self.workers = []

    def start(self, kind, name, timeout=120, **overrides):
        props = distributed_props(self.bootstrap, self.group, **overrides)
        cls = SluiceWorker if kind == "sluice" else JavaWorker
        w = cls(self.root / name, props, name)
        (self.root / name).mkdir(parents=True, exist_ok=True)
        self.workers.append(w)
        w.start(timeout=timeout)
        return w

    def alive(self):
        return [w for w in self.workers if w.alive()]

    def by_id(self, worker_id):
        return next(w for w in self.workers if w.worker_id == worker_id)

    def close(self):
        for w in self.workers:
            w.kill()

    def logs(self, tail=4000):
        """The end of every worker's log, for failure messages."""
        return "\n".join(f"==== {w} ====\n{w.log()[-tail:]}" for w in self.workers)


# ---- what runs where ---------------------------------------------------------------------------


def owners(statuses):
    """{connector name or (connector, task): worker_id} of what is RUNNING, PAUSED or STOPPED, from
    a statuses() answer."""
    out = {}
    for name, s in (statuses or {}).items():
        out[name] = (s["connector"]["state"], s["connector"]["worker_id"])
        for t in s["tasks"]:
            out[(name, t["id"])] = (t["state"], t["worker_id"])
    return out


def running_owner(statuses, key):
    """The worker_id that runs a connector (key: name) or a task (key: (name, id)), or None."""
    state = owners(statuses).get(key)
    return state[1] if state and state[0] == "RUNNING" else None


def tasks_per_worker(statuses, worker_ids):
    count = {w: 0 for w in worker_ids}
    for key, (state, worker_id) in owners(statuses).items():
        if isinstance(key, tuple):
            count[worker_id] = count.get(worker_id, 0) + 1
    return count


def all_running(statuses, expected_tasks):
    """Every connector in `expected_tasks` ({name: number of tasks}) RUNNING with that many tasks,
    all RUNNING."""
    if statuses is None:
        return False
    for name, n in expected_tasks.items():
        s = statuses.get(name)
        if (s is None or s["connector"]["state"] != "RUNNING" or len(s["tasks"]) != n
                or any(t["state"] != "RUNNING" for t in s["tasks"])):
            return False
    return True


_TASK_START = re.compile(r"Starting task (\S+-\d+)\b")
_CONNECTOR_START = re.compile(r"Starting connector (\S+)")


def task_starts(log):
    """How many times each task was started on a worker: the lines `Starting task <c>-<n>` of its
    log (Java's DistributedHerder.startTask writes the same line)."""
    return collections.Counter(m.group(1) for m in _TASK_START.finditer(log))


_STAMPED = re.compile(
    r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[.,](\d{3})\] \S+ (?:\[[^]\n]*\] )?(Starting|Stopping) task (\S+-\d+)\b",
    re.MULTILINE)


def task_events(log, task):
    """[(time, "Starting" or "Stopping")] of a task in a worker's log, from the timestamps that
    both sluiced ("[2024-01-01 10:00:00.123] info ...") and Java's log4j pattern ("[2024-01-01
    10:00:00,123] INFO [Worker clientId=...] ...") put first (local time on both)."""
    out = []
    for m in _STAMPED.finditer(log):
        if m.group(4) == task:
            when = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S")
            out.append((when + datetime.timedelta(milliseconds=int(m.group(2))), m.group(3)))
    return out


def connector_starts(log):
    return collections.Counter(m.group(1) for m in _CONNECTOR_START.finditer(log))


def find_leader(workers, timeout=60):
    """The group's leader among `workers`: the one that answers DELETE of an unknown connector
    with forward=false by 404 (a follower cannot serve it and may not forward: 409)."""
    seen = {}

    def probe():
        leaders = []
        for w in workers:
            r = w.delete("/connectors/no-such-connector-leader-probe?forward=false", timeout=30)
            seen[w.name] = (r.status_code, r.text)
            if r.status_code == 404:
                leaders.append(w)
            elif r.status_code != 409:
                return None
        return leaders[0] if len(leaders) == 1 else None
    try:
        return wait_for(probe, timeout, "one leader", interval=0.5)
    except AssertionError as e:
        raise AssertionError(f"{e}; answers: {seen}") from None


# ---- sequence-numbered input and its check -------------------------------------------------------


class SequenceInput:
    """A file that the test appends numbered lines to ("<prefix>-0000001"), from a thread that
    writes `per_tick` lines every `tick` seconds while connectors read it, or on demand. Each
    batch of lines is one write() of whole lines."""

    def __init__(self, path, prefix, per_tick=10, tick=0.05):
        self.path = pathlib.Path(path)
        self.prefix = prefix
        self.per_tick = per_tick
        self.tick = tick
        self.last = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self.path.touch()

    def line(self, n):
        return f"{self.prefix}-{n:07d}"

    def append(self, count):
        """Appends `count` lines now; returns the last number written."""
        with self._lock:
            first = self.last + 1
            self.last += count
            data = "".join(self.line(n) + "\n" for n in range(first, self.last + 1))
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, data.encode())
            finally:
                os.close(fd)
            return self.last

    def position_of(self, n):
        """The character offset of line n's first character (FileStreamSource's position)."""
        return (n - 1) * (len(self.line(1)) + 1)

    def size(self):
        return self.path.stat().st_size

    def start(self):
        self._stop.clear()

        def run():
            while not self._stop.wait(self.tick):
                self.append(self.per_tick)
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops the thread; returns the last number written."""
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._thread = None
        return self.last


def sequence_counts(path, prefix):
    """(Counter {number: times it is in the file}, lines that are not "<prefix>-<number>")."""
    counts, foreign = collections.Counter(), []
    pattern = re.compile(re.escape(prefix) + r"-(\d{7})")
    try:
        text = pathlib.Path(path).read_text(errors="replace")
    except FileNotFoundError:
        text = ""
    for line in text.splitlines():
        m = pattern.fullmatch(line)
        if m:
            counts[int(m.group(1))] += 1
        else:
            foreign.append(line)
    return counts, foreign


def ranges(numbers):
    """"3-5, 9" for [3, 4, 5, 9]."""
    out, numbers = [], sorted(numbers)
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(out)


class Delivery:
    """What a sink's file holds of the numbers 1..last."""

    def __init__(self, path, prefix, last):
        counts, foreign = sequence_counts(path, prefix)
        self.last = last
        self.missing = [n for n in range(1, last + 1) if counts[n] == 0]
        self.duplicates = {n: c for n, c in counts.items() if c > 1}
        self.extra = sorted(n for n in counts if n > last or n < 1)
        self.foreign = foreign
        self.lines = sum(counts.values()) + len(foreign)

    def complete(self):
        return not self.missing

    def summary(self):
        dup_lines = sum(c - 1 for c in self.duplicates.values())
        s = (f"{self.last} numbers, {self.lines} lines: {len(self.missing)} missing"
             f"{' (' + ranges(self.missing)[:300] + ')' if self.missing else ''}, "
             f"{len(self.duplicates)} numbers duplicated ({dup_lines} extra lines"
             f"{': ' + ranges(self.duplicates)[:300] if self.duplicates else ''})")
        if self.foreign:
            s += f", {len(self.foreign)} foreign lines such as {self.foreign[:3]!r}"
        if self.extra:
            s += f", numbers never written: {ranges(self.extra)[:200]}"
        return s


def wait_delivered(path, prefix, last, timeout, group=None):
    """Waits until the sink's file has every number 1..last; returns the Delivery."""
    holder = {}

    def check():
        d = Delivery(path, prefix, last)
        holder["d"] = d
        return d if d.complete() else None
    try:
        return wait_for(check, timeout, f"numbers 1..{last} in {path}", interval=0.2)
    except AssertionError:
        d = holder.get("d")
        raise AssertionError(
            f"not every line reached {path} within {timeout}s: {d.summary() if d else '?'}"
            + (f"\n{group.logs()}" if group else "")) from None


def wait_count_at_least(path, prefix, n, timeout, what):
    """Waits until the sink's file has at least n distinct numbers of `prefix`."""
    return wait_for(lambda: len(sequence_counts(path, prefix)[0]) >= n, timeout, what,
                    interval=0.2)


def canonical(body):
    return json.dumps(body, sort_keys=True)
