"""The Connect data model: schemas, Structs and the logical types, as Kafka Connect's
org.apache.kafka.connect.data (and the C++ SDK's data.h).

Python values stand for Connect values: None, bool, int (INT8..INT64), float (FLOAT32,
FLOAT64), str, bytes, list (ARRAY), dict (MAP), Struct (STRUCT); under the logical schemas,
decimal.Decimal (Decimal), datetime.date (Date), datetime.time (Time) and datetime.datetime
(Timestamp). Schemaless data uses the same values without a schema; a datetime there is a
java.util.Date.

Schemas are immutable once built; Structs are not thread-safe (one owner at a time).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence


class DataException(ValueError):
    """Kafka Connect's DataException: a value does not fit its schema."""


class SchemaType(enum.Enum):
    INT8 = "INT8"
    INT16 = "INT16"
    INT32 = "INT32"
    INT64 = "INT64"
    FLOAT32 = "FLOAT32"
    FLOAT64 = "FLOAT64"
    BOOLEAN = "BOOLEAN"
    STRING = "STRING"
    BYTES = "BYTES"
    ARRAY = "ARRAY"
    MAP = "MAP"
    STRUCT = "STRUCT"

    @property
    def is_primitive(self) -> bool:
        return self not in (SchemaType.ARRAY, SchemaType.MAP, SchemaType.STRUCT)


_INT_BITS = {SchemaType.INT8: 8, SchemaType.INT16: 16, SchemaType.INT32: 32, SchemaType.INT64: 64}


@dataclass(frozen=True)
class Field:
    name: str
    index: int
    schema: "Schema"


@dataclass(frozen=True, eq=True)
class Schema:
    """A Connect schema. Build one with SchemaBuilder or use the constants (INT32_SCHEMA, ...)."""

    type: SchemaType
    optional: bool = False
    name: Optional[str] = None
    version: Optional[int] = None
    doc: Optional[str] = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    fields: Sequence[Field] = ()
    key_schema: Optional["Schema"] = None
    value_schema: Optional["Schema"] = None
    default_value: Any = None

    def __hash__(self) -> int:
        return hash((self.type, self.optional, self.name, self.version, len(self.fields)))

    def field(self, name: str) -> Optional[Field]:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def __str__(self) -> str:
        return f"Schema{{{self.name + ':' if self.name else ''}{self.type.value}}}"


class SchemaBuilder:
    """Builds a Schema step by step, as Kafka's SchemaBuilder:

        schema = (SchemaBuilder.struct().name("user")
                  .field("id", INT64_SCHEMA).field("email", OPTIONAL_STRING_SCHEMA).build())
    """

    def __init__(self, type_: SchemaType) -> None:
        self._type = type_
        self._optional = False
        self._name: Optional[str] = None
        self._version: Optional[int] = None
        self._doc: Optional[str] = None
        self._parameters: Dict[str, str] = {}
        self._fields: List[Field] = []
        self._key: Optional[Schema] = None
        self._value: Optional[Schema] = None
        self._default: Any = None

    @staticmethod
    def of(type_: SchemaType) -> "SchemaBuilder":
        return SchemaBuilder(type_)

    @staticmethod
    def int8() -> "SchemaBuilder": return SchemaBuilder(SchemaType.INT8)
    @staticmethod
    def int16() -> "SchemaBuilder": return SchemaBuilder(SchemaType.INT16)
    @staticmethod
    def int32() -> "SchemaBuilder": return SchemaBuilder(SchemaType.INT32)
    @staticmethod
    def int64() -> "SchemaBuilder": return SchemaBuilder(SchemaType.INT64)
    @staticmethod
    def float32() -> "SchemaBuilder": return SchemaBuilder(SchemaType.FLOAT32)
    @staticmethod
    def float64() -> "SchemaBuilder": return SchemaBuilder(SchemaType.FLOAT64)
    @staticmethod
    def boolean() -> "SchemaBuilder": return SchemaBuilder(SchemaType.BOOLEAN)
    @staticmethod
    def string() -> "SchemaBuilder": return SchemaBuilder(SchemaType.STRING)
    @staticmethod
    def bytes() -> "SchemaBuilder": return SchemaBuilder(SchemaType.BYTES)
    @staticmethod
    def struct() -> "SchemaBuilder": return SchemaBuilder(SchemaType.STRUCT)

    @staticmethod
    def array(value_schema: Schema) -> "SchemaBuilder":
        b = SchemaBuilder(SchemaType.ARRAY)
        b._value = value_schema
        return b

    @staticmethod
    def map(key_schema: Schema, value_schema: Schema) -> "SchemaBuilder":
        b = SchemaBuilder(SchemaType.MAP)
        b._key, b._value = key_schema, value_schema
        return b

    def optional(self) -> "SchemaBuilder":
        self._optional = True
        return self

    def required(self) -> "SchemaBuilder":
        self._optional = False
        return self

    def name(self, name: str) -> "SchemaBuilder":
        self._name = name
        return self

    def version(self, version: int) -> "SchemaBuilder":
        self._version = version
        return self

    def doc(self, doc: str) -> "SchemaBuilder":
        self._doc = doc
        return self

    def parameter(self, key: str, value: str) -> "SchemaBuilder":
        self._parameters[key] = value
        return self

    def default_value(self, value: Any) -> "SchemaBuilder":
        self._default = value
        return self

    def field(self, name: str, schema: Schema) -> "SchemaBuilder":
        if self._type is not SchemaType.STRUCT:
            raise DataException("Cannot create fields on type " + self._type.value)
        if not name:
            raise DataException("fieldName cannot be null.")
        if any(f.name == name for f in self._fields):
            raise DataException("Cannot create field because of field name duplication " + name)
        self._fields.append(Field(name, len(self._fields), schema))
        return self

    def build(self) -> Schema:
        schema = Schema(self._type, self._optional, self._name, self._version, self._doc,
                        dict(self._parameters), tuple(self._fields), self._key, self._value, None)
        if self._default is not None:
            validate_value(schema, self._default)
            object.__setattr__(schema, "default_value", self._default)
        return schema


def _primitive(t: SchemaType, optional: bool) -> Schema:
    return Schema(t, optional)


INT8_SCHEMA = _primitive(SchemaType.INT8, False)
INT16_SCHEMA = _primitive(SchemaType.INT16, False)
INT32_SCHEMA = _primitive(SchemaType.INT32, False)
INT64_SCHEMA = _primitive(SchemaType.INT64, False)
FLOAT32_SCHEMA = _primitive(SchemaType.FLOAT32, False)
FLOAT64_SCHEMA = _primitive(SchemaType.FLOAT64, False)
BOOLEAN_SCHEMA = _primitive(SchemaType.BOOLEAN, False)
STRING_SCHEMA = _primitive(SchemaType.STRING, False)
BYTES_SCHEMA = _primitive(SchemaType.BYTES, False)
OPTIONAL_INT8_SCHEMA = _primitive(SchemaType.INT8, True)
OPTIONAL_INT16_SCHEMA = _primitive(SchemaType.INT16, True)
OPTIONAL_INT32_SCHEMA = _primitive(SchemaType.INT32, True)
OPTIONAL_INT64_SCHEMA = _primitive(SchemaType.INT64, True)
OPTIONAL_FLOAT32_SCHEMA = _primitive(SchemaType.FLOAT32, True)
OPTIONAL_FLOAT64_SCHEMA = _primitive(SchemaType.FLOAT64, True)
OPTIONAL_BOOLEAN_SCHEMA = _primitive(SchemaType.BOOLEAN, True)
OPTIONAL_STRING_SCHEMA = _primitive(SchemaType.STRING, True)
OPTIONAL_BYTES_SCHEMA = _primitive(SchemaType.BYTES, True)

# ---- logical types ---------------------------------------------------------------------------

DECIMAL_NAME = "org.apache.kafka.connect.data.Decimal"
DECIMAL_SCALE = "scale"
DATE_NAME = "org.apache.kafka.connect.data.Date"
TIME_NAME = "org.apache.kafka.connect.data.Time"
TIMESTAMP_NAME = "org.apache.kafka.connect.data.Timestamp"
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def decimal_schema(scale: int, optional: bool = False) -> Schema:
    b = SchemaBuilder.bytes().name(DECIMAL_NAME).version(1).parameter(DECIMAL_SCALE, str(scale))
    return (b.optional() if optional else b).build()


def date_schema(optional: bool = False) -> Schema:
    b = SchemaBuilder.int32().name(DATE_NAME).version(1)
    return (b.optional() if optional else b).build()


def time_schema(optional: bool = False) -> Schema:
    b = SchemaBuilder.int32().name(TIME_NAME).version(1)
    return (b.optional() if optional else b).build()


def timestamp_schema(optional: bool = False) -> Schema:
    b = SchemaBuilder.int64().name(TIMESTAMP_NAME).version(1)
    return (b.optional() if optional else b).build()


def decimal_to_bytes(value: _decimal.Decimal, scale: int) -> bytes:
    """Decimal.fromLogical: the big-endian two's-complement unscaled value at `scale`."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise DataException(f"Decimal value {value} is not finite")
    if -exponent != scale:
        raise DataException(
            f"Decimal value has mismatching scale for given Decimal schema. "
            f"Schema has scale {scale}, value has scale {-exponent}")
    unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    length = max(1, (unscaled + (unscaled < 0)).bit_length() // 8 + 1)
    return unscaled.to_bytes(length, "big", signed=True)


def decimal_from_bytes(data: bytes, scale: int) -> _decimal.Decimal:
    """Decimal.toLogical."""
    unscaled = int.from_bytes(data, "big", signed=True)
    return _decimal.Decimal(unscaled).scaleb(-scale)


def date_to_days(value: _dt.date) -> int:
    return (value - _dt.date(1970, 1, 1)).days


def time_to_millis(value: _dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1000 + value.microsecond // 1000


def datetime_to_millis(value: _dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def millis_to_datetime(millis: int) -> _dt.datetime:
    return EPOCH + _dt.timedelta(milliseconds=millis)


# ---- validation ------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    return type(value).__name__


def validate_value(schema: Optional[Schema], value: Any, field_name: Optional[str] = None) -> None:
    """Checks that `value` fits `schema` (Kafka's ConnectSchema.validateValue); raises
    DataException."""
    where = f' for field: "{field_name}"' if field_name is not None else ""
    if schema is None:
        return
    if value is None:
        if not schema.optional and schema.default_value is None:
            raise DataException(f'Invalid value: null used for required field: "{field_name}", '
                                f"schema type: {schema.type.value}")
        return
    t = schema.type
    ok: bool
    if schema.name == DECIMAL_NAME:
        ok = isinstance(value, _decimal.Decimal)
    elif schema.name == DATE_NAME:
        ok = isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)
    elif schema.name == TIME_NAME:
        ok = isinstance(value, _dt.time)
    elif schema.name == TIMESTAMP_NAME:
        ok = isinstance(value, _dt.datetime)
    elif t in _INT_BITS:
        bits = _INT_BITS[t]
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
            raise DataException(f"Value {value} does not fit schema type {t.value}{where}")
    elif t in (SchemaType.FLOAT32, SchemaType.FLOAT64):
        ok = isinstance(value, float)
    elif t is SchemaType.BOOLEAN:
        ok = isinstance(value, bool)
    elif t is SchemaType.STRING:
        ok = isinstance(value, str)
    elif t is SchemaType.BYTES:
        ok = isinstance(value, (bytes, bytearray))
    elif t is SchemaType.ARRAY:
        ok = isinstance(value, list)
        if ok:
            for item in value:
                validate_value(schema.value_schema, item)
    elif t is SchemaType.MAP:
        ok = isinstance(value, dict)
        if ok:
            for k, v in value.items():
                validate_value(schema.key_schema, k)
                validate_value(schema.value_schema, v)
    else:
        ok = isinstance(value, Struct)
        if ok and value.schema != schema:
            raise DataException("Struct schemas do not match.")
        if ok:
            value.validate()
    if not ok:
        raise DataException(
            f"Invalid Python object for schema with type {t.value}: {_type_name(value)}{where}")


class Struct:
    """A STRUCT value: one value per field of its schema."""

    def __init__(self, schema: Schema) -> None:
        if schema.type is not SchemaType.STRUCT:
            raise DataException("Not a struct schema: " + str(schema))
        self.schema = schema
        self._values: List[Any] = [None] * len(schema.fields)

    def _field(self, name: str) -> Field:
        f = self.schema.field(name)
        if f is None:
            raise DataException(f"{name} is not a valid field name")
        return f

    def put(self, name: str, value: Any) -> "Struct":
        """Sets a field after checking its value against the field's schema."""
        f = self._field(name)
        validate_value(f.schema, value, name)
        self._values[f.index] = value
        return self

    def get(self, name: str) -> Any:
        """The field's value, or its schema's default when unset."""
        f = self._field(name)
        v = self._values[f.index]
        return f.schema.default_value if v is None else v

    def get_without_default(self, name: str) -> Any:
        return self._values[self._field(name).index]

    def validate(self) -> None:
        """Every required field has a value (Kafka's Struct.validate)."""
        for f in self.schema.fields:
            v = self._values[f.index]
            if v is None and not f.schema.optional and f.schema.default_value is None:
                raise DataException(
                    f'Invalid value: null used for required field: "{f.name}", '
                    f"schema type: {f.schema.type.value}")
            validate_value(f.schema, v if v is not None else f.schema.default_value, f.name)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Struct) and self.schema == other.schema
                and self._values == other._values)

    def __repr__(self) -> str:
        inner = ",".join(f"{f.name}={self._values[f.index]!r}" for f in self.schema.fields)
        return f"Struct{{{inner}}}"
