"""A distributed cluster whose REST listeners are https with required client certificates
(Kafka Connect's listeners.https.ssl.* keys), on a real broker: requests a follower gets are
forwarded to the leader's https URL by the REST gateway, and task configs of a connector that
runs on a follower reach the leader through the herder's own REST client, both with the
worker's trust store and its key pair as client certificate."""

import uuid

import requests

from conftest import BUILD, Sluiced, free_port, source_config, wait_for
from distributed_harness import distributed_props
from test_tls import Pki, write_pem_keystore


def https_props(kafka_broker, group, pki, keystore):
    props = distributed_props(kafka_broker, group, **{
        "plugin.path": str(BUILD / "plugins"),
        "grpc.listener": "127.0.0.1:0",
        "listeners.https.ssl.keystore.type": "PEM",
        "listeners.https.ssl.keystore.location": str(keystore),
        "listeners.https.ssl.truststore.type": "PEM",
        "listeners.https.ssl.truststore.location": str(pki.ca),
        "listeners.https.ssl.client.auth": "required",
    })
    props["listeners"] = f"https://127.0.0.1:{props['rest.advertised.port']}"
    return props


def test_requests_and_task_configs_reach_an_https_leader(kafka_broker, tmp_path_factory):
    d = tmp_path_factory.mktemp("tls-cluster")
    pki = Pki(d)
    client = pki.issue("operator", "operator", 9001)
    cert = (str(client[1]), str(client[0]))
    group = f"tls-{uuid.uuid4().hex[:8]}"
    workers = []
    try:
        for i in range(2):
            key, crt = pki.issue(f"worker-{i}", "localhost", 100 + i)
            keystore = d / f"worker-{i}.pem"
            write_pem_keystore(keystore, key, crt)
            wd = d / f"w{i}"
            wd.mkdir()
            w = Sluiced(wd, https_props(kafka_broker, group, pki, keystore), mode="distributed")
            workers.append(w.start())
        urls = [w.rest.replace("http://", "https://", 1) for w in workers]

        def get(url, path):
            return requests.get(url + path, verify=str(pki.ca), cert=cert, timeout=30)

        # Both workers in the group: a leader is known to each.
        wait_for(lambda: all(get(u, "/connectors").status_code == 200 for u in urls), 60,
                 "both workers to answer GET /connectors")
        # One connector created through each worker: whichever is the follower forwards its
        # request to the leader's https URL.
        for i, url in enumerate(urls):
            source = d / f"in-{i}.txt"
            source.write_text("x\n")
            r = requests.post(url + "/connectors", verify=str(pki.ca), cert=cert, timeout=60,
                              json=source_config(f"src-{i}", source, f"{group}-t{i}"))
            assert r.status_code == 201, (i, r.status_code, r.text)

        def running(name):
            r = get(urls[0], f"/connectors/{name}/status")
            if r.status_code != 200:
                return None
            s = r.json()
            ok = s["connector"]["state"] == "RUNNING" and len(s["tasks"]) == 1 and \
                s["tasks"][0]["state"] == "RUNNING"
            return s if ok else None

        statuses = [wait_for(lambda n=n: running(n), 90, f"{n} to run its task")
                    for n in ("src-0", "src-1")]
        # The two connectors run on different workers (one connector each after the
        # rebalance): the follower's task configs went to the leader over https.
        owners = {s["connector"]["worker_id"] for s in statuses}
        assert len(owners) == 2, statuses
        # Without a client certificate no worker answers.
        for url in urls:
            try:
                requests.get(url + "/connectors", verify=str(pki.ca), timeout=10)
            except requests.exceptions.ConnectionError:
                continue
            raise AssertionError(f"{url} answered a client without a certificate")
    finally:
        for w in workers:
            w.kill()
