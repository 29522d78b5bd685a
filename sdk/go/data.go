package sluice

// The Connect data model: schemas, Structs and the logical types, as Kafka Connect's
// org.apache.kafka.connect.data (and the Python SDK's data.py, the C++ SDK's data.h).
//
// Go values stand for Connect values:
//
//	nil                         null
//	bool                        BOOLEAN
//	int8, int16, int32, int64   INT8..INT64 (an int is taken as INT64 in schemaless data)
//	float32, float64            FLOAT32, FLOAT64
//	string, []byte              STRING, BYTES
//	[]any                       ARRAY
//	map[string]any              MAP with string keys
//	Map                         MAP with keys of any type (ordered entries)
//	*Struct                     STRUCT
//	Decimal                     org.apache.kafka.connect.data.Decimal (BYTES)
//	time.Time                   Date (INT32 days), Time (INT32 ms of the day), Timestamp (INT64 ms)
//
// Schemaless data uses the same values with a nil *Schema; a time.Time there is a
// java.util.Date. Data read from the worker comes back with the exact integer type of its schema
// (int64 when schemaless), MAPs with STRING keys as map[string]any and other MAPs as Map.
//
// Schemas are immutable once built (share them freely); Structs are not safe for concurrent
// use.

import (
	"bytes"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// DataError is Kafka Connect's DataException: a value does not fit its schema.
type DataError struct{ Message string }

func (e *DataError) Error() string { return e.Message }

func dataErrorf(format string, args ...any) error {
	return &DataError{Message: fmt.Sprintf(format, args...)}
}

// SchemaType is a Connect schema type.
type SchemaType int

const (
	Int8 SchemaType = iota + 1
	Int16
	Int32
	Int64
	Float32
	Float64
	Boolean
	String
	Bytes
	Array
	MapType
	StructType
)

var schemaTypeNames = map[SchemaType]string{Int8: "INT8", Int16: "INT16", Int32: "INT32",
	Int64: "INT64", Float32: "FLOAT32", Float64: "FLOAT64", Boolean: "BOOLEAN", String: "STRING",
	Bytes: "BYTES", Array: "ARRAY", MapType: "MAP", StructType: "STRUCT"}

func (t SchemaType) String() string {
	if n, ok := schemaTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("SchemaType(%d)", int(t))
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t SchemaType) IsPrimitive() bool { return t != Array && t != MapType && t != StructType }

// Field is one field of a STRUCT schema.
type Field struct {
	Name   string
	Index  int
	Schema *Schema
}

// Schema is a Connect schema. Build one with a SchemaBuilder or use the predefined schemas
// (Int64Schema, ...). A nil *Schema means schemaless data.
type Schema struct {
	Type         SchemaType
	Optional     bool
	Name         string
	Version      *int32
	Doc          string
	Parameters   map[string]string
	Fields       []Field
	KeySchema    *Schema // MAP
	ValueSchema  *Schema // ARRAY items, MAP values
	DefaultValue any
}

// Field returns the field named name, or nil.
func (s *Schema) Field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

func (s *Schema) String() string {
	if s == nil {
		return "Schema{null}"
	}
	if s.Name != "" {
		return fmt.Sprintf("Schema{%s:%s}", s.Name, s.Type)
	}
	return fmt.Sprintf("Schema{%s}", s.Type)
}

// SchemaEqual reports whether two schemas are the same (Kafka's ConnectSchema.equals).
func SchemaEqual(a, b *Schema) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	if a.Type != b.Type || a.Optional != b.Optional || a.Name != b.Name || a.Doc != b.Doc ||
		(a.Version == nil) != (b.Version == nil) || (a.Version != nil && *a.Version != *b.Version) ||
		len(a.Parameters) != len(b.Parameters) || len(a.Fields) != len(b.Fields) ||
		!SchemaEqual(a.KeySchema, b.KeySchema) || !SchemaEqual(a.ValueSchema, b.ValueSchema) ||
		!ValuesEqual(a.DefaultValue, b.DefaultValue) {
		return false
	}
	for k, v := range a.Parameters {
		if w, ok := b.Parameters[k]; !ok || w != v {
			return false
		}
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || !SchemaEqual(a.Fields[i].Schema, b.Fields[i].Schema) {
			return false
		}
	}
	return true
}

// ValuesEqual compares two Connect values (Structs by schema and fields, Decimals by value and
// scale).
func ValuesEqual(a, b any) bool {
	switch x := a.(type) {
	case *Struct:
		y, ok := b.(*Struct)
		if !ok || x == nil || y == nil {
			return ok && x == y
		}
		if !SchemaEqual(x.schema, y.schema) {
			return false
		}
		for i := range x.values {
			if !ValuesEqual(x.values[i], y.values[i]) {
				return false
			}
		}
		return true
	case Decimal:
		y, ok := b.(Decimal)
		return ok && x.Scale == y.Scale && x.unscaled().Cmp(y.unscaled()) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !ValuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !ValuesEqual(v, w) {
				return false
			}
		}
		return true
	case Map:
		y, ok := b.(Map)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !ValuesEqual(x[i].Key, y[i].Key) || !ValuesEqual(x[i].Value, y[i].Value) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// MapEntry is one entry of a Map.
type MapEntry struct {
	Key   any
	Value any
}

// Map is a MAP value whose keys are not (all) strings, in entry order.
type Map []MapEntry

// Get returns the value of the first entry whose key equals key.
func (m Map) Get(key any) (any, bool) {
	for _, e := range m {
		if ValuesEqual(e.Key, key) {
			return e.Value, true
		}
	}
	return nil, false
}

// SchemaBuilder builds a Schema step by step, as Kafka's SchemaBuilder:
//
//	schema := sluice.StructSchema().Name("user").
//		Field("id", sluice.Int64Schema).Field("email", sluice.OptionalStringSchema).MustBuild()
type SchemaBuilder struct {
	s   Schema
	err error
}

// NewSchemaBuilder starts a schema of type t.
func NewSchemaBuilder(t SchemaType) *SchemaBuilder { return &SchemaBuilder{s: Schema{Type: t}} }

// StructSchema starts a STRUCT schema.
func StructSchema() *SchemaBuilder { return NewSchemaBuilder(StructType) }

// ArraySchema starts an ARRAY schema of items.
func ArraySchema(items *Schema) *SchemaBuilder {
	b := NewSchemaBuilder(Array)
	b.s.ValueSchema = items
	return b
}

// MapSchema starts a MAP schema.
func MapSchema(key, value *Schema) *SchemaBuilder {
	b := NewSchemaBuilder(MapType)
	b.s.KeySchema, b.s.ValueSchema = key, value
	return b
}

func (b *SchemaBuilder) Optional() *SchemaBuilder     { b.s.Optional = true; return b }
func (b *SchemaBuilder) Required() *SchemaBuilder     { b.s.Optional = false; return b }
func (b *SchemaBuilder) Name(n string) *SchemaBuilder { b.s.Name = n; return b }
func (b *SchemaBuilder) Doc(d string) *SchemaBuilder  { b.s.Doc = d; return b }

func (b *SchemaBuilder) Version(v int32) *SchemaBuilder { b.s.Version = &v; return b }

func (b *SchemaBuilder) Parameter(k, v string) *SchemaBuilder {
	if b.s.Parameters == nil {
		b.s.Parameters = map[string]string{}
	}
	b.s.Parameters[k] = v
	return b
}

func (b *SchemaBuilder) DefaultValue(v any) *SchemaBuilder { b.s.DefaultValue = v; return b }

// Field adds a STRUCT field; errors (not a struct, empty or duplicate name) come from Build.
func (b *SchemaBuilder) Field(name string, schema *Schema) *SchemaBuilder {
	switch {
	case b.err != nil:
	case b.s.Type != StructType:
		b.err = dataErrorf("Cannot create fields on type %s", b.s.Type)
	case name == "":
		b.err = dataErrorf("fieldName cannot be null.")
	case b.s.Field(name) != nil:
		b.err = dataErrorf("Cannot create field because of field name duplication %s", name)
	default:
		b.s.Fields = append(b.s.Fields, Field{Name: name, Index: len(b.s.Fields), Schema: schema})
	}
	return b
}

// Build returns the schema, or a *DataError (a bad field, a default that does not fit).
func (b *SchemaBuilder) Build() (*Schema, error) {
	if b.err != nil {
		return nil, b.err
	}
	s := b.s
	if s.DefaultValue != nil {
		if err := ValidateValue(&s, s.DefaultValue); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// MustBuild is Build for schemas written in code; it panics on an error.
func (b *SchemaBuilder) MustBuild() *Schema {
	s, err := b.Build()
	if err != nil {
		panic(err)
	}
	return s
}

func primitive(t SchemaType, optional bool) *Schema { return &Schema{Type: t, Optional: optional} }

// The predefined schemas. Do not modify them.
var (
	Int8Schema            = primitive(Int8, false)
	Int16Schema           = primitive(Int16, false)
	Int32Schema           = primitive(Int32, false)
	Int64Schema           = primitive(Int64, false)
	Float32Schema         = primitive(Float32, false)
	Float64Schema         = primitive(Float64, false)
	BooleanSchema         = primitive(Boolean, false)
	StringSchema          = primitive(String, false)
	BytesSchema           = primitive(Bytes, false)
	OptionalInt8Schema    = primitive(Int8, true)
	OptionalInt16Schema   = primitive(Int16, true)
	OptionalInt32Schema   = primitive(Int32, true)
	OptionalInt64Schema   = primitive(Int64, true)
	OptionalFloat32Schema = primitive(Float32, true)
	OptionalFloat64Schema = primitive(Float64, true)
	OptionalBooleanSchema = primitive(Boolean, true)
	OptionalStringSchema  = primitive(String, true)
	OptionalBytesSchema   = primitive(Bytes, true)
)

// ---- logical types ---------------------------------------------------------------------------

const (
	DecimalName      = "org.apache.kafka.connect.data.Decimal"
	DecimalScaleProp = "scale"
	DateName         = "org.apache.kafka.connect.data.Date"
	TimeName         = "org.apache.kafka.connect.data.Time"
	TimestampName    = "org.apache.kafka.connect.data.Timestamp"
)

// Decimal is a decimal number as Java's BigDecimal: Unscaled * 10^-Scale.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// NewDecimal returns unscaled * 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// ParseDecimal parses "-12.340" (scale 3) or "5" (scale 0).
func ParseDecimal(s string) (Decimal, error) {
	whole, frac, _ := strings.Cut(s, ".")
	u, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok || strings.ContainsAny(frac, "+-") {
		return Decimal{}, dataErrorf("%q is not a decimal number", s)
	}
	return Decimal{Unscaled: u, Scale: int32(len(frac))}, nil
}

func (d Decimal) unscaled() *big.Int {
	if d.Unscaled == nil {
		return new(big.Int)
	}
	return d.Unscaled
}

// String formats the decimal in plain notation ("-12.340").
func (d Decimal) String() string {
	u := d.unscaled()
	if d.Scale <= 0 {
		return new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil)).String()
	}
	digits := new(big.Int).Abs(u).String()
	for len(digits) <= int(d.Scale) {
		digits = "0" + digits
	}
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	cut := len(digits) - int(d.Scale)
	return sign + digits[:cut] + "." + digits[cut:]
}

// Bytes is Decimal.fromLogical: the big-endian two's-complement unscaled value.
func (d Decimal) Bytes() []byte { return twosComplement(d.unscaled()) }

// DecimalFromBytes is Decimal.toLogical.
func DecimalFromBytes(b []byte, scale int32) Decimal {
	u := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return Decimal{Unscaled: u, Scale: scale}
}

func twosComplement(u *big.Int) []byte {
	if u.Sign() >= 0 {
		b := u.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -u - 1 in ones' complement, as many bytes as needed with the sign bit set.
	n := (new(big.Int).Add(u, big.NewInt(1))).BitLen()/8 + 1
	mod := new(big.Int).Lsh(big.NewInt(1), uint(8*n))
	b := new(big.Int).Add(mod, u).Bytes()
	for len(b) < n {
		b = append([]byte{0xff}, b...)
	}
	return b
}

// DecimalSchema is the Decimal logical schema with scale.
func DecimalSchema(scale int32, optional bool) *Schema {
	b := NewSchemaBuilder(Bytes).Name(DecimalName).Version(1).Parameter(DecimalScaleProp, strconv.Itoa(int(scale)))
	if optional {
		b.Optional()
	}
	return b.MustBuild()
}

// DateSchema is the Date logical schema (INT32 days since the epoch).
func DateSchema(optional bool) *Schema { return logical(Int32, DateName, optional) }

// TimeSchema is the Time logical schema (INT32 milliseconds since midnight).
func TimeSchema(optional bool) *Schema { return logical(Int32, TimeName, optional) }

// TimestampSchema is the Timestamp logical schema (INT64 milliseconds since the epoch).
func TimestampSchema(optional bool) *Schema { return logical(Int64, TimestampName, optional) }

func logical(t SchemaType, name string, optional bool) *Schema {
	b := NewSchemaBuilder(t).Name(name).Version(1)
	if optional {
		b.Optional()
	}
	return b.MustBuild()
}

func decimalScale(s *Schema) (int32, error) {
	v, err := strconv.ParseInt(s.Parameters[DecimalScaleProp], 10, 32)
	if err != nil {
		return 0, dataErrorf("Invalid Decimal schema: scale parameter not found.")
	}
	return int32(v), nil
}

const msPerDay = 24 * 60 * 60 * 1000

// DateToDays returns the days since 1970-01-01 of t's date (in UTC).
func DateToDays(t time.Time) int32 {
	return int32(floorDiv(t.UTC().Truncate(0).UnixMilli(), msPerDay))
}

// TimeToMillis returns the milliseconds since midnight of t (in UTC).
func TimeToMillis(t time.Time) int32 {
	t = t.UTC()
	return int32(((t.Hour()*60+t.Minute())*60+t.Second())*1000 + t.Nanosecond()/1e6)
}

// DaysToDate, MillisToTime and MillisToTimestamp are the reverse conversions (UTC).
func DaysToDate(days int64) time.Time { return time.UnixMilli(days * msPerDay).UTC() }
func MillisToTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
func MillisToTimestamp(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// ---- validation ------------------------------------------------------------------------------

var intBits = map[SchemaType]uint{Int8: 8, Int16: 16, Int32: 32, Int64: 64}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// ValidateValue checks that value fits schema (Kafka's ConnectSchema.validateValue); a
// *DataError otherwise.
func ValidateValue(schema *Schema, value any) error { return validateValue(schema, value, "") }

func validateValue(schema *Schema, value any, field string) error {
	if schema == nil {
		return nil
	}
	where := ""
	if field != "" {
		where = fmt.Sprintf(" for field: \"%s\"", field)
	}
	if value == nil {
		if !schema.Optional && schema.DefaultValue == nil {
			return dataErrorf("Invalid value: null used for required field: \"%s\", schema type: %s", field, schema.Type)
		}
		return nil
	}
	ok := false
	switch {
	case schema.Name == DecimalName:
		_, ok = value.(Decimal)
	case schema.Name == DateName || schema.Name == TimeName || schema.Name == TimestampName:
		_, ok = value.(time.Time)
	case intBits[schema.Type] != 0:
		var n int64
		if n, ok = asInt64(value); ok {
			bits := intBits[schema.Type]
			if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
				return dataErrorf("Value %d does not fit schema type %s%s", n, schema.Type, where)
			}
		}
	case schema.Type == Float32 || schema.Type == Float64:
		switch value.(type) {
		case float32, float64:
			ok = true
		}
	case schema.Type == Boolean:
		_, ok = value.(bool)
	case schema.Type == String:
		_, ok = value.(string)
	case schema.Type == Bytes:
		_, ok = value.([]byte)
	case schema.Type == Array:
		var items []any
		if items, ok = value.([]any); ok {
			for _, item := range items {
				if err := validateValue(schema.ValueSchema, item, ""); err != nil {
					return err
				}
			}
		}
	case schema.Type == MapType:
		switch m := value.(type) {
		case map[string]any:
			ok = true
			for _, k := range sortedKeys(m) {
				if err := validateValue(schema.KeySchema, k, ""); err != nil {
					return err
				}
				if err := validateValue(schema.ValueSchema, m[k], ""); err != nil {
					return err
				}
			}
		case Map:
			ok = true
			for _, e := range m {
				if err := validateValue(schema.KeySchema, e.Key, ""); err != nil {
					return err
				}
				if err := validateValue(schema.ValueSchema, e.Value, ""); err != nil {
					return err
				}
			}
		}
	case schema.Type == StructType:
		var s *Struct
		if s, ok = value.(*Struct); ok {
			if !SchemaEqual(s.schema, schema) {
				return dataErrorf("Struct schemas do not match.")
			}
			if err := s.Validate(); err != nil {
				return err
			}
		}
	}
	if !ok {
		return dataErrorf("Invalid Go value for schema with type %s: %T%s", schema.Type, value, where)
	}
	return nil
}

// Struct is a STRUCT value: one value per field of its schema.
type Struct struct {
	schema *Schema
	values []any
}

// NewStruct returns an empty Struct of schema; a *DataError when it is not a STRUCT schema.
func NewStruct(schema *Schema) (*Struct, error) {
	if schema == nil || schema.Type != StructType {
		return nil, dataErrorf("Not a struct schema: %s", schema)
	}
	return &Struct{schema: schema, values: make([]any, len(schema.Fields))}, nil
}

// MustNewStruct is NewStruct for schemas written in code; it panics on an error.
func MustNewStruct(schema *Schema) *Struct {
	s, err := NewStruct(schema)
	if err != nil {
		panic(err)
	}
	return s
}

// Schema returns the struct's schema.
func (s *Struct) Schema() *Schema { return s.schema }

func (s *Struct) field(name string) (*Field, error) {
	f := s.schema.Field(name)
	if f == nil {
		return nil, dataErrorf("%s is not a valid field name", name)
	}
	return f, nil
}

// Set sets a field after checking its value against the field's schema.
func (s *Struct) Set(name string, value any) error {
	f, err := s.field(name)
	if err != nil {
		return err
	}
	if err := validateValue(f.Schema, value, name); err != nil {
		return err
	}
	s.values[f.Index] = value
	return nil
}

// Put is Set for values written in code: it panics on an error, and returns s for chaining.
func (s *Struct) Put(name string, value any) *Struct {
	if err := s.Set(name, value); err != nil {
		panic(err)
	}
	return s
}

// Get returns the field's value, or its schema's default when unset; nil for an unknown field.
func (s *Struct) Get(name string) any {
	f := s.schema.Field(name)
	if f == nil {
		return nil
	}
	if v := s.values[f.Index]; v != nil {
		return v
	}
	return f.Schema.DefaultValue
}

// GetWithoutDefault returns the field's value as set (nil when unset).
func (s *Struct) GetWithoutDefault(name string) any {
	f := s.schema.Field(name)
	if f == nil {
		return nil
	}
	return s.values[f.Index]
}

// Validate checks that every required field has a value (Kafka's Struct.validate).
func (s *Struct) Validate() error {
	for _, f := range s.schema.Fields {
		v := s.values[f.Index]
		if v == nil {
			if !f.Schema.Optional && f.Schema.DefaultValue == nil {
				return dataErrorf("Invalid value: null used for required field: \"%s\", schema type: %s", f.Name, f.Schema.Type)
			}
			v = f.Schema.DefaultValue
		}
		if err := validateValue(f.Schema, v, f.Name); err != nil {
			return err
		}
	}
	return nil
}

// String is as Kafka's Struct.toString: Struct{n=1,text=one}.
func (s *Struct) String() string {
	var b strings.Builder
	b.WriteString("Struct{")
	first := true
	for _, f := range s.schema.Fields {
		v := s.values[f.Index]
		if v == nil {
			continue
		}
		if !first {
			b.WriteString(",")
		}
		first = false
		fmt.Fprintf(&b, "%s=%v", f.Name, v)
	}
	b.WriteString("}")
	return b.String()
}
