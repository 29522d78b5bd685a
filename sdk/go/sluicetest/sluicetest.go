// Package sluicetest is the Go SDK's test kit: a fake worker for a plugin author's `go test`. It
// runs a connector and its tasks in the test's process, with no Kafka, no sluiced and no plugin
// host, and keeps the worker's side of the contract the way sluiced and the SDK's Serve keep it:
// configs are validated against the connector's ConfigDef first, at most maxTasks task configs
// are taken, source offsets are stored (and CommitRecord / Commit called) only when the test says
// the records were committed, a sink is handed only records of partitions it was given and may
// commit only what it was handed, errant records and pause/resume requests are captured.
//
//	connector := sluicetest.NewConnectorDriver(&MySource{})
//	if err := connector.Start(map[string]string{"topic": "t"}); err != nil { t.Fatal(err) }
//	tasks, _ := connector.TaskConfigs(1)
//
//	task := sluicetest.NewSourceTaskDriver(&MySourceTask{}, nil)
//	task.Offsets().Put(partition, offset)           // what an earlier run committed
//	_ = task.Start(tasks[0])
//	records, err := task.PollUntil(10, 5*time.Second)
//	_ = task.Commit()                               // CommitRecord per record, then Commit
//	_ = task.Stop()
//
//	sink := sluicetest.NewSinkTaskDriver(&MySinkTask{})
//	_ = sink.Start(config)
//	_ = sink.Open(sluice.TopicPartition{Topic: "t"})
//	_ = sink.Put(sluicetest.AsSinkRecords(records, 0))
//	committed, err := sink.Commit()                 // PreCommit
//
// Failures the worker would see can be injected: the offset store failing reads
// (MemoryOffsetStore.FailReads), a producer that loses what was not committed yet
// (SourceTaskDriver.DropUncommitted), a crash that makes Kafka redeliver what a sink did not
// commit (SinkTaskDriver.Uncommitted). A panic of plugin code comes back as an error naming it,
// as the SDK reports it to the worker.
//
// Each driver is used from the test's goroutine, except the tasks' Stop, which may be called
// from another goroutine while Poll or Put runs (as the worker does). MemoryOffsetStore is safe
// for concurrent use.
package sluicetest

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	sluice "sluice.dev/sdk/go"
)

// call runs plugin code, turning a panic into an error (as the SDK does on the wire).
func call(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n\n%s", r, debug.Stack())
		}
	}()
	return fn()
}

// ---- connectors ------------------------------------------------------------------------------

// ConnectorDriver runs one connector instance as the worker does.
type ConnectorDriver struct {
	connector Connector
	started   bool

	mu               sync.Mutex
	reconfigurations int
	raised           []error
}

// Connector is sluice.Connector (aliased so tests need one import less).
type Connector = sluice.Connector

// NewConnectorDriver drives connector.
func NewConnectorDriver(connector sluice.Connector) *ConnectorDriver {
	return &ConnectorDriver{connector: connector}
}

func (d *ConnectorDriver) RequestTaskReconfiguration() {
	d.mu.Lock()
	d.reconfigurations++
	d.mu.Unlock()
}

func (d *ConnectorDriver) RaiseError(err error) {
	d.mu.Lock()
	d.raised = append(d.raised, err)
	d.mu.Unlock()
}

// Validate is what the worker's validate shows: the ConfigDef's results, then the connector's
// own checks (sluice.ConfigValidator).
func (d *ConnectorDriver) Validate(config map[string]string) ([]sluice.ConfigValueResult, error) {
	var results []sluice.ConfigValueResult
	err := call(func() error {
		if def := d.connector.Config(); def != nil {
			results = def.Validate(config)
		}
		if v, ok := d.connector.(sluice.ConfigValidator); ok {
			results = v.Validate(config, results)
		}
		return nil
	})
	return results, err
}

// Start validates, then starts the connector. An invalid config is a *sluice.ConfigError
// listing every error ("key: error", one per line); the connector is then not started.
func (d *ConnectorDriver) Start(config map[string]string) error {
	results, err := d.Validate(config)
	if err != nil {
		return err
	}
	var errs []string
	for _, r := range results {
		for _, e := range r.Errors {
			errs = append(errs, r.Name+": "+e)
		}
	}
	if len(errs) > 0 {
		return &sluice.ConfigError{Message: strings.Join(errs, "\n")}
	}
	if err := call(func() error {
		return d.connector.Start(sluice.WithTask(context.Background(), sluice.ConnectorTask), d, config)
	}); err != nil {
		return err
	}
	d.started = true
	return nil
}

// TaskConfigs returns the connector's task configs; an error when it returns more than maxTasks
// (the worker fails such a connector) or is not started.
func (d *ConnectorDriver) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	if !d.started {
		return nil, errors.New("TaskConfigs: the connector is not started")
	}
	var configs []map[string]string
	if err := call(func() error {
		var err error
		configs, err = d.connector.TaskConfigs(maxTasks)
		return err
	}); err != nil {
		return nil, err
	}
	if len(configs) > maxTasks {
		return nil, fmt.Errorf("the connector returned %d task configs for max.tasks %d", len(configs), maxTasks)
	}
	return configs, nil
}

// Stop stops the connector.
func (d *ConnectorDriver) Stop() error {
	if !d.started {
		return errors.New("Stop: the connector is not started")
	}
	d.started = false
	return call(d.connector.Stop)
}

// ReconfigurationRequests counts the connector's RequestTaskReconfiguration calls.
func (d *ConnectorDriver) ReconfigurationRequests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reconfigurations
}

// RaisedErrors returns what the connector passed to RaiseError.
func (d *ConnectorDriver) RaisedErrors() []error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]error(nil), d.raised...)
}

// ---- source tasks ----------------------------------------------------------------------------

// MemoryOffsetStore is the worker's offset store for source tasks, in memory: source partition
// -> offset, normalised as the worker stores them (integers as int64). Safe for concurrent use.
type MemoryOffsetStore struct {
	mu        sync.Mutex
	offsets   map[string]map[string]any
	readError error
	reads     int
}

// NewMemoryOffsetStore returns an empty store.
func NewMemoryOffsetStore() *MemoryOffsetStore {
	return &MemoryOffsetStore{offsets: map[string]map[string]any{}}
}

func key(partition map[string]any) (string, error) {
	v, err := sluice.RoundTrip(partition, nil)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%#v", canonical(v)), nil
}

// canonical orders maps, so that equal partitions print alike.
func canonical(v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([][2]any, 0, len(keys))
		for _, k := range keys {
			out = append(out, [2]any{k, canonical(x[k])})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = canonical(x[i])
		}
		return out
	}
	return v
}

// Put stores offset for partition (what an earlier run committed).
func (m *MemoryOffsetStore) Put(partition, offset map[string]any) error {
	k, err := key(partition)
	if err != nil {
		return err
	}
	var stored map[string]any
	if offset != nil {
		v, err := sluice.RoundTrip(offset, nil)
		if err != nil {
			return err
		}
		stored = v.(map[string]any)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offsets[k] = stored
	return nil
}

// Get returns the stored offset of partition, or nil.
func (m *MemoryOffsetStore) Get(partition map[string]any) map[string]any {
	k, err := key(partition)
	if err != nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offsets[k]
}

// FailReads makes every read fail with err until FailReads(nil).
func (m *MemoryOffsetStore) FailReads(err error) {
	m.mu.Lock()
	m.readError = err
	m.mu.Unlock()
}

// Reads counts the offsets tasks asked for.
func (m *MemoryOffsetStore) Reads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reads
}

func (m *MemoryOffsetStore) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	out, err := m.Offsets(ctx, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (m *MemoryOffsetStore) Offsets(_ context.Context, partitions []map[string]any) ([]map[string]any, error) {
	m.mu.Lock()
	m.reads += len(partitions)
	readError := m.readError
	m.mu.Unlock()
	if readError != nil {
		return nil, readError
	}
	out := make([]map[string]any, len(partitions))
	for i, p := range partitions {
		if _, err := key(p); err != nil {
			return nil, fmt.Errorf("source partition %v: %w", p, err)
		}
		out[i] = m.Get(p)
	}
	return out, nil
}

type taskContext struct {
	id     int
	config map[string]string
	logger sluice.Logger
}

func (c *taskContext) TaskID() int               { return c.id }
func (c *taskContext) ConnectorName() string     { return "test-connector" }
func (c *taskContext) Config() map[string]string { return c.config }
func (c *taskContext) Logger() sluice.Logger     { return c.logger }

// SourceTaskDriver runs one source task as the worker does.
type SourceTaskDriver struct {
	task        sluice.SourceTask
	offsets     *MemoryOffsetStore
	ctx         context.Context
	cancel      context.CancelFunc
	records     []sluice.SourceRecord
	uncommitted []sluice.SourceRecord
	paused      bool
	stopOnce    sync.Once
	stopErr     error
	// TaskID is the task number the task is told (default 0).
	TaskID int
}

type sourceContext struct {
	taskContext
	offsets *MemoryOffsetStore
}

func (c *sourceContext) OffsetStorageReader() sluice.OffsetStorageReader { return c.offsets }

// NewSourceTaskDriver drives task. offsets may be shared by several drivers (tasks of one
// connector, or a task and the one that replaces it after a restart); nil: a store of its own.
func NewSourceTaskDriver(task sluice.SourceTask, offsets *MemoryOffsetStore) *SourceTaskDriver {
	if offsets == nil {
		offsets = NewMemoryOffsetStore()
	}
	return &SourceTaskDriver{task: task, offsets: offsets}
}

// Start starts the task with config.
func (d *SourceTaskDriver) Start(config map[string]string) error {
	d.ctx, d.cancel = context.WithCancel(sluice.WithTask(context.Background(), d.TaskID))
	tc := &sourceContext{taskContext: taskContext{id: d.TaskID, config: config,
		logger: sluice.NewLogger("sluicetest").With("task", d.TaskID)}, offsets: d.offsets}
	return call(func() error { return d.task.Start(d.ctx, tc, config) })
}

// Poll polls once. The records are checked as the SDK and the worker check them
// (sluice.CheckSourceRecord): an error naming the record otherwise. While paused, the task is
// not polled and nothing comes back.
func (d *SourceTaskDriver) Poll() ([]sluice.SourceRecord, error) {
	if d.ctx == nil {
		return nil, errors.New("Poll: the task is not started")
	}
	if d.paused {
		return nil, nil
	}
	var records []sluice.SourceRecord
	if err := call(func() error {
		var err error
		records, err = d.task.Poll(d.ctx)
		return err
	}); err != nil {
		return nil, err
	}
	for i := range records {
		if err := sluice.CheckSourceRecord(&records[i]); err != nil {
			return nil, fmt.Errorf("record %d of the poll: %w", i, err)
		}
	}
	d.records = append(d.records, records...)
	d.uncommitted = append(d.uncommitted, records...)
	return records, nil
}

// PollUntil polls until at least count records came (in this call) or timeout passed; an error
// saying how many came when too few did.
func (d *SourceTaskDriver) PollUntil(count int, timeout time.Duration) ([]sluice.SourceRecord, error) {
	deadline := time.Now().Add(timeout)
	var all []sluice.SourceRecord
	for len(all) < count {
		if time.Now().After(deadline) {
			return all, fmt.Errorf("%d of %d records within %v", len(all), count, timeout)
		}
		records, err := d.Poll()
		if err != nil {
			return all, err
		}
		all = append(all, records...)
	}
	return all, nil
}

// Commit is what the worker does once Kafka acknowledged every record polled so far and their
// offsets are durable: stores each partition's last offset, then calls CommitRecord for each
// record in order and Commit once. Their errors are returned (the worker logs them).
func (d *SourceTaskDriver) Commit() error {
	records := d.uncommitted
	d.uncommitted = nil
	for _, r := range records {
		if r.SourcePartition != nil {
			if err := d.offsets.Put(r.SourcePartition, r.SourceOffset); err != nil {
				return err
			}
		}
	}
	return call(func() error {
		if rc, ok := d.task.(sluice.RecordCommitter); ok {
			for _, r := range records {
				if err := rc.CommitRecord(r); err != nil {
					return err
				}
			}
		}
		if c, ok := d.task.(sluice.Committer); ok {
			return c.Commit()
		}
		return nil
	})
}

// DropUncommitted injects a producer failure: the records polled since the last Commit are lost
// before Kafka acknowledged them; their offsets are never stored, the task is never told.
func (d *SourceTaskDriver) DropUncommitted() { d.uncommitted = nil }

// Pause and Resume are Kafka Connect's PAUSED target state: a paused task is not polled.
func (d *SourceTaskDriver) Pause()  { d.paused = true }
func (d *SourceTaskDriver) Resume() { d.paused = false }

// Stop stops the task (once); safe to call from another goroutine while Poll runs: the Poll's
// ctx is cancelled too.
func (d *SourceTaskDriver) Stop() error {
	d.stopOnce.Do(func() {
		if d.cancel != nil {
			d.cancel()
		}
		d.stopErr = call(d.task.Stop)
	})
	return d.stopErr
}

// Records returns every record polled, in order.
func (d *SourceTaskDriver) Records() []sluice.SourceRecord { return d.records }

// Offsets returns the driver's offset store.
func (d *SourceTaskDriver) Offsets() *MemoryOffsetStore { return d.offsets }

// ---- sink tasks ------------------------------------------------------------------------------

// ErrantRecord is a record the sink task reported with SinkTaskContext.ReportErrant.
type ErrantRecord struct {
	Record sluice.SinkRecord
	Err    error
}

// SinkTaskDriver runs one sink task as the worker does.
type SinkTaskDriver struct {
	task      sluice.SinkTask
	ctx       context.Context
	cancel    context.CancelFunc
	assigned  map[sluice.TopicPartition]bool
	delivered map[sluice.TopicPartition]int64 // next offset per partition handed over
	committed map[sluice.TopicPartition]int64
	handed    []sluice.SinkRecord
	stopOnce  sync.Once
	stopErr   error
	// TaskID is the task number the task is told (default 0).
	TaskID int

	mu             sync.Mutex
	errant         []ErrantRecord
	paused         map[sluice.TopicPartition]bool
	rewinds        map[sluice.TopicPartition]int64 // the last asked per partition
	pendingRewinds map[sluice.TopicPartition]int64 // not yet applied by Put
	commitRequests int
}

type sinkContext struct {
	taskContext
	d *SinkTaskDriver
}

func (c *sinkContext) ReportErrant(record sluice.SinkRecord, err error) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.errant = append(c.d.errant, ErrantRecord{Record: record, Err: err})
}

func (c *sinkContext) Pause(partitions ...sluice.TopicPartition) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	for _, tp := range partitions {
		c.d.paused[tp] = true
	}
}

func (c *sinkContext) Offset(offsets map[sluice.TopicPartition]int64) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if c.d.rewinds == nil {
		c.d.rewinds = map[sluice.TopicPartition]int64{}
		c.d.pendingRewinds = map[sluice.TopicPartition]int64{}
	}
	for tp, offset := range offsets {
		c.d.rewinds[tp] = offset
		c.d.pendingRewinds[tp] = offset
	}
}

func (c *sinkContext) RequestCommit() {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.d.commitRequests++
}

func (c *sinkContext) Resume(partitions ...sluice.TopicPartition) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	for _, tp := range partitions {
		delete(c.d.paused, tp)
	}
}

// NewSinkTaskDriver drives task.
func NewSinkTaskDriver(task sluice.SinkTask) *SinkTaskDriver {
	return &SinkTaskDriver{task: task, assigned: map[sluice.TopicPartition]bool{},
		delivered: map[sluice.TopicPartition]int64{}, committed: map[sluice.TopicPartition]int64{},
		paused: map[sluice.TopicPartition]bool{}}
}

// Start starts the task with config.
func (d *SinkTaskDriver) Start(config map[string]string) error {
	d.ctx, d.cancel = context.WithCancel(sluice.WithTask(context.Background(), d.TaskID))
	tc := &sinkContext{taskContext: taskContext{id: d.TaskID, config: config,
		logger: sluice.NewLogger("sluicetest").With("task", d.TaskID)}, d: d}
	return call(func() error { return d.task.Start(d.ctx, tc, config) })
}

// Open assigns partitions (the task's Open).
func (d *SinkTaskDriver) Open(partitions ...sluice.TopicPartition) error {
	for _, tp := range partitions {
		d.assigned[tp] = true
	}
	if o, ok := d.task.(sluice.PartitionOpener); ok {
		return call(func() error { return o.Open(d.ctx, partitions) })
	}
	return nil
}

// Put hands records to the task. An error for a record of a partition not opened, or not after
// what was handed before in its partition, or of a partition the task paused (the worker does
// not fetch those). Values are first sent through the wire conversion, so the task sees them as
// it would in the worker.
func (d *SinkTaskDriver) Put(records []sluice.SinkRecord) error {
	if d.ctx == nil {
		return errors.New("Put: the task is not started")
	}
	// The rewinds asked since the last Put, as the worker applies them before it fetches again.
	d.mu.Lock()
	pending := d.pendingRewinds
	d.pendingRewinds = map[sluice.TopicPartition]int64{}
	d.mu.Unlock()
	for tp, offset := range pending {
		if !d.assigned[tp] {
			return fmt.Errorf("the task asked to rewind %s, which is not assigned to it", tp)
		}
		d.delivered[tp] = offset
	}
	batch := make([]sluice.SinkRecord, 0, len(records))
	next := map[sluice.TopicPartition]int64{}
	for i, r := range records {
		tp := r.TopicPartition()
		if !d.assigned[tp] {
			return fmt.Errorf("record %d is of partition %s, which is not assigned to the task", i, tp)
		}
		d.mu.Lock()
		paused := d.paused[tp]
		d.mu.Unlock()
		if paused {
			return fmt.Errorf("record %d is of partition %s, which the task paused", i, tp)
		}
		after, seen := next[tp]
		if !seen {
			after = d.delivered[tp]
		}
		if r.Offset < after {
			return fmt.Errorf("record %d has offset %d in %s, not after the %d handed over before", i, r.Offset, tp, after)
		}
		next[tp] = r.Offset + 1
		var err error
		if r.Key, err = sluice.RoundTrip(r.Key, r.KeySchema); err != nil {
			return fmt.Errorf("record %d key: %w", i, err)
		}
		if r.Value, err = sluice.RoundTrip(r.Value, r.ValueSchema); err != nil {
			return fmt.Errorf("record %d value: %w", i, err)
		}
		batch = append(batch, r)
	}
	for tp, n := range next {
		d.delivered[tp] = n
	}
	d.handed = append(d.handed, batch...)
	return call(func() error { return d.task.Put(d.ctx, batch) })
}

// Commit is the worker's offset commit: PreCommit (or Flush) with the next offset of each
// partition handed over; what it returns becomes Committed(). An error when it returns an
// offset beyond what was handed over, or for a partition not assigned.
func (d *SinkTaskDriver) Commit() (map[sluice.TopicPartition]int64, error) {
	offsets := map[sluice.TopicPartition]int64{}
	for tp, n := range d.delivered {
		if d.assigned[tp] {
			offsets[tp] = n
		}
	}
	var answer map[sluice.TopicPartition]int64
	if err := call(func() error {
		if p, ok := d.task.(sluice.PreCommitter); ok {
			var err error
			answer, err = p.PreCommit(d.ctx, copyOffsets(offsets))
			return err
		}
		if f, ok := d.task.(sluice.Flusher); ok {
			if err := f.Flush(d.ctx, copyOffsets(offsets)); err != nil {
				return err
			}
		}
		answer = offsets
		return nil
	}); err != nil {
		return nil, err
	}
	for tp, n := range answer {
		if !d.assigned[tp] {
			return nil, fmt.Errorf("PreCommit returned offset %d for %s, which is not assigned", n, tp)
		}
		if n > d.delivered[tp] {
			return nil, fmt.Errorf("PreCommit returned offset %d for %s, beyond the %d handed over", n, tp, d.delivered[tp])
		}
	}
	for tp, n := range answer {
		d.committed[tp] = n
	}
	return copyOffsets(answer), nil
}

func copyOffsets(m map[sluice.TopicPartition]int64) map[sluice.TopicPartition]int64 {
	out := make(map[sluice.TopicPartition]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Close takes partitions away as a rebalance does: commits first (PreCommit), then Close.
func (d *SinkTaskDriver) Close(partitions ...sluice.TopicPartition) error {
	if _, err := d.Commit(); err != nil {
		return err
	}
	for _, tp := range partitions {
		delete(d.assigned, tp)
	}
	if c, ok := d.task.(sluice.PartitionCloser); ok {
		return call(func() error { return c.Close(d.ctx, partitions) })
	}
	return nil
}

// Stop stops the task (once); safe to call from another goroutine while Put runs.
func (d *SinkTaskDriver) Stop() error {
	d.stopOnce.Do(func() {
		if d.cancel != nil {
			d.cancel()
		}
		d.stopErr = call(d.task.Stop)
	})
	return d.stopErr
}

// Committed returns the next offset to consume per partition, as last committed.
func (d *SinkTaskDriver) Committed() map[sluice.TopicPartition]int64 { return copyOffsets(d.committed) }

// Uncommitted returns the records handed over past Committed(): what Kafka would deliver again
// to a task that replaced this one after a crash.
func (d *SinkTaskDriver) Uncommitted() []sluice.SinkRecord {
	var out []sluice.SinkRecord
	for _, r := range d.handed {
		if r.Offset >= d.committed[r.TopicPartition()] {
			out = append(out, r)
		}
	}
	return out
}

// Errant returns what the task reported with ReportErrant.
func (d *SinkTaskDriver) Errant() []ErrantRecord {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]ErrantRecord(nil), d.errant...)
}

// Rewinds returns the offsets the task asked to rewind to (Offset), the last per partition. Put
// applies those asked since the previous Put: the partition may be handed over again from there.
func (d *SinkTaskDriver) Rewinds() map[sluice.TopicPartition]int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[sluice.TopicPartition]int64{}
	for tp, offset := range d.rewinds {
		out[tp] = offset
	}
	return out
}

// CommitRequests returns how many times the task called RequestCommit.
func (d *SinkTaskDriver) CommitRequests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.commitRequests
}

// Paused returns the partitions the task paused and has not resumed.
func (d *SinkTaskDriver) Paused() []sluice.TopicPartition {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]sluice.TopicPartition, 0, len(d.paused))
	for tp := range d.paused {
		out = append(out, tp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// AsSinkRecords returns source records as a sink task receives them after they went through
// Kafka: the same topic, key, value, schemas, headers and timestamp, the record's partition (0
// when unset) and offsets counting from firstOffset per partition, in order.
func AsSinkRecords(records []sluice.SourceRecord, firstOffset int64) []sluice.SinkRecord {
	next := map[sluice.TopicPartition]int64{}
	out := make([]sluice.SinkRecord, 0, len(records))
	for _, r := range records {
		tp := sluice.TopicPartition{Topic: r.Topic}
		if r.Partition != nil {
			tp.Partition = *r.Partition
		}
		offset, ok := next[tp]
		if !ok {
			offset = firstOffset
		}
		next[tp] = offset + 1
		sr := sluice.SinkRecord{Topic: tp.Topic, Partition: tp.Partition, Offset: offset, Key: r.Key,
			KeySchema: r.KeySchema, Value: r.Value, ValueSchema: r.ValueSchema, Headers: r.Headers,
			Timestamp: r.Timestamp}
		if !r.Timestamp.IsZero() {
			sr.TimestampType = sluice.CreateTime
		}
		out = append(out, sr)
	}
	return out
}
