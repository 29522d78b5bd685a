package kcrest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

const promText = "# TYPE kafka_connect_worker_task_count gauge\nkafka_connect_worker_task_count 1.0\n"

// metricsReply answers GetMetrics with what the format asked for names.
func metricsReply(method string, req proto.Message) reply {
	if method != "GetMetrics" {
		return reply{err: status.Error(codes.Unimplemented, method)}
	}
	if req.(*sluicev1.GetMetricsRequest).GetFormat() == sluicev1.GetMetricsRequest_FORMAT_OPENMETRICS {
		return reply{resp: &sluicev1.MetricsExposition{
			ContentType: "application/openmetrics-text; version=1.0.0; charset=utf-8",
			Text:        promText + "# EOF\n"}}
	}
	return reply{resp: &sluicev1.MetricsExposition{
		ContentType: "text/plain; version=0.0.4; charset=utf-8", Text: promText}}
}

func TestMetricsOnTheRestListenerFollowTheAcceptHeader(t *testing.T) {
	g := newGateway(t, metricsReply)
	got := g.doWith(t, http.MethodGet, "/metrics", "", http.Header{})
	if got.status != 200 || got.body != promText ||
		got.header.Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" {
		t.Fatalf("got %d %q %v", got.status, got.body, got.header)
	}
	// Prometheus's scraper asks for OpenMetrics first.
	got = g.doWith(t, http.MethodGet, "/metrics", "", http.Header{"Accept": {
		"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"}})
	if got.status != 200 || got.body != promText+"# EOF\n" ||
		got.header.Get("Content-Type") != "application/openmetrics-text; version=1.0.0; charset=utf-8" {
		t.Fatalf("got %d %q %v", got.status, got.body, got.header)
	}
	if g.fake.lastCall(t).method != "GetMetrics" {
		t.Fatal("sluiced was not asked")
	}
}

func TestTheMetricsListenerServesOnlyMetrics(t *testing.T) {
	h := NewMetricsHandler(newFakeClient(t, metricsReply), slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/metrics", 200},
		{http.MethodHead, "/metrics", 200},
		{http.MethodGet, "/connectors", 404},
		{http.MethodGet, "/", 404},
		{http.MethodPost, "/metrics", 405},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: got %d %s, want %d", tc.method, tc.path, resp.StatusCode, body, tc.status)
		}
		if tc.status == 200 && tc.method == http.MethodGet && string(body) != promText {
			t.Errorf("%s %s: body %q", tc.method, tc.path, body)
		}
	}
}

func TestMetricsAnswer503WhenSluicedCannotGiveThem(t *testing.T) {
	h := NewMetricsHandler(newFakeClient(t, func(string, proto.Message) reply {
		return reply{err: status.Error(codes.Unavailable, "This worker has no metrics registry")}
	}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusServiceUnavailable ||
		rec.Body.String() != `{"error_code":503,"message":"Metrics unavailable: This worker has no metrics registry"}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body.String())
	}
}

// newFakeClient is a ConnectService client of an in-process fake sluiced answering with respond.
func newFakeClient(t *testing.T, respond func(method string, req proto.Message) reply) sluicev1.ConnectServiceClient {
	t.Helper()
	_, client := startFake(t, respond)
	return client
}

// startFake starts an in-process fake sluiced answering with respond, and a client of it.
func startFake(t *testing.T, respond func(method string, req proto.Message) reply) (*fakeConnect, sluicev1.ConnectServiceClient) {
	t.Helper()
	fake := &fakeConnect{respond: respond}
	lis := bufconn.Listen(1 << 20)
	gs := grpc.NewServer(grpc.UnknownServiceHandler(fake.handle))
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient("passthrough:///fake-sluiced",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return fake, sluicev1.NewConnectServiceClient(conn)
}
