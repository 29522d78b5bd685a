package sluice

// The Plugin service as the worker sees it: a real gRPC server on a unix socket, driven by a
// gRPC client the way sluiced drives a plugin host.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pb "sluice.dev/sdk/go/gen/sluice/plugin/v1"
)

type countConnector struct{ config map[string]string }

func (c *countConnector) Version() string { return "1.2.3" }
func (c *countConnector) Config() *ConfigDef {
	return NewConfigDef().Define(ConfigKey{Name: "topic", Validator: NonEmptyString(), Importance: ImportanceHigh,
		Documentation: "where"}).Define(ConfigKey{Name: "fail", Type: TypeBoolean, Default: false})
}
func (c *countConnector) Start(_ context.Context, _ ConnectorContext, config map[string]string) error {
	if _, err := c.Config().Parse(config); err != nil {
		return err
	}
	c.config = config
	return nil
}
func (c *countConnector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return []map[string]string{c.config}, nil
}
func (c *countConnector) Stop() error { return nil }

type countTask struct {
	mu        sync.Mutex
	next      int64
	topic     string
	fail      bool
	committed []int64
	commits   int
	stopped   chan struct{}
}

var partition = map[string]any{"counter": "c"}

func (t *countTask) Start(ctx context.Context, tc SourceTaskContext, config map[string]string) error {
	t.topic, t.fail, t.stopped = config["topic"], config["fail"] == "true", make(chan struct{})
	offset, err := tc.OffsetStorageReader().Offset(ctx, partition)
	if err != nil {
		return err
	}
	if offset != nil {
		t.next = offset["n"].(int64) + 1
	}
	return nil
}

func (t *countTask) Poll(ctx context.Context) ([]SourceRecord, error) {
	if t.fail {
		return nil, fmt.Errorf("counting: %w", errors.New("the counter broke"))
	}
	var out []SourceRecord
	for i := 0; i < 5; i++ {
		out = append(out, SourceRecord{SourcePartition: partition, SourceOffset: map[string]any{"n": t.next},
			Topic: t.topic, Key: t.next, KeySchema: Int64Schema, Value: fmt.Sprint("n", t.next)})
		t.next++
	}
	return out, nil
}

func (t *countTask) CommitRecord(r SourceRecord) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.committed = append(t.committed, r.SourceOffset["n"].(int64))
	return nil
}

func (t *countTask) Commit() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.commits++
	return nil
}

func (t *countTask) Stop() error { close(t.stopped); return nil }

type listSink struct {
	mu      sync.Mutex
	tc      SinkTaskContext
	values  []any
	flushed int
}

func (s *listSink) Start(_ context.Context, tc SinkTaskContext, _ map[string]string) error {
	s.tc = tc
	return nil
}

func (s *listSink) Put(_ context.Context, records []SinkRecord) error {
	for _, r := range records {
		if r.Value == "bad" {
			s.tc.ReportErrant(r, errors.New("bad value"))
			continue
		}
		if r.Value == "panic" {
			panic("the sink panicked")
		}
		s.mu.Lock()
		s.values = append(s.values, r.Value)
		s.mu.Unlock()
	}
	return nil
}

func (s *listSink) Flush(_ context.Context, _ map[TopicPartition]int64) error {
	s.flushed++
	return nil
}

func (s *listSink) Stop() error { return nil }

// tasks remembers the task objects the plugin made, for the test to look into.
type tasks struct {
	mu     sync.Mutex
	source []*countTask
	sink   []*listSink
}

func startPlugin(t *testing.T) (pb.PluginClient, *tasks, *service) {
	t.Helper()
	made := &tasks{}
	p := NewPlugin("test", "0.0.1")
	p.AddSource("test.Count", []string{"Count"}, func() Connector { return &countConnector{} },
		func() SourceTask {
			task := &countTask{}
			made.mu.Lock()
			made.source = append(made.source, task)
			made.mu.Unlock()
			return task
		}).TaskClassName = "test.CountTask"
	p.AddSink("test.List", nil, func() Connector { return &countConnector{} }, func() SinkTask {
		s := &listSink{}
		made.mu.Lock()
		made.sink = append(made.sink, s)
		made.mu.Unlock()
		return s
	})
	svc := newService(p)
	server := newGRPCServer(svc)
	path := filepath.Join(t.TempDir(), "plugin.sock")
	lis, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(lis) }()
	conn, err := grpc.NewClient("unix://"+path, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(); server.Stop() })
	return pb.NewPluginClient(conn), made, svc
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestHandshakeDescribeValidate(t *testing.T) {
	client, _, _ := startPlugin(t)
	ctx := ctxFor(t)
	_, err := client.Handshake(ctx, &pb.HandshakeRequest{ProtocolVersion: 999})
	if st := status.Convert(err); st.Code() != codes.FailedPrecondition ||
		st.Message() != "plugin protocol version 999 is not supported (this host speaks 1)" {
		t.Fatalf("version 999: %v", err)
	}
	hs, err := client.Handshake(ctx, &pb.HandshakeRequest{ProtocolVersion: 1})
	if err != nil || hs.GetSdk() != "go/"+SDKVersion || hs.GetProtocolVersion() != 1 {
		t.Fatalf("handshake: %v %v", hs, err)
	}
	d, err := client.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.GetConnectors()) != 2 || d.GetConnectors()[0].GetType() != pb.ConnectorType_CONNECTOR_TYPE_SOURCE ||
		d.GetConnectors()[1].GetType() != pb.ConnectorType_CONNECTOR_TYPE_SINK || d.GetConnectors()[0].GetVersion() != "1.2.3" {
		t.Fatalf("describe: %v", d)
	}
	keys := d.GetConnectors()[0].GetConfig()
	if keys[0].GetName() != "topic" || keys[0].DefaultValue != nil || keys[0].GetValidator() != "non-empty string" ||
		keys[1].GetDefaultValue() != "false" || keys[1].GetType() != pb.ConfigKeyDefinition_TYPE_BOOLEAN {
		t.Fatalf("config keys: %v", keys)
	}
	v, err := client.Validate(ctx, &pb.ValidateRequest{ConnectorClass: "Count", Config: map[string]string{"fail": "maybe"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.GetValues()[0].GetErrors(); len(got) != 1 || got[0] != `Missing required configuration "topic" which has no default value.` {
		t.Fatalf("topic errors %q", got)
	}
	if got := v.GetValues()[1].GetErrors(); len(got) != 1 || got[0] != "Invalid value maybe for configuration fail: Expected value to be either true or false" {
		t.Fatalf("fail errors %q", got)
	}
	_, err = client.Validate(ctx, &pb.ValidateRequest{ConnectorClass: "Nope"})
	if st := status.Convert(err); st.Code() != codes.NotFound || st.Message() != "Connector class Nope is not provided by plugin test" {
		t.Fatalf("unknown class: %v", err)
	}
}

func TestConnectorLifecycle(t *testing.T) {
	client, _, _ := startPlugin(t)
	ctx := ctxFor(t)
	_, err := client.StartConnector(ctx, &pb.StartConnectorRequest{ConnectorClass: "test.Count", ConnectorName: "c1"})
	if st := status.Convert(err); st.Code() != codes.InvalidArgument ||
		st.Message() != `Starting connector c1: Missing required configuration "topic" which has no default value.` {
		t.Fatalf("start without topic: %v", err)
	}
	if _, err := client.StartConnector(ctx, &pb.StartConnectorRequest{ConnectorClass: "Count", ConnectorName: "c1",
		Config: map[string]string{"topic": "t"}}); err != nil {
		t.Fatal(err)
	}
	_, err = client.StartConnector(ctx, &pb.StartConnectorRequest{ConnectorClass: "Count", ConnectorName: "c2",
		Config: map[string]string{"topic": "t"}})
	if status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("second start: %v", err)
	}
	tc, err := client.TaskConfigs(ctx, &pb.TaskConfigsRequest{MaxTasks: 3})
	if err != nil || len(tc.GetTasks()) != 1 || tc.GetTaskClass() != "test.CountTask" || tc.GetTasks()[0].GetConfig()["topic"] != "t" {
		t.Fatalf("task configs: %v %v", tc, err)
	}
	if _, err := client.StopConnector(ctx, &pb.StopConnectorRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.TaskConfigs(ctx, &pb.TaskConfigsRequest{MaxTasks: 1}); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("task configs after stop: %v", err)
	}
}

func TestSourceStreamKeepsCreditsOffsetsAndCommits(t *testing.T) {
	client, made, _ := startPlugin(t)
	ctx := ctxFor(t)
	stream, err := client.SourceTask(ctx)
	if err != nil {
		t.Fatal(err)
	}
	send := func(m *pb.SourceWorkerMessage) {
		t.Helper()
		if err := stream.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Start{Start: &pb.TaskStart{Task: 3,
		Config: map[string]string{"topic": "numbers", "connector.class": "Count"}, ConnectorName: "c"}}})
	// The task reads its offset first: the worker answers with n=41 stored.
	m, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	req := m.GetOffsetsRequest()
	if req == nil || len(req.GetPartitions()) != 1 {
		t.Fatalf("want an OffsetsRequest, got %v", m)
	}
	p, _ := ValueFromProto(req.GetPartitions()[0], nil)
	if !ValuesEqual(p, partition) {
		t.Fatalf("partition %v", p)
	}
	off, _ := ValueToProto(map[string]any{"n": int64(41)}, nil)
	send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_OffsetsReply{OffsetsReply: &pb.OffsetsReply{
		RequestId: req.GetRequestId(), Offsets: []*pb.PartitionOffset{{Partition: req.GetPartitions()[0], Offset: off}}}}})
	if m, err = stream.Recv(); err != nil || m.GetStarted() == nil {
		t.Fatalf("want TaskStarted, got %v %v", m, err)
	}
	// Credits: 3, then 4 (2 left from the first poll of 5, then a new poll), never more.
	var ids []uint64
	var keys []int64
	for _, credit := range []uint32{3, 4} {
		send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Poll{Poll: &pb.Poll{MaxRecords: credit}}})
		m, err = stream.Recv()
		if err != nil || m.GetBatch() == nil {
			t.Fatalf("want a batch, got %v %v", m, err)
		}
		if got := len(m.GetBatch().GetRecords()); got > int(credit) {
			t.Fatalf("%d records for a credit of %d", got, credit)
		}
		for _, r := range m.GetBatch().GetRecords() {
			ids = append(ids, r.GetId())
			keys = append(keys, r.GetKey().GetValue().GetIntValue())
			if r.GetTopic() != "numbers" {
				t.Fatalf("topic %q", r.GetTopic())
			}
		}
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5]" || fmt.Sprint(keys) != "[42 43 44 45 46]" {
		t.Fatalf("ids %v keys %v (2 of the first poll's records wait for the next credit)", ids, keys)
	}
	// Committed up to id 4: CommitRecord for 42..45, then Commit.
	send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Committed{Committed: &pb.Committed{UpToRecordId: 4}}})
	send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Stop{Stop: &pb.Stop{}}})
	for {
		m, err = stream.Recv()
		if err != nil {
			t.Fatalf("want TaskStopped, stream ended with %v", err)
		}
		if m.GetStopped() != nil {
			break
		}
	}
	made.mu.Lock()
	task := made.source[0]
	made.mu.Unlock()
	task.mu.Lock()
	defer task.mu.Unlock()
	if fmt.Sprint(task.committed) != "[42 43 44 45]" || task.commits != 1 {
		t.Fatalf("committed %v, %d commits", task.committed, task.commits)
	}
}

func TestSourceTaskErrorCarriesATrace(t *testing.T) {
	client, _, _ := startPlugin(t)
	stream, err := client.SourceTask(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Start{Start: &pb.TaskStart{
		Config: map[string]string{"topic": "t", "fail": "true"}}}})
	m, _ := stream.Recv() // the offsets request: the reply says nothing is stored
	_ = stream.Send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_OffsetsReply{OffsetsReply: &pb.OffsetsReply{
		RequestId: m.GetOffsetsRequest().GetRequestId()}}})
	if m, _ = stream.Recv(); m.GetStarted() == nil {
		t.Fatalf("want TaskStarted, got %v", m)
	}
	_ = stream.Send(&pb.SourceWorkerMessage{Msg: &pb.SourceWorkerMessage_Poll{Poll: &pb.Poll{MaxRecords: 10}}})
	m, err = stream.Recv()
	if err != nil || m.GetError() == nil {
		t.Fatalf("want a TaskError, got %v %v", m, err)
	}
	if m.GetError().GetMessage() != "counting: the counter broke" ||
		!strings.Contains(m.GetError().GetTrace(), "caused by *errors.errorString: the counter broke") {
		t.Fatalf("error %v", m.GetError())
	}
}

func TestSinkStreamReportsErrantBeforePutDoneAndCommitsWhatWasFlushed(t *testing.T) {
	client, made, _ := startPlugin(t)
	stream, err := client.SinkTask(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	send := func(m *pb.SinkWorkerMessage) {
		t.Helper()
		if err := stream.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Start{Start: &pb.TaskStart{Config: map[string]string{},
		SinkContext: true}}})
	if m, err := stream.Recv(); err != nil || m.GetStarted() == nil || !m.GetStarted().GetOpenDone() {
		t.Fatalf("want TaskStarted with open_done, got %v %v", m, err)
	}
	tp := &pb.TopicPartition{Topic: "in", Partition: 0}
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Open{Open: &pb.PartitionsOpened{Partitions: []*pb.TopicPartition{tp}}}})
	if m, err := stream.Recv(); err != nil || m.GetOpenDone() == nil {
		t.Fatalf("want OpenDone, got %v %v", m, err)
	}
	str, _ := SchemaToProto(StringSchema)
	record := func(offset int64, v string) *pb.SinkRecord {
		return &pb.SinkRecord{Topic: "in", Offset: offset, Value: &pb.Data{SchemaId: 1,
			Value: &pb.Value{Kind: &pb.Value_StringValue{StringValue: v}}}}
	}
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Put{Put: &pb.SinkBatch{
		Schemas: []*pb.SchemaDefinition{{Id: 1, Schema: str}},
		Records: []*pb.SinkRecord{record(0, "a"), record(1, "bad"), record(2, "c")}}}})
	m, _ := stream.Recv()
	if e := m.GetErrant(); e == nil || e.GetRecord().GetOffset() != 1 || e.GetError() != "bad value" ||
		len(e.GetSchemas()) != 1 || e.GetRecord().GetValue().GetValue().GetStringValue() != "bad" {
		t.Fatalf("want the errant record first, got %v", m)
	}
	if m, _ = stream.Recv(); m.GetPutDone() == nil {
		t.Fatalf("want PutDone, got %v", m)
	}
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_PreCommit{PreCommit: &pb.PreCommit{
		Offsets: []*pb.TopicPartitionOffset{{Topic: "in", Partition: 0, Offset: 3}}}}})
	m, _ = stream.Recv()
	if d := m.GetPreCommitDone(); d == nil || len(d.GetOffsets()) != 1 || d.GetOffsets()[0].GetOffset() != 3 {
		t.Fatalf("want PreCommitDone at 3, got %v", m)
	}
	// A panic in Put fails the task with the panic's stack as its trace.
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Put{Put: &pb.SinkBatch{Records: []*pb.SinkRecord{
		{Topic: "in", Offset: 3, Value: &pb.Data{Value: &pb.Value{Kind: &pb.Value_StringValue{StringValue: "panic"}}}}}}}})
	m, _ = stream.Recv()
	if e := m.GetError(); e == nil || e.GetMessage() != "panic: the sink panicked" || !strings.Contains(e.GetTrace(), "goroutine") {
		t.Fatalf("want a TaskError for the panic, got %v", m)
	}
	send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Stop{Stop: &pb.Stop{}}})
	if m, _ = stream.Recv(); m.GetStopped() == nil {
		t.Fatalf("want TaskStopped, got %v", m)
	}
	made.mu.Lock()
	sink := made.sink[0]
	made.mu.Unlock()
	if fmt.Sprint(sink.values) != "[a c]" || sink.flushed != 1 {
		t.Fatalf("values %v, flushed %d", sink.values, sink.flushed)
	}
}

func TestTaskStreamMustStartWithStart(t *testing.T) {
	client, _, _ := startPlugin(t)
	stream, err := client.SinkTask(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = stream.Send(&pb.SinkWorkerMessage{Msg: &pb.SinkWorkerMessage_Stop{Stop: &pb.Stop{}}})
	_, err = stream.Recv()
	if st := status.Convert(err); st.Code() != codes.FailedPrecondition || st.Message() != "the first message of a task stream must be Start" {
		t.Fatalf("got %v", err)
	}
}

func TestLogsReachTheWorkerWithTheirTask(t *testing.T) {
	client, _, _ := startPlugin(t)
	ctx := ctxFor(t)
	logStream, err := client.Logs(ctx, &pb.LogsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// The listener is registered when the call is served: log until a line arrives.
	got := make(chan *pb.LogRecord, 1)
	go func() {
		r, err := logStream.Recv()
		if err == nil {
			got <- r
		}
	}()
	logger := newTaskLogger("demo", 7)
	for {
		logger.Info("hello", "n", 1)
		select {
		case r := <-got:
			if r.GetTask() != 7 || r.GetLogger() != "demo" || r.GetMessage() != "hello n=1" || r.GetLevel() != pb.LogRecord_LEVEL_INFO {
				t.Fatalf("log record %v", r)
			}
			return
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no log line reached the Logs stream")
		}
	}
}
