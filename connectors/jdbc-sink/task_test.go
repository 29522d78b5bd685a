package main

// The task against a real PostgreSQL (tools/postgres; skipped when the PostgreSQL server is not
// installed), driven as the worker drives it by sluicetest's SinkTaskDriver.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	sluice "sluice.dev/sdk/go"
	"sluice.dev/sdk/go/sluicetest"
)

var (
	pgPort  string // "" when no PostgreSQL could be started
	pgWhy   string
	dbCount atomic.Int32
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "jdbc-sink-test-")
	if err != nil {
		panic(err)
	}
	tool, _ := filepath.Abs("../../tools/postgres")
	out, err := exec.Command(tool, "start", filepath.Join(dir, "pg")).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			pgWhy = string(ee.Stderr)
		} else {
			pgWhy = err.Error()
		}
	} else {
		u := strings.TrimSpace(string(out))
		pgPort = strings.Split(strings.Split(u, "@127.0.0.1:")[1], "/")[0]
	}
	code := m.Run()
	if pgPort != "" {
		_ = exec.Command(tool, "stop", filepath.Join(dir, "pg")).Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// newDB makes a fresh database; returns its JDBC URL and a connection to it.
func newDB(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	if pgPort == "" {
		if strings.Contains(pgWhy, "no PostgreSQL server binaries") {
			t.Skip("PostgreSQL is not installed (tools/setup installs it): " + pgWhy)
		}
		t.Fatalf("tools/postgres start failed: %s", pgWhy)
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, "postgresql://sluice:sluice@127.0.0.1:"+pgPort+"/postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbCount.Add(1))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, "postgresql://sluice:sluice@127.0.0.1:"+pgPort+"/"+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + name, conn
}

// rows returns a query's rows, each as its columns formatted with %v, joined by '|'.
func rows(t *testing.T, conn *pgx.Conn, sql string) []string {
	t.Helper()
	rs, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func startTask(t *testing.T, url string, kv ...string) (*sluicetest.SinkTaskDriver, *Task) {
	t.Helper()
	cfg := map[string]string{"connection.url": url, "connection.user": "sluice", "connection.password": "sluice",
		"topics": "orders", "retry.backoff.ms": "1"}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i]] = kv[i+1]
	}
	task := &Task{}
	d := sluicetest.NewSinkTaskDriver(task)
	if err := d.Start(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	if err := d.Open(sluice.TopicPartition{Topic: "orders", Partition: 0}); err != nil {
		t.Fatal(err)
	}
	return d, task
}

var (
	orderKey = sluice.StructSchema().Name("OrderKey").Field("id", sluice.Int32Schema).MustBuild()
	orderV1  = sluice.StructSchema().Name("Order").
			Field("id", sluice.Int32Schema).
			Field("product", sluice.StringSchema).
			Field("qty", sluice.OptionalInt16Schema).
			MustBuild()
	orderV2 = sluice.StructSchema().Name("Order").
		Field("id", sluice.Int32Schema).
		Field("product", sluice.StringSchema).
		Field("qty", sluice.OptionalInt16Schema).
		Field("note", sluice.OptionalStringSchema).
		MustBuild()
)

type rec struct {
	key   any
	value any
}

func orderRecords(first int64, rs ...rec) []sluice.SinkRecord {
	out := make([]sluice.SinkRecord, len(rs))
	for i, r := range rs {
		sr := sluice.SinkRecord{Topic: "orders", Partition: 0, Offset: first + int64(i)}
		if r.key != nil {
			sr.Key, sr.KeySchema = sluice.MustNewStruct(orderKey).Put("id", r.key), orderKey
		}
		if st, ok := r.value.(*sluice.Struct); ok {
			sr.Value, sr.ValueSchema = st, st.Schema()
		} else if r.value != nil {
			sr.Value = r.value // schemaless
		}
		out[i] = sr
	}
	return out
}

func order(id int32, product string, qty any) *sluice.Struct {
	return sluice.MustNewStruct(orderV1).Put("id", id).Put("product", product).Put("qty", qty)
}

func orderWithNote(id int32, product string, note string) *sluice.Struct {
	return sluice.MustNewStruct(orderV2).Put("id", id).Put("product", product).Put("note", note)
}

func TestUpsertRecordKeyWithDeletesAndEvolution(t *testing.T) {
	url, conn := newDB(t)
	d, _ := startTask(t, url, "insert.mode", "upsert", "pk.mode", "record_key", "auto.create", "true",
		"auto.evolve", "true", "delete.enabled", "true", "batch.size", "2")
	batch := orderRecords(0,
		rec{int32(1), order(1, "apple", int16(3))},
		rec{int32(2), order(2, "pear", nil)},
		rec{int32(1), order(1, "apple", int16(4))}, // same key: the last wins
		rec{int32(3), order(3, "plum", int16(1))},
		rec{int32(3), nil}, // tombstone: deleted
	)
	if err := d.Put(batch); err != nil {
		t.Fatal(err)
	}
	want := []string{"1|apple|4", "2|pear|<nil>"}
	if got := rows(t, conn, "SELECT id, product, qty FROM orders ORDER BY id"); strings.Join(got, ";") != strings.Join(want, ";") {
		t.Fatalf("rows %v, want %v", got, want)
	}
	// The table has the key as its primary key.
	if got := rows(t, conn, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
		AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'orders'::regclass AND i.indisprimary`); len(got) != 1 || got[0] != "id" {
		t.Fatalf("primary key %v", got)
	}
	// A column added mid-stream (optional): ALTER TABLE; the old schema's records still write.
	batch2 := orderRecords(5,
		rec{int32(2), orderWithNote(2, "pear", "ripe")},
		rec{int32(4), order(4, "fig", int16(9))},
	)
	if err := d.Put(batch2); err != nil {
		t.Fatal(err)
	}
	want = []string{"1|apple|4|<nil>", "2|pear|<nil>|ripe", "4|fig|9|<nil>"}
	if got := rows(t, conn, "SELECT id, product, qty, note FROM orders ORDER BY id"); strings.Join(got, ";") != strings.Join(want, ";") {
		t.Fatalf("rows %v, want %v", got, want)
	}
	// Redelivery of everything (a restart before the offsets were committed): same rows.
	d2, _ := startTask(t, url, "insert.mode", "upsert", "pk.mode", "record_key", "auto.create", "true",
		"auto.evolve", "true", "delete.enabled", "true")
	if err := d2.Put(append(batch, batch2...)); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, conn, "SELECT id, product, qty, note FROM orders ORDER BY id"); strings.Join(got, ";") != strings.Join(want, ";") {
		t.Fatalf("after redelivery: rows %v, want %v", got, want)
	}
	if e := append(d.Errant(), d2.Errant()...); len(e) != 0 {
		t.Fatalf("errant: %v", e)
	}
}

func TestRefusalsGoToTheErrantReporter(t *testing.T) {
	url, conn := newDB(t)
	d, _ := startTask(t, url, "pk.mode", "record_key", "auto.create", "true")
	required := sluice.StructSchema().Name("Order").
		Field("id", sluice.Int32Schema).Field("product", sluice.StringSchema).
		Field("qty", sluice.OptionalInt16Schema).Field("must", sluice.StringSchema).MustBuild()
	batch := orderRecords(0,
		rec{int32(1), order(1, "apple", int16(3))},
		rec{int32(2), map[string]any{"id": int64(2)}}, // schemaless
		rec{nil, order(3, "plum", nil)},               // no key for pk.mode=record_key
		rec{int32(4), nil},                            // tombstone, deletes disabled
		rec{int32(5), sluice.MustNewStruct(required).Put("id", int32(5)).Put("product", "x").Put("must", "y")},
		rec{int32(6), orderWithNote(6, "kiwi", "n")}, // auto.evolve is off
		rec{int32(7), order(7, "lime", nil)},
	)
	if err := d.Put(batch); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, conn, "SELECT id FROM orders ORDER BY id"); strings.Join(got, ",") != "1,7" {
		t.Fatalf("rows %v", got)
	}
	errant := d.Errant()
	wants := map[int64]string{
		1: "with a HashMap value and null value schema",
		2: "record key schema is missing",
		3: "'delete.enabled=false'",
		4: "as the field is not optional and does not have a default value",
		5: "auto-evolution is disabled",
	}
	if len(errant) != len(wants) {
		t.Fatalf("errant %v", errant)
	}
	for _, e := range errant {
		w := wants[e.Record.Offset]
		if w == "" || !strings.Contains(e.Err.Error(), w) || !strings.Contains(e.Err.Error(), fmt.Sprintf("offset=%d", e.Record.Offset)) {
			t.Errorf("offset %d: %v, want %q", e.Record.Offset, e.Err, w)
		}
	}
}

func TestMissingTableWithoutAutoCreate(t *testing.T) {
	url, _ := newDB(t)
	d, _ := startTask(t, url)
	if err := d.Put(orderRecords(0, rec{nil, order(1, "a", nil)})); err != nil {
		t.Fatal(err)
	}
	if e := d.Errant(); len(e) != 1 || !strings.Contains(e[0].Err.Error(), "Table orders is missing and auto-creation is disabled") {
		t.Fatalf("errant %v", e)
	}
}

func TestKafkaKeysInsertUpdateAndTypes(t *testing.T) {
	url, conn := newDB(t)
	// pk.mode=kafka with upsert: a redelivered offset rewrites its own row.
	d, _ := startTask(t, url, "insert.mode", "upsert", "pk.mode", "kafka", "auto.create", "true",
		"table.name.format", "kafka_${topic}")
	all := sluice.StructSchema().Name("All").
		Field("i8", sluice.Int8Schema).Field("i16", sluice.Int16Schema).Field("i32", sluice.Int32Schema).
		Field("i64", sluice.Int64Schema).Field("f32", sluice.Float32Schema).Field("f64", sluice.Float64Schema).
		Field("b", sluice.BooleanSchema).Field("s", sluice.StringSchema).Field("raw", sluice.BytesSchema).
		Field("dec", sluice.DecimalSchema(2, false)).Field("day", sluice.DateSchema(false)).
		Field("tod", sluice.TimeSchema(false)).Field("ts", sluice.TimestampSchema(false)).
		Field("tags", sluice.ArraySchema(sluice.StringSchema).MustBuild()).MustBuild()
	v := sluice.MustNewStruct(all).Put("i8", int8(-8)).Put("i16", int16(16)).Put("i32", int32(32)).
		Put("i64", int64(1)<<40).Put("f32", float32(1.5)).Put("f64", 2.25).Put("b", true).Put("s", "héllo").
		Put("raw", []byte{0, 1, 255}).Put("dec", sluice.NewDecimal(-12345, 2)).
		Put("day", sluice.DaysToDate(19000)).Put("tod", sluice.MillisToTime(3723004)).
		Put("ts", time.Date(2024, 7, 1, 22, 30, 15, 123000000, time.UTC)).Put("tags", []any{"a", "b"})
	r := sluice.SinkRecord{Topic: "orders", Partition: 0, Offset: 10, Value: v, ValueSchema: all}
	if err := d.Put([]sluice.SinkRecord{r}); err != nil {
		t.Fatal(err)
	}
	d2, _ := startTask(t, url, "insert.mode", "upsert", "pk.mode", "kafka", "table.name.format", "kafka_${topic}")
	if err := d2.Put([]sluice.SinkRecord{r}); err != nil {
		t.Fatal(err)
	}
	got := rows(t, conn, `SELECT __connect_topic, __connect_partition, __connect_offset, i8, i16, i32, i64, f32, f64, b, s,
		encode(raw, 'hex'), dec::text, day::text, tod::text, ts::text, array_to_string(tags, ',') FROM kafka_orders`)
	want := "orders|0|10|-8|16|32|1099511627776|1.5|2.25|true|héllo|0001ff|-123.45|2022-01-08|01:02:03.004|2024-07-01 22:30:15.123|a,b"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
	types := rows(t, conn, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'kafka_orders'
		ORDER BY ordinal_position`)
	wantTypes := "__connect_topic|text;__connect_partition|integer;__connect_offset|bigint;i8|smallint;i16|smallint;" +
		"i32|integer;i64|bigint;f32|real;f64|double precision;b|boolean;s|text;raw|bytea;dec|numeric;day|date;" +
		"tod|time without time zone;ts|timestamp without time zone;tags|ARRAY"
	if strings.Join(types, ";") != wantTypes {
		t.Fatalf("types %v", types)
	}

	// update mode with pk.mode=record_value: rows that exist change, others are not inserted.
	du, _ := startTask(t, url, "insert.mode", "update", "pk.mode", "record_value", "pk.fields", "id",
		"table.name.format", "stock")
	if _, err := conn.Exec(context.Background(), `CREATE TABLE stock (id INT PRIMARY KEY, product TEXT NOT NULL, qty SMALLINT);
		INSERT INTO stock VALUES (1, 'old', 1), (2, 'keep', 2)`); err != nil {
		t.Fatal(err)
	}
	if err := du.Put(orderRecords(0, rec{nil, order(1, "new", int16(5))}, rec{nil, order(9, "ghost", nil)})); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, conn, "SELECT id, product, qty FROM stock ORDER BY id"); strings.Join(got, ";") != "1|new|5;2|keep|2" {
		t.Fatalf("stock %v", got)
	}
}

func TestDatabaseErrorsRetryThenUnroll(t *testing.T) {
	url, conn := newDB(t)
	if _, err := conn.Exec(context.Background(), `CREATE TABLE orders (id INT, product TEXT CHECK (product <> 'bad'), qty SMALLINT)`); err != nil {
		t.Fatal(err)
	}
	d, task := startTask(t, url, "max.retries", "2", "batch.size", "10")
	var sleeps atomic.Int32
	task.sleep = func(ctx context.Context, _ time.Duration) error { sleeps.Add(1); return ctx.Err() }
	err := d.Put(orderRecords(0,
		rec{nil, order(1, "good", nil)},
		rec{nil, order(2, "bad", nil)},
		rec{nil, order(3, "good", nil)},
	))
	if err != nil {
		t.Fatal(err)
	}
	if n := sleeps.Load(); n != 2 {
		t.Errorf("%d retries, want max.retries=2", n)
	}
	if got := rows(t, conn, "SELECT id FROM orders ORDER BY id"); strings.Join(got, ",") != "1,3" {
		t.Fatalf("rows %v", got)
	}
	if e := d.Errant(); len(e) != 1 || e[0].Record.Offset != 1 || !strings.Contains(e[0].Err.Error(), "violates check constraint") {
		t.Fatalf("errant %v", e)
	}
}

func TestBadPasswordFailsStart(t *testing.T) {
	url, _ := newDB(t)
	task := &Task{}
	d := sluicetest.NewSinkTaskDriver(task)
	err := d.Start(map[string]string{"connection.url": url + "?user=sluice&password=wrong", "topics": "t",
		"connection.attempts": "1"})
	if err == nil || !strings.Contains(err.Error(), "password authentication failed") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("Start: %v", err)
	}
}

func TestReconnectsAfterLostConnection(t *testing.T) {
	url, conn := newDB(t)
	d, task := startTask(t, url, "auto.create", "true", "max.retries", "3")
	var sleeps atomic.Int32
	task.sleep = func(ctx context.Context, _ time.Duration) error { sleeps.Add(1); return ctx.Err() }
	if err := d.Put(orderRecords(0, rec{nil, order(1, "a", nil)})); err != nil {
		t.Fatal(err)
	}
	// The server ends the task's session (as a restart or a failover would).
	got := rows(t, conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	if len(got) != 1 || got[0] != "true" {
		t.Fatalf("terminated %v", got)
	}
	if err := d.Put(orderRecords(1, rec{nil, order(2, "b", nil)})); err != nil {
		t.Fatal(err)
	}
	if n := sleeps.Load(); n != 1 {
		t.Errorf("%d retries, want 1", n)
	}
	if got := rows(t, conn, "SELECT id FROM orders ORDER BY id"); strings.Join(got, ",") != "1,2" {
		t.Fatalf("rows %v", got)
	}
	if e := d.Errant(); len(e) != 0 {
		t.Fatalf("errant %v", e)
	}
}

// Tasks of one connector creating, then evolving, the same table at the same moment.
func TestTasksCreateAndEvolveOneTableAtOnce(t *testing.T) {
	url, conn := newDB(t)
	const tasks, perTask = 4, 200
	drivers := make([]*sluicetest.SinkTaskDriver, tasks)
	var sleeps atomic.Int32
	for i := range drivers {
		var task *Task
		drivers[i], task = startTask(t, url, "insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "id",
			"auto.create", "true", "auto.evolve", "true", "batch.size", "50")
		task.sleep = func(ctx context.Context, _ time.Duration) error { sleeps.Add(1); return ctx.Err() }
	}
	errs := make(chan error, tasks)
	for i, d := range drivers {
		go func(i int, d *sluicetest.SinkTaskDriver) {
			var batch []rec
			for n := 0; n < perTask; n++ {
				id := int32(i*perTask + n)
				if n < perTask/2 {
					batch = append(batch, rec{nil, order(id, "p", nil)})
				} else { // half-way, a new column: every task evolves the same table
					batch = append(batch, rec{nil, orderWithNote(id, "p", "n")})
				}
			}
			errs <- d.Put(orderRecords(0, batch...))
		}(i, d)
	}
	for range drivers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got := rows(t, conn, "SELECT count(*), count(note) FROM orders")
	if want := fmt.Sprintf("%d|%d", tasks*perTask, tasks*perTask/2); len(got) != 1 || got[0] != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
	for _, d := range drivers {
		if e := d.Errant(); len(e) != 0 {
			t.Fatalf("errant %v", e)
		}
	}
	// A CREATE TABLE or ALTER TABLE that lost the race to another task is no failure: no retry.
	if n := sleeps.Load(); n != 0 {
		t.Errorf("%d retries", n)
	}
}

// A connection that cannot be had again (here: the password changed) fails the task after the
// retries; its records are not reported errant (they are not bad).
func TestLostDatabaseFailsTheTaskWithoutErrantRecords(t *testing.T) {
	url, conn := newDB(t)
	role := fmt.Sprintf("w%d_%d", os.Getpid(), dbCount.Add(1))
	if _, err := conn.Exec(context.Background(), "CREATE ROLE "+role+" LOGIN SUPERUSER PASSWORD 'pw1'"); err != nil {
		t.Fatal(err)
	}
	d, task := startTask(t, url, "auto.create", "true", "max.retries", "2", "connection.attempts", "1",
		"connection.user", role, "connection.password", "pw1")
	task.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	if err := d.Put(orderRecords(0, rec{nil, order(1, "a", nil)})); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), "ALTER ROLE "+role+" PASSWORD 'pw2'"); err != nil {
		t.Fatal(err)
	}
	rows(t, conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"+role+"'")
	err := d.Put(orderRecords(1, rec{nil, order(2, "b", nil)}, rec{nil, order(3, "c", nil)}))
	if err == nil || !strings.Contains(err.Error(), "password authentication failed") ||
		!strings.Contains(err.Error(), "exhausting retries (max.retries=2)") {
		t.Fatalf("Put: %v", err)
	}
	if e := d.Errant(); len(e) != 0 {
		t.Fatalf("errant %v", e)
	}
}
