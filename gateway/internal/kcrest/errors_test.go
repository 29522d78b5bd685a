package kcrest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestErrorHTTPStatus(t *testing.T) {
	none := runtime.ServerMetadata{}
	header := func(v string) runtime.ServerMetadata {
		return runtime.ServerMetadata{HeaderMD: metadata.Pairs(HTTPStatusMetadataKey, v)}
	}
	trailer := func(v string) runtime.ServerMetadata {
		return runtime.ServerMetadata{TrailerMD: metadata.Pairs(HTTPStatusMetadataKey, v)}
	}
	tests := []struct {
		code codes.Code
		md   runtime.ServerMetadata
		want int
	}{
		{codes.NotFound, none, 404},
		{codes.AlreadyExists, none, 409},
		{codes.InvalidArgument, none, 400},
		{codes.FailedPrecondition, none, 400},
		{codes.PermissionDenied, none, 403},
		{codes.Aborted, none, 409},
		{codes.Unavailable, none, 503},
		{codes.DeadlineExceeded, none, 500},
		{codes.Unimplemented, none, 501},
		{codes.Unauthenticated, none, 401},
		{codes.Internal, none, 500},
		{codes.Unknown, none, 500},
		{codes.Canceled, none, 500},
		{codes.ResourceExhausted, none, 500},
		{codes.OutOfRange, none, 400},
		{codes.DataLoss, none, 500},
		{codes.InvalidArgument, trailer("500"), 500}, // unknown connector.class
		{codes.Internal, header("409"), 409},
		{codes.NotFound, header("404"), 404},
		{codes.NotFound, header("abc"), 404},   // not a number: ignored
		{codes.NotFound, header("99"), 404},    // out of range: ignored
		{codes.Internal, trailer(" 503"), 500}, // not a plain number: ignored
		{codes.AlreadyExists, trailer("400"), 400},
	}
	for _, tt := range tests {
		if got := ErrorHTTPStatus(tt.code, tt.md); got != tt.want {
			t.Errorf("ErrorHTTPStatus(%v, %v) = %d, want %d", tt.code, tt.md, got, tt.want)
		}
	}
}

func TestErrorsFromSluiced(t *testing.T) {
	var rep reply
	g := newGateway(t, func(string, proto.Message) reply { return rep })

	rep = reply{err: status.Error(codes.NotFound, "Connector my-conn not found")}
	expect(t, g.do(t, "GET", "/connectors/my-conn", "", ""), 404,
		`{"error_code":404,"message":"Connector my-conn not found"}`)

	rep = reply{err: status.Error(codes.AlreadyExists, "Connector a already exists")}
	expect(t, g.do(t, "POST", "/connectors", "application/json", `{"name":"a","config":{}}`), 409,
		`{"error_code":409,"message":"Connector a already exists"}`)

	// The server's status wins, from the trailer or the header; the message stays unchanged.
	msg := "Failed to find any class that implements Connector and which name matches X, available connectors are: <a & b>"
	rep = reply{err: status.Error(codes.InvalidArgument, msg), trailer: metadata.Pairs(HTTPStatusMetadataKey, "500")}
	expect(t, g.do(t, "PUT", "/connectors/x/config", "application/json", `{"connector.class":"X"}`), 500,
		`{"error_code":500,"message":"`+msg+`"}`)
	rep = reply{err: status.Error(codes.FailedPrecondition, "Request cannot be completed because a rebalance is expected"),
		header: metadata.Pairs(HTTPStatusMetadataKey, "500")}
	expect(t, g.do(t, "GET", "/connectors/x/config", "", ""), 500,
		`{"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}`)

	rep = reply{err: status.Error(codes.Aborted, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)")}
	got := g.do(t, "DELETE", "/connectors/x", "", "")
	expect(t, got, 409, `{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}`)
	if len(got.header.Values("Grpc-Metadata-Sluice-Http-Status")) != 0 {
		t.Errorf("gRPC metadata leaked into HTTP headers: %v", got.header)
	}

	// Multi-line messages (invalid config) travel unchanged.
	invalid := "Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration \"file\" which has no default value.\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
	rep = reply{err: status.Error(codes.InvalidArgument, invalid)}
	expect(t, g.do(t, "POST", "/connectors", "application/json", `{"name":"a","config":{}}`), 400,
		`{"error_code":400,"message":"Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration \"file\" which has no default value.\nYou can also find the above list of errors at the endpoint `+"`/connector-plugins/{connectorType}/config/validate`"+`"}`)
}

func TestBackendDownIs503(t *testing.T) {
	g := newGateway(t, nil)
	g.srv.Config.Handler = mustHandlerForDeadBackend(t)
	got := g.do(t, "GET", "/connectors", "", "")
	if got.status != http.StatusServiceUnavailable || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %v %s", got.status, got.header, got.body)
	}
}

func TestRoutingErrors(t *testing.T) {
	g := newGateway(t, nil)
	expect(t, g.do(t, "GET", "/nope", "", ""), 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
	expect(t, g.do(t, "GET", "/connectors/a/b/c", "", ""), 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
	expect(t, g.do(t, "DELETE", "/connectors", "", ""), 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	expect(t, g.do(t, "POST", "/connectors/a/pause", "", ""), 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	// Jersey cannot convert the task number: 404.
	expect(t, g.do(t, "GET", "/connectors/a/tasks/zero/status", "", ""), 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
	if n := g.fake.callCount(); n != 0 {
		t.Errorf("sluiced called %d times", n)
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	g := newGateway(t, nil)
	const want = `{"error_code":415,"message":"HTTP 415 Unsupported Media Type"}`
	expect(t, g.do(t, "POST", "/connectors", "application/x-www-form-urlencoded", `name=a`), 415, want)
	expect(t, g.do(t, "PUT", "/connectors/a/config", "text/plain", `{}`), 415, want)
	expect(t, g.do(t, "PUT", "/connector-plugins/File/config/validate", "text/plain", `{}`), 415, want)
	expect(t, g.do(t, "PUT", "/admin/loggers/root", "text/plain", `{"level":"INFO"}`), 415, want)
	expect(t, g.do(t, "PATCH", "/connectors/a/offsets", "application/xml", `<x/>`), 415, want)
	if n := g.fake.callCount(); n != 0 {
		t.Errorf("sluiced called %d times", n)
	}
	// JSON with parameters is fine, as is no Content-Type, as is a bodiless PUT.
	expect(t, g.do(t, "PUT", "/connectors/a/config", "application/json; charset=utf-8", `{}`), 200,
		`{"name":"","config":{},"tasks":[],"type":""}`)
	expect(t, g.do(t, "PUT", "/connectors/a/config", "", `{}`), 200, `{"name":"","config":{},"tasks":[],"type":""}`)
	expect(t, g.do(t, "PUT", "/connectors/a/pause", "text/plain", ""), 202, "")
}

func TestBodyTooLarge(t *testing.T) {
	g := newGateway(t, nil)
	big := `{"name":"a","config":{"x":"` + strings.Repeat("y", MaxBodyBytes) + `"}}`
	const want = `{"error_code":413,"message":"Request body is larger than the limit of 4194304 bytes"}`
	expect(t, g.do(t, "POST", "/connectors", "application/json", big), 413, want)
	// Under the limit as JSON, over it as protobuf (short keys, number values): sluiced would
	// refuse it, so the gateway answers 413 itself.
	var b strings.Builder
	b.WriteString(`{"name":"a","config":{`)
	for i := 0; i < 39500; i++ { // 105 bytes of JSON each, 107 of protobuf
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%099d":1`, i)
	}
	b.WriteString(`}}`)
	if b.Len() >= MaxBodyBytes {
		t.Fatalf("body of %d bytes is not under the limit", b.Len())
	}
	expect(t, g.do(t, "PUT", "/connectors/a/config", "application/json", b.String()[len(`{"name":"a","config":`):b.Len()-1]), 413, want)
	expect(t, g.do(t, "POST", "/connectors", "application/json", b.String()), 413, want)
	if n := g.fake.callCount(); n != 0 {
		t.Errorf("sluiced called %d times", n)
	}
	// Just under the limit, it goes through.
	ok := `{"name":"a","config":{"x":"` + strings.Repeat("y", MaxBodyBytes-100) + `"}}`
	if got := g.do(t, "POST", "/connectors", "application/json", ok); got.status != 201 {
		t.Errorf("a body just under the limit: %d %.200s", got.status, got.body)
	}
}

func TestMalformedBodies(t *testing.T) {
	g := newGateway(t, nil)
	tests := []struct {
		method, path, body, msg string
	}{
		{"POST", "/connectors", `x`,
			"Unexpected character ('x' (code 120)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at line 1, column 2"},
		{"POST", "/connectors", "{\n  \"name\": \"a\",\n  \"config\": {\"k\" \"v\"}}",
			"Unexpected character ('\"' (code 34)): was expecting a colon to separate field name and value at line 3, column 19"},
		{"PUT", "/connectors/a/config", `{"a":"b",}`,
			"Unexpected character ('}' (code 125)): was expecting double-quote to start field name at line 1, column 11"},
		{"PUT", "/connectors/a/config", `{"a":"b"`,
			"Unexpected end-of-input: the JSON value is incomplete at line 1, column 9"},
		{"PUT", "/connectors/a/config", `{"a":"b"} x`,
			"Unexpected character ('x' (code 120)): expected end of input after the JSON value at line 1, column 12"},
		{"PUT", "/connectors/a/config", `{"a":{"nested":1}}`,
			`Cannot deserialize value of type String from Object value at line 1, column 7 (config key "a": expected a string, number or boolean)`},
		{"POST", "/connectors", `{"name":"a","config":{"tasks":[1,2]}}`,
			`Cannot deserialize value of type String from Array value at line 1, column 32 (config key "tasks": expected a string, number or boolean)`},
		{"POST", "/connectors", `{"name":"a","config":"x"}`,
			`Cannot deserialize value of type Map from String value at line 1, column 23 (field "config": expected a JSON object)`},
		{"PATCH", "/connectors/a/config", `{"a":[]}`,
			`Cannot deserialize value of type String from Array value at line 1, column 7 (config key "a": expected a string, number or boolean)`},
		// Missing and non-object bodies: 500, as Kafka Connect answers them.
		{"POST", "/connectors", ``, "Request body is missing: expected a JSON object"},
		{"PUT", "/connectors/a/config", "  \n", "Request body is missing: expected a JSON object"},
		{"PATCH", "/connectors/a/config", `null`, "Request body is null: expected a JSON object"},
		{"PUT", "/connector-plugins/File/config/validate", `["a"]`,
			`Cannot deserialize value of type Map from Array value at line 1, column 2 (request body: expected a JSON object)`},
		{"PUT", "/admin/loggers/root", `"DEBUG"`,
			`Cannot deserialize value of type Map from String value at line 1, column 2 (request body: expected a JSON object)`},
		{"PUT", "/admin/loggers/root", ``, "Request body is missing: expected a JSON object"},
		{"PATCH", "/connectors/a/offsets", `{"offsets":{}}`,
			`Cannot deserialize value of type List from Object value at line 1, column 13 (field "offsets": expected a JSON array)`},
		{"PATCH", "/connectors/a/offsets", `{"offsets":[1]}`,
			`Cannot deserialize value of type ConnectorOffset from Number value at line 1, column 14 (offsets[0]: expected a JSON object)`},
		{"PATCH", "/connectors/a/offsets", `{"offsets":[{"partition":"p"}]}`,
			`Cannot deserialize value of type Map from String value at line 1, column 27 (offsets[0].partition: expected a JSON object or null)`},
	}
	for _, tt := range tests {
		got := g.do(t, tt.method, tt.path, "application/json", tt.body)
		want, _ := encodeJSON(errorMessage{ErrorCode: 500, Message: tt.msg})
		if got.status != 500 || got.body != string(want) {
			t.Errorf("%s %s %q:\n got %d %s\nwant 500 %s", tt.method, tt.path, tt.body, got.status, got.body, want)
		}
	}
	if n := g.fake.callCount(); n != 0 {
		t.Errorf("sluiced called %d times", n)
	}
}
