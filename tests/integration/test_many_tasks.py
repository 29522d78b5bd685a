"""Connectors with several tasks (tasks.max > 1), end to end with the multitask test plugin
(tests/plugins/multitask): sink tasks sharing one consumer group over a multi-partition topic,
source tasks with their own offsets, tasks.max.enforce, and the events a connector raises on its
own (a task reconfiguration request, an error).

The plugin's tasks write down what they did (task-<i>.events, task-<i>.records), so the tests
see which task ran with which config and which task got which partition."""

import collections
import os
import re

import pytest

from conftest import BUILD, read_lines, wait_for, worker_props

STRING = "org.apache.kafka.connect.storage.StringConverter"

# Kafka Connect's TooManyTasksException (connect/runtime, 3.9.0).
TOO_MANY = ("The connector {name} has generated {tasks} tasks, which is greater than {max}, the "
            "maximum number of tasks it is configured to create. This behaviour should be "
            "considered a bug and is disallowed. If necessary, it can be permitted by "
            "reconfiguring the connector with 'tasks.max.enforce' set to false; however, this "
            "option will be removed in a future release of Kafka Connect.")


@pytest.fixture
def s(sluiced_factory, workdir):
    props = worker_props(workdir, **{"plugin.path": f"{BUILD / 'plugins'},{BUILD / 'test-plugins'}"})
    return sluiced_factory(props=props).start()


def source(name, out, topic, tasks_max, **extra):
    config = {"connector.class": "MultiTaskSource", "output.dir": str(out), "topic": topic,
              "tasks.max": str(tasks_max), "key.converter": STRING, "value.converter": STRING}
    config.update({k.replace("_", "."): str(v) for k, v in extra.items()})
    return {"name": name, "config": config}


def sink(name, out, topics, tasks_max, **extra):
    config = {"connector.class": "MultiTaskSink", "output.dir": str(out), "topics": topics,
              "tasks.max": str(tasks_max), "key.converter": STRING, "value.converter": STRING}
    config.update({k.replace("_", "."): str(v) for k, v in extra.items()})
    return {"name": name, "config": config}


def create(s, body):
    r = s.post("/connectors", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def status(s, name):
    r = s.get(f"/connectors/{name}/status")
    assert r.status_code == 200, r.text
    return r.json()


def states(s, name):
    st = status(s, name)
    return st["connector"]["state"], [t["state"] for t in st["tasks"]]


def wait_states(s, name, connector, tasks, timeout=30):
    seen = []

    def check():
        st = status(s, name)
        seen[:] = [st]
        return (st["connector"]["state"], [t["state"] for t in st["tasks"]]) == (connector, tasks) and st
    try:
        return wait_for(check, timeout, f"{name} to be {connector} with tasks {tasks}")
    except AssertionError as e:
        raise AssertionError(f"{e}; last status: {seen[0] if seen else None!r}") from None


def offsets(s, name):
    r = s.get(f"/connectors/{name}/offsets")
    assert r.status_code == 200, r.text
    return r.json()["offsets"]


def write_atomically(path, text):
    """The plugin polls the file: it must never see half of it."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def task_events(out, task):
    return read_lines(out / f"task-{task}.events")


def starts(out, task):
    return [e for e in task_events(out, task) if e.startswith("start ")]


def received(out):
    """Every record the sink tasks were given: [(task, partition, offset, value)]."""
    got = []
    for path in sorted(out.glob("task-*.records")):
        for line in read_lines(path):
            task, where, value = line.split(" ", 2)
            m = re.fullmatch(r"(.+)-(\d+)@(\d+)", where)
            got.append((int(task), int(m.group(2)), int(m.group(3)), value))
    return got


def assignment(out, tasks):
    """The partitions each sink task holds now, from its open/close events (None for a task that
    is not running)."""
    held = {}
    for task in range(tasks):
        current = None
        for event in task_events(out, task):
            kind, _, rest = event.partition(" ")
            if kind == "start":
                current = set()
            elif kind == "stop":
                current = None
            elif kind == "open" and current is not None:
                current |= set(rest.split())
            elif kind == "close" and current is not None:
                current -= set(rest.split())
        held[task] = current
    return held


def settled_assignment(out, tasks, topic, partitions):
    """Waits until every one of `tasks` sink tasks holds partitions and each partition of the
    topic is held by exactly one of them; returns {task: partitions}."""
    every = {f"{topic}-{p}" for p in range(partitions)}

    def check():
        held = assignment(out, tasks)
        if any(not h for h in held.values()):
            return None
        together = [p for h in held.values() for p in h]
        return held if sorted(together) == sorted(every) else None
    return wait_for(check, 60, f"{tasks} tasks to share the {partitions} partitions of {topic} "
                    f"(now {assignment(out, tasks)})")


def sink_offsets(s, name):
    return {(o["partition"]["kafka_topic"], o["partition"]["kafka_partition"]):
            o["offset"]["kafka_offset"] for o in offsets(s, name)}


def make_wide_topic(s, out, topic, partitions):
    """Creates `topic` with `partitions` partitions through KIP-158 topic creation (the embedded
    broker creates topics with one partition on first use): a one-record source, deleted after.
    Its record "0-1" lands in partition 1."""
    create(s, source("mk", out, topic, 1, records_per_task=1, partitioning="spread",
                     partition_count=partitions,
                     **{"topic.creation.default.partitions": partitions,
                        "topic.creation.default.replication.factor": 1}))
    wait_for(lambda: offsets(s, "mk") == [{"partition": {"task": "0"}, "offset": {"n": 1}}], 30,
             "the topic-making record to be committed")
    assert s.delete("/connectors/mk").status_code == 204


def expected_values(per_task, tasks, partitions):
    """The values the multitask source writes with partitioning=spread: {partition: Counter}."""
    want = collections.defaultdict(collections.Counter)
    for t in range(tasks):
        for n in range(1, per_task + 1):
            want[n % partitions][f"{t}-{n}"] += 1
    return want


def test_sink_tasks_share_a_topics_partitions_and_commit_each(s, workdir):
    topic, parts = "wide", 6
    make_wide_topic(s, workdir / "mk", topic, parts)
    out = workdir / "snk"
    create(s, sink("snk", out, topic, 3))
    wait_states(s, "snk", "RUNNING", ["RUNNING"] * 3)
    held = settled_assignment(out, 3, topic, parts)
    # The topic-making record is committed: the group is stable (the embedded broker refuses
    # commits while a rebalance is under way).
    wait_for(lambda: sink_offsets(s, "snk") == {(topic, 1): 1}, 30, "the first record's commit")
    held = settled_assignment(out, 3, topic, parts)

    # 2 source tasks x 300 records, spread over the 6 partitions, into the settled group.
    create(s, source("src", workdir / "src", topic, 2, records_per_task=300, partitioning="spread",
                     partition_count=parts))
    want = expected_values(300, 2, parts)
    want[1]["0-1"] += 1  # make_wide_topic's record
    total = sum(sum(c.values()) for c in want.values())
    wait_for(lambda: len(received(out)) >= total, 60, f"{total} records at the sink tasks")

    got = received(out)
    by_partition = collections.defaultdict(collections.Counter)
    for task, p, offset, value in got:
        by_partition[p][value] += 1
    # Every record in its own partition, none lost. On a clean run each comes once, to the task
    # holding its partition; the embedded broker's group sometimes rebalances again and hands a
    # partition over from an earlier committed offset (at least once), so duplicates are counted.
    for p in range(parts):
        assert not want[p] - by_partition[p], f"partition {p} lost records"
        assert set(by_partition[p]) == set(want[p])
    positions = collections.Counter((p, offset) for _, p, offset, _ in got)
    moved = [(task, p) for task, p, _, _ in got if f"{topic}-{p}" not in held[task]]
    print(f"clean run: {sum(n - 1 for n in positions.values())} of {len(got)} records delivered "
          f"twice, {len(moved)} to a task that did not hold the partition at the start")
    # Every task got records; the committed offset of each partition is its end offset.
    assert {task for task, _, _, _ in got} == {0, 1, 2}
    ends = {(topic, p): sum(want[p].values()) for p in range(parts)}
    wait_for(lambda: sink_offsets(s, "snk") == ends, 30,
             f"committed offsets {ends} (now {sink_offsets(s, 'snk')})")

    # A task restarts while records flow: its partitions go to the others and come back; nothing
    # is lost. Records handed over after the last commit that landed before the rebalance are
    # delivered again (at least once; the embedded broker refuses commits while the group
    # rebalances, also those made as partitions are revoked).
    assert s.post("/connectors/snk/tasks/1/restart").status_code == 204
    r = s.put("/connectors/src/config", json=source("src", workdir / "src", topic, 2,
                                                     records_per_task=600, partitioning="spread",
                                                     partition_count=parts, batch_size=10,
                                                     poll_interval_ms=20)["config"])
    assert r.status_code == 200, r.text
    want = expected_values(600, 2, parts)
    want[1]["0-1"] += 1
    total = sum(sum(c.values()) for c in want.values())
    wait_for(lambda: {v for _, _, _, v in received(out)} >= set().union(*want.values()), 60,
             "every record at the sink tasks")
    assert len(starts(out, 1)) == 2 and "stop" in task_events(out, 1), task_events(out, 1)
    settled_assignment(out, 3, topic, parts)
    got = received(out)
    counts = collections.Counter((p, offset) for _, p, offset, _ in got)
    duplicates = sum(n - 1 for n in counts.values())
    by_partition = collections.defaultdict(collections.Counter)
    for _, p, _, value in got:
        by_partition[p][value] += 1
    for p in range(parts):
        missing = want[p] - by_partition[p]
        assert not missing, f"partition {p} lost {sorted(missing)[:10]}"
    # Whatever came twice came from its own partition, in order from a committed offset.
    assert set(by_partition) == set(range(parts))
    print(f"task restart: {duplicates} of {len(got)} records delivered twice")
    ends = {(topic, p): sum(want[p].values()) for p in range(parts)}
    wait_for(lambda: sink_offsets(s, "snk") == ends, 30,
             f"committed offsets {ends} (now {sink_offsets(s, 'snk')})")


def test_sink_partitions_move_when_the_connector_drops_a_task(s, workdir):
    topic, parts = "moving", 4
    make_wide_topic(s, workdir / "mk", topic, parts)
    out = workdir / "snk"
    trigger = workdir / "reconfigure"
    create(s, sink("snk", out, topic, 3, reconfigure_file=trigger))
    wait_states(s, "snk", "RUNNING", ["RUNNING"] * 3)
    settled_assignment(out, 3, topic, parts)
    wait_for(lambda: sink_offsets(s, "snk") == {(topic, 1): 1}, 30, "the first record's commit")

    # Records flow while the connector goes from 3 tasks to 2: task 2 stops, the other two take
    # its partitions over without restarting.
    create(s, source("src", workdir / "src", topic, 1, records_per_task=1000, batch_size=10,
                     poll_interval_ms=10, partitioning="spread", partition_count=parts))
    wait_for(lambda: len(received(out)) > 100, 30, "records at the sink")
    write_atomically(trigger, "task.count=2\n")
    wait_states(s, "snk", "RUNNING", ["RUNNING"] * 2)
    held = settled_assignment(out, 2, topic, parts)
    assert task_events(out, 2)[-1] == "stop"
    assert len(starts(out, 0)) == 1 and len(starts(out, 1)) == 1
    assert len(held[0]) + len(held[1]) == parts

    want = expected_values(1000, 1, parts)
    want[1]["0-1"] += 1
    wait_for(lambda: {v for _, _, _, v in received(out)} >= set().union(*want.values()), 60,
             "every record at the sink tasks")
    got = received(out)
    counts = collections.Counter((p, offset) for _, p, offset, _ in got)
    print(f"task dropped: {sum(n - 1 for n in counts.values())} of {len(got)} records delivered "
          "twice")
    ends = {(topic, p): sum(want[p].values()) for p in range(parts)}
    wait_for(lambda: sink_offsets(s, "snk") == ends, 30,
             f"committed offsets {ends} (now {sink_offsets(s, 'snk')})")


def test_source_tasks_produce_with_their_own_offsets(s, workdir):
    topic = "pair"
    out = workdir / "src"
    create(s, source("src", out, topic, 2, records_per_task=40, partitioning="task",
                     **{"topic.creation.default.partitions": 2,
                        "topic.creation.default.replication.factor": 1}))
    wait_states(s, "src", "RUNNING", ["RUNNING", "RUNNING"])
    r = s.get("/connectors/src/tasks")
    assert [t["config"]["task.index"] for t in r.json()] == ["0", "1"]
    want = [{"partition": {"task": "0"}, "offset": {"n": 40}},
            {"partition": {"task": "1"}, "offset": {"n": 40}}]
    wait_for(lambda: sorted(offsets(s, "src"), key=str) == want, 30, "both tasks' offsets")

    # Each task wrote to its own partition (partitioning=task), every record once.
    snk = workdir / "snk"
    create(s, sink("snk", snk, topic, 1))
    wait_for(lambda: len(received(snk)) >= 80, 30, "80 records at the sink")
    got = received(snk)
    assert sorted((p, v) for _, p, _, v in got) == sorted(
        [(t, f"{t}-{n}") for t in (0, 1) for n in range(1, 41)])

    # A restart of one task resumes from its own offset.
    assert s.post("/connectors/src/tasks/1/restart").status_code == 204
    wait_for(lambda: len(starts(out, 1)) == 2, 30, "task 1 to start again")
    assert starts(out, 1)[-1] == "start key= from=41"
    assert starts(out, 0) == ["start key= from=1"]


def test_too_many_task_configs_fail_the_connector(s, workdir):
    out = workdir / "src"
    create(s, source("src", out, "t", 2, task_count=3))
    st = wait_states(s, "src", "FAILED", [])
    assert TOO_MANY.format(name="src", tasks=3, max=2) in st["connector"]["trace"]
    assert s.get("/connectors/src/tasks").json() == []

    # tasks.max.enforce=false lets it run them all.
    r = s.put("/connectors/src/config", json=source("src", out, "t", 2, task_count=3,
                                                    **{"tasks.max.enforce": "false"})["config"])
    assert r.status_code == 200, r.text
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 3)
    assert [t["id"]["task"] for t in s.get("/connectors/src/tasks").json()] == [0, 1, 2]


def test_lowering_tasks_max_replaces_the_tasks(s, workdir):
    out = workdir / "src"
    create(s, source("src", out, "t", 3, records_per_task=-1, poll_interval_ms=50))
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 3)
    r = s.put("/connectors/src/config", json=source("src", out, "t", 2, records_per_task=-1,
                                                    poll_interval_ms=50)["config"])
    assert r.status_code == 200, r.text
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 2)
    assert task_events(out, 2)[-1] == "stop"
    assert len(s.get("/connectors/src/tasks").json()) == 2


def test_tasks_above_a_lowered_tasks_max_keep_running_and_fail_when_restarted(s, workdir):
    """Kafka Connect (KIP-1004): a connector reconfigured into generating too many tasks is
    FAILED while its existing tasks go on; a task of such a set fails when it (re)starts."""
    out = workdir / "src"
    create(s, source("src", out, "t", 3, task_count=3, records_per_task=-1, poll_interval_ms=50))
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 3)
    r = s.put("/connectors/src/config", json=source("src", out, "t", 2, task_count=3,
                                                    records_per_task=-1,
                                                    poll_interval_ms=50)["config"])
    assert r.status_code == 200, r.text
    st = wait_states(s, "src", "FAILED", ["RUNNING"] * 3)
    assert TOO_MANY.format(name="src", tasks=3, max=2) in st["connector"]["trace"]
    assert all(len(starts(out, t)) == 1 for t in range(3))
    assert len(s.get("/connectors/src/tasks").json()) == 3

    r = s.post("/connectors/src/tasks/0/restart")
    assert (r.status_code, r.json()) == (500, {"error_code": 500,
                                               "message": "Failed to start task: src-0"})
    st = wait_states(s, "src", "FAILED", ["FAILED", "RUNNING", "RUNNING"])
    assert TOO_MANY.format(name="src", tasks=3, max=2) in st["tasks"][0]["trace"]
    assert task_events(out, 0)[-1] == "stop" and len(starts(out, 0)) == 1

    # tasks.max.enforce=false: the same set runs again.
    r = s.put("/connectors/src/config", json=source("src", out, "t", 2, task_count=3,
                                                    records_per_task=-1, poll_interval_ms=50,
                                                    **{"tasks.max.enforce": "false"})["config"])
    assert r.status_code == 200, r.text
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 3)


def test_reconfiguration_request_restarts_only_changed_tasks(s, workdir):
    out = workdir / "src"
    trigger = workdir / "reconfigure"
    create(s, source("src", out, "events", 3, task_count=2, records_per_task=-1,
                     poll_interval_ms=50, reconfigure_file=trigger))
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 2)

    # 2 -> 3 tasks: task 2 starts, 0 and 1 keep running.
    write_atomically(trigger, "task.count=3\n")
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 3)
    assert [t["id"]["task"] for t in s.get("/connectors/src/tasks").json()] == [0, 1, 2]
    wait_for(lambda: starts(out, 2) == ["start key= from=1"], 10, "task 2 to start")
    # 3 -> 2: task 2 stops and leaves the status.
    write_atomically(trigger, "task.count=2\n")
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 2)
    wait_for(lambda: task_events(out, 2)[-1:] == ["stop"], 10, "task 2 to stop")
    # Task 1's config changes: only task 1 restarts, with its new config.
    write_atomically(trigger, "task.count=2\ntask.key.1=changed\n")
    wait_for(lambda: len(starts(out, 1)) == 2, 10, "task 1 to restart")
    assert starts(out, 1)[-1].startswith("start key=changed ")
    tasks = s.get("/connectors/src/tasks").json()
    assert tasks[1]["config"]["task.key"] == "changed" and "task.key" not in tasks[0]["config"]
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 2)

    assert starts(out, 0) == ["start key= from=1"]
    assert "stop" not in task_events(out, 0)
    connector = read_lines(out / "connector.events")
    assert connector.count("start") == 1, connector
    assert connector.count("reconfigure") == 3, connector
    # The same content again asks for nothing new; the unchanged configs restart nothing.
    assert starts(out, 2) == ["start key= from=1"]


def test_raised_error_fails_the_connector_and_its_tasks_go_on(s, workdir):
    out = workdir / "src"
    trigger, error = workdir / "reconfigure", workdir / "error"
    create(s, source("src", out, "raised", 2, records_per_task=-1, poll_interval_ms=20,
                     reconfigure_file=trigger, error_file=error))
    wait_states(s, "src", "RUNNING", ["RUNNING"] * 2)

    write_atomically(error, "the connector gave up\n")
    st = wait_states(s, "src", "FAILED", ["RUNNING", "RUNNING"])
    assert "the connector gave up" in st["connector"]["trace"]

    def produced():
        return sorted(o["offset"]["n"] for o in offsets(s, "src"))
    before = wait_for(lambda: len(produced()) == 2 and produced(), 10, "both tasks' offsets")
    wait_for(lambda: all(a > b for a, b in zip(produced(), before)), 10,
             "both tasks to go on producing")

    # A failed connector does not reconfigure its tasks (Kafka Connect skips a connector that
    # is not running). The worker handles a connector's events in order: once the error raised
    # after the request shows, the request was handled.
    write_atomically(trigger, "task.count=1\n")
    wait_for(lambda: "reconfigure" in read_lines(out / "connector.events"), 10,
             "the request to be made")
    write_atomically(error, "and again\n")
    st = wait_for(lambda: "and again" in (status(s, "src")["connector"].get("trace") or "")
                  and status(s, "src"), 10, "the second error")
    assert [t["state"] for t in st["tasks"]] == ["RUNNING", "RUNNING"]
    assert len(s.get("/connectors/src/tasks").json()) == 2

    # A restart of the connector brings it back; it then generates its configs again.
    assert s.post("/connectors/src/restart").status_code == 204
    wait_states(s, "src", "RUNNING", ["RUNNING"])
