package sluice

// Logging that reaches the worker. Plugin code logs with log/slog: a task's
// TaskContext.Logger(), NewLogger(name) for the connector, or slog's default logger (which Serve
// installs). While the plugin runs under Serve, every record goes to the worker's Logs stream
// with its logger name, level and the task it came from (-1 for the connector instance), and to
// stderr while the worker does not listen. The worker writes them to its log with the
// connector's name.
//
// The task of a record is the logger's (TaskContext.Logger), else the one in the ctx of a
// *Context call (the ctx the SDK gives Start, Poll and Put carries it), else -1.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Logger is the logger type the SDK hands out.
type Logger = *slog.Logger

// ConnectorTask is the task number of log lines from the connector instance.
const ConnectorTask = -1

// LevelTrace is below slog.LevelDebug: the worker's TRACE.
const LevelTrace = slog.Level(-8)

type taskKey struct{}

// WithTask returns ctx marked as working for task.
func WithTask(ctx context.Context, task int) context.Context {
	return context.WithValue(ctx, taskKey{}, task)
}

// TaskFrom returns the task ctx works for, or ConnectorTask.
func TaskFrom(ctx context.Context) int {
	if ctx != nil {
		if t, ok := ctx.Value(taskKey{}).(int); ok {
			return t
		}
	}
	return ConnectorTask
}

// LogEntry is one log line on its way to the worker.
type LogEntry struct {
	Level   slog.Level
	Logger  string
	Message string
	Task    int
	Time    time.Time
}

// logFanout hands each entry to every listener, or to stderr when none listens. Thread-safe.
type logFanout struct {
	mu        sync.Mutex
	listeners map[chan LogEntry]struct{}
	level     slog.Level
}

var logs = &logFanout{listeners: map[chan LogEntry]struct{}{}, level: slog.LevelInfo}

func (f *logFanout) emit(e LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.listeners) == 0 {
		fmt.Fprintf(os.Stderr, "%s %s [task %d] %s: %s\n", e.Time.Format("2006-01-02 15:04:05.000"),
			e.Level, e.Task, e.Logger, e.Message)
		return
	}
	for ch := range f.listeners {
		select {
		case ch <- e:
		default: // a listener that does not keep up loses lines rather than blocking plugin code
		}
	}
}

func (f *logFanout) listen() chan LogEntry {
	ch := make(chan LogEntry, 4096)
	f.mu.Lock()
	f.listeners[ch] = struct{}{}
	f.mu.Unlock()
	return ch
}

func (f *logFanout) unlisten(ch chan LogEntry) {
	f.mu.Lock()
	delete(f.listeners, ch)
	f.mu.Unlock()
}

// SetLogLevel sets the lowest level that is sent (default slog.LevelInfo).
func SetLogLevel(l slog.Level) {
	logs.mu.Lock()
	logs.level = l
	logs.mu.Unlock()
}

type handler struct {
	logger string
	task   *int // nil: from the ctx
	prefix string
	attrs  string
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	logs.mu.Lock()
	defer logs.mu.Unlock()
	return l >= logs.level
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.prefix, a)
		return true
	})
	task := TaskFrom(ctx)
	if h.task != nil {
		task = *h.task
	}
	t := r.Time
	if t.IsZero() {
		t = time.Now()
	}
	logs.emit(LogEntry{Level: r.Level, Logger: h.logger, Message: b.String(), Task: task, Time: t})
	return nil
}

func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, prefix+a.Key+".", g)
		}
		return
	}
	fmt.Fprintf(b, " %s%s=%v", prefix, a.Key, a.Value.Resolve())
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	var b strings.Builder
	b.WriteString(h.attrs)
	for _, a := range attrs {
		writeAttr(&b, h.prefix, a)
	}
	c.attrs = b.String()
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}

// NewLogger returns a logger named name whose lines reach the worker; the task comes from the
// ctx of *Context calls (else the connector).
func NewLogger(name string) Logger { return slog.New(&handler{logger: name}) }

// newTaskLogger returns a logger named name for task.
func newTaskLogger(name string, task int) Logger {
	return slog.New(&handler{logger: name, task: &task})
}
