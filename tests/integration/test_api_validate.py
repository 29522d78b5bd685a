"""Black-box contract of PUT /connector-plugins/{p}/config/validate, over REST and over gRPC."""

from conftest import expect_error, rest_only
from test_api_plugins import FILE_DEF, FRAMEWORK_KEYS, NAME_DEF, SINK_KEYS, TASKS_MAX_DEF, TOPICS_DEF

TOPICS_ERROR = "Must configure one of topics or topics.regex"


def value(name, v, errors=(), recommended=()):
    return {"name": name, "value": v, "recommended_values": list(recommended),
            "errors": list(errors), "visible": True}


def configs_by_name(body):
    return {c["definition"]["name"]: c for c in body["configs"]}


def test_valid_sink_config(shared_api):
    r = shared_api.validate("FileStreamSink", {"connector.class": "FileStreamSink", "name": "s1",
                                               "topics": "t", "file": "/tmp/x"})
    assert r.status == 200, r
    b = r.body
    assert list(b) == ["name", "error_count", "groups", "configs"], b
    assert b["name"] == "FileStreamSink" and b["error_count"] == 0, b
    assert b["groups"] == ["Common", "Transforms", "Predicates", "Error Handling"], b
    assert [c["definition"]["name"] for c in b["configs"]] == FRAMEWORK_KEYS + SINK_KEYS + ["file"], b
    by = configs_by_name(b)
    assert by["name"] == {"definition": NAME_DEF, "value": value("name", "s1")}
    assert by["tasks.max"] == {"definition": TASKS_MAX_DEF, "value": value("tasks.max", "1")}
    assert by["topics"] == {"definition": TOPICS_DEF, "value": value("topics", "t")}
    assert by["file"] == {"definition": FILE_DEF, "value": value("file", "/tmp/x")}
    assert by["topics.regex"]["value"] == value("topics.regex", "")
    for c in b["configs"]:
        assert list(c) == ["definition", "value"] and list(c["value"]) == list(value("", "")), c


def test_invalid_sink_config(shared_api):
    r = shared_api.validate("FileStreamSinkConnector",
                            {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                             "name": "s1"})
    assert r.status == 200, r
    b = r.body
    assert b["name"] == "org.apache.kafka.connect.file.FileStreamSinkConnector"
    assert b["error_count"] == 2, b
    by = configs_by_name(b)
    assert by["topics"]["value"] == value("topics", "", [TOPICS_ERROR])
    assert by["topics.regex"]["value"] == value("topics.regex", "", [TOPICS_ERROR])
    assert by["file"]["value"] == value("file", None)


def test_missing_required_and_bad_values(shared_api):
    r = shared_api.validate("FileStreamSource", {"connector.class": "FileStreamSource",
                                                 "tasks.max": "0"})
    assert r.status == 200, r
    by = configs_by_name(r.body)
    assert by["name"]["value"]["errors"] == ['Missing required configuration "name" which has no default value.']
    assert by["topic"]["value"]["errors"] == ['Missing required configuration "topic" which has no default value.']
    assert by["tasks.max"]["value"] == value(
        "tasks.max", "0", ["Invalid value 0 for configuration tasks.max: Value must be at least 1"])
    assert r.body["error_count"] == 3, r.body
    assert r.body["groups"][:4] == ["Common", "Transforms", "Predicates", "Error Handling"]


def test_null_value_is_an_error_on_its_key(shared_api):
    r = shared_api.validate("FileStreamSink", {"name": "v", "connector.class": "FileStreamSink",
                                               "topics": "t", "file": None})
    assert r.status == 200, r
    assert r.body["error_count"] == 1
    assert configs_by_name(r.body)["file"]["value"] == value(
        "file", None, ["Null value can not be supplied as the configuration value."])


def test_unknown_keys_are_not_listed(shared_api):
    r = shared_api.validate("FileStreamSink", {"name": "v", "connector.class": "FileStreamSink",
                                               "topics": "t", "no.such.key": "1"})
    assert r.status == 200, r
    assert "no.such.key" not in configs_by_name(r.body) and r.body["error_count"] == 0


def test_path_and_class_mismatch(shared_api):
    expect_error(shared_api.validate("FileStreamSource", {"connector.class": "FileStreamSink",
                                                          "topics": "t"}), 400,
                 "Included connector type FileStreamSink does not match request type FileStreamSource")


def test_body_without_connector_class(shared_api):
    expect_error(shared_api.validate("FileStreamSink", {"topics": "t"}), 400,
                 "Connector config {topics=t} contains no connector type")


def test_unknown_connector_class_is_500(shared_api):
    r = shared_api.validate("Nope", {"connector.class": "com.example.Nope"})
    assert r.status == 500 and r.body["error_code"] == 500, r
    assert r.message.startswith("Failed to find any class that implements Connector and which name "
                                "matches com.example.Nope, available connectors are: "), r


def test_numbers_are_validated_as_strings(shared_api):
    rest_only(shared_api, "gRPC config maps hold strings")
    r = shared_api.validate("FileStreamSink", {"name": "v", "connector.class": "FileStreamSink",
                                               "topics": "t", "tasks.max": 3})
    assert r.status == 200 and r.body["error_count"] == 0, r
    assert configs_by_name(r.body)["tasks.max"]["value"] == value("tasks.max", "3")


def test_transform_and_predicate_aliases_get_their_keys(shared_api):
    # Kafka Connect adds a required "<list>.<alias>.type" key per alias, in its own group, then
    # the class's own keys (for a transform with the implicit predicate and negate) in Kafka's
    # ConfigDef order: required keys first, then by importance and name.
    r = shared_api.validate("FileStreamSink", {
        "name": "v", "connector.class": "FileStreamSink", "topics": "t",
        "transforms": "a, b", "transforms.a.type": "org.apache.kafka.connect.transforms.Cast$Key",
        "transforms.b.type": "com.example.Nope", "predicates": "p"})
    assert r.status == 200, r
    b = r.body
    # error_count counts messages: Cast's spec validator also runs on the missing value.
    assert b["error_count"] == 4, b
    assert b["groups"] == ["Common", "Transforms", "Predicates", "Error Handling",
                           "Transforms: a", "Transforms: b", "Predicates: p"], b
    names = [c["definition"]["name"] for c in b["configs"]]
    assert names == FRAMEWORK_KEYS + SINK_KEYS + [
        "transforms.a.type", "transforms.a.spec", "transforms.a.negate", "transforms.a.predicate",
        "transforms.a.replace.null.with.default", "transforms.b.type", "predicates.p.type",
        "file"], names
    by = configs_by_name(b)
    assert by["transforms.a.type"]["definition"] == {
        "name": "transforms.a.type", "type": "CLASS", "required": True, "default_value": None,
        "importance": "HIGH", "documentation": "Class for the 'a' transformation.",
        "group": "Transforms: a", "width": "LONG", "display_name": "Transformation type for a",
        "dependents": [], "order": 0}
    assert by["transforms.a.type"]["value"]["errors"] == []
    assert "org.apache.kafka.connect.transforms.Cast$Key" in \
        by["transforms.a.type"]["value"]["recommended_values"]
    assert by["transforms.a.spec"]["definition"]["group"] == "Transforms: a"
    assert by["transforms.a.spec"]["definition"]["order"] == 1
    assert by["transforms.a.spec"]["value"]["errors"] == [
        'Missing required configuration "transforms.a.spec" which has no default value.',
        "Must specify at least one field to cast."]
    assert by["transforms.b.type"]["value"] == value("transforms.b.type", None, [
        "Invalid value com.example.Nope for configuration transforms.b.type: Class "
        "com.example.Nope could not be found."], recommended=by["transforms.a.type"]["value"][
            "recommended_values"])
    assert by["predicates.p.type"]["definition"]["display_name"] == "Predicate type for p"
    assert by["predicates.p.type"]["value"]["errors"] == [
        'Missing required configuration "predicates.p.type" which has no default value.']


def test_duplicate_transform_aliases(shared_api):
    r = shared_api.validate("FileStreamSink", {"name": "v", "connector.class": "FileStreamSink",
                                               "topics": "t", "transforms": "a,a",
                                               "transforms.a.type": "X"})
    assert r.status == 200, r
    assert configs_by_name(r.body)["transforms"]["value"]["errors"] == [
        "Invalid value [a, a] for configuration transforms: Duplicate alias provided."]
