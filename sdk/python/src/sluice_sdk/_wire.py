"""Conversions between the SDK's values and the plugin protocol's messages (Schema, Value, Data,
records). Schemas travel once per stream and direction (SchemaDefinition), then by id."""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._proto import plugin_pb2 as pb
from .connector import Header, SinkRecord, SourceRecord, TopicPartition
from .data import (DATE_NAME, DECIMAL_NAME, DECIMAL_SCALE, TIME_NAME, TIMESTAMP_NAME,
                   DataException, Field, Schema, SchemaType, Struct, date_to_days,
                   datetime_to_millis, decimal_from_bytes, decimal_to_bytes, millis_to_datetime,
                   time_to_millis)

_TYPE_TO_PB = {t: getattr(pb.Schema, "TYPE_" + t.value) for t in SchemaType}
_PB_TO_TYPE = {v: k for k, v in _TYPE_TO_PB.items()}


def schema_to_proto(schema: Schema, out: pb.Schema) -> None:
    out.type = _TYPE_TO_PB[schema.type]
    out.optional = schema.optional
    if schema.name:
        out.name = schema.name
    if schema.version is not None:
        out.version = schema.version
    if schema.doc:
        out.doc = schema.doc
    for k, v in schema.parameters.items():
        out.parameters[k] = v
    for f in schema.fields:
        pf = out.fields.add()
        pf.name = f.name
        schema_to_proto(f.schema, pf.schema)
    if schema.key_schema is not None:
        schema_to_proto(schema.key_schema, out.key_schema)
    if schema.value_schema is not None:
        schema_to_proto(schema.value_schema, out.value_schema)
    if schema.default_value is not None:
        value_to_proto(schema.default_value, schema, out.default_value)


def schema_from_proto(p: pb.Schema) -> Schema:
    if p.type not in _PB_TO_TYPE:
        raise DataException(f"unknown schema type {p.type}")
    fields = tuple(Field(f.name, i, schema_from_proto(f.schema)) for i, f in enumerate(p.fields))
    schema = Schema(
        type=_PB_TO_TYPE[p.type], optional=p.optional, name=p.name or None,
        version=p.version if p.HasField("version") else None, doc=p.doc or None,
        parameters=dict(p.parameters), fields=fields,
        key_schema=schema_from_proto(p.key_schema) if p.HasField("key_schema") else None,
        value_schema=schema_from_proto(p.value_schema) if p.HasField("value_schema") else None)
    if p.HasField("default_value"):
        object.__setattr__(schema, "default_value", value_from_proto(p.default_value, schema))
    return schema


def _scale(schema: Schema) -> int:
    try:
        return int(schema.parameters[DECIMAL_SCALE])
    except (KeyError, ValueError):
        raise DataException("Invalid Decimal schema: scale parameter not found.") from None


def value_to_proto(value: Any, schema: Optional[Schema], out: pb.Value) -> None:
    if value is None:
        out.null_value = True
        return
    if schema is None:
        _schemaless_to_proto(value, out)
        return
    t = schema.type
    name = schema.name
    if name == DECIMAL_NAME:
        if not isinstance(value, _decimal.Decimal):
            raise DataException(f"Decimal schema needs a decimal.Decimal, got {type(value).__name__}")
        scale = _scale(schema)
        exponent = value.as_tuple().exponent
        own = -exponent if isinstance(exponent, int) else scale
        out.bytes_value = decimal_to_bytes(value, own)
        if own != scale:
            out.decimal_scale = own
        return
    if name == DATE_NAME and isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        out.int_value = date_to_days(value)
        return
    if name == TIME_NAME and isinstance(value, _dt.time):
        out.int_value = time_to_millis(value)
        return
    if name == TIMESTAMP_NAME and isinstance(value, _dt.datetime):
        out.int_value = datetime_to_millis(value)
        return
    if t in (SchemaType.INT8, SchemaType.INT16, SchemaType.INT32, SchemaType.INT64):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DataException(f"{t.value} schema needs an int, got {type(value).__name__}")
        out.int_value = value
    elif t is SchemaType.FLOAT32:
        out.float32_value = float(value)
    elif t is SchemaType.FLOAT64:
        out.float64_value = float(value)
    elif t is SchemaType.BOOLEAN:
        out.bool_value = bool(value)
    elif t is SchemaType.STRING:
        if not isinstance(value, str):
            raise DataException(f"STRING schema needs a str, got {type(value).__name__}")
        out.string_value = value
    elif t is SchemaType.BYTES:
        out.bytes_value = bytes(value)
    elif t is SchemaType.ARRAY:
        arr = out.array_value
        arr.SetInParent()
        for item in value:
            value_to_proto(item, schema.value_schema, arr.items.add())
    elif t is SchemaType.MAP:
        m = out.map_value
        m.SetInParent()
        for k, v in value.items():
            e = m.entries.add()
            value_to_proto(k, schema.key_schema, e.key)
            value_to_proto(v, schema.value_schema, e.value)
    else:
        if not isinstance(value, Struct):
            raise DataException(f"STRUCT schema needs a Struct, got {type(value).__name__}")
        value.validate()
        sv = out.struct_value
        sv.SetInParent()
        for f in schema.fields:
            value_to_proto(value.get_without_default(f.name), f.schema, sv.fields.add())


def _schemaless_to_proto(value: Any, out: pb.Value) -> None:
    if value is None:
        out.null_value = True
    elif isinstance(value, bool):
        out.bool_value = value
    elif isinstance(value, int):
        out.int_value = value
    elif isinstance(value, float):
        out.float64_value = value
    elif isinstance(value, str):
        out.string_value = value
    elif isinstance(value, (bytes, bytearray)):
        out.bytes_value = bytes(value)
    elif isinstance(value, _decimal.Decimal):
        exponent = value.as_tuple().exponent
        scale = -exponent if isinstance(exponent, int) else 0
        out.bytes_value = decimal_to_bytes(value, scale)
        out.decimal_scale = scale
    elif isinstance(value, _dt.datetime):
        out.timestamp_value = datetime_to_millis(value)
    elif isinstance(value, (list, tuple)):
        out.array_value.SetInParent()
        for item in value:
            _schemaless_to_proto(item, out.array_value.items.add())
    elif isinstance(value, dict):
        out.map_value.SetInParent()
        for k, v in value.items():
            e = out.map_value.entries.add()
            _schemaless_to_proto(k, e.key)
            _schemaless_to_proto(v, e.value)
    elif isinstance(value, Struct):
        raise DataException("A struct value needs a schema")
    else:
        raise DataException(f"Cannot send a {type(value).__name__} as Connect data")


def value_from_proto(p: pb.Value, schema: Optional[Schema]) -> Any:
    kind = p.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None
    if schema is None:
        return _schemaless_from_proto(p, kind)
    name = schema.name
    if kind == "int_value":
        if name == DATE_NAME:
            return _dt.date(1970, 1, 1) + _dt.timedelta(days=p.int_value)
        if name == TIME_NAME:
            return (_dt.datetime.min + _dt.timedelta(milliseconds=p.int_value)).time()
        if name == TIMESTAMP_NAME:
            return millis_to_datetime(p.int_value)
        return p.int_value
    if kind == "bytes_value":
        if name == DECIMAL_NAME:
            scale = p.decimal_scale if p.HasField("decimal_scale") else _scale(schema)
            return decimal_from_bytes(p.bytes_value, scale)
        return p.bytes_value
    if kind == "array_value":
        return [value_from_proto(i, schema.value_schema) for i in p.array_value.items]
    if kind == "map_value":
        return {_hashable(value_from_proto(e.key, schema.key_schema)):
                value_from_proto(e.value, schema.value_schema) for e in p.map_value.entries}
    if kind == "struct_value":
        if schema.type is not SchemaType.STRUCT:
            raise DataException(f"Schema type {schema.type.value} does not match a struct value")
        fields = p.struct_value.fields
        if len(fields) != len(schema.fields):
            raise DataException(f"Struct value has {len(fields)} fields, its schema has "
                                f"{len(schema.fields)}")
        s = Struct(schema)
        for f in schema.fields:
            v = value_from_proto(fields[f.index], f.schema)
            if v is not None:
                s._values[f.index] = v  # the worker validated the record already
        return s
    return _schemaless_from_proto(p, kind)


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_hashable(i) for i in v)
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    return v


def _schemaless_from_proto(p: pb.Value, kind: str) -> Any:
    if kind == "int_value":
        return p.int_value
    if kind == "float32_value":
        return p.float32_value
    if kind == "float64_value":
        return p.float64_value
    if kind == "bool_value":
        return p.bool_value
    if kind == "string_value":
        return p.string_value
    if kind == "bytes_value":
        if p.HasField("decimal_scale"):
            return decimal_from_bytes(p.bytes_value, p.decimal_scale)
        return p.bytes_value
    if kind == "timestamp_value":
        return millis_to_datetime(p.timestamp_value)
    if kind == "array_value":
        return [value_from_proto(i, None) for i in p.array_value.items]
    if kind == "map_value":
        return {_hashable(value_from_proto(e.key, None)): value_from_proto(e.value, None)
                for e in p.map_value.entries}
    raise DataException("A struct value needs a schema")


class OutgoingSchemas:
    """Ids for the schemas one direction of a stream sends: each new schema once."""

    def __init__(self) -> None:
        self._ids: Dict[bytes, int] = {}
        self._by_object: Dict[int, Tuple[Schema, int]] = {}

    def id_for(self, schema: Optional[Schema], new: Any) -> int:
        if schema is None:
            return 0
        cached = self._by_object.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        p = pb.Schema()
        schema_to_proto(schema, p)
        key = p.SerializeToString(deterministic=True)
        sid = self._ids.get(key)
        if sid is None:
            sid = len(self._ids) + 1
            self._ids[key] = sid
            d = new.add()
            d.id = sid
            d.schema.CopyFrom(p)
        self._by_object[id(schema)] = (schema, sid)
        return sid


class IncomingSchemas:
    """The schemas the other side defined on one direction of a stream."""

    def __init__(self) -> None:
        self._schemas: Dict[int, Schema] = {}

    def add(self, definitions: Iterable[pb.SchemaDefinition]) -> None:
        for d in definitions:
            if d.id == 0:
                raise DataException("schema id 0 is reserved for schemaless data")
            self._schemas[d.id] = schema_from_proto(d.schema)

    def get(self, sid: int) -> Optional[Schema]:
        if sid == 0:
            return None
        try:
            return self._schemas[sid]
        except KeyError:
            raise DataException(f"unknown schema id {sid}") from None


def data_to_proto(value: Any, schema: Optional[Schema], schemas: OutgoingSchemas, new: Any,
                  out: pb.Data) -> None:
    out.schema_id = schemas.id_for(schema, new)
    value_to_proto(value, schema, out.value)


def data_from_proto(d: pb.Data, schemas: IncomingSchemas) -> Tuple[Any, Optional[Schema]]:
    schema = schemas.get(d.schema_id)
    return value_from_proto(d.value, schema), schema


def source_record_to_proto(record: SourceRecord, rid: int, schemas: OutgoingSchemas,
                           batch: pb.SourceBatch) -> None:
    r = batch.records.add()
    r.id = rid
    value_to_proto(record.source_partition, None, r.source_partition)
    value_to_proto(record.source_offset, None, r.source_offset)
    r.topic = record.topic
    if record.partition is not None:
        r.partition = record.partition
    data_to_proto(record.key, record.key_schema, schemas, batch.schemas, r.key)
    data_to_proto(record.value, record.value_schema, schemas, batch.schemas, r.value)
    for h in record.headers:
        ph = r.headers.add()
        ph.key = h.key
        data_to_proto(h.value, h.schema, schemas, batch.schemas, ph.value)
    if record.timestamp_ms is not None:
        r.timestamp_ms = record.timestamp_ms


_TS_TYPES = {pb.SinkRecord.TIMESTAMP_TYPE_NONE: "NoTimestampType",
             pb.SinkRecord.TIMESTAMP_TYPE_CREATE_TIME: "CreateTime",
             pb.SinkRecord.TIMESTAMP_TYPE_LOG_APPEND_TIME: "LogAppendTime"}
_TS_TYPES_BACK = {v: k for k, v in _TS_TYPES.items()}


def sink_record_from_proto(p: pb.SinkRecord, schemas: IncomingSchemas) -> SinkRecord:
    key, key_schema = data_from_proto(p.key, schemas)
    value, value_schema = data_from_proto(p.value, schemas)
    headers = []
    for h in p.headers:
        hv, hs = data_from_proto(h.value, schemas)
        headers.append(Header(h.key, hv, hs))
    return SinkRecord(topic=p.topic, kafka_partition=p.partition, kafka_offset=p.offset,
                      key=key, key_schema=key_schema, value=value, value_schema=value_schema,
                      timestamp_ms=p.timestamp_ms if p.HasField("timestamp_ms") else None,
                      timestamp_type=_TS_TYPES.get(p.timestamp_type, "NoTimestampType"),
                      headers=headers)


def sink_record_to_proto(record: SinkRecord, schemas: OutgoingSchemas, new: Any,
                         out: pb.SinkRecord) -> None:
    out.topic = record.topic
    out.partition = record.kafka_partition
    out.offset = record.kafka_offset
    data_to_proto(record.key, record.key_schema, schemas, new, out.key)
    data_to_proto(record.value, record.value_schema, schemas, new, out.value)
    for h in record.headers:
        ph = out.headers.add()
        ph.key = h.key
        data_to_proto(h.value, h.schema, schemas, new, ph.value)
    if record.timestamp_ms is not None:
        out.timestamp_ms = record.timestamp_ms
    out.timestamp_type = _TS_TYPES_BACK.get(record.timestamp_type, 0)


def partitions_from_proto(ps: Iterable[pb.TopicPartition]) -> List[TopicPartition]:
    return [TopicPartition(p.topic, p.partition) for p in ps]


def offsets_from_proto(ps: Iterable[pb.TopicPartitionOffset]) -> Dict[TopicPartition, int]:
    return {TopicPartition(p.topic, p.partition): p.offset for p in ps}
