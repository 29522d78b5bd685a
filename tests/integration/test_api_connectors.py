"""Black-box contract of GET/POST /connectors, GET and DELETE /connectors/{c}, over REST and over
gRPC: full bodies, Location, and the error answers of Kafka Connect (reference §1.2, §1.5)."""

import pytest

from conftest import INVALID_TAIL, expect_error, expect_ok, info, rest_only, sink, source, wait_states

def test_list_is_empty_then_names(api, tmp_path):
    expect_ok(api.list_connectors(), 200, [])
    assert api.create_connector(sink("a", tmp_path / "a.txt")).status == 201
    assert api.create_connector(sink("b", tmp_path / "b.txt")).status == 201
    r = api.list_connectors()
    assert r.status == 200 and sorted(r.body) == ["a", "b"], r


def test_list_expanded(api, tmp_path):
    expect_ok(api.list_connectors(expand=["status"]), 200, {})
    body = sink("a", tmp_path / "a.txt")
    assert api.create_connector(body).status == 201
    st = wait_states(api, "a", "RUNNING", ["RUNNING"])
    worker = st["connector"]["worker_id"]
    status = {"name": "a", "connector": {"state": "RUNNING", "worker_id": worker},
              "tasks": [{"id": 0, "state": "RUNNING", "worker_id": worker}], "type": "sink"}
    a_info = info("a", {**body["config"], "name": "a"}, [0], "sink")
    expect_ok(api.list_connectors(expand=["status"]), 200, {"a": {"status": status}})
    expect_ok(api.list_connectors(expand=["info"]), 200, {"a": {"info": a_info}})
    expect_ok(api.list_connectors(expand=["status", "info"]), 200,
              {"a": {"status": status, "info": a_info}})
    # Unknown expansions are ignored; a comma-joined value is one unknown value.
    expect_ok(api.list_connectors(expand=["nope"]), 200, {"a": {}})
    expect_ok(api.list_connectors(expand=["status,info"]), 200, {"a": {}})


def test_create_sink(shared_api, uniq, tmp_path):
    n = uniq("snk")
    body = sink(n, tmp_path / "o.txt")
    r = shared_api.create_connector(body)
    expect_ok(r, 201, info(n, {**body["config"], "name": n}, [0], "sink"))
    if r.headers is not None:
        assert r.headers["Location"] == f"{shared_api.base_url}/connectors/{n}"
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])


def test_create_source_with_name_in_config_and_two_tasks_max(shared_api, uniq, tmp_path):
    n = uniq("src")
    (tmp_path / "in.txt").write_text("")
    body = source(n, tmp_path / "in.txt", **{"tasks.max": "2"})
    body["config"]["name"] = n
    # FileStreamSource always makes one task, whatever tasks.max says.
    expect_ok(shared_api.create_connector(body), 201, info(n, body["config"], [0], "source"))


def test_create_sink_with_two_tasks(shared_api, uniq, tmp_path):
    n = uniq("snk")
    body = sink(n, tmp_path / "o.txt", **{"tasks.max": "2"})
    expect_ok(shared_api.create_connector(body), 201,
              info(n, {**body["config"], "name": n}, [0, 1], "sink"))


@pytest.mark.parametrize("initial,state", [("PAUSED", "PAUSED"), ("stopped", "STOPPED"),
                                           ("Running", "RUNNING")])
def test_create_with_initial_state(shared_api, uniq, tmp_path, initial, state):
    n = uniq("init")
    body = sink(n, tmp_path / "o.txt")
    body["initial_state"] = initial
    r = shared_api.create_connector(body)
    assert r.status == 201, r
    config = {**body["config"], "name": n}
    if state == "RUNNING":
        assert r.body == info(n, config, [0], "sink"), r
        wait_states(shared_api, n, "RUNNING", ["RUNNING"])
    elif state == "STOPPED":
        assert r.body == info(n, config, [], "sink"), r
        wait_states(shared_api, n, "STOPPED", [])
    else:
        # Kafka Connect may or may not have generated the task config of a connector created
        # paused; either way nothing runs.
        assert r.body in (info(n, config, [], "sink"), info(n, config, [0], "sink")), r
        st = shared_api.status(n).body
        assert st["connector"]["state"] == "PAUSED", st
        assert all(t["state"] == "PAUSED" for t in st["tasks"]), st


def test_create_existing_is_409(shared_api, uniq, tmp_path):
    n = uniq("dup")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    expect_error(shared_api.create_connector(sink(n, tmp_path / "other.txt", "t-other")), 409,
                 f"Connector {n} already exists")
    assert shared_api.get_config(n).body["topics"] == "t-empty"


def test_create_name_mismatch(shared_api, uniq, tmp_path):
    n = uniq("a")
    body = sink(n, tmp_path / "o.txt")
    body["config"]["name"] = "b"
    expect_error(shared_api.create_connector(body), 400,
                 f"Connector name configuration (b) doesn't match connector name in the URL ({n})")
    expect_error(shared_api.get_connector(n), 404, f"Connector {n} not found")


def test_create_without_connector_class(shared_api, uniq):
    n = uniq("x")
    expect_error(shared_api.create_connector({"name": n, "config": {"topic": "t"}}), 400,
                 f"Connector config {{name={n}, topic=t}} contains no connector type")


def test_create_without_config(shared_api, uniq):
    n = uniq("x")
    expect_error(shared_api.create_connector({"name": n}), 400,
                 f"Connector config {{name={n}}} contains no connector type")


def test_create_with_empty_name(shared_api, tmp_path):
    # The name validator rejects "" (a missing name becomes "").
    r = shared_api.create_connector({"config": {"connector.class": "FileStreamSink",
                                                "topics": "t", "file": str(tmp_path / "o")}})
    assert r.status == 400, r
    assert r.body["error_code"] == 400
    assert r.message.startswith("Connector configuration is invalid and contains the following 1 error(s):\n"), r
    assert r.message.endswith("\n" + INVALID_TAIL), r


def test_create_invalid_config_lists_every_error(shared_api, uniq, tmp_path):
    n = uniq("bad")
    r = shared_api.create_connector({"name": n, "config": {"connector.class": "FileStreamSink",
                                                          "file": str(tmp_path / "o.txt")}})
    expect_error(r, 400,
                 "Connector configuration is invalid and contains the following 2 error(s):\n"
                 "Must configure one of topics or topics.regex\n"
                 "Must configure one of topics or topics.regex\n" + INVALID_TAIL)
    r = shared_api.create_connector({"name": n, "config": {"connector.class": "FileStreamSource",
                                                          "tasks.max": "0"}})
    assert r.status == 400, r
    lines = r.message.split("\n")
    assert lines[0] == "Connector configuration is invalid and contains the following 2 error(s):"
    assert sorted(lines[1:3]) == ['Invalid value 0 for configuration tasks.max: Value must be at least 1',
                                  'Missing required configuration "topic" which has no default value.']
    assert lines[3:] == [INVALID_TAIL]
    expect_error(shared_api.get_connector(n), 404, f"Connector {n} not found")


def test_create_unknown_connector_class_is_500(shared_api, uniq):
    n = uniq("x")
    r = shared_api.create_connector({"name": n, "config": {"connector.class": "com.example.Nope"}})
    assert r.status == 500, r
    assert r.body["error_code"] == 500
    assert r.message.startswith("Failed to find any class that implements Connector and which name "
                                "matches com.example.Nope, available connectors are: "), r
    expect_error(shared_api.get_connector(n), 404, f"Connector {n} not found")


def test_create_null_config_value(shared_api, uniq, tmp_path):
    n = uniq("nul")
    body = {"name": n, "config": {"connector.class": "FileStreamSink", "topics": "t", "file": None}}
    expect_error(shared_api.create_connector(body), 400,
                 "Connector configuration is invalid and contains the following 1 error(s):\n"
                 "Null value can not be supplied as the configuration value.\n" + INVALID_TAIL)


def test_create_config_values_as_numbers_and_booleans(shared_api, uniq, tmp_path):
    rest_only(shared_api, "gRPC config maps hold strings")
    n = uniq("num")
    body = sink(n, tmp_path / "o.txt")
    body["config"]["tasks.max"] = 2
    body["config"]["errors.log.enable"] = True
    r = shared_api.create_connector(body)
    expected = {**body["config"], "tasks.max": "2", "errors.log.enable": "true", "name": n}
    expect_ok(r, 201, info(n, expected, [0, 1], "sink"))
    expect_ok(shared_api.get_config(n), 200, expected)


def test_create_name_as_a_number_is_coerced(shared_api, tmp_path):
    rest_only(shared_api, "a JSON number name cannot be sent over gRPC")
    body = sink(424242, tmp_path / "o.txt")
    r = shared_api.create_connector(body)
    expect_ok(r, 201, info("424242", {**body["config"], "name": "424242"}, [0], "sink"))


def test_create_config_not_an_object_is_500(shared_api, uniq):
    rest_only(shared_api, "JSON types")
    r = shared_api.create_connector({"name": uniq("x"), "config": "connector.class=FileStreamSink"})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Cannot deserialize value of type"), r


def test_create_config_value_an_object_is_500(shared_api, uniq):
    rest_only(shared_api, "JSON types")
    r = shared_api.create_connector({"name": uniq("x"), "config": {"connector.class": {"a": 1}}})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Cannot deserialize value of type"), r


def test_create_malformed_json_is_500(shared_api):
    rest_only(shared_api, "JSON syntax")
    r = shared_api.raw("POST", "/connectors", data='{"name": "x", "config": {',
                       headers={"Content-Type": "application/json"})
    assert r.status == 500 and r.body["error_code"] == 500 and r.message, r


def test_get_connector(shared_api, uniq, tmp_path):
    n = uniq("get")
    body = sink(n, tmp_path / "o.txt")
    assert shared_api.create_connector(body).status == 201
    expect_ok(shared_api.get_connector(n), 200, info(n, {**body["config"], "name": n}, [0], "sink"))


def test_get_unknown_connector(shared_api):
    expect_error(shared_api.get_connector("nope"), 404, "Connector nope not found")


def test_delete_connector(shared_api, uniq, tmp_path):
    n = uniq("del")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    expect_ok(shared_api.delete_connector(n), 204, None)
    expect_error(shared_api.get_connector(n), 404, f"Connector {n} not found")
    expect_error(shared_api.status(n), 404, f"No status found for connector {n}")
    assert n not in shared_api.list_connectors().body
    expect_error(shared_api.delete_connector(n), 404, f"Connector {n} not found")


def test_name_with_dashes_and_dots_round_trips(shared_api, uniq, tmp_path):
    n = uniq("my.conn-with-dashes")
    body = sink(n, tmp_path / "o.txt")
    assert shared_api.create_connector(body).status == 201
    expect_ok(shared_api.get_connector(n), 200, info(n, {**body["config"], "name": n}, [0], "sink"))
