"""Bad requests get Kafka Connect's status codes and error bodies, and change nothing."""

import pytest

from conftest import sink_config, source_config


@pytest.fixture
def with_source(sluiced, workdir):
    (workdir / "in.txt").write_text("")
    r = sluiced.post("/connectors", json=source_config("src", workdir / "in.txt", "t"))
    assert r.status_code == 201, r.text
    return sluiced


def assert_error(r, status, message):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"error_code": status, "message": message}


def test_malformed_json_is_rejected_and_changes_nothing(with_source):
    s = with_source
    r = s.post("/connectors", data='{"name": "x", "config": {', headers={"Content-Type": "application/json"})
    assert r.status_code == 500
    body = r.json()
    assert body["error_code"] == 500 and body["message"]
    assert s.get("/connectors").json() == ["src"]


def test_unknown_connector_class(with_source):
    r = with_source.post("/connectors", json={"name": "x", "config": {"connector.class": "com.example.Nope"}})
    assert r.status_code == 500
    assert r.json()["message"].startswith(
        "Failed to find any class that implements Connector and which name matches com.example.Nope, "
        "available connectors are: PluginDesc{klass=class org.apache.kafka.connect.file.FileStreamSinkConnector")
    assert with_source.get("/connectors").json() == ["src"]


def test_missing_connector_class(with_source):
    r = with_source.post("/connectors", json={"name": "x", "config": {"topic": "t"}})
    assert_error(r, 400, "Connector config {name=x, topic=t} contains no connector type")
    assert with_source.get("/connectors").json() == ["src"]


def test_duplicate_name(with_source, workdir):
    r = with_source.post("/connectors", json=source_config("src", workdir / "other.txt", "t2"))
    assert_error(r, 409, "Connector src already exists")
    assert with_source.get("/connectors/src/config").json()["topic"] == "t"


def test_name_mismatch(with_source):
    body = {"name": "a", "config": {"connector.class": "FileStreamSink", "topics": "t", "name": "b"}}
    assert_error(with_source.post("/connectors", json=body), 400,
                 "Connector name configuration (b) doesn't match connector name in the URL (a)")


def test_invalid_config_lists_every_error(with_source, workdir):
    r = with_source.post("/connectors", json={"name": "snk", "config": {
        "connector.class": "FileStreamSink", "file": str(workdir / "o.txt")}})
    assert_error(r, 400,
                 "Connector configuration is invalid and contains the following 2 error(s):\n"
                 "Must configure one of topics or topics.regex\n"
                 "Must configure one of topics or topics.regex\n"
                 "You can also find the above list of errors at the endpoint "
                 "`/connector-plugins/{connectorType}/config/validate`")
    r = with_source.post("/connectors", json={"name": "s2", "config": {
        "connector.class": "FileStreamSource", "tasks.max": "0"}})
    assert r.status_code == 400
    message = r.json()["message"]
    assert message.startswith("Connector configuration is invalid and contains the following 2 error(s):\n")
    assert "Invalid value 0 for configuration tasks.max: Value must be at least 1" in message
    assert 'Missing required configuration "topic" which has no default value.' in message
    assert with_source.get("/connectors").json() == ["src"]


def test_config_values_may_be_numbers_or_booleans(sluiced, workdir):
    body = sink_config("snk", workdir / "o.txt", "t")
    body["config"]["tasks.max"] = 2
    body["config"]["errors.log.enable"] = True
    r = sluiced.post("/connectors", json=body)
    assert r.status_code == 201, r.text
    config = sluiced.get("/connectors/snk/config").json()
    assert config["tasks.max"] == "2" and config["errors.log.enable"] == "true"
    assert [t["task"] for t in r.json()["tasks"]] == [0, 1]


def test_unknown_names_and_routes(sluiced):
    assert_error(sluiced.get("/connectors/nope"), 404, "Connector nope not found")
    assert_error(sluiced.get("/connectors/nope/config"), 404, "Connector nope not found")
    assert_error(sluiced.get("/connectors/nope/status"), 404, "No status found for connector nope")
    assert_error(sluiced.get("/connectors/nope/tasks/0/status"), 404, "No status found for task nope-0")
    assert_error(sluiced.delete("/connectors/nope"), 404, "Connector nope not found")
    assert_error(sluiced.get("/no/such/route"), 404, "HTTP 404 Not Found")


def test_health_once_started(sluiced):
    r = sluiced.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "healthy",
                        "message": "Worker has completed startup and is ready to handle requests."}


def test_server_info_and_plugins(sluiced):
    info = sluiced.get("/").json()
    assert info["version"] == "3.9.0"
    assert set(info) == {"version", "commit", "kafka_cluster_id"} and info["commit"]
    plugins = sluiced.get("/connector-plugins").json()
    assert plugins == [
        {"class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "type": "sink", "version": "3.9.0"},
        {"class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "type": "source", "version": "3.9.0"},
    ]


def test_null_config_values(sluiced, workdir):
    body = {"name": "snk", "config": {"connector.class": "FileStreamSink", "topics": "t", "file": None}}
    assert_error(sluiced.post("/connectors", json=body), 400,
                 "Connector configuration is invalid and contains the following 1 error(s):\n"
                 "Null value can not be supplied as the configuration value.\n"
                 "You can also find the above list of errors at the endpoint "
                 "`/connector-plugins/{connectorType}/config/validate`")
    assert sluiced.get("/connectors").json() == []
    r = sluiced.put("/connector-plugins/FileStreamSink/config/validate",
                    json={"name": "v", "connector.class": "FileStreamSink", "topics": "t", "file": None})
    assert r.status_code == 200, r.text
    infos = r.json()
    assert infos["name"] == "FileStreamSink" and infos["error_count"] == 1
    file_entry = [c for c in infos["configs"] if c["definition"]["name"] == "file"][0]
    assert file_entry["value"] == {"name": "file", "value": None, "recommended_values": [],
                                   "errors": ["Null value can not be supplied as the configuration value."],
                                   "visible": True}
