"""Black-box contract of GET, PUT and PATCH /connectors/{c}/config, over REST and over gRPC."""

from conftest import INVALID_TAIL, expect_error, expect_ok, info, rest_only, sink, wait_states


def test_get_config(shared_api, uniq, tmp_path):
    n = uniq("cfg")
    body = sink(n, tmp_path / "o.txt")
    assert shared_api.create_connector(body).status == 201
    expect_ok(shared_api.get_config(n), 200, {**body["config"], "name": n})


def test_get_config_of_unknown_connector(shared_api):
    expect_error(shared_api.get_config("nope"), 404, "Connector nope not found")


def test_put_creates_then_replaces(shared_api, uniq, tmp_path):
    n = uniq("put")
    config = sink(n, tmp_path / "o.txt")["config"]
    r = shared_api.put_config(n, config)
    expect_ok(r, 201, info(n, {**config, "name": n}, [0], "sink"))
    if r.headers is not None:
        assert r.headers["Location"] == f"{shared_api.base_url}/connectors/{n}"
    wait_states(shared_api, n, "RUNNING", ["RUNNING"])
    replaced = {**config, "name": n, "tasks.max": "2", "topics": "t-other"}
    r = shared_api.put_config(n, replaced)
    expect_ok(r, 200, info(n, replaced, [0, 1], "sink"))
    if r.headers is not None:
        assert "Location" not in r.headers
    expect_ok(shared_api.get_config(n), 200, replaced)
    wait_states(shared_api, n, "RUNNING", ["RUNNING", "RUNNING"])


def test_put_keeps_the_target_state(shared_api, uniq, tmp_path):
    n = uniq("putp")
    config = sink(n, tmp_path / "o.txt")["config"]
    assert shared_api.put_config(n, config).status == 201
    assert shared_api.pause(n).status == 202
    wait_states(shared_api, n, "PAUSED", ["PAUSED"])
    assert shared_api.put_config(n, {**config, "topics": "t-other"}).status == 200
    # A replace keeps the target state. (Standalone Kafka Connect regenerates no task configs for
    # a connector that is not running, so the tasks may be gone; none of them runs.)
    st = shared_api.status(n).body
    assert st["connector"]["state"] == "PAUSED", st
    assert all(t["state"] == "PAUSED" for t in st["tasks"]), st


def test_put_name_mismatch(shared_api, uniq, tmp_path):
    n = uniq("a")
    config = {**sink(n, tmp_path / "o.txt")["config"], "name": "b"}
    expect_error(shared_api.put_config(n, config), 400,
                 f"Connector name configuration (b) doesn't match connector name in the URL ({n})")
    expect_error(shared_api.get_config(n), 404, f"Connector {n} not found")


def test_put_without_connector_class(shared_api, uniq):
    n = uniq("x")
    expect_error(shared_api.put_config(n, {"topic": "t"}), 400,
                 f"Connector config {{name={n}, topic=t}} contains no connector type")


def test_put_invalid_config(shared_api, uniq, tmp_path):
    n = uniq("bad")
    expect_error(shared_api.put_config(n, {"connector.class": "FileStreamSink",
                                           "file": str(tmp_path / "o.txt")}), 400,
                 "Connector configuration is invalid and contains the following 2 error(s):\n"
                 "Must configure one of topics or topics.regex\n"
                 "Must configure one of topics or topics.regex\n" + INVALID_TAIL)


def test_put_invalid_config_leaves_the_old_one(shared_api, uniq, tmp_path):
    n = uniq("keep")
    config = sink(n, tmp_path / "o.txt")["config"]
    assert shared_api.put_config(n, config).status == 201
    r = shared_api.put_config(n, {**config, "tasks.max": "0"})
    expect_error(r, 400, "Connector configuration is invalid and contains the following 1 error(s):\n"
                 "Invalid value 0 for configuration tasks.max: Value must be at least 1\n" + INVALID_TAIL)
    expect_ok(shared_api.get_config(n), 200, {**config, "name": n})


def test_put_unknown_connector_class_is_500(shared_api, uniq):
    r = shared_api.put_config(uniq("x"), {"connector.class": "com.example.Nope"})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Failed to find any class that implements Connector and which name "
                                "matches com.example.Nope, available connectors are: "), r


def test_put_null_value(shared_api, uniq, tmp_path):
    n = uniq("nul")
    expect_error(shared_api.put_config(n, {"connector.class": "FileStreamSink", "topics": "t",
                                           "file": None}), 400,
                 "Connector configuration is invalid and contains the following 1 error(s):\n"
                 "Null value can not be supplied as the configuration value.\n" + INVALID_TAIL)


def test_put_numbers_are_stored_as_strings(shared_api, uniq, tmp_path):
    rest_only(shared_api, "gRPC config maps hold strings")
    n = uniq("num")
    config = {**sink(n, tmp_path / "o.txt")["config"], "tasks.max": 1, "errors.log.enable": False}
    expected = {**config, "tasks.max": "1", "errors.log.enable": "false", "name": n}
    expect_ok(shared_api.put_config(n, config), 201, info(n, expected, [0], "sink"))


def test_put_body_not_an_object_is_500(shared_api, uniq):
    rest_only(shared_api, "JSON types")
    r = shared_api.put_config(uniq("x"), ["connector.class", "FileStreamSink"])
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Cannot deserialize value of type"), r


def test_patch(shared_api, uniq, tmp_path):
    n = uniq("pat")
    config = sink(n, tmp_path / "o.txt", **{"errors.log.enable": "true"})["config"]
    assert shared_api.create_connector({"name": n, "config": config}).status == 201
    r = shared_api.patch_config(n, {"tasks.max": "2", "errors.log.enable": None})
    expected = {**config, "name": n, "tasks.max": "2"}
    del expected["errors.log.enable"]
    expect_ok(r, 200, info(n, expected, [0, 1], "sink"))
    expect_ok(shared_api.get_config(n), 200, expected)


def test_patch_unknown_connector(shared_api):
    expect_error(shared_api.patch_config("nope", {"tasks.max": "2"}), 404, "Connector nope not found")


def test_patch_to_an_invalid_config(shared_api, uniq, tmp_path):
    n = uniq("patbad")
    config = sink(n, tmp_path / "o.txt")["config"]
    assert shared_api.create_connector({"name": n, "config": config}).status == 201
    expect_error(shared_api.patch_config(n, {"topics": None}), 400,
                 "Connector configuration is invalid and contains the following 2 error(s):\n"
                 "Must configure one of topics or topics.regex\n"
                 "Must configure one of topics or topics.regex\n" + INVALID_TAIL)
    expect_ok(shared_api.get_config(n), 200, {**config, "name": n})


def test_patch_name_mismatch(shared_api, uniq, tmp_path):
    n = uniq("patname")
    assert shared_api.create_connector(sink(n, tmp_path / "o.txt")).status == 201
    expect_error(shared_api.patch_config(n, {"name": "other"}), 400,
                 f"Connector name configuration (other) doesn't match connector name in the URL ({n})")


def test_patch_numbers_are_stored_as_strings(shared_api, uniq, tmp_path):
    rest_only(shared_api, "gRPC config maps hold strings")
    n = uniq("patnum")
    config = sink(n, tmp_path / "o.txt")["config"]
    assert shared_api.create_connector({"name": n, "config": config}).status == 201
    expect_ok(shared_api.patch_config(n, {"tasks.max": 2}), 200,
              info(n, {**config, "name": n, "tasks.max": "2"}, [0, 1], "sink"))
