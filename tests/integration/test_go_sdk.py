"""The Go plugin SDK end to end, through a real sluiced with the embedded broker: the small Go
plugin (tests/plugins/gosmall) writes a sequence into Kafka and its Go sink writes it to a file;
the Go HTTP sink (connectors/http-sink) POSTs records to a local HTTP server, retrying a 5xx and
sending a record the server refuses (4xx) to the dead letter queue; and a plugin host of the Go
plugin killed with SIGKILL mid-stream loses no record (at least once: duplicates are counted,
never a missing sequence number)."""

import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import BUILD, host_pid, read_lines, stored_offset, wait_for, worker_props
from topics import read_topic  # noqa: E402  (tests/common, on the path conftest sets)

GOSMALL = BUILD / "test-plugins" / "gosmall"


@pytest.fixture
def worker(sluiced_factory, workdir):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{GOSMALL}"})
    return sluiced_factory(props=props).start()



def sequence(name, topic, count, **extra):
    return {"name": name, "config": {"connector.class": "SequenceSource", "topic": topic,
                                     "max.count": str(count), "tasks.max": "1", **extra}}


def lines_sink(name, topic, out):
    return {"name": name, "config": {"connector.class": "gosmall.LinesSink", "topics": topic,
                                     "file": str(out)}}


def test_go_plugins_are_listed_with_their_config(worker):
    plugins = {p["class"]: p for p in worker.get("/connector-plugins").json()}
    assert plugins["gosmall.SequenceSource"] == {"class": "gosmall.SequenceSource", "type": "source",
                                                 "version": "0.1.0"}
    assert plugins["gosmall.LinesSink"]["type"] == "sink"
    assert plugins["sluice.http.HttpSinkConnector"] == {
        "class": "sluice.http.HttpSinkConnector", "type": "sink", "version": "0.1.0"}
    config = {k["name"]: k for k in worker.get("/connector-plugins/HttpSink/config").json()}
    assert config["http.url"]["required"] is True
    assert config["max.retries"]["type"] == "INT" and config["max.retries"]["default_value"] == "5"
    r = worker.put("/connector-plugins/HttpSink/config/validate",
                   json={"connector.class": "HttpSink", "topics": "t", "http.url": "ftp://x",
                         "batch.max.records": "0"})
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["http.url"] == ["Invalid value ftp://x for configuration http.url: "
                                  "not an http or https URL"]
    assert errors["batch.max.records"] == ["Invalid value 0 for configuration batch.max.records: "
                                           "Value must be at least 1"]


def test_go_source_into_the_broker_and_go_sink_out(worker, workdir):
    out = workdir / "out.txt"
    assert worker.post("/connectors", json=sequence("seq", "numbers", 200)).status_code == 201
    assert worker.post("/connectors", json=lines_sink("lines", "numbers", out)).status_code == 201
    worker.wait_running("seq")
    worker.wait_running("lines")
    expected = [f"seq {n}" for n in range(200)]
    wait_for(lambda: read_lines(out) == expected, 60, "200 numbers in out.txt")
    # The last offset is stored, and the task was told (CommitRecord, Commit): it logs that
    # through the Logs stream, which sluiced writes to its log.
    wait_for(lambda: stored_offset(workdir, "seq", {"sequence": "seq"}) == {"n": 199}, 30,
             "offset 199 in the offsets file")
    wait_for(lambda: "sequence task 0: committed up to 199" in worker.log(), 30,
             "the task's commit log line in sluiced's log")
    tasks = worker.get("/connectors/lines/tasks").json()
    assert tasks[0]["config"]["task.class"] == "gosmall.LinesTask"


class Endpoint:
    """A local HTTP server for the HTTP sink: the first `failures` requests get a 503; a batch
    holding a record whose value has "poison": true gets a 400; every other batch is taken."""

    def __init__(self, failures):
        self.lock = threading.Lock()
        self.failures = failures
        self.answered = {200: 0, 400: 0, 503: 0}
        self.received = []  # the values taken, in order
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with endpoint.lock:
                    if endpoint.failures > 0:
                        endpoint.failures -= 1
                        status = 503
                    elif any(isinstance(r["value"], dict) and r["value"].get("poison")
                             for r in body):
                        status = 400
                    else:
                        status = 200
                        endpoint.received.extend(r["value"] for r in body)
                    endpoint.answered[status] += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    e = Endpoint(failures=2)
    yield e
    e.close()


def test_http_sink_posts_retries_and_dead_letters(worker, workdir, endpoint):
    from confluent_kafka import Producer
    total, poison = 100, {7, 33, 58, 91}
    p = Producer({"bootstrap.servers": worker.kafka})
    for i in range(total):
        p.produce("events", key=f"k{i}".encode(),
                  value=json.dumps({"n": i, "poison": i in poison}).encode())
    assert p.flush(30) == 0

    r = worker.post("/connectors", json={"name": "http", "config": {
        "connector.class": "HttpSink", "topics": "events", "http.url": endpoint.url,
        "batch.max.records": "10", "retry.backoff.ms": "50", "max.retries": "5",
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "events-dlq",
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
        # The sandbox denies the network unless the connector asks for it.
        "sluice.sandbox.network": "true"}})
    assert r.status_code == 201, r.text
    worker.wait_running("http")

    good = {i for i in range(total) if i not in poison}
    wait_for(lambda: {v["n"] for v in endpoint.received} >= good, 60,
             "every good record at the HTTP endpoint")
    with endpoint.lock:
        assert endpoint.answered[503] == 2, endpoint.answered  # retried, not lost
        assert {v["n"] for v in endpoint.received} == good
        assert endpoint.answered[400] >= len(poison)

    dead = read_topic(worker.kafka, "events-dlq", len(poison), 60)
    assert sorted(json.loads(m.value())["n"] for m in dead) == sorted(poison)
    for m in dead:
        headers = dict(m.headers())
        assert headers["__connect.errors.stage"] == b"TASK_PUT"
        message = headers["__connect.errors.exception.message"].decode()
        assert "rejected the record: HTTP 400" in message, message
    assert worker.get("/connectors/http/status").json()["tasks"][0]["state"] == "RUNNING"


def test_http_sink_without_network_fails_its_task(worker, workdir, endpoint):
    """The sandbox's default: no network. The sink's retries end and its task fails, saying why."""
    r = worker.post("/connectors", json={"name": "offline", "config": {
        "connector.class": "HttpSink", "topics": "offline", "http.url": endpoint.url,
        "max.retries": "1", "retry.backoff.ms": "10",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter"}})
    assert r.status_code == 201, r.text
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": worker.kafka})
    p.produce("offline", value=b"x")
    assert p.flush(30) == 0
    status = worker.wait_status("offline", lambda st: st["tasks"] and st["tasks"][0]["state"] == "FAILED",
                                60, "FAILED task")
    assert "failed after 1 retries" in status["tasks"][0]["trace"], status
    assert endpoint.answered[200] == 0


def kill_host(worker, connector, out):
    """SIGKILLs the connector's plugin host, restarts the connector once it is FAILED, and
    returns how many distinct lines `out` had at the kill."""
    pid = host_pid(worker, connector)
    assert pid is not None, f"no plugin host for {connector}"
    os.kill(pid, signal.SIGKILL)
    at_kill = len(set(read_lines(out)))
    status = worker.wait_status(connector, lambda st: st["tasks"]
                                and st["tasks"][0]["state"] == "FAILED", 30,
                                f"{connector} FAILED after the kill")
    assert "killed by signal 9" in status["tasks"][0]["trace"], status
    r = worker.post(f"/connectors/{connector}/restart?includeTasks=true")
    assert r.status_code == 202, r.text
    worker.wait_running(connector)
    assert host_pid(worker, connector) not in (None, pid)
    return at_kill


def test_kill_9_of_the_go_plugin_hosts_mid_stream_loses_no_record(worker, workdir):
    total = 3000
    out = workdir / "out.txt"
    # About 250 records a second, so the kills come while the sequence flows.
    assert worker.post("/connectors", json=sequence("seq", "killed", total, **{
        "batch.size": "5", "interval.ms": "20"})).status_code == 201
    assert worker.post("/connectors", json=lines_sink("lines", "killed", out)).status_code == 201
    worker.wait_running("seq")
    worker.wait_running("lines")

    wait_for(lambda: len(read_lines(out)) >= 500, 60, "500 lines before killing the source's host",
             interval=0.02)
    assert kill_host(worker, "seq", out) < total, "the sequence ended before the first kill"
    written = len(read_lines(out))
    wait_for(lambda: len(read_lines(out)) >= written + 500, 60,
             "500 more lines before killing the sink's host", interval=0.02)
    assert kill_host(worker, "lines", out) < total, "the sequence ended before the second kill"

    expected = {f"seq {n}" for n in range(total)}
    wait_for(lambda: set(read_lines(out)) >= expected, 120, "every sequence number in out.txt",
             interval=0.2)
    lines = read_lines(out)
    missing = expected - set(lines)
    assert not missing, f"{len(missing)} records lost, e.g. {sorted(missing)[:5]}"
    assert set(lines) == expected
    print(f"\n{len(lines) - total} duplicate lines after killing both hosts")
