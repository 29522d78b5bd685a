package kcrest

import (
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

// The internal endpoints take any media type (InternalConnectResource declares none), read the
// task configs as Kafka Connect's ObjectMapper does, and hand sluiced the body as received and
// the signature headers.
func TestInternalEndpointsReachSluiced(t *testing.T) {
	g := newGateway(t, nil)
	body := "[{\"task.class\":\"T\",\"n\":1,\"b\":true,\"gone\":null}, null, {}] trailing"
	got := g.doWith(t, "POST", "/connectors/my%20conn/tasks", body, http.Header{
		"Content-Type":                          {"text/plain"},
		"X-Connect-Authorization":               {"YWJj", "ZGVm"},
		"X-Connect-Request-Signature-Algorithm": {"HmacSHA256"},
	})
	expect(t, got, 204, "")
	checkRequest(t, g.fake.lastCall(t), "PutTaskConfigs", &sluicev1.PutTaskConfigsRequest{
		Name: "my conn",
		TaskConfigs: []*sluicev1.TaskConfigMap{
			{Config: map[string]string{"task.class": "T", "n": "1", "b": "true"}}, {}, {},
		},
		Body: []byte(body),
		// Several values of a header arrive joined, as Jersey's getHeaderString joins them.
		Signature: &sluicev1.InternalRequestSignature{Algorithm: "HmacSHA256", Signature: "YWJj,ZGVm"},
	})

	// Without both headers there is no signature.
	got = g.doWith(t, "PUT", "/connectors/c/fence", "anything", http.Header{"X-Connect-Authorization": {"YWJj"}})
	expect(t, got, 204, "")
	checkRequest(t, g.fake.lastCall(t), "FenceZombies", &sluicev1.FenceZombiesRequest{
		Name: "c", Body: []byte("anything"),
	})
	expect(t, g.do(t, "PUT", "/connectors/c/fence?forward=false", "", ""), 204, "")
	checkRequest(t, g.fake.lastCall(t), "FenceZombies", &sluicev1.FenceZombiesRequest{Name: "c"})
}

func TestUnreadableTaskConfigsGetJacksonsMessage(t *testing.T) {
	g := newGateway(t, nil)
	expect(t, g.do(t, "POST", "/connectors/c/tasks", "", ""), 500,
		`{"error_code":500,"message":"No content to map due to end-of-input\n at [Source: REDACTED (`+"`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"+` disabled); line: 1]"}`)
	expect(t, g.do(t, "POST", "/connectors/c/tasks", "application/json", `[{"a":{}}]`), 500,
		`{"error_code":500,"message":"Cannot deserialize value of type `+"`java.lang.String` from Object value (token `JsonToken.START_OBJECT`)"+`\n at [Source: REDACTED (`+"`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"+` disabled); line: 1, column: 7] (through reference chain: java.util.ArrayList[0]->java.util.LinkedHashMap[\"a\"])"}`)
	if n := g.fake.callCount(); n != 0 {
		t.Errorf("sluiced was called %d times", n)
	}
}

func TestInternalEndpointsAnswerSluicedsErrors(t *testing.T) {
	g := newGateway(t, func(method string, _ proto.Message) reply {
		msg := "Kafka Connect in standalone mode does not support externally setting task configurations."
		if method == "FenceZombies" {
			msg = "Kafka Connect in standalone mode does not support exactly-once source connectors."
		}
		return reply{err: status.Error(codes.Unimplemented, msg), trailer: metadata.Pairs(HTTPStatusMetadataKey, "500")}
	})
	expect(t, g.do(t, "POST", "/connectors/c/tasks", "application/json", "[]"), 500,
		`{"error_code":500,"message":"Kafka Connect in standalone mode does not support externally setting task configurations."}`)
	expect(t, g.do(t, "PUT", "/connectors/c/fence", "", ""), 500,
		`{"error_code":500,"message":"Kafka Connect in standalone mode does not support exactly-once source connectors."}`)
	// Other methods on the paths: GET .../tasks is the task list; the rest is Jersey's 405.
	expect(t, g.do(t, "GET", "/connectors/c/fence", "", ""), 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	expect(t, g.do(t, "POST", "/connectors/c/fence", "", ""), 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	expect(t, g.do(t, "PUT", "/connectors/c/tasks", "", ""), 405, `{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
}
