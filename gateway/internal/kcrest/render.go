package kcrest

// Response bodies in Kafka Connect's JSON. Most messages come out of protojson as Kafka Connect
// writes them (proto field names, unset fields as null, proto3 optional fields left out when
// unset); the types below are the ones whose REST shape differs from their proto shape.

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
)

var protoJSON = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// marshalProto renders m with protojson, compacted (protojson may add random spaces).
func marshalProto(m proto.Message) ([]byte, error) {
	b, err := protoJSON.Marshal(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// jsonWriter builds a JSON document; the first error sticks.
type jsonWriter struct {
	buf bytes.Buffer
	err error
}

func (w *jsonWriter) raw(s string) { w.buf.WriteString(s) }

func (w *jsonWriter) value(v any) {
	if w.err != nil {
		return
	}
	var b []byte
	if m, ok := v.(proto.Message); ok {
		b, w.err = marshalProto(m)
	} else {
		b, w.err = encodeJSON(v)
	}
	w.buf.Write(b)
}

// object writes {"k":...} with the keys sorted, each value written by each.
func object[V any](w *jsonWriter, m map[string]V, each func(V)) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.raw("{")
	for i, k := range keys {
		if i > 0 {
			w.raw(",")
		}
		w.value(k)
		w.raw(":")
		each(m[k])
	}
	w.raw("}")
}

// array writes [...], each element written by each.
func array[V any](w *jsonWriter, list []V, each func(V)) {
	w.raw("[")
	for i, v := range list {
		if i > 0 {
			w.raw(",")
		}
		each(v)
	}
	w.raw("]")
}

// renderBody renders the response message msg as Kafka Connect's JSON. hasBody is false for
// responses that Kafka Connect answers without a body (google.protobuf.Empty, a plain restart).
func renderBody(msg proto.Message) (body []byte, hasBody bool, err error) {
	w := &jsonWriter{}
	writeMsg := func(m proto.Message) { w.value(m) }
	switch m := msg.(type) {
	case *emptypb.Empty:
		return nil, false, nil
	case *sluicev1.ListConnectorsResponse:
		if !m.GetExpandRequested() {
			names := m.GetNames()
			if names == nil {
				names = []string{}
			}
			w.value(names)
			break
		}
		object(w, m.GetExpanded(), func(e *sluicev1.ConnectorExpansion) {
			w.raw("{")
			if e.GetStatus() != nil {
				w.raw(`"status":`)
				w.value(e.GetStatus())
			}
			if e.GetInfo() != nil {
				if e.GetStatus() != nil {
					w.raw(",")
				}
				w.raw(`"info":`)
				w.value(e.GetInfo())
			}
			w.raw("}")
		})
	case *sluicev1.ConnectorConfig:
		writeStringMap(w, m.GetConfig())
	case *sluicev1.ListTasksResponse:
		array(w, m.GetTasks(), func(t *sluicev1.TaskInfo) { writeMsg(t) })
	case *sluicev1.TasksConfig:
		object(w, m.GetTasks(), func(t *sluicev1.TaskConfigMap) { writeStringMap(w, t.GetConfig()) })
	case *sluicev1.ListConnectorPluginsResponse:
		array(w, m.GetPlugins(), func(p *sluicev1.PluginInfo) { writeMsg(p) })
	case *sluicev1.PluginConfigDefinitions:
		array(w, m.GetConfigs(), func(c *sluicev1.ConfigKeyInfo) { writeMsg(c) })
	case *sluicev1.ConnectorTopics:
		object(w, m.GetConnectors(), func(t *sluicev1.ActiveTopics) { writeMsg(t) })
	case *sluicev1.ConnectorOffsets:
		w.raw(`{"offsets":`)
		array(w, m.GetOffsets(), func(o *sluicev1.ConnectorOffset) {
			w.raw(`{"partition":`)
			writeOffsetMap(w, o.GetPartition())
			w.raw(`,"offset":`)
			writeOffsetMap(w, o.GetOffset())
			w.raw("}")
		})
		w.raw("}")
	case *sluicev1.RestartConnectorResponse:
		if m.GetStatus() == nil {
			return nil, false, nil
		}
		writeMsg(m.GetStatus())
	case *sluicev1.LoggerLevel:
		writeLoggerLevel(w, m)
	case *sluicev1.ListLoggersResponse:
		object(w, m.GetLoggers(), func(l *sluicev1.LoggerLevel) { writeLoggerLevel(w, l) })
	case *sluicev1.SetLoggerLevelResponse:
		loggers := m.GetLoggers()
		if loggers == nil {
			loggers = []string{}
		}
		w.value(loggers)
	default:
		writeMsg(m)
	}
	if w.err != nil {
		return nil, false, w.err
	}
	return w.buf.Bytes(), true, nil
}

func writeStringMap(w *jsonWriter, m map[string]string) {
	object(w, m, func(v string) { w.value(v) })
}

// writeOffsetMap writes a partition or offset map, whose values are JSON text already; null
// when unset. A value that is not valid JSON is written as a JSON string.
func writeOffsetMap(w *jsonWriter, m *sluicev1.OffsetMap) {
	if m == nil {
		w.raw("null")
		return
	}
	object(w, m.GetJsonValues(), func(v string) {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(v)) == nil && buf.Len() > 0 {
			w.buf.Write(buf.Bytes())
		} else {
			w.value(v)
		}
	})
}

// writeLoggerLevel writes {"level":..,"last_modified":null|<epoch ms as a JSON number>}.
func writeLoggerLevel(w *jsonWriter, l *sluicev1.LoggerLevel) {
	w.raw(`{"level":`)
	w.value(l.GetLevel())
	w.raw(`,"last_modified":`)
	if l.LastModified == nil {
		w.raw("null")
	} else {
		w.raw(strconv.FormatInt(l.GetLastModified(), 10))
	}
	w.raw("}")
}
