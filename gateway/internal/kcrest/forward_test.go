package kcrest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

// leaderRequest is one request the fake leader received.
type leaderRequest struct {
	method, uri string
	header      http.Header
	body        string
}

// fakeLeader is another worker's REST API: it records each request and answers with answer.
type fakeLeader struct {
	mu       sync.Mutex
	requests []leaderRequest
	status   int
	body     string
	srv      *httptest.Server
}

func newFakeLeader(t *testing.T, status int, body string) *fakeLeader {
	t.Helper()
	l := &fakeLeader{status: status, body: body}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		l.mu.Lock()
		l.requests = append(l.requests, leaderRequest{r.Method, r.RequestURI, r.Header.Clone(), string(b)})
		st, answer := l.status, l.body
		l.mu.Unlock()
		if st == http.StatusFound {
			w.Header().Set("Location", "http://elsewhere/")
		}
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(st)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *fakeLeader) answer(status int, body string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status, l.body = status, body
}

func (l *fakeLeader) only(t *testing.T) leaderRequest {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.requests) != 1 {
		t.Fatalf("the leader got %d requests, want 1", len(l.requests))
	}
	r := l.requests[0]
	l.requests = nil
	return r
}

func (l *fakeLeader) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

// notLeader is sluiced's answer when this worker is not the leader; leaderURL "" = unknown.
func notLeader(leaderURL string) reply {
	md := metadata.Pairs(HTTPStatusMetadataKey, "500", NotLeaderMetadataKey, "true")
	if leaderURL != "" {
		md.Append(LeaderURLMetadataKey, leaderURL)
	}
	return reply{
		err:     status.Error(codes.FailedPrecondition, "Only the leader can set connector configs."),
		trailer: md,
	}
}

// doWith is gateway.do with extra request headers.
func (g *gateway) doWith(t *testing.T, method, path, body string, header http.Header) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, g.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

const leaderInfoJSON = `{"name":"s","config":{"name":"s","connector.class":"FileStreamSink"},"tasks":[],"type":"sink"}`

// Each endpoint Kafka Connect forwards: the request the leader gets (method, path, query and
// body as Java's RestClient sends them) and the answer the client gets.
func TestForwardsEveryForwardedEndpointAsKafkaConnectDoes(t *testing.T) {
	leader := newFakeLeader(t, 200, "")
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL + "/") })
	for _, tt := range []struct {
		name               string
		method, path, body string
		leaderStatus       int
		leaderBody         string
		wantURI, wantBody  string
		status             int
		answer             string
		location           string // the Location header of a 201 ("" = none)
	}{
		{"create", "POST", "/connectors", `{"name":" s ","config":{"connector.class":"FileStreamSink","tasks.max":1}}`,
			201, leaderInfoJSON,
			"/connectors?forward=true", `{"name":" s ","config":{"connector.class":"FileStreamSink","tasks.max":1}}`,
			201, leaderInfoJSON, "/connectors/s"},
		{"create, forwarded once already", "POST", "/connectors?forward=true", `{"name":"s","config":{}}`,
			201, leaderInfoJSON, "/connectors?forward=false", `{"name":"s","config":{}}`, 201, leaderInfoJSON,
			"/connectors/s"},
		{"put config: replaced", "PUT", "/connectors/a%20b/config", `{"file":"/x"}`,
			200, leaderInfoJSON, "/connectors/a%20b/config?forward=true", `{"file":"/x"}`, 200, leaderInfoJSON, ""},
		{"put config: created", "PUT", "/connectors/a%20b/config", `{"file":"/x"}`,
			201, leaderInfoJSON, "/connectors/a%20b/config?forward=true", `{"file":"/x"}`, 201, leaderInfoJSON,
			"/connectors/a%20b"},
		{"patch config", "PATCH", "/connectors/s/config", `{"file":null}`,
			200, leaderInfoJSON, "/connectors/s/config?forward=true", `{"file":null}`, 200, leaderInfoJSON, ""},
		{"restart the connector", "POST", "/connectors/s/restart?includeTasks=false", "",
			204, "", "/connectors/s/restart?forward=true", "", 204, "", ""},
		{"restart its tasks", "POST", "/connectors/s/restart?onlyFailed=TRUE&includeTasks=yes", "",
			202, `{"name":"s","connector":{"state":"RESTARTING","worker_id":"w:8083"},"tasks":[],"type":"sink"}`,
			"/connectors/s/restart?forward=true&includeTasks=false&onlyFailed=true", "",
			202, `{"name":"s","connector":{"state":"RESTARTING","worker_id":"w:8083"},"tasks":[],"type":"sink"}`, ""},
		{"stop", "PUT", "/connectors/s/stop?forward=true", "", 204, "", "/connectors/s/stop?forward=false", "", 204, "", ""},
		{"restart a task", "POST", "/connectors/s/tasks/007/restart", "", 204, "",
			"/connectors/s/tasks/7/restart?forward=true", "", 204, "", ""},
		{"delete", "DELETE", "/connectors/s", "", 204, "", "/connectors/s?forward=true", "", 204, "", ""},
		{"alter offsets", "PATCH", "/connectors/s/offsets", `{"offsets":[{"partition":{"f":"/x"},"offset":null}]}`,
			200, `{"message":"The offsets for this connector have been altered successfully"}`,
			"/connectors/s/offsets?forward=true", `{"offsets":[{"partition":{"f":"/x"},"offset":null}]}`,
			200, `{"message":"The offsets for this connector have been altered successfully"}`, ""},
		{"reset offsets", "DELETE", "/connectors/s/offsets", "",
			200, `{"message":"The offsets for this connector have been reset successfully"}`,
			"/connectors/s/offsets?forward=true", "",
			200, `{"message":"The offsets for this connector have been reset successfully"}`, ""},
		{"task configs", "POST", "/connectors/s/tasks", `[{"task.class":"T","file":"/x"}]`,
			204, "", "/connectors/s/tasks?forward=true", `[{"task.class":"T","file":"/x"}]`, 204, "", ""},
		// Jackson writes the byte[] body of a fence request as a base64 JSON string.
		{"fence", "PUT", "/connectors/s/fence", "hello\xff", 204, "", "/connectors/s/fence?forward=true",
			`"aGVsbG//"`, 204, "", ""},
		{"fence without a body", "PUT", "/connectors/s/fence?forward=true", "", 204, "",
			"/connectors/s/fence?forward=false", `""`, 204, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			leader.answer(tt.leaderStatus, tt.leaderBody)
			got := g.do(t, tt.method, tt.path, "application/json", tt.body)
			expect(t, got, tt.status, tt.answer)
			loc := got.header.Get("Location")
			if want := "http://" + g.host() + tt.location; (tt.location == "" && loc != "") || (tt.location != "" && loc != want) {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
			r := leader.only(t)
			if r.method != tt.method || r.uri != tt.wantURI || r.body != tt.wantBody {
				t.Errorf("leader got %s %s %q\nwant %s %s %q", r.method, r.uri, r.body, tt.method, tt.wantURI, tt.wantBody)
			}
			if r.header.Get("Accept") != "application/json" || r.header.Get("User-Agent") != "kafka-connect" {
				t.Errorf("leader got Accept %q, User-Agent %q", r.header.Get("Accept"), r.header.Get("User-Agent"))
			}
			wantCT := ""
			if tt.wantBody != "" {
				wantCT = "application/json"
			}
			if ct := r.header.Get("Content-Type"); ct != wantCT {
				t.Errorf("leader got Content-Type %q, want %q", ct, wantCT)
			}
		})
	}
}

// Kafka Connect's RestClient passes on the Authorization header and nothing else of the
// client's request, not even the internal request signature.
func TestForwardPassesOnOnlyAuthorization(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL) })
	got := g.doWith(t, "POST", "/connectors/s/tasks", "[]", http.Header{
		"Authorization":                         {"Basic dXNlcjpwYXNz"},
		"X-Connect-Authorization":               {"c2ln"},
		"X-Connect-Request-Signature-Algorithm": {"HmacSHA256"},
		"X-Custom":                              {"1"},
		"Cookie":                                {"a=b"},
	})
	expect(t, got, 204, "")
	r := leader.only(t)
	if r.header.Get("Authorization") != "Basic dXNlcjpwYXNz" {
		t.Errorf("Authorization %q", r.header.Get("Authorization"))
	}
	for _, h := range []string{"X-Connect-Authorization", "X-Connect-Request-Signature-Algorithm", "X-Custom", "Cookie"} {
		if v := r.header.Get(h); v != "" {
			t.Errorf("%s passed on: %q", h, v)
		}
	}
	// sluiced did get the signature.
	checkRequest(t, g.fake.lastCall(t), "PutTaskConfigs", &sluicev1.PutTaskConfigsRequest{
		Name: "s", Body: []byte("[]"),
		Signature: &sluicev1.InternalRequestSignature{Algorithm: "HmacSHA256", Signature: "c2ln"},
	})
}

func TestForwardToALeaderUrlWithAPath(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL + "/base/") })
	expect(t, g.do(t, "PUT", "/connectors/s/stop", "", ""), 204, "")
	if r := leader.only(t); r.uri != "/base/connectors/s/stop?forward=true" {
		t.Errorf("leader got %s", r.uri)
	}
}

// The leader's errors reach the client with the leader's status, error_code and message.
func TestForwardRelaysTheLeadersAnswer(t *testing.T) {
	leader := newFakeLeader(t, 200, "")
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL) })
	for _, tt := range []struct {
		name         string
		leaderStatus int
		leaderBody   string
		status       int
		answer       string
	}{
		{"not found", 404, `{"error_code":404,"message":"Connector s not found"}`,
			404, `{"error_code":404,"message":"Connector s not found"}`},
		{"the leader's own code", 409, `{"error_code":123,"message":"Connector s already exists"}`,
			409, `{"error_code":123,"message":"Connector s already exists"}`},
		{"no code", 409, `{"message":"m"}`, 409, `{"error_code":0,"message":"m"}`},
		{"no message", 404, `{"error_code":404}`, 404, `{"error_code":404,"message":null}`},
		{"code as a string", 409, `{"error_code":"409","message":"m"}`, 409, `{"error_code":409,"message":"m"}`},
		{"not JSON", 500, "oops not json", 500,
			`{"error_code":500,"message":"IO Error trying to forward REST request: Unrecognized token 'oops': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 5]"}`},
		{"empty error", 500, "", 500,
			`{"error_code":500,"message":"IO Error trying to forward REST request: No content to map due to end-of-input\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1]"}`},
		{"a redirect", 302, "", 500,
			`{"error_code":500,"message":"Unexpected status code when handling forwarded request: 302"}`},
		{"a success that does not read", 200, "not json", 500,
			`{"error_code":500,"message":"IO Error trying to forward REST request: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED (` + "`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`" + ` disabled); line: 1, column: 4]"}`},
		// Any other 2xx is a success: the endpoint's own status.
		{"202 for a create", 202, leaderInfoJSON, 201, leaderInfoJSON},
	} {
		t.Run(tt.name, func(t *testing.T) {
			leader.answer(tt.leaderStatus, tt.leaderBody)
			expect(t, g.do(t, "POST", "/connectors", "application/json", `{"name":"s","config":{}}`), tt.status, tt.answer)
			leader.only(t)
		})
	}
}

func TestForwardRefusesAnAnswerOverJettysBuffer(t *testing.T) {
	leader := newFakeLeader(t, 200, `"`+strings.Repeat("x", 3000000)+`"`)
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL) })
	expect(t, g.do(t, "DELETE", "/connectors/s/offsets", "", ""), 500,
		`{"error_code":500,"message":"IO Error trying to forward REST request: java.lang.IllegalArgumentException: Buffering capacity 2097152 exceeded"}`)
}

func TestForwardToAnUnreachableLeader(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	url := leader.srv.URL
	leader.srv.Close()
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(url) })
	expect(t, g.do(t, "PUT", "/connectors/s/stop", "", ""), 500,
		`{"error_code":500,"message":"IO Error trying to forward REST request: java.net.ConnectException: Connection refused"}`)
}

// Kafka Connect's two 409s: no leader known, and a request that was forwarded already.
func TestForwardConflicts(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	known := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL) })
	unknown := newGateway(t, func(string, proto.Message) reply { return notLeader("") })
	const noLeader = `{"error_code":409,"message":"Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}`
	const conflict = `{"error_code":409,"message":"Cannot complete request because of a conflicting operation (e.g. worker rebalance)"}`
	for _, tt := range []struct {
		g      *gateway
		path   string
		answer string
	}{
		{unknown, "/connectors/s/stop", noLeader},
		{unknown, "/connectors/s/stop?forward=true", noLeader},
		{unknown, "/connectors/s/stop?forward=TRUE", noLeader},
		// Any other value is Boolean.valueOf's false: the request came from another worker.
		{known, "/connectors/s/stop?forward=false", conflict},
		{known, "/connectors/s/stop?forward=", conflict},
		{known, "/connectors/s/stop?forward", conflict},
		{known, "/connectors/s/stop?forward=yes", conflict},
		{known, "/connectors/s/stop?forward=false&forward=true", conflict},
		{unknown, "/connectors/s/stop?forward=false", conflict},
	} {
		expect(t, tt.g.do(t, "PUT", tt.path, "", ""), 409, tt.answer)
	}
	if n := leader.count(); n != 0 {
		t.Errorf("the leader got %d requests", n)
	}
}

func TestRebalanceNeededOnAForwardedEndpointIsAConflict(t *testing.T) {
	g := newGateway(t, func(method string, _ proto.Message) reply {
		return reply{
			err:     status.Error(codes.Unavailable, "Request cannot be completed because a rebalance is expected"),
			trailer: metadata.Pairs(HTTPStatusMetadataKey, "500", RebalanceNeededMetadataKey, "true"),
		}
	})
	expect(t, g.do(t, "POST", "/connectors", "application/json", `{"name":"s","config":{}}`), 409,
		`{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}`)
	// Elsewhere Kafka Connect answers the herder's own message with 500.
	expect(t, g.do(t, "GET", "/connectors/s", "", ""), 500,
		`{"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}`)
}

// Endpoints Kafka Connect does not forward answer the herder's error as it is (500).
func TestNotLeaderElsewhereIsAnError(t *testing.T) {
	leader := newFakeLeader(t, 204, "")
	g := newGateway(t, func(string, proto.Message) reply { return notLeader(leader.srv.URL) })
	for _, route := range [][2]string{
		{"PUT", "/connectors/s/pause"}, {"PUT", "/connectors/s/resume"}, {"GET", "/connectors/s/config"},
		{"PUT", "/connectors/s/topics/reset"}, {"PUT", "/admin/loggers/root"},
	} {
		body := ""
		if route[1] == "/admin/loggers/root" {
			body = `{"level":"INFO"}`
		}
		expect(t, g.do(t, route[0], route[1], "application/json", body), 500,
			`{"error_code":500,"message":"Only the leader can set connector configs."}`)
	}
	if n := leader.count(); n != 0 {
		t.Errorf("the leader got %d requests", n)
	}
}
