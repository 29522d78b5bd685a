package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the logger goroutines and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServesAnnouncesAndExitsOnStdinEOF(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"--listen", "127.0.0.1:0",
			"--backend", "unix:///nonexistent/sluiced.sock", "--exit-on-stdin-eof", "--log-level", "debug"},
			stdinR, stdoutW, stderr)
		stdoutW.Close()
	}()

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "SLUICE-GATEWAY|listening|")
	if !ok || strings.HasSuffix(addr, ":0") {
		t.Fatalf("announcement %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()

	resp, err := http.Get("http://" + addr + "/connectors")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(string(body), `{"error_code":503,"message":`) {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(stderr.String(), "uri=/connectors status=503") {
		t.Errorf("no request log line in %q", stderr.String())
	}

	stdinW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit after stdin closed")
	}
}
