"""Black-box contract of GET, PATCH and DELETE /connectors/{c}/offsets (KIP-875), over REST and
over gRPC."""

from conftest import expect_error, expect_ok, rest_only, sink, source, wait_for, wait_states

ALTERED = "The offsets for this connector have been altered successfully"
RESET = "The offsets for this connector have been reset successfully"


def not_stopped(n):
    return ("Connectors must be in the STOPPED state before their offsets can be modified. This can "
            f"be done for the specified connector by issuing a 'PUT' request to the "
            f"'/connectors/{n}/stop' endpoint")


def stopped_source(api, uniq, tmp_path, lines="one\ntwo\n"):
    n = uniq("osrc")
    f = tmp_path / "in.txt"
    f.write_text(lines)
    assert api.create_connector(source(n, f, uniq("otopic"))).status == 201
    expected = {"offsets": [{"partition": {"filename": str(f)}, "offset": {"position": len(lines)}}]}
    wait_for(lambda: api.offsets(n).body == expected, 30, "the source's committed offsets")
    return n, f, expected


def test_source_offsets(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    expect_ok(shared_api.offsets(n), 200, expected)


def test_sink_offsets_without_commits_are_empty(shared_api, uniq, tmp_path):
    n = uniq("osnk")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt", uniq("t"))).status == 201
    expect_ok(shared_api.offsets(n), 200, {"offsets": []})


def test_offsets_of_unknown_connector(shared_api):
    expect_error(shared_api.offsets("nope"), 404, "Connector nope not found")
    expect_error(shared_api.alter_offsets("nope", {"offsets": [
        {"partition": {"filename": "f"}, "offset": {"position": 1}}]}), 404, "Connector nope not found")
    expect_error(shared_api.reset_offsets("nope"), 404, "Connector nope not found")


def test_modify_while_running_is_400(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    body = {"offsets": [{"partition": {"filename": str(f)}, "offset": {"position": 4}}]}
    expect_error(shared_api.alter_offsets(n, body), 400, not_stopped(n))
    expect_error(shared_api.reset_offsets(n), 400, not_stopped(n))
    assert shared_api.pause(n).status == 202
    expect_error(shared_api.alter_offsets(n, body), 400, not_stopped(n))


def test_alter_and_reset_source_offsets(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    assert shared_api.stop(n).status == 204
    wait_states(shared_api, n, "STOPPED", [])
    body = {"offsets": [{"partition": {"filename": str(f)}, "offset": {"position": 4}}]}
    expect_ok(shared_api.alter_offsets(n, body), 200, {"message": ALTERED})
    expect_ok(shared_api.offsets(n), 200, body)
    expect_ok(shared_api.reset_offsets(n), 200, {"message": RESET})
    expect_ok(shared_api.offsets(n), 200, {"offsets": []})


def test_alter_with_a_null_offset_resets_that_partition(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    assert shared_api.stop(n).status == 204
    expect_ok(shared_api.alter_offsets(n, {"offsets": [{"partition": {"filename": str(f)},
                                                        "offset": None}]}),
              200, {"message": ALTERED})
    expect_ok(shared_api.offsets(n), 200, {"offsets": []})


def test_alter_with_no_offsets_is_400(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    assert shared_api.stop(n).status == 204
    msg = "Partitions / offsets need to be provided for an alter offsets request"
    expect_error(shared_api.alter_offsets(n, {"offsets": []}), 400, msg)
    expect_error(shared_api.alter_offsets(n, {}), 400, msg)


def test_alter_source_with_a_bad_offset(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    assert shared_api.stop(n).status == 204
    # FileStreamSourceConnector.alterOffsets throws a ConnectException: 500 with its message.
    r = shared_api.alter_offsets(n, {"offsets": [{"partition": {"filename": str(f)},
                                                  "offset": {"pos": 1}}]})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert "Offset objects should either be null or contain the key 'position'" in r.message, r
    r = shared_api.alter_offsets(n, {"offsets": [{"partition": {"filename": str(f)},
                                                  "offset": {"position": "x"}}]})
    assert r.status == 500, r
    assert "The value for the 'position' key in the offset is expected to be a Long value" in r.message, r
    expect_ok(shared_api.offsets(n), 200, expected)


def test_alter_source_with_nested_values_is_400(shared_api, uniq, tmp_path):
    n, f, expected = stopped_source(shared_api, uniq, tmp_path)
    assert shared_api.stop(n).status == 204
    r = shared_api.alter_offsets(n, {"offsets": [{"partition": {"filename": {"a": 1}},
                                                  "offset": {"position": 1}}]})
    assert r.status == 400 and r.body["error_code"] == 400, r


def stopped_sink(api, uniq, tmp_path):
    """A sink created STOPPED (no consumer ever joined its group) on a topic that exists: a file
    source has produced one record to it."""
    n = uniq("osk")
    topic = uniq("t")
    src = uniq("feed")
    (tmp_path / "feed.txt").write_text("x\n")
    assert api.create_connector(source(src, tmp_path / "feed.txt", topic)).status == 201
    wait_for(lambda: api.offsets(src).body.get("offsets"), 30, "the feeding source to produce")
    body = sink(n, tmp_path / "o.txt", topic)
    body["initial_state"] = "STOPPED"
    assert api.create_connector(body).status == 201
    return n, topic


def test_alter_and_reset_sink_offsets(shared_api, uniq, tmp_path):
    n, topic = stopped_sink(shared_api, uniq, tmp_path)
    def at(offset):
        return {"offsets": [{"partition": {"kafka_topic": topic, "kafka_partition": 0},
                             "offset": {"kafka_offset": offset}}]}
    expect_ok(shared_api.alter_offsets(n, at(1)), 200, {"message": ALTERED})
    expect_ok(shared_api.offsets(n), 200, at(1))
    expect_ok(shared_api.reset_offsets(n), 200, {"message": RESET})
    # Kafka Connect deletes the group, and GET shows no offsets (test_offsets_plugin.py checks
    # that on a real broker). The embedded broker cannot delete groups: there the reset commits
    # the offset the next run would start from without one (earliest: 0).
    expect_ok(shared_api.offsets(n), 200, at(0))


def test_alter_sink_offsets_with_bad_bodies(shared_api, uniq, tmp_path):
    n, topic = stopped_sink(shared_api, uniq, tmp_path)

    def alter(partition, offset):
        return shared_api.alter_offsets(n, {"offsets": [{"partition": partition, "offset": offset}]})
    expect_error(alter({"kafka_topic": topic}, {"kafka_offset": 1}), 400,
                 "The partition for a sink connector offset must contain the keys 'kafka_topic' and "
                 "'kafka_partition'")
    expect_error(alter({"kafka_topic": topic, "kafka_partition": 0}, {}), 400,
                 "The offset for a sink connector should either be null or contain the key 'kafka_offset'")
    r = alter({"kafka_topic": topic, "kafka_partition": 0}, {"kafka_offset": "not a number"})
    assert r.status == 400, r
    assert "Failed to parse the following Kafka offset value in the provided offsets: 'not a number'" in r.message, r
    expect_ok(shared_api.offsets(n), 200, {"offsets": []})


def test_alter_offsets_body_of_wrong_types(shared_api, uniq, tmp_path):
    rest_only(shared_api, "JSON types")
    n, topic = stopped_sink(shared_api, uniq, tmp_path)
    r = shared_api.alter_offsets(n, {"offsets": {"partition": {}}})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Cannot deserialize value of type"), r
