package main

// Which columns a record's key and value schemas give (Confluent's FieldsMetadata), and the
// values of a record for them (Confluent's PreparedStatementBinder).

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	sluice "sluice.dev/sdk/go"
)

// fieldsMeta lists a record's columns: the primary key's (in pk.fields order, or the key's /
// value's field order), then the others (value fields, in order, minus the key's and those not
// in fields.whitelist).
type fieldsMeta struct {
	keys   []column
	others []column
}

func (m *fieldsMeta) all() []column { return append(append([]column{}, m.keys...), m.others...) }

// refusal is why a record cannot be written; the record goes to the errant record reporter.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refusef(format string, args ...any) error { return &refusal{msg: fmt.Sprintf(format, args...)} }

var (
	kafkaTopicSchema     = sluice.StringSchema
	kafkaPartitionSchema = sluice.Int32Schema
	kafkaOffsetSchema    = sluice.Int64Schema
)

// extractFields is FieldsMetadata.extract. valueSchema nil: a tombstone (only the key's columns).
func extractFields(table string, s *settings, keySchema, valueSchema *sluice.Schema) (*fieldsMeta, error) {
	if valueSchema != nil && valueSchema.Type != sluice.StructType {
		return nil, refusef("Value schema must be of type Struct, but is of type: %s", valueSchema.Type)
	}
	m := &fieldsMeta{}
	keyNames := map[string]bool{}
	switch s.pkMode {
	case pkNone:
	case pkKafka:
		names := s.pkFields
		if len(names) == 0 {
			names = defaultKafkaPKNames
		}
		if len(names) != 3 {
			return nil, refusef("PK mode for table '%s' is %s so there should either be no field names defined for "+
				"defaults %v to be applicable, or exactly 3, defined fields are: %v", table, s.pkMode,
				defaultKafkaPKNames, s.pkFields)
		}
		for i, sc := range []*sluice.Schema{kafkaTopicSchema, kafkaPartitionSchema, kafkaOffsetSchema} {
			m.keys = append(m.keys, column{name: names[i], schema: sc, pk: true})
		}
	case pkRecordKey:
		if keySchema == nil {
			return nil, refusef("PK mode for table '%s' is %s, but record key schema is missing", table, s.pkMode)
		}
		switch {
		case keySchema.Type.IsPrimitive():
			if len(s.pkFields) != 1 {
				return nil, refusef("Need exactly one PK column defined since the key schema for records is a "+
					"primitive type, defined columns are: %v", s.pkFields)
			}
			m.keys = append(m.keys, column{name: s.pkFields[0], schema: keySchema, pk: true})
		case keySchema.Type == sluice.StructType:
			if len(s.pkFields) == 0 {
				for _, f := range keySchema.Fields {
					m.keys = append(m.keys, column{name: f.Name, schema: f.Schema, pk: true})
				}
			} else {
				for _, name := range s.pkFields {
					f := keySchema.Field(name)
					if f == nil {
						return nil, refusef("PK mode for table '%s' is %s with configured PK fields %v, but record key "+
							"schema does not contain field: %s", table, s.pkMode, s.pkFields, name)
					}
					m.keys = append(m.keys, column{name: f.Name, schema: f.Schema, pk: true})
				}
			}
		default:
			return nil, refusef("Key schema must be primitive type or Struct, but is of type: %s", keySchema.Type)
		}
	case pkRecordValue:
		if valueSchema == nil {
			return nil, refusef("PK mode for table '%s' is %s, but record value schema is missing", table, s.pkMode)
		}
		if len(s.pkFields) == 0 {
			for _, f := range valueSchema.Fields {
				m.keys = append(m.keys, column{name: f.Name, schema: f.Schema, pk: true})
			}
		} else {
			for _, name := range s.pkFields {
				f := valueSchema.Field(name)
				if f == nil {
					return nil, refusef("PK mode for table '%s' is %s with configured PK fields %v, but record value "+
						"schema does not contain field: %s", table, s.pkMode, s.pkFields, name)
				}
				m.keys = append(m.keys, column{name: f.Name, schema: f.Schema, pk: true})
			}
		}
	}
	for _, k := range m.keys {
		keyNames[k.name] = true
	}
	if valueSchema != nil {
		for _, f := range valueSchema.Fields {
			if keyNames[f.Name] {
				continue
			}
			if len(s.whitelist) > 0 && !s.whitelist[f.Name] {
				continue
			}
			m.others = append(m.others, column{name: f.Name, schema: f.Schema})
		}
	}
	if len(m.keys) == 0 && len(m.others) == 0 {
		return nil, refusef("No fields found using key and value schemas for table: %s", table)
	}
	for _, c := range m.all() {
		if _, err := sqlType(c.schema); err != nil {
			return nil, refusef("Column %s of table %s: %v", c.name, table, err)
		}
	}
	return m, nil
}

// keyValues returns the record's values of the key columns.
func keyValues(r *sluice.SinkRecord, s *settings, m *fieldsMeta) ([]any, error) {
	out := make([]any, 0, len(m.keys))
	switch s.pkMode {
	case pkKafka:
		return []any{r.Topic, r.Partition, r.Offset}, nil
	case pkRecordKey:
		if r.Key == nil {
			return nil, refusef("PK mode %s, but the record key is null", s.pkMode)
		}
		if r.KeySchema.Type.IsPrimitive() {
			v, err := bindValue(m.keys[0].schema, r.Key, s.zone)
			if err != nil {
				return nil, err
			}
			return []any{v}, nil
		}
		st, ok := r.Key.(*sluice.Struct)
		if !ok {
			return nil, refusef("PK mode %s with a Struct key schema, but the key is a %T", s.pkMode, r.Key)
		}
		for _, c := range m.keys {
			v, err := bindValue(c.schema, st.Get(c.name), s.zone)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, refusef("Primary key field %s of the record key is null", c.name)
			}
			out = append(out, v)
		}
	case pkRecordValue:
		st, ok := r.Value.(*sluice.Struct)
		if !ok {
			return nil, refusef("PK mode %s, but the value is a %T", s.pkMode, r.Value)
		}
		for _, c := range m.keys {
			v, err := bindValue(c.schema, st.Get(c.name), s.zone)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, refusef("Primary key field %s of the record value is null", c.name)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// otherValues returns the record's values of the non-key columns.
func otherValues(r *sluice.SinkRecord, s *settings, m *fieldsMeta) ([]any, error) {
	st, ok := r.Value.(*sluice.Struct)
	if !ok {
		return nil, refusef("the value is a %T, not a Struct", r.Value)
	}
	out := make([]any, 0, len(m.others))
	for _, c := range m.others {
		var v any
		if s.replaceNull {
			v = st.Get(c.name)
		} else {
			v = st.GetWithoutDefault(c.name)
		}
		b, err := bindValue(c.schema, v, s.zone)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// bindValue converts a Connect value to what pgx sends for its column type. Dates, times and
// timestamps are written as their wall clock in db.timezone (PgJDBC with a Calendar in that
// zone, as Confluent binds them).
func bindValue(s *sluice.Schema, v any, zone *time.Location) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch s.Name {
	case sluice.DecimalName:
		d, ok := v.(sluice.Decimal)
		if !ok {
			return nil, refusef("a Decimal field holds a %T", v)
		}
		u := d.Unscaled
		if u == nil {
			u = new(big.Int)
		}
		return pgtype.Numeric{Int: new(big.Int).Set(u), Exp: -d.Scale, Valid: true}, nil
	case sluice.DateName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, refusef("a Date field holds a %T", v)
		}
		t = t.In(zone)
		return pgtype.Date{Time: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), Valid: true}, nil
	case sluice.TimeName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, refusef("a Time field holds a %T", v)
		}
		t = t.In(zone)
		us := int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000)
		return pgtype.Time{Microseconds: us, Valid: true}, nil
	case sluice.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, refusef("a Timestamp field holds a %T", v)
		}
		t = t.In(zone)
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		return pgtype.Timestamp{Time: wall, Valid: true}, nil
	}
	switch s.Type {
	case sluice.Int8:
		if x, ok := v.(int8); ok {
			return int16(x), nil
		}
	case sluice.Array:
		items, ok := v.([]any)
		if !ok {
			return nil, refusef("an ARRAY field holds a %T", v)
		}
		return bindArray(s.ValueSchema, items, zone)
	}
	return v, nil
}

// bindArray makes a typed slice pgx encodes as a PostgreSQL array.
func bindArray(item *sluice.Schema, items []any, zone *time.Location) (any, error) {
	out := make([]any, len(items))
	for i, it := range items {
		b, err := bindValue(item, it, zone)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	if item.Name != "" {
		return out, nil
	}
	switch item.Type {
	case sluice.Int8, sluice.Int16:
		return typed[int16](out), nil
	case sluice.Int32:
		return typed[int32](out), nil
	case sluice.Int64:
		return typed[int64](out), nil
	case sluice.Float32:
		return typed[float32](out), nil
	case sluice.Float64:
		return typed[float64](out), nil
	case sluice.Boolean:
		return typed[bool](out), nil
	case sluice.String:
		return typed[string](out), nil
	case sluice.Bytes:
		res := make([][]byte, len(out))
		for i, x := range out {
			res[i], _ = x.([]byte)
		}
		return res, nil
	}
	return out, nil
}

// typed converts items to []*T (nil for a null item), which pgx encodes with NULLs.
func typed[T any](items []any) []*T {
	out := make([]*T, len(items))
	for i, x := range items {
		if v, ok := x.(T); ok {
			out[i] = &v
		}
	}
	return out
}

// describe names a record in messages: topic, partition, offset.
func describe(r *sluice.SinkRecord) string {
	return fmt.Sprintf("(topic='%s',partition=%d,offset=%d)", r.Topic, r.Partition, r.Offset)
}

// tableName is table.name.format with ${topic} replaced.
func tableName(format, topic string) string { return strings.ReplaceAll(format, "${topic}", topic) }
