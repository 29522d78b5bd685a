// gosmall is a small Go plugin written with the Go SDK for the tests (test_go_sdk.py,
// plugin_check_go_small):
//
//	SequenceSource  topic=<t>, max.count=<n> (0 = forever), batch.size=<n>, interval.ms=<ms>
//	                Emits Structs {n: INT64, text: "seq <n>"} with key n, offset {"n": n} in the
//	                partition {"sequence": <connector name>}; after a restart it goes on from the
//	                last committed offset.
//	LinesSink       file=<path>: appends each record's text (a Struct's "text", a map's "text",
//	                else the value) as one line; Flush writes and fsyncs the file.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	sluice "sluice.dev/sdk/go"
)

var valueSchema = sluice.StructSchema().Name("gosmall.Sequence").
	Field("n", sluice.Int64Schema).Field("text", sluice.StringSchema).MustBuild()

// ---- the sequence source ---------------------------------------------------------------------

var sequenceConfig = sluice.NewConfigDef().
	Define(sluice.ConfigKey{Name: "topic", Importance: sluice.ImportanceHigh, Validator: sluice.NonEmptyString(),
		Documentation: "The topic to write the sequence to"}).
	Define(sluice.ConfigKey{Name: "max.count", Type: sluice.TypeLong, Default: 0, Validator: sluice.AtLeast(0),
		Documentation: "How many numbers to emit; 0 = forever"}).
	Define(sluice.ConfigKey{Name: "batch.size", Type: sluice.TypeInt, Default: 10, Validator: sluice.AtLeast(1),
		Importance: sluice.ImportanceLow, Documentation: "Records per poll"}).
	Define(sluice.ConfigKey{Name: "interval.ms", Type: sluice.TypeInt, Default: 10, Validator: sluice.AtLeast(0),
		Importance: sluice.ImportanceLow, Documentation: "Pause between polls"})

type SequenceSource struct {
	config map[string]string
	name   string
}

func (c *SequenceSource) Version() string           { return "0.1.0" }
func (c *SequenceSource) Config() *sluice.ConfigDef { return sequenceConfig }
func (c *SequenceSource) Start(ctx context.Context, _ sluice.ConnectorContext, config map[string]string) error {
	parsed, err := sequenceConfig.Parse(config)
	if err != nil {
		return err
	}
	c.config, c.name = config, config["name"]
	if c.name == "" {
		c.name = "sequence"
	}
	sluice.NewLogger("gosmall").InfoContext(ctx, "sequence source starts", "topic", parsed.String("topic"))
	return nil
}
func (c *SequenceSource) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	task := map[string]string{"sequence.name": c.name}
	for k, v := range c.config {
		task[k] = v
	}
	return []map[string]string{task}, nil
}
func (c *SequenceSource) Stop() error { return nil }

type SequenceTask struct {
	tc        sluice.SourceTaskContext
	topic     string
	max       int64
	batch     int
	interval  time.Duration
	partition map[string]any
	next      int64
	committed int64
}

func (t *SequenceTask) Start(ctx context.Context, tc sluice.SourceTaskContext, config map[string]string) error {
	parsed, err := sequenceConfig.Parse(config)
	if err != nil {
		return err
	}
	t.tc, t.topic, t.max = tc, parsed.String("topic"), parsed.Int("max.count")
	t.batch, t.interval = int(parsed.Int("batch.size")), time.Duration(parsed.Int("interval.ms"))*time.Millisecond
	t.partition = map[string]any{"sequence": config["sequence.name"]}
	t.committed = -1
	last, err := tc.OffsetStorageReader().Offset(ctx, t.partition)
	if err != nil {
		return err
	}
	if last != nil {
		n, ok := last["n"].(int64)
		if !ok {
			return fmt.Errorf("stored offset %v has no integer n", last)
		}
		t.next = n + 1
	}
	tc.Logger().Info(fmt.Sprintf("sequence task %d starts at %d", tc.TaskID(), t.next))
	return nil
}

func (t *SequenceTask) Poll(ctx context.Context) ([]sluice.SourceRecord, error) {
	select {
	case <-ctx.Done():
		return nil, nil
	case <-time.After(t.interval):
	}
	var records []sluice.SourceRecord
	for len(records) < t.batch && (t.max == 0 || t.next < t.max) {
		n := t.next
		value := sluice.MustNewStruct(valueSchema).Put("n", n).Put("text", fmt.Sprintf("seq %d", n))
		records = append(records, sluice.SourceRecord{SourcePartition: t.partition,
			SourceOffset: map[string]any{"n": n}, Topic: t.topic, Key: n, KeySchema: sluice.Int64Schema,
			Value: value, ValueSchema: valueSchema})
		t.next++
	}
	return records, nil
}

func (t *SequenceTask) CommitRecord(r sluice.SourceRecord) error {
	if n := r.SourceOffset["n"].(int64); n > t.committed {
		t.committed = n
	}
	return nil
}

func (t *SequenceTask) Commit() error {
	t.tc.Logger().Info(fmt.Sprintf("sequence task %d: committed up to %d", t.tc.TaskID(), t.committed))
	return nil
}

func (t *SequenceTask) Stop() error { return nil }

// ---- the lines sink --------------------------------------------------------------------------

var linesConfig = sluice.NewConfigDef().
	Define(sluice.ConfigKey{Name: "file", Importance: sluice.ImportanceHigh, Validator: sluice.NonEmptyString(),
		Documentation: "The file the lines are appended to"})

type LinesSink struct{ config map[string]string }

func (c *LinesSink) Version() string           { return "0.1.0" }
func (c *LinesSink) Config() *sluice.ConfigDef { return linesConfig }
func (c *LinesSink) Start(_ context.Context, _ sluice.ConnectorContext, config map[string]string) error {
	if _, err := linesConfig.Parse(config); err != nil {
		return err
	}
	c.config = config
	return nil
}
func (c *LinesSink) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return sluice.SameTaskConfigs(c.config, maxTasks), nil
}
func (c *LinesSink) Stop() error { return nil }

type LinesTask struct {
	mu   sync.Mutex
	file *os.File
	w    *bufio.Writer
}

func (t *LinesTask) Start(_ context.Context, _ sluice.SinkTaskContext, config map[string]string) error {
	parsed, err := linesConfig.Parse(config)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(parsed.String("file"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	t.file, t.w = f, bufio.NewWriter(f)
	return nil
}

func text(v any) any {
	switch x := v.(type) {
	case *sluice.Struct:
		if x.Schema().Field("text") != nil {
			return x.Get("text")
		}
	case map[string]any:
		if s, ok := x["text"]; ok {
			return s
		}
	}
	return v
}

func (t *LinesTask) Put(_ context.Context, records []sluice.SinkRecord) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range records {
		if _, err := fmt.Fprintf(t.w, "%v\n", text(r.Value)); err != nil {
			return err
		}
	}
	return nil
}

func (t *LinesTask) Flush(context.Context, map[sluice.TopicPartition]int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.w.Flush(); err != nil {
		return err
	}
	return t.file.Sync()
}

func (t *LinesTask) Stop() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.file == nil {
		return nil
	}
	err := t.w.Flush()
	if cerr := t.file.Close(); err == nil {
		err = cerr
	}
	t.file = nil
	return err
}

// Plugin is what main serves; the tests drive it with sluicetest too.
func Plugin() *sluice.Plugin {
	p := sluice.NewPlugin("go-small", "0.1.0")
	p.AddSource("gosmall.SequenceSource", []string{"SequenceSource"},
		func() sluice.Connector { return &SequenceSource{} },
		func() sluice.SourceTask { return &SequenceTask{} }).TaskClassName = "gosmall.SequenceTask"
	p.AddSink("gosmall.LinesSink", []string{"LinesSink"},
		func() sluice.Connector { return &LinesSink{} },
		func() sluice.SinkTask { return &LinesTask{} }).TaskClassName = "gosmall.LinesTask"
	return p
}

func main() { sluice.Serve(Plugin()) }
