"""TLS on sluiced's listeners, set up with Kafka Connect's keys: listeners=https://... with
ssl.* (or listeners.https.ssl.*), and grpc.listener=https://... with the same settings. Real
clients against a real sluiced: requests with verify=<CA>, Python gRPC with
ssl_channel_credentials, and raw TLS handshakes to read the serial of the certificate served.
The certificates are made here with the openssl CLI (and keytool for the Java stores)."""

import os
import socket
import ssl
import subprocess

import grpc
import pytest
import requests

from conftest import BUILD, free_port, wait_for, worker_props

P12_PASSWORD = "p12-secret"
SLUICECTL = BUILD / "bin" / "sluicectl"


class Pki:
    """A CA, certificates it signs, and a rogue CA nobody trusts, in one directory."""

    def __init__(self, d):
        self.d = d
        self.ca_key, self.ca = self._ca("ca", "Sluice Test CA")
        self.rogue_key, self.rogue_ca = self._ca("rogue", "Rogue CA")

    def _run(self, *args):
        subprocess.run(args, check=True, capture_output=True, cwd=self.d)

    def _ca(self, name, cn):
        key, cert = self.d / f"{name}.key", self.d / f"{name}.pem"
        self._run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", f"/CN={cn}",
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                  "-keyout", str(key), "-out", str(cert))
        return key, cert

    def issue(self, name, cn, serial, ca=None, ca_key=None):
        """A certificate for localhost and 127.0.0.1 (server and client use): (key, cert)."""
        key, csr, cert = self.d / f"{name}.key", self.d / f"{name}.csr", self.d / f"{name}.pem"
        ext = self.d / f"{name}.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                       "extendedKeyUsage=serverAuth,clientAuth\n")
        self._run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-nodes", "-subj", f"/CN={cn}", "-keyout", str(key), "-out", str(csr))
        self._run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca or self.ca),
                  "-CAkey", str(ca_key or self.ca_key), "-set_serial", str(serial), "-days", "2",
                  "-extfile", str(ext), "-out", str(cert))
        return key, cert

    def pkcs12(self, name, key, cert):
        p12 = self.d / f"{name}.p12"
        self._run("openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert),
                  "-certfile", str(self.ca), "-passout", f"pass:{P12_PASSWORD}",
                  "-out", str(p12) + ".new")
        (self.d / f"{name}.p12.new").rename(p12)
        return p12

    def java_truststore(self):
        """The CA in a PKCS12 trust store as Java's keytool writes it."""
        store = self.d / "truststore.p12"
        self._run("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", str(self.ca),
                  "-keystore", str(store), "-storetype", "PKCS12", "-storepass", P12_PASSWORD)
        return store


def write_pem_keystore(path, key, cert):
    """A PEM key store (private key and certificate in one file), replaced by a rename."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key.read_text() + cert.read_text())
    tmp.rename(path)


def served_serial(port, ca, client=None):
    """The serial of the certificate a TLS handshake with 127.0.0.1:port presents (verified
    against `ca`), as an int."""
    context = ssl.create_default_context(cafile=str(ca))
    context.set_alpn_protocols(["h2", "http/1.1"])
    if client:
        context.load_cert_chain(certfile=str(client[1]), keyfile=str(client[0]))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return int(tls.getpeercert()["serialNumber"], 16)


def serial_now(port, ca, client=None):
    """served_serial, or None while a handshake fails (a renewal half-read: retried)."""
    try:
        return served_serial(port, ca, client)
    except (ssl.SSLError, OSError):
        return None


def grpc_server_info(target, ca=None, client=None):
    """GetServerInfo over a TLS channel (plaintext when ca is None): the Kafka Connect version,
    or the gRPC status code of the failure."""
    from sluice.v1 import connect_pb2, connect_pb2_grpc
    if ca is None:
        channel = grpc.insecure_channel(target)
    else:
        creds = grpc.ssl_channel_credentials(
            root_certificates=ca.read_bytes(),
            private_key=client[0].read_bytes() if client else None,
            certificate_chain=client[1].read_bytes() if client else None)
        channel = grpc.secure_channel(target, creds)
    try:
        stub = connect_pb2_grpc.ConnectServiceStub(channel)
        return stub.GetServerInfo(connect_pb2.GetServerInfoRequest(), timeout=10).version
    except grpc.RpcError as e:
        return e.code()
    finally:
        channel.close()


def port_of(address):
    return int(address.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


def https_url(sluiced, path):
    return sluiced.rest.replace("http://", "https://", 1) + path


def test_pem_stores_client_auth_required_on_rest_and_grpc_and_certificate_reload(
        sluiced_factory, workdir, pki, grpc_stubs):
    server_key, server_cert = pki.issue("worker", "localhost", 1001)
    alice = pki.issue("alice", "alice", 2001)
    mallory = pki.issue("mallory", "mallory", 3001, ca=pki.rogue_ca, ca_key=pki.rogue_key)
    keystore = workdir / "worker-keystore.pem"
    write_pem_keystore(keystore, server_key, server_cert)
    props = worker_props(workdir, **{
        "listeners": f"https://127.0.0.1:{free_port()}",
        "grpc.listener": "https://127.0.0.1:0",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(keystore),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(pki.ca),
        "ssl.client.auth": "required",
    })
    s = sluiced_factory(props=props).start()
    root = https_url(s, "/")

    # A client with a certificate the CA signed is served: the gateway reaches sluiced's gRPC
    # over TLS with a client certificate, as that listener requires one too.
    r = requests.get(root, verify=str(pki.ca), cert=(str(alice[1]), str(alice[0])), timeout=10)
    assert r.status_code == 200 and r.json()["version"], r.text
    r = requests.get(https_url(s, "/connectors"), verify=str(pki.ca),
                     cert=(str(alice[1]), str(alice[0])), timeout=10)
    assert (r.status_code, r.json()) == (200, []), r.text
    # Without a certificate, with one the CA did not sign, or not trusting the CA: no answer
    # (with TLS 1.3 a refused client certificate may show as a reset rather than an SSL error).
    for kwargs in ({"verify": str(pki.ca)},
                   {"verify": str(pki.ca), "cert": (str(mallory[1]), str(mallory[0]))}):
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(root, timeout=10, **kwargs)
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(root, verify=str(pki.rogue_ca), cert=(str(alice[1]), str(alice[0])),
                     timeout=10)
    # Plain http to the https port: Go's TLS listener answers 400 and closes.
    r = requests.get(s.rest + "/", timeout=10)
    assert r.status_code == 400 and "HTTP request to an HTTPS server" in r.text, r.text

    # sluicectl with --server https://... and its SLUICE_TLS_* files.
    env = {"PATH": os.environ["PATH"], "SLUICE_TLS_CA_FILE": str(pki.ca),
           "SLUICE_TLS_CERT_FILE": str(alice[1]), "SLUICE_TLS_KEY_FILE": str(alice[0])}
    r = subprocess.run([str(SLUICECTL), "--server", f"https://{s.grpc}", "list"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert (r.returncode, r.stderr) == (0, ""), r
    del env["SLUICE_TLS_CERT_FILE"], env["SLUICE_TLS_KEY_FILE"]
    r = subprocess.run([str(SLUICECTL), "--server", f"https://{s.grpc}", "list"], env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 3, r  # unreachable: the listener wants a client certificate

    # gRPC: the same rules.
    assert grpc_server_info(s.grpc, pki.ca, alice) == "3.9.0"
    assert grpc_server_info(s.grpc, pki.ca) == grpc.StatusCode.UNAVAILABLE
    assert grpc_server_info(s.grpc, pki.ca, mallory) == grpc.StatusCode.UNAVAILABLE
    assert grpc_server_info(s.grpc, pki.rogue_ca, alice) == grpc.StatusCode.UNAVAILABLE
    assert grpc_server_info(s.grpc) == grpc.StatusCode.UNAVAILABLE

    # A renewed certificate (new key, new serial) written over the key store reaches new
    # connections on both listeners without a restart.
    rest_port, grpc_port = port_of(s.rest), port_of(s.grpc)
    assert served_serial(rest_port, pki.ca, alice) == 1001
    assert served_serial(grpc_port, pki.ca, alice) == 1001
    new_key, new_cert = pki.issue("worker-renewed", "localhost", 1002)
    write_pem_keystore(keystore, new_key, new_cert)
    wait_for(lambda: serial_now(rest_port, pki.ca, alice) == 1002, 20,
             "the REST listener to serve the renewed certificate")
    wait_for(lambda: serial_now(grpc_port, pki.ca, alice) == 1002, 20,
             "the gRPC listener to serve the renewed certificate")
    r = requests.get(https_url(s, "/connectors"), verify=str(pki.ca),
                     cert=(str(alice[1]), str(alice[0])), timeout=10)
    assert (r.status_code, r.json()) == (200, []), r.text
    assert grpc_server_info(s.grpc, pki.ca, alice) == "3.9.0"
    assert s.alive()


def test_pkcs12_stores_under_listeners_https_prefix_client_auth_requested_and_reload(
        sluiced_factory, workdir, pki, grpc_stubs):
    key, cert = pki.issue("p12-worker", "localhost", 4001)
    keystore = pki.pkcs12("p12-worker", key, cert)
    alice = pki.issue("alice", "alice", 2001)
    mallory = pki.issue("mallory", "mallory", 3001, ca=pki.rogue_ca, ca_key=pki.rogue_key)
    props = worker_props(workdir, **{
        "listeners": f"https://127.0.0.1:{free_port()}",
        "grpc.listener": "https://127.0.0.1:0",
        # Kafka Connect's all-or-nothing rule: with listeners.https.* keys, the plain ssl.*
        # keys count for nothing (this ssl.client.auth=required included).
        "ssl.client.auth": "required",
        "listeners.https.ssl.client.auth": "requested",
        "listeners.https.ssl.keystore.type": "PKCS12",
        "listeners.https.ssl.keystore.location": str(keystore),
        "listeners.https.ssl.keystore.password": P12_PASSWORD,
        "listeners.https.ssl.key.password": P12_PASSWORD,
        "listeners.https.ssl.truststore.type": "PKCS12",
        "listeners.https.ssl.truststore.location": str(pki.java_truststore()),
        "listeners.https.ssl.truststore.password": P12_PASSWORD,
    })
    s = sluiced_factory(props=props).start()
    # requested: a client without a certificate is served, one with a certificate the trust
    # store verifies too, one with a certificate it does not verify is not.
    for client in (None, alice):
        r = requests.get(https_url(s, "/connectors"), verify=str(pki.ca), timeout=10,
                         cert=(str(client[1]), str(client[0])) if client else None)
        assert (r.status_code, r.json()) == (200, []), r.text
        assert grpc_server_info(s.grpc, pki.ca, client) == "3.9.0"
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(https_url(s, "/connectors"), verify=str(pki.ca), timeout=10,
                     cert=(str(mallory[1]), str(mallory[0])))
    assert grpc_server_info(s.grpc, pki.ca, mallory) == grpc.StatusCode.UNAVAILABLE
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(https_url(s, "/"), verify=str(pki.rogue_ca), timeout=10)

    rest_port = port_of(s.rest)
    assert served_serial(rest_port, pki.ca) == 4001
    new_key, new_cert = pki.issue("p12-worker-renewed", "localhost", 4002)
    pki.pkcs12("p12-worker", new_key, new_cert)
    wait_for(lambda: serial_now(rest_port, pki.ca) == 4002, 20,
             "the REST listener to serve the renewed PKCS12 certificate")


def test_a_jks_key_store_stops_the_worker_with_the_keytool_conversion(sluiced_factory, workdir):
    jks = workdir / "worker.jks"
    subprocess.run(["keytool", "-genkeypair", "-alias", "w", "-keyalg", "EC", "-dname",
                    "CN=localhost", "-validity", "2", "-keystore", str(jks), "-storetype", "JKS",
                    "-storepass", P12_PASSWORD, "-keypass", P12_PASSWORD],
                   check=True, capture_output=True)
    props = worker_props(workdir, **{
        "listeners": f"https://127.0.0.1:{free_port()}",
        "ssl.keystore.location": str(jks),
        "ssl.keystore.password": P12_PASSWORD,
    })
    s = sluiced_factory(props=props)
    with pytest.raises(AssertionError, match="sluiced exited with 1"):
        s.start()
    assert (f"{jks} for configuration ssl.keystore.location: a JKS key store, which Sluice "
            "cannot read without a JVM. Convert it once to PKCS12 with keytool -importkeystore "
            f"-srckeystore {jks} -srcstoretype JKS") in s.log()


def test_client_certificates_name_the_principal_on_rest_and_grpc(
        sluiced_factory, workdir, pki, grpc_stubs):
    import json

    import kcapi
    server_key, server_cert = pki.issue("worker-principals", "localhost", 5001)
    keystore = workdir / "worker-keystore.pem"
    write_pem_keystore(keystore, server_key, server_cert)
    alice, bob, ops = (pki.issue(f"p-{cn}", cn, 6000 + i)
                       for i, cn in enumerate(("alice", "bob", "ops")))
    policy = workdir / "tenants.json"
    policy.write_text(json.dumps({"admins": ["CN=ops"], "tenants": {
        "orders": {"principals": ["CN=alice"]}, "payments": {"principals": ["CN=bob"]}}}))
    props = worker_props(workdir, **{
        "listeners": f"https://127.0.0.1:{free_port()}",
        "grpc.listener": "https://127.0.0.1:0",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(keystore),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(pki.ca),
        "ssl.client.auth": "required",
        "sluice.auth.policy.file": str(policy),
    })
    s = sluiced_factory(props=props).start()

    def rest(method, path, who, **kw):
        return requests.request(method, https_url(s, path), verify=str(pki.ca),
                                cert=(str(who[1]), str(who[0])), timeout=30, **kw)

    body = {"name": "orders-out", "config": {"connector.class": "FileStreamSink",
                                             "file": str(workdir / "out.txt"), "topics": "t"}}
    assert rest("POST", "/connectors", alice, json=body).status_code == 201
    assert rest("GET", "/connectors", alice).json() == ["orders-out"]
    assert rest("GET", "/connectors", bob).json() == []
    assert rest("GET", "/connectors", ops).json() == ["orders-out"]
    r = rest("GET", "/connectors/orders-out", bob)
    assert r.status_code == 403 and r.json()["message"].startswith(
        "Principal CN=bob of tenant payments may not access connector orders-out"), r.text

    def grpc_client(who):
        creds = grpc.ssl_channel_credentials(root_certificates=pki.ca.read_bytes(),
                                             private_key=who[0].read_bytes(),
                                             certificate_chain=who[1].read_bytes())
        return kcapi.GrpcApi(s.grpc, credentials=creds)

    for who, names in ((alice, ["orders-out"]), (bob, []), (ops, ["orders-out"])):
        client = grpc_client(who)
        try:
            assert client.list_connectors().body == names
        finally:
            client.close()
    client = grpc_client(bob)
    try:
        r = client.status("orders-out")
        assert r.status == 403 and "Principal CN=bob of tenant payments" in r.body["message"]
    finally:
        client.close()


def test_basic_authentication_over_tls_on_rest_and_grpc(
        sluiced_factory, workdir, pki, grpc_stubs, monkeypatch):
    import base64

    import kcapi
    server_key, server_cert = pki.issue("worker-basic", "localhost", 7001)
    keystore = workdir / "worker-keystore.pem"
    write_pem_keystore(keystore, server_key, server_cert)
    credentials = workdir / "credentials.properties"
    credentials.write_text("alice=alice-secret\n")
    jaas = workdir / "jaas.conf"
    jaas.write_text("KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension."
                    f'PropertyFileLoginModule required\n  file="{credentials}";\n}};\n')
    monkeypatch.setenv("KAFKA_OPTS", f"-Djava.security.auth.login.config={jaas}")
    props = worker_props(workdir, **{
        "listeners": f"https://127.0.0.1:{free_port()}",
        "grpc.listener": "https://127.0.0.1:0",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(keystore),
        "rest.extension.classes": "org.apache.kafka.connect.rest.basic.auth.extension."
                                  "BasicAuthSecurityRestExtension",
    })
    s = sluiced_factory(props=props).start()
    url = https_url(s, "/connectors")
    # REST over https: the right, a wrong and no credentials.
    r = requests.get(url, verify=str(pki.ca), auth=("alice", "alice-secret"), timeout=10)
    assert (r.status_code, r.json()) == (200, []), r.text
    for auth in (None, ("alice", "wrong"), ("mallory", "alice-secret")):
        r = requests.get(url, verify=str(pki.ca), auth=auth, timeout=10)
        assert (r.status_code, r.text) == (401, "User cannot access the resource."), auth
    # gRPC over TLS: the same credentials as metadata.
    creds = grpc.ssl_channel_credentials(root_certificates=pki.ca.read_bytes())
    for password, status in (("alice-secret", 200), ("wrong", 401), (None, 401)):
        metadata = [] if password is None else [
            ("authorization", "Basic " + base64.b64encode(f"alice:{password}".encode()).decode())]
        client = kcapi.GrpcApi(s.grpc, credentials=creds, auth_metadata=metadata)
        try:
            assert client.list_connectors().status == status, password
        finally:
            client.close()
