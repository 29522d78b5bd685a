package kcrest

import (
	"encoding/json"
	"testing"

	"sluice.dev/gateway/internal/openapi"
)

func TestServesTheOpenAPIDocument(t *testing.T) {
	g := newGateway(t, nil)
	want, err := openapi.Document()
	if err != nil {
		t.Fatal(err)
	}
	got := g.do(t, "GET", "/openapi.json", "", "")
	expect(t, got, 200, string(want))
	var doc map[string]any
	if err := json.Unmarshal([]byte(got.body), &doc); err != nil || doc["swagger"] != "2.0" {
		t.Errorf("not an OpenAPI 2.0 document: %v", err)
	}
	if g.fake.callCount() != 0 {
		t.Errorf("the document was asked of sluiced")
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		expect(t, g.do(t, method, "/openapi.json", "application/json", "{}"), 405,
			`{"error_code":405,"message":"HTTP 405 Method Not Allowed"}`)
	}
	expect(t, g.do(t, "GET", "/openapi.json/x", "", ""), 404, `{"error_code":404,"message":"HTTP 404 Not Found"}`)
}
