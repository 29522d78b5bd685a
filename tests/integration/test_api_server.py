"""Black-box contract of GET / and GET /health, and of the transport conventions (unknown routes,
methods, media types), over REST and over gRPC."""

import re

from conftest import expect_error, expect_ok, rest_only


def test_server_info(shared_api):
    r = shared_api.server_info()
    assert r.status == 200, r
    assert set(r.body) == {"version", "commit", "kafka_cluster_id"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", r.body["version"]), r.body
    assert re.fullmatch(r"[0-9a-f]{7,40}", r.body["commit"]), r.body
    assert isinstance(r.body["kafka_cluster_id"], str) and r.body["kafka_cluster_id"], r.body
    if r.headers is not None:
        assert r.headers["Content-Type"].startswith("application/json")


def test_health_once_started(shared_api):
    expect_ok(shared_api.health(), 200, {
        "status": "healthy",
        "message": "Worker has completed startup and is ready to handle requests."})


def test_unknown_route_is_jersey_404(shared_api):
    rest_only(shared_api, "routing is HTTP's")
    expect_error(shared_api.raw("GET", "/no/such/route"), 404, "HTTP 404 Not Found")
    expect_error(shared_api.raw("GET", "/connectors/a/b/c/d"), 404, "HTTP 404 Not Found")


def test_wrong_method_is_jersey_405(shared_api):
    rest_only(shared_api, "methods are HTTP's")
    expect_error(shared_api.raw("DELETE", "/connector-plugins"), 405, "HTTP 405 Method Not Allowed")
    expect_error(shared_api.raw("POST", "/connectors/x/config", json_body={}), 405,
                 "HTTP 405 Method Not Allowed")


def test_body_of_another_media_type_is_415(shared_api):
    rest_only(shared_api, "media types are HTTP's")
    r = shared_api.raw("POST", "/connectors", data="name=x",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    expect_error(r, 415, "HTTP 415 Unsupported Media Type")
    r = shared_api.raw("PUT", "/admin/loggers/root", data="DEBUG", headers={"Content-Type": "text/plain"})
    expect_error(r, 415, "HTTP 415 Unsupported Media Type")
