package openapi

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"

	"sluice.dev/gateway"
	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

// served is the document as served, parsed.
func served(t *testing.T) object {
	t.Helper()
	b, err := Document()
	if err != nil {
		t.Fatalf("Document: %v", err)
	}
	var doc object
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	return doc
}

func mustChild(t *testing.T, m object, keys ...string) object {
	t.Helper()
	c, err := child(m, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// httpRules returns "METHOD path" -> gRPC method name for every google.api.http rule of
// ConnectService.
func httpRules(t *testing.T) map[string]string {
	t.Helper()
	rules := map[string]string{}
	methods := sluicev1.File_sluice_v1_connect_proto.Services().ByName("ConnectService").Methods()
	for i := 0; i < methods.Len(); i++ {
		m := methods.Get(i)
		rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
		if rule == nil && m.Name() == "GetMetrics" {
			// Served by the gateway itself, as text; described by a correction.
			rules["GET "+MetricsPath] = "GetMetrics"
			continue
		}
		if rule == nil {
			t.Fatalf("%s has no google.api.http rule", m.Name())
		}
		var verb, path string
		switch p := rule.GetPattern().(type) {
		case *annotations.HttpRule_Get:
			verb, path = "GET", p.Get
		case *annotations.HttpRule_Post:
			verb, path = "POST", p.Post
		case *annotations.HttpRule_Put:
			verb, path = "PUT", p.Put
		case *annotations.HttpRule_Patch:
			verb, path = "PATCH", p.Patch
		case *annotations.HttpRule_Delete:
			verb, path = "DELETE", p.Delete
		default:
			t.Fatalf("%s: unexpected rule %v", m.Name(), rule)
		}
		rules[verb+" "+path] = string(m.Name())
	}
	return rules
}

func TestDocumentHasAnOperationForEveryHTTPRule(t *testing.T) {
	doc := served(t)
	rules := httpRules(t)
	if len(rules) < 29 {
		t.Fatalf("only %d rules found", len(rules))
	}
	got := map[string]string{}
	for path, item := range mustChild(t, doc, "paths") {
		for method, op := range item.(object) {
			got[strings.ToUpper(method)+" "+path] = op.(object)["operationId"].(string)
		}
	}
	for route, name := range rules {
		if got[route] != name {
			t.Errorf("%s: operationId %q, want %q", route, got[route], name)
		}
	}
	if got["GET "+Path] != "GetOpenAPIDocument" {
		t.Errorf("GET %s is not described", Path)
	}
	if len(got) != len(rules)+1 {
		var extra []string
		for route := range got {
			if _, ok := rules[route]; !ok && route != "GET "+Path {
				extra = append(extra, route)
			}
		}
		sort.Strings(extra)
		t.Errorf("operations not from the proto: %v", extra)
	}
}

func TestDocumentInfo(t *testing.T) {
	doc := served(t)
	if doc["swagger"] != "2.0" {
		t.Errorf("swagger = %v", doc["swagger"])
	}
	info := mustChild(t, doc, "info")
	if info["title"] != "Sluice REST API (Kafka Connect compatible)" || info["version"] == "" ||
		info["version"] == "version not set" {
		t.Errorf("info = %v", info)
	}
}

func TestEveryReferenceResolvesAndEveryDefinitionIsUsed(t *testing.T) {
	doc := served(t)
	defs := mustChild(t, doc, "definitions")
	refs := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case object:
			for k, y := range x {
				if k == "$ref" {
					refs[strings.TrimPrefix(y.(string), "#/definitions/")] = true
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
	for name := range refs {
		if _, ok := defs[name]; !ok {
			t.Errorf("$ref to missing definition %s", name)
		}
	}
	for name := range defs {
		if !refs[name] {
			t.Errorf("definition %s is not used", name)
		}
	}
	for _, gone := range []string{"v1ListConnectorsResponse", "v1ConnectorTopics", "v1TaskConfigMap",
		"v1OptionalString", "v1TasksConfig", "v1RestartConnectorResponse"} {
		if _, ok := defs[gone]; ok {
			t.Errorf("definition %s describes a shape the gateway does not serve", gone)
		}
	}
}

func TestEveryOperationAnswersErrorsInKafkaConnectsShape(t *testing.T) {
	doc := served(t)
	err := eachOperation(doc, func(op object) error {
		d, err := child(op, "responses", "default", "schema")
		if err != nil {
			return err
		}
		if d["$ref"] != "#/definitions/ErrorMessage" {
			t.Errorf("%v: default answer %v", op["operationId"], d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	props := mustChild(t, doc, "definitions", "ErrorMessage", "properties")
	if len(props) != 2 || mustChild(t, props, "error_code")["type"] != "integer" ||
		mustChild(t, props, "message")["type"] != "string" {
		t.Errorf("ErrorMessage properties = %v", props)
	}
}

func TestSuccessStatusesAreKafkaConnects(t *testing.T) {
	doc := served(t)
	want := map[string][]string{ // sorted statuses other than "default"
		"POST /connectors":                             {"201"},
		"PUT /connectors/{name}/config":                {"200", "201"},
		"DELETE /connectors/{name}":                    {"204"},
		"PUT /connectors/{name}/stop":                  {"204"},
		"POST /connectors/{name}/tasks/{task}/restart": {"204"},
		"PUT /connectors/{name}/pause":                 {"202"},
		"PUT /connectors/{name}/resume":                {"202"},
		"PUT /connectors/{name}/topics/reset":          {"202"},
		"POST /connectors/{name}/restart":              {"202", "204"},
		"PUT /admin/loggers/{logger}":                  {"200", "204"},
		"GET /health":                                  {"200", "500", "503"},
		"GET /connectors":                              {"200"},
		"PATCH /connectors/{name}/offsets":             {"200"},
		"POST /connectors/{name}/tasks":                {"204"},
		"PUT /connectors/{name}/fence":                 {"204"},
	}
	for route, statuses := range want {
		method, path, _ := strings.Cut(route, " ")
		op, err := operation(doc, method, path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for code := range mustChild(t, op, "responses") {
			if code != "default" {
				got = append(got, code)
			}
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(statuses, ",") {
			t.Errorf("%s: statuses %v, want %v", route, got, statuses)
		}
		for _, code := range got {
			if (code == "204" || (code == "202" && !strings.HasSuffix(path, "/restart"))) &&
				mustChild(t, op, "responses", code)["schema"] != nil {
				t.Errorf("%s %s has a body", route, code)
			}
		}
	}
	for _, route := range []string{"POST /connectors", "PUT /connectors/{name}/config"} {
		method, path, _ := strings.Cut(route, " ")
		op, _ := operation(doc, method, path)
		if _, err := child(op, "responses", "201", "headers", "Location"); err != nil {
			t.Errorf("%s 201: no Location header: %v", route, err)
		}
	}
}

func TestReshapedBodies(t *testing.T) {
	doc := served(t)
	schema := func(method, path string) object {
		op, err := operation(doc, method, path)
		if err != nil {
			t.Fatal(err)
		}
		return mustChild(t, op, "responses", "200", "schema")
	}
	list := schema("GET", "/connectors")
	if list["type"] != nil || mustChild(t, list, "items")["type"] != "string" ||
		mustChild(t, list, "additionalProperties")["$ref"] != "#/definitions/v1ConnectorExpansion" {
		t.Errorf("GET /connectors: %v", list)
	}
	if s := schema("GET", "/connectors/{name}/config"); s["type"] != "object" ||
		mustChild(t, s, "additionalProperties")["type"] != "string" {
		t.Errorf("GET config: %v", s)
	}
	if s := schema("GET", "/connectors/{name}/tasks"); s["type"] != "array" ||
		mustChild(t, s, "items")["$ref"] != "#/definitions/v1TaskInfo" {
		t.Errorf("GET tasks: %v", s)
	}
	if s := schema("GET", "/connectors/{name}/tasks-config"); mustChild(t, s, "additionalProperties", "additionalProperties")["type"] != "string" {
		t.Errorf("GET tasks-config: %v", s)
	}
	if s := schema("GET", "/connectors/{name}/topics"); mustChild(t, s, "additionalProperties")["$ref"] != "#/definitions/v1ActiveTopics" {
		t.Errorf("GET topics: %v", s)
	}
	if s := schema("GET", "/connector-plugins"); s["type"] != "array" {
		t.Errorf("GET /connector-plugins: %v", s)
	}
	if m := mustChild(t, doc, "definitions", "v1OffsetMap"); m["type"] != "object" || m["properties"] != nil {
		t.Errorf("OffsetMap: %v", m)
	}
	if lm := mustChild(t, doc, "definitions", "v1LoggerLevel", "properties", "last_modified"); lm["type"] != "integer" || lm["x-nullable"] != true {
		t.Errorf("last_modified: %v", lm)
	}
	p, err := parameter(doc, "PATCH", "/connectors/{name}/config", "patch")
	if err != nil {
		t.Fatal(err)
	}
	if v := mustChild(t, p, "schema", "additionalProperties"); v["type"] != "string" || v["x-nullable"] != true {
		t.Errorf("PATCH config body: %v", v)
	}
	// Proto field names, as served.
	if _, err := child(doc, "definitions", "v1ConnectorState", "properties", "worker_id"); err != nil {
		t.Error(err)
	}
}

func TestQueryParametersHaveKafkaConnectsNames(t *testing.T) {
	doc := served(t)
	for _, c := range []struct{ method, path, name string }{
		{"POST", "/connectors/{name}/restart", "includeTasks"},
		{"POST", "/connectors/{name}/restart", "onlyFailed"},
		{"GET", "/connector-plugins", "connectorsOnly"},
		{"GET", "/connectors", "expand"},
		{"PUT", "/admin/loggers/{logger}", "scope"},
	} {
		if _, err := parameter(doc, c.method, c.path, c.name); err != nil {
			t.Error(err)
		}
	}
	p, _ := parameter(doc, "GET", "/connector-plugins", "connectorsOnly")
	if p["default"] != true {
		t.Errorf("connectorsOnly default = %v", p["default"])
	}
}

func TestBuildFailsWhenACorrectionMissesItsTarget(t *testing.T) {
	var doc object
	if err := json.Unmarshal(gateway.GeneratedOpenAPIv2, &doc); err != nil {
		t.Fatal(err)
	}
	delete(mustChild(t, doc, "paths"), "/connectors/{name}/topics")
	b, _ := json.Marshal(doc)
	_, err := Build(b)
	want := `OpenAPI correction "GET /connectors/{name}/topics: the map keyed by connector name": ` +
		`no operation GET /connectors/{name}/topics`
	if err == nil || err.Error() != want {
		t.Errorf("Build = %v, want %s", err, want)
	}
	if _, err := Build([]byte("{")); err == nil || !strings.HasPrefix(err.Error(), "generated OpenAPI document: ") {
		t.Errorf("Build of bad JSON = %v", err)
	}
}
