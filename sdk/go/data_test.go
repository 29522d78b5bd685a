package sluice

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "sluice.dev/sdk/go/gen/sluice/plugin/v1"
)

var userSchema = StructSchema().Name("user").Version(2).
	Field("id", Int64Schema).
	Field("email", OptionalStringSchema).
	Field("tags", ArraySchema(StringSchema).MustBuild()).
	Field("attrs", MapSchema(StringSchema, Int32Schema).Optional().MustBuild()).
	Field("balance", DecimalSchema(2, false)).
	Field("born", DateSchema(true)).
	Field("wakes", TimeSchema(true)).
	Field("seen", TimestampSchema(true)).
	MustBuild()

func TestStructValidatesFieldsAsKafkaDoes(t *testing.T) {
	s := MustNewStruct(userSchema)
	if err := s.Set("id", "one"); err == nil || err.Error() != `Invalid Go value for schema with type INT64: string for field: "id"` {
		t.Fatalf("Set id: %v", err)
	}
	if err := s.Set("nope", 1); err == nil || err.Error() != "nope is not a valid field name" {
		t.Fatalf("Set nope: %v", err)
	}
	err := s.Validate()
	if err == nil || err.Error() != `Invalid value: null used for required field: "id", schema type: INT64` {
		t.Fatalf("Validate: %v", err)
	}
	i8 := MustNewStruct(StructSchema().Field("b", Int8Schema).MustBuild())
	if err := i8.Set("b", 300); err == nil || !strings.Contains(err.Error(), "Value 300 does not fit schema type INT8") {
		t.Fatalf("INT8 300: %v", err)
	}
	if _, err := StructSchema().Field("a", Int8Schema).Field("a", Int8Schema).Build(); err == nil ||
		err.Error() != "Cannot create field because of field name duplication a" {
		t.Fatalf("duplicate field: %v", err)
	}
}

func TestDecimalBytesAreJavasBigIntegerBytes(t *testing.T) {
	for _, c := range []struct {
		text  string
		bytes []byte
	}{{"123.45", []byte{0x30, 0x39}}, {"-1.00", []byte{0x9c}}, {"1.28", []byte{0x00, 0x80}},
		{"-1.28", []byte{0x80}}, {"0.00", []byte{0x00}}, {"-1.29", []byte{0xff, 0x7f}}} {
		d, err := ParseDecimal(c.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Bytes(); !bytes.Equal(got, c.bytes) {
			t.Errorf("%s: bytes % x, want % x", c.text, got, c.bytes)
		}
		back := DecimalFromBytes(c.bytes, 2)
		if back.String() != c.text {
			t.Errorf("%s: back %s", c.text, back)
		}
	}
}

func TestLogicalTimes(t *testing.T) {
	ts := time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)
	if DateToDays(ts) != -1 {
		t.Fatalf("days %d", DateToDays(ts))
	}
	if TimeToMillis(ts) != 86399000 {
		t.Fatalf("ms of day %d", TimeToMillis(ts))
	}
	if !DaysToDate(19000).Equal(time.Date(2022, 1, 8, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("DaysToDate %v", DaysToDate(19000))
	}
}

func TestWireRoundTripKeepsEveryConnectType(t *testing.T) {
	s := MustNewStruct(userSchema).Put("id", int64(7)).Put("email", "a@b").
		Put("tags", []any{"x", "y"}).Put("attrs", map[string]any{"k": int32(3)}).
		Put("balance", NewDecimal(-12345, 2)).
		Put("born", time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)).
		Put("wakes", time.Date(1970, 1, 1, 7, 30, 0, 0, time.UTC)).
		Put("seen", time.UnixMilli(1700000000123).UTC())
	p, err := ValueToProto(s, userSchema)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := SchemaToProto(userSchema)
	if err != nil {
		t.Fatal(err)
	}
	// The schema crosses as bytes, as on the wire.
	raw, _ := proto.Marshal(ps)
	var decoded pb.Schema
	if err := proto.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	schema, err := SchemaFromProto(&decoded)
	if err != nil {
		t.Fatal(err)
	}
	if !SchemaEqual(schema, userSchema) {
		t.Fatalf("schema changed on the wire: %+v", schema)
	}
	back, err := ValueFromProto(p, schema)
	if err != nil {
		t.Fatal(err)
	}
	if !ValuesEqual(back, s) {
		t.Fatalf("got %v, want %v", back, s)
	}
	if got := p.GetStructValue().GetFields()[4].GetBytesValue(); !bytes.Equal(got, []byte{0xcf, 0xc7}) {
		t.Fatalf("decimal bytes % x", got)
	}
	if p.GetStructValue().GetFields()[4].DecimalScale != nil {
		t.Fatal("a decimal at its schema's scale carries no scale of its own")
	}
}

func TestSchemalessValuesAndMaps(t *testing.T) {
	in := map[string]any{"n": 5, "f": 1.5, "s": "x", "b": []byte{1}, "l": []any{true, nil},
		"when": time.UnixMilli(1000).UTC(), "d": Decimal{Unscaled: big.NewInt(15), Scale: 1}}
	back, err := RoundTrip(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"n": int64(5), "f": 1.5, "s": "x", "b": []byte{1}, "l": []any{true, nil},
		"when": time.UnixMilli(1000).UTC(), "d": NewDecimal(15, 1)}
	if !ValuesEqual(back, want) {
		t.Fatalf("got %#v", back)
	}
	// A map whose keys are not strings stays ordered entries.
	m := Map{{Key: int64(1), Value: "one"}, {Key: int64(2), Value: "two"}}
	back, err = RoundTrip(m, MapSchema(Int64Schema, StringSchema).MustBuild())
	if err != nil {
		t.Fatal(err)
	}
	if !ValuesEqual(back, m) {
		t.Fatalf("got %#v", back)
	}
	if v, ok := back.(Map).Get(int64(2)); !ok || v != "two" {
		t.Fatalf("Get: %v %v", v, ok)
	}
	if _, err := RoundTrip(MustNewStruct(userSchema), nil); err == nil || err.Error() != "A struct value needs a schema" {
		t.Fatalf("schemaless struct: %v", err)
	}
	if _, err := RoundTrip(struct{}{}, nil); err == nil {
		t.Fatal("a Go struct is no Connect data")
	}
}

func TestOutgoingSchemasAreSentOnce(t *testing.T) {
	o := newOutgoingSchemas()
	var defs []*pb.SchemaDefinition
	a, _ := o.idFor(userSchema, &defs)
	same := *userSchema // an equal schema, another object
	b, _ := o.idFor(&same, &defs)
	c, _ := o.idFor(StringSchema, &defs)
	if a != 1 || b != 1 || c != 2 || len(defs) != 2 {
		t.Fatalf("ids %d %d %d, %d definitions", a, b, c, len(defs))
	}
	if id, _ := o.idFor(nil, &defs); id != 0 {
		t.Fatal("schemaless data has id 0")
	}
}

func TestCheckSourceRecord(t *testing.T) {
	ok := SourceRecord{Topic: "t", SourcePartition: map[string]any{"p": 1}, SourceOffset: map[string]any{"o": int64(2)},
		Value: int32(3), ValueSchema: Int32Schema}
	if err := CheckSourceRecord(&ok); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.Value = "three"
	if err := CheckSourceRecord(&bad); err == nil || !strings.HasPrefix(err.Error(), "value: Invalid Go value for schema with type INT32") {
		t.Fatalf("bad value: %v", err)
	}
	bad = ok
	bad.Topic = ""
	if err := CheckSourceRecord(&bad); err == nil {
		t.Fatal("a record without a topic passed")
	}
}
