"""Client overrides end to end: connectors that set producer.override.*, consumer.override.* and
admin.override.* with the Java clients' names run on Sluice's librdkafka clients, and the
worker's connector.client.config.override.policy (All, None, Principal) shapes validate and
refuses what Kafka Connect refuses.

The validate answers are compared with Kafka Connect 3.9.1's own (client_overrides_java.json:
a connect-standalone worker per policy, asked the same requests); the messages were read from
the same workers."""

import json
import pathlib

import pytest

from conftest import (expect_error, make_api, read_lines, sink_config, source_config, wait_for,
                      worker_props)

JAVA = json.loads((pathlib.Path(__file__).parent / "client_overrides_java.json").read_text())

POLICY = "connector.client.config.override.policy"


def is_override(name):
    return any(name.startswith(p) for p in ("producer.override.", "consumer.override.",
                                            "admin.override."))


@pytest.fixture(scope="module", params=["None", "Principal", "All"])
def policy_sluiced(request, tmp_path_factory):
    """A sluiced whose worker runs the given override policy."""
    from conftest import Sluiced
    d = tmp_path_factory.mktemp(f"policy-{request.param}")
    s = Sluiced(d, worker_props(d, **{POLICY: request.param})).start()
    s.policy = request.param
    yield s
    s.kill()


@pytest.fixture
def policy_api(transport, grpc_stubs, policy_sluiced):
    client = make_api(transport, policy_sluiced)
    client.policy = policy_sluiced.policy
    yield client
    if hasattr(client, "close"):
        client.close()


@pytest.mark.parametrize("case", sorted(JAVA["requests"]))
def test_validate_lists_overrides_as_kafka_connect(policy_api, case):
    body = JAVA["requests"][case]
    expected = JAVA["answers"][f"{case}/{policy_api.policy}"]
    r = policy_api.validate(body["connector.class"], body)
    assert r.status == 200, r
    configs = r.body["configs"]
    names = [c["value"]["name"] for c in configs]
    overrides = [c for c in configs if is_override(c["value"]["name"])]
    # The same entries, definitions and values, in the same order.
    assert [c["value"]["name"] for c in overrides] == \
        [c["value"]["name"] for c in expected["overrides"]], names
    for got, want in zip(overrides, expected["overrides"]):
        assert got == want, (got, want)
    # Right after the plugin's keys, before the converters' settings.
    if overrides:
        first = names.index(overrides[0]["value"]["name"])
        assert names[first - 1] == expected["before"], names
        after = names[first + len(overrides)] if first + len(overrides) < len(names) else None
        assert after == expected["after"], names
    assert r.body["error_count"] == expected["error_count"], r.body
    if body["connector.class"] == "FileStreamSink":
        assert r.body["groups"] == expected["groups"], r.body


def test_create_is_refused_with_the_policys_errors(policy_api):
    config = {"connector.class": "FileStreamSink", "topics": "t", "file": "/tmp/out.txt",
              "consumer.override.max.poll.records": "1000", "consumer.override.foo": "x"}
    r = policy_api.put_config("refused", config)
    if policy_api.policy == "All":
        assert r.status == 201, r
        assert policy_api.delete_connector("refused").status == 204
        return
    # Kafka Connect 3.9.1 answers (the keys in its order, one error each).
    p = policy_api.policy
    expect_error(r, 400,
                 "Connector configuration is invalid and contains the following 2 error(s):\n"
                 f"The '{p}' policy does not allow 'max.poll.records' to be overridden in the "
                 "connector configuration.\n"
                 f"The '{p}' policy does not allow 'foo' to be overridden in the connector "
                 "configuration.\n"
                 "You can also find the above list of errors at the endpoint "
                 "`/connector-plugins/{connectorType}/config/validate`")


def test_an_override_that_does_not_parse_fails_validation_as_kafka_connect(policy_api):
    config = {"name": "bad", "connector.class": "FileStreamSink", "topics": "t",
              "file": "/tmp/out.txt", "consumer.override.max.poll.records": "abc"}
    message = "Invalid value abc for configuration max.poll.records: Not a number of type INT"
    # Kafka Connect validates on an executor: validate shows the exception's toString, create
    # and update its message; both are 500s, whatever the policy.
    expect_error(policy_api.validate("FileStreamSink", config), 500,
                 "org.apache.kafka.common.config.ConfigException: " + message)
    expect_error(policy_api.put_config("bad", config), 500, message)


def write_lines(path, lines):
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")


def run_connectors_with_java_client_overrides(s, workdir):
    src_file, out_file = workdir / "in.txt", workdir / "out.txt"
    write_lines(src_file, [f"line {i}" for i in range(50)])
    # Java client names, some renamed or converted for librdkafka, one with no equivalent.
    r = s.post("/connectors", json=source_config(
        "src", src_file, "lines",
        **{"producer.override.delivery.timeout.ms": "300000",
           "producer.override.buffer.memory": "16777216",
           "producer.override.linger.ms": "5",
           "producer.override.key.serializer":
               "org.apache.kafka.common.serialization.StringSerializer"}))
    assert r.status_code == 201, r.text
    r = s.post("/connectors", json=sink_config(
        "snk", out_file, "lines",
        **{"consumer.override.max.poll.records": "1000",
           "consumer.override.fetch.max.wait.ms": "100",
           "consumer.override.partition.assignment.strategy":
               "org.apache.kafka.clients.consumer.RangeAssignor",
           "errors.deadletterqueue.topic.name": "lines-dlq",
           "errors.deadletterqueue.topic.replication.factor": "1",
           "producer.override.max.request.size": "2097152",
           "admin.override.request.timeout.ms": "20000"}))
    assert r.status_code == 201, r.text
    s.wait_running("src")
    s.wait_running("snk")
    expected = [f"line {i}" for i in range(50)]
    wait_for(lambda: read_lines(out_file) == expected, 60, "the lines in out.txt")
    write_lines(src_file, ["more"])
    wait_for(lambda: read_lines(out_file) == expected + ["more"], 60, "the appended line")
    # The key Java clients use and librdkafka has no equivalent for is ignored, with a warning.
    wait_for(lambda: "the producer setting key.serializer is ignored" in s.log(), 10,
             "the warning about key.serializer")


def test_connectors_with_java_client_overrides_run_and_deliver(sluiced, workdir):
    run_connectors_with_java_client_overrides(sluiced, workdir)


def test_connectors_with_java_client_overrides_on_real_kafka(sluiced_factory, workdir,
                                                            kafka_broker):
    # A real broker answers the admin calls (the DLQ topic is created with the admin settings).
    s = sluiced_factory(props=worker_props(workdir, **{"bootstrap.servers": kafka_broker})).start()
    run_connectors_with_java_client_overrides(s, workdir)


def test_a_task_whose_overrides_the_policy_refuses_fails_as_in_kafka_connect(sluiced_factory,
                                                                             workdir):
    out_file = workdir / "out.txt"
    s = sluiced_factory(props=worker_props(workdir)).start()
    r = s.post("/connectors", json=sink_config(
        "snk", out_file, "lines", **{"consumer.override.max.poll.records": "1000"}))
    assert r.status_code == 201, r.text
    s.wait_running("snk")
    s.stop()
    # The same stored connector on a worker whose policy no longer allows the override: the
    # Worker refuses to start the task.
    s = sluiced_factory(props=worker_props(workdir, **{POLICY: "None"}), subdir=".").start()
    status = s.wait_status(
        "snk", lambda b: len(b["tasks"]) == 1 and b["tasks"][0]["state"] == "FAILED", 60,
        "the task to fail")
    assert status["tasks"][0]["trace"].startswith(
        "org.apache.kafka.connect.errors.ConnectException: Client Config Overrides not allowed "
        "[[max.poll.records,1000,[],[The 'None' policy does not allow 'max.poll.records' to be "
        "overridden in the connector configuration.],true]]"), status
    assert status["connector"]["state"] == "RUNNING", status
    # Reading the sink's offsets builds its consumer settings too, and Kafka Connect's Worker
    # checks the policy there as well (500 with the ConnectException's message).
    r = s.get("/connectors/snk/offsets")
    assert r.status_code == 500, r.text
    assert r.json() == {
        "error_code": 500,
        "message": "Client Config Overrides not allowed [[max.poll.records,1000,[],[The 'None' "
                   "policy does not allow 'max.poll.records' to be overridden in the connector "
                   "configuration.],true]]"}, r.text
