"""Distributed mode on a real broker (tools/kafka): `sluiced distributed` workers in one Connect
group, alone and with Apache Kafka Connect 3.9.1 workers (ConnectDistributed, the jars from
tools/kafka), checked through REST and through the data that FileStreamSource and
FileStreamSink move (numbered lines appended while the connectors run; every number must reach
the sink's file, duplicates are counted and printed).

The broker starts once. The first tests share one group of Sluice workers and build on each
other, as a cluster's life does: three workers form it (connectors spread, REST alike on each),
a fourth joins (some tasks move, the others are not restarted), one is killed with SIGKILL and
another stopped with SIGTERM mid-stream (no line lost, the dead worker's work RUNNING elsewhere
within session.timeout.ms + scheduled.rebalance.max.delay.ms + 10 s), a follower takes config,
pause, resume, restart, stop and offsets requests (they take effect cluster-wide), and at last a
Java worker started alone on the topics they wrote shows the same connectors, configs, task
configs, offsets and statuses. Then a Java cluster is taken over by Sluice workers, and a Sluice
worker joins a Java worker's group, takes everything over when the Java worker stops, and leads
a Java worker that joins it in turn (REST writes and signed task configs forwarded both ways).

SLUICE_DIST_WORKER=java runs the same tests with Java workers wherever Sluice workers would run:
the reference that shows the assertions hold for Kafka Connect itself."""

import os
import re
import time
import uuid

import pytest

from conftest import wait_for
from distributed_harness import (
    SCHEDULED_REBALANCE_MAX_DELAY_MS, SESSION_TIMEOUT_MS, Delivery, Group,
    SequenceInput, all_running, canonical, find_leader, owners, running_owner, sequence_counts,
    task_events, tasks_per_worker, wait_count_at_least, wait_delivered)

KIND = os.environ.get("SLUICE_DIST_WORKER", "sluice")
assert KIND in ("sluice", "java"), KIND

# How long a dead worker's connectors and tasks may take to run elsewhere.
REASSIGN_BOUND_S = (SESSION_TIMEOUT_MS + SCHEDULED_REBALANCE_MAX_DELAY_MS) / 1000 + 10

FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"

SPREAD = {"spread-a": 3, "spread-b": 3, "spread-c": 2}


def source_config(file, topic, **extra):
    return dict({"connector.class": FILE_SOURCE, "file": str(file), "topic": topic,
                 "tasks.max": "1"}, **extra)


def sink_config(file, topics, **extra):
    return dict({"connector.class": FILE_SINK, "file": str(file), "topics": topics,
                 "tasks.max": "1"}, **extra)


def create(worker, name, config):
    r = worker.post("/connectors", json={"name": name, "config": config})
    assert r.status_code == 201, f"POST /connectors {name} on {worker}: {r.status_code} {r.text}"
    body = r.json()
    assert body["name"] == name and body["config"] == dict(config, name=name), body
    return body


@pytest.fixture(scope="module")
def say(pytestconfig):
    """Prints a line past pytest's capture (measured times, duplicates)."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def out(message):
        with capture.global_and_fixture_disabled():
            print(f"\n[distributed/{KIND}] {message}", flush=True)
    return out


@pytest.fixture(scope="module")
def cluster(kafka_broker, tmp_path_factory):
    """The group shared by the first tests (workers started by them)."""
    g = Group(tmp_path_factory.mktemp("cluster"), kafka_broker,
              f"dist-{uuid.uuid4().hex[:8]}")
    g.data = g.root / "data"
    g.data.mkdir()
    yield g
    g.close()


def wait_statuses(worker, condition, timeout, what, group):
    """Waits until condition(statuses of `worker`) holds; returns those statuses."""
    seen = {}

    def check():
        s = worker.statuses()
        seen["s"] = s
        return s if s is not None and condition(s) else None
    try:
        return wait_for(check, timeout, what, interval=0.2)
    except AssertionError as e:
        raise AssertionError(f"{e}\nlast statuses on {worker}: {seen.get('s')}\n{group.logs()}") \
            from None


def rest_view(worker, names):
    """What a worker answers to the read endpoints, by path."""
    paths = ["/connectors", "/connectors?expand=info&expand=status"]
    for c in names:
        paths += [f"/connectors/{c}", f"/connectors/{c}/config", f"/connectors/{c}/tasks",
                  f"/connectors/{c}/status", f"/connectors/{c}/tasks/0/status",
                  f"/connectors/{c}/topics"]
    view = {}
    for p in paths:
        r = worker.get(p, timeout=10)
        body = r.json() if r.content else None
        if p == "/connectors":
            body = sorted(body)
        view[p] = (r.status_code, canonical(body))
    return view


# ---- 1. three workers form a cluster ------------------------------------------------------------


def test_three_workers_share_connectors_and_answer_alike(cluster, say):
    t0 = time.monotonic()
    a, b, c = (cluster.start(KIND, n) for n in ("a", "b", "c"))
    say(f"three {KIND} workers answer REST after {time.monotonic() - t0:.1f}s")
    topic = f"{cluster.group}-spread"
    for worker, (name, tasks) in zip((a, b, c), SPREAD.items()):
        create(worker, name, sink_config(cluster.data / f"{name}.txt", topic,
                                         **{"tasks.max": str(tasks)}))
    ids = {w.worker_id for w in (a, b, c)}

    def spread(s):
        if not all_running(s, SPREAD):
            return False
        per_worker = tasks_per_worker({n: s[n] for n in SPREAD}, ids)
        connectors = {s[n]["connector"]["worker_id"] for n in SPREAD}
        return (set(per_worker) == ids and max(per_worker.values()) - min(per_worker.values()) <= 1
                and connectors == ids)
    statuses = wait_statuses(a, spread, 60, "3 connectors and 8 tasks spread over a, b and c",
                             cluster)
    say(f"connectors and tasks created through a, b, c run on all three after "
        f"{time.monotonic() - t0:.1f}s: "
        f"{tasks_per_worker({n: statuses[n] for n in SPREAD}, ids)}")

    # Every worker answers every read the same way (statuses travel through the status topic).
    views = {}

    def alike():
        views.clear()
        views.update({w.name: rest_view(w, SPREAD) for w in (a, b, c)})
        return views["a"] == views["b"] == views["c"]
    try:
        wait_for(alike, 20, "the same REST answers on a, b and c", interval=0.5)
    except AssertionError:
        diff = {p: {n: v[p] for n, v in views.items()} for p in views["a"]
                if len({v[p] for v in views.values()}) > 1}
        raise AssertionError(f"the workers answer differently: {diff}") from None


# ---- 3. a joining worker ------------------------------------------------------------------------


def test_a_joining_worker_takes_tasks_without_restarting_the_others(cluster, say):
    a = cluster.workers[0]
    before = owners({n: a.statuses()[n] for n in SPREAD})
    starts_before = {w.worker_id: (w.task_starts(), w.connector_starts()) for w in cluster.alive()}
    t0 = time.monotonic()
    d = cluster.start(KIND, "d")
    ids = {w.worker_id for w in cluster.alive()}

    def rebalanced(s):
        if not all_running(s, SPREAD):
            return False
        per_worker = tasks_per_worker({n: s[n] for n in SPREAD}, ids)
        return (set(per_worker) == ids and per_worker[d.worker_id] > 0
                and max(per_worker.values()) - min(per_worker.values()) <= 1)
    statuses = wait_statuses(a, rebalanced, 60, "tasks balanced over a, b, c and d", cluster)
    after = owners({n: statuses[n] for n in SPREAD})
    moved = sorted(str(k) for k in after if after[k][1] != before[k][1])
    say(f"d joined; tasks balanced after {time.monotonic() - t0:.1f}s "
        f"({tasks_per_worker({n: statuses[n] for n in SPREAD}, ids)}); moved: {moved}")

    restarted = []
    for key, (state, worker_id) in after.items():
        if worker_id != before[key][1]:
            continue
        w = cluster.by_id(worker_id)
        if isinstance(key, tuple):
            task = f"{key[0]}-{key[1]}"
            n_before, n_after = starts_before[worker_id][0][task], w.task_starts()[task]
        else:
            task = key
            n_before, n_after = starts_before[worker_id][1][task], w.connector_starts()[task]
        assert n_before >= 1, f"{w}'s log never says it started {task}: no restart signal"
        if n_after != n_before:
            restarted.append(f"{task} on {w.name} (started {n_before} then {n_after} times)")
    assert not restarted, (f"connectors and tasks that stayed on their worker were restarted: "
                           f"{restarted}\n{cluster.logs()}")
    # A moved task starts on its new worker only after its old worker has stopped it.
    for key, (state, worker_id) in after.items():
        if isinstance(key, tuple) and worker_id != before[key][1]:
            task = f"{key[0]}-{key[1]}"
            old, new = cluster.by_id(before[key][1]), cluster.by_id(worker_id)
            stops = [t for t, what in task_events(old.log(), task) if what == "Stopping"]
            starts = [t for t, what in task_events(new.log(), task) if what == "Starting"]
            assert stops and starts, (f"{task} moved from {old} to {new}: stopped at {stops}, "
                                      f"started at {starts}")
            assert max(stops) <= max(starts), (
                f"{task} started on {new} at {max(starts)} before {old} stopped it at "
                f"{max(stops)}")


# ---- 2. a crash and a graceful stop mid-stream --------------------------------------------------


def test_kill_and_graceful_stop_mid_stream_lose_no_line(cluster, say):
    workers = cluster.alive()
    assert len(workers) >= 3, workers
    first, second = workers[1], workers[2]
    topic = f"{cluster.group}-seq"
    seq = SequenceInput(cluster.data / "seq-in.txt", "kill")
    out = cluster.data / "seq-out.txt"
    create(first, "seq-src", source_config(seq.path, topic))
    create(second, "seq-sink", sink_config(out, topic))
    expected = dict(SPREAD, **{"seq-src": 1, "seq-sink": 1})
    seq.start()
    try:
        wait_statuses(first, lambda s: all_running(s, expected), 60, "seq-src and seq-sink RUNNING",
                      cluster)
        wait_count_at_least(out, "kill", 200, 60, "200 lines through seq-src and seq-sink")

        def crash_or_stop(victim, how):
            s = victim.statuses()
            held = [k for k, (state, wid) in owners(s).items()
                    if wid == victim.worker_id and state == "RUNNING"]
            kids = victim.descendants() if how == "kill" and victim.kind == "sluice" else []
            delivered = len(sequence_counts(out, "kill")[0])
            t = time.monotonic()
            if how == "kill":
                victim.kill()
            else:
                victim.stop()
            gone = time.monotonic() - t
            for pid in kids:  # plugin hosts and gateway follow sluiced
                wait_for(lambda: not os.path.exists(f"/proc/{pid}") or
                         open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z",
                         10, f"{victim}'s child {pid} to exit")
            survivor = cluster.alive()[0]

            def moved(s):
                return all(running_owner(s, k) not in (None, victim.worker_id) for k in held)
            wait_statuses(survivor, moved, REASSIGN_BOUND_S + 30,
                          f"{victim}'s work RUNNING elsewhere", cluster)
            took = time.monotonic() - t
            say(f"{how} {victim.name} (it ran {sorted(map(str, held))}; stopped in {gone:.1f}s): "
                f"its work RUNNING elsewhere after {took:.1f}s (bound {REASSIGN_BOUND_S:.0f}s)")
            assert took <= REASSIGN_BOUND_S, (
                f"{victim}'s work took {took:.1f}s to run elsewhere, more than "
                f"session.timeout.ms + scheduled.rebalance.max.delay.ms + 10 s\n{cluster.logs()}")
            wait_count_at_least(out, "kill", delivered + 200, 60,
                                f"lines flowing again after the {how} of {victim}")

        s = first.statuses()
        crash_or_stop(cluster.by_id(running_owner(s, ("seq-src", 0))), "kill")
        s = cluster.alive()[0].statuses()
        crash_or_stop(cluster.by_id(running_owner(s, ("seq-sink", 0))), "stop")
    finally:
        last = seq.stop()
    d = wait_delivered(out, "kill", last, 60, cluster)
    say(f"seq-sink's file after a kill -9 and a SIGTERM: {d.summary()}")
    assert not d.foreign and not d.extra, d.summary()


# ---- 4. requests to a follower ------------------------------------------------------------------


def test_requests_to_a_follower_take_effect_cluster_wide(cluster, say):
    workers = cluster.alive()
    assert len(workers) >= 2, workers
    leader = find_leader(workers)
    follower = next(w for w in workers if w is not leader)
    say(f"leader {leader.name}, follower {follower.name}")
    t0 = time.monotonic()
    topic = f"{cluster.group}-ops"
    seq = SequenceInput(cluster.data / "ops-in.txt", "ops")
    out1, out2 = cluster.data / "ops-out1.txt", cluster.data / "ops-out2.txt"

    def statuses_on_leader(condition, what):
        return wait_statuses(leader, condition, 60, what, cluster)

    def state(s, name):
        return (s[name]["connector"]["state"], [t["state"] for t in s[name]["tasks"]])

    create(follower, "ops-src", source_config(seq.path, topic))
    create(follower, "ops-sink", sink_config(out1, topic))
    statuses_on_leader(lambda s: all_running(s, {"ops-src": 1, "ops-sink": 1}), "ops RUNNING")
    seq.append(50)
    wait_delivered(out1, "ops", 50, 30, cluster)

    # A new config through the follower: the leader has it, the sink's task is restarted with
    # it and writes to the new file. (Until the task is restarted, the old one keeps consuming
    # into the old file, on Kafka Connect too: lines are appended once it has been.)
    def sink_task_starts():
        return sum(w.task_starts()["ops-sink-0"] for w in workers)
    starts = sink_task_starts()
    new_sink = sink_config(out2, topic)
    r = follower.put("/connectors/ops-sink/config", json=new_sink)
    assert r.status_code == 200, r.text
    assert r.json()["config"] == dict(new_sink, name="ops-sink"), r.json()
    wait_for(lambda: leader.get("/connectors/ops-sink/config").json() ==
             dict(new_sink, name="ops-sink"), 30, "the new config on the leader")
    wait_for(lambda: [t["config"]["file"] for t in
                      leader.get("/connectors/ops-sink/tasks").json()] == [str(out2)], 30,
             "the new task config on the leader")
    wait_for(lambda: sink_task_starts() > starts, 30, "ops-sink-0 restarted with its new config")
    statuses_on_leader(lambda s: all_running(s, {"ops-sink": 1}), "ops-sink RUNNING again")
    seq.append(50)
    wait_for(lambda: all(sequence_counts(out2, "ops")[0][n] for n in range(51, 101)), 30,
             "lines 51-100 in the sink's new file")

    # Pause and resume through the follower.
    assert follower.put("/connectors/ops-src/pause").status_code == 202
    statuses_on_leader(lambda s: state(s, "ops-src") == ("PAUSED", ["PAUSED"]), "ops-src PAUSED")
    seq.append(50)
    assert follower.put("/connectors/ops-src/resume").status_code == 202
    statuses_on_leader(lambda s: state(s, "ops-src") == ("RUNNING", ["RUNNING"]),
                       "ops-src RUNNING again")
    wait_for(lambda: all(sequence_counts(out2, "ops")[0][n] for n in range(101, 151)), 30,
             "lines 101-150 after the resume")

    # Restart (connector and tasks) through the follower: the worker that runs them starts them
    # again.
    s = leader.statuses()
    owner_c = cluster.by_id(running_owner(s, "ops-src"))
    owner_t = cluster.by_id(running_owner(s, ("ops-src", 0)))
    c_before, t_before = owner_c.connector_starts()["ops-src"], owner_t.task_starts()["ops-src-0"]
    r = follower.post("/connectors/ops-src/restart?includeTasks=true")
    assert r.status_code == 202, r.text
    assert r.json()["name"] == "ops-src", r.json()
    wait_for(lambda: owner_c.connector_starts()["ops-src"] > c_before and
             owner_t.task_starts()["ops-src-0"] > t_before, 30,
             f"ops-src and ops-src-0 started again on {owner_c.name} and {owner_t.name}")
    statuses_on_leader(lambda s: state(s, "ops-src") == ("RUNNING", ["RUNNING"]),
                       "ops-src RUNNING after the restart")

    # A task restart sent to the worker that does not run the task goes to the one that does.
    s = leader.statuses()
    sink_owner = cluster.by_id(running_owner(s, ("ops-sink", 0)))
    other = next(w for w in workers if w is not sink_owner)
    n = sink_owner.task_starts()["ops-sink-0"]
    r = other.post("/connectors/ops-sink/tasks/0/restart")
    assert r.status_code == 204, r.text
    wait_for(lambda: sink_owner.task_starts()["ops-sink-0"] > n, 30,
             f"ops-sink-0 started again on {sink_owner.name}")

    # Stop through the follower: STOPPED everywhere, no tasks; its offsets are the whole file.
    assert follower.put("/connectors/ops-src/stop").status_code == 204
    for w in workers:
        wait_statuses(w, lambda s: state(s, "ops-src") == ("STOPPED", []), 30,
                      f"ops-src STOPPED on {w.name}", cluster)
    partition = {"filename": str(seq.path)}

    def offsets_on_every_worker(position):
        expected = {"offsets": [{"partition": partition, "offset": {"position": position}}]
                    if position is not None else []}
        for w in workers:
            wait_for(lambda: w.get("/connectors/ops-src/offsets").json() == expected, 30,
                     f"ops-src's offsets {expected} on {w.name}")
    offsets_on_every_worker(seq.size())

    # Alter offsets through the follower: back to line 101; resumed, the source reads 101-150
    # again.
    r = follower.patch("/connectors/ops-src/offsets", json={"offsets": [
        {"partition": partition, "offset": {"position": seq.position_of(101)}}]})
    assert (r.status_code, r.json()) == (
        200, {"message": "The offsets for this connector have been altered successfully"}), r.text
    offsets_on_every_worker(seq.position_of(101))
    assert follower.put("/connectors/ops-src/resume").status_code == 202
    wait_for(lambda: all(sequence_counts(out2, "ops")[0][n] >= 2 for n in range(101, 151)), 30,
             "lines 101-150 a second time after the offsets were altered")

    # Reset offsets through the follower: the source reads the whole file again.
    assert follower.put("/connectors/ops-src/stop").status_code == 204
    wait_statuses(leader, lambda s: state(s, "ops-src") == ("STOPPED", []), 30,
                  "ops-src STOPPED again", cluster)
    r = follower.delete("/connectors/ops-src/offsets")
    assert (r.status_code, r.json()) == (
        200, {"message": "The offsets for this connector have been reset successfully"}), r.text
    offsets_on_every_worker(None)
    assert follower.put("/connectors/ops-src/resume").status_code == 202
    wait_for(lambda: all(sequence_counts(out2, "ops")[0][n] for n in range(1, 51)), 30,
             "lines 1-50 in the new file after the offsets were reset")

    # Sink offsets reset through the follower: the sink reads the topic from its start again.
    ones = sequence_counts(out2, "ops")[0][1]
    assert follower.put("/connectors/ops-sink/stop").status_code == 204
    wait_statuses(leader, lambda s: state(s, "ops-sink") == ("STOPPED", []), 30,
                  "ops-sink STOPPED", cluster)
    r = follower.delete("/connectors/ops-sink/offsets")
    assert (r.status_code, r.json()) == (
        200, {"message": "The offsets for this connector have been reset successfully"}), r.text
    assert follower.put("/connectors/ops-sink/resume").status_code == 202
    wait_for(lambda: sequence_counts(out2, "ops")[0][1] > ones, 30,
             "line 1 again once the sink's offsets were reset")

    # Leave one connector PAUSED and one STOPPED for the Java worker of the next test.
    assert follower.put("/connectors/spread-c/pause").status_code == 202
    assert follower.put("/connectors/ops-sink/stop").status_code == 204
    for w in workers:
        wait_statuses(w, lambda s: state(s, "spread-c") == ("PAUSED", ["PAUSED", "PAUSED"])
                      and state(s, "ops-sink") == ("STOPPED", []), 30,
                      f"spread-c PAUSED and ops-sink STOPPED on {w.name}", cluster)
    say(f"config, pause, resume, restart, stop and offsets through the follower: "
        f"{time.monotonic() - t0:.1f}s")


# ---- 7. Java reads what Sluice wrote ------------------------------------------------------------


def test_java_worker_shows_what_the_cluster_wrote(cluster, say):
    workers = cluster.alive()
    assert workers, f"no worker of the cluster is left to stop\n{cluster.logs()}"
    w = workers[0]
    names = sorted(w.get("/connectors").json())
    expected = {c: {"config": w.get(f"/connectors/{c}/config").json(),
                    "tasks": w.get(f"/connectors/{c}/tasks").json(),
                    "state": (w.status(c)["connector"]["state"],
                              [t["state"] for t in w.status(c)["tasks"]])}
                for c in names}
    for x in workers:
        assert x.stop() is not None
    # What the sources had read when their workers stopped: their files, to the end.
    seq_in, ops_in = cluster.data / "seq-in.txt", cluster.data / "ops-in.txt"
    expected_offsets = {"seq-src": (seq_in, seq_in.stat().st_size),
                        "ops-src": (ops_in, ops_in.stat().st_size)}

    t0 = time.monotonic()
    java = cluster.start("java", "java-reader")
    say(f"a Java worker on the cluster's topics answers REST after {time.monotonic() - t0:.1f}s")
    # Its REST API may answer before its herder has read the config topic to the end (seen
    # once in a fresh-clone run: an empty list right after the first answer).
    wait_for(lambda: sorted(java.get("/connectors").json()) == names, 60,
             f"the Java worker lists the cluster's connectors {names}", interval=0.2)
    for c in names:
        assert java.get(f"/connectors/{c}/config").json() == expected[c]["config"], c
        assert java.get(f"/connectors/{c}/tasks").json() == expected[c]["tasks"], c
    for c, (file, position) in expected_offsets.items():
        assert java.get(f"/connectors/{c}/offsets").json() == {"offsets": [
            {"partition": {"filename": str(file)}, "offset": {"position": position}}]}, c

    def same_states(s):
        return all(s.get(c) and (s[c]["connector"]["state"],
                                 [t["state"] for t in s[c]["tasks"]]) == expected[c]["state"]
                   and all(x["worker_id"] == java.worker_id
                           for x in [s[c]["connector"], *s[c]["tasks"]])
                   for c in names)
    wait_statuses(java, same_states, 60, "the Java worker running everything as it was", cluster)
    say(f"the Java worker runs everything as the cluster left it after {time.monotonic() - t0:.1f}s")
    # Once running, Java's connectors generated the same task configs as were stored.
    for c in names:
        assert java.get(f"/connectors/{c}/tasks").json() == expected[c]["tasks"], c
    errors = [line for line in java.log().splitlines() if " ERROR " in line]
    assert not errors, "\n".join(errors[:20])
    java.stop()


# ---- 5. taking over a Java cluster --------------------------------------------------------------


def test_sluice_workers_take_over_from_a_java_cluster(kafka_broker, tmp_path_factory, say):
    g = Group(tmp_path_factory.mktemp("takeover"), kafka_broker,
              f"takeover-{uuid.uuid4().hex[:8]}")
    try:
        t0 = time.monotonic()
        java = g.start("java", "java")
        topic = f"{g.group}-lines"
        seq = SequenceInput(g.root / "in.txt", "take")
        out = g.root / "out.txt"
        create(java, "take-src", source_config(seq.path, topic))
        create(java, "take-sink", sink_config(out, topic))
        seq.start()
        try:
            wait_statuses(java, lambda s: all_running(s, {"take-src": 1, "take-sink": 1}), 60,
                          "the Java worker running take-src and take-sink", g)
            wait_count_at_least(out, "take", 200, 60, "200 lines through the Java worker")
            java.stop()
            at_stop = Delivery(out, "take", seq.last)
            say(f"Java worker stopped after {time.monotonic() - t0:.1f}s; "
                f"{len(sequence_counts(out, 'take')[0])} lines delivered by Java "
                f"({at_stop.summary()})")
            t1 = time.monotonic()
            s1 = g.start(KIND, "s1")
            s2 = g.start(KIND, "s2")
            ids = {s1.worker_id, s2.worker_id}

            def taken_over(s):
                return (all_running(s, {"take-src": 1, "take-sink": 1})
                        and {wid for _, wid in owners(s).values()} <= ids)
            wait_statuses(s1, taken_over, 60, f"{KIND} workers running both connectors", g)
            say(f"two {KIND} workers run both connectors {time.monotonic() - t1:.1f}s after "
                f"they started")
            delivered = len(sequence_counts(out, "take")[0])
            wait_count_at_least(out, "take", delivered + 200, 60, "lines flowing on Sluice")
        finally:
            last = seq.stop()
        d = wait_delivered(out, "take", last, 60, g)
        say(f"take-sink's file after the takeover: {d.summary()}")
        assert not d.foreign and not d.extra, d.summary()
        # Java stopped gracefully: it committed what it had read and written, so a worker that
        # resumes from its offsets repeats nothing.
        assert not d.duplicates, d.summary()
    finally:
        g.close()


# ---- 6. a mixed cluster -------------------------------------------------------------------------


def test_a_sluice_worker_in_a_java_workers_group(kafka_broker, tmp_path_factory, say):
    g = Group(tmp_path_factory.mktemp("mixed"), kafka_broker, f"mixed-{uuid.uuid4().hex[:8]}")
    try:
        t0 = time.monotonic()
        java = g.start("java", "java")
        topic = f"{g.group}-lines"
        seq = SequenceInput(g.root / "in.txt", "mix")
        out = g.root / "out.txt"
        create(java, "mix-src", source_config(seq.path, topic))
        create(java, "mix-sink", sink_config(out, topic))
        create(java, "mix-spread", sink_config(g.root / "spread.txt", f"{g.group}-spread",
                                               **{"tasks.max": "4"}))
        expected = {"mix-src": 1, "mix-sink": 1, "mix-spread": 4}
        seq.start()
        try:
            wait_statuses(java, lambda s: all_running(s, expected), 60,
                          "the Java worker running everything", g)
            wait_count_at_least(out, "mix", 100, 60, "100 lines through the Java worker")
            t1 = time.monotonic()
            ours = g.start(KIND, "ours")

            def shared(s):
                return (all_running(s, expected) and
                        any(isinstance(k, tuple) and wid == ours.worker_id
                            for k, (_, wid) in owners(s).items()))
            s = wait_statuses(java, shared, 60, f"the Java leader giving {ours} tasks", g)
            say(f"the Java leader gave the {KIND} worker work {time.monotonic() - t1:.1f}s "
                f"after it started: {sorted(str(k) for k, (_, w) in owners(s).items() if w == ours.worker_id)}")
            assert find_leader([java, ours]) is java

            # Writes through either worker: ours forwards to the Java leader; Java forwards a
            # task restart to ours when ours runs the task.
            create(ours, "mix-extra", sink_config(g.root / "extra.txt", f"{g.group}-spread",
                                                  **{"tasks.max": "2"}))
            expected["mix-extra"] = 2
            wait_statuses(java, lambda s: all_running(s, expected), 60, "mix-extra RUNNING", g)
            # A new tasks.max through ours (its new task configs go from ours to the Java leader,
            # signed, KIP-507), and a restart of one of ours' tasks sent to the Java worker.
            change_and_restart_through(g, via=ours, view=java, expected=expected,
                                       candidates=("mix-spread", "mix-extra"),
                                       default="mix-spread", tasks_max=3, say=say)

            delivered = len(sequence_counts(out, "mix")[0])
            t2 = time.monotonic()
            java.stop()
            # Java took the Sluice worker's metadata, requests and signatures without complaint.
            errors = [line for line in java.log().splitlines() if " ERROR " in line]
            assert not errors, "\n".join(errors[:20])

            def all_ours(s):
                return (all_running(s, expected) and
                        {wid for _, wid in owners(s).values()} == {ours.worker_id})
            wait_statuses(ours, all_ours, REASSIGN_BOUND_S + 30,
                          f"{ours} running everything", g)
            took = time.monotonic() - t2
            say(f"Java worker stopped: the {KIND} worker runs everything after {took:.1f}s")
            assert took <= REASSIGN_BOUND_S, took
            wait_count_at_least(out, "mix", delivered + 200, 60, f"lines flowing on {ours}")

            # The other way round: a Java worker joins the group that ours now leads, is given
            # work by it, forwards writes to it (task configs signed with its session key), and
            # takes a task restart forwarded by it.
            t3 = time.monotonic()
            java2 = g.start("java", "java2")

            def java2_has_work(s):
                return (all_running(s, expected) and
                        any(isinstance(k, tuple) and wid == java2.worker_id
                            for k, (_, wid) in owners(s).items()))
            s = wait_statuses(ours, java2_has_work, 60, f"{ours} giving {java2} tasks", g)
            say(f"the {KIND} leader gave a joining Java worker work {time.monotonic() - t3:.1f}s "
                f"after it started: "
                f"{sorted(str(k) for k, (_, w) in owners(s).items() if w == java2.worker_id)}")
            leader_urls = set(re.findall(r"leaderUrl='([^']*)'", java2.log()))
            assert leader_urls == {ours.rest + "/"}, leader_urls
            create(java2, "mix-late", sink_config(g.root / "late.txt", f"{g.group}-spread",
                                                  **{"tasks.max": "2"}))
            expected["mix-late"] = 2
            wait_statuses(ours, lambda s: all_running(s, expected), 60, "mix-late RUNNING", g)
            change_and_restart_through(g, via=java2, view=ours, expected=expected,
                                       candidates=("mix-spread", "mix-extra", "mix-late"),
                                       default="mix-late", tasks_max=1, say=say)
            errors = [line for line in java2.log().splitlines() if " ERROR " in line]
            assert not errors, "\n".join(errors[:20])
        finally:
            last = seq.stop()
        d = wait_delivered(out, "mix", last, 60, g)
        say(f"mix-sink's file: {d.summary()}")
        assert not d.foreign and not d.extra, d.summary()
    finally:
        g.close()


def change_and_restart_through(g, via, view, expected, candidates, default, tasks_max, say):
    """Changes tasks.max through `via` for a connector `via` runs if there is one (so that its
    new task configs travel from `via` to the leader), checks it through `view`; then restarts one
    of `via`'s tasks by asking `view`, which forwards the request to `via`."""
    s = view.statuses()
    changed = next((c for c in candidates if s[c]["connector"]["worker_id"] == via.worker_id),
                   default)
    r = via.put(f"/connectors/{changed}/config",
                json=sink_config(g.root / f"{changed}.txt", f"{g.group}-spread",
                                 **{"tasks.max": str(tasks_max)}))
    assert r.status_code == 200, r.text
    expected[changed] = tasks_max
    wait_statuses(view, lambda s: all_running(s, expected), 60,
                  f"{changed} RUNNING with {tasks_max} tasks", g)
    assert len(view.get(f"/connectors/{changed}/tasks").json()) == tasks_max
    say(f"{changed}'s tasks.max changed through {via}; its connector runs on "
        f"{g.by_id(s[changed]['connector']['worker_id'])}")
    s = view.statuses()
    task = next(k for k, (_, w) in owners(s).items()
                if isinstance(k, tuple) and w == via.worker_id)
    n = via.task_starts()[f"{task[0]}-{task[1]}"]
    r = view.post(f"/connectors/{task[0]}/tasks/{task[1]}/restart")
    assert r.status_code == 204, r.text
    wait_for(lambda: via.task_starts()[f"{task[0]}-{task[1]}"] > n, 30,
             f"{task} restarted on {via} through {view}")
