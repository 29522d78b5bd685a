package main

// The plugin through the SDK's test kit: no Kafka, no sluiced.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sluice "sluice.dev/sdk/go"
	"sluice.dev/sdk/go/sluicetest"
)

func TestSequenceResumesFromItsCommittedOffsetAndFeedsTheLinesSink(t *testing.T) {
	connector := sluicetest.NewConnectorDriver(&SequenceSource{})
	if err := connector.Start(map[string]string{"name": "seq", "max.count": "-1"}); err == nil ||
		err.Error() != "topic: Missing required configuration \"topic\" which has no default value.\n"+
			"max.count: Invalid value -1 for configuration max.count: Value must be at least 0" {
		t.Fatalf("invalid config: %v", err)
	}
	if err := connector.Start(map[string]string{"name": "seq", "topic": "numbers", "max.count": "25",
		"batch.size": "4", "interval.ms": "0"}); err != nil {
		t.Fatal(err)
	}
	tasks, err := connector.TaskConfigs(2)
	if err != nil || len(tasks) != 1 || tasks[0]["sequence.name"] != "seq" {
		t.Fatalf("task configs %v %v", tasks, err)
	}

	offsets := sluicetest.NewMemoryOffsetStore()
	first := sluicetest.NewSourceTaskDriver(&SequenceTask{}, offsets)
	if err := first.Start(tasks[0]); err != nil {
		t.Fatal(err)
	}
	records, err := first.PollUntil(10, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	// A producer failure: what came after the commit is lost, its offsets never stored.
	if _, err := first.Poll(); err != nil {
		t.Fatal(err)
	}
	first.DropUncommitted()
	_ = first.Stop()
	last := records[len(records)-1].SourceOffset["n"].(int64)
	if got := offsets.Get(map[string]any{"sequence": "seq"}); got["n"] != last {
		t.Fatalf("stored offset %v, want n=%d", got, last)
	}

	again := sluicetest.NewSourceTaskDriver(&SequenceTask{}, offsets)
	if err := again.Start(tasks[0]); err != nil {
		t.Fatal(err)
	}
	rest, err := again.PollUntil(int(25-last-1), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if k := rest[0].Key.(int64); k != last+1 {
		t.Fatalf("the restarted task began at %d, want %d", k, last+1)
	}
	if more, _ := again.Poll(); len(more) != 0 {
		t.Fatalf("%d records beyond max.count", len(more))
	}

	out := filepath.Join(t.TempDir(), "lines.txt")
	sink := sluicetest.NewSinkTaskDriver(&LinesTask{})
	if err := sink.Start(map[string]string{"file": out}); err != nil {
		t.Fatal(err)
	}
	if err := sink.Open(sluice.TopicPartition{Topic: "numbers"}); err != nil {
		t.Fatal(err)
	}
	all := append(append([]sluice.SourceRecord{}, records...), rest...)
	if err := sink.Put(sluicetest.AsSinkRecords(all, 100)); err != nil {
		t.Fatal(err)
	}
	committed, err := sink.Commit()
	if err != nil || committed[sluice.TopicPartition{Topic: "numbers"}] != 125 {
		t.Fatalf("committed %v %v", committed, err)
	}
	if len(sink.Uncommitted()) != 0 {
		t.Fatal("records left uncommitted after a flush")
	}
	data, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 25 || lines[0] != "seq 0" || lines[24] != "seq 24" {
		t.Fatalf("lines %q", lines)
	}
	if err := sink.Put(sluicetest.AsSinkRecords(all[:1], 0)); err == nil {
		t.Fatal("a record before what was handed over was taken")
	}
	if err := sink.Stop(); err != nil {
		t.Fatal(err)
	}
}

func TestOffsetStoreFailureFailsTheStart(t *testing.T) {
	offsets := sluicetest.NewMemoryOffsetStore()
	offsets.FailReads(os.ErrDeadlineExceeded)
	task := sluicetest.NewSourceTaskDriver(&SequenceTask{}, offsets)
	err := task.Start(map[string]string{"topic": "t", "sequence.name": "s"})
	if err != os.ErrDeadlineExceeded || offsets.Reads() != 1 {
		t.Fatalf("start with a failing store: %v (%d reads)", err, offsets.Reads())
	}
}
