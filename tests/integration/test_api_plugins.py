"""Black-box contract of GET /connector-plugins and GET /connector-plugins/{p}/config, over REST
and over gRPC."""

from conftest import expect_error, expect_ok

SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"
SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"

# ConnectorConfig's keys then SinkConnectorConfig's, in definition order (reference §5.1, §5.2).
FRAMEWORK_KEYS = ["name", "connector.class", "tasks.max", "tasks.max.enforce", "key.converter",
                  "value.converter", "header.converter", "transforms", "predicates",
                  "config.action.reload", "errors.retry.timeout", "errors.retry.delay.max.ms",
                  "errors.tolerance", "errors.log.enable", "errors.log.include.messages"]
SINK_KEYS = ["topics", "topics.regex", "errors.deadletterqueue.topic.name",
             "errors.deadletterqueue.topic.replication.factor",
             "errors.deadletterqueue.context.headers.enable"]

FILE_DEF = {"name": "file", "type": "STRING", "required": False, "default_value": None,
            "importance": "HIGH",
            "documentation": "Destination filename. If not specified, the standard output will be used",
            "group": None, "width": "NONE", "display_name": "file", "dependents": [], "order": -1}
NAME_DEF = {"name": "name", "type": "STRING", "required": True, "default_value": None,
            "importance": "HIGH", "documentation": "Globally unique name to use for this connector.",
            "group": "Common", "width": "MEDIUM", "display_name": "Connector name", "dependents": [],
            "order": 1}
TASKS_MAX_DEF = {"name": "tasks.max", "type": "INT", "required": False, "default_value": "1",
                 "importance": "HIGH", "documentation": "Maximum number of tasks to use for this connector.",
                 "group": "Common", "width": "SHORT", "display_name": "Tasks max", "dependents": [],
                 "order": 3}
TOPICS_DEF = {"name": "topics", "type": "LIST", "required": False, "default_value": "",
              "importance": "HIGH", "documentation": "List of topics to consume, separated by commas",
              "group": "Common", "width": "LONG", "display_name": "Topics", "dependents": [], "order": 4}


def test_connector_plugins(shared_api):
    version = shared_api.server_info().body["version"]
    expected = [{"class": SINK_CLASS, "type": "sink", "version": version},
                {"class": SOURCE_CLASS, "type": "source", "version": version}]
    expect_ok(shared_api.plugins(), 200, expected)
    expect_ok(shared_api.plugins(connectors_only=True), 200, expected)


TRANSFORMS = "org.apache.kafka.connect.transforms."
CONVERTERS = "org.apache.kafka.connect.converters."
# Kafka Connect 3.9.1's non-connector plugins, in the order it lists them (the differential suite
# compares the same list against Kafka Connect itself).
NON_CONNECTOR_PLUGINS = (
    [(TRANSFORMS + c, "transformation") for c in (
        "Cast$Key", "Cast$Value", "DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter",
        "Flatten$Key", "Flatten$Value", "HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key",
        "HoistField$Value", "InsertField$Key", "InsertField$Value", "InsertHeader",
        "MaskField$Key", "MaskField$Value", "RegexRouter", "ReplaceField$Key",
        "ReplaceField$Value", "SetSchemaMetadata$Key", "SetSchemaMetadata$Value",
        "TimestampConverter$Key", "TimestampConverter$Value", "TimestampRouter", "ValueToKey")]
    + [(TRANSFORMS + "predicates." + c, "predicate")
       for c in ("HasHeaderKey", "RecordIsTombstone", "TopicNameMatches")]
    + [(CONVERTERS + c, "converter") for c in (
        "BooleanConverter", "ByteArrayConverter", "DoubleConverter", "FloatConverter",
        "IntegerConverter", "LongConverter", "ShortConverter")]
    + [("org.apache.kafka.connect.json.JsonConverter", "converter"),
       ("org.apache.kafka.connect.storage.StringConverter", "converter")]
    + [(CONVERTERS + c, "header_converter") for c in (
        "BooleanConverter", "ByteArrayConverter", "DoubleConverter", "FloatConverter",
        "IntegerConverter", "LongConverter", "ShortConverter")]
    + [("org.apache.kafka.connect.json.JsonConverter", "header_converter"),
       ("org.apache.kafka.connect.storage.SimpleHeaderConverter", "header_converter"),
       ("org.apache.kafka.connect.storage.StringConverter", "header_converter")])


def test_all_plugins(shared_api):
    # Kafka Connect's order: connectors, transformations, predicates, converters, header
    # converters; a class that is both a converter and a header converter is listed twice.
    r = shared_api.plugins(connectors_only=False)
    assert r.status == 200, r
    version = shared_api.server_info().body["version"]
    assert r.body[:2] == [{"class": SINK_CLASS, "type": "sink", "version": version},
                          {"class": SOURCE_CLASS, "type": "source", "version": version}], r.body
    assert [(p["class"], p["type"]) for p in r.body[2:]] == NON_CONNECTOR_PLUGINS, r.body
    assert all(list(p) == ["class", "type", "version"] for p in r.body), r.body


def test_transform_and_converter_plugin_config(shared_api):
    r = shared_api.plugin_config(TRANSFORMS + "RegexRouter")
    assert r.status == 200, r
    assert [c["name"] for c in r.body] == ["regex", "replacement"], r.body
    # Kafka Connect's alias of a transformation names it too.
    expect_ok(shared_api.plugin_config("RegexRouter"), 200, r.body)
    r = shared_api.plugin_config("org.apache.kafka.connect.json.JsonConverter")
    assert r.status == 200, r
    assert "schemas.enable" in [c["name"] for c in r.body], r.body


def test_sink_plugin_config(shared_api):
    r = shared_api.plugin_config("FileStreamSink")
    assert r.status == 200, r
    assert [c["name"] for c in r.body] == ["file"] + FRAMEWORK_KEYS + SINK_KEYS, r.body
    by_name = {c["name"]: c for c in r.body}
    assert by_name["file"] == FILE_DEF
    assert by_name["name"] == NAME_DEF
    assert by_name["tasks.max"] == TASKS_MAX_DEF
    assert by_name["topics"] == TOPICS_DEF
    for c in r.body:
        assert list(c) == list(FILE_DEF), c  # every key, in Kafka Connect's order
    # Aliases and the full class name name the same plugin.
    for alias in ("FileStreamSinkConnector", SINK_CLASS):
        expect_ok(shared_api.plugin_config(alias), 200, r.body)


def test_source_plugin_config(shared_api):
    r = shared_api.plugin_config("FileStreamSource")
    assert r.status == 200, r
    names = [c["name"] for c in r.body]
    assert names[:3] == ["file", "topic", "batch.size"], names
    assert names[3:3 + len(FRAMEWORK_KEYS)] == FRAMEWORK_KEYS, names
    by_name = {c["name"]: c for c in r.body}
    assert by_name["batch.size"]["type"] == "INT" and by_name["batch.size"]["default_value"] == "2000"
    assert by_name["topic"]["type"] == "STRING" and by_name["topic"]["required"] is True
    assert by_name["topic"]["default_value"] is None


def test_unknown_plugin_config(shared_api):
    expect_error(shared_api.plugin_config("com.example.Nope"), 404, "Unknown plugin com.example.Nope.")
