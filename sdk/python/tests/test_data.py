"""The Connect data model: schema building, Struct checks, logical types' encodings."""

import datetime as dt
import decimal

import pytest

import sluice_sdk as sdk
from sluice_sdk.data import (DataException, date_to_days, datetime_to_millis, decimal_from_bytes,
                             decimal_to_bytes, millis_to_datetime, time_to_millis, validate_value)

USER = (sdk.SchemaBuilder.struct().name("user").version(2)
        .field("id", sdk.INT64_SCHEMA)
        .field("email", sdk.OPTIONAL_STRING_SCHEMA)
        .field("tags", sdk.SchemaBuilder.array(sdk.STRING_SCHEMA).build())
        .field("scores", sdk.SchemaBuilder.map(sdk.STRING_SCHEMA, sdk.INT32_SCHEMA).optional().build())
        .build())


def test_struct_schema_keeps_fields_in_order_with_indexes():
    assert [(f.name, f.index) for f in USER.fields] == [("id", 0), ("email", 1), ("tags", 2), ("scores", 3)]
    assert USER.name == "user" and USER.version == 2
    assert USER.field("tags").schema.value_schema == sdk.STRING_SCHEMA
    assert USER.field("missing") is None


def test_struct_put_checks_the_field_schema():
    s = sdk.Struct(USER).put("id", 7).put("tags", ["a"])
    assert s.get("id") == 7 and s.get("email") is None
    with pytest.raises(DataException, match="INT64"):
        s.put("id", "seven")
    with pytest.raises(DataException, match="not a valid field name"):
        s.put("nope", 1)
    with pytest.raises(DataException, match="STRING"):
        s.put("tags", [1])


def test_struct_validate_names_the_missing_required_field():
    s = sdk.Struct(USER).put("id", 1)
    with pytest.raises(DataException) as e:
        s.validate()
    assert str(e.value) == 'Invalid value: null used for required field: "tags", schema type: ARRAY'
    s.put("tags", [])
    s.validate()


def test_integer_values_must_fit_their_width():
    validate_value(sdk.INT8_SCHEMA, 127)
    with pytest.raises(DataException, match="does not fit schema type INT8"):
        validate_value(sdk.INT8_SCHEMA, 128)
    with pytest.raises(DataException):
        validate_value(sdk.INT32_SCHEMA, True)  # a bool is not an INT32


def test_structs_compare_by_schema_and_values():
    a = sdk.Struct(USER).put("id", 1).put("tags", ["x"])
    b = sdk.Struct(USER).put("id", 1).put("tags", ["x"])
    assert a == b
    b.put("email", "e@x")
    assert a != b


def test_field_names_are_unique():
    with pytest.raises(DataException, match="duplication"):
        sdk.SchemaBuilder.struct().field("a", sdk.INT32_SCHEMA).field("a", sdk.INT32_SCHEMA)


def test_decimal_is_big_endian_twos_complement_of_the_unscaled_value():
    # Decimal.fromLogical: new BigDecimal("1.23") -> unscaled 123 -> 0x7b; -1.28 -> -128 -> 0x80;
    # 1.28 -> 128 -> 0x00 0x80 (BigInteger.toByteArray keeps a sign bit).
    assert decimal_to_bytes(decimal.Decimal("1.23"), 2) == b"\x7b"
    assert decimal_to_bytes(decimal.Decimal("-1.28"), 2) == b"\x80"
    assert decimal_to_bytes(decimal.Decimal("1.28"), 2) == b"\x00\x80"
    assert decimal_to_bytes(decimal.Decimal("0.00"), 2) == b"\x00"
    assert decimal_from_bytes(b"\x00\x80", 2) == decimal.Decimal("1.28")
    with pytest.raises(DataException, match="mismatching scale"):
        decimal_to_bytes(decimal.Decimal("1.2"), 2)
    schema = sdk.decimal_schema(2)
    assert schema.type is sdk.SchemaType.BYTES
    assert schema.name == "org.apache.kafka.connect.data.Decimal"
    assert schema.parameters == {"scale": "2"}


def test_date_time_timestamp_encodings():
    assert date_to_days(dt.date(1970, 1, 2)) == 1
    assert date_to_days(dt.date(1969, 12, 31)) == -1
    assert time_to_millis(dt.time(1, 2, 3, 4000)) == 3723004
    assert datetime_to_millis(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)) == 1704067200000
    assert millis_to_datetime(1704067200000) == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert sdk.date_schema().type is sdk.SchemaType.INT32
    assert sdk.timestamp_schema().type is sdk.SchemaType.INT64
    validate_value(sdk.date_schema(), dt.date(2024, 1, 1))
    with pytest.raises(DataException):
        validate_value(sdk.date_schema(), 5)


def test_schema_default_value_is_checked():
    s = sdk.SchemaBuilder.int32().optional().default_value(5).build()
    assert s.default_value == 5
    with pytest.raises(DataException):
        sdk.SchemaBuilder.int32().default_value("five").build()
