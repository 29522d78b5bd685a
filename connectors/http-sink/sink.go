// The HTTP sink connector: POSTs batches of records as JSON arrays to a URL (README.md).
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	sluice "sluice.dev/sdk/go"
)

// ClassName is what users put in connector.class.
const ClassName = "sluice.http.HttpSinkConnector"

// Version of the connector.
const Version = "0.1.0"

var configDef = sluice.NewConfigDef().
	Define(sluice.ConfigKey{Name: "http.url", Importance: sluice.ImportanceHigh, Validator: sluice.NonEmptyString(),
		Documentation: "The URL every batch is POSTed to (http or https)", Group: "HTTP", OrderInGroup: 1}).
	Define(sluice.ConfigKey{Name: "http.headers", Default: "", Importance: sluice.ImportanceMedium,
		Documentation: "Extra request headers, as Name:Value pairs separated by '|' " +
			"(e.g. Authorization:Bearer abc|X-Env:prod)", Group: "HTTP", OrderInGroup: 2}).
	Define(sluice.ConfigKey{Name: "http.timeout.ms", Type: sluice.TypeInt, Default: 30000, Validator: sluice.AtLeast(1),
		Importance: sluice.ImportanceMedium, Documentation: "How long one request may take before it is retried",
		Group: "HTTP", OrderInGroup: 3}).
	Define(sluice.ConfigKey{Name: "batch.max.records", Type: sluice.TypeInt, Default: 100, Validator: sluice.AtLeast(1),
		Importance: sluice.ImportanceMedium, Documentation: "At most this many records per request",
		Group: "Batching", OrderInGroup: 1}).
	Define(sluice.ConfigKey{Name: "max.retries", Type: sluice.TypeInt, Default: 5, Validator: sluice.AtLeast(0),
		Importance: sluice.ImportanceMedium,
		Documentation: "Retries of a request that failed with a 5xx, a 429, a timeout or a connection error; " +
			"then the task fails", Group: "Retries", OrderInGroup: 1}).
	Define(sluice.ConfigKey{Name: "retry.backoff.ms", Type: sluice.TypeLong, Default: 100, Validator: sluice.AtLeast(0),
		Importance:    sluice.ImportanceLow,
		Documentation: "The wait before the first retry; it doubles with each retry, up to retry.backoff.max.ms",
		Group:         "Retries", OrderInGroup: 2}).
	Define(sluice.ConfigKey{Name: "retry.backoff.max.ms", Type: sluice.TypeLong, Default: 10000, Validator: sluice.AtLeast(0),
		Importance: sluice.ImportanceLow, Documentation: "The longest wait between two retries",
		Group: "Retries", OrderInGroup: 3})

// settings is the parsed config.
type settings struct {
	url        string
	headers    http.Header
	timeout    time.Duration
	batch      int
	maxRetries int
	backoff    time.Duration
	backoffMax time.Duration
}

func parseHeaders(text string) (http.Header, error) {
	h := http.Header{}
	for _, pair := range strings.Split(text, "|") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not a Name:Value pair", pair)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}

func checkURL(text string) error {
	u, err := url.Parse(text)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("Invalid value %s for configuration http.url: not an http or https URL", text)
	}
	return nil
}

func parseSettings(config map[string]string) (*settings, error) {
	parsed, err := configDef.Parse(config)
	if err != nil {
		return nil, err
	}
	var errs []string
	if err := checkURL(parsed.String("http.url")); err != nil {
		errs = append(errs, err.Error())
	}
	headers, err := parseHeaders(parsed.String("http.headers"))
	if err != nil {
		errs = append(errs, "Invalid value for configuration http.headers: "+err.Error())
	}
	if len(errs) > 0 {
		return nil, &sluice.ConfigError{Message: strings.Join(errs, "\n")}
	}
	return &settings{url: parsed.String("http.url"), headers: headers,
		timeout: time.Duration(parsed.Int("http.timeout.ms")) * time.Millisecond,
		batch:   int(parsed.Int("batch.max.records")), maxRetries: int(parsed.Int("max.retries")),
		backoff:    time.Duration(parsed.Int("retry.backoff.ms")) * time.Millisecond,
		backoffMax: time.Duration(parsed.Int("retry.backoff.max.ms")) * time.Millisecond}, nil
}

// Connector is the HTTP sink connector: every task gets the same config.
type Connector struct{ config map[string]string }

func (c *Connector) Version() string           { return Version }
func (c *Connector) Config() *sluice.ConfigDef { return configDef }

func (c *Connector) Start(_ context.Context, _ sluice.ConnectorContext, config map[string]string) error {
	if _, err := parseSettings(config); err != nil {
		return err
	}
	c.config = config
	return nil
}

func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return sluice.SameTaskConfigs(c.config, maxTasks), nil
}

func (c *Connector) Stop() error { return nil }

// Validate adds the checks the ConfigDef cannot express: the URL's scheme, the headers' form.
func (c *Connector) Validate(config map[string]string, results []sluice.ConfigValueResult) []sluice.ConfigValueResult {
	for i := range results {
		r := &results[i]
		if len(r.Errors) > 0 || r.Value == nil {
			continue
		}
		switch r.Name {
		case "http.url":
			if err := checkURL(*r.Value); err != nil {
				r.Errors = append(r.Errors, err.Error())
			}
		case "http.headers":
			if _, err := parseHeaders(*r.Value); err != nil {
				r.Errors = append(r.Errors, "Invalid value for configuration http.headers: "+err.Error())
			}
		}
	}
	return results
}

// Task POSTs the records of each Put, in batches, before Put returns: what Put accepted is
// delivered (or reported errant), so the default PreCommit (everything put) is right.
type Task struct {
	tc     sluice.SinkTaskContext
	s      *settings
	client *http.Client
	sleep  func(ctx context.Context, d time.Duration) error // tests make it instant
}

func (t *Task) Start(_ context.Context, tc sluice.SinkTaskContext, config map[string]string) error {
	s, err := parseSettings(config)
	if err != nil {
		return err
	}
	t.tc, t.s = tc, s
	t.client = &http.Client{Timeout: s.timeout}
	if t.sleep == nil {
		t.sleep = sluice.Sleep
	}
	return nil
}

func (t *Task) Put(ctx context.Context, records []sluice.SinkRecord) error {
	for start := 0; start < len(records); start += t.s.batch {
		end := min(start+t.s.batch, len(records))
		if err := t.deliver(ctx, records[start:end]); err != nil {
			return err
		}
	}
	return nil
}

func (t *Task) Stop() error {
	if t.client != nil {
		t.client.CloseIdleConnections()
	}
	return nil
}

// rejected is a 4xx answer (but 429): the request's records are refused, not the server down.
type rejected struct {
	status int
	body   string
}

func (r *rejected) Error() string {
	if r.body == "" {
		return fmt.Sprintf("HTTP %d", r.status)
	}
	return fmt.Sprintf("HTTP %d: %s", r.status, r.body)
}

// deliver POSTs records (with retries); when the server rejects them (4xx), it finds the records
// at fault by halving the batch, and reports each to the errant record reporter.
func (t *Task) deliver(ctx context.Context, records []sluice.SinkRecord) error {
	err := t.postWithRetries(ctx, records)
	var rej *rejected
	if !errors.As(err, &rej) {
		return err
	}
	if len(records) == 1 {
		t.tc.Logger().Warn(fmt.Sprintf("record %s-%d@%d rejected: %v", records[0].Topic, records[0].Partition,
			records[0].Offset, rej))
		t.tc.ReportErrant(records[0], fmt.Errorf("http sink: %s rejected the record: %w", t.s.url, rej))
		return nil
	}
	half := len(records) / 2
	if err := t.deliver(ctx, records[:half]); err != nil {
		return err
	}
	return t.deliver(ctx, records[half:])
}

// Backoff returns the wait before retry number attempt (0-based): base * 2^attempt, at most max.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := float64(base) * math.Pow(2, float64(attempt))
	if d > float64(max) {
		return max
	}
	return time.Duration(d)
}

func (t *Task) postWithRetries(ctx context.Context, records []sluice.SinkRecord) error {
	body, err := EncodeBatch(records)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err = t.post(ctx, body)
		var rej *rejected
		if err == nil || errors.As(err, &rej) || ctx.Err() != nil {
			return err
		}
		if attempt >= t.s.maxRetries {
			return sluice.Retriable(fmt.Errorf("POST %s failed after %d retries: %w", t.s.url, attempt, err))
		}
		wait := Backoff(t.s.backoff, t.s.backoffMax, attempt)
		t.tc.Logger().Warn(fmt.Sprintf("POST %s of %d records failed (%v); retry %d of %d in %v", t.s.url,
			len(records), err, attempt+1, t.s.maxRetries, wait))
		if err := t.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// post sends one request: nil for a 2xx, *rejected for a 4xx but 429, another error otherwise
// (retriable: 5xx, 429, a timeout, a connection error).
func (t *Task) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.s.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for name, values := range t.s.headers {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("timed out after %v: %w", t.s.timeout, err)
		}
		return err
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return &rejected{status: resp.StatusCode, body: strings.TrimSpace(string(text))}
	}
	return fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(text)))
}

// EncodeBatch is the request body: a JSON array with one object per record:
//
//	{"topic": "t", "partition": 0, "offset": 42, "timestamp": 1700000000000,
//	 "key": ..., "value": ..., "headers": {"h": ...}}
//
// Keys, values and headers as JSON: Structs as objects, MAPs with string keys as objects and
// other MAPs as arrays of [key, value], BYTES as base64 strings, Decimals as numbers, Date, Time
// and Timestamp as RFC 3339 strings ("2024-05-01", "07:30:00.000", "2024-05-01T07:30:00.000Z").
func EncodeBatch(records []sluice.SinkRecord) ([]byte, error) {
	out := make([]map[string]any, 0, len(records))
	for _, r := range records {
		o := map[string]any{"topic": r.Topic, "partition": r.Partition, "offset": r.Offset,
			"key": toJSON(r.Key, r.KeySchema), "value": toJSON(r.Value, r.ValueSchema)}
		if !r.Timestamp.IsZero() {
			o["timestamp"] = r.Timestamp.UnixMilli()
		}
		if len(r.Headers) > 0 {
			h := map[string]any{}
			for _, x := range r.Headers {
				h[x.Key] = toJSON(x.Value, x.Schema)
			}
			o["headers"] = h
		}
		out = append(out, o)
	}
	return json.Marshal(out)
}

func toJSON(v any, schema *sluice.Schema) any {
	switch x := v.(type) {
	case *sluice.Struct:
		o := map[string]any{}
		for _, f := range x.Schema().Fields {
			o[f.Name] = toJSON(x.Get(f.Name), f.Schema)
		}
		return o
	case map[string]any:
		o := map[string]any{}
		var vs *sluice.Schema
		if schema != nil {
			vs = schema.ValueSchema
		}
		for k, e := range x {
			o[k] = toJSON(e, vs)
		}
		return o
	case sluice.Map:
		var ks, vs *sluice.Schema
		if schema != nil {
			ks, vs = schema.KeySchema, schema.ValueSchema
		}
		a := make([]any, 0, len(x))
		for _, e := range x {
			a = append(a, []any{toJSON(e.Key, ks), toJSON(e.Value, vs)})
		}
		return a
	case []any:
		var is *sluice.Schema
		if schema != nil {
			is = schema.ValueSchema
		}
		a := make([]any, 0, len(x))
		for _, e := range x {
			a = append(a, toJSON(e, is))
		}
		return a
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case sluice.Decimal:
		return json.Number(x.String())
	case time.Time:
		if schema != nil && schema.Name == sluice.DateName {
			return x.UTC().Format("2006-01-02")
		}
		if schema != nil && schema.Name == sluice.TimeName {
			return x.UTC().Format("15:04:05.000")
		}
		return x.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Sprint(x)
		}
	}
	return v
}
