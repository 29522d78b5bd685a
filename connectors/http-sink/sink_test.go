package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sluice "sluice.dev/sdk/go"
	"sluice.dev/sdk/go/sluicetest"
)

// server is a test HTTP endpoint: it answers each request with the next status of script (then
// 200), refuses (400) any batch holding a value that contains "poison", and keeps what it took.
type server struct {
	mu       sync.Mutex
	script   []int
	requests int
	batches  [][]map[string]any
	headers  []http.Header
	delay    time.Duration
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests++
	s.headers = append(s.headers, r.Header.Clone())
	status := http.StatusOK
	if len(s.script) > 0 {
		status, s.script = s.script[0], s.script[1:]
	}
	delay := s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	if status == http.StatusOK && strings.Contains(string(body), "poison") {
		http.Error(w, "poisoned record", http.StatusBadRequest)
		return
	}
	if status != http.StatusOK {
		http.Error(w, "scripted failure", status)
		return
	}
	var batch []map[string]any
	if err := json.Unmarshal(body, &batch); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	s.mu.Lock()
	s.batches = append(s.batches, batch)
	s.mu.Unlock()
}

func (s *server) values() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, b := range s.batches {
		for _, r := range b {
			out = append(out, r["value"])
		}
	}
	return out
}

func records(values ...string) []sluice.SinkRecord {
	out := make([]sluice.SinkRecord, len(values))
	for i, v := range values {
		out[i] = sluice.SinkRecord{Topic: "events", Offset: int64(i), Value: v, ValueSchema: sluice.StringSchema,
			Key: int64(i), KeySchema: sluice.Int64Schema, Timestamp: time.UnixMilli(1700000000000 + int64(i)).UTC()}
	}
	return out
}

func startSink(t *testing.T, s *server, extra map[string]string) (*sluicetest.SinkTaskDriver, *[]time.Duration) {
	t.Helper()
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	config := map[string]string{"http.url": ts.URL + "/in", "batch.max.records": "3", "max.retries": "3",
		"retry.backoff.ms": "100", "retry.backoff.max.ms": "250", "http.headers": "Authorization: Bearer abc|X-Env:test"}
	for k, v := range extra {
		config[k] = v
	}
	connector := sluicetest.NewConnectorDriver(&Connector{})
	if err := connector.Start(config); err != nil {
		t.Fatal(err)
	}
	tasks, err := connector.TaskConfigs(1)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	task := &Task{sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	driver := sluicetest.NewSinkTaskDriver(task)
	if err := driver.Start(tasks[0]); err != nil {
		t.Fatal(err)
	}
	if err := driver.Open(sluice.TopicPartition{Topic: "events"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Stop() })
	return driver, &waits
}

func TestPostsBatchesAsJSONWithTheHeaders(t *testing.T) {
	s := &server{}
	sink, _ := startSink(t, s, nil)
	if err := sink.Put(records("a", "b", "c", "d", "e")); err != nil {
		t.Fatal(err)
	}
	if len(s.batches) != 2 || len(s.batches[0]) != 3 || len(s.batches[1]) != 2 {
		t.Fatalf("batches %v", s.batches)
	}
	first := s.batches[0][0]
	if first["topic"] != "events" || first["offset"] != 0.0 || first["key"] != 0.0 || first["value"] != "a" ||
		first["timestamp"] != 1700000000000.0 {
		t.Fatalf("record %v", first)
	}
	h := s.headers[0]
	if h.Get("Authorization") != "Bearer abc" || h.Get("X-Env") != "test" || h.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", h)
	}
	committed, err := sink.Commit()
	if err != nil || committed[sluice.TopicPartition{Topic: "events"}] != 5 {
		t.Fatalf("committed %v %v", committed, err)
	}
}

func TestRetries5xxAnd429WithCappedExponentialBackoff(t *testing.T) {
	s := &server{script: []int{503, 429, 500}}
	sink, waits := startSink(t, s, nil)
	if err := sink.Put(records("a", "b")); err != nil {
		t.Fatal(err)
	}
	if got := s.values(); len(got) != 2 || s.requests != 4 {
		t.Fatalf("values %v after %d requests", got, s.requests)
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond}
	if len(*waits) != 3 || (*waits)[0] != want[0] || (*waits)[1] != want[1] || (*waits)[2] != want[2] {
		t.Fatalf("waits %v, want %v", *waits, want)
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	s := &server{script: []int{500, 500, 500, 500, 500}}
	sink, _ := startSink(t, s, nil)
	err := sink.Put(records("a"))
	var re *sluice.RetriableError
	if err == nil || !strings.Contains(err.Error(), "failed after 3 retries: HTTP 500: scripted failure") {
		t.Fatalf("error %v", err)
	}
	if !errorsAs(err, &re) {
		t.Fatalf("%v is not retriable", err)
	}
	if s.requests != 4 {
		t.Fatalf("%d requests, want 1 + 3 retries", s.requests)
	}
}

func TestATimeoutIsRetried(t *testing.T) {
	s := &server{delay: 300 * time.Millisecond}
	sink, waits := startSink(t, s, map[string]string{"http.timeout.ms": "50", "max.retries": "1"})
	err := sink.Put(records("a"))
	if err == nil || !strings.Contains(err.Error(), "timed out after 50ms") || len(*waits) != 1 {
		t.Fatalf("error %v after %d waits", err, len(*waits))
	}
}

func TestA4xxRecordGoesToTheErrantReporterAndTheRestIsDelivered(t *testing.T) {
	s := &server{}
	sink, _ := startSink(t, s, nil)
	if err := sink.Put(records("a", "poison-1", "c", "d", "poison-2", "f", "g")); err != nil {
		t.Fatal(err)
	}
	got := s.values()
	if len(got) != 5 {
		t.Fatalf("delivered %v", got)
	}
	errant := sink.Errant()
	if len(errant) != 2 || errant[0].Record.Value != "poison-1" || errant[1].Record.Value != "poison-2" {
		t.Fatalf("errant %v", errant)
	}
	if !strings.Contains(errant[0].Err.Error(), "rejected the record: HTTP 400: poisoned record") {
		t.Fatalf("errant error %v", errant[0].Err)
	}
}

func TestConfigIsChecked(t *testing.T) {
	connector := sluicetest.NewConnectorDriver(&Connector{})
	results, err := connector.Validate(map[string]string{"http.url": "ftp://x", "http.headers": "nocolon",
		"batch.max.records": "0"})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string][]string{}
	for _, r := range results {
		errs[r.Name] = r.Errors
	}
	if len(errs["http.url"]) != 1 || errs["http.url"][0] != "Invalid value ftp://x for configuration http.url: not an http or https URL" {
		t.Fatalf("url errors %q", errs["http.url"])
	}
	if len(errs["http.headers"]) != 1 || errs["batch.max.records"][0] != "Invalid value 0 for configuration batch.max.records: Value must be at least 1" {
		t.Fatalf("errors %q", errs)
	}
}

func TestEncodesConnectTypesAsJSON(t *testing.T) {
	schema := sluice.StructSchema().Field("id", sluice.Int32Schema).Field("price", sluice.DecimalSchema(2, false)).
		Field("day", sluice.DateSchema(false)).Field("raw", sluice.BytesSchema).MustBuild()
	v := sluice.MustNewStruct(schema).Put("id", int32(1)).Put("price", sluice.NewDecimal(1999, 2)).
		Put("day", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)).Put("raw", []byte("hi"))
	body, err := EncodeBatch([]sluice.SinkRecord{{Topic: "t", Value: v, ValueSchema: schema}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"value":{"day":"2024-05-01","id":1,"price":19.99,"raw":"aGk="}`) {
		t.Fatalf("body %s", body)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
