"""The case catalog of the differential suite: what runs through Kafka Connect 3.9.1 and Sluice.

Where keys and headers show:
  - FileStreamSink writes String.valueOf(value) and nothing else, so on the sink side a value's
    schema, the key and the headers show only through the DLQ (the original record, and the
    error of a converter or transform in the context headers) and through what a transform
    copies into the value (InsertField's topic, partition, offset, timestamp).
  - On the source side every record starts as a line (STRING schema, null key), and the output
    topic shows the exact key, value and header bytes the converters write. Keys get content
    from the value (HoistField$Value + ValueToKey: a schema'd Struct key) or, schemaless, from
    the null key itself (HoistField$Key on a null key gives a schemaless Map).
So each SMT runs on the sink side with schemas (envelopes with nested structs, logical types,
arrays, maps with string and integer keys, defaults, unicode, nulls, tombstones) and without
(plain JSON), and its key variant runs on the source side (schema'd and schemaless keys), and on
the sink side where its errors show in the DLQ.

Each case's `expect` says what Java does with it (checked on every run); the counts were read
off Kafka Connect 3.9.1's outputs when the case was written.
"""

from model import (BOOLEAN, BYTES, DATE, FLOAT32, FLOAT64, INT8, INT16, INT32, INT64, STRING,
                   TIME, TIMESTAMP, Case, Rec, Validation, array, dec, decimal, env, js, map_, opt,
                   struct)

JSON = "org.apache.kafka.connect.json.JsonConverter"
STR = "org.apache.kafka.connect.storage.StringConverter"
BYTEARRAY = "org.apache.kafka.connect.converters.ByteArrayConverter"
SIMPLE = "org.apache.kafka.connect.storage.SimpleHeaderConverter"
T = "org.apache.kafka.connect.transforms."
P = "org.apache.kafka.connect.transforms.predicates."

# Connector-level converter settings. A `*.converter.*` key counts only where the connector
# sets the converter class too (Kafka Connect ignores it otherwise; see converter_props_alone).
SCHEMALESS = {"key.converter": JSON, "key.converter.schemas.enable": "false",
              "value.converter": JSON, "value.converter.schemas.enable": "false"}
STRING_VALUES = {"value.converter": STR}


def tf(*chain, predicates=(), **extra):
    """Transform config: chain = (alias, class, {key: value}) in order; class names without a
    package are in org.apache.kafka.connect.transforms. predicates = (alias, class, {…})."""
    cfg = {"transforms": ",".join(a for a, _, _ in chain)}
    for alias, cls, props in chain:
        cfg[f"transforms.{alias}.type"] = cls if "." in cls else T + cls
        cfg.update({f"transforms.{alias}.{k}": v for k, v in props.items()})
    if predicates:
        cfg["predicates"] = ",".join(a for a, _, _ in predicates)
        for alias, cls, props in predicates:
            cfg[f"predicates.{alias}.type"] = cls if "." in cls else P + cls
            cfg.update({f"predicates.{alias}.{k}": v for k, v in props.items()})
    cfg.update(extra)
    return cfg


# ------------------------------------------------------------------------ sink data, with schemas

ADDRESS = struct([("city", STRING), ("zip", opt(STRING))], optional=True,
                 name="com.example.Address")
CUSTOMER = struct([("first", STRING), ("last", opt(STRING)), ("address", ADDRESS)],
                  optional=True, name="com.example.Customer")
ORDER = struct([
    ("id", INT32), ("name", opt(STRING)), ("price", decimal(2)), ("ts", TIMESTAMP),
    ("day", opt(DATE)), ("tod", opt(TIME)), ("tags", array(STRING, optional=True)),
    ("scores", map_(STRING, FLOAT64, optional=True)),
    ("labels", map_(INT32, STRING, optional=True)), ("customer", CUSTOMER), ("active", BOOLEAN),
    ("qty", opt(INT64, default=7)), ("ratio", opt(FLOAT32)), ("code", opt(INT8)),
    ("small", opt(INT16)), ("note", opt(STRING, default="n/a")), ("big", FLOAT64)],
    name="com.example.Order", version=3, doc="an order")
ORDER_KEY = struct([("id", INT32), ("region", STRING)], name="com.example.OrderKey")

O1 = {"id": 1, "name": "widget", "price": dec(1234), "ts": 1700000000123, "day": 19675,
      "tod": 37230000, "tags": ["a", "b", "c"],
      "scores": {"x": 1.5, "alpha": -2.0, "zeta": 1e10, "m": 0.001, "q": 1e-4},
      "labels": [[1, "one"], [20, "twenty"], [3, "three"]],
      "customer": {"first": "Ann", "last": "Lee", "address": {"city": "Zürich", "zip": "8001"}},
      "active": True, "qty": 3, "ratio": 0.25, "code": -5, "small": 300, "note": "first",
      "big": 1.0e-5}
O2 = {"id": 2, "name": None, "price": dec(5), "ts": 0, "day": None, "tod": None, "tags": None,
      "scores": None, "labels": None, "customer": None, "active": False, "qty": None,
      "ratio": None, "code": None, "small": None, "note": None, "big": 0.0}
O3 = {"id": 3, "name": "日本語 🎉 \"q\" \\ é\ttab", "price": dec(-100), "ts": -1, "day": -1,
      "tod": 86399999, "tags": [], "scores": {}, "labels": [],
      "customer": {"first": "Zoë", "last": None, "address": None}, "active": True,
      "qty": 9007199254740993, "ratio": 3.4028235e38, "code": 127, "small": -32768,
      "note": "ünï", "big": 123456789.125}

# Keys of three shapes (a struct, an int32, a string), so that key transforms meet each.
ORDERS = [
    Rec(env(ORDER, O1), key=env(ORDER_KEY, {"id": 1, "region": "eu"}),
        headers=[("trace", b"abc"), ("n", b"42")]),
    Rec(env(ORDER, O2), key=env(INT32, 2)),
    Rec(env(ORDER, O3), key=env(STRING, "k3"), headers=[("trace", None)]),
    Rec(None, key=env(ORDER_KEY, {"id": 4, "region": "us"})),          # a tombstone
    Rec(env(opt(ORDER), None), key=None),                               # a null payload
]

# Flatten with schemas refuses MAP fields: a nested dataset without maps.
POINT = struct([("x", FLOAT64), ("y", opt(FLOAT64, default=0.0))], optional=True,
               name="com.example.Point")
NESTED = struct([("id", INT64), ("where", struct([("city", STRING), ("at", POINT),
                                                  ("since", opt(DATE))], optional=True)),
                 ("tags", array(STRING, optional=True)), ("price", opt(decimal(3))),
                 ("deep", struct([("a", struct([("b", struct([("c", opt(INT16))],
                                                             optional=True))],
                                                optional=True))], optional=True)),
                 ("ok", opt(BOOLEAN, default=True))], name="com.example.Nested")
NESTED_RECORDS = [
    Rec(env(NESTED, {"id": 1, "where": {"city": "Zürich", "at": {"x": 47.37, "y": 8.54},
                                        "since": 18000}, "tags": ["t"], "price": dec(1500),
                     "deep": {"a": {"b": {"c": 7}}}, "ok": False})),
    Rec(env(NESTED, {"id": 2, "where": {"city": "東京", "at": None, "since": None},
                     "tags": None, "price": None, "deep": {"a": None}, "ok": None})),
    Rec(env(NESTED, {"id": 3, "where": None, "tags": [], "price": dec(-1),
                     "deep": None, "ok": True})),
    Rec(None),
]

# ------------------------------------------------------------------------ sink data, schemaless

S1 = {"id": 1, "name": "widget", "price": 12.34, "ts": 1700000000123, "tags": ["a", "b"],
      "scores": {"x": 1.5, "alpha": -2.0, "zeta": 1e10},
      "customer": {"first": "Ann", "last": "Lee", "address": {"city": "Zürich", "zip": "8001"}},
      "active": True, "qty": 3, "note": None}
S2 = {"id": 2, "name": None, "price": 0, "ts": 0, "tags": [], "scores": {}, "customer": None,
      "active": False, "qty": -1}
S3 = {"id": 3, "name": "日本語 🎉 \"q\" \\ é", "price": -1.5e-7, "ts": 86400000,
      "customer": {"first": "Zoë", "address": {"city": "Åre"}}, "qty": 123456789012}

PLAIN = [
    Rec(js(S1), key=js({"id": 1}), headers=[("trace", b"abc")]),
    Rec(js(S2), key=js(2)),
    Rec(js(S3), key=js("k3")),
    Rec(None, key=js({"id": 4})),           # a tombstone
    Rec(js("just a string"), key=None),     # not a map
    Rec(js([1, 2, 3]), key=None),           # not a map either
]

# ------------------------------------------------------------------------ source data

LINES = "alpha\nbeta 🎉\n\nZürich \"q\" \\ é\nlast\r\n"
NUMBER_LINES = "42\n-7\n0\n120\n"
TIME_LINES = "2024-03-05 10:11:12.345\n1970-01-01 00:00:00.000\n2000-02-29 23:59:59.999\n"

# HoistField$Value + InsertField$Value + ValueToKey: a schema'd Struct key from each line.
KEYED = [("hoist", "HoistField$Value", {"field": "line"}),
         ("ins", "InsertField$Value", {"static.field": "src", "static.value": "file",
                                       "topic.field": "topic"}),
         ("v2k", "ValueToKey", {"fields": "line,src"})]
# A schemaless Map key from the null key: HoistField$Key gives {k=null}; InsertField$Key adds.
MAPKEY = [("hk", "HoistField$Key", {"field": "k"}),
          ("ik", "InsertField$Key", {"static.field": "s", "static.value": "v",
                                     "topic.field": "t", "partition.field": "p"})]


def sink(name, about, records, config=None, **kw):
    return Case(name, "sink", about, config=config or {}, records=records, **kw)


def source(name, about, lines, config=None, **kw):
    return Case(name, "source", about, config=config or {}, lines=lines, **kw)


CASES = []


def add(*cases):
    CASES.extend(cases)


# ======================================================================== plain pipelines
# What Sluice supports without transforms: converters and the file connectors.

add(
    sink("plain_sink_json_schema", "JsonConverter envelopes (structs, logical types, maps, arrays,"
         " defaults, unicode, nulls, a tombstone) to the file sink", ORDERS, dlq=False),
    sink("plain_sink_json_schemaless", "plain JSON (HashMap order, numbers, unicode, a tombstone,"
         " a string, an array) to the file sink", PLAIN, SCHEMALESS, dlq=False),
    sink("plain_sink_string", "StringConverter values: text, unicode, empty, a tombstone",
         [Rec(b"hello"), Rec("héllo wörld 日本 🎉".encode()), Rec(None), Rec(b""),
          Rec(b"tab\there")], STRING_VALUES, dlq=False),
    sink("plain_sink_json_numbers", "JSON numbers the converter reads with care: big integers,"
         " exponents, long fractions, negative zero",
         [Rec(js({"big": 12345678901234567890, "neg": -9223372036854775808, "e": 1e300,
                  "f": 0.1, "g": -0.0, "h": 1.0, "i": 100, "j": 1.5e-10, "k": 123456789.123456789}))],
         SCHEMALESS, dlq=False),
    sink("plain_sink_json_schema_types", "envelopes of every primitive type and of top-level"
         " arrays and maps",
         [Rec(env(INT8, -128)), Rec(env(INT16, 32767)), Rec(env(INT64, -9223372036854775808)),
          Rec(env(FLOAT32, 1.1)), Rec(env(FLOAT64, 1e21)), Rec(env(BOOLEAN, False)),
          Rec(env(STRING, "")), Rec(env(array(INT32), [1, 2, 3])),
          Rec(env(map_(STRING, INT32), {"b": 2, "a": 1, "c": 3})),
          Rec(env(map_(INT64, BOOLEAN), [[3, True], [1, False]])),
          Rec(env(decimal(5), dec(123456789))), Rec(env(decimal(2), 12.3)),
          Rec(env(TIMESTAMP, 1700000000123)),
          Rec(env(DATE, 19675)), Rec(env(TIME, 1000)),
          Rec(env(opt(STRING, default="dflt"), None)),
          Rec(env(None, {"schemaless": ["in", "an", "envelope"]}))],
         dlq=False),
    source("plain_source_json", "lines (unicode, an empty line, CRLF) to JSON with schemas",
           LINES),
    source("plain_source_string", "lines to StringConverter values",
           LINES, {"value.converter": STR}),
    source("plain_source_schemaless", "lines to JSON without schemas",
           LINES, {"value.converter": JSON, "value.converter.schemas.enable": "false"}),
    source("plain_source_alt_worker", "lines through the worker-level converters of the alt worker"
           " (value JsonConverter without schemas)", LINES, worker="alt"),
    sink("plain_sink_alt_worker", "records through the alt worker's converters (StringConverter"
         " keys, schemaless JSON values, JsonConverter headers with schemas)",
         [Rec(js({"b": 1, "a": 2}), key=b"not json", headers=[("h", env(INT32, 5))]),
          Rec(js([1, "x"]), key=None)], worker="alt", dlq=False),
    sink("converter_no_default", "JsonConverter replace.null.with.default=false: null fields"
         " with a schema default stay null", ORDERS[:2],
         {"value.converter": JSON, "value.converter.replace.null.with.default": "false"},
         dlq=False),
    sink("converter_props_alone", "value.converter.schemas.enable without value.converter is"
         " ignored (the worker's converter keeps its own settings), so plain JSON fails",
         [Rec(js({"a": 1})), Rec(env(STRING, "enveloped"))],
         {"value.converter.schemas.enable": "false"}),
)

# ======================================================================== InsertField

INSERT_ALL = {"topic.field": "topic", "partition.field": "part!", "offset.field": "off",
              "timestamp.field": "when", "static.field": "src", "static.value": "dt"}
add(
    sink("insertfield_value_schema", "InsertField$Value: topic, partition (required), offset,"
         " timestamp, static fields into structs; tombstone and null payload pass",
         ORDERS, tf(("i", "InsertField$Value", INSERT_ALL))),
    sink("insertfield_value_schemaless", "InsertField$Value into maps; non-maps fail",
         PLAIN, tf(("i", "InsertField$Value", INSERT_ALL), **SCHEMALESS)),
    sink("insertfield_value_some", "InsertField$Value with only a timestamp and an optional"
         " static field", ORDERS[:2], tf(("i", "InsertField$Value",
                                          {"timestamp.field": "when?", "static.field": "s?",
                                           "static.value": "v"}))),
    sink("insertfield_key_sink", "InsertField$Key on struct, int and string keys: the non-structs"
         " fail into the DLQ", ORDERS, tf(("i", "InsertField$Key", {"static.field": "s",
                                                                       "static.value": "v"}))),
    source("insertfield_key_source", "InsertField$Key on a struct key from ValueToKey: topic,"
           " partition (null), static", LINES,
           tf(*KEYED, ("ik", "InsertField$Key", {"topic.field": "t", "partition.field": "p",
                                                  "static.field": "s", "static.value": "v"}))),
    source("insertfield_key_source_schemaless", "HoistField$Key + InsertField$Key on a null key:"
           " a schemaless map key", LINES, tf(*MAPKEY)),
    source("insertfield_value_source", "InsertField$Value on a struct from a line",
           LINES, tf(("hoist", "HoistField$Value", {"field": "line"}),
                     ("i", "InsertField$Value", {"topic.field": "topic!", "static.field": "s",
                                                 "static.value": "v"}))),
    source("insertfield_offset_on_source", "InsertField offset.field on a source record fails"
           " the task", LINES,
           tf(("hoist", "HoistField$Value", {"field": "line"}),
              ("i", "InsertField$Value", {"offset.field": "off"}),
              **{"errors.log.enable": "true", "errors.log.include.messages": "true"})),
)

# ======================================================================== ReplaceField

add(
    sink("replacefield_value_schema", "ReplaceField$Value exclude + renames on structs",
         ORDERS, tf(("r", "ReplaceField$Value", {"exclude": "tags,scores,labels,customer",
                                                 "renames": "id:order_id,name:title"}))),
    sink("replacefield_value_include", "ReplaceField$Value include (with a missing field) and"
         " exclude winning over include", ORDERS,
         tf(("r", "ReplaceField$Value", {"include": "id,name,customer,nope,price",
                                         "exclude": "price"}))),
    sink("replacefield_value_schemaless", "ReplaceField$Value on maps; non-maps fail",
         PLAIN, tf(("r", "ReplaceField$Value", {"exclude": "tags",
                                                "renames": "id:order_id,name:title,nope:x"}),
                   **SCHEMALESS)),
    sink("replacefield_value_deprecated_keys", "ReplaceField's deprecated blacklist/whitelist",
         PLAIN[:3], tf(("r", "ReplaceField$Value", {"blacklist": "tags",
                                                    "whitelist": "id,tags,name"}),
                       **SCHEMALESS)),
    sink("replacefield_key_sink", "ReplaceField$Key on struct, int and string keys",
         ORDERS, tf(("r", "ReplaceField$Key", {"renames": "id:key_id"}))),
    source("replacefield_key_source", "ReplaceField$Key renames and excludes in a struct key",
           LINES, tf(*KEYED, ("rk", "ReplaceField$Key", {"renames": "line:text",
                                                          "exclude": "src"}))),
    source("replacefield_key_source_schemaless", "ReplaceField$Key on a schemaless map key",
           LINES, tf(*MAPKEY, ("rk", "ReplaceField$Key", {"renames": "t:topic,s:static",
                                                           "exclude": "p"}))),
)

# ======================================================================== MaskField

add(
    sink("maskfield_value_schema", "MaskField$Value on every primitive, logical, array and map"
         " field; null payload fails", ORDERS,
         tf(("m", "MaskField$Value", {"fields": "name,price,ts,day,tod,tags,scores,labels,active,"
                                                "qty,ratio,code,small,note,big"}))),
    sink("maskfield_value_struct", "MaskField$Value on a struct field fails", ORDERS[:1],
         tf(("m", "MaskField$Value", {"fields": "customer"}))),
    sink("maskfield_value_replacement", "MaskField$Value replacement on numbers and strings",
         ORDERS[:3], tf(("m", "MaskField$Value", {"fields": "id,name,qty,big,note,code",
                                                  "replacement": "12"}))),
    sink("maskfield_value_replacement_bad", "MaskField$Value replacement that is not a number"
         " on a number field", ORDERS[:1],
         tf(("m", "MaskField$Value", {"fields": "id", "replacement": "x"}))),
    sink("maskfield_value_replacement_boolean", "MaskField$Value replacement on a boolean field"
         " (no replacement for booleans)", ORDERS[:1],
         tf(("m", "MaskField$Value", {"fields": "active", "replacement": "1"}))),
    sink("maskfield_value_schemaless", "MaskField$Value on maps (missing fields become null)",
         PLAIN, tf(("m", "MaskField$Value", {"fields": "name,price,tags,scores,active,qty,nope"}),
                   **SCHEMALESS)),
    sink("maskfield_key_sink", "MaskField$Key on struct, int and string keys",
         ORDERS, tf(("m", "MaskField$Key", {"fields": "id"}))),
    source("maskfield_key_source", "MaskField$Key in a struct key", LINES,
           tf(*KEYED, ("mk", "MaskField$Key", {"fields": "line"}))),
    source("maskfield_key_source_schemaless", "MaskField$Key in a schemaless map key", LINES,
           tf(*MAPKEY, ("mk", "MaskField$Key", {"fields": "s,t", "replacement": "***"}))),
)

# ======================================================================== ValueToKey

add(
    sink("valuetokey_schema_missing", "ValueToKey naming a field the struct lacks", ORDERS[:1],
         tf(("v", "ValueToKey", {"fields": "id,nope"}))),
    sink("valuetokey_schemaless", "ValueToKey on maps (works) and non-maps (fails)", PLAIN,
         tf(("v", "ValueToKey", {"fields": "id,name"}), **SCHEMALESS)),
    sink("valuetokey_then_key_smt", "ValueToKey then ExtractField$Key then Cast$Key: fails only"
         " where the key cannot be cast", ORDERS,
         tf(("v", "ValueToKey", {"fields": "name"}), ("e", "ExtractField$Key", {"field": "name"}),
            ("c", "Cast$Key", {"spec": "int32"}))),
    source("valuetokey_source", "ValueToKey makes a struct key from a line", LINES,
           tf(("hoist", "HoistField$Value", {"field": "line"}),
              ("v", "ValueToKey", {"fields": "line"}))),
)

# ======================================================================== HoistField

add(
    sink("hoistfield_value_schema", "HoistField$Value wraps structs and tombstones", ORDERS,
         tf(("h", "HoistField$Value", {"field": "wrapped"}))),
    sink("hoistfield_value_schemaless", "HoistField$Value wraps maps, strings, arrays",
         PLAIN, tf(("h", "HoistField$Value", {"field": "wrapped"}), **SCHEMALESS)),
    sink("hoistfield_key_sink", "HoistField$Key then ExtractField$Key round trip", ORDERS,
         tf(("h", "HoistField$Key", {"field": "k"}), ("e", "ExtractField$Key", {"field": "k"}),
            ("e2", "ExtractField$Key", {"field": "id"}))),
    source("hoistfield_value_source", "HoistField$Value on a line: the struct schema shows",
           LINES, tf(("h", "HoistField$Value", {"field": "line"}))),
    source("hoistfield_key_source", "HoistField$Key on a struct key", LINES,
           tf(*KEYED, ("hk", "HoistField$Key", {"field": "outer"}))),
    source("hoistfield_key_source_schemaless", "HoistField$Key on a null key, twice", LINES,
           tf(("hk", "HoistField$Key", {"field": "a"}), ("hk2", "HoistField$Key", {"field": "b"}))),
)

# ======================================================================== ExtractField

add(
    sink("extractfield_value_schema", "ExtractField$Value of a nested struct; tombstone passes;"
         " null payload passes", ORDERS, tf(("e", "ExtractField$Value", {"field": "customer"}))),
    sink("extractfield_value_primitive", "ExtractField$Value of logical, map and array fields",
         ORDERS[:3], tf(("e", "ExtractField$Value", {"field": "price"}))),
    sink("extractfield_value_missing", "ExtractField$Value of a field the schema lacks",
         ORDERS[:2], tf(("e", "ExtractField$Value", {"field": "nope"}))),
    sink("extractfield_value_v2", "ExtractField$Value with field.syntax.version=V2: a dotted path"
         " into nested structs", ORDERS,
         tf(("e", "ExtractField$Value", {"field": "customer.address.city",
                                         "field.syntax.version": "V2"}))),
    sink("extractfield_value_v2_schemaless", "ExtractField$Value V2 with backticks on maps",
         [Rec(js({"a.b": {"c": 1}, "a": {"b": {"c": 2}}})), Rec(js({"a": {"b": "x"}})),
          Rec(js({"a": 5}))],
         tf(("e", "ExtractField$Value", {"field": "`a.b`.c", "field.syntax.version": "V2"}),
            **SCHEMALESS)),
    sink("extractfield_value_schemaless", "ExtractField$Value on maps (missing key: null);"
         " non-maps fail", PLAIN,
         tf(("e", "ExtractField$Value", {"field": "customer"}), **SCHEMALESS)),
    sink("extractfield_key_sink", "ExtractField$Key on struct, int and string keys", ORDERS,
         tf(("e", "ExtractField$Key", {"field": "id"}))),
    source("extractfield_key_source", "ExtractField$Key from a struct key", LINES,
           tf(*KEYED, ("ek", "ExtractField$Key", {"field": "line"}))),
    source("extractfield_key_source_schemaless", "ExtractField$Key from a schemaless map key",
           LINES, tf(*MAPKEY, ("ek", "ExtractField$Key", {"field": "t"}))),
    source("extractfield_value_source", "ExtractField$Value from a struct built from a line",
           LINES, tf(*KEYED, ("e", "ExtractField$Value", {"field": "topic"}))),
)

# ======================================================================== SetSchemaMetadata

add(
    sink("setschemametadata_value_schema", "SetSchemaMetadata$Value on structs (invisible in"
         " the file: the values stay the same)", ORDERS,
         tf(("s", "SetSchemaMetadata$Value", {"schema.name": "x.Y", "schema.version": "9"}))),
    sink("setschemametadata_value_schemaless", "SetSchemaMetadata$Value needs a schema",
         PLAIN[:2], tf(("s", "SetSchemaMetadata$Value", {"schema.name": "x.Y"}), **SCHEMALESS)),
    source("setschemametadata_value_source", "SetSchemaMetadata$Value: name and version of a"
           " struct schema show in the envelope", LINES,
           tf(("h", "HoistField$Value", {"field": "line"}),
              ("s", "SetSchemaMetadata$Value", {"schema.name": "com.example.Line",
                                                "schema.version": "2"}))),
    source("setschemametadata_value_source_string", "SetSchemaMetadata$Value on a string schema"
           " fails the task (Kafka 3.9 lists the fields of any schema)", LINES,
           tf(("s", "SetSchemaMetadata$Value", {"schema.name": "com.example.Line"}))),
    source("setschemametadata_key_source", "SetSchemaMetadata$Key on a struct key", LINES,
           tf(*KEYED, ("sk", "SetSchemaMetadata$Key", {"schema.name": "com.example.Key"}))),
    source("setschemametadata_key_source_schemaless", "SetSchemaMetadata$Key on a null-schema"
           " key fails the task", LINES,
           tf(*MAPKEY, ("sk", "SetSchemaMetadata$Key", {"schema.version": "4"}))),
)

# ======================================================================== Routers

add(
    sink("timestamprouter_sink", "TimestampRouter, then InsertField shows the new topic", ORDERS,
         tf(("r", "TimestampRouter", {"topic.format": "${topic}_at_${timestamp}",
                                      "timestamp.format": "yyyy-MM-dd'T'HH:mm:ss.SSS EEE"}),
            ("i", "InsertField$Value", {"topic.field": "topic"}))),
    sink("timestamprouter_sink_default", "TimestampRouter with its defaults", PLAIN[:3],
         tf(("r", "TimestampRouter", {}), ("i", "InsertField$Value", {"topic.field": "topic"}),
            **SCHEMALESS)),
    source("timestamprouter_source", "TimestampRouter on source records (FileStreamSource sets"
           " the wall clock as timestamp; a literal format keeps the topic fixed)", LINES,
           tf(("r", "TimestampRouter", {"timestamp.format": "'ts'"})),
           outputs={"dt.timestamprouter_source-ts": 0}),
    sink("regexrouter_sink", "RegexRouter (whole-topic match, group reference), then"
         " InsertField shows it", PLAIN[:3],
         tf(("r", "RegexRouter", {"regex": r"dt\.(regex)(router)_(.*)",
                                  "replacement": "$2-$1-$3-$0"}),
            ("i", "InsertField$Value", {"topic.field": "topic"}), **SCHEMALESS)),
    sink("regexrouter_sink_nomatch", "RegexRouter whose regex matches only part of the topic"
         " leaves it", PLAIN[:2],
         tf(("r", "RegexRouter", {"regex": "router", "replacement": "X"}),
            ("i", "InsertField$Value", {"topic.field": "topic"}), **SCHEMALESS)),
    source("regexrouter_source", "RegexRouter sends source records to another topic", LINES,
           tf(("r", "RegexRouter", {"regex": r"dt\.(.*)_source", "replacement": "dt.$1_routed"})),
           outputs={"dt.regexrouter_routed": 0}),
)

# ======================================================================== Flatten

add(
    sink("flatten_value_schema", "Flatten$Value on nested structs (optional, null, defaults,"
         " logical types; arrays kept)", NESTED_RECORDS, tf(("f", "Flatten$Value", {}))),
    sink("flatten_value_schema_delimiter", "Flatten$Value with a delimiter", NESTED_RECORDS,
         tf(("f", "Flatten$Value", {"delimiter": "__"}))),
    sink("flatten_value_schema_map", "Flatten$Value with schemas refuses a MAP field",
         ORDERS[:1], tf(("f", "Flatten$Value", {}))),
    sink("flatten_value_schemaless", "Flatten$Value on nested maps; non-maps fail",
         PLAIN, tf(("f", "Flatten$Value", {"delimiter": "_"}), **SCHEMALESS)),
    sink("flatten_key_sink", "Flatten$Key on struct, int and string keys", ORDERS,
         tf(("f", "Flatten$Key", {}))),
    source("flatten_key_source", "Flatten$Key on a nested struct key", LINES,
           tf(*KEYED, ("hk", "HoistField$Key", {"field": "outer"}),
              ("fk", "Flatten$Key", {"delimiter": "/"}))),
    source("flatten_key_source_schemaless", "Flatten$Key on a nested schemaless map key", LINES,
           tf(*MAPKEY, ("hk2", "HoistField$Key", {"field": "outer"}), ("fk", "Flatten$Key", {}))),
)

# ======================================================================== Cast

add(
    sink("cast_value_schema", "Cast$Value of fields to every target type", ORDERS,
         tf(("c", "Cast$Value", {"spec": "id:int64,code:string,small:int8,qty:float32,"
                                         "ratio:float64,active:int16,big:int32,name:string,"
                                         "ts:string,price:string"}))),
    sink("cast_value_default", "Cast$Value reads a null field as its schema default (the"
         " converter left it null: its replace.null.with.default=false)", ORDERS[:2],
         tf(("c", "Cast$Value", {"spec": "qty:int32,note:string"}),
            **{"value.converter": JSON,
               "value.converter.replace.null.with.default": "false"})),
    sink("cast_value_no_default", "Cast$Value with replace.null.with.default=false keeps null"
         " fields null", ORDERS[:2],
         tf(("c", "Cast$Value", {"spec": "qty:int32,note:string",
                                 "replace.null.with.default": "false"}),
            **{"value.converter": JSON,
               "value.converter.replace.null.with.default": "false"})),
    sink("cast_value_schema_logical", "Cast$Value of logical types to integers and strings",
         ORDERS[:3], tf(("c", "Cast$Value", {"spec": "ts:int64,day:string,tod:int32"}))),
    sink("cast_value_schema_bad", "Cast$Value of a string that is not a number", ORDERS[:1],
         tf(("c", "Cast$Value", {"spec": "name:int32"}))),
    sink("cast_value_whole", "Cast$Value of whole primitive values",
         [Rec(env(INT32, 300)), Rec(env(STRING, "17")), Rec(env(FLOAT64, 2.75)),
          Rec(env(BOOLEAN, True)), Rec(env(BYTES, "aGk=")), Rec(env(STRING, "x"))],
         tf(("c", "Cast$Value", {"spec": "int8"}))),
    sink("cast_value_whole_string", "Cast$Value of whole values to string", [
        Rec(env(INT64, 300)), Rec(env(FLOAT32, 0.1)), Rec(env(BYTES, "aGVsbG8=")),
        Rec(env(BOOLEAN, False))], tf(("c", "Cast$Value", {"spec": "string"}))),
    sink("cast_value_schemaless", "Cast$Value on map fields", PLAIN,
         tf(("c", "Cast$Value", {"spec": "id:string,price:int32,active:int8,qty:float32,"
                                         "name:boolean"}), **SCHEMALESS)),
    sink("cast_key_sink", "Cast$Key of the whole key (int and string keys; struct fails)",
         ORDERS, tf(("c", "Cast$Key", {"spec": "string"}))),
    source("cast_value_source", "Cast$Value of number lines: the target schemas show",
           NUMBER_LINES, tf(("c", "Cast$Value", {"spec": "int16"}))),
    source("cast_value_source_float", "Cast$Value of number lines to float64",
           NUMBER_LINES, tf(("c", "Cast$Value", {"spec": "float64"}))),
    source("cast_key_source", "Cast$Key on a struct key", NUMBER_LINES,
           tf(*KEYED, ("ck", "Cast$Key", {"spec": "line:int64"}))),
    source("cast_key_source_schemaless", "Cast$Key on a schemaless map key", LINES,
           tf(*MAPKEY, ("ck", "Cast$Key", {"spec": "p:string,s:boolean"}))),
)

# ======================================================================== TimestampConverter

add(
    sink("timestampconverter_value_string", "TimestampConverter$Value Timestamp field to string",
         ORDERS, tf(("t", "TimestampConverter$Value", {"field": "ts", "target.type": "string",
                                                       "format": "yyyy-MM-dd HH:mm:ss.SSS"}))),
    sink("timestampconverter_value_unix", "TimestampConverter$Value Timestamp to unix seconds",
         ORDERS[:3], tf(("t", "TimestampConverter$Value", {"field": "ts", "target.type": "unix",
                                                           "unix.precision": "seconds"}))),
    sink("timestampconverter_value_date", "TimestampConverter$Value Timestamp to Date and Time",
         ORDERS[:3], tf(("t", "TimestampConverter$Value", {"field": "ts", "target.type": "Date"}),
                        ("t2", "TimestampConverter$Value", {"field": "day",
                                                            "target.type": "Timestamp"}))),
    sink("timestampconverter_value_schemaless", "TimestampConverter$Value on a map's long",
         PLAIN, tf(("t", "TimestampConverter$Value", {"field": "ts", "target.type": "string",
                                                      "format": "EEE, d MMM yyyy HH:mm:ss Z"}),
                   **SCHEMALESS)),
    sink("timestampconverter_value_whole", "TimestampConverter$Value on whole values",
         [Rec(env(INT64, 1700000000123)), Rec(env(STRING, "2024-01-02")),
          Rec(env(STRING, "bad date"))],
         tf(("t", "TimestampConverter$Value", {"target.type": "Timestamp",
                                               "format": "yyyy-MM-dd"}))),
    sink("timestampconverter_value_micros", "TimestampConverter$Value unix micro and nano"
         " precision", [Rec(js(1700000000123456)), Rec(js(5))],
         tf(("t", "TimestampConverter$Value", {"target.type": "string",
                                               "format": "yyyy-MM-dd HH:mm:ss.SSS",
                                               "unix.precision": "microseconds"}),
            **SCHEMALESS)),
    source("timestampconverter_value_source", "TimestampConverter$Value of time lines to"
           " Timestamp: the logical schema shows", TIME_LINES,
           tf(("t", "TimestampConverter$Value", {"target.type": "Timestamp",
                                                 "format": "yyyy-MM-dd HH:mm:ss.SSS"}))),
    source("timestampconverter_value_source_unix", "TimestampConverter$Value of time lines to"
           " unix milliseconds", TIME_LINES,
           tf(("t", "TimestampConverter$Value", {"target.type": "unix",
                                                 "format": "yyyy-MM-dd HH:mm:ss.SSS"}))),
    source("timestampconverter_key_source", "TimestampConverter$Key on a struct key field",
           TIME_LINES, tf(*KEYED, ("tk", "TimestampConverter$Key", {
               "field": "line", "target.type": "Date", "format": "yyyy-MM-dd HH:mm:ss.SSS"}))),
    source("timestampconverter_key_source_schemaless", "TimestampConverter$Key on a field of a"
           " schemaless map key", LINES,
           tf(("hk", "HoistField$Key", {"field": "k"}),
              ("ik", "InsertField$Key", {"static.field": "day", "static.value": "2024-03-05"}),
              ("tk", "TimestampConverter$Key", {"field": "day", "target.type": "unix",
                                                "format": "yyyy-MM-dd"}))),
    sink("timestampconverter_key_sink", "TimestampConverter$Key on int, string and struct keys",
         ORDERS, tf(("t", "TimestampConverter$Key", {"target.type": "Timestamp"}))),
)

# ======================================================================== Filter and predicates

HEADERED = [Rec(js({"n": 1}), headers=[("keep", b"1")]), Rec(js({"n": 2})),
            Rec(js({"n": 3}), headers=[("other", b"x"), ("keep", None)]), Rec(None),
            Rec(js({"n": 5}), headers=[("KEEP", b"case")])]


def marks(predicate):
    """Two InsertFields on one predicate, plain and negated: each record gets one mark."""
    return [("yes", "InsertField$Value", {"static.field": "yes", "static.value": "1",
                                          "predicate": predicate}),
            ("no", "InsertField$Value", {"static.field": "no", "static.value": "1",
                                         "predicate": predicate, "negate": "true"})]


add(
    sink("filter_all", "Filter without a predicate drops everything", PLAIN,
         tf(("f", "Filter", {}), **SCHEMALESS)),
    sink("predicate_tombstone", "Filter with RecordIsTombstone drops tombstones", HEADERED,
         tf(("f", "Filter", {"predicate": "tomb"}),
            predicates=[("tomb", "RecordIsTombstone", {})], **SCHEMALESS)),
    sink("predicate_tombstone_negate", "Filter with RecordIsTombstone negated keeps tombstones",
         HEADERED, tf(("f", "Filter", {"predicate": "tomb", "negate": "true"}),
                      predicates=[("tomb", "RecordIsTombstone", {})], **SCHEMALESS)),
    sink("predicate_hasheaderkey", "HasHeaderKey, plain and negated (null header values count;"
         " names are case-sensitive)", HEADERED[:3] + HEADERED[4:],
         tf(*marks("has"), predicates=[("has", "HasHeaderKey", {"name": "keep"})],
            **SCHEMALESS)),
    sink("predicate_topicnamematches", "TopicNameMatches matching and not, plain and negated",
         PLAIN[:2], tf(*marks("match"),
                       ("y2", "InsertField$Value", {"static.field": "y2", "static.value": "1",
                                                    "predicate": "nomatch"}),
                       ("n2", "InsertField$Value", {"static.field": "n2", "static.value": "1",
                                                    "predicate": "nomatch", "negate": "true"}),
                       predicates=[("match", "TopicNameMatches", {"pattern": r"dt\..*name.*"}),
                                   ("nomatch", "TopicNameMatches", {"pattern": "name"})],
                       **SCHEMALESS)),
    sink("predicate_after_router", "a predicate sees the topic an earlier RegexRouter set",
         PLAIN[:2], tf(("r", "RegexRouter", {"regex": ".*", "replacement": "routed"}),
                       *marks("isrouted"),
                       predicates=[("isrouted", "TopicNameMatches", {"pattern": "routed"})],
                       **SCHEMALESS)),
    source("predicate_source_header", "HasHeaderKey on the source side after InsertHeader",
           LINES, tf(("h", "InsertHeader", {"header": "mark", "value.literal": "x"}),
                     ("hoist", "HoistField$Value", {"field": "line"}), *marks("has"),
                     predicates=[("has", "HasHeaderKey", {"name": "mark"})])),
)

# ======================================================================== headers

HEADER_CHAIN = [("hoist", "HoistField$Value", {"field": "line"}),
                ("ins", "InsertField$Value", {"static.field": "n", "static.value": "7"}),
                ("c", "Cast$Value", {"spec": "n:int32"}),
                ("h1", "InsertHeader", {"header": "int", "value.literal": "42"}),
                ("h2", "InsertHeader", {"header": "text", "value.literal": "hello world"}),
                ("h3", "InsertHeader", {"header": "bool", "value.literal": "true"}),
                ("h4", "InsertHeader", {"header": "list", "value.literal": "[1,2,3]"}),
                ("h5", "InsertHeader", {"header": "map", "value.literal": "{\"a\":1,\"b\":\"x\"}"}),
                ("h6", "InsertHeader", {"header": "date", "value.literal": "2024-01-02"}),
                ("h7", "InsertHeader", {"header": "float", "value.literal": "1.5"}),
                ("h8", "InsertHeader", {"header": "big", "value.literal": "12345678901"}),
                ("hf", "HeaderFrom$Value", {"fields": "line,n", "headers": "line,num",
                                            "operation": "copy"})]


def header_source(name, about, header_converter=None, extra=None, **kw):
    cfg = tf(*HEADER_CHAIN)
    if header_converter:
        cfg["header.converter"] = header_converter
    cfg.update(extra or {})
    return source(name, about, LINES, cfg, **kw)


add(
    header_source("headers_simple", "InsertHeader literals of every inferred type and"
                  " HeaderFrom copies, written by the default SimpleHeaderConverter"),
    header_source("headers_simple_explicit", "the same with header.converter=SimpleHeaderConverter"
                  " set on the connector", SIMPLE),
    header_source("headers_string", "the same written by StringConverter", STR),
    header_source("headers_json", "the same written by JsonConverter (schemas)", JSON),
    header_source("headers_json_schemaless", "the same written by JsonConverter without schemas",
                  JSON, {"header.converter.schemas.enable": "false"}),
    header_source("headers_bytearray", "ByteArrayConverter cannot write typed headers: the"
                  " header converter fails the task", BYTEARRAY),
    header_source("headers_worker_json", "the same through the alt worker's worker-level"
                  " header.converter (JsonConverter with schemas)", worker="alt"),
    source("headerfrom_value_move", "HeaderFrom$Value move: fields leave the value", LINES,
           tf(*KEYED, ("hf", "HeaderFrom$Value", {"fields": "line,topic", "headers": "l,t",
                                                  "operation": "move"}))),
    source("headerfrom_key_source", "HeaderFrom$Key copy from a struct key", LINES,
           tf(*KEYED, ("hf", "HeaderFrom$Key", {"fields": "line,src", "headers": "kl,ks",
                                                "operation": "copy"}))),
    source("headerfrom_key_source_schemaless", "HeaderFrom$Key move from a schemaless map key",
           LINES, tf(*MAPKEY, ("hf", "HeaderFrom$Key", {"fields": "s,t", "headers": "hs,ht",
                                                         "operation": "move"}))),
    source("dropheaders_source", "DropHeaders removes every header of a name", LINES,
           tf(("a", "InsertHeader", {"header": "x", "value.literal": "1"}),
              ("b", "InsertHeader", {"header": "y", "value.literal": "2"}),
              ("c", "InsertHeader", {"header": "x", "value.literal": "3"}),
              ("d", "InsertHeader", {"header": "z", "value.literal": "4"}),
              ("drop", "DropHeaders", {"headers": "x,z"}))),
    sink("dropheaders_sink", "DropHeaders, then HasHeaderKey shows what is left",
         HEADERED[:3], tf(("drop", "DropHeaders", {"headers": "keep"}), *marks("has"),
                          predicates=[("has", "HasHeaderKey", {"name": "keep"})],
                          **SCHEMALESS)),
    sink("insertheader_sink", "InsertHeader, then HasHeaderKey sees it", HEADERED[:2],
         tf(("ih", "InsertHeader", {"header": "keep", "value.literal": "v"}), *marks("has"),
            predicates=[("has", "HasHeaderKey", {"name": "keep"})], **SCHEMALESS)),
    sink("headerfrom_value_sink", "HeaderFrom$Value move on structs and maps: the fields leave"
         " the value", ORDERS, tf(("hf", "HeaderFrom$Value", {"fields": "id,customer",
                                                              "headers": "hid,hc",
                                                              "operation": "move"}))),
    sink("headerfrom_value_sink_schemaless", "HeaderFrom$Value move on maps", PLAIN,
         tf(("hf", "HeaderFrom$Value", {"fields": "id,nope", "headers": "hid,hn",
                                        "operation": "move"}), **SCHEMALESS)),
    sink("headerfrom_missing_field", "HeaderFrom$Value naming a field the struct lacks: Java"
         " fails with a NullPointerException (the JDK's helpful message)", ORDERS[:1],
         tf(("hf", "HeaderFrom$Value", {"fields": "nope", "headers": "h",
                                        "operation": "copy"}))),
    sink("headerfrom_key_sink", "HeaderFrom$Key copy: struct keys work, others fail", ORDERS,
         tf(("hf", "HeaderFrom$Key", {"fields": "id", "headers": "kid", "operation": "copy"}))),
    sink("header_converter_json_sink", "JsonConverter as header converter reads headers: bad"
         " ones fail in the HEADER_CONVERTER stage",
         [Rec(js({"n": 1}), headers=[("h", env(INT32, 1))]),
          Rec(js({"n": 2}), headers=[("h", b"not json")]),
          Rec(js({"n": 3}), headers=[("h", js({"a": 1}))]),
          Rec(js({"n": 4}), headers=[("h", None)])],
         {**SCHEMALESS, "header.converter": JSON}),
    sink("header_converter_json_schemaless_sink", "JsonConverter header converter without"
         " schemas reads plain JSON headers",
         [Rec(js({"n": 1}), headers=[("h", js({"a": 1}))]),
          Rec(js({"n": 2}), headers=[("h", b"{oops")])],
         {**SCHEMALESS, "header.converter": JSON, "header.converter.schemas.enable": "false"}),
    sink("header_converter_simple_sink", "SimpleHeaderConverter reads anything (no errors)",
         [Rec(js({"n": 1}), headers=[("a", b"[1,2"), ("b", b"\xff\xfe"), ("c", b"2024-01-02"),
                                     ("d", b"{\"x\":1}"), ("e", None), ("f", b"")])],
         {**SCHEMALESS, "header.converter": SIMPLE}),
    sink("header_converter_string_bytes_sink", "StringConverter and ByteArrayConverter as header"
         " converters read anything",
         [Rec(js({"n": 1}), headers=[("a", b"\xff"), ("b", None)])],
         {**SCHEMALESS, "header.converter": BYTEARRAY}),
    sink("header_converter_worker_json_sink", "the alt worker's JsonConverter header converter"
         " (worker level) fails on a header that is not an envelope",
         [Rec(js({"n": 1}), headers=[("h", env(STRING, "ok"))]),
          Rec(js({"n": 2}), headers=[("h", js({"no": "envelope"}))])], worker="alt"),
)

# ======================================================================== errors and the DLQ

add(
    sink("errors_value_converter", "malformed JSON values into the DLQ (VALUE_CONVERTER)",
         [Rec(b"{bad json", key=env(INT32, 1), headers=[("h", b"v"), ("h", None)]),
          Rec(env(STRING, "ok"), key=env(INT32, 2)),
          Rec(b"", key=env(INT32, 3)), Rec(b"\xff\xfe", key=env(INT32, 4))]),
    sink("errors_envelope_missing", "plain JSON where an envelope is required", [
        Rec(js({"a": 1})), Rec(js({"schema": {"type": "string"}, "payload": "x", "extra": 1})),
        Rec(js({"schema": {"type": "nope"}, "payload": 1})), Rec(js({"payload": 2})),
        Rec(js({"schema": {"type": "int32"}, "payload": "x"})),
        Rec(env(STRING, "ok"))]),
    sink("json_node_of_another_type", "a payload of another JSON type reads as Jackson's accessor"
         " gives it (0, false, null), a required field read as null goes to the DLQ", [
        Rec(js({"schema": {"type": "int64"}, "payload": "12"})),
        Rec(js({"schema": {"type": "double"}, "payload": "NaN"})),
        Rec(js({"schema": {"type": "boolean"}, "payload": 1})),
        Rec(js({"schema": {"type": "string"}, "payload": 1.5})),
        Rec(js({"schema": {"type": "array", "items": {"type": "int32"}},
                "payload": {"a": 1, "b": 2.9}})),
        Rec(js({"schema": {"type": "struct", "fields": [{"field": "s", "type": "string"}]},
                "payload": {"s": 5}})),
        Rec(js({"schema": {"type": "bytes"}, "payload": "@@"}))]),
    sink("errors_key_converter", "malformed keys into the DLQ (KEY_CONVERTER)",
         [Rec(env(STRING, "v"), key=b"[1,"), Rec(env(STRING, "w"), key=env(STRING, "ok"))]),
    sink("errors_transform", "a failing transform into the DLQ (TRANSFORMATION)",
         [Rec(env(STRING, "not a struct")), Rec(env(ORDER, O1))],
         tf(("e", "ExtractField$Value", {"field": "name"}))),
    sink("errors_second_transform", "the failing stage names the class of the second transform",
         ORDERS[:2], tf(("r", "ReplaceField$Value", {"renames": "name:n"}),
                        ("e", "ExtractField$Value", {"field": "name"}))),
    sink("errors_no_context_headers", "a DLQ without context headers keeps the original record",
         [Rec(b"{bad", key=b"k", headers=[("h", b"v")]), Rec(env(STRING, "ok"))],
         {"errors.deadletterqueue.context.headers.enable": "false"}),
    sink("errors_log_enable", "errors.log.enable with messages changes no output",
         [Rec(b"{bad"), Rec(env(STRING, "ok"))],
         {"errors.log.enable": "true", "errors.log.include.messages": "true"}),
    sink("errors_tolerance_all_no_dlq", "errors.tolerance=all without a DLQ skips bad records",
         [Rec(b"{bad"), Rec(env(STRING, "ok"))], {"errors.tolerance": "all"}, dlq=False),
    sink("errors_tolerance_none_dlq", "errors.tolerance=none with a DLQ: the bad record reaches"
         " the DLQ, then the task fails",
         [Rec(b"{bad", key=env(INT32, 1)), Rec(env(STRING, "never"))],
         {"errors.tolerance": "none"}),
    sink("errors_tolerance_none", "errors.tolerance=none: a failing transform fails the task",
         [Rec(env(STRING, "not a struct")), Rec(env(ORDER, O1))],
         tf(("e", "ExtractField$Value", {"field": "name"})), dlq=False),
    sink("errors_retry", "errors.retry.timeout on a non-retriable error changes nothing",
         [Rec(b"{bad"), Rec(env(STRING, "ok"))],
         {"errors.retry.timeout": "1000", "errors.retry.delay.max.ms": "100"}),
    source("errors_source_tolerance_all", "a failing source transform with errors.tolerance=all"
           " drops the records it fails on", NUMBER_LINES + "x\n300\n7\n",
           tf(("c", "Cast$Value", {"spec": "int8"}), **{"errors.tolerance": "all"})),
    source("errors_source_tolerance_none", "a failing source transform fails the task",
           "x\n1\n", tf(("c", "Cast$Value", {"spec": "int8"}))),
    source("errors_source_converter", "a source value ByteArrayConverter cannot write fails"
           " the task", LINES, {"value.converter": BYTEARRAY}),
)

# ======================================================================== start failures

add(
    sink("start_insertfield_nothing", "InsertField with nothing to insert: the task fails to"
         " start", PLAIN[:1], tf(("i", "InsertField$Value", {}))),
    sink("start_unknown_transform", "a transform class that does not exist: create is refused",
         PLAIN[:1], tf(("x", "com.example.Nope", {}))),
    sink("start_bad_regex", "RegexRouter with a bad regex: create is refused", PLAIN[:1],
         tf(("r", "RegexRouter", {"regex": "(", "replacement": "x"}))),
    sink("start_headerfrom_mismatch", "HeaderFrom with fields and headers of different lengths",
         PLAIN[:1], tf(("h", "HeaderFrom$Value", {"fields": "a,b", "headers": "x",
                                                  "operation": "copy"}))),
)

# ======================================================================== chains

ORDER_ENVELOPE = struct([("before", opt(ORDER)), ("after", opt(ORDER)), ("op", STRING),
                         ("card", opt(STRING))], name="dbserver.orders.Envelope")
CDC = [Rec(env(ORDER_ENVELOPE, {"before": None, "after": O1, "op": "c", "card": "4111"}),
           key=env(ORDER_KEY, {"id": 1, "region": "eu"})),
       Rec(env(ORDER_ENVELOPE, {"before": O1, "after": O3, "op": "u", "card": None})),
       Rec(env(ORDER_ENVELOPE, {"before": O3, "after": None, "op": "d", "card": "x"})),
       Rec(None, key=env(ORDER_KEY, {"id": 1, "region": "eu"}))]

ORDERS_CHAIN = [("unwrap", "ExtractField$Value", {"field": "after"}),
                ("route", "RegexRouter", {"regex": r"dt\.(.*)orders(.*)",
                                          "replacement": "$1orders-v2$2", "predicate": "isOrders"}),
                ("ts", "InsertField$Value", {"timestamp.field": "ingested_at",
                                             "topic.field": "topic"}),
                ("mask", "MaskField$Value", {"fields": "name,note", "replacement": "***"})]
add(
    sink("chain_orders_sink", "the issue's orders-sink example on a file sink: unwrap a CDC"
         " envelope, route by predicate, stamp the time and topic, mask fields (a struct field"
         " fails the mask)", [CDC[0], CDC[1]], tf(
             *ORDERS_CHAIN[:3], ("mask", "MaskField$Value", {"fields": "name,note"}),
             predicates=[("isOrders", "TopicNameMatches", {"pattern": ".*orders.*"})]),
         topic="dt.chain_orders_sink"),
    sink("chain_orders_sink_mask_replacement", "the same chain masking with a replacement; a"
         " deleted row (after=null) and a tombstone fail the mask", CDC, tf(
             *ORDERS_CHAIN, predicates=[("isOrders", "TopicNameMatches",
                                         {"pattern": ".*orders.*"})])),
    sink("chain_orders_sink_schemaless", "the orders chain on schemaless CDC records", [
        Rec(js({"before": None, "after": S1, "op": "c"})),
        Rec(js({"before": S1, "after": S3, "op": "u"})),
        Rec(js({"before": S3, "after": None, "op": "d"})), Rec(None)],
        tf(*ORDERS_CHAIN[:3], ("mask", "MaskField$Value", {"fields": "name,customer"}),
           predicates=[("isOrders", "TopicNameMatches", {"pattern": ".*orders.*"})],
           **SCHEMALESS)),
    sink("chain_flatten_cast_replace", "Flatten, Cast, ReplaceField and HoistField in a row",
         ORDERS[:3], tf(("x", "ReplaceField$Value", {"exclude": "scores,labels"}),
                        ("f", "Flatten$Value", {"delimiter": "_"}),
                        ("c", "Cast$Value", {"spec": "customer_address_zip:string,id:float32"}),
                        ("r", "ReplaceField$Value", {"include": "id,customer_first,"
                                                                "customer_address_city,tags",
                                                     "renames": "customer_first:who"}),
                        ("h", "HoistField$Value", {"field": "o"}))),
    sink("chain_filter_midway", "a Filter in the middle of a chain stops it for the records it"
         " drops", HEADERED, tf(("i", "InsertField$Value", {"static.field": "a",
                                                            "static.value": "1"}),
                                ("f", "Filter", {"predicate": "has"}),
                                ("i2", "InsertField$Value", {"static.field": "b",
                                                             "static.value": "2"}),
                                predicates=[("has", "HasHeaderKey", {"name": "other"})],
                                **SCHEMALESS)),
    source("chain_source_key", "a long source chain: a struct key built, flattened, cast and"
           " renamed; headers from it", NUMBER_LINES,
           tf(*KEYED, ("c", "Cast$Value", {"spec": "line:int32"}),
              ("hk", "HoistField$Key", {"field": "k"}), ("fk", "Flatten$Key", {}),
              ("rk", "ReplaceField$Key", {"renames": "k.line:line_text,k.src:source"}),
              ("hf", "HeaderFrom$Key", {"fields": "source", "headers": "from",
                                        "operation": "move"}),
              ("sv", "SetSchemaMetadata$Value", {"schema.name": "com.example.Line"}))),
    source("chain_source_partitioned", "keyed source records to a 3-partition topic: the"
           " partitioner of the producer chooses by the key bytes", NUMBER_LINES + LINES,
           tf(("hoist", "HoistField$Value", {"field": "line"}),
              ("v2k", "ValueToKey", {"fields": "line"})),
           topic="dt.chain_source_partitioned",
           outputs={"dt.chain_source_partitioned": 3}),
)

# ======================================================================== client overrides
# Java client settings per connector (producer.override.*, consumer.override.*): Sluice translates
# them for librdkafka, applies max.poll.records itself and ignores what librdkafka has no use for.

add(
    sink("overrides_sink_java_names", "consumer overrides with the Java client's names"
         " (max.poll.records of 2, fetch.max.wait.ms, an assignor class, a deserializer) and"
         " producer overrides for the DLQ", PLAIN,
         {**SCHEMALESS,
          "consumer.override.max.poll.records": "2",
          "consumer.override.fetch.max.wait.ms": "50",
          "consumer.override.partition.assignment.strategy":
              "org.apache.kafka.clients.consumer.RangeAssignor",
          "consumer.override.key.deserializer":
              "org.apache.kafka.common.serialization.ByteArrayDeserializer",
          "producer.override.linger.ms": "5",
          "producer.override.delivery.timeout.ms": "300000"}),
    source("overrides_source_java_names", "producer overrides with the Java client's names"
           " (buffer.memory in bytes, delivery.timeout.ms, max.request.size, compression,"
           " a serializer)", NUMBER_LINES,
           {"producer.override.buffer.memory": "16777216",
            "producer.override.delivery.timeout.ms": "300000",
            "producer.override.max.request.size": "2097152",
            "producer.override.compression.type": "gzip",
            "producer.override.compression.gzip.level": "5",
            "producer.override.linger.ms": "10",
            "producer.override.key.serializer":
                "org.apache.kafka.common.serialization.StringSerializer"}),
)

# ======================================================================== validation

SINK = {"connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "name": "v", "topics": "t"}
VALIDATIONS = [
    Validation("transform_missing_type", "a transform alias without a type",
               {**SINK, "transforms": "a"}),
    Validation("transform_unknown_class", "a transform class that does not exist",
               {**SINK, "transforms": "a", "transforms.a.type": "com.example.Nope"}),
    Validation("transform_not_a_transform", "a class that is not a Transformation",
               {**SINK, "transforms": "a", "transforms.a.type": STR}),
    Validation("transform_duplicate_alias", "the same alias twice",
               {**SINK, "transforms": "a,a",
                "transforms.a.type": T + "Filter"}),
    Validation("transform_bad_regex", "RegexRouter with a regex that does not compile",
               {**SINK, "transforms": "r", "transforms.r.type": T + "RegexRouter",
                "transforms.r.regex": "(", "transforms.r.replacement": "x"}),
    Validation("transform_missing_required", "RegexRouter without its required keys",
               {**SINK, "transforms": "r", "transforms.r.type": T + "RegexRouter"}),
    Validation("transform_negate_without_predicate", "negate set, predicate not",
               {**SINK, "transforms": "f", "transforms.f.type": T + "Filter",
                "transforms.f.negate": "true"}),
    Validation("transform_unknown_predicate", "a transform naming a predicate alias that is not"
               " defined", {**SINK, "transforms": "f", "transforms.f.type": T + "Filter",
                            "transforms.f.predicate": "nope"}),
    Validation("transform_bad_negate", "negate that is not a boolean",
               {**SINK, "transforms": "f", "transforms.f.type": T + "Filter",
                "transforms.f.predicate": "p", "transforms.f.negate": "maybe",
                "predicates": "p", "predicates.p.type": P + "RecordIsTombstone"}),
    Validation("predicate_missing_type", "a predicate alias without a type",
               {**SINK, "predicates": "p"}),
    Validation("predicate_unknown_class", "a predicate class that does not exist",
               {**SINK, "predicates": "p", "predicates.p.type": "com.example.Nope"}),
    Validation("predicate_duplicate_alias", "the same predicate alias twice",
               {**SINK, "predicates": "p,p", "predicates.p.type": P + "RecordIsTombstone"}),
    Validation("predicate_bad_pattern", "TopicNameMatches with a bad and an empty pattern",
               {**SINK, "predicates": "p,q", "predicates.p.type": P + "TopicNameMatches",
                "predicates.p.pattern": "[", "predicates.q.type": P + "TopicNameMatches",
                "predicates.q.pattern": ""}),
    Validation("predicate_empty_header_name", "HasHeaderKey with an empty name",
               {**SINK, "predicates": "p", "predicates.p.type": P + "HasHeaderKey",
                "predicates.p.name": ""}),
    Validation("transform_and_predicate_ok", "a valid transform with a predicate: no errors",
               {**SINK, "transforms": "f", "transforms.f.type": T + "Filter",
                "transforms.f.predicate": "p", "transforms.f.negate": "true",
                "predicates": "p", "predicates.p.type": P + "TopicNameMatches",
                "predicates.p.pattern": "t.*"}),
    Validation("headerfrom_bad_operation", "HeaderFrom with an operation not in its list",
               {**SINK, "transforms": "h", "transforms.h.type": T + "HeaderFrom$Value",
                "transforms.h.fields": "a", "transforms.h.headers": "b",
                "transforms.h.operation": "swap"}),
    Validation("timestampconverter_bad_enums", "TimestampConverter with a bad target.type and"
               " unix.precision", {**SINK, "transforms": "t",
                                   "transforms.t.type": T + "TimestampConverter$Value",
                                   "transforms.t.target.type": "Instant",
                                   "transforms.t.unix.precision": "hours"}),
    Validation("cast_bad_spec", "Cast with a bad type and an unsupported one",
               {**SINK, "transforms": "c,d", "transforms.c.type": T + "Cast$Value",
                "transforms.c.spec": "id:int128", "transforms.d.type": T + "Cast$Key",
                "transforms.d.spec": "a:bytes,b"}),
    Validation("extractfield_bad_syntax", "ExtractField with field.syntax.version V3",
               {**SINK, "transforms": "e", "transforms.e.type": T + "ExtractField$Value",
                "transforms.e.field": "a", "transforms.e.field.syntax.version": "V3"}),
    Validation("replacefield_bad_renames", "ReplaceField renames without a colon",
               {**SINK, "transforms": "r", "transforms.r.type": T + "ReplaceField$Value",
                "transforms.r.renames": "a,b:c:d"}),
    Validation("maskfield_empty", "MaskField with no fields and an empty replacement",
               {**SINK, "transforms": "m", "transforms.m.type": T + "MaskField$Value",
                "transforms.m.fields": "", "transforms.m.replacement": ""}),
    Validation("valuetokey_empty", "ValueToKey with an empty field list",
               {**SINK, "transforms": "v", "transforms.v.type": T + "ValueToKey",
                "transforms.v.fields": ""}),
    Validation("setschemametadata_bad_version", "SetSchemaMetadata with a version that is not"
               " an int", {**SINK, "transforms": "s",
                           "transforms.s.type": T + "SetSchemaMetadata$Value",
                           "transforms.s.schema.version": "one"}),
    Validation("insertheader_missing", "InsertHeader without its keys",
               {**SINK, "transforms": "i", "transforms.i.type": T + "InsertHeader"}),
    Validation("dropheaders_empty", "DropHeaders with an empty list",
               {**SINK, "transforms": "d", "transforms.d.type": T + "DropHeaders",
                "transforms.d.headers": ""}),
    Validation("hoistfield_missing", "HoistField without field",
               {**SINK, "transforms": "h", "transforms.h.type": T + "HoistField$Key"}),
    Validation("source_with_transforms", "a source connector with a transform chain:"
               " no errors", {"connector.class": "FileStreamSource", "name": "s", "topic": "t",
                            "transforms": "a,b", "transforms.a.type": T + "InsertHeader",
                            "transforms.a.header": "h", "transforms.a.value.literal": "v",
                            "transforms.b.type": T + "TimestampRouter",
                            "transforms.b.timestamp.format": "yyyy"},
               plugin="FileStreamSourceConnector"),
    Validation("header_converter_bad", "a header.converter that is not a header converter",
               {**SINK, "header.converter": "org.apache.kafka.connect.converters.DoubleConverter",
                "errors.tolerance": "sometimes"}),
    Validation("dlq_errors", "DLQ settings with a DLQ topic that is also consumed",
               {**SINK, "errors.deadletterqueue.topic.name": "t",
                "errors.deadletterqueue.context.headers.enable": "yes"}),
    Validation("plain_sink_ok", "a plain valid sink: no errors",
               {**SINK, "file": "/tmp/x"}),
    Validation("client_overrides_sink", "a sink with a DLQ: its producer, consumer and admin"
               " overrides with the Java clients' definitions (a password, a list, an unknown key,"
               " an internal key, a double)",
               {**SINK, "errors.deadletterqueue.topic.name": "dlq",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "consumer.override.max.poll.records": " 1000 ",
                "consumer.override.sasl.mechanism": "PLAIN",
                "consumer.override.sasl.jaas.config":
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    " username=\"u\" password=\"p\";",
                "consumer.override.partition.assignment.strategy":
                    "org.apache.kafka.clients.consumer.RangeAssignor , "
                    "org.apache.kafka.clients.consumer.RoundRobinAssignor",
                "consumer.override.foo": " bar ",
                "consumer.override.internal.leave.group.on.close": "TRUE",
                "consumer.override.sasl.kerberos.ticket.renew.jitter": "1e-3",
                "producer.override.linger.ms": "5",
                "admin.override.request.timeout.ms": "100"}),
    Validation("client_overrides_source", "a source with topic.creation.*: producer and admin"
               " overrides are listed, consumer overrides are not",
               {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "name": "v", "topic": "t", "file": "/tmp/x",
                "topic.creation.default.replication.factor": "1",
                "topic.creation.default.partitions": "1",
                "producer.override.buffer.memory": "1048576",
                "producer.override.security.protocol": "PLAINTEXT",
                "admin.override.retries": "3",
                "consumer.override.max.poll.records": "7"},
               plugin="FileStreamSourceConnector"),
    Validation("client_override_bad_value", "an override whose value does not parse: Kafka"
               " Connect answers 500 with the ConfigException",
               {**SINK, "file": "/tmp/x", "consumer.override.max.poll.records": "abc"}),
]

_TRANSFORMS = ["Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField", "InsertField",
               "MaskField", "ReplaceField", "SetSchemaMetadata", "TimestampConverter"]
PLUGIN_CLASSES = (
    [T + f"{t}${v}" for t in _TRANSFORMS for v in ("Key", "Value")]
    + [T + t for t in ("DropHeaders", "Filter", "InsertHeader", "RegexRouter", "TimestampRouter",
                       "ValueToKey")]
    + [P + p for p in ("HasHeaderKey", "RecordIsTombstone", "TopicNameMatches")]
    + [JSON, STR, BYTEARRAY, SIMPLE]
)


# What Kafka Connect 3.9.1 does with each case, read off its outputs when the case was written and
# checked on every run (see Case.expect): sink file lines and DLQ records, or source records; the
# task state when it is not RUNNING; the create status when it is not 201.
EXPECT = {
    "plain_sink_json_schema": {"lines": 5},
    "plain_sink_json_schemaless": {"lines": 6},
    "overrides_sink_java_names": {"lines": 6, "dlq": 0},
    "overrides_source_java_names": {"records": 4},
    "plain_sink_string": {"lines": 5},
    "plain_sink_json_numbers": {"lines": 1},
    "plain_sink_json_schema_types": {"lines": 17},
    "plain_source_json": {"records": 5},
    "plain_source_string": {"records": 5},
    "plain_source_schemaless": {"records": 5},
    "plain_source_alt_worker": {"records": 5},
    "plain_sink_alt_worker": {"lines": 2},
    "converter_no_default": {"lines": 2},
    "converter_props_alone": {"lines": 1, "dlq": 1},
    "insertfield_value_schema": {"lines": 5, "dlq": 0},
    "insertfield_value_schemaless": {"lines": 4, "dlq": 2},
    "insertfield_value_some": {"lines": 2, "dlq": 0},
    "insertfield_key_sink": {"lines": 3, "dlq": 2},
    "insertfield_key_source": {"records": 5},
    "insertfield_key_source_schemaless": {"records": 5},
    "insertfield_value_source": {"records": 5},
    "insertfield_offset_on_source": {"records": 0, "state": "FAILED"},
    "replacefield_value_schema": {"lines": 5, "dlq": 0},
    "replacefield_value_include": {"lines": 5, "dlq": 0},
    "replacefield_value_schemaless": {"lines": 4, "dlq": 2},
    "replacefield_value_deprecated_keys": {"lines": 3, "dlq": 0},
    "replacefield_key_sink": {"lines": 3, "dlq": 2},
    "replacefield_key_source": {"records": 5},
    "replacefield_key_source_schemaless": {"records": 5},
    "maskfield_value_schema": {"lines": 3, "dlq": 2},
    "maskfield_value_struct": {"lines": 0, "dlq": 1},
    "maskfield_value_replacement": {"lines": 3, "dlq": 0},
    "maskfield_value_replacement_bad": {"lines": 0, "dlq": 1},
    "maskfield_value_replacement_boolean": {"lines": 0, "dlq": 1},
    "maskfield_value_schemaless": {"lines": 3, "dlq": 3},
    "maskfield_key_sink": {"lines": 2, "dlq": 3},
    "maskfield_key_source": {"records": 5},
    "maskfield_key_source_schemaless": {"records": 5},
    "valuetokey_schema_missing": {"lines": 0, "dlq": 1},
    "valuetokey_schemaless": {"lines": 3, "dlq": 3},
    "valuetokey_then_key_smt": {"lines": 1, "dlq": 4},
    "valuetokey_source": {"records": 5},
    "hoistfield_value_schema": {"lines": 5, "dlq": 0},
    "hoistfield_value_schemaless": {"lines": 6, "dlq": 0},
    "hoistfield_key_sink": {"lines": 3, "dlq": 2},
    "hoistfield_value_source": {"records": 5},
    "hoistfield_key_source": {"records": 5},
    "hoistfield_key_source_schemaless": {"records": 5},
    "extractfield_value_schema": {"lines": 5, "dlq": 0},
    "extractfield_value_primitive": {"lines": 3, "dlq": 0},
    "extractfield_value_missing": {"lines": 0, "dlq": 2},
    "extractfield_value_v2": {"lines": 5, "dlq": 0},
    "extractfield_value_v2_schemaless": {"lines": 3, "dlq": 0},
    "extractfield_value_schemaless": {"lines": 4, "dlq": 2},
    "extractfield_key_sink": {"lines": 3, "dlq": 2},
    "extractfield_key_source": {"records": 5},
    "extractfield_key_source_schemaless": {"records": 5},
    "extractfield_value_source": {"records": 5},
    "setschemametadata_value_schema": {"lines": 5, "dlq": 0},
    "setschemametadata_value_schemaless": {"lines": 0, "dlq": 2},
    "setschemametadata_value_source": {"records": 5},
    "setschemametadata_value_source_string": {"records": 0, "state": "FAILED"},
    "setschemametadata_key_source": {"records": 5},
    "setschemametadata_key_source_schemaless": {"records": 0, "state": "FAILED"},
    "timestamprouter_sink": {"lines": 5, "dlq": 0},
    "timestamprouter_sink_default": {"lines": 3, "dlq": 0},
    "timestamprouter_source": {"records": 5},
    "regexrouter_sink": {"lines": 3, "dlq": 0},
    "regexrouter_sink_nomatch": {"lines": 2, "dlq": 0},
    "regexrouter_source": {"records": 5},
    "flatten_value_schema": {"lines": 4, "dlq": 0},
    "flatten_value_schema_delimiter": {"lines": 4, "dlq": 0},
    "flatten_value_schema_map": {"lines": 0, "dlq": 1},
    "flatten_value_schemaless": {"lines": 4, "dlq": 2},
    "flatten_key_sink": {"lines": 3, "dlq": 2},
    "flatten_key_source": {"records": 5},
    "flatten_key_source_schemaless": {"records": 5},
    "cast_value_schema": {"lines": 5, "dlq": 0},
    "cast_value_default": {"lines": 2, "dlq": 0},
    "cast_value_no_default": {"lines": 2, "dlq": 0},
    "cast_value_schema_logical": {"lines": 3, "dlq": 0},
    "cast_value_schema_bad": {"lines": 0, "dlq": 1},
    "cast_value_whole": {"lines": 4, "dlq": 2},
    "cast_value_whole_string": {"lines": 4, "dlq": 0},
    "cast_value_schemaless": {"lines": 4, "dlq": 2},
    "cast_key_sink": {"lines": 3, "dlq": 2},
    "cast_value_source": {"records": 4},
    "cast_value_source_float": {"records": 4},
    "cast_key_source": {"records": 4},
    "cast_key_source_schemaless": {"records": 5},
    "timestampconverter_value_string": {"lines": 5, "dlq": 0},
    "timestampconverter_value_unix": {"lines": 3, "dlq": 0},
    "timestampconverter_value_date": {"lines": 3, "dlq": 0},
    "timestampconverter_value_schemaless": {"lines": 4, "dlq": 2},
    "timestampconverter_value_whole": {"lines": 2, "dlq": 1},
    "timestampconverter_value_micros": {"lines": 2, "dlq": 0},
    "timestampconverter_value_source": {"records": 3},
    "timestampconverter_value_source_unix": {"records": 3},
    "timestampconverter_key_source": {"records": 3},
    "timestampconverter_key_source_schemaless": {"records": 5},
    "timestampconverter_key_sink": {"lines": 1, "dlq": 4},
    "filter_all": {"lines": 0, "dlq": 0},
    "predicate_tombstone": {"lines": 4, "dlq": 0},
    "predicate_tombstone_negate": {"lines": 1, "dlq": 0},
    "predicate_hasheaderkey": {"lines": 4, "dlq": 0},
    "predicate_topicnamematches": {"lines": 2, "dlq": 0},
    "predicate_after_router": {"lines": 2, "dlq": 0},
    "predicate_source_header": {"records": 5},
    "headers_simple": {"records": 5},
    "headers_simple_explicit": {"records": 5},
    "headers_string": {"records": 5},
    "headers_json": {"records": 5},
    "headers_json_schemaless": {"records": 5},
    "headers_bytearray": {"records": 0, "state": "FAILED"},
    "headers_worker_json": {"records": 5},
    "headerfrom_value_move": {"records": 5},
    "headerfrom_key_source": {"records": 5},
    "headerfrom_key_source_schemaless": {"records": 5},
    "dropheaders_source": {"records": 5},
    "dropheaders_sink": {"lines": 3, "dlq": 0},
    "insertheader_sink": {"lines": 2, "dlq": 0},
    "headerfrom_value_sink": {"lines": 3, "dlq": 2},
    "headerfrom_value_sink_schemaless": {"lines": 3, "dlq": 3},
    "headerfrom_missing_field": {"lines": 0, "dlq": 1},
    "headerfrom_key_sink": {"lines": 2, "dlq": 3},
    "header_converter_json_sink": {"lines": 2, "dlq": 2},
    "header_converter_json_schemaless_sink": {"lines": 1, "dlq": 1},
    "header_converter_simple_sink": {"lines": 1, "dlq": 0},
    "header_converter_string_bytes_sink": {"lines": 1, "dlq": 0},
    "header_converter_worker_json_sink": {"lines": 1, "dlq": 1},
    "errors_value_converter": {"lines": 1, "dlq": 3},
    "errors_envelope_missing": {"lines": 2, "dlq": 4},
    "json_node_of_another_type": {"lines": 5, "dlq": 2},
    "errors_key_converter": {"lines": 1, "dlq": 1},
    "errors_transform": {"lines": 1, "dlq": 1},
    "errors_second_transform": {"lines": 0, "dlq": 2},
    "errors_no_context_headers": {"lines": 1, "dlq": 1},
    "errors_log_enable": {"lines": 1, "dlq": 1},
    "errors_tolerance_all_no_dlq": {"lines": 1},
    "errors_tolerance_none_dlq": {"lines": 0, "dlq": 1, "state": "FAILED"},
    "errors_tolerance_none": {"lines": 0, "state": "FAILED"},
    "errors_retry": {"lines": 1, "dlq": 1},
    "errors_source_tolerance_all": {"records": 5},
    "errors_source_tolerance_none": {"records": 0, "state": "FAILED"},
    "errors_source_converter": {"records": 0, "state": "FAILED"},
    "start_insertfield_nothing": {"lines": 0, "dlq": 0, "state": "FAILED"},
    "start_unknown_transform": {"create": 400},
    "start_bad_regex": {"create": 400},
    "start_headerfrom_mismatch": {"lines": 0, "dlq": 0, "state": "FAILED"},
    "chain_orders_sink": {"lines": 2, "dlq": 0},
    "chain_orders_sink_mask_replacement": {"lines": 2, "dlq": 2},
    "chain_orders_sink_schemaless": {"lines": 2, "dlq": 2},
    "chain_flatten_cast_replace": {"lines": 3, "dlq": 0},
    "chain_filter_midway": {"lines": 4, "dlq": 0},
    "chain_source_key": {"records": 4},
    "chain_source_partitioned": {"records": 9},
}

assert set(EXPECT) == {c.name for c in CASES}, set(EXPECT) ^ {c.name for c in CASES}
assert len(CASES) == len(EXPECT), "duplicate case names"
for _case in CASES:
    _case.expect = EXPECT[_case.name]

# The error_count of Kafka Connect 3.9.1's answer to each validation request (all but one
# answer 200).
VALIDATION_ERROR_COUNTS = {
    "transform_missing_type": 1,
    "transform_unknown_class": 1,
    "transform_not_a_transform": 1,
    "transform_duplicate_alias": 1,
    "transform_bad_regex": 1,
    "transform_missing_required": 3,
    "transform_negate_without_predicate": 1,
    "transform_unknown_predicate": 0,
    "transform_bad_negate": 1,
    "predicate_missing_type": 1,
    "predicate_unknown_class": 1,
    "predicate_duplicate_alias": 1,
    "predicate_bad_pattern": 2,
    "predicate_empty_header_name": 1,
    "transform_and_predicate_ok": 0,
    "headerfrom_bad_operation": 1,
    "timestampconverter_bad_enums": 2,
    "cast_bad_spec": 2,
    "extractfield_bad_syntax": 1,
    "replacefield_bad_renames": 1,
    "maskfield_empty": 2,
    "valuetokey_empty": 1,
    "setschemametadata_bad_version": 1,
    "insertheader_missing": 4,
    "dropheaders_empty": 1,
    "hoistfield_missing": 1,
    "source_with_transforms": 0,
    "header_converter_bad": 1,
    "dlq_errors": 2,
    "plain_sink_ok": 0,
    "client_overrides_sink": 0,
    "client_overrides_source": 0,
    "client_override_bad_value": None,
}
assert set(VALIDATION_ERROR_COUNTS) == {v.name for v in VALIDATIONS}
for _v in VALIDATIONS:
    _v.expect = {"error_count": VALIDATION_ERROR_COUNTS[_v.name]}
# The one request Kafka Connect answers with an error instead of a ConfigInfos.
VALIDATIONS[[v.name for v in VALIDATIONS].index("client_override_bad_value")].expect = {
    "status": 500}
