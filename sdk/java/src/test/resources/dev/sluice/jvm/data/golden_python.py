"""Writes golden_python.hex: a SourceBatch encoded by the Python SDK's wire code
(sdk/python/src/sluice_sdk/_wire.py), which WireGoldenTest decodes and re-encodes with the JVM
host's data mapping, comparing bytes. Regenerate after a change to either encoding:

    G=$(mktemp -d) && cp -r sdk/python/src/sluice_sdk $G/ && mkdir -p $G/sluice_sdk/_proto &&
    touch $G/sluice_sdk/_proto/__init__.py &&
    protoc -Iproto --python_out=$G/sluice_sdk/_proto proto/sluice/plugin/v1/plugin.proto &&
    mv $G/sluice_sdk/_proto/sluice/plugin/v1/plugin_pb2.py $G/sluice_sdk/_proto/ &&
    PYTHONPATH=$G python3 sdk/java/src/test/resources/dev/sluice/jvm/data/golden_python.py
"""
import datetime as dt
import decimal
import os

from sluice_sdk._proto import plugin_pb2 as pb
from sluice_sdk._wire import OutgoingSchemas, source_record_to_proto
from sluice_sdk.connector import Header, SourceRecord
from sluice_sdk.data import (Schema, SchemaBuilder, SchemaType, Struct, date_schema,
                             decimal_schema, time_schema, timestamp_schema)

def prim(t, optional=False):
    b = SchemaBuilder(t)
    if optional:
        b.optional()
    return b.build()

address = (SchemaBuilder.struct().name("io.example.Address").version(3).doc("where")
           .field("street", prim(SchemaType.STRING))
           .field("zip", prim(SchemaType.INT32, optional=True)).build())
value_schema = (SchemaBuilder.struct().name("io.example.Row").version(1)
                .parameter("connect.record.doc", "a row").parameter("a", "b")
                .field("i8", prim(SchemaType.INT8))
                .field("i16", prim(SchemaType.INT16))
                .field("i32", prim(SchemaType.INT32))
                .field("i64", prim(SchemaType.INT64))
                .field("f32", prim(SchemaType.FLOAT32))
                .field("f64", prim(SchemaType.FLOAT64))
                .field("flag", prim(SchemaType.BOOLEAN))
                .field("text", prim(SchemaType.STRING))
                .field("blob", prim(SchemaType.BYTES))
                .field("missing", prim(SchemaType.STRING, optional=True))
                .field("dflt", SchemaBuilder(SchemaType.INT32).default_value(42).build())
                .field("price", decimal_schema(2))
                .field("neg", decimal_schema(3))
                .field("day", date_schema())
                .field("at", time_schema())
                .field("ts", timestamp_schema())
                .field("tags", SchemaBuilder.array(prim(SchemaType.STRING)).build())
                .field("counts", SchemaBuilder.map(prim(SchemaType.STRING), prim(SchemaType.INT64)).build())
                .field("home", address)
                .field("homes", SchemaBuilder.array(address).optional().build())
                .build())

home = Struct(address).put("street", "Main St").put("zip", 12345)
home2 = Struct(address).put("street", "Side St")
row = (Struct(value_schema).put("i8", -8).put("i16", 1600).put("i32", -320000).put("i64", 2**40)
       .put("f32", 1.5).put("f64", -2.25).put("flag", True).put("text", "héllo")
       .put("blob", b"\x00\x01\xff").put("price", decimal.Decimal("123.45"))
       .put("neg", decimal.Decimal("-0.129"))
       .put("day", dt.date(2024, 2, 29)).put("at", dt.time(13, 14, 15, 16000))
       .put("ts", dt.datetime(2024, 2, 29, 13, 14, 15, 16000, tzinfo=dt.timezone.utc))
       .put("tags", ["a", "b"]).put("counts", {"x": 1, "y": -2})
       .put("home", home).put("homes", [home, home2]))

records = [
    SourceRecord(source_partition={"file": "/tmp/a"}, source_offset={"position": 42, "ok": True},
                 topic="t1", partition=3, key="k1", key_schema=prim(SchemaType.STRING),
                 value=row, value_schema=value_schema, timestamp_ms=1700000000000,
                 headers=[Header("h1", 7, prim(SchemaType.INT64)), Header("h2", "schemaless")]),
    SourceRecord(source_partition={"file": "/tmp/b"},
                 source_offset={"n": 1.5, "l": [1, "two"], "d": decimal.Decimal("1.10"),
                                "t": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                                "b": b"\x80"},
                 topic="t2", key=None, value={"schemaless": [1, 2.5, None]}),
]
batch = pb.SourceBatch()
schemas = OutgoingSchemas()
for i, r in enumerate(records):
    source_record_to_proto(r, i + 1, schemas, batch)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_python.hex")
with open(out, "w") as f:
    f.write(batch.SerializeToString(deterministic=True).hex() + "\n")
print(batch)
