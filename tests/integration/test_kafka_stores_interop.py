"""Distributed mode's three stores (server/store/kafka_{config,status,offset}_store.h) against
Kafka Connect 3.9.1's own KafkaConfigBackingStore, KafkaStatusBackingStore and
KafkaOffsetBackingStore, on the same topics of a real broker from tools/kafka:

- Sluice writes (the kafka_stores_interop tool creates the topics as a worker does and writes a
  scenario of connector configs, target states, task configs and commits, a removal, a session
  key, statuses with putSafe and removals, active topics and their reset, offsets and an offset
  reset), then Java's stores read the topics, and both print their view: they must agree.
- Java's stores write a scenario of their own, and Sluice's read it: they must agree too.

The Java side is tests/java/ConnectStoresView.java, compiled here with the JDK's javac against
the jars tools/kafka fetched."""

import json
import pathlib
import shutil
import subprocess
import uuid

import pytest

from conftest import BUILD, REPO

INTEROP = BUILD / "tests" / "kafka_stores_interop"
JAVA_SOURCE = REPO / "tests" / "java" / "ConnectStoresView.java"


@pytest.fixture(scope="module")
def java_view(tmp_path_factory):
    """A command prefix that runs ConnectStoresView."""
    javac = shutil.which("javac")
    assert javac, "javac is not on PATH (tools/setup installs default-jdk-headless)"
    libs = subprocess.run([str(REPO / "tools" / "kafka"), "fetch"], check=True,
                          capture_output=True, text=True, timeout=600).stdout.strip().splitlines()[-1]
    classes = tmp_path_factory.mktemp("java-classes")
    classpath = f"{libs}/*"
    subprocess.run([javac, "-d", str(classes), "-cp", classpath, str(JAVA_SOURCE)], check=True,
                   timeout=120)
    return ["java", "-cp", f"{classpath}:{classes}", "ConnectStoresView"]


def run(cmd, what):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"{what} failed:\n{r.stderr[-5000:]}"
    return r.stdout


def view(output):
    """The view printed by either side, with the unordered parts in a canonical order."""
    v = json.loads(output.strip().splitlines()[-1])
    parts = v["offsets"]["partitions"]
    for connector in parts:
        parts[connector] = sorted(json.dumps(p, sort_keys=True) for p in parts[connector])
    return v


def test_java_reads_what_sluice_writes(kafka_broker, java_view, tmp_path):
    prefix = f"sluice-{uuid.uuid4().hex[:8]}-"
    sluice = view(run([INTEROP, "write", kafka_broker, prefix], "kafka_stores_interop write"))
    keys = tmp_path / "keys"
    keys.write_text("".join(k + "\n" for k in sluice["offsets"]["writtenKeys"]), "utf-8")
    java = view(run(java_view + ["read", kafka_broker, prefix, keys], "ConnectStoresView read"))

    for section in ("config", "status", "offsets"):
        assert java[section] == sluice[section], section

    # What the scenario wrote, so that agreeing on nothing does not pass.
    config = java["config"]
    assert config["targetStates"] == {"file-source": "STARTED", "sink-with-dashes-2": "PAUSED",
                                      "stopped": "STOPPED"}
    assert config["taskCounts"] == {"file-source": 1, "sink-with-dashes-2": 3, "stopped": 0}
    assert config["tasks"]["sink-with-dashes-2"] == [{"task": "0"}, {"task": "1"}, {"task": "2"}]
    assert config["connectors"]["sink-with-dashes-2"]["note"] == 'ünïcödé "quoted"\n'
    assert config["sessionKey"]["algorithm"] == "HmacSHA256"
    status = java["status"]
    assert sorted(status["connectors"]) == ["file-source", "sink-with-dashes-2"]
    assert status["tasks"]["sink-with-dashes-2"]["1"]["state"] == "FAILED"
    assert status["tasks"]["sink-with-dashes-2"]["2"]["generation"] == 2
    assert status["topics"] == {"sink-with-dashes-2": {
        "a": {"connector": "sink-with-dashes-2", "task": 1, "discoverTimestamp": 1700000000456},
        "b": {"connector": "sink-with-dashes-2", "task": 2, "discoverTimestamp": 1700000000789}}}
    assert java["offsets"]["values"] == {
        '["file-source",{"filename":"/data/a.txt"}]': '{"position":31}',
        '["mirror-source",{"cluster":"A","partition":0,"topic":"t"}]': '{"offset":41}',
        '["mirror-source",{"cluster":"A","partition":1,"topic":"tëst"}]': '{"offset":5}'}


def test_sluice_reads_what_java_writes(kafka_broker, java_view, tmp_path):
    prefix = f"java-{uuid.uuid4().hex[:8]}-"
    written = run(java_view + ["write", kafka_broker, prefix], "ConnectStoresView write")
    keys = tmp_path / "keys"
    keys.write_text(written, "utf-8")
    java = view(run(java_view + ["read", kafka_broker, prefix, keys], "ConnectStoresView read"))
    sluice = view(run([INTEROP, "read", kafka_broker, prefix, keys], "kafka_stores_interop read"))

    for section in ("config", "status", "offsets"):
        assert sluice[section] == java[section], section

    config = sluice["config"]
    assert config["targetStates"] == {"java-conn": "STOPPED"}
    assert config["taskCounts"] == {"java-conn": 2}
    assert config["connectors"]["java-conn"]["ünïcödé"] == 'välue "quoted"\n'
    status = sluice["status"]
    assert status["tasks"]["java-conn"]["0"]["trace"].endswith("ünï\n\tat Y")
    assert status["topics"]["java-conn"]["x"]["task"] == 1
    assert len(sluice["offsets"]["values"]) == 2  # the third was reset
