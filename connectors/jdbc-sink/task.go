package main

// The sink task: each Put is written before it returns, in transactions of at most batch.size
// records, in record order (so an insert, a delete and an insert of one key end as they should).
// Tables are created and altered inside the same transaction as the rows that need them.
//
// Failures:
//   - a record that cannot be written whatever the database says (no value schema, a key that
//     does not fit pk.mode, a table missing with auto.create=false, a new required column
//     without default, ...) goes to the errant record reporter at once: the worker's
//     errors.tolerance and dead letter queue decide;
//   - a database error rolls the transaction back and the batch is retried max.retries times,
//     retry.backoff.ms apart (Confluent throws a RetriableException after setting the context's
//     timeout; the Sluice worker does not redeliver a put, so the task retries itself). Then, as
//     Confluent's unrollAndRetry, each record is written alone and those the database refuses go
//     to the errant record reporter. A connection that stays broken fails the task instead: its
//     records are not bad, and a dead letter queue is no place for them.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	sluice "sluice.dev/sdk/go"
)

// Task writes records to PostgreSQL.
type Task struct {
	tc     sluice.SinkTaskContext
	s      *settings
	d      dialect
	log    sluice.Logger
	mu     sync.Mutex // held by Put while it uses conn; Stop takes it to close conn
	conn   *pgx.Conn
	tables map[string]*tableDef
	metas  map[string][]metaEntry
	// sleep waits for d or ctx; tests make it instant.
	sleep func(ctx context.Context, d time.Duration) error
}

// tableDef is what the task knows of a table: whether it exists, and its columns.
type tableDef struct {
	exists  bool
	columns map[string]bool // exact names
	lower   map[string]bool // lower-cased names
}

func (t *tableDef) has(name string) bool {
	return t.columns[name] || t.lower[strings.ToLower(name)]
}

type metaEntry struct {
	keySchema, valueSchema *sluice.Schema
	meta                   *fieldsMeta
	err                    error
}

// op is one statement for one record.
type op struct {
	rec      *sluice.SinkRecord
	table    tableID
	tableSQL string
	meta     *fieldsMeta
	delete   bool
	sql      string
	args     []any
}

func (t *Task) Start(ctx context.Context, tc sluice.SinkTaskContext, config map[string]string) error {
	s, err := parseSettings(config)
	if err != nil {
		return err
	}
	t.tc, t.s, t.d = tc, s, dialect{quote: s.quote}
	t.log = tc.Logger()
	t.tables = map[string]*tableDef{}
	t.metas = map[string][]metaEntry{}
	if t.sleep == nil {
		t.sleep = sluice.Sleep
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// Connect now, as Confluent's task does at start (a wrong URL or password shows at once);
	// a database that is down fails the task after connection.attempts.
	return t.connect(ctx)
}

// connect opens the connection: connection.attempts attempts, connection.backoff.ms apart.
func (t *Task) connect(ctx context.Context) error {
	if t.conn != nil && !t.conn.IsClosed() {
		return nil
	}
	cfg, err := pgx.ParseConfig(t.s.connString)
	if err != nil {
		return fmt.Errorf("connection.url %s: %w", t.s.redactedConnURL, err)
	}
	for attempt := 1; ; attempt++ {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			t.conn = conn
			return nil
		}
		if attempt >= t.s.connAttempts || ctx.Err() != nil {
			return fmt.Errorf("could not connect to %s after %d attempt(s): %w", t.s.redactedConnURL, attempt, err)
		}
		t.log.Warn("connection attempt failed; retrying", "url", t.s.redactedConnURL, "attempt", attempt,
			"error", err.Error(), "backoff_ms", t.s.connBackoff.Milliseconds())
		if err := t.sleep(ctx, t.s.connBackoff); err != nil {
			return err
		}
	}
}

func (t *Task) dropConn() {
	if t.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = t.conn.Close(ctx)
		cancel()
		t.conn = nil
	}
}

func (t *Task) Stop() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dropConn()
	return nil
}

// metaFor returns the columns of a record's schemas for a table, computed once per schemas.
func (t *Task) metaFor(table string, keySchema, valueSchema *sluice.Schema) (*fieldsMeta, error) {
	for _, e := range t.metas[table] {
		if sluice.SchemaEqual(e.keySchema, keySchema) && sluice.SchemaEqual(e.valueSchema, valueSchema) {
			return e.meta, e.err
		}
	}
	m, err := extractFields(table, t.s, keySchema, valueSchema)
	entries := t.metas[table]
	if len(entries) >= 16 {
		entries = entries[1:]
	}
	t.metas[table] = append(entries, metaEntry{keySchema: keySchema, valueSchema: valueSchema, meta: m, err: err})
	return m, err
}

// prepare turns a record into its statement; a *refusal when it cannot be written. nil, nil: a
// record with nothing to write (update mode and no column but the key's).
func (t *Task) prepare(r *sluice.SinkRecord) (*op, error) {
	name := tableName(t.s.tableFormat, r.Topic)
	id := parseTableID(name)
	o := &op{rec: r, table: id, tableSQL: t.d.table(id)}
	if r.Value == nil {
		if !t.s.deleteEnabled {
			return nil, refusef("Sink connector is configured with 'delete.enabled=false' and 'pk.mode=%s' and "+
				"therefore requires records with a non-null Struct value and non-null Struct schema, but found "+
				"record at %s with a null value and %s value schema", t.s.pkMode, describe(r), schemaWord(r.ValueSchema))
		}
		m, err := t.metaFor(name, r.KeySchema, nil)
		if err != nil {
			return nil, err
		}
		keys, err := keyValues(r, t.s, m)
		if err != nil {
			return nil, err
		}
		o.meta, o.delete, o.sql, o.args = m, true, t.d.delete(id, m.keys), keys
		return o, nil
	}
	if r.ValueSchema == nil {
		return nil, refusef("Sink connector requires records with a non-null Struct value and non-null Struct "+
			"schema, but found record at %s with a %s value and null value schema (a schemaless record: "+
			"use a converter with schemas, e.g. JsonConverter with schemas.enable=true)", describe(r), javaType(r.Value))
	}
	m, err := t.metaFor(name, r.KeySchema, r.ValueSchema)
	if err != nil {
		return nil, err
	}
	keys, err := keyValues(r, t.s, m)
	if err != nil {
		return nil, err
	}
	others, err := otherValues(r, t.s, m)
	if err != nil {
		return nil, err
	}
	o.meta = m
	switch t.s.insertMode {
	case insertInsert:
		o.sql, o.args = t.d.insert(id, m.keys, m.others), append(keys, others...)
	case insertUpsert:
		o.sql, o.args = t.d.upsert(id, m.keys, m.others), append(keys, others...)
	case insertUpdate:
		if len(m.others) == 0 {
			return nil, nil
		}
		o.sql, o.args = t.d.update(id, m.keys, m.others), append(others, keys...)
	}
	return o, nil
}

func schemaWord(s *sluice.Schema) string {
	if s == nil {
		return "null"
	}
	return s.Type.String()
}

// javaType names a value's type as Kafka Connect users know it from its messages.
func javaType(v any) string {
	switch v.(type) {
	case map[string]any, sluice.Map:
		return "HashMap"
	case []any:
		return "ArrayList"
	case string:
		return "String"
	case int64:
		return "Long"
	case float64:
		return "Double"
	case bool:
		return "Boolean"
	case []byte:
		return "byte[]"
	}
	return fmt.Sprintf("%T", v)
}

func (t *Task) reportErrant(r *sluice.SinkRecord, err error) {
	msg := err.Error()
	if !strings.Contains(msg, "(topic=") {
		msg = fmt.Sprintf("record %s: %s", describe(r), msg)
	}
	t.log.Warn("record not written", "topic", r.Topic, "partition", r.Partition, "offset", r.Offset, "error", msg)
	t.tc.ReportErrant(*r, errors.New(msg))
}

func (t *Task) Put(ctx context.Context, records []sluice.SinkRecord) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	ops := make([]*op, 0, len(records))
	for i := range records {
		o, err := t.prepare(&records[i])
		if err != nil {
			var ref *refusal
			if errors.As(err, &ref) {
				t.reportErrant(&records[i], err)
				continue
			}
			return err
		}
		if o != nil {
			ops = append(ops, o)
		}
	}
	for start := 0; start < len(ops); start += t.s.batchSize {
		end := min(start+t.s.batchSize, len(ops))
		if err := t.writeWithRetries(ctx, ops[start:end]); err != nil {
			return err
		}
	}
	return nil
}

// connectError is a failure to connect (after connection.attempts).
type connectError struct{ err error }

func (e *connectError) Error() string { return e.err.Error() }
func (e *connectError) Unwrap() error { return e.err }

// connectionTrouble reports whether err is about the connection rather than the statements: a
// failure to connect (a refused password too), no server error at all (network, closed
// connection), or SQLSTATE class 08 (connection exception), 57 (operator intervention:
// shutdown), 53 (insufficient resources), 28 (authorization) or 3D (no such database).
func connectionTrouble(err error) bool {
	var ce *connectError
	if errors.As(err, &ce) {
		return true
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return true
	}
	for _, class := range []string{"08", "57", "53", "28", "3D"} {
		if strings.HasPrefix(pg.Code, class) {
			return true
		}
	}
	return false
}

func (t *Task) writeWithRetries(ctx context.Context, ops []*op) error {
	var err error
	for attempt := 0; ; attempt++ {
		var errant []errantOp
		errant, err = t.writeChunk(ctx, ops)
		if err == nil {
			for _, e := range errant {
				t.reportErrant(e.op.rec, e.err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt >= t.s.maxRetries {
			break
		}
		t.log.Warn(fmt.Sprintf("Write of %d records failed, remainingRetries=%d", len(ops), t.s.maxRetries-attempt),
			"error", err.Error(), "first", describe(ops[0].rec))
		if err := t.sleep(ctx, t.s.retryBackoff); err != nil {
			return err
		}
	}
	if connectionTrouble(err) {
		return fmt.Errorf("failing task after exhausting retries (max.retries=%d) writing %d records from %s: %w",
			t.s.maxRetries, len(ops), describe(ops[0].rec), err)
	}
	// unrollAndRetry: each record alone; those the database refuses are errant.
	t.log.Warn("writing the records of the failed batch one by one", "records", len(ops), "error", err.Error())
	for _, o := range ops {
		errant, err := t.writeChunk(ctx, []*op{o})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if connectionTrouble(err) {
				return fmt.Errorf("failing task: writing the record at %s: %w", describe(o.rec), err)
			}
			t.reportErrant(o.rec, err)
			continue
		}
		for _, e := range errant {
			t.reportErrant(e.op.rec, e.err)
		}
	}
	return nil
}

type errantOp struct {
	op  *op
	err error
}

// writeChunk writes ops in one transaction: the tables first (create, alter), then every row
// statement, in order, in one pipeline. The errant ops (refused by the table's state) are
// returned, to be reported once the transaction commits. On an error the transaction is rolled
// back and what the task knew of tables is forgotten.
func (t *Task) writeChunk(ctx context.Context, ops []*op) (errant []errantOp, err error) {
	if err := t.connect(ctx); err != nil {
		return nil, &connectError{err: err}
	}
	defer func() {
		if err != nil {
			t.tables = map[string]*tableDef{}
			if t.conn != nil && (t.conn.IsClosed() || connectionTrouble(err)) {
				t.dropConn()
			}
		}
	}()
	tx, err := t.conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = tx.Rollback(rctx)
			cancel()
		}
	}()

	type ensured struct {
		skip bool  // a delete from a table that does not exist: nothing to do
		err  error // a refusal
	}
	done := map[string]map[*fieldsMeta]ensured{}
	batch := &pgx.Batch{}
	var queued []*op
	for _, o := range ops {
		byMeta := done[o.tableSQL]
		if byMeta == nil {
			byMeta = map[*fieldsMeta]ensured{}
			done[o.tableSQL] = byMeta
		}
		e, seen := byMeta[o.meta]
		if !seen {
			var skip bool
			skip, err = t.ensureTable(ctx, tx, o)
			var ref *refusal
			if errors.As(err, &ref) {
				e, err = ensured{err: err}, nil
			} else if err != nil {
				return nil, err
			} else {
				e = ensured{skip: skip}
			}
			byMeta[o.meta] = e
		}
		if e.err != nil {
			errant = append(errant, errantOp{op: o, err: e.err})
			continue
		}
		if e.skip {
			continue
		}
		batch.Queue(o.sql, o.args...)
		queued = append(queued, o)
	}
	if len(queued) > 0 {
		br := tx.SendBatch(ctx, batch)
		for _, o := range queued {
			if _, err = br.Exec(); err != nil {
				_ = br.Close()
				return nil, fmt.Errorf("%s at %s: %w", verb(o), describe(o.rec), err)
			}
		}
		if err = br.Close(); err != nil {
			return nil, err
		}
	}
	if err = tx.Commit(ctx); err != nil {
		return nil, err
	}
	return errant, nil
}

func verb(o *op) string {
	if o.delete {
		return "DELETE FROM " + o.tableSQL
	}
	return strings.SplitN(o.sql, " (", 2)[0]
}

// readTable reads a table's columns (pg_attribute of the relation its SQL name names).
func (t *Task) readTable(ctx context.Context, tx pgx.Tx, tableSQL string) (*tableDef, error) {
	rows, err := tx.Query(ctx, `SELECT c.oid IS NOT NULL, a.attname::text
		FROM (SELECT to_regclass($1) AS oid) c
		LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped`, tableSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	def := &tableDef{columns: map[string]bool{}, lower: map[string]bool{}}
	for rows.Next() {
		var exists bool
		var name *string
		if err := rows.Scan(&exists, &name); err != nil {
			return nil, err
		}
		def.exists = exists
		if name != nil {
			def.columns[*name] = true
			def.lower[strings.ToLower(*name)] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return def, nil
}

func missingColumns(def *tableDef, cols []column) []column {
	var out []column
	for _, c := range cols {
		if !def.has(c.name) {
			out = append(out, c)
		}
	}
	return out
}

// ensureTable is DbStructure.createOrAmendIfNecessary for o's table and columns: create it
// (auto.create), add missing columns (auto.evolve), or refuse. skip: o is a delete and the
// table does not exist.
func (t *Task) ensureTable(ctx context.Context, tx pgx.Tx, o *op) (skip bool, err error) {
	cols := o.meta.all()
	if o.delete {
		cols = o.meta.keys
	}
	def := t.tables[o.tableSQL]
	if def != nil && def.exists && len(missingColumns(def, cols)) == 0 {
		return false, nil
	}
	// Not known, or missing something: read it again (another task may have changed it).
	if def, err = t.readTable(ctx, tx, o.tableSQL); err != nil {
		return false, err
	}
	t.tables[o.tableSQL] = def
	if !def.exists {
		if o.delete {
			return true, nil
		}
		if !t.s.autoCreate {
			return false, refusef("Table %s is missing and auto-creation is disabled", o.table)
		}
		sql, err := t.d.createTable(o.table, cols)
		if err != nil {
			return false, refusef("%v", err)
		}
		t.log.Info("Creating table with sql: " + sql)
		if err := t.ddl(ctx, tx, sql); err != nil {
			return false, fmt.Errorf("creating table %s: %w", o.table, err)
		}
		// Read it back: when another task created it first, it may lack columns this one needs.
		if def, err = t.readTable(ctx, tx, o.tableSQL); err != nil {
			return false, err
		}
		t.tables[o.tableSQL] = def
		if !def.exists {
			return false, fmt.Errorf("table %s does not exist after CREATE TABLE", o.table)
		}
	}
	missing := missingColumns(def, cols)
	if len(missing) == 0 || o.delete {
		return false, nil
	}
	for _, c := range missing {
		if !c.optional() && c.schema.DefaultValue == nil {
			return false, refusef("Cannot ALTER TABLE %s to add missing field %s, as the field is not optional and "+
				"does not have a default value", o.table, describeColumn(c))
		}
	}
	if !t.s.autoEvolve {
		return false, refusef("Table %s is missing fields (%s) and auto-evolution is disabled", o.table, describeColumns(missing))
	}
	sql, err := t.d.alterTable(o.table, missing)
	if err != nil {
		return false, refusef("%v", err)
	}
	t.log.Info(fmt.Sprintf("Amending TABLE to add missing fields:%s with SQL: %s", describeColumns(missing), sql))
	if err := t.ddl(ctx, tx, sql); err != nil {
		return false, fmt.Errorf("amending table %s: %w", o.table, err)
	}
	if def, err = t.readTable(ctx, tx, o.tableSQL); err != nil {
		return false, err
	}
	t.tables[o.tableSQL] = def
	return false, nil
}

// ddl runs a CREATE TABLE or ALTER TABLE under a savepoint. Another task creating the same
// table or adding the same column at the same moment makes PostgreSQL refuse it even with IF NOT
// EXISTS (a unique violation in its catalog, SQLSTATE 23505, or 42P07 / 42701 / 42710): the other task
// did the work, so that is rolled back to the savepoint and taken as done; the caller reads the
// table again.
func (t *Task) ddl(ctx context.Context, tx pgx.Tx, sql string) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := sp.Exec(ctx, sql); err != nil {
		var pg *pgconn.PgError
		if errors.As(err, &pg) && (pg.Code == "23505" || pg.Code == "42P07" || pg.Code == "42701" || pg.Code == "42710") {
			if rerr := sp.Rollback(ctx); rerr != nil {
				return rerr
			}
			t.log.Info("another task changed the table at the same time: " + pg.Message)
			return nil
		}
		return err
	}
	return sp.Commit(ctx)
}

func describeColumn(c column) string {
	return fmt.Sprintf("SinkRecordField{schema=%s, name='%s', isPrimaryKey=%t}", c.schema, c.name, c.pk)
}

func describeColumns(cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = describeColumn(c)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
