package sluice

// Connectors, tasks and their contexts, with the concepts of Kafka Connect's API (and of the C++
// and Python SDKs). Plugin code implements Connector with SourceTask or SinkTask, registers the
// classes on a Plugin, and calls Serve.
//
// Concurrency: the SDK calls a connector from one goroutine at a time. A task's methods are
// called from its own goroutine, except Stop, which comes from another one so that a blocked
// Poll or Put can return; the ctx given to Poll and Put is also cancelled when the task stops.

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// TopicPartition names one Kafka partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }

// Header is one record header.
type Header struct {
	Key    string
	Value  any
	Schema *Schema // nil: schemaless
}

// SourceRecord is a record a source task produces. SourcePartition and SourceOffset are maps
// with string keys and primitive values (Kafka Connect's rules); the worker stores the offset
// once the record is written, and the task reads it back through its OffsetStorageReader after a
// restart.
type SourceRecord struct {
	SourcePartition map[string]any
	SourceOffset    map[string]any
	Topic           string
	Partition       *int32 // nil: the worker's partitioner decides
	Key             any
	KeySchema       *Schema
	Value           any
	ValueSchema     *Schema
	Headers         []Header
	Timestamp       time.Time // zero: none
}

// TimestampType says what a SinkRecord's timestamp is.
type TimestampType int

const (
	NoTimestampType TimestampType = iota
	CreateTime
	LogAppendTime
)

func (t TimestampType) String() string {
	switch t {
	case CreateTime:
		return "CreateTime"
	case LogAppendTime:
		return "LogAppendTime"
	}
	return "NoTimestampType"
}

// SinkRecord is a record consumed from Kafka and handed to a sink task's Put.
type SinkRecord struct {
	Topic         string
	Partition     int32
	Offset        int64
	Key           any
	KeySchema     *Schema
	Value         any
	ValueSchema   *Schema
	Headers       []Header
	Timestamp     time.Time // zero: none
	TimestampType TimestampType
}

// TopicPartition returns the record's partition.
func (r *SinkRecord) TopicPartition() TopicPartition {
	return TopicPartition{Topic: r.Topic, Partition: r.Partition}
}

// ConnectorContext is what a connector can ask of the worker.
type ConnectorContext interface {
	// RequestTaskReconfiguration asks the worker to call TaskConfigs again (the connector's
	// inputs changed).
	RequestTaskReconfiguration()
	// RaiseError fails the connector (its status becomes FAILED with err's message).
	RaiseError(err error)
}

// Connector is the part of a connector that runs once per connector: it checks the config and
// splits the work into task configs.
type Connector interface {
	Version() string
	// Config returns the connector's ConfigDef; the worker shows it and validates with it.
	Config() *ConfigDef
	// Start starts the connector with its config. A *ConfigError is shown to the user as is.
	Start(ctx context.Context, cc ConnectorContext, config map[string]string) error
	// TaskConfigs returns at most maxTasks task configs.
	TaskConfigs(maxTasks int) ([]map[string]string, error)
	Stop() error
}

// SameTaskConfigs is TaskConfigs for a connector whose tasks all do the same work (a sink that
// shares its topics' partitions among tasks, say): maxTasks times config, the same map each time.
func SameTaskConfigs(config map[string]string, maxTasks int) []map[string]string {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = config
	}
	return out
}

// Sleep waits d, or less if ctx is done first: then it returns ctx.Err(). Tasks use it to back
// off between retries, so that Stop (which cancels the ctx of Put and Poll) ends the wait.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ConfigValidator is an optional interface of a Connector: checks of several keys together,
// after the ConfigDef's (Kafka's Connector.validate). Append to the results' Errors.
type ConfigValidator interface {
	Validate(config map[string]string, results []ConfigValueResult) []ConfigValueResult
}

// SourceOffsetsAlterer is an optional interface of a source Connector (Kafka's
// SourceConnector.alterOffsets, KIP-875): called on a fresh, unstarted instance; offsets maps
// each partition to its new offset (nil = reset). Return true when the connector has altered
// offsets it manages outside the worker (or manages none and confirms).
type SourceOffsetsAlterer interface {
	AlterSourceOffsets(ctx context.Context, config map[string]string, offsets []PartitionOffset) (bool, error)
}

// SinkOffsetsAlterer is the sink counterpart (nil offset = reset the partition).
type SinkOffsetsAlterer interface {
	AlterSinkOffsets(ctx context.Context, config map[string]string, offsets map[TopicPartition]*int64) (bool, error)
}

// PartitionOffset is a source partition with its offset (nil: none / reset).
type PartitionOffset struct {
	Partition map[string]any
	Offset    map[string]any
}

// OffsetStorageReader reads the offsets the worker stored for this connector's source
// partitions.
type OffsetStorageReader interface {
	// Offset returns the last committed offset of partition, or nil. An error when the worker
	// does not answer (30 s) or the task is stopping.
	Offset(ctx context.Context, partition map[string]any) (map[string]any, error)
	// Offsets returns the offsets of several partitions at once, in the same order (nil where
	// none is stored).
	Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error)
}

// TaskContext is what every task knows of itself.
type TaskContext interface {
	TaskID() int
	ConnectorName() string
	// Config returns the task's config as the worker sent it.
	Config() map[string]string
	// Logger returns a logger whose lines reach the worker with this task as their context.
	Logger() Logger
}

// SourceTaskContext is a source task's view of the worker.
type SourceTaskContext interface {
	TaskContext
	OffsetStorageReader() OffsetStorageReader
}

// SinkTaskContext is a sink task's view of the worker.
type SinkTaskContext interface {
	TaskContext
	// ReportErrant sends a record the task could not write to the worker's errant record
	// reporter (errors.tolerance, dead letter queue). Only records of the batch being Put.
	ReportErrant(record SinkRecord, err error)
	// Pause stops the worker fetching these partitions until Resume.
	Pause(partitions ...TopicPartition)
	Resume(partitions ...TopicPartition)
	// Offset is Kafka Connect's SinkTaskContext.offset: the worker moves its consumer to these
	// offsets (the next offset to consume per partition) before it fetches again; asked in Open,
	// the partitions start there. A partition not assigned to the task fails it.
	Offset(offsets map[TopicPartition]int64)
	// RequestCommit is Kafka Connect's SinkTaskContext.requestCommit: the worker commits at its
	// next turn instead of at offset.flush.interval.ms.
	RequestCommit()
}

// SourceTask produces records.
type SourceTask interface {
	Start(ctx context.Context, tc SourceTaskContext, config map[string]string) error
	// Poll returns the next records; none when none are ready (it may block briefly, and must
	// return when ctx is done). An error fails the task.
	Poll(ctx context.Context) ([]SourceRecord, error)
	// Stop is called from another goroutine than Poll: make a blocked Poll return.
	Stop() error
}

// RecordCommitter is an optional interface of a SourceTask: CommitRecord is called for each
// record once Kafka acknowledged it and its offset is durable.
type RecordCommitter interface {
	CommitRecord(record SourceRecord) error
}

// Committer is an optional interface of a SourceTask: Commit is called after CommitRecord for
// every record of one commit.
type Committer interface {
	Commit() error
}

// SinkTask writes records somewhere.
type SinkTask interface {
	Start(ctx context.Context, tc SinkTaskContext, config map[string]string) error
	Put(ctx context.Context, records []SinkRecord) error
	Stop() error
}

// PartitionOpener is an optional interface of a SinkTask: partitions assigned to it.
type PartitionOpener interface {
	Open(ctx context.Context, partitions []TopicPartition) error
}

// PartitionCloser is an optional interface of a SinkTask: partitions taken away.
type PartitionCloser interface {
	Close(ctx context.Context, partitions []TopicPartition) error
}

// Flusher is an optional interface of a SinkTask: make everything Put so far durable. offsets:
// the next offset per partition.
type Flusher interface {
	Flush(ctx context.Context, offsets map[TopicPartition]int64) error
}

// PreCommitter is an optional interface of a SinkTask: the offsets the worker may commit to
// Kafka. Without it: Flush (if any), then all of offsets.
type PreCommitter interface {
	PreCommit(ctx context.Context, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error)
}

// ConnectorKind is source or sink.
type ConnectorKind int

const (
	SourceKind ConnectorKind = iota + 1
	SinkKind
)

func (k ConnectorKind) String() string {
	if k == SourceKind {
		return "source"
	}
	return "sink"
}

// ConnectorClass describes one connector class of a plugin.
type ConnectorClass struct {
	// ClassName is what users put in connector.class ("com.example.CounterSource").
	ClassName string
	// Aliases are other names it is found by ("CounterSource").
	Aliases []string
	// TaskClassName is what the worker records as task.class; default: the Go type of the task.
	TaskClassName string
	Kind          ConnectorKind
	NewConnector  func() Connector
	NewSourceTask func() SourceTask // Kind == SourceKind
	NewSinkTask   func() SinkTask   // Kind == SinkKind
}

// Plugin is what a plugin folder provides: its name, version and connector classes.
type Plugin struct {
	Name    string
	Version string
	Classes []*ConnectorClass
}

// NewPlugin returns a plugin without classes.
func NewPlugin(name, version string) *Plugin { return &Plugin{Name: name, Version: version} }

// AddSource registers a source connector class.
func (p *Plugin) AddSource(className string, aliases []string, newConnector func() Connector, newTask func() SourceTask) *ConnectorClass {
	c := &ConnectorClass{ClassName: className, Aliases: aliases, Kind: SourceKind,
		NewConnector: newConnector, NewSourceTask: newTask}
	p.Classes = append(p.Classes, c)
	return c
}

// AddSink registers a sink connector class.
func (p *Plugin) AddSink(className string, aliases []string, newConnector func() Connector, newTask func() SinkTask) *ConnectorClass {
	c := &ConnectorClass{ClassName: className, Aliases: aliases, Kind: SinkKind,
		NewConnector: newConnector, NewSinkTask: newTask}
	p.Classes = append(p.Classes, c)
	return c
}

// Find returns the class named name (class name or alias), or nil.
func (p *Plugin) Find(name string) *ConnectorClass {
	for _, c := range p.Classes {
		if c.ClassName == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// TaskClass returns the task class name the worker records for c.
func (c *ConnectorClass) TaskClass() string {
	if c.TaskClassName != "" {
		return c.TaskClassName
	}
	var t reflect.Type
	if c.Kind == SourceKind && c.NewSourceTask != nil {
		t = reflect.TypeOf(c.NewSourceTask())
	} else if c.NewSinkTask != nil {
		t = reflect.TypeOf(c.NewSinkTask())
	}
	if t == nil {
		return c.ClassName + "Task"
	}
	return strings.TrimPrefix(t.String(), "*")
}

// TaskClassFor finds the class whose tasks run a task config: its task.class, else its
// connector.class (class or alias), else the only class of that kind. A *ConfigError otherwise.
func (p *Plugin) TaskClassFor(config map[string]string, kind ConnectorKind) (*ConnectorClass, error) {
	var candidates []*ConnectorClass
	for _, c := range p.Classes {
		if c.Kind == kind {
			candidates = append(candidates, c)
		}
	}
	wanted := config["task.class"]
	if wanted != "" {
		for _, c := range candidates {
			if c.TaskClass() == wanted {
				return c, nil
			}
		}
	}
	named := config["connector.class"]
	if named != "" {
		if c := p.Find(named); c != nil && c.Kind == kind {
			return c, nil
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return nil, ConfigErrorf("no %s task class for task.class=%q, connector.class=%q in plugin %s",
		kind, wanted, named, p.Name)
}
