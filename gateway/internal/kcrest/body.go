package kcrest

// Request bodies. Kafka Connect reads its bodies with Jackson into string maps and small
// entities; grpc-gateway would read them with protojson, which refuses what Jackson accepts
// (numbers and booleans as config values) and cannot express what Kafka Connect needs (a JSON
// null config value). So the middleware reads the body of each route that has one, turns it into
// the request field grpc-gateway will decode into, and answers unreadable bodies itself with
// Kafka Connect's status (500, as Jackson's errors are) and a message naming the problem and its
// position. The marshaler's decoder then only hands over the parsed value.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

// MaxBodyBytes is the largest request body the gateway reads, and the largest request it sends
// to sluiced once encoded as protobuf; a larger one gets 413. It is sluiced's gRPC receive
// limit (gRPC's default, 4 MiB): a larger request would reach sluiced only to be refused with
// RESOURCE_EXHAUSTED. Raise both together.
const MaxBodyBytes = 4 << 20

// tooLarge is the answer to a request over MaxBodyBytes.
func tooLarge() *requestError {
	return newRequestError(http.StatusRequestEntityTooLarge,
		"Request body is larger than the limit of %d bytes", MaxBodyBytes)
}

// encodedSize is the size of the gRPC request that will carry p, given the request's path
// parameters (the connector, plugin or logger name), with room for their field tags.
func (p *parsedBody) encodedSize(pathParams map[string]string) int {
	n := 0
	switch v := p.value.(type) {
	case proto.Message:
		n = proto.Size(v)
	case map[string]string:
		n = proto.Size(&sluicev1.PutConnectorConfigRequest{Config: v})
	case map[string]*sluicev1.OptionalString:
		n = proto.Size(&sluicev1.PatchConnectorConfigRequest{Patch: v})
	}
	for _, param := range pathParams {
		n += len(param) + 1 + 2*binary.MaxVarintLen64 // tag, length and the field holding the body
	}
	return n
}

// NullConfigKeysMetadataKey carries, one metadata value per key, the config keys a REST client
// sent with a JSON null value in POST /connectors, PUT /connectors/{c}/config or PUT
// /connector-plugins/{p}/config/validate. Such a key is in the request's config map with the
// value "" as well; sluiced reports it as `Null value can not be supplied as the configuration
// value.` (binary metadata: keys are arbitrary UTF-8).
const NullConfigKeysMetadataKey = "sluice-null-config-keys-bin"

// bodyKind says how a route's JSON body is read.
type bodyKind int

const (
	bodyCreateConnector bodyKind = iota + 1 // {"name","config","initial_state"}
	bodyConfigMap                           // flat config map; null values are reported
	bodyConfigPatch                         // flat config map; null removes the key
	bodyOffsets                             // {"offsets":[{"partition":{..},"offset":{..}|null}]}
	bodyLoggerLevel                         // {"level":"DEBUG"}
	bodyTaskConfigs                         // [{"k":"v"},...], read by Jackson with its own messages
	bodyUnread                              // any bytes, only passed on (and signed)
)

// bodyRoutes maps "METHOD pattern" (grpc-gateway's pattern syntax, as generated from the
// google.api.http annotations) to the body the route reads.
var bodyRoutes = map[string]bodyKind{
	"POST /connectors":                                  bodyCreateConnector,
	"PUT /connectors/{name=*}/config":                   bodyConfigMap,
	"PATCH /connectors/{name=*}/config":                 bodyConfigPatch,
	"PATCH /connectors/{name=*}/offsets":                bodyOffsets,
	"PUT /connector-plugins/{plugin=*}/config/validate": bodyConfigMap,
	"PUT /admin/loggers/{logger=*}":                     bodyLoggerLevel,
	"POST /connectors/{name=*}/tasks":                   bodyTaskConfigs,
	"PUT /connectors/{name=*}/fence":                    bodyUnread,
}

// parsedBody replaces the request body of a route in bodyRoutes once the middleware has read
// it. It reads as empty; the marshaler's decoder takes value from it.
type parsedBody struct {
	value    any      // see parseBody for the type per bodyKind
	nullKeys []string // config keys sent as JSON null (bodyCreateConnector, bodyConfigMap)
}

func (*parsedBody) Read([]byte) (int, error) { return 0, io.EOF }
func (*parsedBody) Close() error             { return nil }

// assign stores the parsed value into target, the field grpc-gateway's generated code decodes
// the body into.
func (p *parsedBody) assign(target any) error {
	ok := false
	switch t := target.(type) {
	case *sluicev1.CreateConnectorRequest:
		var v *sluicev1.CreateConnectorRequest
		if v, ok = p.value.(*sluicev1.CreateConnectorRequest); ok {
			t.Name, t.Config, t.InitialState = v.Name, v.Config, v.InitialState
		}
	case *map[string]string:
		*t, ok = p.value.(map[string]string)
	case *map[string]*sluicev1.OptionalString:
		*t, ok = p.value.(map[string]*sluicev1.OptionalString)
	case **sluicev1.ConnectorOffsets:
		*t, ok = p.value.(*sluicev1.ConnectorOffsets)
	case **sluicev1.LoggerLevelBody:
		*t, ok = p.value.(*sluicev1.LoggerLevelBody)
	case *sluicev1.PutTaskConfigsRequest:
		var v *sluicev1.PutTaskConfigsRequest
		if v, ok = p.value.(*sluicev1.PutTaskConfigsRequest); ok {
			t.TaskConfigs, t.Body, t.Signature = v.TaskConfigs, v.Body, v.Signature
		}
	case *sluicev1.FenceZombiesRequest:
		var v *sluicev1.FenceZombiesRequest
		if v, ok = p.value.(*sluicev1.FenceZombiesRequest); ok {
			t.Body, t.Signature = v.Body, v.Signature
		}
	}
	if !ok {
		return fmt.Errorf("internal error: a request body read as %T cannot fill %T", p.value, target)
	}
	return nil
}

// nullKeysMetadata is the ServeMux metadata annotator: it forwards the null config keys of
// the request body to sluiced.
func nullKeysMetadata(_ context.Context, r *http.Request) metadata.MD {
	if pb, ok := r.Body.(*parsedBody); ok && len(pb.nullKeys) > 0 {
		return metadata.MD{NullConfigKeysMetadataKey: pb.nullKeys}
	}
	return nil
}

// readBody reads the whole body of r, at most MaxBodyBytes (413 beyond).
func readBody(r *http.Request) ([]byte, *requestError) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	var maxBytesErr *http.MaxBytesError
	if errors.As(err, &maxBytesErr) || len(data) > MaxBodyBytes {
		return nil, tooLarge()
	}
	if err != nil {
		return nil, newRequestError(http.StatusBadRequest, "Could not read the request body: %v", err)
	}
	return data, nil
}

// Kafka Connect's KIP-507 request signature headers (InternalRequestSignature).
const (
	SignatureHeader          = "X-Connect-Authorization"
	SignatureAlgorithmHeader = "X-Connect-Request-Signature-Algorithm"
)

// signatureFromHeaders is the signature of an internal request as Jersey's getHeaderString
// gives it (several values joined with ","); nil unless both headers are there.
func signatureFromHeaders(h http.Header) *sluicev1.InternalRequestSignature {
	algorithm, hasAlgorithm := h[http.CanonicalHeaderKey(SignatureAlgorithmHeader)]
	signature, hasSignature := h[http.CanonicalHeaderKey(SignatureHeader)]
	if !hasAlgorithm || !hasSignature {
		return nil
	}
	return &sluicev1.InternalRequestSignature{
		Algorithm: strings.Join(algorithm, ","),
		Signature: strings.Join(signature, ","),
	}
}

// parseBody reads data as the body of kind (header gives the internal routes' signature). The
// value of the result is a *CreateConnectorRequest, a map[string]string, a
// map[string]*OptionalString, a *ConnectorOffsets, a *LoggerLevelBody, a *PutTaskConfigsRequest
// or a *FenceZombiesRequest. Every failure is a 500, as Jackson's are in Kafka Connect.
func parseBody(kind bodyKind, data []byte, header http.Header) (*parsedBody, *requestError) {
	switch kind {
	case bodyTaskConfigs:
		configs, _, msg := readTaskConfigs(data)
		if msg != "" {
			return nil, newRequestError(http.StatusInternalServerError, "%s", msg)
		}
		req := &sluicev1.PutTaskConfigsRequest{Body: data, Signature: signatureFromHeaders(header)}
		for _, c := range configs {
			req.TaskConfigs = append(req.TaskConfigs, &sluicev1.TaskConfigMap{Config: c})
		}
		return &parsedBody{value: req}, nil
	case bodyUnread:
		return &parsedBody{value: &sluicev1.FenceZombiesRequest{Body: data, Signature: signatureFromHeaders(header)}}, nil
	}
	d := &jsonDoc{data: data}
	top, err := d.topObject()
	if err != nil {
		return nil, err
	}
	pb := &parsedBody{}
	switch kind {
	case bodyCreateConnector:
		req := &sluicev1.CreateConnectorRequest{}
		for _, m := range top {
			switch m.key {
			case "name":
				req.Name, _, err = d.scalarText(m, "field \"name\"")
			case "config":
				if m.kind() == '{' {
					req.Config, pb.nullKeys, err = d.configMap(m)
				} else if m.kind() != 'n' {
					err = d.typeError(m, "Map", "field \"config\": expected a JSON object")
				}
			case "initial_state":
				req.InitialState, _, err = d.scalarText(m, "field \"initial_state\"")
			}
			if err != nil {
				return nil, err
			}
		}
		pb.value = req
	case bodyConfigMap:
		config, nullKeys, err := d.configMap(member{raw: nil, offset: 0, members: top})
		if err != nil {
			return nil, err
		}
		pb.value, pb.nullKeys = config, nullKeys
	case bodyConfigPatch:
		patch := make(map[string]*sluicev1.OptionalString, len(top))
		for _, m := range top {
			text, isNull, err := d.scalarText(m, fmt.Sprintf("config key %q", m.key))
			if err != nil {
				return nil, err
			}
			if isNull {
				patch[m.key] = &sluicev1.OptionalString{}
			} else {
				patch[m.key] = &sluicev1.OptionalString{Value: &text}
			}
		}
		pb.value = patch
	case bodyOffsets:
		offsets, err := d.offsets(top)
		if err != nil {
			return nil, err
		}
		pb.value = offsets
	case bodyLoggerLevel:
		body := &sluicev1.LoggerLevelBody{}
		for _, m := range top {
			if m.key == "level" {
				if body.Level, _, err = d.scalarText(m, "field \"level\""); err != nil {
					return nil, err
				}
			}
		}
		pb.value = body
	default:
		return nil, newRequestError(http.StatusInternalServerError, "internal error: unknown body kind %d", kind)
	}
	return pb, nil
}

// jsonDoc is a request body being read, kept whole for error positions.
type jsonDoc struct {
	data []byte
}

// member is one name/value pair of a JSON object: the raw value and where it starts in the
// document. members holds the pairs of an object value once they have been read.
type member struct {
	key     string
	raw     json.RawMessage
	offset  int
	members []member
}

// kind is the first byte of the value: '{', '[', '"', 't', 'f', 'n', or a number's first byte.
func (m member) kind() byte {
	if len(m.raw) == 0 {
		return '{' // a member built from an already-read object
	}
	return m.raw[0]
}

func kindName(k byte) string {
	switch k {
	case '{':
		return "Object"
	case '[':
		return "Array"
	case '"':
		return "String"
	case 't', 'f':
		return "Boolean"
	case 'n':
		return "Null"
	default:
		return "Number"
	}
}

// topObject checks the syntax of the whole document and reads its top-level object.
func (d *jsonDoc) topObject() ([]member, *requestError) {
	trimmed := bytes.TrimSpace(d.data)
	if len(trimmed) == 0 {
		return nil, newRequestError(http.StatusInternalServerError,
			"Request body is missing: expected a JSON object")
	}
	if err := json.Unmarshal(d.data, new(json.RawMessage)); err != nil {
		return nil, newRequestError(http.StatusInternalServerError, "%s", d.syntaxMessage(err))
	}
	start := bytes.Index(d.data, trimmed[:1])
	top := member{raw: trimmed, offset: start}
	switch top.kind() {
	case '{':
		return d.objectMembers(top)
	case 'n':
		return nil, newRequestError(http.StatusInternalServerError,
			"Request body is null: expected a JSON object")
	default:
		return nil, d.typeError(top, "Map", "request body: expected a JSON object")
	}
}

// objectMembers reads the name/value pairs of the object value of m (syntax already checked).
func (d *jsonDoc) objectMembers(m member) ([]member, *requestError) {
	dec := json.NewDecoder(bytes.NewReader(d.data[m.offset:]))
	fail := func(err error) ([]member, *requestError) {
		return nil, newRequestError(http.StatusInternalServerError, "Malformed JSON object: %v", err)
	}
	if _, err := dec.Token(); err != nil { // '{'
		return fail(err)
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(err)
		}
		end := m.offset + int(dec.InputOffset())
		out = append(out, member{key: key, raw: raw, offset: end - len(raw)})
	}
	return out, nil
}

// scalarText reads a value that Kafka Connect deserialises as a String: a string as is, a
// number as its JSON text, a boolean as "true"/"false" (Jackson's coercions). null gives
// ("", true). An object or array is an error naming what.
func (d *jsonDoc) scalarText(m member, what string) (string, bool, *requestError) {
	switch m.kind() {
	case '"':
		var s string
		if err := json.Unmarshal(m.raw, &s); err != nil {
			return "", false, newRequestError(http.StatusInternalServerError, "Malformed JSON string: %v", err)
		}
		return s, false, nil
	case 'n':
		return "", true, nil
	case '{', '[':
		return "", false, d.typeError(m, "String",
			what+": expected a string, number or boolean")
	default: // number, true, false: the JSON text itself
		return string(m.raw), false, nil
	}
}

// configMap reads a flat config map. A null value is stored as "" and its key returned in
// nullKeys.
func (d *jsonDoc) configMap(obj member) (map[string]string, []string, *requestError) {
	members := obj.members
	if members == nil && len(obj.raw) > 0 {
		var err *requestError
		if members, err = d.objectMembers(obj); err != nil {
			return nil, nil, err
		}
	}
	config := make(map[string]string, len(members))
	var nullKeys []string
	for _, m := range members {
		text, isNull, err := d.scalarText(m, fmt.Sprintf("config key %q", m.key))
		if err != nil {
			return nil, nil, err
		}
		if isNull {
			if _, seen := config[m.key]; !seen {
				nullKeys = append(nullKeys, m.key)
			}
		} else if _, seen := config[m.key]; seen {
			nullKeys = removeString(nullKeys, m.key) // a later non-null duplicate wins
		}
		config[m.key] = text
	}
	return config, nullKeys, nil
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// offsets reads the body of PATCH /connectors/{c}/offsets. Partition and offset values are
// kept as compact JSON text; sluiced validates them (Kafka Connect's 400s).
func (d *jsonDoc) offsets(top []member) (*sluicev1.ConnectorOffsets, *requestError) {
	out := &sluicev1.ConnectorOffsets{}
	for _, m := range top {
		if m.key != "offsets" || m.kind() == 'n' {
			continue
		}
		if m.kind() != '[' {
			return nil, d.typeError(m, "List", "field \"offsets\": expected a JSON array")
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(m.raw, &elems); err != nil {
			return nil, newRequestError(http.StatusInternalServerError, "Malformed JSON array: %v", err)
		}
		// Positions of the elements: walk the array with a decoder.
		dec := json.NewDecoder(bytes.NewReader(d.data[m.offset:]))
		_, _ = dec.Token() // '['
		for i := range elems {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, newRequestError(http.StatusInternalServerError, "Malformed JSON array: %v", err)
			}
			elem := member{raw: raw, offset: m.offset + int(dec.InputOffset()) - len(raw)}
			what := fmt.Sprintf("offsets[%d]", i)
			if elem.kind() != '{' {
				return nil, d.typeError(elem, "ConnectorOffset", what+": expected a JSON object")
			}
			fields, err := d.objectMembers(elem)
			if err != nil {
				return nil, err
			}
			entry := &sluicev1.ConnectorOffset{}
			for _, f := range fields {
				var target **sluicev1.OffsetMap
				switch f.key {
				case "partition":
					target = &entry.Partition
				case "offset":
					target = &entry.Offset
				default:
					continue
				}
				if f.kind() == 'n' {
					*target = nil
					continue
				}
				if f.kind() != '{' {
					return nil, d.typeError(f, "Map", fmt.Sprintf("%s.%s: expected a JSON object or null", what, f.key))
				}
				values, err := d.objectMembers(f)
				if err != nil {
					return nil, err
				}
				om := &sluicev1.OffsetMap{JsonValues: make(map[string]string, len(values))}
				for _, v := range values {
					var buf bytes.Buffer
					if err := json.Compact(&buf, v.raw); err != nil {
						return nil, newRequestError(http.StatusInternalServerError, "Malformed JSON value: %v", err)
					}
					om.JsonValues[v.key] = buf.String()
				}
				*target = om
			}
			out.Offsets = append(out.Offsets, entry)
		}
	}
	return out, nil
}

// position gives the 1-based line of the byte at offset and the column Jackson reports for
// it (the column just after it).
func (d *jsonDoc) position(offset int) (line, column int) {
	if offset > len(d.data) {
		offset = len(d.data)
	}
	before := d.data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(d.data[lineStart:offset]) + 2
}

// typeError is Jackson's MismatchedInputException, with the position and what was expected.
func (d *jsonDoc) typeError(m member, javaType, detail string) *requestError {
	line, col := d.position(m.offset)
	return newRequestError(http.StatusInternalServerError,
		"Cannot deserialize value of type %s from %s value at line %d, column %d (%s)",
		javaType, kindName(m.kind()), line, col, detail)
}

// jacksonExpectations maps the context of encoding/json's syntax errors to Jackson's wording.
// Longer contexts come before their prefixes.
var jacksonExpectations = []struct{ goContext, jackson string }{
	{"looking for beginning of value",
		"expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
	{"looking for beginning of object key string", "was expecting double-quote to start field name"},
	{"after object key:value pair", "was expecting comma to separate Object entries"},
	{"after object key", "was expecting a colon to separate field name and value"},
	{"after array element", "was expecting comma to separate Array entries"},
	{"after top-level value", "expected end of input after the JSON value"},
	{"in string literal", "control characters must be escaped in JSON strings"},
	{"in string escape code", "unrecognized character escape"},
}

// syntaxMessage describes a JSON syntax error in the style of Jackson: "Unexpected character
// ('x' (code 120)): expected a valid value (...) at line 1, column 2".
func (d *jsonDoc) syntaxMessage(err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "Malformed JSON: " + err.Error()
	}
	if strings.HasPrefix(se.Error(), "unexpected end of JSON input") {
		line, col := d.position(len(d.data))
		return fmt.Sprintf("Unexpected end-of-input: the JSON value is incomplete at line %d, column %d",
			line, col-1)
	}
	idx := int(se.Offset) - 1
	if idx < 0 || idx >= len(d.data) {
		return "Malformed JSON: " + se.Error()
	}
	r, _ := utf8.DecodeRune(d.data[idx:])
	char := fmt.Sprintf("'%c' (code %d)", r, r)
	if unicode.IsControl(r) {
		char = fmt.Sprintf("CTRL-CHAR, code %d", r)
	}
	expect := se.Error()
	for _, e := range jacksonExpectations {
		if strings.HasSuffix(se.Error(), e.goContext) {
			expect = e.jackson
			break
		}
	}
	line, col := d.position(idx)
	return fmt.Sprintf("Unexpected character (%s): %s at line %d, column %d", char, expect, line, col)
}
