package sluicetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	sluice "sluice.dev/sdk/go"
)

// ---- a connector and tasks that do what each test asks ----------------------------------------

type connector struct {
	tasks int
	cc    sluice.ConnectorContext
}

func (c *connector) Version() string { return "1" }
func (c *connector) Config() *sluice.ConfigDef {
	return sluice.NewConfigDef().Define(sluice.ConfigKey{Name: "topic", Validator: sluice.NonEmptyString()})
}
func (c *connector) Start(_ context.Context, cc sluice.ConnectorContext, _ map[string]string) error {
	c.cc = cc
	cc.RequestTaskReconfiguration()
	cc.RaiseError(errors.New("upstream gone"))
	return nil
}
func (c *connector) TaskConfigs(int) ([]map[string]string, error) {
	return make([]map[string]string, c.tasks), nil
}
func (c *connector) Stop() error { return nil }

func (c *connector) Validate(config map[string]string, results []sluice.ConfigValueResult) []sluice.ConfigValueResult {
	if config["topic"] == "forbidden" {
		results[0].Errors = append(results[0].Errors, "topic forbidden is reserved")
	}
	return results
}

type source struct {
	records [][]sluice.SourceRecord
	blocked chan struct{}
	stopped bool
	mu      sync.Mutex
	seen    []string
}

func (s *source) Start(context.Context, sluice.SourceTaskContext, map[string]string) error {
	return nil
}
func (s *source) Poll(ctx context.Context) ([]sluice.SourceRecord, error) {
	if s.blocked != nil {
		close(s.blocked)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if len(s.records) == 0 {
		return nil, nil
	}
	next := s.records[0]
	s.records = s.records[1:]
	return next, nil
}
func (s *source) CommitRecord(r sluice.SourceRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, fmt.Sprint(r.Value))
	return nil
}
func (s *source) Stop() error { s.stopped = true; return nil }

func rec(n int64) sluice.SourceRecord {
	return sluice.SourceRecord{SourcePartition: map[string]any{"p": "a"}, SourceOffset: map[string]any{"n": n},
		Topic: "t", Value: n, ValueSchema: sluice.Int64Schema}
}

type sink struct {
	tc       sluice.SinkTaskContext
	put      []int64
	closed   []sluice.TopicPartition
	answer   map[sluice.TopicPartition]int64
	panicNow bool
}

func (s *sink) Start(_ context.Context, tc sluice.SinkTaskContext, _ map[string]string) error {
	s.tc = tc
	return nil
}
func (s *sink) Put(_ context.Context, records []sluice.SinkRecord) error {
	if s.panicNow {
		panic("put exploded")
	}
	for _, r := range records {
		if r.Value == "bad" {
			s.tc.ReportErrant(r, errors.New("cannot write bad"))
			continue
		}
		if r.Value == "pause" {
			s.tc.Pause(r.TopicPartition())
		}
		if r.Value == "rewind" {
			s.tc.Offset(map[sluice.TopicPartition]int64{r.TopicPartition(): 10})
			s.tc.RequestCommit()
		}
		if r.Value == "stray" {
			s.tc.Offset(map[sluice.TopicPartition]int64{{Topic: "other", Partition: 0}: 3})
		}
		s.put = append(s.put, r.Offset)
	}
	return nil
}
func (s *sink) PreCommit(_ context.Context, offsets map[sluice.TopicPartition]int64) (map[sluice.TopicPartition]int64, error) {
	if s.answer != nil {
		return s.answer, nil
	}
	return offsets, nil
}
func (s *sink) Close(_ context.Context, tps []sluice.TopicPartition) error {
	s.closed = append(s.closed, tps...)
	return nil
}
func (s *sink) Stop() error { return nil }

var tp0 = sluice.TopicPartition{Topic: "t", Partition: 0}

func sinkRecords(partition int32, values ...string) []sluice.SinkRecord {
	var out []sluice.SinkRecord
	for i, v := range values {
		out = append(out, sluice.SinkRecord{Topic: "t", Partition: partition, Offset: int64(10 + i), Value: v,
			ValueSchema: sluice.StringSchema})
	}
	return out
}

// ---- connector -------------------------------------------------------------------------------

func TestConnectorDriverValidatesFirstAndChecksMaxTasks(t *testing.T) {
	d := NewConnectorDriver(&connector{tasks: 3})
	err := d.Start(map[string]string{"topic": "forbidden"})
	if err == nil || err.Error() != "topic: topic forbidden is reserved" {
		t.Fatalf("start: %v", err)
	}
	if _, err := d.TaskConfigs(1); err == nil {
		t.Fatal("TaskConfigs before Start")
	}
	if err := d.Start(map[string]string{"topic": "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TaskConfigs(2); err == nil || err.Error() != "the connector returned 3 task configs for max.tasks 2" {
		t.Fatalf("3 configs for 2: %v", err)
	}
	if d.ReconfigurationRequests() != 1 || len(d.RaisedErrors()) != 1 || d.RaisedErrors()[0].Error() != "upstream gone" {
		t.Fatal("the connector's context calls were not recorded")
	}
}

// ---- source ----------------------------------------------------------------------------------

func TestSourceDriverStoresOffsetsOnlyOnCommit(t *testing.T) {
	task := &source{records: [][]sluice.SourceRecord{{rec(1), rec(2)}, {rec(3)}}}
	d := NewSourceTaskDriver(task, nil)
	if err := d.Start(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.PollUntil(2, time.Second); err != nil {
		t.Fatal(err)
	}
	if d.Offsets().Get(map[string]any{"p": "a"}) != nil {
		t.Fatal("an offset stored before the commit")
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := d.Offsets().Get(map[string]any{"p": "a"}); got["n"] != int64(2) {
		t.Fatalf("stored %v", got)
	}
	if _, err := d.Poll(); err != nil {
		t.Fatal(err)
	}
	d.DropUncommitted()
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := d.Offsets().Get(map[string]any{"p": "a"}); got["n"] != int64(2) || strings.Join(task.seen, ",") != "1,2" {
		t.Fatalf("after a dropped record: stored %v, committed %v", got, task.seen)
	}
	d.Pause()
	if got, _ := d.Poll(); got != nil {
		t.Fatal("a paused task was polled")
	}
}

func TestSourceDriverRefusesARecordTheWorkerWouldRefuse(t *testing.T) {
	bad := rec(1)
	bad.Value = "one"
	d := NewSourceTaskDriver(&source{records: [][]sluice.SourceRecord{{rec(0), bad}}}, nil)
	_ = d.Start(nil)
	_, err := d.Poll()
	if err == nil || !strings.HasPrefix(err.Error(), "record 1 of the poll: value: Invalid Go value for schema with type INT64") {
		t.Fatalf("got %v", err)
	}
}

func TestSourceDriverStopReachesABlockedPoll(t *testing.T) {
	task := &source{blocked: make(chan struct{})}
	d := NewSourceTaskDriver(task, nil)
	_ = d.Start(nil)
	go func() { <-task.blocked; _ = d.Stop() }()
	_, err := d.Poll()
	_ = d.Stop() // returns once the first Stop is done
	if !errors.Is(err, context.Canceled) || !task.stopped {
		t.Fatalf("poll ended with %v, stopped %v", err, task.stopped)
	}
}

func TestOffsetStoreFailsReadsWhenAsked(t *testing.T) {
	m := NewMemoryOffsetStore()
	_ = m.Put(map[string]any{"p": 1}, map[string]any{"n": 5})
	got, err := m.Offset(context.Background(), map[string]any{"p": int64(1)})
	if err != nil || got["n"] != int64(5) {
		t.Fatalf("read %v %v (an int and an int64 partition are the same)", got, err)
	}
	m.FailReads(errors.New("offsets topic unavailable"))
	if _, err := m.Offset(context.Background(), map[string]any{"p": 1}); err == nil || m.Reads() != 2 {
		t.Fatalf("read with failure: %v, %d reads", err, m.Reads())
	}
}

// ---- sink ------------------------------------------------------------------------------------

func TestSinkDriverHandsOverOnlyWhatTheWorkerWould(t *testing.T) {
	task := &sink{}
	d := NewSinkTaskDriver(task)
	_ = d.Start(nil)
	if err := d.Put(sinkRecords(0, "a")); err == nil || !strings.Contains(err.Error(), "not assigned") {
		t.Fatalf("unassigned: %v", err)
	}
	_ = d.Open(tp0)
	if err := d.Put(sinkRecords(0, "a", "bad")); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(sinkRecords(0, "again")); err == nil || !strings.Contains(err.Error(), "not after the 12 handed over") {
		t.Fatalf("offset order: %v", err)
	}
	pause := sinkRecords(0, "pause")
	pause[0].Offset = 12
	if err := d.Put(pause); err != nil {
		t.Fatal(err)
	}
	if e := d.Errant(); len(e) != 1 || e[0].Record.Offset != 11 || e[0].Err.Error() != "cannot write bad" {
		t.Fatalf("errant %v", e)
	}
	if p := d.Paused(); len(p) != 1 || p[0] != tp0 {
		t.Fatalf("paused %v", p)
	}
	more := sinkRecords(0, "x")
	more[0].Offset = 13
	if err := d.Put(more); err == nil || !strings.Contains(err.Error(), "which the task paused") {
		t.Fatalf("paused partition: %v", err)
	}
}

func TestSinkDriverHandsOverAgainAfterARewind(t *testing.T) {
	d := NewSinkTaskDriver(&sink{})
	_ = d.Start(nil)
	_ = d.Open(tp0)
	if err := d.Put(sinkRecords(0, "a", "rewind")); err != nil {
		t.Fatal(err)
	}
	if r := d.Rewinds(); len(r) != 1 || r[tp0] != 10 {
		t.Fatalf("rewinds %v", r)
	}
	if n := d.CommitRequests(); n != 1 {
		t.Fatalf("commit requests %d", n)
	}
	// From offset 10 again.
	if err := d.Put(sinkRecords(0, "a", "b")); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(sinkRecords(0, "a")); err == nil || !strings.Contains(err.Error(), "not after the 12 handed over") {
		t.Fatalf("offset order: %v", err)
	}
	stray := sinkRecords(0, "stray")
	stray[0].Offset = 12
	if err := d.Put(stray); err != nil {
		t.Fatal(err)
	}
	next := sinkRecords(0, "c")
	next[0].Offset = 13
	if err := d.Put(next); err == nil || !strings.Contains(err.Error(), "rewind other-0, which is not assigned") {
		t.Fatalf("unassigned rewind: %v", err)
	}
}

func TestSinkDriverCommitsNoMoreThanWasHandedOver(t *testing.T) {
	task := &sink{}
	d := NewSinkTaskDriver(task)
	_ = d.Start(nil)
	_ = d.Open(tp0)
	_ = d.Put(sinkRecords(0, "a", "b", "c"))
	task.answer = map[sluice.TopicPartition]int64{tp0: 11}
	if c, err := d.Commit(); err != nil || c[tp0] != 11 {
		t.Fatalf("commit %v %v", c, err)
	}
	if u := d.Uncommitted(); len(u) != 2 || u[0].Offset != 11 {
		t.Fatalf("uncommitted %v", u)
	}
	task.answer = map[sluice.TopicPartition]int64{tp0: 99}
	if _, err := d.Commit(); err == nil || err.Error() != "PreCommit returned offset 99 for t-0, beyond the 13 handed over" {
		t.Fatalf("beyond: %v", err)
	}
	task.answer = nil
	if err := d.Close(tp0); err != nil || len(task.closed) != 1 || d.Committed()[tp0] != 13 {
		t.Fatalf("close: %v, closed %v, committed %v", err, task.closed, d.Committed())
	}
}

func TestAPanicComesBackAsAnError(t *testing.T) {
	d := NewSinkTaskDriver(&sink{panicNow: true})
	_ = d.Start(nil)
	_ = d.Open(tp0)
	if err := d.Put(sinkRecords(0, "a")); err == nil || !strings.HasPrefix(err.Error(), "panic: put exploded") {
		t.Fatalf("got %v", err)
	}
}

func TestAsSinkRecordsNumbersOffsetsPerPartition(t *testing.T) {
	one := int32(1)
	a, b, c := rec(1), rec(2), rec(3)
	b.Partition = &one
	got := AsSinkRecords([]sluice.SourceRecord{a, b, c}, 5)
	if got[0].Offset != 5 || got[1].Offset != 5 || got[1].Partition != 1 || got[2].Offset != 6 {
		t.Fatalf("offsets %v", got)
	}
}
