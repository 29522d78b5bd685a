"""The REST wire against a real sluiced and its gateway: status codes, headers and the full error
bodies of Kafka Connect 3.9 (reference/kafka-connect.md §1) for requests that are wrong in every
way a client can get them wrong, plus the shapes of the answers that are right. The gateway's Go
tests (gateway/internal/kcrest) pin the same rules against a fake sluiced; these run the real
processes, so sluiced's own messages and the gRPC hop between them are covered too."""

import json
import re

import pytest
import requests

from conftest import sink_config, source_config, wait_for

JSON = {"Content-Type": "application/json"}
NOT_FOUND = {"error_code": 404, "message": "HTTP 404 Not Found"}
NOT_ALLOWED = {"error_code": 405, "message": "HTTP 405 Method Not Allowed"}
UNSUPPORTED = {"error_code": 415, "message": "HTTP 415 Unsupported Media Type"}
BODY_LIMIT = 4 * 1024 * 1024  # the gateway's limit: sluiced's gRPC receive limit
TOO_LARGE = {"error_code": 413, "message": f"Request body is larger than the limit of {BODY_LIMIT} bytes"}


def call(s, method, path, **kw):
    return requests.request(method, s.url(path), timeout=60, **kw)


def assert_error(r, status, body):
    """The answer is Kafka Connect's error: status, JSON Content-Type and exactly body."""
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    assert r.headers.get("Content-Type") == "application/json", r.headers
    assert r.json() == body
    assert r.headers.get("Content-Length") == str(len(r.content))
    assert "Location" not in r.headers


def assert_json(r, status=200):
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    assert r.headers.get("Content-Type") == "application/json", r.headers
    return r.json()


def assert_no_body(r, status):
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    assert r.content == b""
    assert "Content-Type" not in r.headers, r.headers


def names(s):
    return assert_json(s.get("/connectors"))


@pytest.fixture
def with_source(sluiced, workdir):
    (workdir / "in.txt").write_text("")
    r = sluiced.post("/connectors", json=source_config("src", workdir / "in.txt", "t"))
    assert r.status_code == 201, r.text
    sluiced.wait_running("src")
    return sluiced


def test_unknown_routes_are_404(sluiced):
    for method, path in [("GET", "/nope"), ("GET", "/connectors/a/b"), ("GET", "/connectors/a/tasks/0"),
                         ("GET", "/connectors/a/tasks/0/status/x"), ("POST", "/connector-plugins/p/x"),
                         ("GET", "/admin"), ("GET", "/admin/loggers/a/b"), ("DELETE", "/health/x"),
                         ("GET", "/openapi.json/x"), ("PUT", "/v1/connectors")]:
        assert_error(call(sluiced, method, path), 404, NOT_FOUND)
    # Jersey cannot convert the task number to an int: 404 as well.
    for task in ["zero", "1.5", "99999999999"]:
        assert_error(sluiced.get(f"/connectors/a/tasks/{task}/status"), 404, NOT_FOUND)
        assert_error(sluiced.post(f"/connectors/a/tasks/{task}/restart"), 404, NOT_FOUND)


def test_wrong_method_on_a_known_route_is_405(sluiced):
    for method, path in [("POST", "/"), ("DELETE", "/health"), ("DELETE", "/connectors"), ("PUT", "/connectors"),
                         ("POST", "/connectors/a"), ("PATCH", "/connectors/a"), ("POST", "/connectors/a/config"),
                         ("DELETE", "/connectors/a/config"), ("GET", "/connectors/a/restart"),
                         ("POST", "/connectors/a/pause"), ("GET", "/connectors/a/resume"),
                         ("DELETE", "/connectors/a/stop"), ("PUT", "/connectors/a/tasks"),
                         ("PUT", "/connectors/a/tasks/0/status"), ("GET", "/connectors/a/tasks/0/restart"),
                         ("POST", "/connectors/a/topics"), ("GET", "/connectors/a/topics/reset"),
                         ("POST", "/connectors/a/offsets"), ("POST", "/connector-plugins"),
                         ("GET", "/connector-plugins/p/config/validate"), ("POST", "/admin/loggers"),
                         ("DELETE", "/admin/loggers/root"), ("POST", "/openapi.json"),
                         ("DELETE", "/openapi.json")]:
        assert_error(call(sluiced, method, path, headers=JSON), 405, NOT_ALLOWED)
    assert names(sluiced) == []


def test_head_is_get_without_a_body_and_options_is_not_served(with_source):
    s = with_source
    get = s.get("/connectors/src")
    head = call(s, "HEAD", "/connectors/src")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == "application/json"
    assert head.headers["Content-Length"] == str(len(get.content))
    head = call(s, "HEAD", "/connectors/nope")
    assert head.status_code == 404 and head.content == b"" and head.headers["Content-Type"] == "application/json"
    assert call(s, "HEAD", "/connectors/src/pause").status_code == 405
    # Jersey answers OPTIONS with an Allow header; the gateway does not serve OPTIONS (see
    # gateway/README.md, "Known differences").
    assert_error(call(s, "OPTIONS", "/connectors"), 405, NOT_ALLOWED)


@pytest.mark.parametrize("method,path", [
    ("POST", "/connectors"), ("PUT", "/connectors/n/config"), ("PATCH", "/connectors/n/config"),
    ("PATCH", "/connectors/n/offsets"), ("PUT", "/connector-plugins/FileStreamSink/config/validate"),
    ("PUT", "/admin/loggers/root")])
def test_a_body_that_is_not_json_is_415(sluiced, workdir, method, path):
    body = json.dumps(source_config("n", workdir / "in.txt", "t"))
    for content_type in ["text/plain", "application/xml", "application/x-www-form-urlencoded",
                         "application/jsonx", "text/json"]:
        assert_error(call(sluiced, method, path, data=body, headers={"Content-Type": content_type}),
                     415, UNSUPPORTED)
    assert names(sluiced) == []


def test_json_content_type_with_parameters_or_none_is_read_as_json(sluiced, workdir):
    body = json.dumps(source_config("a", workdir / "in.txt", "t"))
    assert_json(sluiced.post("/connectors", data=body, headers={"Content-Type": "application/json; charset=UTF-8"}), 201)
    body = json.dumps(source_config("b", workdir / "in.txt", "t"))
    assert_json(sluiced.post("/connectors", data=body), 201)  # no Content-Type at all
    assert sorted(names(sluiced)) == ["a", "b"]


MALFORMED = [
    ('{"name": "x", "config": {', "Unexpected end-of-input: the JSON value is incomplete at line 1, column 26"),
    ("hello", "Unexpected character ('h' (code 104)): expected a valid value (JSON String, Number, Array, "
              "Object or token 'null', 'true' or 'false') at line 1, column 2"),
    ('{"name":"n"} x', "Unexpected character ('x' (code 120)): expected end of input after the JSON value "
                       "at line 1, column 15"),
    ('{"name":"n",}', "Unexpected character ('}' (code 125)): was expecting double-quote to start field name "
                      "at line 1, column 14"),
    ('{"name":"n" "config":{}}', "Unexpected character ('\"' (code 34)): was expecting comma to separate "
                                 "Object entries at line 1, column 14"),
    ("", "Request body is missing: expected a JSON object"),
    ("null", "Request body is null: expected a JSON object"),
    ("[]", "Cannot deserialize value of type Map from Array value at line 1, column 2 "
           "(request body: expected a JSON object)"),
]


@pytest.mark.parametrize("body,message", MALFORMED)
def test_malformed_json_is_500_with_jacksons_message_and_changes_nothing(with_source, body, message):
    s = with_source
    assert_error(s.post("/connectors", data=body, headers=JSON), 500, {"error_code": 500, "message": message})
    assert_error(s.put("/connectors/src/config", data=body, headers=JSON), 500,
                 {"error_code": 500, "message": message})
    assert names(s) == ["src"]
    assert assert_json(s.get("/connectors/src/config"))["topic"] == "t"


def test_other_body_routes_refuse_malformed_json(with_source):
    s = with_source
    incomplete = {"error_code": 500, "message": "Unexpected end-of-input: the JSON value is incomplete at line 1, column 2"}
    missing = {"error_code": 500, "message": "Request body is missing: expected a JSON object"}
    for method, path in [("PATCH", "/connectors/src/config"), ("PATCH", "/connectors/src/offsets"),
                         ("PUT", "/connector-plugins/FileStreamSource/config/validate"),
                         ("PUT", "/admin/loggers/root")]:
        assert_error(call(s, method, path, data="{", headers=JSON), 500, incomplete)
        assert_error(call(s, method, path, data="", headers=JSON), 500, missing)
    assert assert_json(s.get("/admin/loggers/root"))["level"] == "INFO"


def test_wrong_json_types(sluiced, workdir):
    s = sluiced
    base = source_config("n", workdir / "in.txt", "t")
    for config, found in [([], "Array"), ("s", "String"), (7, "Number"), (True, "Boolean")]:
        body = json.dumps({"name": "n", "config": config}, separators=(",", ":"))
        assert_error(s.post("/connectors", data=body, headers=JSON), 500, {
            "error_code": 500,
            "message": f"Cannot deserialize value of type Map from {found} value at line 1, column 23 "
                       f"(field \"config\": expected a JSON object)"})
    for value, found in [({"b": 1}, "Object"), ([1], "Array")]:
        body = json.dumps({"name": "n", "config": {"a": value}}, separators=(",", ":"))
        assert_error(s.post("/connectors", data=body, headers=JSON), 500, {
            "error_code": 500,
            "message": f"Cannot deserialize value of type String from {found} value at line 1, column 28 "
                       f"(config key \"a\": expected a string, number or boolean)"})
        assert_error(s.put("/connectors/n/config", data=json.dumps({"a": value}, separators=(",", ":")), headers=JSON),
                     500, {"error_code": 500,
                           "message": f"Cannot deserialize value of type String from {found} value at line 1, "
                                      f"column 7 (config key \"a\": expected a string, number or boolean)"})
    assert names(s) == []

    # A number as the name, numbers and booleans as config values: accepted, stored as text.
    body = dict(base, name=12)
    body["config"] = dict(base["config"], **{"tasks.max": 1, "errors.log.enable": True, "x.ratio": "RATIO",
                                             "x.big": 12345678901234567890})
    text = json.dumps(body).replace('"RATIO"', "1.50")  # numbers keep their JSON text
    created = assert_json(s.post("/connectors", data=text, headers=JSON), 201)
    assert created["name"] == "12"
    config = assert_json(s.get("/connectors/12/config"))
    assert (config["tasks.max"], config["errors.log.enable"], config["x.ratio"], config["x.big"], config["name"]) == (
        "1", "true", "1.50", "12345678901234567890", "12")
    # PUT and PATCH read config maps the same way.
    put = dict(base["config"], **{"tasks.max": 1, "x.flag": False})
    assert assert_json(s.put("/connectors/12/config", json=put))["config"]["x.flag"] == "false"
    patched = assert_json(call(s, "PATCH", "/connectors/12/config", json={"x.flag": None, "x.n": 3}))
    assert "x.flag" not in patched["config"] and patched["config"]["x.n"] == "3"


def test_oversized_bodies_are_413(with_source, workdir):
    s = with_source
    for method, path in [("POST", "/connectors"), ("PUT", "/connectors/src/config"),
                         ("PATCH", "/connectors/src/config"),
                         ("PUT", "/connector-plugins/FileStreamSource/config/validate")]:
        big = '{"x":"' + "y" * BODY_LIMIT + '"}'
        assert_error(call(s, method, path, data=big, headers=JSON), 413, TOO_LARGE)
    # Just under the limit: sluiced gets it (and answers for the config, not for the size).
    config = dict(source_config("big", workdir / "in.txt", "t")["config"])
    config["pad"] = ""
    pad = BODY_LIMIT - len(json.dumps(config)) - 256
    config["pad"] = "p" * pad
    r = s.put("/connectors/big/config", data=json.dumps(config), headers=JSON)
    assert_json(r, 201)
    assert len(assert_json(s.get("/connectors/big/config"))["pad"]) == pad
    assert sorted(names(s)) == ["big", "src"]
    # Answers may be larger than the request limit (here, over 4 MiB).
    r = s.get("/connectors?expand=info")
    assert len(r.content) > BODY_LIMIT
    assert len(assert_json(r)["big"]["info"]["config"]["pad"]) == pad


def test_query_parameters_with_odd_values(with_source):
    s = with_source
    # Unknown expansions are ignored: each connector maps to an empty object.
    assert assert_json(s.get("/connectors?expand=bogus")) == {"src": {}}
    both = assert_json(s.get("/connectors?expand=info&expand=bogus&expand=status"))
    assert set(both["src"]) == {"info", "status"}
    assert both["src"]["info"] == assert_json(s.get("/connectors/src"))
    # Booleans read as Boolean.valueOf: only "true" (any case) is true.
    assert_no_body(s.post("/connectors/src/restart?includeTasks=notabool&onlyFailed=1"), 204)
    restarted = assert_json(s.post("/connectors/src/restart?includeTasks=TRUE&onlyFailed=yes"), 202)
    assert restarted["name"] == "src" and len(restarted["tasks"]) == 1
    connectors_only = assert_json(s.get("/connector-plugins"))
    assert {p["type"] for p in connectors_only} == {"source", "sink"}
    assert assert_json(s.get("/connector-plugins?connectorsOnly=TRUE")) == connectors_only
    everything = assert_json(s.get("/connector-plugins?connectorsOnly=x"))
    assert everything == assert_json(s.get("/connector-plugins?connectorsOnly=false"))
    assert {"source", "sink", "converter"} <= {p["type"] for p in everything}
    # forward is accepted and ignored; an unknown parameter too.
    assert assert_json(s.get("/connectors/src/config?forward=true&bogus=1"))["topic"] == "t"


@pytest.mark.parametrize("name,encoded", [("a b", "a%20b"), ("ü:@!", "%C3%BC:@!"), ("p%q", "p%25q")])
def test_names_that_need_encoding(sluiced, workdir, name, encoded):
    s = sluiced
    r = s.post("/connectors", json=source_config(name, workdir / "in.txt", "t"))
    assert assert_json(r, 201)["name"] == name
    assert r.headers["Location"] == f"{s.rest}/connectors/{encoded}"
    assert assert_json(s.get(f"/connectors/{encoded}"))["name"] == name
    assert assert_json(s.get(f"/connectors/{encoded}/config"))["name"] == name
    s.wait_running(encoded)
    assert names(s) == [name]
    assert_no_body(s.delete(f"/connectors/{encoded}"), 204)
    assert_error(s.get(f"/connectors/{encoded}"), 404, {"error_code": 404, "message": f"Connector {name} not found"})
    assert names(s) == []


def test_a_name_with_a_slash_is_created_but_not_addressable(sluiced, workdir):
    # The name is accepted and the Location keeps the slash, as Jersey's UriBuilder.path does;
    # no route matches a name with a slash, encoded or not (Kafka Connect cannot reach it either:
    # Jetty decodes %2F before Jersey matches, or refuses the path).
    s = sluiced
    r = s.post("/connectors", json=source_config("x/y", workdir / "in.txt", "t"))
    assert assert_json(r, 201)["name"] == "x/y"
    assert r.headers["Location"] == f"{s.rest}/connectors/x/y"
    assert names(s) == ["x/y"]
    assert_error(s.get("/connectors/x%2Fy"), 404, NOT_FOUND)
    assert_error(s.get("/connectors/x/y"), 404, NOT_FOUND)
    assert_error(s.delete("/connectors/x%2Fy"), 404, NOT_FOUND)
    assert "x/y" in assert_json(s.get("/connectors?expand=status"))


def test_location_and_status_of_create_and_update(sluiced, workdir):
    s = sluiced
    r = s.post("/connectors", json=sink_config("snk", workdir / "out.txt", "t"))
    assert assert_json(r, 201)["name"] == "snk"
    assert r.headers["Location"] == f"{s.rest}/connectors/snk"
    # The Location is built from the Host header the client sent.
    r = s.put("/connectors/put-made/config", json=sink_config("put-made", workdir / "o2.txt", "t")["config"],
              headers={"Host": "connect.example:8083"})
    assert assert_json(r, 201)["name"] == "put-made"
    assert r.headers["Location"] == "http://connect.example:8083/connectors/put-made"
    r = s.put("/connectors/put-made/config", json=sink_config("put-made", workdir / "o3.txt", "t")["config"])
    assert assert_json(r, 200)["config"]["file"] == str(workdir / "o3.txt")
    assert "Location" not in r.headers


def test_every_answer_has_its_content_type_and_bodiless_answers_have_none(with_source, workdir):
    s = with_source
    for path in ["/", "/health", "/connectors", "/connectors?expand=status", "/connectors/src",
                 "/connectors/src/config", "/connectors/src/status", "/connectors/src/tasks",
                 "/connectors/src/tasks-config", "/connectors/src/tasks/0/status", "/connectors/src/topics",
                 "/connectors/src/offsets", "/connector-plugins", "/connector-plugins/FileStreamSource/config",
                 "/admin/loggers", "/admin/loggers/root", "/openapi.json"]:
        r = s.get(path)
        assert_json(r)
        assert r.headers["Content-Length"] == str(len(r.content)), path
    assert_no_body(s.put("/connectors/src/pause"), 202)
    s.wait_status("src", lambda st: st["connector"]["state"] == "PAUSED")
    assert_no_body(s.put("/connectors/src/resume"), 202)
    s.wait_running("src")
    assert_no_body(s.post("/connectors/src/restart"), 204)
    assert_no_body(s.post("/connectors/src/tasks/0/restart"), 204)
    assert_no_body(s.put("/connectors/src/topics/reset"), 202)
    assert_no_body(s.put("/connectors/src/stop"), 204)
    s.wait_status("src", lambda st: st["connector"]["state"] == "STOPPED")
    assert assert_json(s.delete("/connectors/src/offsets"))["message"]
    assert_no_body(s.delete("/connectors/src"), 204)
    wait_for(lambda: names(s) == [], 30, "src to be gone")


def test_openapi_document_describes_what_is_served(with_source):
    s = with_source
    doc = assert_json(s.get("/openapi.json"))
    assert doc["swagger"] == "2.0" and doc["info"]["title"] == "Sluice REST API (Kafka Connect compatible)"
    paths = doc["paths"]

    def operation(method, concrete):
        for template, item in paths.items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if re.match(pattern, concrete) and method.lower() in item:
                return item[method.lower()]
        raise AssertionError(f"{method} {concrete} is not in /openapi.json")

    # Every answer the tests above get is one the document lists for its operation.
    for method, path in [("GET", "/"), ("GET", "/health"), ("GET", "/connectors"), ("GET", "/connectors/src"),
                         ("GET", "/connectors/src/status"), ("GET", "/connectors/src/tasks/0/status"),
                         ("PUT", "/connectors/src/pause"), ("PUT", "/connectors/src/resume"),
                         ("POST", "/connectors/src/restart"), ("GET", "/connectors/nope"),
                         ("GET", "/connector-plugins"), ("GET", "/admin/loggers")]:
        r = call(s, method, path)
        responses = operation(method, path)["responses"]
        assert str(r.status_code) in responses or (r.status_code >= 400 and "default" in responses), (
            method, path, r.status_code, list(responses))
    assert set(operation("POST", "/connectors")["responses"]) == {"201", "default"}
    assert operation("GET", "/openapi.json")["operationId"] == "GetOpenAPIDocument"
    restart = {p["name"] for p in operation("POST", "/connectors/src/restart")["parameters"]}
    assert {"includeTasks", "onlyFailed"} <= restart


def test_openapi_document_is_valid_swagger_2(sluiced):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.OpenAPIV2SpecValidator(assert_json(sluiced.get("/openapi.json"))).validate()
