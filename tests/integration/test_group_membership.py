"""Distributed mode's group membership client (server/distributed: KafkaConnection, GroupMember)
against a real Apache Kafka 3.9.1 broker from tools/kafka, with three listeners: PLAINTEXT,
SASL_PLAINTEXT and SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), SSL, and SSL requiring a
client certificate (throwaway self-signed certificates); and with a Java Kafka Connect 3.9.1 worker in distributed mode leading a group that
our member joins. The checks are the gtest binary group_member_kafka_test; this file sets the
broker (and the Java worker) up and tells the binary where they are."""

import os
import subprocess
import sys

import pytest
import requests

from conftest import BUILD, REPO, free_port, wait_for
from distributed_harness import JAVA_LOG4J, distributed_props

TEST_BINARY = BUILD / "tests" / "group_member_kafka_test"
USER, PASSWORD = "alice", "alice-secret"
CLIENT_P12_PASSWORD = "p12-secret"


def make_certificate(d):
    """A self-signed certificate for localhost and 127.0.0.1; returns (key+cert PEM, cert PEM)."""
    key, cert = d / "broker-key.pem", d / "broker-cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    keystore = d / "broker-keystore.pem"
    keystore.write_text(key.read_text() + cert.read_text())
    return keystore, cert


def make_client_keystores(d):
    """A self-signed client certificate as a PEM key store and a PKCS#12 one (password
    CLIENT_P12_PASSWORD); returns (PEM key store, PKCS#12 key store, certificate)."""
    key, cert = d / "client-key.pem", d / "client-cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=sluice-client", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    pem = d / "client-keystore.pem"
    pem.write_text(key.read_text() + cert.read_text())
    p12 = d / "client-keystore.p12"
    subprocess.run(["openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert),
                    "-passout", f"pass:{CLIENT_P12_PASSWORD}", "-out", str(p12)],
                   check=True, capture_output=True)
    return pem, p12, cert


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory):
    d = tmp_path_factory.mktemp("kafka-secured")
    keystore, cert = make_certificate(d)
    client_pem, client_p12, client_cert = make_client_keystores(d)
    ports = set()
    while len(ports) < 4:
        ports.add(free_port())
    sasl_port, ssl_port, mtls_port, sasl_ssl_port = sorted(ports)
    host = "127.0.0.1"
    plain_jaas = ("org.apache.kafka.common.security.plain.PlainLoginModule required "
                  f'user_{USER}="{PASSWORD}";')
    scram_jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    sets = [
        "listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},"
        f"SASL_PLAINTEXT://{host}:{sasl_port},SSL://{host}:{ssl_port},"
        f"MTLS://{host}:{mtls_port},SASL_SSL://{host}:{sasl_ssl_port}",
        "advertised.listeners=PLAINTEXT://127.0.0.1:{port},"
        f"SASL_PLAINTEXT://{host}:{sasl_port},SSL://localhost:{ssl_port},"
        f"MTLS://{host}:{mtls_port},SASL_SSL://localhost:{sasl_ssl_port}",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
        "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL",
        "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={keystore}",
        # MTLS: a client must show the client certificate.
        "listener.name.mtls.ssl.client.auth=required",
        "listener.name.mtls.ssl.truststore.type=PEM",
        f"listener.name.mtls.ssl.truststore.location={client_cert}",
    ]
    for listener in ("sasl_plaintext", "sasl_ssl"):
        sets += [f"listener.name.{listener}.plain.sasl.jaas.config={plain_jaas}",
                 f"listener.name.{listener}.scram-sha-256.sasl.jaas.config={scram_jaas}",
                 f"listener.name.{listener}.scram-sha-512.sasl.jaas.config={scram_jaas}"]
    cmd = [str(REPO / "tools" / "kafka"), "start", "--dir", str(d)]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=240)
    try:
        bootstrap = (d / "bootstrap").read_text().strip()
        libs = REPO / "build" / "kafka" / "3.9.1" / "libs"
        # SCRAM credentials live in the cluster metadata: Kafka's own kafka-configs tool, once
        # per mechanism (one request may not alter a user's credentials twice).
        tools = [subprocess.Popen(["java", "-cp", f"{libs}/*", "kafka.admin.ConfigCommand",
                                   "--bootstrap-server", bootstrap, "--alter",
                                   "--entity-type", "users", "--entity-name", USER,
                                   "--add-config", f"{mechanism}=[password={PASSWORD}]"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512")]
        for t in tools:
            out, _ = t.communicate(timeout=120)
            assert t.returncode == 0, out.decode(errors="replace")[-3000:]
        yield {
            "SLUICE_TEST_KAFKA_BOOTSTRAP": bootstrap,
            "SLUICE_TEST_KAFKA_SASL_BOOTSTRAP": f"{host}:{sasl_port}",
            "SLUICE_TEST_KAFKA_SSL_BOOTSTRAP": f"localhost:{ssl_port}",
            "SLUICE_TEST_KAFKA_MTLS_BOOTSTRAP": f"{host}:{mtls_port}",
            "SLUICE_TEST_KAFKA_SASL_SSL_BOOTSTRAP": f"localhost:{sasl_ssl_port}",
            "SLUICE_TEST_KAFKA_CLIENT_PEM": str(client_pem),
            "SLUICE_TEST_KAFKA_CLIENT_P12": str(client_p12),
            "SLUICE_TEST_KAFKA_CLIENT_P12_PASSWORD": CLIENT_P12_PASSWORD,
            "SLUICE_TEST_KAFKA_CA_PEM": str(cert),
            "SLUICE_TEST_KAFKA_USER": USER,
            "SLUICE_TEST_KAFKA_PASSWORD": PASSWORD,
        }
    finally:
        subprocess.run([str(REPO / "tools" / "kafka"), "stop", "--dir", str(d)], timeout=120)


def run_test_binary(env, gtest_filter):
    r = subprocess.run([str(TEST_BINARY), f"--gtest_filter={gtest_filter}"],
                       env=dict(os.environ, **env), capture_output=True, text=True, timeout=300)
    sys.stdout.write(r.stdout[-20000:])
    sys.stderr.write(r.stderr[-5000:])
    assert r.returncode == 0, "group_member_kafka_test failed; see its output above"


def test_group_member_against_a_real_broker(secured_broker):
    run_test_binary(secured_broker, "-JavaInterop.*")



def test_java_connect_leader_assigns_work_to_our_member(secured_broker, tmp_path):
    libs = REPO / "build" / "kafka" / "3.9.1" / "libs"
    port = free_port()
    group = f"interop-{port}"
    (tmp_path / "log4j.properties").write_text(JAVA_LOG4J)
    props = {
        "bootstrap.servers": secured_broker["SLUICE_TEST_KAFKA_BOOTSTRAP"],
        "group.id": group,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "config.storage.topic": f"{group}-configs",
        "offset.storage.topic": f"{group}-offsets",
        "status.storage.topic": f"{group}-status",
        "config.storage.replication.factor": "1",
        "offset.storage.replication.factor": "1",
        "status.storage.replication.factor": "1",
        "offset.storage.partitions": "1",
        "status.storage.partitions": "1",
        "listeners": f"http://127.0.0.1:{port}",
        "heartbeat.interval.ms": "1000",
        "scheduled.rebalance.max.delay.ms": "1000",
    }
    (tmp_path / "worker.properties").write_text("".join(f"{k}={v}\n" for k, v in props.items()))
    with open(tmp_path / "worker.log", "wb") as log:
        java = subprocess.Popen(
            ["java", "-Xmx512m", "-XX:TieredStopAtLevel=1",
             f"-Dlog4j.configuration=file:{tmp_path / 'log4j.properties'}",
             "-cp", f"{libs}/*", "org.apache.kafka.connect.cli.ConnectDistributed",
             str(tmp_path / "worker.properties")],
            cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"

        def answers():
            try:
                return requests.get(url + "/connectors", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        wait_for(answers, 120, "the Java worker's REST API")
        source = tmp_path / "in.txt"
        source.write_text("")
        for name in ("fs1", "fs2"):
            config = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                      "file": str(source), "topic": f"{group}-{name}", "tasks.max": "1"}
            r = requests.post(url + "/connectors", json={"name": name, "config": config},
                              timeout=30)
            assert r.status_code == 201, r.text

        def both_running():
            status = requests.get(url + "/connectors?expand=status", timeout=5).json()
            return all(s["status"]["connector"]["state"] == "RUNNING" and
                       [t["state"] for t in s["status"]["tasks"]] == ["RUNNING"]
                       for s in status.values()) and len(status) == 2
        wait_for(both_running, 60, "fs1 and fs2 running on the Java worker")
        run_test_binary(dict(secured_broker, SLUICE_TEST_JAVA_CONNECT_GROUP=group,
                             SLUICE_TEST_JAVA_CONNECT_URL=url + "/"),
                        "JavaInterop.*")
        # The Java worker took our metadata and our leaving without complaint.
        errors = [line for line in (tmp_path / "worker.log").read_text(errors="replace")
                  .splitlines() if " ERROR " in line]
        assert not errors, "\n".join(errors[:20])
    finally:
        java.terminate()
        try:
            java.wait(timeout=30)
        except subprocess.TimeoutExpired:
            java.kill()
            java.wait()


def test_a_distributed_worker_runs_a_pipeline_on_a_sasl_ssl_broker(secured_broker, tmp_path):
    """Kafka Connect's secured-Kafka setup unchanged: the worker's own clients (the group member,
    the three internal topics) take the worker-level security.protocol, ssl.* and sasl.* keys; the
    connectors' clients take the producer., consumer. and admin. ones. SASL_SSL with SCRAM-SHA-512
    and a broker certificate from a PEM trust store."""
    from conftest import Sluiced, read_lines
    env = secured_broker
    security = {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required "
                            f'username="{env["SLUICE_TEST_KAFKA_USER"]}" '
                            f'password="{env["SLUICE_TEST_KAFKA_PASSWORD"]}";',
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": env["SLUICE_TEST_KAFKA_CA_PEM"],
    }
    props = distributed_props(env["SLUICE_TEST_KAFKA_SASL_SSL_BOOTSTRAP"], "secured-connect",
                              **{"plugin.path": str(BUILD / "plugins"),
                                 "grpc.listener": "127.0.0.1:0"})
    props.update(security)
    for prefix in ("producer.", "consumer.", "admin."):
        props.update({prefix + k: v for k, v in security.items()})
    worker = Sluiced(tmp_path, props, mode="distributed")
    try:
        worker.start()
        source, sink = tmp_path / "in.txt", tmp_path / "out.txt"
        source.write_text("".join(f"line {n}\n" for n in range(1, 101)))
        for name, config in (
                ("secured-src", {"connector.class": "FileStreamSource", "file": str(source),
                                 "topic": "secured-lines"}),
                ("secured-sink", {"connector.class": "FileStreamSink", "file": str(sink),
                                  "topics": "secured-lines"})):
            r = requests.post(worker.url("/connectors"), json={"name": name, "config": config},
                              timeout=60)
            assert r.status_code == 201, r.text
        wait_for(lambda: len(read_lines(sink)) == 100, 60,
                 "100 lines through the SASL_SSL broker")
        assert read_lines(sink) == [f"line {n}" for n in range(1, 101)]
        # The sink's committed offsets, read with the consumer.* security settings.
        def committed():
            r = worker.get("/connectors/secured-sink/offsets")
            assert r.status_code == 200, r.text
            return r.json()["offsets"] or None
        offsets = wait_for(committed, 60, "the sink's committed offsets")
        assert offsets == [{"partition": {"kafka_topic": "secured-lines", "kafka_partition": 0},
                            "offset": {"kafka_offset": 100}}], offsets
        status = worker.get("/connectors/secured-src/status").json()
        assert status["connector"]["worker_id"] == worker.rest.replace("http://", ""), status
    finally:
        worker.kill()
