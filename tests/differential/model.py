"""The vocabulary of the differential catalog: input records, cases, validation requests, and
builders for JsonConverter schemas and envelopes. cases.py uses it to list what runs through
both systems; harness.py turns it into connector configs, topics and files."""

import base64
import dataclasses
import json
from typing import Optional

# The first input record's timestamp; record i of a case gets BASE_TS + i * TS_STEP unless it
# sets its own. 2023-11-14T22:13:20.123Z; the step moves hour, minute, second and millisecond.
BASE_TS = 1700000000123
TS_STEP = 3_723_001

# ---------------------------------------------------------------------------- JSON bytes

def js(obj):
    """`obj` as compact UTF-8 JSON bytes (what a JSON producer writes)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def env(schema, payload):
    """A JsonConverter envelope, {"schema":…,"payload":…}, as bytes."""
    return js({"schema": schema, "payload": payload})


def dec(unscaled):
    """Base64 of a Decimal's unscaled value as Java's BigInteger.toByteArray writes it: big-endian
    two's complement, the fewest bytes that hold the sign."""
    n = 1
    while not -(1 << (8 * n - 1)) <= unscaled < (1 << (8 * n - 1)):
        n += 1
    return base64.b64encode(unscaled.to_bytes(n, "big", signed=True)).decode()


# ---------------------------------------------------------------------------- schemas

def sch(type_, optional=False, name=None, version=None, doc=None, parameters=None, **extra):
    s = {"type": type_}
    s.update({k: v for k, v in extra.items() if k != "default"})
    s["optional"] = optional
    if name is not None:
        s["name"] = name
    if version is not None:
        s["version"] = version
    if doc is not None:
        s["doc"] = doc
    if parameters is not None:
        s["parameters"] = parameters
    if "default" in extra:
        s["default"] = extra["default"]
    return s


def opt(schema, **changes):
    """The schema made optional (and changed as given, e.g. default=…)."""
    s = dict(schema, optional=True)
    s.update(changes)
    return s


def struct(fields, optional=False, name=None, version=None, doc=None):
    """fields: [(name, schema), …] in order."""
    return sch("struct", optional, name, version, doc,
               fields=[dict(s, field=n) for n, s in fields])


def array(items, optional=False):
    return sch("array", optional, items=items)


def map_(keys, values, optional=False):
    return sch("map", optional, keys=keys, values=values)


INT8, INT16, INT32, INT64 = (sch(t) for t in ("int8", "int16", "int32", "int64"))
FLOAT32, FLOAT64 = sch("float"), sch("double")
BOOLEAN, STRING, BYTES = sch("boolean"), sch("string"), sch("bytes")


def decimal(scale, optional=False):
    return sch("bytes", optional, "org.apache.kafka.connect.data.Decimal", 1,
               parameters={"scale": str(scale)})


DATE = sch("int32", name="org.apache.kafka.connect.data.Date", version=1)
TIME = sch("int32", name="org.apache.kafka.connect.data.Time", version=1)
TIMESTAMP = sch("int64", name="org.apache.kafka.connect.data.Timestamp", version=1)

# ---------------------------------------------------------------------------- the catalog's types

@dataclasses.dataclass
class Rec:
    """One input record of a sink case. key/value are the raw bytes (None: null); header values
    are bytes or None; ts None means BASE_TS + index * TS_STEP."""
    value: Optional[bytes]
    key: Optional[bytes] = None
    headers: list = dataclasses.field(default_factory=list)
    ts: Optional[int] = None


@dataclasses.dataclass
class Case:
    """A connector that runs on both systems with the same config.

    kind:     "sink" (records -> topic -> FileStreamSink -> file) or "source" (lines -> file ->
              FileStreamSource -> topic).
    records:  sink input, produced once to the case's input topic.
    lines:    source input, the whole file text.
    config:   connector config keys on top of the defaults (transforms, converters, errors.*).
    dlq:      sink only: add errors.tolerance=all and a dead letter queue with context headers.
    topic:    the input topic (sink) or output topic (source); default dt.<name>.
    outputs:  further topics a source may write to (routers), each read after a run; a dict
              {topic: partitions} for topics the harness creates up front.
    worker:   which worker of a system runs it ("main", or "alt": the worker with non-default
              worker-level converters, see harness.WORKERS).
    expect:   what Java must do with it, checked on every run so that a case keeps exercising
              what it claims: any of lines (sink file lines), records (source output records),
              dlq (DLQ records), state ("RUNNING" / "FAILED" task state), create (HTTP status).
    about:    what it exercises, for the report.
    """
    name: str
    kind: str
    about: str
    config: dict = dataclasses.field(default_factory=dict)
    records: list = dataclasses.field(default_factory=list)
    lines: str = ""
    dlq: bool = True
    topic: Optional[str] = None
    outputs: dict = dataclasses.field(default_factory=dict)
    worker: str = "main"
    expect: dict = dataclasses.field(default_factory=dict)

    @property
    def connector(self):
        return f"dt-{self.name}"

    @property
    def main_topic(self):
        return self.topic or f"dt.{self.name}"

    @property
    def dlq_topic(self):
        return f"dt.{self.name}.dlq" if self.kind == "sink" and self.dlq else None


@dataclasses.dataclass
class Validation:
    """PUT /connector-plugins/{plugin}/config/validate with `config`, on both systems."""
    name: str
    about: str
    config: dict
    plugin: str = "FileStreamSinkConnector"
    expect: dict = dataclasses.field(default_factory=dict)  # error_count, status
