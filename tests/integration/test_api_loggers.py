"""Black-box contract of /admin/loggers, over REST and over gRPC. Each test has its own sluiced:
logger levels are worker-wide."""

import time

from conftest import expect_error, expect_ok, rest_only


def now_ms():
    return int(time.time() * 1000)


def test_list_and_get_root(api):
    expect_ok(api.loggers(), 200, {"root": {"level": "INFO", "last_modified": None}})
    expect_ok(api.logger("root"), 200, {"level": "INFO", "last_modified": None})


def test_unknown_logger(api):
    expect_error(api.logger("org.example"), 404, "Logger org.example not found.")


def test_set_worker_scope(api):
    before = now_ms()
    expect_ok(api.set_logger("org.example.a", "debug"), 200, ["org.example.a"])
    r = api.logger("org.example.a")
    assert r.status == 200, r
    stamp = r.body["last_modified"]
    assert isinstance(stamp, int) and before <= stamp <= now_ms(), r
    assert r.body == {"level": "DEBUG", "last_modified": stamp}
    expect_ok(api.set_logger("org.example", "WARN", scope="worker"), 200,
              ["org.example", "org.example.a"])
    listed = api.loggers()
    assert listed.status == 200, listed
    second = listed.body["org.example"]["last_modified"]
    assert listed.body == {"org.example": {"level": "WARN", "last_modified": second},
                           "org.example.a": {"level": "WARN", "last_modified": second},
                           "root": {"level": "INFO", "last_modified": None}}


def test_unknown_scope_is_worker(api):
    expect_ok(api.set_logger("org.example", "ERROR", scope="galaxy"), 200, ["org.example"])


def test_set_cluster_scope_in_standalone_is_204(api):
    expect_ok(api.set_logger("org.example", "TRACE", scope="cluster"), 204, None)
    r = api.logger("org.example")
    assert r.status == 200 and r.body["level"] == "TRACE", r


def test_invalid_level_is_404(api):
    expect_error(api.set_logger("org.example", "loud"), 404, "invalid log level 'loud'.")


def test_missing_level_is_400(api):
    expect_error(api.set_logger("org.example", None), 400,
                 "Desired 'level' parameter was not specified in request.")


def test_level_of_wrong_type(api):
    rest_only(api, "JSON types")
    r = api.raw("PUT", "/admin/loggers/org.example", json_body={"level": ["DEBUG"]})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Cannot deserialize value of type"), r
