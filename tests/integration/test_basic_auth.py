"""Kafka Connect's basic-auth setup, unchanged: rest.extension.classes names
BasicAuthSecurityRestExtension, KAFKA_OPTS names a JAAS file whose KafkaConnect entry is a
PropertyFileLoginModule with a credentials file. Real HTTP against a real sluiced: no, wrong and
right credentials; the internal endpoints other workers call, which skip authentication as in
Kafka Connect; and the start-up errors of a setup Sluice cannot serve."""

import base64

import pytest
import requests

from conftest import wait_for, worker_props

EXTENSION = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
LOGIN_MODULE = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule"
UNAUTHORIZED = "User cannot access the resource."


def basic(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def jaas_setup(workdir, monkeypatch, module=LOGIN_MODULE):
    credentials = workdir / "credentials.properties"
    credentials.write_text("alice=alice-secret\nbob: bob-secret\n")
    jaas = workdir / "jaas.conf"
    jaas.write_text("KafkaConnect {\n"
                    f"  {module} required\n"
                    f'  file="{credentials}";\n'
                    "};\n")
    monkeypatch.setenv("KAFKA_OPTS", f"-Xmx1g -Djava.security.auth.login.config={jaas}")


@pytest.fixture
def secured(sluiced_factory, workdir, monkeypatch):
    jaas_setup(workdir, monkeypatch)
    props = worker_props(workdir, **{"rest.extension.classes": EXTENSION})
    return sluiced_factory(props=props).start()


def test_only_known_users_are_served(secured):
    url = secured.url("/connectors")
    for headers in ({}, basic("alice", "wrong"), basic("mallory", "alice-secret"),
                    {"Authorization": "Bearer abc"}):
        r = requests.get(url, headers=headers, timeout=10)
        assert (r.status_code, r.text) == (401, UNAUTHORIZED), headers
        r = requests.post(url, json={"name": "x", "config": {}}, headers=headers, timeout=10)
        assert (r.status_code, r.text) == (401, UNAUTHORIZED), headers
    for user, password in (("alice", "alice-secret"), ("bob", "bob-secret")):
        r = requests.get(url, headers=basic(user, password), timeout=10)
        assert (r.status_code, r.json()) == (200, []), r.text
    r = requests.get(secured.url("/"), headers=basic("alice", "alice-secret"), timeout=10)
    assert r.status_code == 200 and r.json()["version"], r.text


def test_internal_endpoints_skip_authentication_as_in_kafka_connect(secured):
    # Other workers' requests are signed with the session key instead (KIP-507); a standalone
    # worker answers them with Kafka Connect's standalone messages, not 401.
    r = requests.post(secured.url("/connectors/c/tasks"), json=[], timeout=10)
    assert r.status_code == 500, r.text
    assert "standalone mode does not support" in r.json()["message"]
    r = requests.put(secured.url("/connectors/c/fence"), timeout=10)
    assert r.status_code == 500, r.text
    r = requests.get(secured.url("/connectors/c/tasks"), timeout=10)
    assert (r.status_code, r.text) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("setup, message", [
    ("no KAFKA_OPTS", "needs a JAAS file with a KafkaConnect entry"),
    ("another login module", "cannot be loaded"),
    ("another extension", "cannot be loaded; Sluice serves Kafka Connect's"),
])
def test_a_setup_sluice_cannot_serve_stops_the_worker(sluiced_factory, workdir, monkeypatch,
                                                      setup, message):
    extension = EXTENSION
    if setup == "no KAFKA_OPTS":
        monkeypatch.delenv("KAFKA_OPTS", raising=False)
    elif setup == "another login module":
        jaas_setup(workdir, monkeypatch, module="com.example.LdapLoginModule")
    else:
        jaas_setup(workdir, monkeypatch)
        extension = "com.example.MyRestExtension"
    w = sluiced_factory(props=worker_props(workdir, **{"rest.extension.classes": extension}))
    with pytest.raises(AssertionError):
        w.start(timeout=30)
    wait_for(lambda: not w.alive(), 30, "sluiced to exit")
    assert message in w.log(), w.log()[-2000:]
