"""DatagenConnector through the SDK's test kit (sluice_sdk.testing): config checks, the quickstart
schemas, determinism for a seed, the split over tasks, iterations, pacing and resuming from the
committed offsets."""

import pathlib
import sys
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import sluice_sdk as sdk  # noqa: E402
from sluice_sdk import ConfigException  # noqa: E402
from sluice_sdk.testing import ConnectorDriver, MemoryOffsetStore, SourceTaskDriver  # noqa: E402

from datagen_connector import DatagenConnector, DatagenTask  # noqa: E402


def config(**extra):
    c = {"kafka.topic": "t", "quickstart": "orders", "max.interval": "0", "iterations": "100",
         "random.seed": "42"}
    c.update({k.replace("_", "."): v for k, v in extra.items()})
    return c


def run(conf, max_tasks=1, offsets=None, count=None):
    """Starts the connector and its tasks; polls each until it has nothing more (or `count`
    records); returns the drivers and the records per task."""
    connector = ConnectorDriver(DatagenConnector)
    connector.start(conf)
    offsets = offsets if offsets is not None else MemoryOffsetStore()
    tasks = connector.start_tasks(max_tasks, offsets)
    out = []
    for task in tasks:
        records = []
        while count is None or len(records) < count:
            got = task.poll(max_records=count - len(records) if count else 1000)
            if not got:
                break
            records.extend(got)
        out.append(records)
    return tasks, out


def values(records):
    return [repr(r.value) for r in records]


def test_config_errors_name_the_key():
    c = ConnectorDriver(DatagenConnector)
    errors = c.errors({"quickstart": "stocks", "max.interval": "-1"})
    assert errors == {
        "kafka.topic": ['Missing required configuration "kafka.topic" which has no default value.'],
        "quickstart": ["Invalid value stocks for configuration quickstart: String must be one of (case insensitive): "
                       "orders, pageviews, users"],
        "max.interval": ["Invalid value -1 for configuration max.interval: Value must be at least 0"],
    }
    assert c.errors(config(schema_keyfield="nope")) == {"schema.keyfield": [
        "Invalid value nope for configuration schema.keyfield: not a field of the orders schema "
        "(ordertime, orderid, itemid, orderunits, address)"]}
    with pytest.raises(ConfigException, match="schema.keyfield"):
        c.start(config(schema_keyfield="nope"))
    assert c.errors(config(quickstart="USERS")) == {}


@pytest.mark.parametrize("quickstart,fields,key_field,key_type", [
    ("users", ["registertime", "userid", "regionid", "gender"], "userid", sdk.SchemaType.STRING),
    ("orders", ["ordertime", "orderid", "itemid", "orderunits", "address"], "orderid",
     sdk.SchemaType.INT32),
    ("pageviews", ["viewtime", "userid", "pageid"], "viewtime", sdk.SchemaType.INT64),
])
def test_quickstart_records_have_confluents_fields_and_key(quickstart, fields, key_field, key_type):
    _, (records,) = run(config(quickstart=quickstart, iterations="50"))
    assert len(records) == 50
    for r in records:
        assert r.topic == "t"
        assert r.value_schema.name == f"ksql.{quickstart}"
        assert [f.name for f in r.value_schema.fields] == fields
        assert r.key_schema.type is key_type and r.key == r.value.get(key_field)
        assert {h.key for h in r.headers} == {"task.id", "current.iteration"}


def test_field_values_follow_the_quickstart_rules():
    _, (orders,) = run(config(quickstart="orders"))
    assert [r.value.get("orderid") for r in orders] == list(range(100))
    for r in orders:
        v = r.value
        assert 1487715775521 <= v.get("ordertime") < 1519273364600
        assert v.get("itemid").startswith("Item_") and 1 <= len(v.get("itemid")) - 5 <= 3
        assert 0.1 <= v.get("orderunits") <= 10.0
        assert v.get("address").schema.name == "ksql.address"
        assert 10000 <= v.get("address").get("zipcode") <= 99999
    _, (users,) = run(config(quickstart="users"))
    assert {r.value.get("gender") for r in users} == {"MALE", "FEMALE", "OTHER"}
    assert all(r.value.get("userid") in {"User_"} | {f"User_{d}" for d in range(1, 10)}
               for r in users)
    _, (views,) = run(config(quickstart="pageviews", iterations="5"))
    assert [r.value.get("viewtime") for r in views] == [1, 11, 21, 31, 41]


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    _, (a,) = run(config())
    _, (b,) = run(config())
    _, (c,) = run(config(random_seed="43"))
    assert values(a) == values(b)
    assert values(a) != values(c)
    # Without a seed, two connectors differ.
    no_seed = config()
    del no_seed["random.seed"]
    _, (d,) = run(no_seed)
    _, (e,) = run(no_seed)
    assert values(d) != values(e)


def test_tasks_split_one_sequence():
    _, single = run(config(iterations="30"))
    _, split = run(config(iterations="30"), max_tasks=3)
    assert [len(r) for r in split] == [10, 10, 10]
    assert [r.value.get("orderid") for r in split[1]] == list(range(1, 30, 3))
    by_index = {r.source_offset["index"]: repr(r.value) for task in split for r in task}
    assert [by_index[i] for i in range(30)] == values(single[0])
    assert [r.source_partition for r in split[2]] == [{"task.id": 2}] * 10


def test_a_restarted_task_resumes_after_the_committed_record():
    offsets = MemoryOffsetStore()
    tasks, (first,) = run(config(), offsets=offsets, count=30)
    task = tasks[0]
    task.commit(count=20)  # Kafka acknowledged 20 of the 30
    task.stop()
    assert offsets.get({"task.id": 0}) == {"index": 19, "random.seed": 42}

    _, (rest,) = run(config(), offsets=offsets)
    assert [r.source_offset["index"] for r in rest] == list(range(20, 100))
    _, (whole,) = run(config())
    assert values(first[:20] + rest) == values(whole)


def test_without_a_seed_a_restart_keeps_the_stored_seed():
    no_seed = config()
    del no_seed["random.seed"]
    offsets = MemoryOffsetStore()
    tasks, (first,) = run(no_seed, offsets=offsets, count=10)
    tasks[0].commit()
    seed = first[0].source_offset["random.seed"]
    _, (rest,) = run(no_seed, offsets=offsets, count=5)
    assert [r.source_offset for r in rest] == [{"index": i, "random.seed": seed}
                                               for i in range(10, 15)]
    with_seed = dict(no_seed, **{"random.seed": str(seed)})
    _, (whole,) = run(with_seed, count=15)
    assert values(first + rest) == values(whole)


def test_iterations_end_the_sequence_and_zero_is_forever():
    tasks, (records,) = run(config(iterations="7"))
    assert len(records) == 7
    assert tasks[0].poll() == [] and tasks[0].state == "RUNNING"
    _, (many,) = run(config(iterations="0"), count=3000)
    assert len(many) == 3000


def test_rate_paces_the_records():
    tasks, _ = run(config(records_per_second="100", iterations="0"), count=0)
    task = tasks[0]
    began = time.monotonic()
    records = task.poll_until(30, timeout=10)
    elapsed = time.monotonic() - began
    # 30 records at 100/s take about 0.3 s (the first is due at once).
    assert len(records) <= 31 and elapsed >= 0.25, (len(records), elapsed)


def test_stop_wakes_a_waiting_poll():
    task = SourceTaskDriver(DatagenTask)
    task.start(config(max_interval="60000", iterations="0"))
    task.poll()  # the first record is due at once; the next up to a minute later
    task.stop()
    began = time.monotonic()
    assert task.task.poll() == []
    assert time.monotonic() - began < 1
