"""The JDBC sink (connectors/jdbc-sink) end to end: a real sluiced with the embedded broker, a real
PostgreSQL from tools/postgres, records with schemas through Kafka Connect's JsonConverter, and
the rows checked with psql. One worker and one PostgreSQL for the whole module (the connectors
write to tables of their own):

  - upsert with pk.mode=record_key (a struct key), auto.create and auto.evolve, deletes from
    tombstones, a column added mid-stream, and two refused records (a schemaless value, a key
    that does not fit pk.mode) in the dead letter queue with errors.tolerance=all;
  - insert with pk.mode=kafka (the __connect_* coordinates as the key), Confluent's class name,
    the user and password in the URL, the logical types;
  - insert with pk.mode=none into a table made beforehand, table.name.format;
  - update with pk.mode=record_value and pk.fields into a table made beforehand;
  - with errors.tolerance=none a refused record fails the task, saying why;
  - a task whose database refuses the password fails, saying why, as does one without
    sluice.sandbox.network=true (the sandbox's default: no network); validation refuses
    delete.enabled without pk.mode=record_key as Confluent's connector does."""

import base64
import json

import pytest

from conftest import BUILD, wait_for, worker_props
from postgres import Postgres, PsqlError

JSON = "org.apache.kafka.connect.json.JsonConverter"


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with Postgres(tmp_path_factory.mktemp("postgres") / "pg") as p:
        p.create_database("sink")
        yield p


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    from conftest import Sluiced
    d = tmp_path_factory.mktemp("sluiced")
    s = Sluiced(d, worker_props(d, **{"plugin.path": str(BUILD / "plugins" / "jdbc-sink")})).start()
    yield s
    s.kill()


def producer(worker):
    from confluent_kafka import Producer
    return Producer({"bootstrap.servers": worker.kafka})


def envelope(schema, payload):
    return json.dumps({"schema": schema, "payload": payload}).encode()


def field(field_name, type_, optional=False, **extra):
    return {"field": field_name, "type": type_, "optional": optional, **extra}


KEY_SCHEMA = {"type": "struct", "name": "CustomerKey", "optional": False,
              "fields": [field("id", "int32")]}
CUSTOMER_V1 = {"type": "struct", "name": "Customer", "optional": False, "fields": [
    field("id", "int32"), field("name", "string"), field("vip", "boolean", optional=True)]}
CUSTOMER_V2 = {"type": "struct", "name": "Customer", "optional": False, "fields": [
    field("id", "int32"), field("name", "string"), field("vip", "boolean", optional=True),
    field("email", "string", optional=True)]}


def customer(p, id_, value, schema=CUSTOMER_V1):
    key = envelope(KEY_SCHEMA, {"id": id_})
    p.produce("customers", key=key, value=None if value is None else envelope(schema, value))


def sink(name, pg, **config):
    base = {"connector.class": "JdbcSinkConnector", "tasks.max": "1",
            "connection.url": pg.jdbc_url("sink"), "connection.user": "sluice",
            "connection.password": "sluice", "key.converter": JSON, "value.converter": JSON,
            "retry.backoff.ms": "100", "sluice.sandbox.network": "true"}
    base.update(config)
    return {"name": name, "config": base}


def rows(pg, sql):
    return pg.psql(sql, db="sink")


def wait_rows(pg, sql, want, timeout=60):
    """Waits until sql returns want (the table may not exist yet)."""
    def check():
        try:
            got = rows(pg, sql)
        except PsqlError as e:
            return str(e)
        return got == want or got
    last = wait_for(lambda: check() is True, timeout, f"{sql} -> {want}")
    return last


def read_topic(bootstrap, topic, count, timeout):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"test-{topic}",
                  "enable.auto.commit": False})
    got = []
    try:
        md = c.list_topics(topic, timeout=10)
        parts = list(md.topics[topic].partitions) if topic in md.topics else [0]
        c.assign([TopicPartition(topic, p, 0) for p in parts])
        wait_for(lambda: got.extend(m for m in c.consume(100, 0.2) if m.error() is None)
                 or len(got) >= count, timeout, f"{count} messages in {topic}")
    finally:
        c.close()
    return got


def test_upsert_record_key_deletes_evolution_and_dead_letters(worker, pg):
    p = producer(worker)
    for i in range(1, 6):
        customer(p, i, {"id": i, "name": f"c{i}", "vip": i % 2 == 0})
    customer(p, 2, {"id": 2, "name": "c2-renamed", "vip": None})   # an update of key 2
    customer(p, 3, None)                                            # a tombstone: delete key 3
    # Refused: a schemaless value (an envelope with a null schema), and a primitive key where
    # pk.mode=record_key without pk.fields needs a struct.
    p.produce("customers", key=envelope(KEY_SCHEMA, {"id": 8}),
              value=envelope(None, {"id": 8, "name": "no schema"}))
    p.produce("customers", key=envelope({"type": "string", "optional": False}, "k9"),
              value=envelope(CUSTOMER_V1, {"id": 9, "name": "string key"}))
    assert p.flush(30) == 0

    r = worker.post("/connectors", json=sink(
        "customers-sink", pg, topics="customers", **{
            "insert.mode": "upsert", "pk.mode": "record_key", "auto.create": "true",
            "auto.evolve": "true", "delete.enabled": "true", "batch.size": "3",
            "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "customers-dlq",
            "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true"}))
    assert r.status_code == 201, r.text
    worker.wait_running("customers-sink")
    wait_rows(pg, "SELECT id, name, vip FROM customers ORDER BY id",
              [("1", "c1", "f"), ("2", "c2-renamed", None), ("4", "c4", "t"), ("5", "c5", "f")])
    # The table has the key's field as its primary key, and the value's types.
    assert rows(pg, """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
                       AND a.attnum = ANY(i.indkey)
                       WHERE i.indrelid = 'customers'::regclass AND i.indisprimary""") == [("id",)]
    assert rows(pg, """SELECT column_name, data_type, is_nullable FROM information_schema.columns
                       WHERE table_name = 'customers' ORDER BY ordinal_position""") == [
        ("id", "integer", "NO"), ("name", "text", "NO"), ("vip", "boolean", "YES")]

    dead = read_topic(worker.kafka, "customers-dlq", 2, 60)
    messages = {}
    for m in dead:
        headers = dict(m.headers())
        assert headers["__connect.errors.stage"] == b"TASK_PUT"
        messages[headers["__connect.errors.exception.message"].decode()] = m.value()
    assert len(messages) == 2, messages
    schemaless = [t for t in messages if "null value schema" in t]
    assert len(schemaless) == 1 and "topic='customers'" in schemaless[0], messages
    assert b"no schema" in messages[schemaless[0]], "the DLQ keeps the original bytes"
    key_misfit = [t for t in messages if "Need exactly one PK column" in t]
    assert len(key_misfit) == 1, messages

    # A column added mid-stream: an optional field in a new value schema -> ALTER TABLE; older
    # rows get NULL, the next upsert of key 1 fills it, a new key arrives, key 4 is deleted.
    customer(p, 1, {"id": 1, "name": "c1", "vip": False, "email": "one@example.com"}, CUSTOMER_V2)
    customer(p, 6, {"id": 6, "name": "c6", "vip": True, "email": "six@example.com"}, CUSTOMER_V2)
    customer(p, 4, None)
    assert p.flush(30) == 0
    wait_rows(pg, "SELECT id, name, email FROM customers ORDER BY id",
              [("1", "c1", "one@example.com"), ("2", "c2-renamed", None), ("5", "c5", None),
               ("6", "c6", "six@example.com")])
    assert rows(pg, "SELECT data_type, is_nullable FROM information_schema.columns "
                    "WHERE table_name = 'customers' AND column_name = 'email'") == [("text", "YES")]
    status = worker.get("/connectors/customers-sink/status").json()
    assert status["tasks"][0]["state"] == "RUNNING", status


def test_insert_kafka_keys_logical_types_confluent_class(worker, pg):
    schema = {"type": "struct", "name": "Payment", "optional": False, "fields": [
        field("ref", "string"), field("small", "int8"), field("count", "int64"),
        field("ratio", "float", optional=True), field("share", "double"),
        field("raw", "bytes", optional=True),
        field("amount", "bytes", name="org.apache.kafka.connect.data.Decimal", version=1,
              parameters={"scale": "2"}),
        field("day", "int32", name="org.apache.kafka.connect.data.Date", version=1),
        field("at", "int64", name="org.apache.kafka.connect.data.Timestamp", version=1),
        field("tags", "array", optional=True, items={"type": "string", "optional": False})]}
    p = producer(worker)
    for i in range(20):
        unscaled = 12345 + i  # 123.45 + i/100
        amount = base64.b64encode(unscaled.to_bytes(4, "big", signed=True)).decode()
        p.produce("payments", value=envelope(schema, {
            "ref": f"p{i}", "small": -i, "count": 10**12 + i, "ratio": 0.5, "share": 1.25,
            "raw": base64.b64encode(bytes([i, 255])).decode(), "amount": amount,
            "day": 19000 + i, "at": 1700000000123 + i * 1000, "tags": ["x", f"t{i}"]}))
    assert p.flush(30) == 0
    config = sink("payments-sink", pg, topics="payments", **{
        "connector.class": "io.confluent.connect.jdbc.JdbcSinkConnector",
        "insert.mode": "insert", "pk.mode": "kafka", "auto.create": "true"})
    # The user and the password in the URL, as PgJDBC reads them.
    del config["config"]["connection.user"], config["config"]["connection.password"]
    config["config"]["connection.url"] = pg.jdbc_url("sink") + "?user=sluice&password=sluice"
    r = worker.post("/connectors", json=config)
    assert r.status_code == 201, r.text
    worker.wait_running("payments-sink")
    wait_rows(pg, "SELECT count(*), count(DISTINCT (__connect_partition, __connect_offset)) FROM payments",
              [("20", "20")])
    assert rows(pg, """SELECT __connect_topic, small, count, ratio, share, encode(raw, 'hex'), amount,
                              day, at, array_to_string(tags, ',')
                       FROM payments WHERE ref = 'p3'""") == [
        ("payments", "-3", "1000000000003", "0.5", "1.25", "03ff", "123.48", "2022-01-11",
         "2023-11-14 22:13:23.123", "x,t3")]
    assert rows(pg, """SELECT column_name, data_type FROM information_schema.columns
                       WHERE table_name = 'payments' ORDER BY ordinal_position""") == [
        ("__connect_topic", "text"), ("__connect_partition", "integer"),
        ("__connect_offset", "bigint"), ("ref", "text"), ("small", "smallint"),
        ("count", "bigint"), ("ratio", "real"), ("share", "double precision"), ("raw", "bytea"),
        ("amount", "numeric"), ("day", "date"), ("at", "timestamp without time zone"),
        ("tags", "ARRAY")]


def test_insert_into_existing_table_and_update_by_value_fields(worker, pg):
    rows(pg, "CREATE TABLE audit_log (who TEXT NOT NULL, what TEXT, n BIGINT)")
    rows(pg, "CREATE TABLE stock_prices (sku TEXT PRIMARY KEY, price DOUBLE PRECISION NOT NULL); "
             "INSERT INTO stock_prices VALUES ('a', 1.0), ('b', 2.0), ('c', 3.0)")
    audit = {"type": "struct", "optional": False, "fields": [
        field("who", "string"), field("what", "string", optional=True), field("n", "int64")]}
    price = {"type": "struct", "optional": False, "fields": [
        field("sku", "string"), field("price", "double")]}
    p = producer(worker)
    for i in range(5):
        p.produce("audit", value=envelope(audit, {"who": "u", "what": f"w{i}", "n": i}))
    p.produce("prices", value=envelope(price, {"sku": "b", "price": 2.5}))
    p.produce("prices", value=envelope(price, {"sku": "zzz", "price": 9.0}))  # no row: no change
    p.produce("prices", value=envelope(price, {"sku": "c", "price": 3.5}))
    assert p.flush(30) == 0

    r = worker.post("/connectors", json=sink("audit-sink", pg, topics="audit", **{
        "table.name.format": "${topic}_log", "pk.mode": "none"}))
    assert r.status_code == 201, r.text
    r = worker.post("/connectors", json=sink("prices-sink", pg, topics="prices", **{
        "table.name.format": "stock_${topic}", "insert.mode": "update", "pk.mode": "record_value",
        "pk.fields": "sku"}))
    assert r.status_code == 201, r.text
    wait_rows(pg, "SELECT who, what, n FROM audit_log ORDER BY n",
              [("u", f"w{i}", str(i)) for i in range(5)])
    wait_rows(pg, "SELECT sku, price FROM stock_prices ORDER BY sku",
              [("a", "1"), ("b", "2.5"), ("c", "3.5")])


def test_bad_password_fails_the_task_and_validation_follows_confluent(worker, pg):
    r = worker.post("/connectors", json=sink("locked-out", pg, topics="locked",
                                             **{"connection.password": "wrong",
                                                "connection.attempts": "1"}))
    assert r.status_code == 201, r.text
    status = worker.wait_status("locked-out", lambda st: st["tasks"] and
                                st["tasks"][0]["state"] == "FAILED", 60, "FAILED task")
    assert "password authentication failed" in status["tasks"][0]["trace"], status
    assert "wrong" not in status["tasks"][0]["trace"]
    # errors.tolerance=none (the default): a refused record fails the task, saying why.
    p = producer(worker)
    p.produce("strict", value=envelope(None, {"id": 1}))
    assert p.flush(30) == 0
    assert worker.post("/connectors", json=sink("strict-sink", pg, topics="strict",
                                                **{"auto.create": "true"})).status_code == 201
    status = worker.wait_status("strict-sink", lambda st: st["tasks"] and
                                st["tasks"][0]["state"] == "FAILED", 60, "FAILED task")
    assert "with a HashMap value and null value schema" in status["tasks"][0]["trace"], status
    # The sandbox's default is no network: the task cannot reach the database, and says so.
    offline = sink("offline", pg, topics="offline", **{"connection.attempts": "1"})
    del offline["config"]["sluice.sandbox.network"]
    assert worker.post("/connectors", json=offline).status_code == 201
    status = worker.wait_status("offline", lambda st: st["tasks"] and
                                st["tasks"][0]["state"] == "FAILED", 60, "FAILED task")
    assert "could not connect to jdbc:postgresql://127.0.0.1" in status["tasks"][0]["trace"], status

    r = worker.put("/connector-plugins/JdbcSinkConnector/config/validate", json={
        "connector.class": "JdbcSinkConnector", "topics": "t", "connection.url": pg.jdbc_url(),
        "delete.enabled": "true", "pk.mode": "record_value", "insert.mode": "merge"})
    assert r.status_code == 200, r.text
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"]}
    assert errors["delete.enabled"] == ["Deletes are only supported for pk.mode record_key"]
    assert errors["pk.mode"] == ["Deletes are only supported for pk.mode record_key"]
    assert errors["insert.mode"] == ["Invalid value merge for configuration insert.mode: "
                                     "Invalid enumerator"]
    config = {k["name"]: k for k in
              worker.get("/connector-plugins/io.confluent.connect.jdbc.JdbcSinkConnector/config").json()}
    assert config["connection.password"]["type"] == "PASSWORD"
    assert config["batch.size"]["default_value"] == "3000"
    assert config["max.retries"]["default_value"] == "10"
    assert config["retry.backoff.ms"]["default_value"] == "3000"
    assert config["table.name.format"]["default_value"] == "${topic}"
