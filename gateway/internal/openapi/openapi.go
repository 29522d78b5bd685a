// Package openapi builds the OpenAPI v2 document that the gateway serves at GET /openapi.json.
//
// protoc-gen-openapiv2 generates the document from the google.api.http annotations of
// proto/sluice/v1/connect.proto at build time (proto field names, as served); it is embedded in
// the binary (sluice.dev/gateway.GeneratedOpenAPIv2). The generator describes what grpc-gateway
// serves by default, but the gateway answers in Kafka Connect's shapes instead (kcrest: render.go,
// body.go, SuccessHTTPStatus). So Build corrects the document with the fixed list of edits in
// corrections, once, at start-up. Each edit names the operation or definition it changes and
// fails if that target is gone, so a proto change that moves things fails the tests instead of
// serving a stale description. Definitions no longer referenced are then dropped.
//
// Described: every route with its path and query parameters (Kafka Connect's names), request
// bodies, success statuses (201/202/204 where Kafka Connect uses them) and bodies, the Location
// header, and the error body {"error_code","message"} as every operation's default answer.
// Not described exactly, because Swagger 2.0 cannot say "one of": GET /connectors is an array
// of names or, with expand, an object (a schema without a type, with items and
// additionalProperties, and words); config values are described as strings although
// numbers and booleans are accepted and stored as their text (said in words). Also not
// described: the exact error messages, and the `forward` query parameter (Kafka Connect's
// forwarding between workers). The internal endpoints, which Kafka Connect leaves out of its
// own document, are described as internal.
package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"sluice.dev/gateway"
)

// Path is where the gateway serves the document.
const Path = "/openapi.json"

// MetricsPath is where the gateway serves the worker's metrics (kcrest serves it; described here).
const MetricsPath = "/metrics"

// Document returns the corrected document, built from the embedded generated one on first use.
// An error means the corrections no longer fit the generated document (a bug caught by tests).
func Document() ([]byte, error) { return document() }

var document = sync.OnceValues(func() ([]byte, error) { return Build(gateway.GeneratedOpenAPIv2) })

// Build applies the corrections to generated (protoc-gen-openapiv2's JSON output) and returns
// the document to serve, compact JSON.
func Build(generated []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(generated, &doc); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document: %w", err)
	}
	for _, c := range corrections {
		if err := c.apply(doc); err != nil {
			return nil, fmt.Errorf("OpenAPI correction %q: %w", c.name, err)
		}
	}
	pruneDefinitions(doc)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// correction is one named edit of the generated document.
type correction struct {
	name  string
	apply func(doc map[string]any) error
}

type object = map[string]any

func ref(definition string) object { return object{"$ref": "#/definitions/" + definition} }

var stringMap = object{"type": "object", "additionalProperties": object{"type": "string"}}

const configValuesNote = "Values are strings; JSON numbers and booleans are accepted too and stored as their text."

var locationHeader = object{"Location": object{
	"type":        "string",
	"description": "http://<Host header>/connectors/<name, URL-encoded>",
}}

var corrections = []correction{
	{"the error body is every operation's default answer", func(doc map[string]any) error {
		defs, err := child(doc, "definitions")
		if err != nil {
			return err
		}
		defs["ErrorMessage"] = object{
			"type":        "object",
			"description": "Kafka Connect's error body. error_code is the HTTP status.",
			"properties": object{
				"error_code": object{"type": "integer", "format": "int32"},
				"message":    object{"type": "string"},
			},
			"required": []any{"error_code", "message"},
		}
		return eachOperation(doc, func(op object) error {
			resp, err := child(op, "responses")
			if err != nil {
				return err
			}
			resp["default"] = object{"description": "An error.", "schema": ref("ErrorMessage")}
			return nil
		})
	}},
	{"Kafka Connect's success statuses", func(doc map[string]any) error {
		edits := []struct {
			method, path string
			edit         func(resp object) error
		}{
			{"POST", "/connectors", func(r object) error {
				return moveResponse(r, "201", "Created.", locationHeader)
			}},
			{"PUT", "/connectors/{name}/config", func(r object) error {
				ok, err := child(r, "200")
				if err != nil {
					return err
				}
				ok["description"] = "Updated."
				r["201"] = object{"description": "Created.", "schema": ok["schema"], "headers": locationHeader}
				return nil
			}},
			{"DELETE", "/connectors/{name}", noContent},
			{"PUT", "/connectors/{name}/stop", noContent},
			{"POST", "/connectors/{name}/tasks/{task}/restart", noContent},
			{"PUT", "/connectors/{name}/pause", accepted},
			{"PUT", "/connectors/{name}/resume", accepted},
			{"PUT", "/connectors/{name}/topics/reset", accepted},
			{"POST", "/connectors/{name}/restart", func(r object) error {
				if err := moveResponse(r, "202", "Restarting; the body is the connector's status "+
					"(when includeTasks or onlyFailed is true).", nil); err != nil {
					return err
				}
				r["204"] = object{"description": "Restarted (the connector alone)."}
				return nil
			}},
			{"PUT", "/admin/loggers/{logger}", func(r object) error {
				if _, err := child(r, "200"); err != nil {
					return err
				}
				r["204"] = object{"description": "Set on every worker (scope=cluster)."}
				return nil
			}},
			{"GET", "/health", func(r object) error {
				ok, err := child(r, "200")
				if err != nil {
					return err
				}
				r["503"] = object{"description": "The worker is starting.", "schema": ok["schema"]}
				r["500"] = object{"description": "The worker is unhealthy.", "schema": ok["schema"]}
				return nil
			}},
		}
		for _, e := range edits {
			op, err := operation(doc, e.method, e.path)
			if err == nil {
				var resp object
				if resp, err = child(op, "responses"); err == nil {
					err = e.edit(resp)
				}
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", e.method, e.path, err)
			}
		}
		return nil
	}},
	{"Kafka Connect's query parameter names", func(doc map[string]any) error {
		renames := []struct{ method, path, from, to string }{
			{"POST", "/connectors/{name}/restart", "include_tasks", "includeTasks"},
			{"POST", "/connectors/{name}/restart", "only_failed", "onlyFailed"},
			{"GET", "/connector-plugins", "connectors_only", "connectorsOnly"},
		}
		for _, r := range renames {
			p, err := parameter(doc, r.method, r.path, r.from)
			if err != nil {
				return err
			}
			p["name"] = r.to
			p["default"] = r.to == "connectorsOnly"
		}
		return nil
	}},
	{"GET /connectors: an array of names, or an object under expand", func(doc map[string]any) error {
		// No "type": an array must hold strings, an object expansions (JSON Schema applies
		// items to arrays only and additionalProperties to objects only).
		return setResponseSchema(doc, "GET", "/connectors", object{
			"description": "Without expand: a JSON array of connector names. With expand=status " +
				"and/or expand=info: a JSON object keyed by connector name whose values hold the " +
				"expansions asked for.",
			"items":                object{"type": "string"},
			"additionalProperties": ref("v1ConnectorExpansion"),
		})
	}},
	{"GET /connectors/{name}/topics: the map keyed by connector name", func(doc map[string]any) error {
		return setResponseSchema(doc, "GET", "/connectors/{name}/topics", object{
			"type":                 "object",
			"description":          "One entry, keyed by the connector name.",
			"additionalProperties": ref("v1ActiveTopics"),
		})
	}},
	{"GET /connectors/{name}/tasks-config: task id to config map", func(doc map[string]any) error {
		return setResponseSchema(doc, "GET", "/connectors/{name}/tasks-config", object{
			"type":                 "object",
			"description":          "Keyed by \"{connector}-{task}\"; each value is the task's config.",
			"additionalProperties": stringMap,
		})
	}},
	{"partition and offset maps hold JSON values", func(doc map[string]any) error {
		defs, err := child(doc, "definitions")
		if err != nil {
			return err
		}
		if _, err := child(defs, "v1OffsetMap"); err != nil {
			return err
		}
		defs["v1OffsetMap"] = object{
			"type": "object",
			"description": "A source partition or offset: an object of JSON strings, numbers, " +
				"booleans or nulls. Sink connectors: {\"kafka_topic\",\"kafka_partition\"} and {\"kafka_offset\"}.",
			"additionalProperties": object{},
		}
		off, err := child(defs, "v1ConnectorOffset", "properties", "offset")
		if err != nil {
			return err
		}
		off["x-nullable"] = true
		return nil
	}},
	{"PATCH /connectors/{name}/config: a map of strings or nulls", func(doc map[string]any) error {
		p, err := parameter(doc, "PATCH", "/connectors/{name}/config", "patch")
		if err != nil {
			return err
		}
		p["schema"] = object{
			"type":                 "object",
			"description":          "Keys to set, and keys to remove (null). " + configValuesNote,
			"additionalProperties": object{"type": "string", "x-nullable": true},
		}
		return nil
	}},
	{"config request bodies accept numbers and booleans", func(doc map[string]any) error {
		for _, t := range []struct{ method, path, param string }{
			{"PUT", "/connectors/{name}/config", "config"},
			{"PUT", "/connector-plugins/{plugin}/config/validate", "config"},
		} {
			p, err := parameter(doc, t.method, t.path, t.param)
			if err != nil {
				return err
			}
			p["description"] = configValuesNote
		}
		cfg, err := child(doc, "definitions", "v1CreateConnectorRequest", "properties", "config")
		if err != nil {
			return err
		}
		cfg["description"] = configValuesNote
		return nil
	}},
	{"internal endpoints: the signature headers, Kafka Connect's bodies, 204", func(doc map[string]any) error {
		signatureHeaders := []any{
			object{"name": "X-Connect-Authorization", "in": "header", "required": false, "type": "string",
				"description": "Base64 of the MAC of the body under the cluster's session key (KIP-507)."},
			object{"name": "X-Connect-Request-Signature-Algorithm", "in": "header", "required": false,
				"type": "string", "description": "The MAC algorithm, e.g. HmacSHA256."},
		}
		for _, t := range []struct {
			path, method string
			body         object // nil: none described (any body is accepted and only signed)
		}{
			{"/connectors/{name}/tasks", "POST", object{
				"type":        "array",
				"description": "The connector's task configs, one map per task.",
				"items":       object{"type": "object", "additionalProperties": object{"type": "string"}},
			}},
			{"/connectors/{name}/fence", "PUT", nil},
		} {
			op, err := operation(doc, t.method, t.path)
			if err != nil {
				return err
			}
			body, err := parameter(doc, t.method, t.path, "body")
			if err != nil {
				return err
			}
			params := []any{}
			for _, p := range op["parameters"].([]any) {
				if p.(object)["name"] != "body" {
					params = append(params, p)
				}
			}
			if t.body != nil {
				body["schema"] = t.body
				params = append(params, body)
			}
			op["parameters"] = append(params, signatureHeaders...)
			op["description"] = "Internal: called by the workers of a distributed cluster on the leader."
			resp, err := child(op, "responses")
			if err != nil {
				return err
			}
			if err := noContent(resp); err != nil {
				return err
			}
		}
		return nil
	}},
	{"LoggerLevel.last_modified is a JSON number or null", func(doc map[string]any) error {
		lm, err := child(doc, "definitions", "v1LoggerLevel", "properties", "last_modified")
		if err != nil {
			return err
		}
		lm["type"], lm["format"], lm["x-nullable"] = "integer", "int64", true
		return nil
	}},
	{"GET /openapi.json itself", func(doc map[string]any) error {
		paths, err := child(doc, "paths")
		if err != nil {
			return err
		}
		paths[Path] = object{"get": object{
			"summary":     "GET /openapi.json : this document (OpenAPI 2.0).",
			"operationId": "GetOpenAPIDocument",
			"tags":        []any{"ConnectService"},
			"responses": object{
				"200":     object{"description": "The document.", "schema": object{"type": "object"}},
				"default": object{"description": "An error.", "schema": ref("ErrorMessage")},
			},
		}}
		return nil
	}},
	{"GET /metrics, which the gateway serves itself (GetMetrics has no HTTP rule: its body is text)", func(doc map[string]any) error {
		paths, err := child(doc, "paths")
		if err != nil {
			return err
		}
		paths[MetricsPath] = object{"get": object{
			"summary": "GET /metrics : the worker's metrics for Prometheus, in the text format 0.0.4, or " +
				"OpenMetrics 1.0.0 when the Accept header asks for application/openmetrics-text.",
			"operationId": "GetMetrics",
			"tags":        []any{"ConnectService"},
			"produces": []any{"text/plain; version=0.0.4; charset=utf-8",
				"application/openmetrics-text; version=1.0.0; charset=utf-8"},
			"responses": object{
				"200":     object{"description": "The metrics.", "schema": object{"type": "string"}},
				"default": object{"description": "An error (503: sluiced could not give them).", "schema": ref("ErrorMessage")},
			},
		}}
		return nil
	}},
}

// child returns the object at keys below m.
func child(m object, keys ...string) (object, error) {
	for i, k := range keys {
		next, ok := m[k].(object)
		if !ok {
			return nil, fmt.Errorf("no object at %s", strings.Join(keys[:i+1], "."))
		}
		m = next
	}
	return m, nil
}

// operation returns the operation for method (upper case) and path.
func operation(doc object, method, path string) (object, error) {
	op, err := child(doc, "paths", path, strings.ToLower(method))
	if err != nil {
		return nil, fmt.Errorf("no operation %s %s", method, path)
	}
	return op, nil
}

// parameter returns the parameter named name of the operation method path.
func parameter(doc object, method, path, name string) (object, error) {
	op, err := operation(doc, method, path)
	if err != nil {
		return nil, err
	}
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if po, ok := p.(object); ok && po["name"] == name {
			return po, nil
		}
	}
	return nil, fmt.Errorf("%s %s has no parameter %q", method, path, name)
}

// eachOperation calls f for every operation of the document.
func eachOperation(doc object, f func(op object) error) error {
	paths, err := child(doc, "paths")
	if err != nil {
		return err
	}
	for path, item := range paths {
		ops, ok := item.(object)
		if !ok {
			return fmt.Errorf("path %s is not an object", path)
		}
		for method, op := range ops {
			o, ok := op.(object)
			if !ok {
				continue // "parameters" and other non-operation fields of a path item
			}
			if err := f(o); err != nil {
				return fmt.Errorf("%s %s: %w", method, path, err)
			}
		}
	}
	return nil
}

// setResponseSchema replaces the schema of the 200 answer of method path.
func setResponseSchema(doc object, method, path string, schema object) error {
	op, err := operation(doc, method, path)
	if err != nil {
		return err
	}
	ok, err := child(op, "responses", "200")
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	ok["schema"] = schema
	return nil
}

// moveResponse turns the generated 200 answer into status with description (and headers, if
// not nil), keeping its schema.
func moveResponse(resp object, status, description string, headers object) error {
	ok, err := child(resp, "200")
	if err != nil {
		return err
	}
	delete(resp, "200")
	moved := object{"description": description, "schema": ok["schema"]}
	if headers != nil {
		moved["headers"] = headers
	}
	resp[status] = moved
	return nil
}

// noContent replaces the generated 200 answer (an empty object) with 204 and no body.
func noContent(resp object) error { return replaceEmpty(resp, "204", "Done; no body.") }

// accepted replaces the generated 200 answer (an empty object) with 202 and no body.
func accepted(resp object) error { return replaceEmpty(resp, "202", "Accepted; no body.") }

func replaceEmpty(resp object, status, description string) error {
	if _, err := child(resp, "200"); err != nil {
		return err
	}
	delete(resp, "200")
	resp[status] = object{"description": description}
	return nil
}

// pruneDefinitions drops the definitions nothing refers to any more (the proto wrappers of
// bodies the gateway reshapes: ListConnectorsResponse, TaskConfigMap, ...).
func pruneDefinitions(doc object) {
	defs, _ := doc["definitions"].(object)
	used := map[string]bool{}
	var queue []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case object:
			for k, x := range t {
				if s, ok := x.(string); ok && k == "$ref" {
					name := strings.TrimPrefix(s, "#/definitions/")
					if !used[name] {
						used[name] = true
						queue = append(queue, name)
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(doc["paths"])
	walk(doc["parameters"])
	walk(doc["responses"])
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		walk(defs[name])
	}
	for name := range defs {
		if !used[name] {
			delete(defs, name)
		}
	}
}
