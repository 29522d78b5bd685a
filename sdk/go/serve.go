package sluice

// The exec-plugin life: Serve serves sluice.plugin.v1.Plugin on a unix socket in
// SLUICE_PLUGIN_SOCKET_DIR, prints the handshake line, keeps stdout silent afterwards, and exits
// on stdin EOF or the Shutdown RPC (plugin-host/README.md is the contract; this follows the
// Python SDK's _server.py).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "sluice.dev/sdk/go/gen/sluice/plugin/v1"
)

// ProtocolVersion is the plugin protocol version this SDK speaks.
const ProtocolVersion = 1

// SDKVersion is this SDK's version, reported in the Handshake.
const SDKVersion = "0.1.0"

const (
	maxMessageBytes = 256 * 1024 * 1024
	offsetsTimeout  = 30 * time.Second
	eventsKept      = 100
)

var sdkLog = NewLogger("sluice_sdk")

// Serve runs plugin as an exec plugin until stdin reaches EOF or the worker calls Shutdown, then
// exits the process (status 0; 1 when the socket cannot be served). It never returns.
func Serve(plugin *Plugin) {
	dir := os.Getenv("SLUICE_PLUGIN_SOCKET_DIR")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "sluice sdk: SLUICE_PLUGIN_SOCKET_DIR is not set (run this plugin through sluice-plugin-host)")
		os.Exit(1)
	}
	path := filepath.Join(dir, fmt.Sprintf("plugin-%d.sock", os.Getpid()))
	_ = os.Remove(path)
	lis, err := net.Listen("unix", path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sluice sdk: cannot serve on %s: %v\n", path, err)
		os.Exit(1)
	}
	slog.SetDefault(NewLogger(plugin.Name))
	svc := newService(plugin)
	server := newGRPCServer(svc)
	go func() { _ = server.Serve(lis) }()

	fmt.Fprintf(os.Stdout, "SLUICE-PLUGIN|%d|unix|%s|grpc\n", ProtocolVersion, path)
	// Nothing else may appear on stdout: whatever plugin code prints goes to stderr.
	_ = syscall.Dup3(2, 1, 0)
	os.Stdout = os.Stderr

	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		svc.requestShutdown()
	}()
	<-svc.shutdown
	sdkLog.Info(fmt.Sprintf("plugin %s shutting down", plugin.Name))
	svc.stopEverything()
	stopped := make(chan struct{})
	go func() { server.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(2 * time.Second):
		server.Stop()
	}
	_ = os.Remove(path)
	os.Exit(0)
}

func newGRPCServer(svc *service) *grpc.Server {
	server := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageBytes), grpc.MaxSendMsgSize(maxMessageBytes))
	pb.RegisterPluginServer(server, svc)
	return server
}

// ---- calling plugin code ---------------------------------------------------------------------

// panicError is a panic of plugin code, caught where the SDK called it.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// callPlugin runs plugin code, turning a panic into an error with its stack.
func callPlugin(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return fn()
}

// RetriableError marks an error of Poll or Put as retriable (Kafka Connect's
// RetriableException): the TaskError says so.
type RetriableError struct{ Err error }

func (e *RetriableError) Error() string { return e.Err.Error() }
func (e *RetriableError) Unwrap() error { return e.Err }

// Retriable wraps err as a RetriableError.
func Retriable(err error) error { return &RetriableError{Err: err} }

// ErrorTrace is the trace the worker shows for err: a panic's stack, or the chain of wrapped
// errors with their types.
func ErrorTrace(err error) string {
	var pe *panicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s\n\n%s", pe.Error(), pe.stack)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%T: %s", err, err.Error())
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		fmt.Fprintf(&b, "\ncaused by %T: %s", e, e.Error())
	}
	return b.String()
}

func grpcCode(err error) codes.Code {
	if IsConfigError(err) {
		return codes.InvalidArgument
	}
	return codes.Unknown
}

func statusOf(err error, prefix string) error {
	return status.Error(grpcCode(err), prefix+err.Error())
}

// ---- ConnectorEvents -------------------------------------------------------------------------

// events is the ConnectorContext: events raised while nobody listens wait (up to 100) for the
// first listener. Thread-safe.
type events struct {
	mu        sync.Mutex
	listeners map[chan *pb.ConnectorEvent]struct{}
	kept      []*pb.ConnectorEvent
}

func (e *events) raise(ev *pb.ConnectorEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.listeners) == 0 {
		if len(e.kept) < eventsKept {
			e.kept = append(e.kept, ev)
		}
		return
	}
	for ch := range e.listeners {
		select {
		case ch <- ev:
		default:
		}
	}
}

func (e *events) RequestTaskReconfiguration() {
	e.raise(&pb.ConnectorEvent{Event: &pb.ConnectorEvent_Reconfigure{Reconfigure: &pb.RequestTaskReconfiguration{}}})
}

func (e *events) RaiseError(err error) {
	e.raise(&pb.ConnectorEvent{Event: &pb.ConnectorEvent_Failure{Failure: &pb.ConnectorFailure{
		Message: err.Error(), Trace: ErrorTrace(err)}}})
}

func (e *events) listen() chan *pb.ConnectorEvent {
	ch := make(chan *pb.ConnectorEvent, 256)
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.kept {
		ch <- ev
	}
	e.kept = nil
	e.listeners[ch] = struct{}{}
	return ch
}

func (e *events) unlisten(ch chan *pb.ConnectorEvent) {
	e.mu.Lock()
	delete(e.listeners, ch)
	e.mu.Unlock()
}

// ---- the service -----------------------------------------------------------------------------

// session is one task stream, as the service sees it.
type session interface {
	// hostStop stops the task and ends the stream (host shutdown).
	hostStop()
}

// service implements the Plugin service. Thread-safe: the connector instance is guarded by mu.
type service struct {
	pb.UnimplementedPluginServer
	plugin       *Plugin
	events       *events
	shutdown     chan struct{}
	shutdownOnce sync.Once

	mu             sync.Mutex
	connector      Connector
	connectorName  string
	connectorClass *ConnectorClass
	sessions       map[session]struct{}
}

func newService(p *Plugin) *service {
	return &service{plugin: p, events: &events{listeners: map[chan *pb.ConnectorEvent]struct{}{}},
		shutdown: make(chan struct{}), sessions: map[session]struct{}{}}
}

func (s *service) requestShutdown() { s.shutdownOnce.Do(func() { close(s.shutdown) }) }

func (s *service) addSession(x session) {
	s.mu.Lock()
	s.sessions[x] = struct{}{}
	s.mu.Unlock()
}

func (s *service) removeSession(x session) {
	s.mu.Lock()
	delete(s.sessions, x)
	s.mu.Unlock()
}

// stopEverything is the host's shutdown: stops the task sessions' tasks and the connector.
func (s *service) stopEverything() {
	s.mu.Lock()
	sessions := make([]session, 0, len(s.sessions))
	for x := range s.sessions {
		sessions = append(sessions, x)
	}
	connector := s.connector
	s.connector = nil
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, x := range sessions {
		wg.Add(1)
		go func() { defer wg.Done(); x.hostStop() }()
	}
	wg.Wait()
	if connector != nil {
		if err := callPlugin(connector.Stop); err != nil {
			sdkLog.Warn("stopping the connector failed: " + err.Error())
		}
	}
}

func (s *service) find(name string) (*ConnectorClass, error) {
	c := s.plugin.Find(name)
	if c == nil {
		return nil, status.Errorf(codes.NotFound, "Connector class %s is not provided by plugin %s", name, s.plugin.Name)
	}
	return c, nil
}

func (s *service) Handshake(_ context.Context, req *pb.HandshakeRequest) (*pb.HandshakeResponse, error) {
	if req.GetProtocolVersion() != ProtocolVersion {
		return nil, status.Errorf(codes.FailedPrecondition,
			"plugin protocol version %d is not supported (this host speaks %d)", req.GetProtocolVersion(), ProtocolVersion)
	}
	return &pb.HandshakeResponse{ProtocolVersion: ProtocolVersion, Capabilities: []string{"alter_offsets"},
		Sdk: "go/" + SDKVersion}, nil
}

var (
	typesToPB = map[ConfigType]pb.ConfigKeyDefinition_Type{TypeBoolean: pb.ConfigKeyDefinition_TYPE_BOOLEAN,
		TypeString: pb.ConfigKeyDefinition_TYPE_STRING, TypeInt: pb.ConfigKeyDefinition_TYPE_INT,
		TypeShort: pb.ConfigKeyDefinition_TYPE_SHORT, TypeLong: pb.ConfigKeyDefinition_TYPE_LONG,
		TypeDouble: pb.ConfigKeyDefinition_TYPE_DOUBLE, TypeList: pb.ConfigKeyDefinition_TYPE_LIST,
		TypeClass: pb.ConfigKeyDefinition_TYPE_CLASS, TypePassword: pb.ConfigKeyDefinition_TYPE_PASSWORD}
	importanceToPB = map[Importance]pb.ConfigKeyDefinition_Importance{
		ImportanceHigh: pb.ConfigKeyDefinition_IMPORTANCE_HIGH, ImportanceMedium: pb.ConfigKeyDefinition_IMPORTANCE_MEDIUM,
		ImportanceLow: pb.ConfigKeyDefinition_IMPORTANCE_LOW}
)

func keyToProto(k *ConfigKey) *pb.ConfigKeyDefinition {
	out := &pb.ConfigKeyDefinition{Name: k.Name, Type: typesToPB[k.Type], DefaultValue: k.DefaultText(),
		NullDefault: k.NullDefault && k.DefaultText() == nil, Importance: importanceToPB[k.Importance],
		Documentation: k.Documentation, OrderInGroup: int32(k.OrderInGroup),
		Width: pb.ConfigKeyDefinition_Width(k.Width), DisplayName: k.DisplayName,
		Dependents: k.Dependents, RecommendedValues: k.RecommendedValues}
	if out.DisplayName == "" {
		out.DisplayName = k.Name
	}
	if k.Group != "" {
		g := k.Group
		out.Group = &g
	}
	if k.Validator != nil {
		out.Validator = k.Validator.Doc
	}
	return out
}

func kindToPB(k ConnectorKind) pb.ConnectorType {
	if k == SourceKind {
		return pb.ConnectorType_CONNECTOR_TYPE_SOURCE
	}
	return pb.ConnectorType_CONNECTOR_TYPE_SINK
}

func (s *service) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	resp := &pb.DescribeResponse{PluginName: s.plugin.Name, PluginVersion: s.plugin.Version}
	for _, c := range s.plugin.Classes {
		var version string
		var keys []*ConfigKey
		err := callPlugin(func() error {
			conn := c.NewConnector()
			version = conn.Version()
			if def := conn.Config(); def != nil {
				keys = def.Keys()
			}
			return nil
		})
		if err != nil {
			return nil, statusOf(err, fmt.Sprintf("Describing %s: ", c.ClassName))
		}
		pc := &pb.ConnectorClass{ClassName: c.ClassName, Aliases: c.Aliases, Type: kindToPB(c.Kind), Version: version}
		for _, k := range keys {
			pc.Config = append(pc.Config, keyToProto(k))
		}
		resp.Connectors = append(resp.Connectors, pc)
	}
	return resp, nil
}

// validateConfig is what the worker's validate shows: the ConfigDef's results, then the
// connector's own checks.
func validateConfig(conn Connector, config map[string]string) []ConfigValueResult {
	var results []ConfigValueResult
	if def := conn.Config(); def != nil {
		results = def.Validate(config)
	}
	if v, ok := conn.(ConfigValidator); ok {
		results = v.Validate(config, results)
	}
	return results
}

func (s *service) Validate(_ context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	c, err := s.find(req.GetConnectorClass())
	if err != nil {
		return nil, err
	}
	var results []ConfigValueResult
	if err := callPlugin(func() error {
		results = validateConfig(c.NewConnector(), req.GetConfig())
		return nil
	}); err != nil {
		return nil, statusOf(err, "")
	}
	resp := &pb.ValidateResponse{}
	for _, r := range results {
		resp.Values = append(resp.Values, &pb.ConfigValueResult{Name: r.Name, Value: r.Value,
			RecommendedValues: r.RecommendedValues, Errors: r.Errors, Visible: r.Visible})
	}
	return resp, nil
}

func (s *service) StartConnector(_ context.Context, req *pb.StartConnectorRequest) (*pb.StartConnectorResponse, error) {
	c, err := s.find(req.GetConnectorClass())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connector != nil {
		return nil, status.Errorf(codes.FailedPrecondition,
			"Connector %s is already running in this plugin host (one per host)", s.connectorName)
	}
	var conn Connector
	err = callPlugin(func() error {
		conn = c.NewConnector()
		return conn.Start(WithTask(context.Background(), ConnectorTask), s.events, req.GetConfig())
	})
	if err != nil {
		sdkLog.Error(fmt.Sprintf("Starting connector %s failed:\n%s", req.GetConnectorName(), ErrorTrace(err)))
		return nil, statusOf(err, fmt.Sprintf("Starting connector %s: ", req.GetConnectorName()))
	}
	s.connector, s.connectorName, s.connectorClass = conn, req.GetConnectorName(), c
	return &pb.StartConnectorResponse{}, nil
}

func (s *service) TaskConfigs(_ context.Context, req *pb.TaskConfigsRequest) (*pb.TaskConfigsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connector == nil {
		return nil, status.Error(codes.FailedPrecondition, "No connector is running in this plugin host")
	}
	var configs []map[string]string
	if err := callPlugin(func() error {
		var err error
		configs, err = s.connector.TaskConfigs(int(req.GetMaxTasks()))
		return err
	}); err != nil {
		return nil, statusOf(err, "")
	}
	resp := &pb.TaskConfigsResponse{TaskClass: s.connectorClass.TaskClass()}
	for _, c := range configs {
		resp.Tasks = append(resp.Tasks, &pb.TaskConfig{Config: c})
	}
	return resp, nil
}

func (s *service) StopConnector(context.Context, *pb.StopConnectorRequest) (*pb.StopConnectorResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connector == nil {
		return nil, status.Error(codes.FailedPrecondition, "No connector is running in this plugin host")
	}
	conn := s.connector
	s.connector = nil
	if err := callPlugin(conn.Stop); err != nil {
		return nil, statusOf(err, "")
	}
	return &pb.StopConnectorResponse{}, nil
}

func (s *service) ConnectorEvents(_ *pb.ConnectorEventsRequest, stream grpc.ServerStreamingServer[pb.ConnectorEvent]) error {
	ch := s.events.listen()
	defer s.events.unlisten(ch)
	for {
		select {
		case ev := <-ch:
			if err := stream.Send(ev); err != nil {
				return err
			}
		case <-stream.Context().Done():
			return nil
		case <-s.shutdown:
			return nil
		}
	}
}

func (s *service) AlterOffsets(ctx context.Context, req *pb.AlterOffsetsRequest) (*pb.AlterOffsetsResponse, error) {
	c, err := s.find(req.GetConnectorClass())
	if err != nil {
		return nil, err
	}
	if c.Kind == SourceKind && len(req.GetSinkOffsets()) > 0 || c.Kind == SinkKind && len(req.GetSourceOffsets()) > 0 {
		return nil, status.Errorf(codes.InvalidArgument, "%s offsets for the %s connector class %s",
			map[bool]string{true: "sink", false: "source"}[c.Kind == SourceKind], c.Kind, c.ClassName)
	}
	altered := false
	err = callPlugin(func() error {
		conn := c.NewConnector()
		switch a := conn.(type) {
		case SourceOffsetsAlterer:
			if c.Kind != SourceKind {
				return nil
			}
			var offsets []PartitionOffset
			for _, po := range req.GetSourceOffsets() {
				p, err := ValueFromProto(po.GetPartition(), nil)
				if err != nil {
					return &ConfigError{Message: err.Error()}
				}
				o, err := ValueFromProto(po.GetOffset(), nil)
				if err != nil {
					return &ConfigError{Message: err.Error()}
				}
				pm, _ := p.(map[string]any)
				om, _ := o.(map[string]any)
				offsets = append(offsets, PartitionOffset{Partition: pm, Offset: om})
			}
			var err error
			altered, err = a.AlterSourceOffsets(ctx, req.GetConfig(), offsets)
			return err
		case SinkOffsetsAlterer:
			if c.Kind != SinkKind {
				return nil
			}
			offsets := map[TopicPartition]*int64{}
			for _, so := range req.GetSinkOffsets() {
				offsets[TopicPartition{Topic: so.GetTopic(), Partition: so.GetPartition()}] = so.Offset
			}
			var err error
			altered, err = a.AlterSinkOffsets(ctx, req.GetConfig(), offsets)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, status.Error(codeOfAlter(err), err.Error())
	}
	return &pb.AlterOffsetsResponse{Altered: altered}, nil
}

func codeOfAlter(err error) codes.Code {
	if st, ok := status.FromError(err); ok && st.Code() != codes.Unknown {
		return st.Code()
	}
	return grpcCode(err)
}

var levelsToPB = []struct {
	level slog.Level
	pb    pb.LogRecord_Level
}{{slog.LevelError, pb.LogRecord_LEVEL_ERROR}, {slog.LevelWarn, pb.LogRecord_LEVEL_WARN},
	{slog.LevelInfo, pb.LogRecord_LEVEL_INFO}, {slog.LevelDebug, pb.LogRecord_LEVEL_DEBUG}}

func levelToPB(l slog.Level) pb.LogRecord_Level {
	for _, x := range levelsToPB {
		if l >= x.level {
			return x.pb
		}
	}
	return pb.LogRecord_LEVEL_TRACE
}

func (s *service) Logs(_ *pb.LogsRequest, stream grpc.ServerStreamingServer[pb.LogRecord]) error {
	ch := logs.listen()
	defer logs.unlisten(ch)
	for {
		select {
		case e := <-ch:
			if err := stream.Send(&pb.LogRecord{Level: levelToPB(e.Level), Logger: e.Logger, Message: e.Message,
				Task: int32(e.Task), TimestampMs: e.Time.UnixMilli()}); err != nil {
				return err
			}
		case <-stream.Context().Done():
			return nil
		case <-s.shutdown:
			// Hand over what is queued, then end.
			for {
				select {
				case e := <-ch:
					_ = stream.Send(&pb.LogRecord{Level: levelToPB(e.Level), Logger: e.Logger, Message: e.Message,
						Task: int32(e.Task), TimestampMs: e.Time.UnixMilli()})
				default:
					return nil
				}
			}
		}
	}
}

func (s *service) Shutdown(context.Context, *pb.ShutdownRequest) (*pb.ShutdownResponse, error) {
	s.requestShutdown()
	return &pb.ShutdownResponse{}, nil
}

// ---- task streams: what both kinds share -----------------------------------------------------

type taskInfo struct {
	id            int
	connectorName string
	config        map[string]string
	logger        Logger
	// sinkContext: the worker takes OffsetsRewind, CommitRequest and OpenDone.
	sinkContext bool
}

func (t *taskInfo) TaskID() int               { return t.id }
func (t *taskInfo) ConnectorName() string     { return t.connectorName }
func (t *taskInfo) Config() map[string]string { return t.config }
func (t *taskInfo) Logger() Logger            { return t.logger }

func newTaskInfo(p *Plugin, start *pb.TaskStart) *taskInfo {
	config := map[string]string{}
	for k, v := range start.GetConfig() {
		config[k] = v
	}
	return &taskInfo{id: int(start.GetTask()), connectorName: start.GetConnectorName(), config: config,
		logger: newTaskLogger(p.Name, int(start.GetTask())), sinkContext: start.GetSinkContext()}
}

func taskError(err error, prefix string) *pb.TaskError {
	var re *RetriableError
	return &pb.TaskError{Message: prefix + err.Error(), Trace: ErrorTrace(err), Retriable: errors.As(err, &re)}
}

// outgoing is one thing for a stream's writer: a message, the end of the stream, or an error
// status that ends it.
type outgoing[M any] struct {
	msg    M
	end    bool
	status error
}

// pump writes what out carries to the stream until the end, the stream's cancellation or abort.
// It is the stream's only writer (gRPC allows one).
func pump[M any](ctx context.Context, out chan outgoing[M], abort <-chan struct{}, send func(M) error) error {
	for {
		select {
		case o := <-out:
			if o.status != nil {
				return o.status
			}
			if o.end {
				return nil
			}
			if err := send(o.msg); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-abort:
			return nil
		}
	}
}

// ---- source tasks ----------------------------------------------------------------------------

type sourceCommand struct {
	poll      *pb.Poll
	committed *uint64
	stop      bool
	closed    bool
	abort     error
}

type unacked struct {
	id     uint64
	record SourceRecord
}

// sourceSession runs one source task stream. Goroutines: the stream's handler writes (pump), a
// reader reads the worker's messages, and the task goroutine calls Start, Poll and the commits.
// Stop comes from the reader (or the host's shutdown), so a blocked Poll can return.
type sourceSession struct {
	svc    *service
	info   *taskInfo
	stream grpc.BidiStreamingServer[pb.SourceWorkerMessage, pb.SourcePluginMessage]
	out    chan outgoing[*pb.SourcePluginMessage]
	done   chan struct{} // closed when the stream's handler returns
	abort  chan struct{} // closed by hostStop
	cmds   chan sourceCommand
	ctx    context.Context // the task's: cancelled when it stops
	cancel context.CancelFunc

	mu            sync.Mutex
	pending       map[uint64]chan *pb.OffsetsReply
	nextRequest   uint64
	offsetsClosed chan struct{}
	closeOffsets  sync.Once
	startDone     chan struct{}
	task          SourceTask
	stopped       bool
	abortOnce     sync.Once

	// The task goroutine's own.
	failed   bool
	kept     []SourceRecord
	keptNext int
	unacked  []unacked
	nextID   uint64
	schemas  *outgoingSchemas
}

func (s *service) SourceTask(stream grpc.BidiStreamingServer[pb.SourceWorkerMessage, pb.SourcePluginMessage]) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	if first.GetStart() == nil {
		return status.Error(codes.FailedPrecondition, "the first message of a task stream must be Start")
	}
	ctx, cancel := context.WithCancel(WithTask(context.Background(), int(first.GetStart().GetTask())))
	ss := &sourceSession{svc: s, info: newTaskInfo(s.plugin, first.GetStart()), stream: stream,
		out: make(chan outgoing[*pb.SourcePluginMessage]), done: make(chan struct{}),
		abort: make(chan struct{}), cmds: make(chan sourceCommand, 4096), ctx: ctx, cancel: cancel,
		pending: map[uint64]chan *pb.OffsetsReply{}, offsetsClosed: make(chan struct{}),
		startDone: make(chan struct{}), nextID: 1, schemas: newOutgoingSchemas()}
	s.addSession(ss)
	defer s.removeSession(ss)
	defer close(ss.done)
	defer cancel() // a Poll in progress returns when the stream ends
	go ss.read()
	go ss.run()
	return pump(stream.Context(), ss.out, ss.abort, stream.Send)
}

func (s *sourceSession) send(m *pb.SourcePluginMessage) bool {
	select {
	case s.out <- outgoing[*pb.SourcePluginMessage]{msg: m}:
		return true
	case <-s.done:
		return false
	}
}

func (s *sourceSession) end(st error) {
	select {
	case s.out <- outgoing[*pb.SourcePluginMessage]{end: true, status: st}:
	case <-s.done:
	}
}

func (s *sourceSession) command(c sourceCommand) {
	select {
	case s.cmds <- c:
	case <-s.done:
	}
}

func (s *sourceSession) hostStop() {
	s.stopTask()
	s.abortOnce.Do(func() { close(s.abort) })
}

func (s *sourceSession) read() {
	for {
		msg, err := s.stream.Recv()
		if err != nil {
			s.command(sourceCommand{closed: true})
			return
		}
		switch m := msg.GetMsg().(type) {
		case *pb.SourceWorkerMessage_Poll:
			s.command(sourceCommand{poll: m.Poll})
		case *pb.SourceWorkerMessage_Committed:
			upTo := m.Committed.GetUpToRecordId()
			s.command(sourceCommand{committed: &upTo})
		case *pb.SourceWorkerMessage_OffsetsReply:
			s.mu.Lock()
			ch, ok := s.pending[m.OffsetsReply.GetRequestId()]
			s.mu.Unlock()
			if ok {
				select {
				case ch <- m.OffsetsReply:
				default:
				}
			}
		case *pb.SourceWorkerMessage_Stop:
			s.stopTask()
			s.command(sourceCommand{stop: true})
			return
		case *pb.SourceWorkerMessage_Start:
			s.command(sourceCommand{abort: status.Error(codes.FailedPrecondition, "Start may only be the first message of a task stream")})
			return
		default:
			s.command(sourceCommand{abort: status.Error(codes.InvalidArgument, "empty SourceWorkerMessage on the task stream")})
			return
		}
	}
}

// stopTask calls the task's Stop once (after its Start returned); safe from any goroutine.
func (s *sourceSession) stopTask() {
	s.closeOffsets.Do(func() { close(s.offsetsClosed) })
	s.cancel()
	<-s.startDone
	s.mu.Lock()
	if s.stopped || s.task == nil {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	task := s.task
	s.mu.Unlock()
	if err := callPlugin(task.Stop); err != nil {
		s.info.logger.Warn(fmt.Sprintf("task %d: stop failed: %v", s.info.id, err))
	}
}

func (s *sourceSession) run() {
	var task SourceTask
	c, err := s.svc.plugin.TaskClassFor(s.info.config, SourceKind)
	if err == nil {
		err = callPlugin(func() error {
			task = c.NewSourceTask()
			return task.Start(s.ctx, (*sourceContext)(s), s.info.config)
		})
	}
	if err != nil {
		s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_Error{Error: taskError(err,
			fmt.Sprintf("Starting task %d failed: ", s.info.id))}})
		close(s.startDone)
		s.end(nil)
		return
	}
	s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_Started{Started: &pb.TaskStarted{}}})
	s.mu.Lock()
	s.task = task
	s.mu.Unlock()
	close(s.startDone)
	for {
		var cmd sourceCommand
		select {
		case cmd = <-s.cmds:
		case <-s.done:
			s.stopTask()
			return
		}
		switch {
		case cmd.poll != nil:
			if !s.failed && s.ctx.Err() == nil {
				s.poll(task, cmd.poll)
			}
		case cmd.committed != nil:
			if !s.failed {
				s.commit(task, *cmd.committed)
			}
		case cmd.abort != nil:
			s.stopTask()
			s.end(cmd.abort)
			return
		default: // stop, or the worker closed the stream
			s.stopTask()
			if cmd.stop {
				s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_Stopped{Stopped: &pb.TaskStopped{}}})
			}
			s.end(nil)
			return
		}
	}
}

func (s *sourceSession) fail(err error) {
	s.failed = true
	s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_Error{Error: taskError(err, "")}})
}

func (s *sourceSession) poll(task SourceTask, poll *pb.Poll) {
	if s.keptNext == len(s.kept) && poll.GetMaxRecords() > 0 {
		var records []SourceRecord
		err := callPlugin(func() error {
			var err error
			records, err = task.Poll(s.ctx)
			return err
		})
		if err != nil && s.ctx.Err() != nil && errors.Is(err, s.ctx.Err()) {
			err, records = nil, nil // stopping: not a failure
		}
		if err != nil {
			s.fail(err)
			return
		}
		s.kept, s.keptNext = records, 0
	}
	batch := &pb.SourceBatch{}
	size := 0
	for s.keptNext < len(s.kept) && len(batch.Records) < int(poll.GetMaxRecords()) {
		if poll.GetMaxBytes() > 0 && len(batch.Records) > 0 && uint64(size) >= poll.GetMaxBytes() {
			break
		}
		r := s.kept[s.keptNext]
		if err := sourceRecordToProto(&r, s.nextID, s.schemas, batch); err != nil {
			s.fail(fmt.Errorf("record %d for topic %s: %w", s.keptNext, r.Topic, err))
			return
		}
		size += proto.Size(batch.Records[len(batch.Records)-1])
		s.unacked = append(s.unacked, unacked{id: s.nextID, record: r})
		s.nextID++
		s.keptNext++
	}
	if s.keptNext == len(s.kept) {
		s.kept, s.keptNext = nil, 0
	}
	s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_Batch{Batch: batch}})
}

func (s *sourceSession) commit(task SourceTask, upTo uint64) {
	done := 0
	err := callPlugin(func() error {
		rc, hasRecord := task.(RecordCommitter)
		for _, u := range s.unacked {
			if u.id > upTo {
				break
			}
			done++
			if hasRecord {
				if err := rc.CommitRecord(u.record); err != nil {
					return err
				}
			}
		}
		if c, ok := task.(Committer); ok {
			return c.Commit()
		}
		return nil
	})
	// Kafka Connect logs a failed commit and goes on.
	if err != nil {
		s.info.logger.Error(fmt.Sprintf("task %d: commit failed: %v", s.info.id, err))
	}
	for done < len(s.unacked) && s.unacked[done].id <= upTo {
		done++
	}
	s.unacked = s.unacked[done:]
}

// sourceContext is the SourceTaskContext and OffsetStorageReader of a session.
type sourceContext sourceSession

func (c *sourceContext) TaskID() int                              { return c.info.id }
func (c *sourceContext) ConnectorName() string                    { return c.info.connectorName }
func (c *sourceContext) Config() map[string]string                { return c.info.config }
func (c *sourceContext) Logger() Logger                           { return c.info.logger }
func (c *sourceContext) OffsetStorageReader() OffsetStorageReader { return c }

func (c *sourceContext) Offset(ctx context.Context, partition map[string]any) (map[string]any, error) {
	offsets, err := c.Offsets(ctx, []map[string]any{partition})
	if err != nil {
		return nil, err
	}
	return offsets[0], nil
}

func (c *sourceContext) Offsets(ctx context.Context, partitions []map[string]any) ([]map[string]any, error) {
	s := (*sourceSession)(c)
	closing := errors.New("cannot read offsets: the task stream is closing")
	select {
	case <-s.offsetsClosed:
		return nil, closing
	default:
	}
	req := &pb.OffsetsRequest{}
	wanted := make([]any, len(partitions))
	for i, p := range partitions {
		v, err := schemalessToProto(p)
		if err != nil {
			return nil, fmt.Errorf("source partition %v: %w", p, err)
		}
		req.Partitions = append(req.Partitions, v)
		wanted[i], _ = ValueFromProto(v, nil) // as the worker will send it back
	}
	ch := make(chan *pb.OffsetsReply, 1)
	s.mu.Lock()
	s.nextRequest++
	req.RequestId = s.nextRequest
	s.pending[req.RequestId] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, req.RequestId)
		s.mu.Unlock()
	}()
	if !s.send(&pb.SourcePluginMessage{Msg: &pb.SourcePluginMessage_OffsetsRequest{OffsetsRequest: req}}) {
		return nil, closing
	}
	timer := time.NewTimer(offsetsTimeout)
	defer timer.Stop()
	var reply *pb.OffsetsReply
	select {
	case reply = <-ch:
	case <-s.offsetsClosed:
		return nil, closing
	case <-timer.C:
		return nil, fmt.Errorf("no answer from the worker to offsets request %d within %v", req.RequestId, offsetsTimeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out := make([]map[string]any, len(partitions))
	for i := range partitions {
		for j, entry := range reply.GetOffsets() {
			if entry.Partition != nil {
				returned, err := ValueFromProto(entry.Partition, nil)
				if err != nil || !ValuesEqual(returned, wanted[i]) {
					continue
				}
			} else if j != i {
				continue
			}
			if entry.Offset != nil {
				v, err := ValueFromProto(entry.Offset, nil)
				if err == nil {
					out[i], _ = v.(map[string]any)
				}
			}
			break
		}
	}
	return out, nil
}

// ---- sink tasks ------------------------------------------------------------------------------

// sinkSession runs one sink task stream: the handler writes (pump); the task goroutine reads the
// worker's messages and calls the task in their order.
type sinkSession struct {
	svc       *service
	info      *taskInfo
	stream    grpc.BidiStreamingServer[pb.SinkWorkerMessage, pb.SinkPluginMessage]
	out       chan outgoing[*pb.SinkPluginMessage]
	done      chan struct{}
	abort     chan struct{}
	abortOnce sync.Once
	loopDone  chan struct{}
	ctx       context.Context
	cancel    context.CancelFunc

	schemas incomingSchemas

	errantMu      sync.Mutex
	errantSchemas *outgoingSchemas
}

func (s *service) SinkTask(stream grpc.BidiStreamingServer[pb.SinkWorkerMessage, pb.SinkPluginMessage]) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	if first.GetStart() == nil {
		return status.Error(codes.FailedPrecondition, "the first message of a task stream must be Start")
	}
	ctx, cancel := context.WithCancel(WithTask(stream.Context(), int(first.GetStart().GetTask())))
	ss := &sinkSession{svc: s, info: newTaskInfo(s.plugin, first.GetStart()), stream: stream,
		out: make(chan outgoing[*pb.SinkPluginMessage]), done: make(chan struct{}),
		abort: make(chan struct{}), loopDone: make(chan struct{}), ctx: ctx, cancel: cancel,
		schemas: incomingSchemas{}, errantSchemas: newOutgoingSchemas()}
	s.addSession(ss)
	defer s.removeSession(ss)
	defer close(ss.done)
	defer cancel()
	go ss.loop()
	return pump(stream.Context(), ss.out, ss.abort, stream.Send)
}

func (s *sinkSession) send(m *pb.SinkPluginMessage) bool {
	select {
	case s.out <- outgoing[*pb.SinkPluginMessage]{msg: m}:
		return true
	case <-s.done:
		return false
	}
}

func (s *sinkSession) end(st error) {
	select {
	case s.out <- outgoing[*pb.SinkPluginMessage]{end: true, status: st}:
	case <-s.done:
	}
}

func (s *sinkSession) hostStop() {
	s.cancel()
	s.abortOnce.Do(func() { close(s.abort) })
	select {
	case <-s.loopDone:
	case <-time.After(5 * time.Second):
	}
}

func (s *sinkSession) loop() {
	defer close(s.loopDone)
	var task SinkTask
	c, err := s.svc.plugin.TaskClassFor(s.info.config, SinkKind)
	if err == nil {
		err = callPlugin(func() error {
			task = c.NewSinkTask()
			return task.Start(s.ctx, (*sinkContext)(s), s.info.config)
		})
	}
	if err != nil {
		s.send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Error{Error: taskError(err,
			fmt.Sprintf("Starting task %d failed: ", s.info.id))}})
		s.end(nil)
		return
	}
	// Every PartitionsOpened is answered with OpenDone, after the rewinds Open asked for.
	s.send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Started{Started: &pb.TaskStarted{OpenDone: s.info.sinkContext}}})
	stopReceived, failed := false, false
	var endStatus error
	for endStatus == nil && !stopReceived {
		msg, err := s.stream.Recv()
		if err != nil {
			break // the stream was cancelled
		}
		switch msg.GetMsg().(type) {
		case *pb.SinkWorkerMessage_Stop:
			stopReceived = true
			continue
		case *pb.SinkWorkerMessage_Start:
			endStatus = status.Error(codes.FailedPrecondition, "Start may only be the first message of a task stream")
			continue
		case nil:
			endStatus = status.Error(codes.InvalidArgument, "empty SinkWorkerMessage on the task stream")
			continue
		}
		if failed {
			continue // a dead task waits for Stop
		}
		var answer *pb.SinkPluginMessage
		if err := callPlugin(func() error {
			var err error
			answer, err = s.handle(task, msg)
			return err
		}); err != nil {
			failed = true
			s.send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Error{Error: taskError(err, "")}})
			continue
		}
		if answer != nil {
			s.send(answer)
		}
	}
	if err := callPlugin(task.Stop); err != nil {
		s.info.logger.Warn(fmt.Sprintf("task %d: stop failed: %v", s.info.id, err))
	}
	switch {
	case endStatus != nil:
		s.end(endStatus)
	case stopReceived:
		s.send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Stopped{Stopped: &pb.TaskStopped{}}})
		s.end(nil)
	default:
		s.end(nil)
	}
}

func (s *sinkSession) handle(task SinkTask, msg *pb.SinkWorkerMessage) (*pb.SinkPluginMessage, error) {
	switch m := msg.GetMsg().(type) {
	case *pb.SinkWorkerMessage_Open:
		if o, ok := task.(PartitionOpener); ok {
			if err := o.Open(s.ctx, partitionsFromProto(m.Open.GetPartitions())); err != nil {
				return nil, err
			}
		}
		if s.info.sinkContext {
			return &pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_OpenDone{OpenDone: &pb.OpenDone{}}}, nil
		}
	case *pb.SinkWorkerMessage_Close:
		if c, ok := task.(PartitionCloser); ok {
			return nil, c.Close(s.ctx, partitionsFromProto(m.Close.GetPartitions()))
		}
	case *pb.SinkWorkerMessage_Put:
		if err := s.schemas.add(m.Put.GetSchemas()); err != nil {
			return nil, err
		}
		records := make([]SinkRecord, 0, len(m.Put.GetRecords()))
		for _, p := range m.Put.GetRecords() {
			r, err := sinkRecordFromProto(p, s.schemas)
			if err != nil {
				return nil, err
			}
			records = append(records, r)
		}
		if err := task.Put(s.ctx, records); err != nil {
			return nil, err
		}
		return &pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_PutDone{PutDone: &pb.PutDone{}}}, nil
	case *pb.SinkWorkerMessage_PreCommit:
		committable, err := preCommit(s.ctx, task, offsetsFromProto(m.PreCommit.GetOffsets()))
		if err != nil {
			return nil, err
		}
		done := &pb.PreCommitDone{}
		for _, tp := range sortedPartitions(committable) {
			done.Offsets = append(done.Offsets, &pb.TopicPartitionOffset{Topic: tp.Topic, Partition: tp.Partition,
				Offset: committable[tp]})
		}
		return &pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_PreCommitDone{PreCommitDone: done}}, nil
	}
	return nil, nil
}

// preCommit is the task's PreCommit, or Kafka's default: Flush, then every offset.
func preCommit(ctx context.Context, task SinkTask, offsets map[TopicPartition]int64) (map[TopicPartition]int64, error) {
	if p, ok := task.(PreCommitter); ok {
		return p.PreCommit(ctx, offsets)
	}
	if f, ok := task.(Flusher); ok {
		if err := f.Flush(ctx, offsets); err != nil {
			return nil, err
		}
	}
	return offsets, nil
}

func sortedPartitions[V any](m map[TopicPartition]V) []TopicPartition {
	out := make([]TopicPartition, 0, len(m))
	for tp := range m {
		out = append(out, tp)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// sinkContext is the SinkTaskContext of a session.
type sinkContext sinkSession

func (c *sinkContext) TaskID() int               { return c.info.id }
func (c *sinkContext) ConnectorName() string     { return c.info.connectorName }
func (c *sinkContext) Config() map[string]string { return c.info.config }
func (c *sinkContext) Logger() Logger            { return c.info.logger }

func (c *sinkContext) ReportErrant(record SinkRecord, err error) {
	s := (*sinkSession)(c)
	s.errantMu.Lock()
	errant := &pb.ErrantRecord{Error: err.Error()}
	p, convErr := sinkRecordToProto(&record, s.errantSchemas, &errant.Schemas)
	s.errantMu.Unlock()
	if convErr != nil {
		// The worker finds the original by topic, partition and offset: send those alone.
		p = &pb.SinkRecord{Topic: record.Topic, Partition: record.Partition, Offset: record.Offset}
	}
	errant.Record = p
	s.send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Errant{Errant: errant}})
}

func (c *sinkContext) Pause(partitions ...TopicPartition) {
	(*sinkSession)(c).send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Pause{Pause: &pb.PauseRequest{
		Partitions: partitionsToProto(partitions)}}})
}

func (c *sinkContext) Resume(partitions ...TopicPartition) {
	(*sinkSession)(c).send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Resume{Resume: &pb.ResumeRequest{
		Partitions: partitionsToProto(partitions)}}})
}

func (c *sinkContext) Offset(offsets map[TopicPartition]int64) {
	if len(offsets) == 0 {
		return
	}
	if !c.info.sinkContext {
		c.info.logger.Warn(fmt.Sprintf("task %d: the task asked to rewind its consumer; this worker "+
			"does not take rewinds: ignored, consumption continues from the committed offsets", c.info.id))
		return
	}
	rewind := &pb.OffsetsRewind{}
	for tp, offset := range offsets {
		rewind.Offsets = append(rewind.Offsets, &pb.TopicPartitionOffset{Topic: tp.Topic,
			Partition: tp.Partition, Offset: offset})
	}
	(*sinkSession)(c).send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_Rewind{Rewind: rewind}})
}

func (c *sinkContext) RequestCommit() {
	if !c.info.sinkContext {
		return // the worker commits at its next interval
	}
	(*sinkSession)(c).send(&pb.SinkPluginMessage{Msg: &pb.SinkPluginMessage_CommitRequest{
		CommitRequest: &pb.CommitRequest{}}})
}
