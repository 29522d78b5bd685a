package kcrest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

// reply is what the fake sluiced answers to one call.
type reply struct {
	resp    proto.Message // nil: the method's empty response
	err     error
	header  metadata.MD
	trailer metadata.MD
}

// call is one gRPC call the fake received.
type call struct {
	method string // short name, e.g. "CreateConnector"
	req    proto.Message
	md     metadata.MD
}

// fakeConnect is an in-process ConnectService: any method, answered by respond.
type fakeConnect struct {
	mu      sync.Mutex
	calls   []call
	respond func(method string, req proto.Message) reply
}

func (f *fakeConnect) handle(_ any, stream grpc.ServerStream) error {
	full, _ := grpc.MethodFromServerStream(stream)
	name := full[strings.LastIndex(full, "/")+1:]
	sd, err := protoregistry.GlobalFiles.FindDescriptorByName("sluice.v1.ConnectService")
	if err != nil {
		return err
	}
	md := sd.(protoreflect.ServiceDescriptor).Methods().ByName(protoreflect.Name(name))
	if md == nil {
		return status.Errorf(12, "unknown method %s", full)
	}
	inType, _ := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
	outType, _ := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	req := inType.New().Interface()
	if err := stream.RecvMsg(req); err != nil {
		return err
	}
	incoming, _ := metadata.FromIncomingContext(stream.Context())
	f.mu.Lock()
	f.calls = append(f.calls, call{method: name, req: req, md: incoming})
	respond := f.respond
	f.mu.Unlock()
	rep := reply{}
	if respond != nil {
		rep = respond(name, req)
	}
	if rep.header != nil {
		if err := stream.SetHeader(rep.header); err != nil {
			return err
		}
	}
	if rep.trailer != nil {
		stream.SetTrailer(rep.trailer)
	}
	if rep.err != nil {
		return rep.err
	}
	resp := rep.resp
	if resp == nil {
		resp = outType.New().Interface()
	}
	return stream.SendMsg(resp)
}

func (f *fakeConnect) lastCall(t *testing.T) call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatal("sluiced was not called")
	}
	return f.calls[len(f.calls)-1]
}

func (f *fakeConnect) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// gateway is the REST handler in front of a fakeConnect, served on 127.0.0.1:0.
type gateway struct {
	fake *fakeConnect
	srv  *httptest.Server
}

func newGateway(t *testing.T, respond func(method string, req proto.Message) reply) *gateway {
	t.Helper()
	fake, client := startFake(t, respond)
	h, err := NewHandler(context.Background(), client,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &gateway{fake: fake, srv: srv}
}

// response is an HTTP answer of the gateway.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends method path with body (no body when body is ""); contentType "" sends none.
func (g *gateway) do(t *testing.T, method, path, contentType, body string) response {
	t.Helper()
	header := http.Header{}
	if contentType != "" {
		header.Set("Content-Type", contentType)
	}
	return g.doWith(t, method, path, body, header)
}

func (g *gateway) host() string { return strings.TrimPrefix(g.srv.URL, "http://") }

// expect checks status and the exact body; a JSON body must come as application/json, an
// empty one without a Content-Type.
func expect(t *testing.T, got response, status int, body string) {
	t.Helper()
	if got.status != status || got.body != body {
		t.Fatalf("got %d %s\nwant %d %s", got.status, got.body, status, body)
	}
	ct := got.header.Get("Content-Type")
	if body == "" && ct != "" {
		t.Errorf("Content-Type %q on an empty body", ct)
	}
	if body != "" && ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

// mustHandlerForDeadBackend is a gateway handler whose sluiced cannot be reached.
func mustHandlerForDeadBackend(t *testing.T) http.Handler {
	t.Helper()
	conn, err := grpc.NewClient("passthrough:///dead",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) {
			return nil, io.ErrClosedPipe
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h, err := NewHandler(context.Background(), sluicev1.NewConnectServiceClient(conn),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
