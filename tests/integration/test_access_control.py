"""Authentication on both APIs, tenants, quotas, sandbox ceilings and the audit log, against one
real sluiced: basic authentication set up as for Kafka Connect (REST and gRPC), bearer tokens on
gRPC, a tenants policy with two tenants who cannot see or touch each other's connectors, an
admin who sees all, and a tenant whose plugin tries to take all the machine's memory. The cases
run in order on one worker, each building on what the previous left."""

import base64
import json
import os
import pathlib
import subprocess

import pytest
import requests

import kcapi
from conftest import (BUILD, Sluiced, free_port, sink_config, source_config, wait_for,
                      worker_props)

EXTENSION = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
LOGIN_MODULE = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule"
UNAUTHORIZED = "User cannot access the resource."
CI_TOKEN = "ci-orders-token-0123456789abcdef"

PASSWORDS = {"admin": "admin-pw", "alice": "alice-pw", "bob": "bob-pw", "carol": "carol-pw",
             "dave": "dave-pw"}


def basic(user):
    token = base64.b64encode(f"{user}:{PASSWORDS[user]}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    d = tmp_path_factory.mktemp("access")
    credentials = d / "credentials.properties"
    credentials.write_text("".join(f"{u}={p}\n" for u, p in PASSWORDS.items()))
    jaas = d / "jaas.conf"
    jaas.write_text(f'KafkaConnect {{\n  {LOGIN_MODULE} required\n  file="{credentials}";\n}};\n')
    tokens = d / "tokens.properties"
    tokens.write_text(f"ci-orders={CI_TOKEN}\n")
    policy = d / "tenants.json"
    policy.write_text(json.dumps({
        "admins": ["admin"],
        "tenants": {
            "orders": {"principals": ["alice", "ci-orders"], "max.connectors": 3,
                       "max.tasks": 4},
            "payments": {"principals": ["bob"], "connector.prefix": "pay."},
            "lab": {"principals": ["dave"], "sandbox": {"memory.bytes": 512 << 20}},
        }}))
    audit = d / "audit.log"
    metrics_port = free_port()
    props = worker_props(d, **{
        "metrics.listener": f"http://127.0.0.1:{metrics_port}",
        "rest.extension.classes": EXTENSION,
        "sluice.auth.bearer.tokens.file": str(tokens),
        "sluice.auth.policy.file": str(policy),
        "sluice.audit.log.file": str(audit),
        "plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}",
    })
    saved = os.environ.get("KAFKA_OPTS")
    os.environ["KAFKA_OPTS"] = f"-Djava.security.auth.login.config={jaas}"
    try:
        s = Sluiced(d, props).start()
    finally:
        if saved is None:
            os.environ.pop("KAFKA_OPTS", None)
        else:
            os.environ["KAFKA_OPTS"] = saved
    s.audit = audit
    s.dir = d
    s.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    yield s
    s.kill()


def call(worker, method, path, user=None, **kw):
    headers = basic(user) if user else {}
    return requests.request(method, worker.url(path), headers=headers, timeout=60, **kw)


def audit_lines(worker):
    return [json.loads(line) for line in pathlib.Path(worker.audit).read_text().splitlines()]


def test_tenants_see_and_manage_only_their_own_connectors(worker):
    d = worker.dir
    (d / "orders.txt").write_text("o1\no2\n")
    r = call(worker, "POST", "/connectors", "alice",
             json=source_config("orders-src", d / "orders.txt", "orders"))
    assert r.status_code == 201, r.text
    r = call(worker, "POST", "/connectors", "bob",
             json=sink_config("pay.sink", d / "pay-out.txt", "orders"))
    assert r.status_code == 201, r.text
    r = call(worker, "POST", "/connectors", "admin",
             json=sink_config("shared-sink", d / "shared-out.txt", "orders"))
    assert r.status_code == 201, r.text

    # Lists are cut to the tenant's own connectors; the admin sees all.
    assert call(worker, "GET", "/connectors", "alice").json() == ["orders-src"]
    assert call(worker, "GET", "/connectors", "bob").json() == ["pay.sink"]
    assert sorted(call(worker, "GET", "/connectors", "admin").json()) == [
        "orders-src", "pay.sink", "shared-sink"]
    expanded = call(worker, "GET", "/connectors?expand=status&expand=info", "bob").json()
    assert list(expanded) == ["pay.sink"]
    worker_status = lambda: call(worker, "GET", "/connectors/orders-src/status", "alice")
    wait_for(lambda: worker_status().status_code == 200, 30, "orders-src status")

    # Everything about another tenant's connector is refused with 403, whether it exists or not.
    message = ("Principal alice of tenant orders may not access connector {}: the tenant's "
               "connectors are named orders-*")
    for method, path, body in [
            ("GET", "/connectors/pay.sink", None),
            ("GET", "/connectors/pay.sink/config", None),
            ("GET", "/connectors/pay.sink/status", None),
            ("GET", "/connectors/pay.sink/tasks", None),
            ("GET", "/connectors/pay.sink/offsets", None),
            ("GET", "/connectors/pay.sink/topics", None),
            ("PUT", "/connectors/pay.sink/config", {"connector.class": "FileStreamSink",
                                                   "topics": "x", "file": "/tmp/x"}),
            ("PUT", "/connectors/pay.sink/pause", None),
            ("PUT", "/connectors/pay.sink/stop", None),
            ("POST", "/connectors/pay.sink/restart", None),
            ("POST", "/connectors/pay.sink/tasks/0/restart", None),
            ("DELETE", "/connectors/pay.sink/offsets", None),
            ("DELETE", "/connectors/pay.sink", None),
            ("GET", "/connectors/no-such", None)]:
        r = call(worker, method, path, "alice", json=body)
        name = path.split("/")[2]
        assert (r.status_code, r.json()) == (403, {"error_code": 403,
                                                   "message": message.format(name)}), (method, path)
    r = call(worker, "POST", "/connectors", "alice",
             json=sink_config("pay.mine", d / "x.txt", "orders"))
    assert r.status_code == 403 and "may not access connector pay.mine" in r.json()["message"]
    # The refused changes did nothing.
    assert call(worker, "GET", "/connectors/pay.sink/status", "bob").json()["connector"][
        "state"] in ("RUNNING", "UNASSIGNED")

    # A principal of no tenant is refused all but the worker's own information.
    assert call(worker, "GET", "/", "carol").status_code == 200
    r = call(worker, "GET", "/connectors", "carol")
    assert r.status_code == 403
    assert "neither an admin nor a member of a tenant" in r.json()["message"]
    # Worker-wide changes are the admins'.
    r = call(worker, "PUT", "/admin/loggers/org.apache.kafka", "alice", json={"level": "DEBUG"})
    assert r.status_code == 403 and r.json()["message"].endswith("admins only")
    r = call(worker, "PUT", "/admin/loggers/org.apache.kafka", "admin", json={"level": "DEBUG"})
    assert r.status_code == 200, r.text
    # Without credentials: Kafka Connect's 401.
    r = call(worker, "GET", "/connectors")
    assert (r.status_code, r.text) == (401, UNAUTHORIZED)


def test_metrics_are_the_admins_and_the_metrics_listeners(worker):
    # The metrics name every connector: on the REST listener only admins read them.
    assert (call(worker, "GET", "/metrics").status_code, call(worker, "GET", "/metrics").text) == (
        401, UNAUTHORIZED)
    r = call(worker, "GET", "/metrics", "alice")
    assert r.status_code == 403 and r.json()["message"] == (
        "Principal alice may not read the worker's metrics: admins only")
    r = call(worker, "GET", "/metrics", "admin")
    assert r.status_code == 200 and "kafka_connect_worker_connector_count" in r.text
    # The metrics listener, which the operator opens to Prometheus, needs no credentials.
    r = requests.get(worker.metrics_url, timeout=30)
    assert r.status_code == 200 and "kafka_connect_worker_connector_count" in r.text


def test_quotas_hold_a_tenant_to_its_connectors_and_tasks(worker):
    d = worker.dir
    r = call(worker, "POST", "/connectors", "alice",
             json=sink_config("orders-sink", d / "o.txt", "orders", **{"tasks.max": "2"}))
    assert r.status_code == 201, r.text
    # orders-src (1) + orders-sink (2) + 2 more would be 5 tasks of 4.
    r = call(worker, "PUT", "/connectors/orders-sink/config", "alice",
             json={"connector.class": "FileStreamSink", "file": str(d / "o.txt"),
                   "topics": "orders", "tasks.max": "4"})
    assert r.status_code == 403, r.text
    assert r.json()["message"] == (
        "Quota exceeded: tenant orders may run at most 4 tasks (the sum of tasks.max over its "
        "connectors); with connector orders-sink it would be 5")
    r = call(worker, "POST", "/connectors", "alice",
             json=sink_config("orders-third", d / "o3.txt", "orders"))
    assert r.status_code == 201, r.text
    r = call(worker, "POST", "/connectors", "alice",
             json=sink_config("orders-fourth", d / "o4.txt", "orders"))
    assert r.status_code == 403
    assert r.json()["message"].startswith("Quota exceeded: tenant orders may have at most 3")
    # The admin is held to nobody's quota... but its connector named for the tenant counts.
    assert call(worker, "DELETE", "/connectors/orders-third", "alice").status_code == 204


def test_grpc_takes_the_same_credentials_or_a_bearer_token(worker, grpc_stubs):
    as_ci = kcapi.GrpcApi(worker.grpc, auth_metadata=[("authorization", f"Bearer {CI_TOKEN}")])
    as_bob = kcapi.GrpcApi(worker.grpc, auth_metadata=[("authorization", basic("bob")[
        "Authorization"])])
    try:
        listed = as_ci.list_connectors()
        assert listed.status == 200 and sorted(listed.body) == ["orders-sink", "orders-src"]
        assert as_bob.list_connectors().body == ["pay.sink"]
        r = as_bob.status("orders-src")
        assert r.status == 403 and "Principal bob of tenant payments" in r.body["message"]
    finally:
        as_ci.close()
        as_bob.close()
    # sluicectl takes a token or a user from the environment.
    sluicectl = [str(BUILD / "bin" / "sluicectl"), "--server", worker.grpc, "list", "-o", "json"]
    env = dict(os.environ, SLUICE_TOKEN=CI_TOKEN)
    out = subprocess.run(sluicectl, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "orders-src" in out.stdout and "pay.sink" not in out.stdout, out
    env = dict(os.environ, SLUICE_USER="bob", SLUICE_PASSWORD=PASSWORDS["bob"])
    out = subprocess.run(sluicectl, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "pay.sink" in out.stdout and "orders" not in out.stdout, out
    out = subprocess.run(sluicectl, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and UNAUTHORIZED in out.stderr, out
    # No, wrong or forged credentials: UNAUTHENTICATED with Kafka Connect's message.
    for metadata in ([], [("authorization", "Bearer wrong-token-0123456789")],
                     [("authorization", "Basic " + base64.b64encode(b"bob:nope").decode())],
                     [("x-sluice-principal-bin", b"admin")],
                     [("x-sluice-gateway-token", "guess"), ("x-sluice-principal-bin", b"admin")]):
        client = kcapi.GrpcApi(worker.grpc, auth_metadata=metadata)
        try:
            r = client.list_connectors()
            assert (r.status, r.body["message"]) == (401, UNAUTHORIZED), metadata
            r = client.server_info()
            assert r.status == 401, metadata
        finally:
            client.close()


def test_a_tenants_sandbox_ceiling_stops_its_plugin_not_the_worker(worker):
    # dave's tenant has a 512 MiB memory ceiling; its connector tries to take 8 GiB.
    r = call(worker, "POST", "/connectors", "dave", json={"name": "lab-hog", "config": {
        "connector.class": "CrashySource", "topic": "lab", "mode": "hog", "after.records": "0"}})
    assert r.status_code == 201, r.text

    def failed():
        s = call(worker, "GET", "/connectors/lab-hog/status", "dave").json()
        tasks = s.get("tasks", [])
        return s if tasks and tasks[0]["state"] == "FAILED" else None
    cgroups = call(worker, "GET", "/sluice/sandbox", "dave").json()["cgroups"]
    if cgroups["memory"] == "none":
        # A ceiling this machine cannot enforce keeps the connector from starting.
        status = wait_for(lambda: (lambda s: s if s["connector"]["state"] == "FAILED" else None)(
            call(worker, "GET", "/connectors/lab-hog/status", "dave").json()), 60,
            "lab-hog to fail")
        assert "needs the cgroup memory controller" in status["connector"]["trace"], status
    else:
        status = wait_for(failed, 60, "lab-hog's task to fail")
        # The sandbox's supervisor saw the memory cgroup's OOM killer end the plugin.
        assert "memory limit of 512 MiB exceeded" in status["tasks"][0]["trace"], status
    # The worker and the other tenants' connectors are unharmed.
    assert call(worker, "GET", "/connectors/orders-src/status", "alice").json()["connector"][
        "state"] == "RUNNING"
    assert worker.alive()
    assert call(worker, "GET", "/", "admin").status_code == 200
    assert call(worker, "DELETE", "/connectors/lab-hog", "dave").status_code == 204


def test_every_change_is_audited_with_principal_action_and_connector(worker):
    lines = audit_lines(worker)
    assert all(set(line) >= {"time", "principal", "tenant", "action", "connector", "allowed",
                             "outcome"} for line in lines)
    assert {"principal": "alice", "tenant": "orders", "action": "CreateConnector",
            "connector": "orders-src", "allowed": True, "outcome": "OK"}.items() <= next(
        line for line in lines if line["connector"] == "orders-src").items()
    refused = [line for line in lines
               if line["principal"] == "alice" and line["connector"] == "pay.sink"]
    assert {line["action"] for line in refused} >= {
        "PutConnectorConfig", "PauseConnector", "StopConnector", "RestartConnector",
        "RestartTask", "ResetConnectorOffsets", "DeleteConnector"}
    assert all(not line["allowed"] and line["outcome"] == "PERMISSION_DENIED" for line in refused)
    assert any(line["action"] == "SetLoggerLevel" and line["principal"] == "admin"
               and line["allowed"] for line in lines)
    quota = [line for line in lines if line["connector"] == "orders-fourth"]
    assert quota and "Quota exceeded" in quota[0]["message"]
    # Reads are not changes: no GET leaves a line.
    assert not any(line["action"].startswith(("Get", "List")) for line in lines)
