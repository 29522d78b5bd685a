"""Black-box contract of the internal endpoints (what workers of a distributed cluster call on the
leader: POST /connectors/{c}/tasks and PUT /connectors/{c}/fence, Kafka Connect's
InternalConnectResource) on a standalone worker, over REST and over gRPC.

Every expected answer here is what Apache Kafka Connect 3.9.1's standalone worker
(ConnectStandalone, started as tests/differential/harness.py starts it) answered to the same
requests: its body is read first (Jackson: 500 when unreadable), then the KIP-507 signature
headers (400 for an unknown algorithm or a signature that is not base64), then the standalone
herder refuses (500), whether or not the connector exists and whatever the `forward` parameter.
"""

import pytest

from conftest import expect_error, rest_only, sink

NO_TASK_CONFIGS = ("Kafka Connect in standalone mode does not support externally setting task "
                   "configurations.")
NO_FENCING = "Kafka Connect in standalone mode does not support exactly-once source connectors."
SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
# A well-formed signature of no particular key: standalone never checks it.
SIGNED = ("HmacSHA256", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM=")


@pytest.mark.parametrize("body", [b"[]", b'[{"a":"b"}]', b'[{"a":1,"b":null,"c":true}]', b"[null]",
                                  b"null", b"[] x"])
def test_task_configs_are_refused_in_standalone(shared_api, uniq, body):
    expect_error(shared_api.put_task_configs(uniq("c"), body), 500, NO_TASK_CONFIGS)


def test_task_configs_are_refused_for_an_existing_connector(shared_api, uniq, tmp_path):
    name = uniq("sink")
    assert shared_api.create_connector(sink(name, tmp_path / "out.txt")).status == 201
    expect_error(shared_api.put_task_configs(name, b'[{"task.class":"x"}]', SIGNED), 500,
                 NO_TASK_CONFIGS)
    expect_error(shared_api.fence_zombies(name, signature=SIGNED), 500, NO_FENCING)
    assert shared_api.delete_connector(name).status == 204


def test_fencing_is_refused_in_standalone(shared_api, uniq):
    expect_error(shared_api.fence_zombies(uniq("c")), 500, NO_FENCING)
    expect_error(shared_api.fence_zombies(uniq("c"), b"garbage"), 500, NO_FENCING)


@pytest.mark.parametrize("signature, message", [
    (("HmacFoo", "abc"), "Algorithm HmacFoo not available"),
    (("HmacSHA256", "!!"), "Illegal base64 character 21"),
    (("HmacFoo", "!!"), "Algorithm HmacFoo not available"),
])
def test_unreadable_signature_headers_are_400(shared_api, uniq, signature, message):
    expect_error(shared_api.put_task_configs(uniq("c"), b"[]", signature), 400, message)
    expect_error(shared_api.fence_zombies(uniq("c"), signature=signature), 400, message)


@pytest.mark.parametrize("signature", [
    SIGNED,
    ("hmacsha256", "YWJj"),            # any name the JVM's Mac.getInstance accepts
    ("1.2.840.113549.2.9", "YWJj"),
    (None, "!!"),                       # one header alone: no signature, nothing checked
    ("HmacFoo", None),
])
def test_readable_or_absent_signatures_reach_the_herder(shared_api, uniq, signature):
    expect_error(shared_api.put_task_configs(uniq("c"), b"[]", signature), 500, NO_TASK_CONFIGS)
    expect_error(shared_api.fence_zombies(uniq("c"), signature=signature), 500, NO_FENCING)


def test_task_configs_body_is_read_before_the_signature(shared_api, uniq):
    rest_only(shared_api, "the gateway reads the JSON body")
    api = shared_api
    expect_error(api.put_task_configs(uniq("c"), b"xyz", ("HmacFoo", "!!")), 500,
                 "Unrecognized token 'xyz': was expecting (JSON String, Number, Array, Object or token "
                 "'null', 'true' or 'false')\n at " + SOURCE + "line: 1, column: 4]")
    expect_error(api.put_task_configs(uniq("c"), b"", content_type=None), 500,
                 "No content to map due to end-of-input\n at " + SOURCE + "line: 1]")
    expect_error(api.put_task_configs(uniq("c"), b"{}"), 500,
                 "Cannot deserialize value of type `java.util.ArrayList<java.util.Map<java.lang.String,"
                 "java.lang.String>>` from Object value (token `JsonToken.START_OBJECT`)\n at "
                 + SOURCE + "line: 1, column: 1]")
    expect_error(api.put_task_configs(uniq("c"), b'[{"a":{}}]'), 500,
                 "Cannot deserialize value of type `java.lang.String` from Object value (token "
                 "`JsonToken.START_OBJECT`)\n at " + SOURCE + "line: 1, column: 7] (through reference "
                 'chain: java.util.ArrayList[0]->java.util.LinkedHashMap["a"])')
    expect_error(api.put_task_configs(uniq("c"), b'[{"a":"b"}, 5]'), 500,
                 "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,"
                 "java.lang.String>` from Integer value (token `JsonToken.VALUE_NUMBER_INT`)\n at "
                 + SOURCE + "line: 1, column: 13] (through reference chain: java.util.ArrayList[1])")
    expect_error(api.put_task_configs(uniq("c"), b'[{"a":"b"'), 500,
                 "Unexpected end-of-input: expected close marker for Object (start marker at " + SOURCE
                 + "line: 1, column: 2])\n at " + SOURCE + "line: 1, column: 10] (through reference "
                 "chain: java.util.ArrayList[0])")


def test_internal_endpoints_take_any_media_type(shared_api, uniq):
    rest_only(shared_api, "media types are HTTP's")
    expect_error(shared_api.put_task_configs(uniq("c"), b'[{"a":"b"}]', content_type="text/plain"),
                 500, NO_TASK_CONFIGS)
    expect_error(shared_api.fence_zombies(uniq("c"), b"garbage", content_type="text/plain"), 500,
                 NO_FENCING)


def test_forward_parameter_changes_nothing_in_standalone(shared_api, uniq):
    rest_only(shared_api, "a query parameter")
    r = shared_api.raw("POST", f"/connectors/{uniq('c')}/tasks?forward=false", data=b"[]",
                       headers={"Content-Type": "application/json"})
    expect_error(r, 500, NO_TASK_CONFIGS)
    expect_error(shared_api.raw("PUT", f"/connectors/{uniq('c')}/fence?forward=true"), 500, NO_FENCING)


def test_other_methods_on_the_internal_paths(shared_api, uniq):
    rest_only(shared_api, "methods are HTTP's")
    name = uniq("c")
    expect_error(shared_api.raw("GET", f"/connectors/{name}/fence"), 405, "HTTP 405 Method Not Allowed")
    expect_error(shared_api.raw("POST", f"/connectors/{name}/fence"), 405, "HTTP 405 Method Not Allowed")
    expect_error(shared_api.raw("PUT", f"/connectors/{name}/tasks"), 405, "HTTP 405 Method Not Allowed")
    # GET .../tasks is the public task list.
    expect_error(shared_api.raw("GET", f"/connectors/{name}/tasks"), 404, f"Connector {name} not found")
