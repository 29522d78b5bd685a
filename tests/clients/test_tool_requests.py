"""The requests that Kafka Connect tools which cannot run here send, replayed against a real
sluiced, with assertions on exactly the fields those tools parse.

- kcctl (github.com/kcctl/kcctl, a Java/Quarkus CLI; not on Maven Central): its REST interface is
  src/main/java/org/kcctl/service/KafkaConnectApi.java and the records beside it (ConnectorInfo,
  ConnectorStatusInfo, ConnectorState, TaskState, TaskConfig, TopicsInfo, ConnectorOffsets,
  AlterResetOffsetsResponse, ConfigInfos, LoggerLevel, ErrorResponse, KafkaConnectInfo);
  errors go through KafkaConnectException.from, which reads every error body as
  {"error_code","message"}.
- kafka-ui (github.com/provectus/kafka-ui, a Spring application shipped as a container or a
  release jar, neither reachable here): its client is generated from
  kafka-ui-contract/src/main/resources/swagger/kafka-connect-api.yaml, whose string enums
  (connector and task state, config definition type, importance and width, connector type) a
  generated client refuses to read outside their listed values.
- The Terraform provider (github.com/Mongey/terraform-provider-kafka-connect, whose module is
  refused by the Go proxy here): connect/resource_kafka_connector.go over
  github.com/ricardo-ch/go-kafka-connect/v3 lib/connectors/base_client.go and
  highlevel_client.go (resty with "Accept: application/json", retry on 409).

Each test names the source it mirrors; the code is ours."""

import json

import requests

from conftest import read_lines, wait_for

SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def error_body(r, status):
    """kcctl's ErrorResponse(int error_code, String message); go-kafka-connect's ErrorResponse."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert isinstance(body["error_code"], int) and isinstance(body["message"], str), body
    assert body["error_code"] == status
    return body["message"]


def connector_info(body):
    """kcctl ConnectorInfo(name, config: Map<String,String>, tasks: List<TaskInfo(connector,
    Integer task)>, type); go-kafka-connect ConnectorResponse(name, config, tasks[TaskID])."""
    assert isinstance(body["name"], str) and body["type"] in ("source", "sink")
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in body["config"].items())
    for t in body["tasks"]:
        assert isinstance(t["connector"], str) and isinstance(t["task"], int)
    return body


def status_info(body):
    """kcctl ConnectorStatusInfo(name, ConnectorState(state, worker_id), type,
    List<TaskState(int id, state, worker_id, trace)>); go-kafka-connect
    GetConnectorStatusResponse: connector is a map[string]string."""
    assert isinstance(body["name"], str) and body["type"] in ("source", "sink")
    assert all(isinstance(v, str) for v in body["connector"].values()), body["connector"]
    assert isinstance(body["connector"]["state"], str)
    assert isinstance(body["connector"]["worker_id"], str)
    for t in body["tasks"]:
        assert isinstance(t["id"], int) and isinstance(t["state"], str)
        assert isinstance(t["worker_id"], str)
        assert isinstance(t.get("trace", ""), str)
    return body


# ------------------------------------------------------------------------------------- kcctl

def test_kcctl_connectors_path_with_trailing_slash(sluiced, workdir):
    # Jersey serves a path with one trailing slash as the path without it.
    # KafkaConnectApi.getConnectors: @GET @Path("/connectors/") -> List<String>
    r = sluiced.get("/connectors/", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json() == [], r.text
    # KafkaConnectApi.createConnector: @POST @Path("/connectors/") -> ConnectorStatusInfo
    body = {"name": "slash", "config": {"connector.class": SINK_CLASS, "topics": "t",
                                        "file": str(workdir / "o.txt")}}
    r = sluiced.post("/connectors/", data=json.dumps(body), headers=JSON)
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "slash"
    assert sluiced.get("/connectors/", headers=JSON).json() == ["slash"]


def test_kcctl_requests(sluiced, workdir):
    """What `kcctl info / get plugins / apply / describe / get connectors / pause / resume /
    restart / get offsets / patch offsets / delete offsets / get loggers / set logger / delete`
    send, per KafkaConnectApi.java, with no trailing slash (see the test above)."""
    s = sluiced
    src, out = workdir / "in.txt", workdir / "out.txt"
    src.write_text("one\n")

    # getWorkerInfo: KafkaConnectInfo(version, commit, kafka_cluster_id)
    info = s.get("/", headers=JSON).json()
    assert all(isinstance(info[k], str) for k in ("version", "commit", "kafka_cluster_id"))

    # getConnectorPlugins(connectorsOnly): ConnectorPlugin(@JsonProperty("class"), type, version)
    only = s.get("/connector-plugins", params={"connectorsOnly": "true"}, headers=JSON).json()
    assert {(p["class"], p["type"]) for p in only} >= {(SINK_CLASS, "sink"), (SOURCE_CLASS, "source")}
    assert {p["type"] for p in only} <= {"source", "sink"}
    every = s.get("/connector-plugins", params={"connectorsOnly": "false"}, headers=JSON).json()
    assert len(every) > len(only) and all(isinstance(p["version"], str) for p in every)

    # getConnectorPluginConfig: List<ConfigKeyInfo(name, type, required, default_value,
    # importance, documentation, group, ..., width, ..., dependents)>
    keys = s.get("/connector-plugins/FileStreamSink/config", headers=JSON).json()
    file_key = next(k for k in keys if k["name"] == "file")
    assert file_key["type"] == "STRING" and file_key["required"] is False
    assert isinstance(file_key["dependents"], list) and "default_value" in file_key

    # `kcctl apply --dry-run`: validateConfig(name, String) -> ConfigInfos(name, error_count,
    # groups, configs[definition, value(name, value, errors, visible)])
    r = s.put("/connector-plugins/FileStreamSinkConnector/config/validate", headers=JSON,
              data=json.dumps({"name": "k-sink", "connector.class": SINK_CLASS,
                               "file": str(out)}))
    v = r.json()
    assert r.status_code == 200 and v["error_count"] == 2 and isinstance(v["groups"], list)
    errs = [c["value"]["errors"] for c in v["configs"] if c["value"]["name"] == "topics"]
    assert errs == [["Must configure one of topics or topics.regex"]]
    assert all(isinstance(c["value"]["visible"], bool) for c in v["configs"])

    # `kcctl apply -f` of a named file: createConnector(String) -> 201, read as
    # ConnectorStatusInfo (unknown properties ignored); for a file without a name,
    # updateConnector(name, String) -> PUT .../config creates it (201).
    r = s.post("/connectors", headers=JSON, data=json.dumps(
        {"name": "k-src", "config": {"connector.class": SOURCE_CLASS, "file": str(src),
                                     "topic": "k-lines"}}))
    assert r.status_code == 201 and r.json()["name"] == "k-src"
    r = s.put("/connectors/k-sink/config", headers=JSON, data=json.dumps(
        {"connector.class": SINK_CLASS, "file": str(out), "topics": "k-lines"}))
    assert r.status_code == 201, r.text
    connector_info(r.json())
    s.wait_running("k-src")
    s.wait_running("k-sink")
    wait_for(lambda: read_lines(out) == ["one"], 60, "the first line")
    # Applying the same file again: updateConnector -> 200.
    r = s.put("/connectors/k-sink/config", headers=JSON, data=json.dumps(
        {"connector.class": SINK_CLASS, "file": str(out), "topics": "k-lines"}))
    assert r.status_code == 200 and r.json()["name"] == "k-sink"
    s.wait_running("k-sink")  # an update restarts the connector and regenerates its tasks

    # An unknown class: `kcctl apply` looks for this prefix to list the available plugins.
    r = s.post("/connectors", headers=JSON, data=json.dumps(
        {"name": "k-bad", "config": {"connector.class": "com.example.NoSuchConnector"}}))
    assert r.status_code >= 400
    assert r.json()["message"].startswith("Failed to find any class that implements Connector")

    # `kcctl get connectors`: getConnectorExpandInfo(["status"]) -> Map<String,
    # ConnectorExpandInfo(status, info)>
    r = s.get("/connectors", params=[("expand", "status")], headers=JSON)
    expanded = r.json()
    assert sorted(expanded) == ["k-sink", "k-src"]
    for name, e in expanded.items():
        assert status_info(e["status"])["name"] == name
    both = s.get("/connectors", params=[("expand", "status"), ("expand", "info")], headers=JSON).json()
    assert connector_info(both["k-src"]["info"])["type"] == "source"

    # `kcctl describe connector`: getConnector, getConnectorStatus, getConnectorTopics,
    # getConnectorTasks (TaskConfig(TaskInfo id, Map config))
    connector_info(s.get("/connectors/k-sink", headers=JSON).json())
    st = status_info(s.get("/connectors/k-sink/status", headers=JSON).json())
    assert st["connector"]["state"] == "RUNNING" and [t["id"] for t in st["tasks"]] == [0]
    assert s.get("/connectors/k-sink/topics", headers=JSON).json() == {"k-sink": {"topics": ["k-lines"]}}
    tasks = s.get("/connectors/k-sink/tasks", headers=JSON).json()
    assert tasks[0]["id"] == {"connector": "k-sink", "task": 0}
    assert all(isinstance(v, str) for v in tasks[0]["config"].values())
    cfg = s.get("/connectors/k-sink/config", headers=JSON).json()
    assert cfg["file"] == str(out) and cfg["name"] == "k-sink"

    # pause / resume / restart: void methods (any 2xx); restartConnectorAndTasks reads the
    # 202 body as ConnectorStatusInfo.
    assert s.put("/connectors/k-src/pause", headers=JSON).status_code == 202
    s.wait_status("k-src", lambda x: x["connector"]["state"] == "PAUSED")
    assert s.put("/connectors/k-src/resume", headers=JSON).status_code == 202
    s.wait_running("k-src")
    assert s.post("/connectors/k-sink/restart", headers=JSON).status_code in (200, 202, 204)
    r = s.post("/connectors/k-sink/restart", params={"includeTasks": "true", "onlyFailed": "false"},
               headers=JSON)
    assert r.status_code == 202
    assert status_info(r.json())["connector"]["state"] == "RESTARTING"
    s.wait_running("k-sink")
    # restartTask -> ConnectorInfo; a 204 with no body reads as null.
    r = s.post("/connectors/k-sink/tasks/0/restart", headers=JSON)
    assert r.status_code == 204 and r.text == ""
    s.wait_running("k-sink")

    # `kcctl get offsets` / `kcctl patch offsets` / `kcctl delete offsets` (after `kcctl stop`):
    # ConnectorOffsets(offsets[ConnectorOffset(partition map, offset map)]),
    # AlterResetOffsetsResponse(message)
    wait_for(lambda: s.get("/connectors/k-src/offsets", headers=JSON).json()["offsets"], 60,
             "the source's committed offsets")
    offsets = s.get("/connectors/k-src/offsets", headers=JSON).json()["offsets"]
    assert offsets == [{"partition": {"filename": str(src)}, "offset": {"position": 4}}]
    assert s.put("/connectors/k-src/stop", headers=JSON).status_code == 204
    s.wait_status("k-src", lambda x: x["connector"]["state"] == "STOPPED")
    r = requests.patch(s.url("/connectors/k-src/offsets"), timeout=60, headers=JSON, data=json.dumps(
        {"offsets": [{"partition": {"filename": str(src)}, "offset": {"position": 0}}]}))
    assert r.status_code == 200 and isinstance(r.json()["message"], str), r.text
    r = s.delete("/connectors/k-src/offsets", headers=JSON)
    assert r.status_code == 200 and isinstance(r.json()["message"], str), r.text

    # `kcctl get loggers` / `kcctl set logger`: Map<String, LoggerLevel(level, Long
    # last_modified)>; updateLogLevel -> List<String>; with scope -> String (204 reads as null).
    loggers = s.get("/admin/loggers", headers=JSON).json()
    assert all(isinstance(l["level"], str) for l in loggers.values())
    assert loggers["root"]["last_modified"] is None or isinstance(loggers["root"]["last_modified"], int)
    # A change of level stamps last_modified (setting the level a logger already has does not).
    r = s.put("/admin/loggers/root", headers=JSON, data=json.dumps({"level": "WARN"}))
    assert r.status_code == 200 and "root" in r.json()
    root = s.get("/admin/loggers/root", headers=JSON).json()
    assert root["level"] == "WARN" and isinstance(root["last_modified"], int), root
    r = s.put("/admin/loggers/root", params={"scope": "cluster"}, headers=JSON,
              data=json.dumps({"level": "INFO"}))
    assert r.status_code == 204

    # Errors: every body reads as ErrorResponse; 404 -> KafkaConnectNotFoundException.
    assert error_body(s.get("/connectors/nope", headers=JSON), 404) == "Connector nope not found"
    error_body(s.get("/connectors/nope/status", headers=JSON), 404)
    error_body(s.put("/connectors/nope/pause", headers=JSON), 404)
    error_body(s.delete("/connectors/nope", headers=JSON), 404)
    assert error_body(s.post("/connectors", headers=JSON, data=json.dumps(
        {"name": "k-src", "config": {"connector.class": SOURCE_CLASS, "file": str(src),
                                     "topic": "x"}})), 409) == "Connector k-src already exists"

    # deleteConnector: void.
    assert s.delete("/connectors/k-src", headers=JSON).status_code == 204
    assert s.delete("/connectors/k-sink", headers=JSON).status_code == 204
    assert s.get("/connectors", headers=JSON).json() == []


# ------------------------------------------------------------------------ Terraform provider

def test_terraform_provider_requests(sluiced, workdir):
    """connectorCreate / connectorRead / connectorUpdate / connectorDelete, through
    go-kafka-connect's highLevelClient with sync=true."""
    s = sluiced
    accept = {"Accept": "application/json"}
    name = "tf-sink"
    # The provider requires config.name to equal the resource name; Terraform maps hold strings.
    config = {"name": name, "connector.class": SINK_CLASS, "topics": "tf-lines",
              "file": str(workdir / "tf.txt"), "tasks.max": "1"}

    # baseClient.CreateConnector: POST connectors, body {"name","config"} (resty JSON).
    r = s.post("/connectors", headers=accept, json={"name": name, "config": config})
    assert r.status_code == 201, r.text
    created = connector_info(r.json())
    assert created["config"] == config  # connectorCreate stores conn.Config as the state
    # sync: tryUntil GetConnector answers 200.
    wait_for(lambda: s.get(f"/connectors/{name}", headers=accept).status_code == 200, 60,
             "GET connector 200")
    # connectorRead: the state's config is conn.Config.
    assert connector_info(s.get(f"/connectors/{name}", headers=accept).json())["config"] == config

    # baseClient.UpdateConnector: PUT connectors/{name}/config with the bare map; >= 400 fails.
    new = {**config, "topics": "tf-lines-2"}
    r = s.put(f"/connectors/{name}/config", headers=accept, json=new)
    assert r.status_code == 200, r.text
    assert connector_info(r.json())["config"] == new
    # sync: highLevelClient.IsUpToDate compares GET .../config with the sent map plus "name":
    # same number of keys, equal values as strings. Any extra key (a default filled in by the
    # worker) would make `terraform apply` time out after 2 minutes.
    got = s.get(f"/connectors/{name}/config", headers=accept).json()
    assert got == {**new, "name": name}

    # GetConnectorStatus: connector is map[string]string; tasks[{id,state,worker_id,trace}]
    s.wait_running(name)
    status_info(s.get(f"/connectors/{name}/status", headers=accept).json())
    # GetAllTasks: [{id:{connector,task}, config}]; GetTaskStatus: {id,state,worker_id}
    tasks = s.get(f"/connectors/{name}/tasks", headers=accept).json()
    assert tasks[0]["id"] == {"connector": name, "task": 0}
    t = s.get(f"/connectors/{name}/tasks/0/status", headers=accept).json()
    assert t["id"] == 0 and t["state"] == "RUNNING" and isinstance(t["worker_id"], str)

    # Nothing here may answer 409 or mention a rebalance: the provider would retry for its
    # whole timeout (isRebalanceError in resource_kafka_connector.go).
    # baseClient.DeleteConnector: DELETE -> < 400; sync: tryUntil GetConnector answers 404.
    r = s.delete(f"/connectors/{name}", headers=accept)
    assert r.status_code == 204
    r = s.get(f"/connectors/{name}", headers=accept)
    assert error_body(r, 404) == f"Connector {name} not found"
    # GetConnector treats 404 as "absent" and reads the error as ErrorResponse; the provider's
    # connectorRead then sees an empty config.
    r = s.get(f"/connectors/{name}/config", headers=accept)
    error_body(r, 404)


# ---------------------------------------------------------------------------------- kafka-ui

KAFKA_UI_ENUMS = {  # kafka-connect-api.yaml, components/schemas
    "state": {"RUNNING", "FAILED", "PAUSED"},
    "type": {"BOOLEAN", "CLASS", "DOUBLE", "INT", "LIST", "LONG", "PASSWORD", "SHORT", "STRING"},
    "importance": {"LOW", "MEDIUM", "HIGH"},
    "width": {"SHORT", "MEDIUM", "LONG", "NONE"},
}


def test_kafka_ui_contract_enums(sluiced, workdir):
    """What kafka-ui's generated client reads: getConnectors, createConnector, getConnector,
    getConnectorStatus, getConnectorTasks, getConnectorTaskStatus, getConnectorPlugins,
    validateConnectorPluginConfig, pauseConnector (202), resumeConnector (202)."""
    s = sluiced
    for plugin, config in (("FileStreamSinkConnector", {"connector.class": SINK_CLASS, "topics": "t"}),
                           ("FileStreamSourceConnector", {"connector.class": SOURCE_CLASS, "topic": "t"})):
        v = s.put(f"/connector-plugins/{plugin}/config/validate", json=config).json()
        assert isinstance(v["error_count"], int)
        for c in v["configs"]:
            d = c["definition"]
            assert d["type"] in KAFKA_UI_ENUMS["type"], d
            assert d["importance"] in KAFKA_UI_ENUMS["importance"], d
            assert d["width"] in KAFKA_UI_ENUMS["width"], d
            assert isinstance(d["order"], int) and isinstance(d["dependents"], list), d
            assert isinstance(c["value"]["recommended_values"], list), c["value"]
    assert all(isinstance(p["class"], str) for p in s.get("/connector-plugins").json())

    out = workdir / "ui.txt"
    r = s.post("/connectors", json={"name": "ui", "config": {"connector.class": SINK_CLASS,
                                                             "topics": "t", "file": str(out)}})
    assert r.status_code == 201 and r.json()["type"] in ("source", "sink")
    assert s.get("/connectors").json() == ["ui"]
    for want in ("RUNNING", "PAUSED", "RUNNING"):
        if want == "PAUSED":
            assert s.put("/connectors/ui/pause").status_code == 202
        elif s.get("/connectors/ui/status").json()["connector"]["state"] == "PAUSED":
            assert s.put("/connectors/ui/resume").status_code == 202
        st = s.wait_status("ui", lambda x, w=want: x["connector"]["state"] == w
                           and [t["state"] for t in x["tasks"]] == [w])
        assert st["connector"]["state"] in KAFKA_UI_ENUMS["state"]
        task = s.get("/connectors/ui/tasks/0/status").json()
        assert task["state"] == want and isinstance(task["id"], int) and task["worker_id"]
    tasks = s.get("/connectors/ui/tasks").json()
    assert tasks[0]["id"] == {"connector": "ui", "task": 0}
    assert s.get("/connectors/ui").json()["tasks"] == [{"connector": "ui", "task": 0}]
