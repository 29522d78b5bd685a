"""The file pipeline against a real Apache Kafka broker (KRaft, from tools/kafka), and a crash of
sluiced (SIGKILL) that must lose nothing: work resumes from the last durable offsets, and
duplicates are allowed only as at-least-once allows."""

from conftest import read_lines, sink_config, source_config, wait_for, worker_props


def test_file_pipeline_on_real_kafka(sluiced_factory, workdir, kafka_broker):
    s = sluiced_factory(props=worker_props(workdir, **{"bootstrap.servers": kafka_broker})).start()
    assert s.kafka == kafka_broker
    src, out = workdir / "in.txt", workdir / "out.txt"
    lines = [f"real kafka line {i}" for i in range(2000)]
    src.write_text("".join(l + "\n" for l in lines))
    assert s.post("/connectors", json=source_config("src", src, "real-lines")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, "real-lines")).status_code == 201
    wait_for(lambda: read_lines(out) == lines, 120, "2000 lines through the real broker")
    info = s.get("/").json()
    assert info["kafka_cluster_id"], info


def test_crash_of_sluiced_loses_nothing(sluiced_factory, workdir, kafka_broker):
    # A restarted sink rejoins its consumer group; a short session lets the broker drop the
    # killed member quickly (the broker's minimum is 6 s).
    props = worker_props(workdir, **{"bootstrap.servers": kafka_broker,
                                     "consumer.session.timeout.ms": "6000",
                                     "consumer.heartbeat.interval.ms": "1000"})
    src, out = workdir / "in.txt", workdir / "out.txt"
    first = [f"crash test {i}" for i in range(3000)]
    src.write_text("".join(l + "\n" for l in first))
    s = sluiced_factory(props=props).start()
    assert s.post("/connectors", json=source_config("csrc", src, "crash-lines")).status_code == 201
    assert s.post("/connectors", json=sink_config("csnk", out, "crash-lines")).status_code == 201
    # Kill it in the middle of the flow.
    wait_for(lambda: len(read_lines(out)) >= 500, 120, "some lines before the crash")
    s.kill()

    second = [f"after crash {i}" for i in range(1000)]
    with open(src, "a") as f:
        f.write("".join(l + "\n" for l in second))
    again = sluiced_factory(props=props).start()
    expected = first + second

    def complete():
        got = read_lines(out)
        return set(expected) <= set(got) and got
    got = wait_for(complete, 180, "every line after the crash")
    # Nothing lost, nothing foreign; order is kept apart from replays of a suffix.
    assert set(got) == set(expected)
    duplicates = len(got) - len(set(got))
    assert duplicates < len(got), "only replays may be duplicated"
    seen, first_seen = set(), []
    for line in got:
        if line not in seen:
            seen.add(line)
            first_seen.append(line)
    assert first_seen == expected
    assert again.stop() == 0


def test_alter_sink_offsets_on_real_kafka(sluiced_factory, workdir, kafka_broker):
    import requests
    s = sluiced_factory(props=worker_props(workdir, **{"bootstrap.servers": kafka_broker})).start()
    src, out = workdir / "in.txt", workdir / "out.txt"
    src.write_text("one\ntwo\n")
    assert s.post("/connectors", json=source_config("src", src, "alter-lines")).status_code == 201
    assert s.post("/connectors", json=sink_config("snk", out, "alter-lines")).status_code == 201
    wait_for(lambda: read_lines(out) == ["one", "two"], 60, "the first lines")
    assert s.put("/connectors/snk/stop").status_code == 204
    body = {"offsets": [{"partition": {"kafka_topic": "alter-lines", "kafka_partition": 0},
                         "offset": {"kafka_offset": 1}}]}
    r = requests.patch(s.url("/connectors/snk/offsets"), json=body, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["message"] == "The offsets for this connector have been altered successfully"
    assert s.get("/connectors/snk/offsets").json() == body
    # Resumed, the sink consumes again from offset 1.
    assert s.put("/connectors/snk/resume").status_code == 202
    wait_for(lambda: read_lines(out) == ["one", "two", "two"], 60, "the replay from offset 1")
