"""Distributed mode's group membership client (server/distributed: KafkaConnection, GroupMember)
against a real Apache Kafka 3.9.1 broker from tools/kafka, with three listeners: PLAINTEXT,
SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL (a throwaway self-signed
certificate). The checks are the gtest binary group_member_kafka_test; this file sets the broker
up and tells the binary where it is."""

import os
import subprocess
import sys

import pytest

from conftest import BUILD, REPO, free_port

TEST_BINARY = BUILD / "tests" / "group_member_kafka_test"
USER, PASSWORD = "alice", "alice-secret"


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


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory):
    d = tmp_path_factory.mktemp("kafka-secured")
    keystore, cert = make_certificate(d)
    sasl_port, ssl_port = free_port(), free_port()
    while ssl_port == sasl_port:
        ssl_port = free_port()
    host = "127.0.0.1"
    plain_jaas = ("org.apache.kafka.common.security.plain.PlainLoginModule required "
                  f'user_{USER}="{PASSWORD}";')
    scram_jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    sets = [
        "listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port},"
        f"SASL_PLAINTEXT://{host}:{sasl_port},SSL://{host}:{ssl_port}",
        "advertised.listeners=PLAINTEXT://127.0.0.1:{port},"
        f"SASL_PLAINTEXT://{host}:{sasl_port},SSL://localhost:{ssl_port}",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
        "SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL",
        "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
        f"listener.name.sasl_plaintext.plain.sasl.jaas.config={plain_jaas}",
        f"listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config={scram_jaas}",
        f"listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config={scram_jaas}",
        "ssl.keystore.type=PEM",
        f"ssl.keystore.location={keystore}",
    ]
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
            "SLUICE_TEST_KAFKA_CA_PEM": str(cert),
            "SLUICE_TEST_KAFKA_USER": USER,
            "SLUICE_TEST_KAFKA_PASSWORD": PASSWORD,
        }
    finally:
        subprocess.run([str(REPO / "tools" / "kafka"), "stop", "--dir", str(d)], timeout=120)


def test_group_member_against_a_real_broker(secured_broker):
    env = dict(os.environ, **secured_broker)
    r = subprocess.run([str(TEST_BINARY)], env=env, capture_output=True, text=True, timeout=300)
    sys.stdout.write(r.stdout[-20000:])
    sys.stderr.write(r.stderr[-5000:])
    assert r.returncode == 0, "group_member_kafka_test failed; see its output above"
