package sluice

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSameTaskConfigsGivesEveryTaskTheConfig(t *testing.T) {
	config := map[string]string{"topics": "a,b"}
	got := SameTaskConfigs(config, 3)
	if len(got) != 3 {
		t.Fatalf("got %d task configs, want 3", len(got))
	}
	for i, c := range got {
		if c["topics"] != "a,b" || len(c) != 1 {
			t.Errorf("task %d: got %v", i, c)
		}
	}
	if n := len(SameTaskConfigs(config, 0)); n != 0 {
		t.Errorf("maxTasks 0: got %d task configs", n)
	}
}

func TestSleepWaitsOrEndsWithTheContext(t *testing.T) {
	start := time.Now()
	if err := Sleep(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("Sleep: %v", err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("Sleep returned after %v, want at least 20ms", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep with a cancelled ctx: got %v, want context.Canceled", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("Sleep with a cancelled ctx took %v", waited)
	}
}
