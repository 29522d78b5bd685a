"""/admin/loggers against a real sluiced: Kafka Connect's bodies and status codes, and the
worker's real spdlog levels changing."""

import time

from conftest import read_lines, wait_for

ROOT_INFO = {"root": {"level": "INFO", "last_modified": None}}


def now_ms():
    return int(time.time() * 1000)


def assert_error(r, status, message):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error_code": status, "message": message}


def put_level(s, name, body, **params):
    return s.put(f"/admin/loggers/{name}", json=body, params=params)


def test_root_exists_from_the_start(sluiced):
    r = sluiced.get("/admin/loggers")
    assert r.status_code == 200, r.text
    assert r.json() == ROOT_INFO
    for name in ("root", "ROOT"):
        r = sluiced.get(f"/admin/loggers/{name}")
        assert r.status_code == 200, r.text
        assert r.json() == {"level": "INFO", "last_modified": None}


def test_unknown_logger_is_not_found(sluiced):
    assert_error(sluiced.get("/admin/loggers/org.example"), 404, "Logger org.example not found.")


def test_put_sets_the_namespace_and_its_children(sluiced):
    before = now_ms()
    r = put_level(sluiced, "org.example.connect", {"level": "debug"})
    after = now_ms()
    assert r.status_code == 200, r.text
    assert r.json() == ["org.example.connect"]

    r = sluiced.get("/admin/loggers/org.example.connect")
    assert r.status_code == 200, r.text
    first = r.json()["last_modified"]
    assert r.json() == {"level": "DEBUG", "last_modified": first}
    assert before <= first <= after

    r = put_level(sluiced, "org.example", {"level": "WARN"})
    assert r.status_code == 200, r.text
    assert r.json() == ["org.example", "org.example.connect"]
    listed = sluiced.get("/admin/loggers").json()
    second = listed["org.example"]["last_modified"]
    assert first <= second <= now_ms()
    assert listed == {
        "org.example": {"level": "WARN", "last_modified": second},
        "org.example.connect": {"level": "WARN", "last_modified": second},
        "root": {"level": "INFO", "last_modified": None},
    }

    # The same level again: still reported, last_modified unchanged.
    r = put_level(sluiced, "org.example", {"level": "warn"})
    assert r.status_code == 200 and r.json() == ["org.example", "org.example.connect"], r.text
    assert sluiced.get("/admin/loggers/org.example").json() == {"level": "WARN", "last_modified": second}


def test_unknown_scope_is_worker_scope(sluiced):
    r = put_level(sluiced, "a.b", {"level": "ERROR"}, scope="galaxy")
    assert r.status_code == 200, r.text
    assert r.json() == ["a.b"]


def test_cluster_scope_applies_locally_and_answers_204(sluiced):
    r = put_level(sluiced, "a.b", {"level": "TRACE"}, scope="cluster")
    assert r.status_code == 204, r.text
    assert r.content == b""
    body = sluiced.get("/admin/loggers/a.b").json()
    assert body["level"] == "TRACE" and isinstance(body["last_modified"], int)
    assert sluiced.get("/admin/loggers").json() == {"a.b": body, **ROOT_INFO}


def test_bad_levels_are_rejected_and_change_nothing(sluiced):
    message = "Desired 'level' parameter was not specified in request."
    assert_error(put_level(sluiced, "a.b", {}), 400, message)
    assert_error(put_level(sluiced, "a.b", {"level": None}), 400, message)
    assert_error(put_level(sluiced, "a.b", {"level": "verbose"}), 404, "invalid log level 'verbose'.")
    assert_error(put_level(sluiced, "root", {"level": "LOUD"}, scope="cluster"), 404,
                 "invalid log level 'LOUD'.")
    assert sluiced.get("/admin/loggers").json() == ROOT_INFO
    assert_error(sluiced.get("/admin/loggers/a.b"), 404, "Logger a.b not found.")


def test_root_sets_every_logger_and_the_workers_real_level(sluiced):
    assert put_level(sluiced, "x.y", {"level": "ERROR"}).status_code == 200

    r = put_level(sluiced, "root", {"level": "DEBUG"})
    assert r.status_code == 200, r.text
    assert r.json() == ["root", "x.y"]
    listed = sluiced.get("/admin/loggers").json()
    stamp = listed["root"]["last_modified"]
    assert listed == {"root": {"level": "DEBUG", "last_modified": stamp},
                      "x.y": {"level": "DEBUG", "last_modified": stamp}}

    # sluiced now really logs at DEBUG: setting a level logs each changed logger at debug.
    assert put_level(sluiced, "x.y", {"level": "WARN"}).status_code == 200
    debug_line = "debug Setting level of logger x.y (excluding children) to WARN"
    wait_for(lambda: any(debug_line in line for line in read_lines(sluiced.log_path)), 10,
             "the debug line in sluiced's log")

    assert put_level(sluiced, "root", {"level": "INFO"}).status_code == 200
    assert sluiced.get("/admin/loggers/root").json()["level"] == "INFO"
    assert put_level(sluiced, "x.y", {"level": "ERROR"}).status_code == 200
    # The info line of the same request proves the log was written; its debug line must not be.
    info_line = "info Setting level of namespace x.y and children to ERROR"
    wait_for(lambda: any(info_line in line for line in read_lines(sluiced.log_path)), 10,
             "the info line in sluiced's log")
    assert not any("Setting level of logger x.y (excluding children) to ERROR" in line
                   for line in read_lines(sluiced.log_path))
