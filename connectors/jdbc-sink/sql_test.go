package main

// Unit tests without a database: config validation, JDBC URLs, type mapping, SQL generation,
// fields metadata.

import (
	"context"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	sluice "sluice.dev/sdk/go"
	"sluice.dev/sdk/go/sluicetest"
)

func baseConfig(extra ...string) map[string]string {
	c := map[string]string{"connection.url": "jdbc:postgresql://127.0.0.1:5432/db", "topics": "t"}
	for i := 0; i+1 < len(extra); i += 2 {
		c[extra[i]] = extra[i+1]
	}
	return c
}

func errorsOf(results []sluice.ConfigValueResult) map[string][]string {
	out := map[string][]string{}
	for _, r := range results {
		if len(r.Errors) > 0 {
			out[r.Name] = r.Errors
		}
	}
	return out
}

func TestConfigDefaults(t *testing.T) {
	s, err := parseSettings(baseConfig())
	if err != nil {
		t.Fatal(err)
	}
	if s.insertMode != "insert" || s.pkMode != "none" || s.batchSize != 3000 || s.maxRetries != 10 ||
		s.retryBackoff != 3*time.Second || s.tableFormat != "${topic}" || s.autoCreate || s.autoEvolve ||
		s.deleteEnabled || !s.quote || s.zone != time.UTC || s.connAttempts != 3 || s.connBackoff != 10*time.Second ||
		!s.replaceNull {
		t.Fatalf("defaults: %+v", s)
	}
	// Every key Kafka Connect users set is defined, with Confluent's type and default.
	want := map[string][2]string{
		"connection.url": {"STRING", ""}, "connection.user": {"STRING", ""}, "connection.password": {"PASSWORD", ""},
		"insert.mode": {"STRING", "insert"}, "pk.mode": {"STRING", "none"}, "pk.fields": {"LIST", ""},
		"fields.whitelist": {"LIST", ""}, "auto.create": {"BOOLEAN", "false"}, "auto.evolve": {"BOOLEAN", "false"},
		"table.name.format": {"STRING", "${topic}"}, "batch.size": {"INT", "3000"},
		"delete.enabled": {"BOOLEAN", "false"}, "max.retries": {"INT", "10"}, "retry.backoff.ms": {"INT", "3000"},
		"quote.sql.identifiers": {"STRING", "always"}, "db.timezone": {"STRING", "UTC"},
	}
	for name, w := range want {
		k := configDef.Find(name)
		if k == nil {
			t.Errorf("%s is not defined", name)
			continue
		}
		typ := k.Type
		if typ == 0 {
			typ = sluice.TypeString
		}
		def := ""
		if k.DefaultText() != nil {
			def = *k.DefaultText()
		}
		if typ.String() != w[0] || def != w[1] {
			t.Errorf("%s: type %s default %q, want %s %q", name, typ, def, w[0], w[1])
		}
	}
}

func TestConfigValidation(t *testing.T) {
	c := &Connector{}
	d := sluicetest.NewConnectorDriver(c)
	cases := []struct {
		config map[string]string
		want   map[string]string // key -> part of its error
	}{
		{baseConfig("delete.enabled", "true"), map[string]string{
			"delete.enabled": "Deletes are only supported for pk.mode record_key",
			"pk.mode":        "Deletes are only supported for pk.mode record_key"}},
		{baseConfig("delete.enabled", "true", "pk.mode", "record_key"), nil},
		{baseConfig("delete.enabled", "true", "pk.mode", "RECORD_KEY"), nil},
		{baseConfig("insert.mode", "merge"), map[string]string{"insert.mode": "Invalid value merge for configuration insert.mode: Invalid enumerator"}},
		{baseConfig("pk.mode", "everything"), map[string]string{"pk.mode": "Invalid enumerator"}},
		{baseConfig("insert.mode", "upsert"), map[string]string{"insert.mode": "requires key field names"}},
		{baseConfig("insert.mode", "update", "pk.mode", "kafka"), nil},
		{baseConfig("pk.mode", "kafka", "pk.fields", "a,b"), map[string]string{"pk.fields": "exactly 3"}},
		{baseConfig("batch.size", "-1"), map[string]string{"batch.size": "Value must be at least 0"}},
		{baseConfig("max.retries", "-1"), map[string]string{"max.retries": "Value must be at least 0"}},
		{baseConfig("table.name.format", ""), map[string]string{"table.name.format": "String must be non-empty"}},
		{baseConfig("db.timezone", "Mars/Olympus"), map[string]string{"db.timezone": "Invalid time zone"}},
		{baseConfig("db.timezone", "Europe/Paris"), nil},
		{baseConfig("connection.url", "jdbc:mysql://localhost/db"), map[string]string{"connection.url": "not a PostgreSQL JDBC URL"}},
		{map[string]string{"topics": "t"}, map[string]string{"connection.url": "Missing required configuration \"connection.url\""}},
		{baseConfig("quote.sql.identifiers", "sometimes"), map[string]string{"quote.sql.identifiers": "Invalid enumerator"}},
		{baseConfig("dialect.name", "MySqlDatabaseDialect"), map[string]string{"dialect.name": "String must be one of"}},
	}
	for _, tc := range cases {
		results, err := d.Validate(tc.config)
		if err != nil {
			t.Fatal(err)
		}
		got := errorsOf(results)
		if len(got) != len(tc.want) {
			t.Errorf("%v: errors %v, want errors on %v", tc.config, got, tc.want)
			continue
		}
		for key, part := range tc.want {
			if len(got[key]) != 1 || !strings.Contains(got[key][0], part) {
				t.Errorf("%v: %s errors %v, want one with %q", tc.config, key, got[key], part)
			}
		}
	}
	// Start refuses what validation refuses, with Confluent's message for deletes.
	err := d.Start(baseConfig("delete.enabled", "true", "pk.mode", "record_value"))
	if err == nil || !strings.Contains(err.Error(), deletesNeedRecordKeyValidation) {
		t.Fatalf("driver Start: %v", err)
	}
	err = c.Start(context.Background(), nil, baseConfig("delete.enabled", "true", "pk.mode", "record_value"))
	if err == nil || !sluice.IsConfigError(err) || !strings.Contains(err.Error(), deletesNeedRecordKey) {
		t.Fatalf("Start: %v", err)
	}
}

func TestAliases(t *testing.T) {
	p := Plugin()
	for _, name := range []string{ClassName, "io.confluent.connect.jdbc.JdbcSinkConnector", "JdbcSinkConnector", "JdbcSink"} {
		if c := p.Find(name); c == nil || c.Kind != sluice.SinkKind {
			t.Errorf("%s: not found as a sink", name)
		}
	}
}

func TestConnString(t *testing.T) {
	cases := []struct {
		jdbc, user, password string
		haveUser, havePW     bool
		want                 string // "" = an error
	}{
		{"jdbc:postgresql://db.example:5433/orders", "u", "p", true, true, "postgresql://u:p@db.example:5433/orders"},
		{"jdbc:postgresql://h/orders?user=a&password=b%40c", "u", "p", true, true, "postgresql://a:b%40c@h/orders"},
		{"jdbc:postgresql://h1:5432,h2:5433/db?currentSchema=s1&ApplicationName=app&loggerLevel=DEBUG", "", "", false, false,
			"postgresql://h1:5432,h2:5433/db?application_name=app&search_path=s1"},
		{"jdbc:postgresql://h/db?ssl=true", "", "", false, false, "postgresql://h/db?sslmode=verify-full"},
		{"jdbc:postgresql://h/db?sslmode=disable&connectTimeout=5", "", "", false, false, "postgresql://h/db?connect_timeout=5&sslmode=disable"},
		{"jdbc:postgresql:orders", "", "", false, false, "postgresql://localhost:5432/orders"},
		{"jdbc:postgresql://h/", "bob", "", true, false, "postgresql://bob@h/bob"},
		{"jdbc:mysql://h/db", "", "", false, false, ""},
		{"postgresql://h/db", "", "", false, false, ""},
	}
	for _, tc := range cases {
		got, err := connString(tc.jdbc, tc.user, tc.password, tc.haveUser, tc.havePW)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: %s, want an error", tc.jdbc, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.jdbc, err)
			continue
		}
		gu, _ := url.Parse(got)
		wu, _ := url.Parse(tc.want)
		if gu.String() != wu.String() || gu.Query().Encode() != wu.Query().Encode() {
			t.Errorf("%s: %s, want %s", tc.jdbc, got, tc.want)
		}
	}
	if r := redactURL("jdbc:postgresql://h/db?user=a&password=secret"); strings.Contains(r, "secret") {
		t.Errorf("redactURL left the password: %s", r)
	}
}

func TestSQLTypes(t *testing.T) {
	cases := []struct {
		schema *sluice.Schema
		want   string
	}{
		{sluice.Int8Schema, "SMALLINT"}, {sluice.Int16Schema, "SMALLINT"}, {sluice.Int32Schema, "INT"},
		{sluice.Int64Schema, "BIGINT"}, {sluice.Float32Schema, "REAL"}, {sluice.Float64Schema, "DOUBLE PRECISION"},
		{sluice.BooleanSchema, "BOOLEAN"}, {sluice.StringSchema, "TEXT"}, {sluice.BytesSchema, "BYTEA"},
		{sluice.DecimalSchema(2, false), "DECIMAL"}, {sluice.DateSchema(false), "DATE"},
		{sluice.TimeSchema(false), "TIME"}, {sluice.TimestampSchema(false), "TIMESTAMP"},
		{sluice.ArraySchema(sluice.StringSchema).MustBuild(), "TEXT[]"},
		{sluice.ArraySchema(sluice.Int32Schema).MustBuild(), "INT[]"},
	}
	for _, tc := range cases {
		got, err := sqlType(tc.schema)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.schema, got, err, tc.want)
		}
	}
	for _, s := range []*sluice.Schema{
		sluice.MapSchema(sluice.StringSchema, sluice.StringSchema).MustBuild(),
		sluice.StructSchema().Field("a", sluice.Int32Schema).MustBuild(),
	} {
		if _, err := sqlType(s); err == nil || !strings.Contains(err.Error(), "doesn't have a mapping to the SQL database column type") {
			t.Errorf("%s: %v, want no mapping", s, err)
		}
	}
}

var (
	keyStruct   = sluice.StructSchema().Name("Key").Field("id", sluice.Int64Schema).MustBuild()
	valueSchema = sluice.StructSchema().Name("Value").
			Field("id", sluice.Int64Schema).
			Field("name", sluice.OptionalStringSchema).
			Field("score", sluice.NewSchemaBuilder(sluice.Int32).DefaultValue(int32(7)).MustBuild()).
			MustBuild()
)

func TestSQLStatements(t *testing.T) {
	d := dialect{quote: true}
	tbl := parseTableID("public.orders")
	keys := []column{{name: "id", schema: sluice.Int64Schema, pk: true}}
	others := []column{{name: "name", schema: sluice.OptionalStringSchema}, {name: "score", schema: valueSchema.Field("score").Schema}}
	checks := []struct{ got, want string }{
		{d.insert(tbl, keys, others), `INSERT INTO "public"."orders" ("id","name","score") VALUES ($1,$2,$3)`},
		{d.upsert(tbl, keys, others), `INSERT INTO "public"."orders" ("id","name","score") VALUES ($1,$2,$3) ON CONFLICT ("id") DO UPDATE SET "name"=EXCLUDED."name","score"=EXCLUDED."score"`},
		{d.upsert(tbl, keys, nil), `INSERT INTO "public"."orders" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING`},
		{d.update(tbl, keys, others), `UPDATE "public"."orders" SET "name" = $1, "score" = $2 WHERE "id" = $3`},
		{d.delete(tbl, keys), `DELETE FROM "public"."orders" WHERE "id" = $1`},
		{dialect{quote: false}.insert(parseTableID("orders"), keys, others[:1]), `INSERT INTO orders (id,name) VALUES ($1,$2)`},
		{d.ident(`we"ird`), `"we""ird"`},
	}
	create, err := d.createTable(tbl, append(append([]column{}, keys...), others...))
	if err != nil {
		t.Fatal(err)
	}
	checks = append(checks, struct{ got, want string }{create,
		"CREATE TABLE IF NOT EXISTS \"public\".\"orders\" (\n\"id\" BIGINT NOT NULL,\n\"name\" TEXT NULL,\n\"score\" INT DEFAULT 7,\nPRIMARY KEY(\"id\"))"})
	alter, err := d.alterTable(tbl, others[:1])
	if err != nil {
		t.Fatal(err)
	}
	checks = append(checks, struct{ got, want string }{alter, `ALTER TABLE "public"."orders" ADD COLUMN IF NOT EXISTS "name" TEXT NULL`})
	alter2, _ := d.alterTable(tbl, others)
	checks = append(checks, struct{ got, want string }{alter2,
		"ALTER TABLE \"public\".\"orders\"\nADD COLUMN IF NOT EXISTS \"name\" TEXT NULL,\nADD COLUMN IF NOT EXISTS \"score\" INT DEFAULT 7"})
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got\n%s\nwant\n%s", c.got, c.want)
		}
	}
	if id := parseTableID("db.public.customers"); id.catalog != "db" || id.schema != "public" || id.table != "customers" {
		t.Errorf("parseTableID: %+v", id)
	}
	if n := tableName("kafka_${topic}", "orders"); n != "kafka_orders" {
		t.Errorf("tableName: %s", n)
	}
}

func TestFieldsMetadata(t *testing.T) {
	settingsFor := func(kv ...string) *settings {
		s, err := parseSettings(baseConfig(kv...))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	names := func(cols []column) string {
		var out []string
		for _, c := range cols {
			out = append(out, c.name)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		s          *settings
		key, value *sluice.Schema
		keys       string
		others     string
		err        string
	}{
		{settingsFor(), nil, valueSchema, "", "id,name,score", ""},
		{settingsFor("pk.mode", "kafka"), nil, valueSchema, "__connect_topic,__connect_partition,__connect_offset", "id,name,score", ""},
		{settingsFor("pk.mode", "kafka", "pk.fields", "t,p,o"), nil, valueSchema, "t,p,o", "id,name,score", ""},
		{settingsFor("pk.mode", "record_key"), keyStruct, valueSchema, "id", "name,score", ""},
		{settingsFor("pk.mode", "record_key", "pk.fields", "k"), sluice.StringSchema, valueSchema, "k", "id,name,score", ""},
		{settingsFor("pk.mode", "record_key"), sluice.StringSchema, valueSchema, "", "", "Need exactly one PK column"},
		{settingsFor("pk.mode", "record_key"), nil, valueSchema, "", "", "record key schema is missing"},
		{settingsFor("pk.mode", "record_key", "pk.fields", "nope"), keyStruct, valueSchema, "", "", "does not contain field: nope"},
		{settingsFor("pk.mode", "record_value", "pk.fields", "id"), nil, valueSchema, "id", "name,score", ""},
		{settingsFor("pk.mode", "record_value"), nil, valueSchema, "id,name,score", "", ""},
		{settingsFor("pk.mode", "record_value", "fields.whitelist", "score"), nil,
			valueSchema, "id,name,score", "", ""},
		{settingsFor("pk.mode", "record_value", "pk.fields", "id", "fields.whitelist", "score"), nil, valueSchema, "id", "score", ""},
		{settingsFor("pk.mode", "record_key"), keyStruct, nil, "id", "", ""}, // a tombstone
		{settingsFor(), nil, sluice.StringSchema, "", "", "Value schema must be of type Struct"},
		{settingsFor("pk.mode", "record_key"), sluice.MapSchema(sluice.StringSchema, sluice.StringSchema).MustBuild(), valueSchema, "", "", "Key schema must be primitive type or Struct"},
	}
	for i, tc := range cases {
		m, err := extractFields("tbl", tc.s, tc.key, tc.value)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("case %d: %v, want %q", i, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		if names(m.keys) != tc.keys || names(m.others) != tc.others {
			t.Errorf("case %d: keys %s others %s, want %s / %s", i, names(m.keys), names(m.others), tc.keys, tc.others)
		}
		for _, k := range m.keys {
			if k.optional() {
				t.Errorf("case %d: key column %s is optional", i, k.name)
			}
		}
	}
}

func TestBindValues(t *testing.T) {
	paris, _ := loadZone("Europe/Paris")
	ts := time.Date(2024, 7, 1, 22, 30, 15, 123000000, time.UTC)
	v, err := bindValue(sluice.TimestampSchema(false), ts, time.UTC)
	if err != nil || v.(pgtype.Timestamp).Time != ts {
		t.Errorf("timestamp UTC: %v %v", v, err)
	}
	v, _ = bindValue(sluice.TimestampSchema(false), ts, paris)
	if got := v.(pgtype.Timestamp).Time; got != time.Date(2024, 7, 2, 0, 30, 15, 123000000, time.UTC) {
		t.Errorf("timestamp in db.timezone Europe/Paris: %v", got)
	}
	v, _ = bindValue(sluice.TimeSchema(false), time.UnixMilli(3723004).UTC(), time.UTC)
	if got := v.(pgtype.Time).Microseconds; got != 3723004000 {
		t.Errorf("time: %d", got)
	}
	v, _ = bindValue(sluice.DateSchema(false), sluice.DaysToDate(19000), time.UTC)
	if got := v.(pgtype.Date).Time.Format("2006-01-02"); got != "2022-01-08" {
		t.Errorf("date: %s", got)
	}
	v, _ = bindValue(sluice.DecimalSchema(2, false), sluice.NewDecimal(-12345, 2), time.UTC)
	if n := v.(pgtype.Numeric); n.Int.Cmp(big.NewInt(-12345)) != 0 || n.Exp != -2 {
		t.Errorf("decimal: %+v", n)
	}
	v, _ = bindValue(sluice.Int8Schema, int8(-3), time.UTC)
	if v != int16(-3) {
		t.Errorf("int8: %#v", v)
	}
	v, _ = bindValue(sluice.ArraySchema(sluice.OptionalStringSchema).MustBuild(), []any{"a", nil}, time.UTC)
	if a := v.([]*string); len(a) != 2 || *a[0] != "a" || a[1] != nil {
		t.Errorf("array: %#v", v)
	}
	if v, _ := bindValue(sluice.OptionalStringSchema, nil, time.UTC); v != nil {
		t.Errorf("null: %#v", v)
	}
	if _, err := loadZone("UTC+02:00"); err != nil {
		t.Errorf("UTC+02:00: %v", err)
	}
}
