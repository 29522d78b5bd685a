"""Prometheus metrics under the names Strimzi's Kafka Connect dashboard and alert rules query: a
real Prometheus (Debian's package) scrapes a real sluiced running a FileStreamSource ->
FileStreamSink pipeline on the embedded broker and a sink whose task fails, and the dashboard's
own PromQL finds what it needs. One sluiced and one Prometheus for the whole module."""

import pathlib
import re
import shutil
import subprocess

import pytest
import requests

from conftest import BUILD, Sluiced, free_port, sink_config, source_config, wait_for, worker_props
from distributed_harness import distributed_props

# Every metric name the PromQL of Strimzi's Kafka Connect dashboard queries:
# packaging/examples/metrics/grafana-dashboards/strimzi-kafka-connect.json in
# strimzi/strimzi-kafka-operator at tag 1.2.0 (unchanged on main as of 2026-08), and those of its
# alert rules (prometheus-install/prometheus-rules/prometheus-kafka-connect-rules.yaml).
DASHBOARD_METRICS = [
    "kafka_connect_worker_connector_count",
    "kafka_connect_worker_task_count",
    "kafka_consumer_connection_count",
    "kafka_producer_connection_count",
    "kafka_admin_client_connection_count",
    "kafka_producer_outgoing_byte_total",
    "kafka_consumer_incoming_byte_total",
    "kafka_connect_coordinator_assigned_connectors",
    "kafka_connect_worker_rebalance_rebalancing",
    "kafka_connect_coordinator_assigned_tasks",
    "kafka_connect_worker_connector_paused_task_count",
    "kafka_connect_worker_connector_failed_task_count",
    "kafka_connect_worker_connector_unassigned_task_count",
    "kafka_connect_worker_connector_destroyed_task_count",
    "kafka_connect_worker_connector_running_task_count",
    "kafka_connect_connector_status",
    "kafka_connect_connector_connector_class",
    "kafka_connect_connector_connector_version",
    "kafka_connect_connector_connector_type",
    "kafka_connect_task_error_total_record_failures",
    "kafka_connect_connector_task_status",
    "container_cpu_usage_seconds_total",
    "jvm_memory_used_bytes",
    "jvm_gc_collection_seconds_sum",
    "jvm_threads_current",
]
ALERT_METRICS = [
    "container_last_seen",
    "kafka_connect_connector_status",
    "kafka_connect_worker_connector_failed_task_count",
]

# The names a standalone Sluice worker cannot give, and why.
NOT_FROM_SLUICE = {
    # There is no JVM: its memory, GC and threads panels stay empty.
    "jvm_memory_used_bytes": "JVM",
    "jvm_gc_collection_seconds_sum": "JVM",
    "jvm_threads_current": "JVM",
    # cAdvisor's (the kubelet's) metrics of the container, not the worker's endpoint's, for Java
    # as for Sluice.
    "container_cpu_usage_seconds_total": "cAdvisor",
    "container_last_seen": "cAdvisor",
    # Sluice keeps no long-lived admin client: a task's is made only to create a topic.
    "kafka_admin_client_connection_count": "no long-lived admin client",
    # Distributed mode only, as in Kafka Connect (a standalone worker has no group coordinator
    # and never rebalances): test_a_distributed_worker_... below checks them.
    "kafka_connect_coordinator_assigned_connectors": "distributed only",
    "kafka_connect_coordinator_assigned_tasks": "distributed only",
    "kafka_connect_worker_rebalance_rebalancing": "distributed only",
}

CLUSTER = "my-connect-cluster"
# The labels Strimzi's PodMonitor adds, which the dashboard's queries select on.
TARGET_LABELS = {"strimzi_io_kind": "KafkaConnect", "strimzi_io_cluster": CLUSTER,
                 "namespace": "myproject", "kubernetes_pod_name": f"{CLUSTER}-connect-0"}
LINES = 50


def write_lines(path, lines):
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


class Prometheus:
    def __init__(self, workdir, target):
        self.workdir = pathlib.Path(workdir)
        self.port = free_port()
        labels = "".join(f"          {k}: {v}\n" for k, v in TARGET_LABELS.items())
        config = self.workdir / "prometheus.yml"
        config.write_text("global:\n"
                          "  scrape_interval: 1s\n"
                          "  scrape_timeout: 1s\n"
                          "scrape_configs:\n"
                          "  - job_name: sluice\n"
                          "    static_configs:\n"
                          f"      - targets: ['{target}']\n"
                          "        labels:\n" + labels)
        self.log = open(self.workdir / "prometheus.log", "w")
        self.proc = subprocess.Popen(
            [shutil.which("prometheus"), f"--config.file={config}",
             f"--storage.tsdb.path={self.workdir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            cwd=self.workdir, stdout=self.log, stderr=subprocess.STDOUT)

    def query(self, promql):
        r = requests.get(f"http://127.0.0.1:{self.port}/api/v1/query", params={"query": promql},
                         timeout=5)
        r.raise_for_status()
        return r.json()["data"]["result"]

    def wait_query(self, promql, predicate, timeout=30):
        def check():
            try:
                result = self.query(promql)
            except requests.RequestException:
                return None
            return result if predicate(result) else None
        return wait_for(check, timeout, f"Prometheus query {promql}", interval=0.25)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("metrics")
    metrics_port = free_port()
    props = worker_props(workdir, **{"metrics.listener": f"http://127.0.0.1:{metrics_port}",
                                     "sluice.metrics.statistics.interval.ms": "1000"})
    sluiced = Sluiced(workdir, props).start()
    prometheus = Prometheus(workdir, f"127.0.0.1:{metrics_port}")
    try:
        src, out = workdir / "in.txt", workdir / "out.txt"
        write_lines(src, [f"line {i}" for i in range(LINES)])
        for config in (source_config("metrics-source", src, "t-metrics"),
                       sink_config("metrics-sink", out, "t-metrics"),
                       # Every record is JSON, not an 8-byte long: the task fails on the first.
                       sink_config("metrics-broken", workdir / "never.txt", "t-metrics", **{
                           "value.converter": "org.apache.kafka.connect.converters.LongConverter"})):
            r = sluiced.post("/connectors", json=config)
            assert r.status_code == 201, r.text
        sluiced.wait_running("metrics-source")
        sluiced.wait_running("metrics-sink")
        sluiced.wait_status("metrics-broken",
                            lambda s: [t["state"] for t in s["tasks"]] == ["FAILED"], timeout=60)
        wait_for(lambda: out.exists() and len(out.read_text().splitlines()) >= LINES, 60,
                 "the pipeline to copy every line")
        yield sluiced, prometheus, f"http://127.0.0.1:{metrics_port}"
    finally:
        prometheus.stop()
        sluiced.stop()


def dashboard_selector(extra=""):
    return f'strimzi_io_kind=~"KafkaConnect.*",strimzi_io_cluster="{CLUSTER}"{extra}'


def test_prometheus_scrapes_the_names_strimzis_dashboard_queries(setup):
    sluiced, prometheus, _ = setup
    prometheus.wait_query('up{job="sluice"}', lambda r: r and r[0]["value"][1] == "1")
    # The record counters grow under the dashboard's and Kafka Connect's names.
    prometheus.wait_query(
        'kafka_connect_source_task_source_record_poll_total{connector="metrics-source"}',
        lambda r: r and float(r[0]["value"][1]) >= LINES)
    prometheus.wait_query(
        'kafka_connect_source_task_source_record_write_total{connector="metrics-source"}',
        lambda r: r and float(r[0]["value"][1]) >= LINES)
    prometheus.wait_query(
        'kafka_connect_sink_task_sink_record_send_total{connector="metrics-sink"}',
        lambda r: r and float(r[0]["value"][1]) >= LINES)
    prometheus.wait_query('sluice_task_stage_records_total{connector="metrics-sink",stage="put"}',
                          lambda r: r and float(r[0]["value"][1]) >= LINES)
    # The Kafka clients' statistics (every second here) give the Java clients' names.
    prometheus.wait_query("kafka_producer_outgoing_byte_total",
                          lambda r: r and float(r[0]["value"][1]) > 0)
    prometheus.wait_query("kafka_consumer_incoming_byte_total",
                          lambda r: r and float(r[0]["value"][1]) > 0)

    for name in sorted(set(DASHBOARD_METRICS + ALERT_METRICS) - set(NOT_FROM_SLUICE)):
        prometheus.wait_query(name, lambda r: len(r) > 0, timeout=15)

    # Panels of the dashboard, their PromQL verbatim with its variables set.
    assert float(prometheus.query(
        f"sum(kafka_connect_worker_connector_count{{{dashboard_selector()}}})")[0]["value"][1]) == 3
    assert float(prometheus.query(
        f"sum(kafka_connect_worker_task_count{{{dashboard_selector()}}})")[0]["value"][1]) == 3
    connectors = prometheus.query(
        f"sum(kafka_connect_connector_status{{{dashboard_selector()}}} * on(connector) "
        "group_left(connector_class) kafka_connect_connector_connector_class{} * on (connector) "
        "group_left(connector_version) kafka_connect_connector_connector_version{} * on "
        "(connector) group_left(connector_type) kafka_connect_connector_connector_type{}) by "
        "(connector, status, connector_class, kubernetes_pod_name, connector_version, "
        "connector_type)")
    rows = {r["metric"]["connector"]: r["metric"] for r in connectors}
    assert rows["metrics-source"]["connector_class"] == \
        "org.apache.kafka.connect.file.FileStreamSourceConnector"
    assert rows["metrics-source"]["connector_type"] == "source"
    assert rows["metrics-sink"]["connector_type"] == "sink"
    assert rows["metrics-sink"]["status"] == "running"
    assert rows["metrics-sink"]["kubernetes_pod_name"] == f"{CLUSTER}-connect-0"

    # The failed task's metrics stay: the "failed tasks" panels and the ConnectFailedTask alert.
    failed = prometheus.query(
        "sum(kafka_connect_worker_connector_failed_task_count{namespace=\"myproject\","
        f"{dashboard_selector()}}}) by (connector) != 0")
    assert [(r["metric"]["connector"], r["value"][1]) for r in failed] == [("metrics-broken", "1")]
    errors = prometheus.query(
        f"sum(kafka_connect_task_error_total_record_failures{{{dashboard_selector()}}} * "
        "on(connector, task) group_left(status) kafka_connect_connector_task_status{}) by "
        "(connector, status, kubernetes_pod_name, task)")
    by_connector = {r["metric"]["connector"]: r for r in errors}
    assert by_connector["metrics-broken"]["metric"]["status"] == "failed"
    assert float(by_connector["metrics-broken"]["value"][1]) >= 1
    assert by_connector["metrics-sink"]["metric"]["status"] == "running"
    assert prometheus.query(
        "sum(kafka_connect_worker_connector_failed_task_count) by (namespace, pod) > 0")


def test_the_metrics_listener_serves_both_formats_and_nothing_else(setup):
    sluiced, _, metrics_url = setup
    r = requests.get(metrics_url + "/metrics", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE kafka_connect_worker_connector_count gauge\n" in r.text
    assert "\nprocess_resident_memory_bytes " in r.text
    assert 'sluice_plugin_host_resident_memory_bytes{connector="metrics-sink"} ' in r.text

    r = requests.get(metrics_url + "/metrics", timeout=10, headers={
        "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == \
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    assert r.text.endswith("# EOF\n")
    assert "# TYPE kafka_connect_worker_connector_startup_attempts counter\n" in r.text

    assert requests.get(metrics_url + "/connectors", timeout=10).status_code == 404
    assert requests.post(metrics_url + "/metrics", timeout=10).status_code == 405

    # The REST listener serves the same (behind basic authentication when that is on).
    r = sluiced.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "kafka_connect_worker_task_count 3.0\n" in r.text


def test_a_distributed_worker_adds_rebalance_and_coordinator_metrics(tmp_path):
    # Distributed mode on the embedded broker: a cluster of one, which rebalances as any does.
    props = distributed_props(None, "metrics-cluster", **{
        "plugin.path": str(BUILD / "plugins"), "grpc.listener": "127.0.0.1:0"})
    del props["bootstrap.servers"]
    worker = Sluiced(tmp_path, props, mode="distributed").start()
    try:
        (tmp_path / "in.txt").write_text("a\nb\n")
        r = worker.post("/connectors", json=source_config("src", tmp_path / "in.txt", "t-dist"))
        assert r.status_code == 201, r.text
        worker.wait_running("src")
        # Kafka Connect's default client id, connect-<worker id>, is quoted in its MBean name.
        client = f'clientid="\\"connect-{worker.rest[len("http://"):]}\\""'

        def assigned():
            text = worker.get("/metrics").text
            return text if f"kafka_connect_coordinator_assigned_tasks{{{client}}} 1.0\n" in text \
                else None
        text = wait_for(assigned, 30, "the task to be assigned")
        assert f"kafka_connect_coordinator_assigned_connectors{{{client}}} 1.0\n" in text
        assert "\nkafka_connect_worker_rebalance_rebalancing 0.0\n" in text
        assert re.search(r"\nkafka_connect_worker_rebalance_completed_rebalances_total [1-9]", text)
        assert re.search(r"\nkafka_connect_worker_rebalance_epoch [1-9]", text)
        assert re.search(r"\nkafka_connect_worker_rebalance_rebalance_max_time_ms [0-9]", text)
        assert ('kafka_connect_worker_rebalance_connect_protocol{connect_protocol="SESSIONED"} '
                "1.0\n") in text
        assert (f'kafka_connect_worker_rebalance_leader_name{{leader_name="{worker.rest}/"}} '
                "1.0\n") in text
    finally:
        worker.stop()


# ---- the names, derived from Strimzi's rules themselves --------------------------------------

# The rules of Strimzi 1.2.0's kafka-connect-metrics.yaml that match kafka.connect MBeans, in
# order (pattern, name, labels), as the JMX exporter applies them: the first rule whose pattern
# matches "domain<key=value, ...><>attribute: value" anywhere wins; $n are its groups; names and
# label names are made safe ([^a-zA-Z0-9:_] and runs of _ become one _) and lower-cased
# (lowercaseOutputName, lowercaseOutputLabelNames).
STRIMZI_CONNECT_RULES = [
    (r"kafka.(.+)<type=(.+)-metrics, client-id=(.*)><>(.+-total)", "kafka_$2_$4",
     {"clientId": "$3"}),
    (r"kafka.(.+)<type=(.+)-metrics, client-id=(.*)><>(.+-avg|.+-bytes|.+-count|.+-ratio|.+-age"
     r"|.+-flight|.+-threads|.+-connectors|.+-tasks|.+-ago)", "kafka_$2_$4", {"clientId": "$3"}),
    (r"kafka.connect<type=connector-metrics, connector=(.+)><>(connector-class|connector-type"
     r"|connector-version|status): (.+)", "kafka_connect_connector_$2",
     {"connector": "$1", "$2": "$3"}),
    (r"kafka.connect<type=connector-task-metrics, connector=(.+), task=(.+)><>status: ([a-z-]+)",
     "kafka_connect_connector_task_status", {"connector": "$1", "task": "$2", "status": "$3"}),
    (r"kafka.connect<type=(.+)-metrics, connector=(.+), task=(.+)><>(.+-total)",
     "kafka_connect_$1_$4", {"connector": "$2", "task": "$3"}),
    (r"kafka.connect<type=(.+)-metrics, connector=(.+), task=(.+)><>(.+-count|.+-ms|.+-ratio"
     r"|.+-seq-no|.+-rate|.+-max|.+-avg|.+-failures|.+-requests|.+-timestamp|.+-logged"
     r"|.+-errors|.+-retries|.+-skipped)", "kafka_connect_$1_$4", {"connector": "$2", "task": "$3"}),
    (r"kafka.connect<type=connect-worker-metrics, connector=(.+)><>([a-z-]+)",
     "kafka_connect_worker_$2", {"connector": "$1"}),
    (r"kafka.connect<type=connect-worker-metrics><>([a-z-]+-total)", "kafka_connect_worker_$1", {}),
    (r"kafka.connect<type=connect-worker-metrics><>([a-z-]+)", "kafka_connect_worker_$1", {}),
]

# The attributes Kafka Connect 3.9 registers for a standalone worker (ConnectMetricsRegistry and
# where WorkerConnector, WorkerTask, WorkerSourceTask, WorkerSinkTask and ErrorHandlingMetrics
# add them; the exactly-once transaction sizes and the never-registered sink-record-lag-max
# left out). String attributes carry their value.
WORKER_ATTRIBUTES = [
    f"{kind}-startup-{what}" for kind in ("connector", "task")
    for what in ("attempts-total", "success-total", "success-percentage", "failure-total",
                 "failure-percentage")] + ["connector-count", "task-count"]
WORKER_CONNECTOR_ATTRIBUTES = [f"connector-{state}-task-count" for state in (
    "total", "running", "paused", "failed", "unassigned", "destroyed", "restarting")]
TASK_ATTRIBUTES = ["running-ratio", "pause-ratio", "offset-commit-max-time-ms",
                   "offset-commit-avg-time-ms", "batch-size-max", "batch-size-avg",
                   "offset-commit-failure-percentage", "offset-commit-success-percentage"]
SOURCE_ATTRIBUTES = ["source-record-poll-rate", "source-record-poll-total",
                     "source-record-write-rate", "source-record-write-total",
                     "poll-batch-max-time-ms", "poll-batch-avg-time-ms",
                     "source-record-active-count", "source-record-active-count-max",
                     "source-record-active-count-avg"]
SINK_ATTRIBUTES = ["sink-record-read-rate", "sink-record-read-total", "sink-record-send-rate",
                   "sink-record-send-total", "partition-count", "offset-commit-seq-no",
                   "offset-commit-completion-rate", "offset-commit-completion-total",
                   "offset-commit-skip-rate", "offset-commit-skip-total", "put-batch-max-time-ms",
                   "put-batch-avg-time-ms", "sink-record-active-count",
                   "sink-record-active-count-max", "sink-record-active-count-avg"]
ERROR_ATTRIBUTES = ["total-record-failures", "total-record-errors", "total-records-skipped",
                    "total-retries", "total-errors-logged", "deadletterqueue-produce-requests",
                    "deadletterqueue-produce-failures", "last-error-timestamp"]


def safe_name(name):
    return re.sub(r"_+", "_", re.sub(r"[^a-zA-Z0-9:_]", "_", name)).lower()


def exporter_sample(match_name):
    """(name, labels) the JMX exporter makes of one MBean attribute under Strimzi's rules, or
    None when no rule matches."""
    for pattern, name, labels in STRIMZI_CONNECT_RULES:
        m = re.match(r"^.*(?:" + pattern + r").*$", match_name)
        if m:
            def expand(template):
                return re.sub(r"\$(\d)", lambda g: m.group(int(g.group(1))), template)
            return safe_name(expand(name)), {safe_name(expand(k)): expand(v)
                                             for k, v in labels.items()}
    return None


def scraped_samples(text):
    samples = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$", line)
        assert m, line
        labels = {k: re.sub(r"\\(.)", r"\1", v) for k, v in
                  re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or "")}
        labels.pop("_objectname", None)  # the exporter's tie-breaker, checked in unit tests
        samples.add((m.group(1), frozenset(labels.items())))
    return samples


def test_every_kafka_connect_attribute_gets_the_name_strimzis_rules_give_it(setup):
    _, _, metrics_url = setup
    scraped = scraped_samples(requests.get(metrics_url + "/metrics", timeout=10).text)
    attributes = [("kafka.connect<type=connect-worker-metrics><>", a, "0.0")
                  for a in WORKER_ATTRIBUTES]
    tasks = {"metrics-source": (SOURCE_ATTRIBUTES, "source-task"),
             "metrics-sink": (SINK_ATTRIBUTES, "sink-task"),
             "metrics-broken": (SINK_ATTRIBUTES, "sink-task")}
    for connector, (own, group) in tasks.items():
        attributes += [(f"kafka.connect<type=connect-worker-metrics, connector={connector}><>", a,
                        "0.0") for a in WORKER_CONNECTOR_ATTRIBUTES]
        bean = f"kafka.connect<type=connector-metrics, connector={connector}><>"
        attributes += [(bean, "connector-type", group.split("-")[0]), (bean, "status", "running")]
        task = f"connector={connector}, task=0><>"
        attributes += [(f"kafka.connect<type=connector-task-metrics, {task}", a, "0.0")
                       for a in TASK_ATTRIBUTES]
        attributes += [(f"kafka.connect<type={group}-metrics, {task}", a, "0.0") for a in own]
        attributes += [(f"kafka.connect<type=task-error-metrics, {task}", a, "0.0")
                       for a in ERROR_ATTRIBUTES]
    names = {name for name, _ in scraped}
    for bean, attribute, value in attributes:
        expected = exporter_sample(f"{bean}{attribute}: {value}")
        if expected is None:
            # No rule takes it (the tasks' offset commit percentages): not exported.
            assert not any(n.endswith(safe_name(attribute)) for n in names), attribute
            continue
        name, labels = expected
        if "status" in labels:  # the value is the state, whatever it is now
            assert any(n == name and {k: v for k, v in ls if k != "status"} ==
                       {k: v for k, v in labels.items() if k != "status"} for n, ls in scraped), (
                bean, attribute, expected)
        else:
            assert (name, frozenset(labels.items())) in scraped, (bean, attribute, expected)
