"""Change data capture in Sluice, end to end, on real parts: Debezium's PostgreSQL connector
(unmodified, from Maven Central: tools/connectors) in the JVM plugin host, a real PostgreSQL 15
(tools/postgres, wal_level=logical, pgoutput) and the native JDBC sink (connectors/jdbc-sink).

- Debezium alone: snapshot, then inserts, updates and deletes streamed as change events; its
  offsets (LSNs) stored by Sluice and resumed after a restart of sluiced and after a kill -9 of
  its JVM, with no change lost.
- A second, unrelated Java connector (Kafka's MirrorHeartbeatConnector) lists, validates and
  runs in the same host, which is not written for one connector.
- The pipeline of the docs (docs/connectors.md): PostgreSQL -> Debezium -> Kafka ->
  ExtractField$Value(after) -> JDBC sink -> a second database, across a restart of sluiced and a
  kill -9 of each plugin host, the two databases compared row for row at the end.

One PostgreSQL and one worker serve the whole module (tools/test's time budget); the tests run
in order and build on each other."""

import base64
import datetime
import json
import os
import pathlib
import signal

import pytest

from conftest import BUILD, Sluiced, host_pid, stored_offset, wait_for, worker_props
# tests/common, on the path conftest sets
from postgres import PASSWORD, USER, Postgres  # noqa: E402
from topics import read_topic  # noqa: E402

# Kafka Connect's layout: plugin.path names the folder that holds the plugin folders.
JAVA_CONNECTORS = BUILD / "java-connectors"
DEBEZIUM = JAVA_CONNECTORS / "debezium-connector-postgres"
MIRROR = JAVA_CONNECTORS / "connect-mirror"
JDBC_SINK = BUILD / "plugins" / "jdbc-sink"
TOPIC = "pg.public.customers"
SOURCE_DB, REPLICA_DB = "inventory", "replica"
COLUMNS = "id, name, email, balance, birthday"


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    for path in (DEBEZIUM, MIRROR, JDBC_SINK):
        assert path.is_dir(), f"{path} is missing: run tools/connectors fetch and tools/build"
    with Postgres(tmp_path_factory.mktemp("postgres")) as server:
        server.create_database(SOURCE_DB)
        server.create_database(REPLICA_DB)
        server.psql(db=SOURCE_DB, sql="""
            CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text,
                                    balance numeric(10,2), birthday date);
            INSERT INTO customers (name, email, balance, birthday) VALUES
              ('Ada', 'ada@example.com', 12.50, '1815-12-10'),
              ('Grace', 'grace@example.com', 99.99, '1906-12-09'),
              ('Linus', NULL, 0.00, NULL);""")
        yield server


class Worker:
    """The module's sluiced: started, stopped and started again on the same directory, so its
    connectors (REST-created, kept in <offsets file>.connectors.json) and offsets survive."""

    def __init__(self, workdir, bootstrap):
        self.workdir = pathlib.Path(workdir)
        self.props = worker_props(
            self.workdir,
            **{"plugin.path": f"{JAVA_CONNECTORS},{JDBC_SINK}",
               "bootstrap.servers": bootstrap,
               "offset.flush.interval.ms": "1000"})
        self.process = None

    def start(self):
        self.process = Sluiced(self.workdir, self.props).start(timeout=120)
        return self.process

    def stop(self):
        self.process.stop(timeout=90)


@pytest.fixture(scope="module")
def worker(tmp_path_factory, pg, kafka_broker):
    # A real broker: the topics outlive a restart of sluiced (the embedded one lives in it).
    w = Worker(tmp_path_factory.mktemp("sluiced"), kafka_broker)
    w.start()
    yield w
    w.process.kill()


def debezium_config(pg):
    return {
        "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
        "tasks.max": "1",
        "database.hostname": "127.0.0.1",
        "database.port": str(pg.port),
        "database.user": USER,
        "database.password": PASSWORD,
        "database.dbname": SOURCE_DB,
        "topic.prefix": "pg",
        "plugin.name": "pgoutput",
        "slot.name": "sluice_cdc",
        "publication.name": "sluice_cdc",
        "table.include.list": "public.customers",
        # Connect's own Date/Time/Timestamp logical types, which the JDBC sink maps to columns.
        "time.precision.mode": "connect",
        "sluice.sandbox.network": "true",
        "sluice.restart.enabled": "true",
        "sluice.restart.initial.backoff.ms": "500",
    }


def jdbc_sink_config(pg):
    return {
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
        "tasks.max": "1",
        "topics": TOPIC,
        "connection.url": f"jdbc:postgresql://127.0.0.1:{pg.port}/{REPLICA_DB}",
        "connection.user": USER,
        "connection.password": PASSWORD,
        "insert.mode": "upsert",
        "pk.mode": "record_key",
        "pk.fields": "id",
        "delete.enabled": "true",
        "auto.create": "true",
        "auto.evolve": "true",
        "transforms": "after,route",
        "transforms.after.type": "org.apache.kafka.connect.transforms.ExtractField$Value",
        "transforms.after.field": "after",
        "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
        "transforms.route.regex": r"pg\.public\.(.*)",
        "transforms.route.replacement": "$1",
        "sluice.sandbox.network": "true",
        "sluice.restart.enabled": "true",
        "sluice.restart.initial.backoff.ms": "500",
    }


def events(worker, count, timeout=120):
    """The change events on TOPIC once at least `count` arrived, by row id in the order of that
    row's partition (the topic has several partitions; a row's events share one): {id: [(op,
    after), ...]}, a tombstone as ("tombstone", None). Debezium's JSON envelope, through the
    worker's JsonConverter with schemas."""
    by_id = {}
    for m in read_topic(worker.process.kafka, TOPIC, count, timeout):
        key = json.loads(m.key())["payload"]["id"]
        if m.value() is None:
            by_id.setdefault(key, []).append(("tombstone", None))
            continue
        payload = json.loads(m.value())["payload"]
        by_id.setdefault(key, []).append((payload["op"], payload["after"]))
    return by_id


def ops(by_id):
    return {key: [op for op, _ in changes] for key, changes in by_id.items()}


def jvm_of(sluiced, connector):
    """The pid of the JVM running `connector`: the java process under its plugin host."""
    host = host_pid(sluiced, connector)
    assert host is not None, f"no plugin host for {connector}"
    todo, seen = [host], []
    while todo:
        pid = todo.pop()
        seen.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    for pid in seen:
        try:
            if pathlib.Path(f"/proc/{pid}/comm").read_text().strip() == "java":
                return pid
        except OSError:
            pass
    raise AssertionError(f"no java process under host {host} of {connector}")


def kill_jvm_and_wait_for_restart(sluiced, connector):
    old = jvm_of(sluiced, connector)
    os.kill(old, signal.SIGKILL)
    # sluice.restart.enabled: the failed connector and task come back in a new host.
    wait_for(lambda: host_pid(sluiced, connector) is not None
             and jvm_of_or_none(sluiced, connector) not in (None, old), 90,
             f"a new JVM for {connector}")
    sluiced.wait_running(connector, timeout=120)


def jvm_of_or_none(sluiced, connector):
    try:
        return jvm_of(sluiced, connector)
    except AssertionError:
        return None


def slot_lsn(pg):
    """The LSN the replication slot has confirmed, as the integer Debezium's offsets hold."""
    (text,), = pg.psql(db=SOURCE_DB, sql="SELECT confirmed_flush_lsn FROM pg_replication_slots"
                                         " WHERE slot_name = 'sluice_cdc'")
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def errors_of(validation):
    """The keys of a validate answer that have errors, with them."""
    return {c["value"]["name"]: c["value"]["errors"] for c in validation["configs"]
            if c["value"]["errors"]}


def rows(pg, db):
    return pg.psql(db=db, sql=f"SELECT {COLUMNS} FROM customers ORDER BY id")


# ---- the plugins -----------------------------------------------------------------------------


def test_java_connectors_are_listed_with_their_versions(worker):
    r = worker.process.get("/connector-plugins")
    assert r.status_code == 200, r.text
    plugins = {p["class"]: p for p in r.json()}
    assert plugins["io.debezium.connector.postgresql.PostgresConnector"] == {
        "class": "io.debezium.connector.postgresql.PostgresConnector",
        "type": "source", "version": "3.6.1.Final"}
    mirror = plugins["org.apache.kafka.connect.mirror.MirrorHeartbeatConnector"]
    assert mirror["type"] == "source" and mirror["version"] == "4.3.0", mirror
    assert plugins["org.apache.kafka.connect.mirror.MirrorSourceConnector"]["type"] == "source"
    # Config definitions, as Kafka Connect lists them.
    r = worker.process.get(
        "/connector-plugins/io.debezium.connector.postgresql.PostgresConnector/config")
    assert r.status_code == 200, r.text
    keys = {k["name"]: k for k in r.json()}
    assert keys["plugin.name"]["default_value"] == "decoderbufs"
    assert keys["database.password"]["type"] == "PASSWORD"
    assert (keys["database.port"]["type"], keys["database.port"]["default_value"]) == ("INT", "5432")


def test_debezium_validates_against_the_database(worker, pg):
    config = dict(debezium_config(pg), name="inventory-cdc")
    url = "/connector-plugins/PostgresConnector/config/validate"
    r = worker.process.put(url, json=config)
    assert r.status_code == 200, r.text
    assert r.json()["error_count"] == 0, errors_of(r.json())
    # A wrong password is found by connecting, as in Kafka Connect.
    r = worker.process.put(url, json=dict(config, **{"database.password": "wrong"}))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["error_count"] >= 1
    errors = " ".join(e for c in body["configs"] for e in c["value"]["errors"])
    assert "password authentication failed" in errors, errors
    # A missing required key.
    r = worker.process.put(url, json={k: v for k, v in config.items() if k != "topic.prefix"})
    body = r.json()
    prefix = next(c["value"] for c in body["configs"] if c["value"]["name"] == "topic.prefix")
    assert prefix["errors"], prefix


def test_debezium_snapshots_then_streams_changes(worker, pg):
    r = worker.process.put("/connectors/inventory-cdc/config", json=debezium_config(pg))
    assert r.status_code == 201, r.text
    worker.process.wait_running("inventory-cdc", timeout=120)
    snapshot = events(worker, 3)
    assert ops(snapshot) == {1: ["r"], 2: ["r"], 3: ["r"]}
    # Connect's Decimal (12.50: unscaled 1250, scale 2) and Date (days since the epoch), as
    # Kafka Connect's JsonConverter writes them.
    assert snapshot[1][0][1] == {
        "id": 1, "name": "Ada", "email": "ada@example.com",
        "balance": base64.b64encode((1250).to_bytes(2, "big")).decode(),
        "birthday": (datetime.date(1815, 12, 10) - datetime.date(1970, 1, 1)).days}

    pg.psql(db=SOURCE_DB, sql="""
        INSERT INTO customers (name, email, balance, birthday)
          VALUES ('Edsger', 'ewd@example.com', 1.25, '1930-05-11');
        UPDATE customers SET email = 'linus@example.com' WHERE id = 3;
        DELETE FROM customers WHERE id = 2;""")
    streamed = events(worker, 3 + 4)
    assert ops(streamed) == {1: ["r"], 2: ["r", "d", "tombstone"], 3: ["r", "u"], 4: ["c"]}
    assert streamed[3][1][1]["email"] == "linus@example.com"
    # The LSN Debezium reached is stored by Sluice as the connector's source offset; once it is
    # durable, Debezium (told by commitRecord/commit) confirms it to the replication slot, so
    # PostgreSQL may recycle the WAL before it.
    stored = wait_for(lambda: (stored_offset(worker.workdir, "inventory-cdc", {"server": "pg"})
                               or {}).get("lsn"), 30, "a stored LSN")
    wait_for(lambda: slot_lsn(pg) >= stored, 60, "the slot to confirm the stored LSN")


def test_debezium_resumes_from_its_offset_after_sluiced_restarts(worker, pg):
    before = stored_offset(worker.workdir, "inventory-cdc", {"server": "pg"})
    worker.stop()
    # Changes while Sluice is down stay in the replication slot.
    pg.psql(db=SOURCE_DB, sql="INSERT INTO customers (name, balance) VALUES ('Barbara', 3.00);"
                       "UPDATE customers SET balance = 13.00 WHERE id = 1;")
    worker.start()
    worker.process.wait_running("inventory-cdc", timeout=120)
    got = ops(events(worker, 7 + 2))
    # No second snapshot; the two changes arrive once the connector resumes from its LSN.
    assert got[1] == ["r", "u"] and got[5] == ["c"], got
    after = wait_for(lambda: (lambda o: o if o and o != before else None)(
        stored_offset(worker.workdir, "inventory-cdc", {"server": "pg"})), 30, "a newer LSN")
    assert after["lsn"] >= before["lsn"]


def test_debezium_loses_nothing_when_its_jvm_is_killed(worker, pg):
    kill_jvm_and_wait_for_restart(worker.process, "inventory-cdc")
    pg.psql(db=SOURCE_DB, sql="INSERT INTO customers (name, balance) VALUES ('Dennis', 7.00);")
    got = ops(events(worker, 9 + 1))
    # At least once: a change may come twice after a crash, never not at all.
    assert got[6][-1] == "c" and set(got[6]) == {"c"}, got
    assert set(got) == {1, 2, 3, 4, 5, 6}


# ---- a second, unrelated Java connector ------------------------------------------------------


def test_a_second_java_connector_validates_and_runs(worker):
    config = {
        "name": "heartbeats",
        "connector.class": "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
        "source.cluster.alias": "east", "target.cluster.alias": "west",
        "source.cluster.bootstrap.servers": worker.process.kafka,
        "target.cluster.bootstrap.servers": worker.process.kafka,
        "emit.heartbeats.interval.seconds": "1",
        "heartbeats.topic.replication.factor": "1",
        "sluice.sandbox.network": "true",
    }
    r = worker.process.put(
        "/connector-plugins/MirrorHeartbeatConnector/config/validate", json=config)
    assert r.status_code == 200, r.text
    assert r.json()["error_count"] == 0, errors_of(r.json())
    r = worker.process.put(
        "/connector-plugins/MirrorHeartbeatConnector/config/validate",
        json=dict(config, **{"emit.heartbeats.interval.seconds": "soon"}))
    assert errors_of(r.json()) == {"emit.heartbeats.interval.seconds": [
        "Invalid value soon for configuration emit.heartbeats.interval.seconds: "
        "Not a number of type LONG"]}
    r = worker.process.put("/connectors/heartbeats/config", json=config)
    assert r.status_code == 201, r.text
    worker.process.wait_running("heartbeats", timeout=120)
    beats = read_topic(worker.process.kafka, "heartbeats", 2, 60)
    assert len(beats) >= 2
    assert worker.process.delete("/connectors/heartbeats").status_code == 204


# ---- the pipeline ----------------------------------------------------------------------------


def test_pipeline_replicates_the_database_across_restarts_and_kills(worker, pg):
    r = worker.process.put("/connectors/replica-sink/config", json=jdbc_sink_config(pg))
    assert r.status_code == 201, r.text
    worker.process.wait_running("replica-sink", timeout=120)

    def replicated():
        try:
            return rows(pg, REPLICA_DB) == rows(pg, SOURCE_DB)
        except AssertionError:  # the table is not there yet
            return False

    wait_for(replicated, 120, "the replica to match the source")

    # A column added mid-stream (auto.evolve), more changes, then a kill -9 of each host.
    pg.psql(db=SOURCE_DB, sql="ALTER TABLE customers ADD COLUMN phone text;"
                       "INSERT INTO customers (name, phone) VALUES ('Margaret', '555-0100');"
                       "UPDATE customers SET phone = '555-0101' WHERE id = 1;")
    wait_for(lambda: pg.psql(db=REPLICA_DB, sql="SELECT phone FROM customers WHERE id = 1")
             == [("555-0101",)] if replicated() else False, 120, "the new column replicated")
    kill_jvm_and_wait_for_restart(worker.process, "inventory-cdc")
    pg.psql(db=SOURCE_DB, sql="DELETE FROM customers WHERE id = 4;"
                       "UPDATE customers SET name = 'Ada L.' WHERE id = 1;")
    os.kill(host_pid(worker.process, "replica-sink"), signal.SIGKILL)
    worker.process.wait_running("replica-sink", timeout=120)
    pg.psql(db=SOURCE_DB, sql="INSERT INTO customers (name, balance) VALUES ('Ken', 8.00);")
    wait_for(replicated, 120, "the replica to match after the kills")

    # And across a restart of sluiced.
    worker.stop()
    pg.psql(db=SOURCE_DB, sql="INSERT INTO customers (name, balance) VALUES ('Niklaus', 9.00);"
                       "DELETE FROM customers WHERE id = 3;")
    worker.start()
    wait_for(replicated, 120, "the replica to match after sluiced restarted")
    source, replica = rows(pg, SOURCE_DB), rows(pg, REPLICA_DB)
    assert replica == source
    assert [r[0] for r in source] == ["1", "5", "6", "7", "8", "9"]
    phones = "SELECT id, phone FROM customers ORDER BY id"
    assert pg.psql(db=REPLICA_DB, sql=phones) == pg.psql(db=SOURCE_DB, sql=phones)
