package kcrest

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// jacksonRead is one row of testdata/jackson_reads.json: an input and what Kafka 3.9.1's
// Jackson (2.16.2) made of it, printed by a throwaway Java program: `new
// ObjectMapper().readValue(bytes, new TypeReference<List<Map<String,String>>>(){})` (how Kafka
// Connect reads POST /connectors/{c}/tasks), readValue(bytes, Object.class) and
// readValue(string, Object.class) (how its RestClient reads an answer).
type jacksonRead struct {
	In               string               `json:"in"`
	TaskConfigsOK    bool                 `json:"task_configs_ok"`
	TaskConfigs      []map[string]*string `json:"task_configs"`
	TaskConfigsError string               `json:"task_configs_error"`
	AnyOK            bool                 `json:"any_ok"`
	AnyError         string               `json:"any_error"`
	AnyTextOK        bool                 `json:"any_text_ok"`
	AnyTextError     string               `json:"any_text_error"`
}

func loadJacksonReads(t *testing.T) []jacksonRead {
	t.Helper()
	data, err := os.ReadFile("testdata/jackson_reads.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []jacksonRead
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 100 {
		t.Fatalf("only %d rows", len(rows))
	}
	return rows
}

func TestTaskConfigsReadAsKafkaConnectReadsThem(t *testing.T) {
	for _, row := range loadJacksonReads(t) {
		configs, isNull, msg := readTaskConfigs([]byte(row.In))
		if !row.TaskConfigsOK {
			if msg != row.TaskConfigsError {
				t.Errorf("%q:\n got %q\nwant %q", row.In, msg, row.TaskConfigsError)
			}
			continue
		}
		if msg != "" {
			t.Errorf("%q: unexpected error %q", row.In, msg)
			continue
		}
		if isNull != (row.TaskConfigs == nil) {
			t.Errorf("%q: null list %v", row.In, isNull)
			continue
		}
		// Java keeps null elements and null values; Sluice's configs hold no nulls: a null
		// element is a nil map, a null value a missing key.
		var want []map[string]string
		if row.TaskConfigs != nil {
			want = []map[string]string{}
		}
		for _, m := range row.TaskConfigs {
			if m == nil {
				want = append(want, nil)
				continue
			}
			c := map[string]string{}
			for k, v := range m {
				if v != nil {
					c[k] = *v
				}
			}
			want = append(want, c)
		}
		if !reflect.DeepEqual(configs, want) {
			t.Errorf("%q: got %v, want %v", row.In, configs, want)
		}
	}
}

// readAnyBytes is readAnswerJSON as UTF8StreamJsonParser would read it (bytes).
func readAnyBytes(data []byte) string {
	p := newJacksonParser(data, false)
	tok, err := p.next()
	if err != nil {
		return err.message(p)
	}
	if tok == tokNone {
		return noContentMessage
	}
	if err := p.skipChildren(); err != nil {
		return err.message(p)
	}
	return ""
}

func TestJSONSyntaxErrorsReadAsJacksonReportsThem(t *testing.T) {
	for _, row := range loadJacksonReads(t) {
		if got := readAnyBytes([]byte(row.In)); got != row.AnyError {
			t.Errorf("bytes %q:\n got %q\nwant %q", row.In, got, row.AnyError)
		}
		if got := readAnswerJSON([]byte(row.In)); got != row.AnyTextError {
			t.Errorf("text %q:\n got %q\nwant %q", row.In, got, row.AnyTextError)
		}
	}
}
