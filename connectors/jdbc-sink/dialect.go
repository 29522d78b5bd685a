package main

// PostgreSQL's SQL for the sink: identifiers, the column types of Connect schemas, and the
// statements, as Confluent's PostgreSqlDatabaseDialect (and GenericDatabaseDialect) write them.

import (
	"fmt"
	"strconv"
	"strings"

	sluice "sluice.dev/sdk/go"
)

// tableID is a table name split as Confluent's TableId: [catalog.][schema.]table.
type tableID struct {
	catalog, schema, table string
}

// parseTableID splits a table name on '.' (at most catalog, schema and table; a longer name
// keeps its first parts' dots in the catalog, as Confluent's parser does).
func parseTableID(name string) tableID {
	parts := strings.Split(name, ".")
	switch len(parts) {
	case 1:
		return tableID{table: parts[0]}
	case 2:
		return tableID{schema: parts[0], table: parts[1]}
	}
	n := len(parts)
	return tableID{catalog: strings.Join(parts[:n-2], "."), schema: parts[n-2], table: parts[n-1]}
}

func (t tableID) String() string {
	parts := []string{}
	for _, p := range []string{t.catalog, t.schema, t.table} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// dialect writes SQL; quote says whether identifiers are quoted (quote.sql.identifiers).
type dialect struct{ quote bool }

func (d dialect) ident(name string) string {
	if !d.quote {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func (d dialect) table(t tableID) string {
	var parts []string
	for _, p := range []string{t.catalog, t.schema, t.table} {
		if p != "" {
			parts = append(parts, d.ident(p))
		}
	}
	return strings.Join(parts, ".")
}

// column is one column the records need: a field of the key or the value (or a Kafka
// coordinate), with its schema.
type column struct {
	name   string
	schema *sluice.Schema
	pk     bool
}

// optional is SinkRecordField.isOptional: primary key columns never are.
func (c column) optional() bool { return !c.pk && c.schema.Optional }

// sqlType is PostgreSqlDatabaseDialect.getSqlType.
func sqlType(s *sluice.Schema) (string, error) {
	switch s.Name {
	case sluice.DecimalName:
		return "DECIMAL", nil
	case sluice.DateName:
		return "DATE", nil
	case sluice.TimeName:
		return "TIME", nil
	case sluice.TimestampName:
		return "TIMESTAMP", nil
	}
	switch s.Type {
	case sluice.Int8, sluice.Int16:
		return "SMALLINT", nil
	case sluice.Int32:
		return "INT", nil
	case sluice.Int64:
		return "BIGINT", nil
	case sluice.Float32:
		return "REAL", nil
	case sluice.Float64:
		return "DOUBLE PRECISION", nil
	case sluice.Boolean:
		return "BOOLEAN", nil
	case sluice.String:
		return "TEXT", nil
	case sluice.Bytes:
		return "BYTEA", nil
	case sluice.Array:
		if s.ValueSchema != nil && s.ValueSchema.Type.IsPrimitive() {
			inner, err := sqlType(s.ValueSchema)
			if err != nil {
				return "", err
			}
			return inner + "[]", nil
		}
	}
	name := s.Name
	if name == "" {
		name = "null"
	}
	return "", fmt.Errorf("%s (%s) type doesn't have a mapping to the SQL database column type", name, s.Type)
}

// literal formats a default value for a column's DEFAULT clause.
func literal(s *sluice.Schema, v any) (string, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return "TRUE", nil
		}
		return "FALSE", nil
	case int8, int16, int32, int64, int:
		if s.Name == sluice.DateName || s.Name == sluice.TimeName || s.Name == sluice.TimestampName {
			break
		}
		return fmt.Sprint(x), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'", nil
	case []byte:
		return fmt.Sprintf("'\\x%x'", x), nil
	case sluice.Decimal:
		return x.String(), nil
	}
	if t, ok := v.(interface{ Format(string) string }); ok {
		switch s.Name {
		case sluice.DateName:
			return "'" + t.Format("2006-01-02") + "'", nil
		case sluice.TimeName:
			return "'" + t.Format("15:04:05.000") + "'", nil
		case sluice.TimestampName:
			return "'" + t.Format("2006-01-02 15:04:05.000") + "'", nil
		}
	}
	return "", fmt.Errorf("no SQL literal for the default value %v of %s", v, s)
}

// columnSpec is writeColumnSpec: name, type, then DEFAULT, NULL or NOT NULL.
func (d dialect) columnSpec(c column) (string, error) {
	t, err := sqlType(c.schema)
	if err != nil {
		return "", err
	}
	spec := d.ident(c.name) + " " + t
	switch {
	case c.schema.DefaultValue != nil:
		lit, err := literal(c.schema, c.schema.DefaultValue)
		if err != nil {
			return "", err
		}
		spec += " DEFAULT " + lit
	case c.optional():
		spec += " NULL"
	default:
		spec += " NOT NULL"
	}
	return spec, nil
}

// createTable is buildCreateTableStatement (with IF NOT EXISTS: tasks of one connector may
// create the same table at once).
func (d dialect) createTable(t tableID, cols []column) (string, error) {
	var b strings.Builder
	b.WriteString("CREATE TABLE IF NOT EXISTS " + d.table(t) + " (")
	var pks []string
	for i, c := range cols {
		spec, err := d.columnSpec(c)
		if err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n" + spec)
		if c.pk {
			pks = append(pks, d.ident(c.name))
		}
	}
	if len(pks) > 0 {
		b.WriteString(",\nPRIMARY KEY(" + strings.Join(pks, ",") + ")")
	}
	b.WriteString(")")
	return b.String(), nil
}

// alterTable is buildAlterTable: one ALTER TABLE adding every missing column (IF NOT EXISTS, as
// another task may have added it since this one read the table).
func (d dialect) alterTable(t tableID, cols []column) (string, error) {
	adds := make([]string, len(cols))
	for i, c := range cols {
		spec, err := d.columnSpec(c)
		if err != nil {
			return "", err
		}
		adds[i] = "ADD COLUMN IF NOT EXISTS " + spec
	}
	sep := " "
	if len(cols) > 1 {
		sep = "\n"
	}
	return "ALTER TABLE " + d.table(t) + sep + strings.Join(adds, ","+sep), nil
}

func placeholders(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "$" + strconv.Itoa(from+i)
	}
	return out
}

func (d dialect) names(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = d.ident(c.name)
	}
	return out
}

// insert is buildInsertStatement; the arguments are the key columns' values, then the others'.
func (d dialect) insert(t tableID, keys, others []column) string {
	all := append(append([]column{}, keys...), others...)
	return "INSERT INTO " + d.table(t) + " (" + strings.Join(d.names(all), ",") + ") VALUES (" +
		strings.Join(placeholders(1, len(all)), ",") + ")"
}

// upsert is PostgreSQL's buildUpsertQueryStatement: INSERT .. ON CONFLICT (keys) DO UPDATE SET
// c=EXCLUDED.c, or DO NOTHING when every column is a key.
func (d dialect) upsert(t tableID, keys, others []column) string {
	s := d.insert(t, keys, others) + " ON CONFLICT (" + strings.Join(d.names(keys), ",") + ")"
	if len(others) == 0 {
		return s + " DO NOTHING"
	}
	sets := make([]string, len(others))
	for i, c := range others {
		sets[i] = d.ident(c.name) + "=EXCLUDED." + d.ident(c.name)
	}
	return s + " DO UPDATE SET " + strings.Join(sets, ",")
}

// update is buildUpdateStatement; the arguments are the other columns' values, then the keys'.
func (d dialect) update(t tableID, keys, others []column) string {
	sets := make([]string, len(others))
	for i, c := range others {
		sets[i] = d.ident(c.name) + " = $" + strconv.Itoa(i+1)
	}
	s := "UPDATE " + d.table(t) + " SET " + strings.Join(sets, ", ")
	if len(keys) > 0 {
		s += " WHERE " + d.where(keys, len(others)+1)
	}
	return s
}

// delete is buildDeleteStatement; the arguments are the keys' values.
func (d dialect) delete(t tableID, keys []column) string {
	return "DELETE FROM " + d.table(t) + " WHERE " + d.where(keys, 1)
}

func (d dialect) where(keys []column, from int) string {
	conds := make([]string, len(keys))
	for i, c := range keys {
		conds[i] = d.ident(c.name) + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(conds, " AND ")
}
