"""The differential harness: one real Kafka broker, Apache Kafka Connect 3.9.1 standalone and
Sluice's sluiced standalone run one after the other over the same inputs with the same connector
configs, and what each wrote (sink files, source topics, DLQ topics with their headers, connector
states, REST answers) is kept for comparison.

A run of one system:
  1. note the end offsets of every topic a case may write (source outputs, DLQ topics);
  2. start its workers (one process per worker group of WORKERS), create every case's connector
     over REST, send the validation and plugin requests;
  3. wait, with a deadline, until each case is done: its offsets as the worker's
     GET /connectors/{c}/offsets reports them cover the input (a sink's committed offsets reach
     the input topics' end offsets, a source's file position the whole file), or a task or the
     connector FAILED, or the connector could not be created;
  4. stop the workers gracefully (producers flush, the file sink closes its file) and read every
     output topic from the offsets noted in 1; move the sink files aside.
Between the two systems the sink consumer groups (connect-<name>) are deleted, so the second
system reads every input topic from the start. Each system has its own standalone offsets file.
"""

import base64
import concurrent.futures
import difflib
import hashlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

import requests
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic, OffsetSpec

from model import BASE_TS, TS_STEP

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "common"))
from waiting import free_port, wait_for  # noqa: E402
BUILD = pathlib.Path(os.environ.get("SLUICE_BUILD_DIR", REPO / "build"))
SLUICED = BUILD / "bin" / "sluiced"
KAFKA_TOOL = REPO / "tools" / "kafka"

SYSTEMS = ("java", "sluice")
# Bumped when the harness changes what it records, so that a stored Java run is not reused.
HARNESS_VERSION = "1"

# Worker keys common to both systems and to every worker group. The converters are those of
# Kafka's config/connect-standalone.properties.
COMMON_WORKER = {
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "offset.flush.interval.ms": "200",
    "task.shutdown.graceful.timeout.ms": "10000",
    # Kafka Connect's own advice in its log: its classpath plugins all have ServiceLoader
    # manifests, and skipping the reflection scan saves seconds of start-up.
    "plugin.discovery": "service_load",
}
# Worker groups: "main" keeps Kafka's defaults (header.converter unset: SimpleHeaderConverter);
# "alt" sets the converters at worker level, so that worker-level converter settings and their
# prefixed keys are compared too.
WORKERS = {
    "main": {},
    "alt": {
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "header.converter": "org.apache.kafka.connect.json.JsonConverter",
        "header.converter.schemas.enable": "true",
    },
}

# The Java reference environment: UTC and an English locale, so that java.util.Date.toString()
# and SimpleDateFormat (FileStreamSink writes String.valueOf(value)) do not depend on the host.
JAVA_OPTS = ["-Xms256M", "-Xmx1G", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
             "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-Duser.timezone=UTC",
             "-Duser.language=en", "-Duser.country=US", "-Dfile.encoding=UTF-8"]
JAVA_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %X{connector.context}%m (%c:%L)%n
log4j.logger.org.reflections=ERROR
log4j.logger.org.apache.kafka.common.config.AbstractConfig=WARN
"""

# The cases of a worker group are spread over this many processes of the same config, which
# start, create their connectors and stop in parallel: Kafka Connect's standalone herder creates
# and stops connectors one at a time (a third of a second each on this machine).
PROCESSES_PER_GROUP = int(os.environ.get("SLUICE_DIFF_PROCESSES", "2"))
CASES_PER_EXTRA_PROCESS = 30

START_DEADLINE_S = 120.0
DONE_DEADLINE_S = float(os.environ.get("SLUICE_DIFF_DEADLINE", "120"))
STOP_DEADLINE_S = 60.0
STACKTRACE_HEADER = "__connect.errors.exception.stacktrace"


def log(msg):
    print(f"differential: {msg}", flush=True)


def utf16_units(text):
    """FileStreamSource's position unit: Java chars (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- bytes as JSON

def enc(b):
    """Bytes as a JSON value that reads well and gives the bytes back exactly: a string when
    they are UTF-8, else {"base64": …}; None stays None."""
    if b is None:
        return None
    try:
        s = b.decode("utf-8")
        if s.encode("utf-8") == b:
            return s
    except UnicodeDecodeError:
        pass
    return {"base64": base64.b64encode(b).decode()}


def dec_bytes(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v.encode("utf-8")
    return base64.b64decode(v["base64"])


# --------------------------------------------------------------------------- Kafka

class KafkaIO:
    """Produces inputs and reads outputs with exact bytes, headers and timestamps."""

    def __init__(self, bootstrap):
        self.bootstrap = bootstrap
        self.admin = AdminClient({"bootstrap.servers": bootstrap})

    def topics(self):
        return {t: len(m.partitions) for t, m in self.admin.list_topics(timeout=30).topics.items()}

    def create_topics(self, partitions_by_topic):
        existing = self.topics()
        new = [NewTopic(t, n, 1) for t, n in partitions_by_topic.items() if t not in existing]
        for i in range(0, len(new), 200):
            for topic, f in self.admin.create_topics(new[i:i + 200], operation_timeout=30).items():
                f.result()
        wait_for(lambda: all(t in self.topics() for t in partitions_by_topic), 30,
                 "created topics to be in the metadata")

    def produce(self, records_by_topic):
        p = Producer({"bootstrap.servers": self.bootstrap, "linger.ms": 5, "acks": "all",
                      "enable.idempotence": True})
        errors = []

        def done(err, _msg):
            if err is not None:
                errors.append(err)
        for topic, records in records_by_topic.items():
            for r in records:
                p.produce(topic, key=r["key"], value=r["value"], headers=r["headers"] or None,
                          timestamp=r["ts"], partition=0, on_delivery=done)
                p.poll(0)
        remaining = p.flush(60)
        assert remaining == 0 and not errors, f"producing inputs failed: {errors}, {remaining} left"

    def end_offsets(self, topics):
        """{(topic, partition): end offset} of the topics that exist."""
        existing = self.topics()
        tps = [TopicPartition(t, p) for t in topics if t in existing for p in range(existing[t])]
        if not tps:
            return {}
        futures = self.admin.list_offsets({tp: OffsetSpec.latest() for tp in tps},
                                          request_timeout=30)
        return {(tp.topic, tp.partition): f.result().offset for tp, f in futures.items()}

    def read(self, start, end):
        """Records of every (topic, partition) from start (default 0) to end, in offset order."""
        todo = {tp: (start.get(tp, 0), e) for tp, e in end.items() if e > start.get(tp, 0)}
        out = {tp: [] for tp in end}
        if not todo:
            return out
        c = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "differential-reader",
                      "enable.auto.commit": False, "isolation.level": "read_uncommitted"})
        try:
            c.assign([TopicPartition(t, p, s) for (t, p), (s, _) in todo.items()])
            left = dict(todo)
            deadline = time.monotonic() + 60
            while left and time.monotonic() < deadline:
                m = c.poll(0.5)
                if m is None:
                    continue
                if m.error():
                    raise KafkaException(m.error())
                tp = (m.topic(), m.partition())
                if tp not in left or m.offset() >= left[tp][1]:
                    continue
                ts_type, ts = m.timestamp()
                out[tp].append({"topic": m.topic(), "partition": m.partition(),
                                "offset": m.offset(), "key": m.key(), "value": m.value(),
                                "headers": list(m.headers() or []),
                                "timestamp_type": {1: "CreateTime", 2: "LogAppendTime"}.get(
                                    ts_type, "NoTimestamp"),
                                "timestamp": ts})
                if m.offset() + 1 >= left[tp][1]:
                    del left[tp]
            assert not left, f"could not read {left} within 60s"
        finally:
            c.close()
        return out

    def delete_groups(self, groups):
        existing = {g.group_id for g in self.admin.list_consumer_groups(request_timeout=30)
                    .result().valid}
        todo = [g for g in groups if g in existing]
        for i in range(0, len(todo), 100):
            for g, f in self.admin.delete_consumer_groups(todo[i:i + 100],
                                                          request_timeout=30).items():
                f.result()


# --------------------------------------------------------------------------- workers

class Worker:
    """One standalone worker process of either system; its files live in `dir`."""

    def __init__(self, system, group, dir_, bootstrap, libs):
        self.system, self.group, self.dir = system, group, pathlib.Path(dir_)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.bootstrap, self.libs = bootstrap, libs
        self.proc = None
        self.rest = None
        self.log_path = self.dir / "worker.log"
        self.log_file = None
        self.killed = False

    def properties(self):
        port = free_port()
        props = {"bootstrap.servers": self.bootstrap, **COMMON_WORKER,
                 **WORKERS[self.group.split("#")[0]],
                 "offset.storage.file.filename": str(self.dir / "offsets"),
                 "listeners": f"http://127.0.0.1:{port}"}
        if self.system == "sluice":
            props["plugin.path"] = str(BUILD / "plugins" / "file")  # as Java ships
            props["grpc.listener"] = "127.0.0.1:0"
        return props, port

    def start(self):
        props, port = self.properties()
        worker = self.dir / "worker.properties"
        worker.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        env = dict(os.environ, TZ="UTC")
        logf = self.log_file = open(self.log_path, "ab")
        if self.system == "java":
            log4j = self.dir / "log4j.properties"
            log4j.write_text(JAVA_LOG4J)
            argv = ["java", *JAVA_OPTS, f"-Dlog4j.configuration=file:{log4j}", "-cp",
                    os.path.join(self.libs, "*"), "org.apache.kafka.connect.cli.ConnectStandalone",
                    str(worker)]
            self.proc = subprocess.Popen(argv, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=logf,
                                         stderr=subprocess.STDOUT, env=env)
            self.rest = f"http://127.0.0.1:{port}"
        else:
            self.proc = subprocess.Popen([str(SLUICED), "standalone", str(worker)], cwd=self.dir,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=logf, env=env)
            ready = {}

            def read_stdout():
                for line in self.proc.stdout:
                    logf.write(line)
                    logf.flush()
                    text = line.decode(errors="replace")
                    if text.startswith("SLUICED|ready|"):
                        ready.update(kv.split("=", 1) for kv in text.strip().split("|")[2:])
            threading.Thread(target=read_stdout, daemon=True).start()
            wait_for(lambda: ready or self.proc.poll() is not None, START_DEADLINE_S,
                     "sluiced to be ready")
            if not ready:
                raise AssertionError(f"sluiced exited with {self.proc.returncode}; see {self.log_path}")
            self.rest = f"http://127.0.0.1:{port}"
        return self

    def wait_ready(self):
        def up():
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.system} worker {self.group} exited with "
                                     f"{self.proc.returncode}; see {self.log_path}")
            try:
                return requests.get(self.rest + "/connectors", timeout=5).status_code == 200
            except requests.RequestException:
                return False
        wait_for(up, START_DEADLINE_S, f"the {self.system} worker's REST API", interval=0.2)

    def request(self, method, path, **kw):
        """(status, parsed JSON body or text or None)."""
        try:
            r = requests.request(method, self.rest + path, timeout=90, **kw)
        except requests.RequestException as e:
            return (None, f"request failed: {e}")
        body = None
        if r.content:
            try:
                body = r.json()
            except ValueError:
                body = r.text
        return (r.status_code, body)

    def terminate(self):
        """Asks the worker to stop (SIGTERM: a graceful stop); stop() waits for it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.terminate()
        try:
            self.proc.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            self.killed = True
            self.proc.kill()
            self.proc.wait(timeout=30)

    def kill(self):
        """Ends the process if it still runs (SIGKILL) and closes its log."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.log_file is not None and self.system == "java":
            self.log_file.close()  # sluiced's log is also written by its stdout reader thread


def java_libs():
    r = subprocess.run([str(KAFKA_TOOL), "fetch"], capture_output=True, text=True, check=True)
    return r.stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------- the plan

def case_paths(files_dir, case):
    if case.kind == "sink":
        return {"file": str(files_dir / f"{case.name}.out")}
    return {"file": str(files_dir / f"{case.name}.in")}


def connector_config(case, files_dir):
    """The config sent to both systems."""
    if case.kind == "sink":
        cfg = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
               "tasks.max": "1", "topics": case.main_topic}
        if case.dlq:
            cfg.update({"errors.tolerance": "all",
                        "errors.deadletterqueue.topic.name": case.dlq_topic,
                        "errors.deadletterqueue.topic.replication.factor": "1",
                        "errors.deadletterqueue.context.headers.enable": "true"})
    else:
        cfg = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
               "tasks.max": "1", "topic": case.main_topic}
    cfg.update(case_paths(files_dir, case))
    cfg.update(case.config)
    return cfg


def sink_inputs(case):
    """The records produced to a sink case's input topic, timestamps filled in."""
    return [{"key": r.key, "value": r.value, "headers": list(r.headers),
             "ts": r.ts if r.ts is not None else BASE_TS + i * TS_STEP}
            for i, r in enumerate(case.records)]


def input_topics(case):
    """The topics a sink case consumes (its own input topic unless `topics` is overridden)."""
    if case.kind != "sink":
        return []
    if "topics" in case.config:
        return [t.strip() for t in case.config["topics"].split(",") if t.strip()]
    return [case.main_topic]


def output_topics(case):
    if case.kind == "sink":
        return [case.dlq_topic] if case.dlq_topic else []
    return list(dict.fromkeys([case.main_topic, *case.outputs]))


def case_fingerprint(case, files_dir):
    data = {"v": HARNESS_VERSION, "config": connector_config(case, files_dir), "kind": case.kind,
            "worker": case.worker, "workers": WORKERS[case.worker], "common": COMMON_WORKER,
            "inputs": [{**r, "key": enc(r["key"]), "value": enc(r["value"]),
                        "headers": [[k, enc(v)] for k, v in r["headers"]]}
                       for r in sink_inputs(case)],
            "lines": case.lines, "outputs": case.outputs}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def item_fingerprint(obj):
    return hashlib.sha256(json.dumps([HARNESS_VERSION, obj], sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- one system's run

def plugin_requests(plugin_classes):
    """The plugin requests both systems answer: {key: (method, path, body)}."""
    reqs = {"list": ("GET", "/connector-plugins?connectorsOnly=false", None)}
    for cls in plugin_classes:
        reqs[f"config:{cls}"] = ("GET", f"/connector-plugins/{cls}/config", None)
    return reqs


def run_system(system, out_dir, kafka, libs, cases, validations, plugin_classes):
    """Runs every case, validation and plugin request on `system`; returns its result dict."""
    t0 = time.monotonic()
    window_start = int(time.time() * 1000)
    sys_dir = out_dir / system
    shutil.rmtree(sys_dir, ignore_errors=True)
    files_dir = out_dir / "files"
    topics = sorted({t for c in cases for t in output_topics(c)})
    before = kafka.end_offsets(topics)

    placement = place(cases)
    groups = sorted(set(placement.values()) | {"main"})
    workers = {g: Worker(system, g, sys_dir / g.replace("#", "-"), kafka.bootstrap, libs)
               for g in groups}
    result = {"system": system, "cases": {}, "validations": {}, "plugins": {}, "timing": {}}
    try:
        with concurrent.futures.ThreadPoolExecutor(len(workers)) as pool:
            list(pool.map(lambda w: w.start().wait_ready(), workers.values()))
        result["timing"]["started"] = round(time.monotonic() - t0, 1)
        log(f"{system}: workers up in {result['timing']['started']}s")

        def create(group):
            for c in cases:
                if placement[c.name] == group:
                    status, body = workers[group].request(
                        "POST", "/connectors",
                        json={"name": c.connector, "config": connector_config(c, files_dir)})
                    result["cases"][c.name] = {"create": {"status": status, "body": body}}
        with concurrent.futures.ThreadPoolExecutor(len(workers)) as pool:
            list(pool.map(create, workers))
        result["cases"] = {c.name: result["cases"][c.name] for c in cases}
        result["timing"]["created"] = round(time.monotonic() - t0, 1)
        log(f"{system}: {len(cases)} connectors created at {result['timing']['created']}s")

        main = workers["main"]
        for v in validations:
            status, body = main.request("PUT", f"/connector-plugins/{v.plugin}/config/validate",
                                        json=v.config)
            result["validations"][v.name] = {"status": status, "body": body}
        for key, (method, path, body) in plugin_requests(plugin_classes).items():
            status, rbody = main.request(method, path, json=body)
            result["plugins"][key] = {"status": status, "body": rbody}

        statuses = wait_done(system, workers, kafka, cases, result)
        for c in cases:
            result["cases"][c.name]["status"] = statuses.get(c.connector)
        result["timing"]["done"] = round(time.monotonic() - t0, 1)
        log(f"{system}: cases done at {result['timing']['done']}s")
    finally:
        for w in workers.values():
            w.terminate()
        for w in workers.values():
            w.stop()
        for w in workers.values():
            w.kill()
    result["killed"] = [g for g, w in workers.items() if w.killed]
    result["window"] = [window_start, int(time.time() * 1000)]
    result["timing"]["stopped"] = round(time.monotonic() - t0, 1)

    end = kafka.end_offsets(topics)
    records = kafka.read(before, end)
    files_out = sys_dir / "files"
    files_out.mkdir(parents=True, exist_ok=True)
    for c in cases:
        r = result["cases"][c.name]
        r["topics"] = {}
        for t in output_topics(c):
            recs = [rec for (topic, _), rs in sorted(records.items()) if topic == t for rec in rs]
            r["topics"][t] = [encode_record(rec) for rec in recs]
        r["window"] = result["window"]
        if c.kind == "sink":
            path = pathlib.Path(case_paths(files_dir, c)["file"])
            if path.exists():
                moved = files_out / path.name
                shutil.move(path, moved)
                r["file"] = enc(moved.read_bytes())
                r["file_exists"] = True
            else:
                r["file"], r["file_exists"] = None, False
    result["timing"]["total"] = round(time.monotonic() - t0, 1)
    log(f"{system}: run finished in {result['timing']['total']}s")
    return result


def encode_record(rec):
    return {**rec, "key": enc(rec["key"]), "value": enc(rec["value"]),
            "headers": [[k, enc(v)] for k, v in rec["headers"]]}


def place(cases):
    """{case name: worker process}: the cases of each group dealt round-robin over up to
    PROCESSES_PER_GROUP processes named <group>, <group>#2, …; a group of fewer than
    CASES_PER_EXTRA_PROCESS cases per process gets fewer processes (a JVM costs seconds of CPU)."""
    sizes = {}
    for c in cases:
        sizes[c.worker] = sizes.get(c.worker, 0) + 1
    procs = {g: max(1, min(PROCESSES_PER_GROUP, n // CASES_PER_EXTRA_PROCESS))
             for g, n in sizes.items()}
    out, counts = {}, {}
    for c in cases:
        i = counts.get(c.worker, 0)
        counts[c.worker] = i + 1
        n = i % procs[c.worker]
        out[c.name] = c.worker if n == 0 else f"{c.worker}#{n + 1}"
    return out


def all_statuses(workers):
    out = {}
    for w in workers.values():
        status, body = w.request("GET", "/connectors?expand=status")
        if status == 200 and isinstance(body, dict):
            for name, entry in body.items():
                out[name] = entry.get("status")
    return out


def is_failed(st):
    return st is not None and (st["connector"]["state"] == "FAILED"
                               or any(t["state"] == "FAILED" for t in st["tasks"]))


def is_running(st):
    return (st is not None and st["connector"]["state"] == "RUNNING" and st["tasks"]
            and all(t["state"] == "RUNNING" for t in st["tasks"]))


def wait_done(system, workers, kafka, cases, result):
    """Waits until every created case is done (see the module doc); returns the last statuses.
    A case not done at the deadline is marked {"timed_out": true}."""
    pending = {c.name: c for c in cases if result["cases"][c.name]["create"]["status"] == 201}
    ends = kafka.end_offsets(sorted({t for c in pending.values() for t in input_topics(c)}))
    positions = {c.name: utf16_units(c.lines) for c in pending.values() if c.kind == "source"}
    deadline = time.monotonic() + DONE_DEADLINE_S
    placement = place(cases)
    statuses = {}
    while pending and time.monotonic() < deadline:
        statuses = all_statuses(workers)
        for name, c in list(pending.items()):
            st = statuses.get(c.connector)
            if is_failed(st):
                del pending[name]
            elif is_running(st):
                code, body = workers[placement[name]].request(
                    "GET", f"/connectors/{c.connector}/offsets")
                if code != 200:
                    continue
                if c.kind == "source":
                    pos = source_position(body)
                    done = pos is not None and pos >= positions[name]
                else:
                    # A partition with nothing in it has no committed offset to wait for.
                    got = sink_offsets(body)
                    done = all(got.get(tp, -1) >= e for tp, e in ends.items()
                               if e > 0 and tp[0] in input_topics(c))
                if done:
                    del pending[name]
        if pending:
            time.sleep(0.3)  # polling interval of a condition with a deadline
    for name in pending:
        result["cases"][name]["timed_out"] = True
    if pending:
        log(f"{system}: {len(pending)} case(s) not done within {DONE_DEADLINE_S:.0f}s: "
            f"{', '.join(sorted(pending))}")
    return all_statuses(workers) or statuses


def sink_offsets(body):
    """{(topic, partition): committed offset} from a sink's GET /connectors/{c}/offsets body
    (KIP-875). Read through the worker rather than with an admin client in this process: with
    ~150 sink groups polled on a busy machine, librdkafka's admin client aborted the Python
    process (librdkafka #4605), twice under tools/test."""
    try:
        return {(o["partition"]["kafka_topic"], o["partition"]["kafka_partition"]):
                o["offset"]["kafka_offset"] for o in body["offsets"]}
    except (KeyError, TypeError, ValueError):
        return {}


def source_position(body):
    try:
        offsets = body["offsets"]
        return max(o["offset"]["position"] for o in offsets) if offsets else None
    except (KeyError, TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- comparison

def trace_summary(trace):
    """What is compared of a Java stack trace: its first line ("<exception class>: <message>")
    and the exception classes of its "Caused by:" lines that are Kafka's (org.apache.kafka.*);
    the "at" frames, the causes' messages and third-party causes (Jackson's parser exceptions)
    are not (docs/compatibility.md says why)."""
    if not isinstance(trace, str):
        return trace
    lines = trace.split("\n")
    causes = []
    for x in lines[1:]:
        if x.startswith("Caused by: "):
            cls = x[len("Caused by: "):].split(":", 1)[0].strip()
            if cls.startswith("org.apache.kafka."):
                causes.append(f"Caused by: {cls}")
    return [lines[0]] + causes


def normalise_record(rec, window):
    """A record as compared: the stack trace header by trace_summary; the timestamp exactly,
    except for records a source wrote (window given), whose CreateTime is the wall clock of
    FileStreamSource: compared as lying within the run of the system."""
    headers = []
    for k, v in rec["headers"]:
        if k == STACKTRACE_HEADER:
            v = {"trace summary": trace_summary(v)}
        headers.append([k, v])
    out = {"topic": rec["topic"], "partition": rec["partition"], "key": rec["key"],
           "value": rec["value"], "headers": headers, "timestamp_type": rec["timestamp_type"]}
    if window is None:
        out["timestamp"] = rec["timestamp"]
    else:
        out["timestamp"] = ("within the run" if window[0] <= rec["timestamp"] <= window[1]
                            else f"{rec['timestamp']}, outside the run {window}")
    return out


def normalise_status(st):
    """Connector and task states, and the summary of each trace (see trace_summary)."""
    if st is None:
        return None
    out = {"connector": {"state": st["connector"]["state"]},
           "tasks": [{"id": t["id"], "state": t["state"]} for t in st["tasks"]],
           "type": st.get("type")}
    if "trace" in st["connector"]:
        out["connector"]["trace summary"] = trace_summary(st["connector"]["trace"])
    for t, src in zip(out["tasks"], st["tasks"]):
        if "trace" in src:
            t["trace summary"] = trace_summary(src["trace"])
    return out


def observed(case, r):
    """What is compared of one case's result, as a JSON-able dict."""
    create = r["create"]
    out = {"create": {"status": create["status"]}}
    if create["status"] != 201:
        out["create"]["body"] = create["body"]
    if r.get("timed_out"):
        out["timed out"] = True
    out["status"] = normalise_status(r.get("status"))
    if case.kind == "sink":
        out["file exists"] = r.get("file_exists")
    for t, recs in r.get("topics", {}).items():
        window = None if t == case.dlq_topic else r.get("window")
        out[f"topic {t}"] = [normalise_record(x, window) for x in recs]
    return out


def render(obj):
    """Lines for a diff: one JSON line per record, files as their own lines."""
    lines = []
    for k, v in obj.items():
        if isinstance(v, list):
            lines.append(f"{k}: {len(v)} record(s)")
            lines.extend("  " + json.dumps(x, ensure_ascii=False) for x in v)
        else:
            lines.append(f"{k}: {json.dumps(v, ensure_ascii=False)}")
    return lines


def file_lines(v):
    if v is None:
        return ["<no file>"]
    if isinstance(v, dict):
        return [f"<not UTF-8> {v}"]
    return [repr(line) for line in v.splitlines(keepends=True)] or ["<empty>"]


def compare_case(case, java, sluice):
    """(equal, report text)."""
    jo, so = observed(case, java), observed(case, sluice)
    diffs = []
    if jo != so:
        diffs += list(difflib.unified_diff(render(jo), render(so), "java", "sluice", lineterm="", n=3))
    if case.kind == "sink" and java.get("file") != sluice.get("file"):
        diffs += list(difflib.unified_diff(file_lines(java.get("file")),
                                           file_lines(sluice.get("file")),
                                           "java: sink file", "sluice: sink file", lineterm="",
                                           n=3))
    return not diffs, "\n".join(diffs)


def java_expectations(case, java):
    """Problems with the Java side of a case: what the catalog says it must do."""
    problems = []
    e = case.expect
    create = java["create"]["status"]
    if create != e.get("create", 201):
        problems.append(f"create answered {create}, expected {e.get('create', 201)}: "
                        f"{java['create']['body']}")
    if java.get("timed_out"):
        problems.append("did not finish within the deadline")
    st = java.get("status")
    if create == 201:
        states = [t["state"] for t in st["tasks"]] if st else None
        want = e.get("state", "RUNNING")
        if not states or any(s != want for s in states):
            problems.append(f"task states {states}, expected all {want}")
    if "lines" in e:
        n = len((java.get("file") or "").splitlines()) if isinstance(java.get("file"), (str, type(None))) else -1
        if n != e["lines"]:
            problems.append(f"sink file has {n} line(s), expected {e['lines']}")
    if "records" in e:
        n = sum(len(v) for t, v in java.get("topics", {}).items() if t != case.dlq_topic)
        if n != e["records"]:
            problems.append(f"{n} output record(s), expected {e['records']}")
    if "dlq" in e:
        n = len(java.get("topics", {}).get(case.dlq_topic, [])) if case.dlq_topic else 0
        if n != e["dlq"]:
            problems.append(f"{n} DLQ record(s), expected {e['dlq']}")
    return problems


def normalise_plugins(key, answer):
    """Plugin answers as compared. The list keeps only transformation, predicate, converter and
    header_converter entries (connectors differ: Java's classpath holds more) and replaces each
    version by a placeholder: Sluice reports its own version."""
    if key != "list" or answer["status"] != 200 or not isinstance(answer["body"], list):
        return answer
    body = []
    for p in answer["body"]:
        if p.get("type") in ("transformation", "predicate", "converter", "header_converter"):
            q = dict(p)
            if "version" in q:
                q["version"] = "<version>"
            body.append(q)
    return {"status": answer["status"], "body": body}


def compare_json(java, sluice):
    if java == sluice:
        return True, ""
    a = json.dumps(java, indent=1, ensure_ascii=False).splitlines()
    b = json.dumps(sluice, indent=1, ensure_ascii=False).splitlines()
    return False, "\n".join(difflib.unified_diff(a, b, "java", "sluice", lineterm="", n=4))
