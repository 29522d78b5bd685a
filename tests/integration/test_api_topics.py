"""Black-box contract of GET /connectors/{c}/topics and PUT .../topics/reset, over REST and gRPC."""

from conftest import (Sluiced, expect_error, expect_ok, make_api, source, wait_for, wait_states,
                      worker_props)


def test_active_topics_and_reset(shared_api, uniq, tmp_path):
    n = uniq("tp")
    topic = uniq("topic")
    (tmp_path / "in.txt").write_text("one\n")
    assert shared_api.create_connector(source(n, tmp_path / "in.txt", topic)).status == 201
    wait_for(lambda: shared_api.topics(n).body == {n: {"topics": [topic]}}, 30,
             "the source's topic to become active")
    expect_ok(shared_api.topics(n), 200, {n: {"topics": [topic]}})
    expect_ok(shared_api.reset_topics(n), 202, None)
    expect_ok(shared_api.topics(n), 200, {n: {"topics": []}})


def test_topics_of_unknown_connector_are_empty(shared_api):
    # Kafka Connect does not check that the connector exists.
    expect_ok(shared_api.topics("nope"), 200, {"nope": {"topics": []}})
    expect_ok(shared_api.reset_topics("nope"), 202, None)


def start_api(transport, tmp_path, **props):
    s = Sluiced(tmp_path, worker_props(tmp_path, **props)).start()
    return s, make_api(transport, s)


def test_tracking_disabled_is_403(transport, grpc_stubs, tmp_path):
    s, api = start_api(transport, tmp_path, **{"topic.tracking.enable": "false"})
    try:
        expect_error(api.topics("x"), 403, "Topic tracking is disabled.")
        expect_error(api.reset_topics("x"), 403, "Topic tracking is disabled.")
    finally:
        s.kill()


def test_reset_disabled_is_403(transport, grpc_stubs, tmp_path):
    s, api = start_api(transport, tmp_path, **{"topic.tracking.allow.reset": "false"})
    try:
        expect_ok(api.topics("x"), 200, {"x": {"topics": []}})
        expect_error(api.reset_topics("x"), 403, "Topic tracking reset is disabled.")
    finally:
        s.kill()
