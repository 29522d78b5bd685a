package sluice

// Conversions between the SDK's values and the plugin protocol's messages (Schema, Value, Data,
// records). Schemas travel once per stream and direction (SchemaDefinition), then by id.

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	pb "sluice.dev/sdk/go/gen/sluice/plugin/v1"
)

var typeToPB = map[SchemaType]pb.Schema_Type{Int8: pb.Schema_TYPE_INT8, Int16: pb.Schema_TYPE_INT16,
	Int32: pb.Schema_TYPE_INT32, Int64: pb.Schema_TYPE_INT64, Float32: pb.Schema_TYPE_FLOAT32,
	Float64: pb.Schema_TYPE_FLOAT64, Boolean: pb.Schema_TYPE_BOOLEAN, String: pb.Schema_TYPE_STRING,
	Bytes: pb.Schema_TYPE_BYTES, Array: pb.Schema_TYPE_ARRAY, MapType: pb.Schema_TYPE_MAP,
	StructType: pb.Schema_TYPE_STRUCT}

var pbToType = func() map[pb.Schema_Type]SchemaType {
	m := map[pb.Schema_Type]SchemaType{}
	for k, v := range typeToPB {
		m[v] = k
	}
	return m
}()

// SchemaToProto converts a schema to its wire form.
func SchemaToProto(s *Schema) (*pb.Schema, error) {
	out := &pb.Schema{Type: typeToPB[s.Type], Optional: s.Optional, Name: s.Name, Doc: s.Doc,
		Version: s.Version}
	if len(s.Parameters) > 0 {
		out.Parameters = map[string]string{}
		for k, v := range s.Parameters {
			out.Parameters[k] = v
		}
	}
	for _, f := range s.Fields {
		fs, err := SchemaToProto(f.Schema)
		if err != nil {
			return nil, err
		}
		out.Fields = append(out.Fields, &pb.Field{Name: f.Name, Schema: fs})
	}
	var err error
	if s.KeySchema != nil {
		if out.KeySchema, err = SchemaToProto(s.KeySchema); err != nil {
			return nil, err
		}
	}
	if s.ValueSchema != nil {
		if out.ValueSchema, err = SchemaToProto(s.ValueSchema); err != nil {
			return nil, err
		}
	}
	if s.DefaultValue != nil {
		if out.DefaultValue, err = ValueToProto(s.DefaultValue, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SchemaFromProto converts a wire schema.
func SchemaFromProto(p *pb.Schema) (*Schema, error) {
	t, ok := pbToType[p.GetType()]
	if !ok {
		return nil, dataErrorf("unknown schema type %v", p.GetType())
	}
	s := &Schema{Type: t, Optional: p.GetOptional(), Name: p.GetName(), Doc: p.GetDoc()}
	if p.Version != nil {
		v := p.GetVersion()
		s.Version = &v
	}
	if len(p.GetParameters()) > 0 {
		s.Parameters = map[string]string{}
		for k, v := range p.GetParameters() {
			s.Parameters[k] = v
		}
	}
	for i, f := range p.GetFields() {
		fs, err := SchemaFromProto(f.GetSchema())
		if err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, Field{Name: f.GetName(), Index: i, Schema: fs})
	}
	var err error
	if p.KeySchema != nil {
		if s.KeySchema, err = SchemaFromProto(p.KeySchema); err != nil {
			return nil, err
		}
	}
	if p.ValueSchema != nil {
		if s.ValueSchema, err = SchemaFromProto(p.ValueSchema); err != nil {
			return nil, err
		}
	}
	if p.DefaultValue != nil {
		if s.DefaultValue, err = ValueFromProto(p.DefaultValue, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func nullValue() *pb.Value { return &pb.Value{Kind: &pb.Value_NullValue{NullValue: true}} }

// ValueToProto converts a value (with its schema, or nil for schemaless data).
func ValueToProto(value any, schema *Schema) (*pb.Value, error) {
	if value == nil {
		return nullValue(), nil
	}
	if schema == nil {
		return schemalessToProto(value)
	}
	switch schema.Name {
	case DecimalName:
		d, ok := value.(Decimal)
		if !ok {
			return nil, dataErrorf("Decimal schema needs a sluice.Decimal, got %T", value)
		}
		scale, err := decimalScale(schema)
		if err != nil {
			return nil, err
		}
		out := &pb.Value{Kind: &pb.Value_BytesValue{BytesValue: d.Bytes()}}
		if d.Scale != scale {
			out.DecimalScale = proto.Int32(d.Scale)
		}
		return out, nil
	case DateName, TimeName, TimestampName:
		if t, ok := value.(time.Time); ok {
			var n int64
			switch schema.Name {
			case DateName:
				n = int64(DateToDays(t))
			case TimeName:
				n = int64(TimeToMillis(t))
			default:
				n = t.UnixMilli()
			}
			return &pb.Value{Kind: &pb.Value_IntValue{IntValue: n}}, nil
		}
	}
	switch schema.Type {
	case Int8, Int16, Int32, Int64:
		n, ok := asInt64(value)
		if !ok {
			return nil, dataErrorf("%s schema needs an integer, got %T", schema.Type, value)
		}
		return &pb.Value{Kind: &pb.Value_IntValue{IntValue: n}}, nil
	case Float32:
		f, ok := asFloat(value)
		if !ok {
			return nil, dataErrorf("FLOAT32 schema needs a float32, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_Float32Value{Float32Value: float32(f)}}, nil
	case Float64:
		f, ok := asFloat(value)
		if !ok {
			return nil, dataErrorf("FLOAT64 schema needs a float64, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_Float64Value{Float64Value: f}}, nil
	case Boolean:
		b, ok := value.(bool)
		if !ok {
			return nil, dataErrorf("BOOLEAN schema needs a bool, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: b}}, nil
	case String:
		s, ok := value.(string)
		if !ok {
			return nil, dataErrorf("STRING schema needs a string, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_StringValue{StringValue: s}}, nil
	case Bytes:
		b, ok := value.([]byte)
		if !ok {
			return nil, dataErrorf("BYTES schema needs a []byte, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_BytesValue{BytesValue: b}}, nil
	case Array:
		items, ok := value.([]any)
		if !ok {
			return nil, dataErrorf("ARRAY schema needs a []any, got %T", value)
		}
		arr := &pb.ArrayValue{}
		for _, item := range items {
			v, err := ValueToProto(item, schema.ValueSchema)
			if err != nil {
				return nil, err
			}
			arr.Items = append(arr.Items, v)
		}
		return &pb.Value{Kind: &pb.Value_ArrayValue{ArrayValue: arr}}, nil
	case MapType:
		m := &pb.MapValue{}
		add := func(k, v any) error {
			pk, err := ValueToProto(k, schema.KeySchema)
			if err != nil {
				return err
			}
			pv, err := ValueToProto(v, schema.ValueSchema)
			if err != nil {
				return err
			}
			m.Entries = append(m.Entries, &pb.MapEntry{Key: pk, Value: pv})
			return nil
		}
		switch mv := value.(type) {
		case map[string]any:
			for _, k := range sortedKeys(mv) {
				if err := add(k, mv[k]); err != nil {
					return nil, err
				}
			}
		case Map:
			for _, e := range mv {
				if err := add(e.Key, e.Value); err != nil {
					return nil, err
				}
			}
		default:
			return nil, dataErrorf("MAP schema needs a map[string]any or a sluice.Map, got %T", value)
		}
		return &pb.Value{Kind: &pb.Value_MapValue{MapValue: m}}, nil
	case StructType:
		s, ok := value.(*Struct)
		if !ok {
			return nil, dataErrorf("STRUCT schema needs a *sluice.Struct, got %T", value)
		}
		if err := s.Validate(); err != nil {
			return nil, err
		}
		sv := &pb.StructValue{}
		for _, f := range schema.Fields {
			var fv any
			if sf := s.schema.Field(f.Name); sf != nil {
				fv = s.values[sf.Index]
			}
			v, err := ValueToProto(fv, f.Schema)
			if err != nil {
				return nil, err
			}
			sv.Fields = append(sv.Fields, v)
		}
		return &pb.Value{Kind: &pb.Value_StructValue{StructValue: sv}}, nil
	}
	return nil, dataErrorf("unknown schema type %v", schema.Type)
}

func schemalessToProto(value any) (*pb.Value, error) {
	switch v := value.(type) {
	case nil:
		return nullValue(), nil
	case bool:
		return &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: v}}, nil
	case int, int8, int16, int32, int64:
		n, _ := asInt64(v)
		return &pb.Value{Kind: &pb.Value_IntValue{IntValue: n}}, nil
	case uint8, uint16, uint32:
		return &pb.Value{Kind: &pb.Value_IntValue{IntValue: toInt64(v)}}, nil
	case float32:
		return &pb.Value{Kind: &pb.Value_Float32Value{Float32Value: v}}, nil
	case float64:
		return &pb.Value{Kind: &pb.Value_Float64Value{Float64Value: v}}, nil
	case string:
		return &pb.Value{Kind: &pb.Value_StringValue{StringValue: v}}, nil
	case []byte:
		return &pb.Value{Kind: &pb.Value_BytesValue{BytesValue: v}}, nil
	case Decimal:
		return &pb.Value{Kind: &pb.Value_BytesValue{BytesValue: v.Bytes()}, DecimalScale: proto.Int32(v.Scale)}, nil
	case time.Time:
		return &pb.Value{Kind: &pb.Value_TimestampValue{TimestampValue: v.UnixMilli()}}, nil
	case []any:
		arr := &pb.ArrayValue{}
		for _, item := range v {
			p, err := schemalessToProto(item)
			if err != nil {
				return nil, err
			}
			arr.Items = append(arr.Items, p)
		}
		return &pb.Value{Kind: &pb.Value_ArrayValue{ArrayValue: arr}}, nil
	case []string:
		arr := &pb.ArrayValue{}
		for _, item := range v {
			arr.Items = append(arr.Items, &pb.Value{Kind: &pb.Value_StringValue{StringValue: item}})
		}
		return &pb.Value{Kind: &pb.Value_ArrayValue{ArrayValue: arr}}, nil
	case map[string]any:
		m := &pb.MapValue{}
		for _, k := range sortedKeys(v) {
			pv, err := schemalessToProto(v[k])
			if err != nil {
				return nil, err
			}
			m.Entries = append(m.Entries, &pb.MapEntry{Key: &pb.Value{Kind: &pb.Value_StringValue{StringValue: k}}, Value: pv})
		}
		return &pb.Value{Kind: &pb.Value_MapValue{MapValue: m}}, nil
	case Map:
		m := &pb.MapValue{}
		for _, e := range v {
			pk, err := schemalessToProto(e.Key)
			if err != nil {
				return nil, err
			}
			pv, err := schemalessToProto(e.Value)
			if err != nil {
				return nil, err
			}
			m.Entries = append(m.Entries, &pb.MapEntry{Key: pk, Value: pv})
		}
		return &pb.Value{Kind: &pb.Value_MapValue{MapValue: m}}, nil
	case *Struct:
		return nil, dataErrorf("A struct value needs a schema")
	}
	return nil, dataErrorf("Cannot send a %T as Connect data", value)
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case uint8:
		return int64(n)
	case uint16:
		return int64(n)
	case uint32:
		return int64(n)
	}
	return 0
}

// ValueFromProto converts a wire value (with its schema, or nil for schemaless data).
func ValueFromProto(p *pb.Value, schema *Schema) (any, error) {
	if p == nil || p.Kind == nil {
		return nil, nil
	}
	if _, isNull := p.Kind.(*pb.Value_NullValue); isNull {
		return nil, nil
	}
	if schema == nil {
		return schemalessFromProto(p)
	}
	switch k := p.Kind.(type) {
	case *pb.Value_IntValue:
		n := k.IntValue
		switch schema.Name {
		case DateName:
			return DaysToDate(n), nil
		case TimeName:
			return MillisToTime(n), nil
		case TimestampName:
			return MillisToTimestamp(n), nil
		}
		switch schema.Type {
		case Int8:
			return int8(n), nil
		case Int16:
			return int16(n), nil
		case Int32:
			return int32(n), nil
		}
		return n, nil
	case *pb.Value_BytesValue:
		if schema.Name == DecimalName {
			scale, err := decimalScale(schema)
			if p.DecimalScale != nil {
				scale, err = p.GetDecimalScale(), nil
			}
			if err != nil {
				return nil, err
			}
			return DecimalFromBytes(k.BytesValue, scale), nil
		}
		return k.BytesValue, nil
	case *pb.Value_ArrayValue:
		items := make([]any, 0, len(k.ArrayValue.GetItems()))
		for _, i := range k.ArrayValue.GetItems() {
			v, err := ValueFromProto(i, schema.ValueSchema)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case *pb.Value_MapValue:
		return mapFromProto(k.MapValue, schema.KeySchema, schema.ValueSchema,
			schema.KeySchema != nil && schema.KeySchema.Type == String && schema.KeySchema.Name == "")
	case *pb.Value_StructValue:
		if schema.Type != StructType {
			return nil, dataErrorf("Schema type %s does not match a struct value", schema.Type)
		}
		fields := k.StructValue.GetFields()
		if len(fields) != len(schema.Fields) {
			return nil, dataErrorf("Struct value has %d fields, its schema has %d", len(fields), len(schema.Fields))
		}
		s := &Struct{schema: schema, values: make([]any, len(schema.Fields))}
		for _, f := range schema.Fields {
			v, err := ValueFromProto(fields[f.Index], f.Schema)
			if err != nil {
				return nil, err
			}
			s.values[f.Index] = v // the worker validated the record already
		}
		return s, nil
	}
	return schemalessFromProto(p)
}

func mapFromProto(m *pb.MapValue, keySchema, valueSchema *Schema, stringKeys bool) (any, error) {
	entries := make(Map, 0, len(m.GetEntries()))
	allStrings := true
	for _, e := range m.GetEntries() {
		k, err := ValueFromProto(e.GetKey(), keySchema)
		if err != nil {
			return nil, err
		}
		v, err := ValueFromProto(e.GetValue(), valueSchema)
		if err != nil {
			return nil, err
		}
		if _, ok := k.(string); !ok {
			allStrings = false
		}
		entries = append(entries, MapEntry{Key: k, Value: v})
	}
	if keySchema != nil && !stringKeys {
		return entries, nil
	}
	if !allStrings {
		return entries, nil
	}
	out := make(map[string]any, len(entries))
	for _, e := range entries {
		out[e.Key.(string)] = e.Value
	}
	return out, nil
}

func schemalessFromProto(p *pb.Value) (any, error) {
	switch k := p.Kind.(type) {
	case *pb.Value_IntValue:
		return k.IntValue, nil
	case *pb.Value_Float32Value:
		return k.Float32Value, nil
	case *pb.Value_Float64Value:
		return k.Float64Value, nil
	case *pb.Value_BoolValue:
		return k.BoolValue, nil
	case *pb.Value_StringValue:
		return k.StringValue, nil
	case *pb.Value_BytesValue:
		if p.DecimalScale != nil {
			return DecimalFromBytes(k.BytesValue, p.GetDecimalScale()), nil
		}
		return k.BytesValue, nil
	case *pb.Value_TimestampValue:
		return MillisToTimestamp(k.TimestampValue), nil
	case *pb.Value_ArrayValue:
		items := make([]any, 0, len(k.ArrayValue.GetItems()))
		for _, i := range k.ArrayValue.GetItems() {
			v, err := ValueFromProto(i, nil)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
		return items, nil
	case *pb.Value_MapValue:
		return mapFromProto(k.MapValue, nil, nil, false)
	case *pb.Value_NullValue:
		return nil, nil
	}
	return nil, dataErrorf("A struct value needs a schema")
}

// outgoingSchemas gives ids to the schemas one direction of a stream sends: each new schema
// once. Confined to the goroutine that sends.
type outgoingSchemas struct {
	ids      map[string]uint32
	byObject map[*Schema]uint32
}

func newOutgoingSchemas() *outgoingSchemas {
	return &outgoingSchemas{ids: map[string]uint32{}, byObject: map[*Schema]uint32{}}
}

// idFor returns the schema's id, appending its definition to *defs when it is new.
func (o *outgoingSchemas) idFor(s *Schema, defs *[]*pb.SchemaDefinition) (uint32, error) {
	if s == nil {
		return 0, nil
	}
	if id, ok := o.byObject[s]; ok {
		return id, nil
	}
	p, err := SchemaToProto(s)
	if err != nil {
		return 0, err
	}
	key, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
	if err != nil {
		return 0, err
	}
	id, ok := o.ids[string(key)]
	if !ok {
		id = uint32(len(o.ids) + 1)
		o.ids[string(key)] = id
		*defs = append(*defs, &pb.SchemaDefinition{Id: id, Schema: p})
	}
	o.byObject[s] = id
	return id, nil
}

// incomingSchemas holds the schemas the other side defined on one direction of a stream.
type incomingSchemas map[uint32]*Schema

func (in incomingSchemas) add(defs []*pb.SchemaDefinition) error {
	for _, d := range defs {
		if d.GetId() == 0 {
			return dataErrorf("schema id 0 is reserved for schemaless data")
		}
		s, err := SchemaFromProto(d.GetSchema())
		if err != nil {
			return err
		}
		in[d.GetId()] = s
	}
	return nil
}

func (in incomingSchemas) get(id uint32) (*Schema, error) {
	if id == 0 {
		return nil, nil
	}
	s, ok := in[id]
	if !ok {
		return nil, dataErrorf("unknown schema id %d", id)
	}
	return s, nil
}

func dataToProto(value any, schema *Schema, o *outgoingSchemas, defs *[]*pb.SchemaDefinition) (*pb.Data, error) {
	id, err := o.idFor(schema, defs)
	if err != nil {
		return nil, err
	}
	v, err := ValueToProto(value, schema)
	if err != nil {
		return nil, err
	}
	return &pb.Data{SchemaId: id, Value: v}, nil
}

func dataFromProto(d *pb.Data, in incomingSchemas) (any, *Schema, error) {
	s, err := in.get(d.GetSchemaId())
	if err != nil {
		return nil, nil, err
	}
	v, err := ValueFromProto(d.GetValue(), s)
	return v, s, err
}

func optionalMillis(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	ms := t.UnixMilli()
	return &ms
}

func mapOrNull(m map[string]any) (*pb.Value, error) {
	if m == nil {
		return nullValue(), nil
	}
	return schemalessToProto(m)
}

func sourceRecordToProto(r *SourceRecord, id uint64, o *outgoingSchemas, batch *pb.SourceBatch) error {
	p := &pb.SourceRecord{Id: id, Topic: r.Topic, Partition: r.Partition, TimestampMs: optionalMillis(r.Timestamp)}
	var err error
	if p.SourcePartition, err = mapOrNull(r.SourcePartition); err != nil {
		return err
	}
	if p.SourceOffset, err = mapOrNull(r.SourceOffset); err != nil {
		return err
	}
	if p.Key, err = dataToProto(r.Key, r.KeySchema, o, &batch.Schemas); err != nil {
		return err
	}
	if p.Value, err = dataToProto(r.Value, r.ValueSchema, o, &batch.Schemas); err != nil {
		return err
	}
	for _, h := range r.Headers {
		d, err := dataToProto(h.Value, h.Schema, o, &batch.Schemas)
		if err != nil {
			return err
		}
		p.Headers = append(p.Headers, &pb.Header{Key: h.Key, Value: d})
	}
	batch.Records = append(batch.Records, p)
	return nil
}

func sinkRecordFromProto(p *pb.SinkRecord, in incomingSchemas) (SinkRecord, error) {
	r := SinkRecord{Topic: p.GetTopic(), Partition: p.GetPartition(), Offset: p.GetOffset(),
		TimestampType: TimestampType(p.GetTimestampType())}
	var err error
	if r.Key, r.KeySchema, err = dataFromProto(p.GetKey(), in); err != nil {
		return r, err
	}
	if r.Value, r.ValueSchema, err = dataFromProto(p.GetValue(), in); err != nil {
		return r, err
	}
	for _, h := range p.GetHeaders() {
		v, s, err := dataFromProto(h.GetValue(), in)
		if err != nil {
			return r, err
		}
		r.Headers = append(r.Headers, Header{Key: h.GetKey(), Value: v, Schema: s})
	}
	if p.TimestampMs != nil {
		r.Timestamp = time.UnixMilli(p.GetTimestampMs()).UTC()
	}
	return r, nil
}

func sinkRecordToProto(r *SinkRecord, o *outgoingSchemas, defs *[]*pb.SchemaDefinition) (*pb.SinkRecord, error) {
	p := &pb.SinkRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		TimestampMs: optionalMillis(r.Timestamp), TimestampType: pb.SinkRecord_TimestampType(r.TimestampType)}
	var err error
	if p.Key, err = dataToProto(r.Key, r.KeySchema, o, defs); err != nil {
		return nil, err
	}
	if p.Value, err = dataToProto(r.Value, r.ValueSchema, o, defs); err != nil {
		return nil, err
	}
	for _, h := range r.Headers {
		d, err := dataToProto(h.Value, h.Schema, o, defs)
		if err != nil {
			return nil, err
		}
		p.Headers = append(p.Headers, &pb.Header{Key: h.Key, Value: d})
	}
	return p, nil
}

func partitionsFromProto(ps []*pb.TopicPartition) []TopicPartition {
	out := make([]TopicPartition, 0, len(ps))
	for _, p := range ps {
		out = append(out, TopicPartition{Topic: p.GetTopic(), Partition: p.GetPartition()})
	}
	return out
}

func partitionsToProto(ps []TopicPartition) []*pb.TopicPartition {
	out := make([]*pb.TopicPartition, 0, len(ps))
	for _, p := range ps {
		out = append(out, &pb.TopicPartition{Topic: p.Topic, Partition: p.Partition})
	}
	return out
}

func offsetsFromProto(ps []*pb.TopicPartitionOffset) map[TopicPartition]int64 {
	out := make(map[TopicPartition]int64, len(ps))
	for _, p := range ps {
		out[TopicPartition{Topic: p.GetTopic(), Partition: p.GetPartition()}] = p.GetOffset()
	}
	return out
}

// RoundTrip sends value through the wire conversion and back, as the worker's side would see it
// (integers of their schema's width, or int64 when schemaless; MAPs as map[string]any or Map).
// Used by test kits; a *DataError when the value does not fit its schema.
func RoundTrip(value any, schema *Schema) (any, error) {
	if schema != nil {
		if err := ValidateValue(schema, value); err != nil {
			return nil, err
		}
	}
	p, err := ValueToProto(value, schema)
	if err != nil {
		return nil, err
	}
	var s *Schema
	if schema != nil {
		// The worker defines the schema from its wire form.
		ps, err := SchemaToProto(schema)
		if err != nil {
			return nil, err
		}
		if s, err = SchemaFromProto(ps); err != nil {
			return nil, err
		}
	}
	return ValueFromProto(p, s)
}

// CheckSourceRecord checks a record as the SDK converts it for the worker and as the worker
// checks it: a topic, map or nil source partition and offset, keys, values and headers that fit
// their schemas.
func CheckSourceRecord(r *SourceRecord) error {
	if r.Topic == "" {
		return dataErrorf("a source record needs a topic")
	}
	for _, h := range r.Headers {
		if h.Schema != nil {
			if err := ValidateValue(h.Schema, h.Value); err != nil {
				return fmt.Errorf("header %s: %w", h.Key, err)
			}
		}
	}
	if r.KeySchema != nil {
		if err := ValidateValue(r.KeySchema, r.Key); err != nil {
			return fmt.Errorf("key: %w", err)
		}
	}
	if r.ValueSchema != nil {
		if err := ValidateValue(r.ValueSchema, r.Value); err != nil {
			return fmt.Errorf("value: %w", err)
		}
	}
	return sourceRecordToProto(r, 1, newOutgoingSchemas(), &pb.SourceBatch{})
}
