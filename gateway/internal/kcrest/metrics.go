package kcrest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
	"sluice.dev/gateway/internal/openapi"
)

// MetricsPath is where Prometheus scrapes the worker's metrics.
const MetricsPath = openapi.MetricsPath

// metricsTimeout bounds one scrape's call to sluiced.
const metricsTimeout = 10 * time.Second

// metricsFormat is the exposition format an Accept header asks for: OpenMetrics when it names
// application/openmetrics-text (as Prometheus's scraper does), else the text format 0.0.4.
func metricsFormat(accept string) sluicev1.GetMetricsRequest_Format {
	if strings.Contains(accept, "application/openmetrics-text") {
		return sluicev1.GetMetricsRequest_FORMAT_OPENMETRICS
	}
	return sluicev1.GetMetricsRequest_FORMAT_PROMETHEUS_TEXT
}

// writeMetrics answers a scrape with sluiced's exposition, or 503 in Kafka Connect's error shape
// when sluiced cannot give it.
func writeMetrics(client sluicev1.ConnectServiceClient, w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), metricsTimeout)
	defer cancel()
	answer, err := client.GetMetrics(ctx, &sluicev1.GetMetricsRequest{Format: metricsFormat(r.Header.Get("Accept"))})
	if st := status.Convert(err); err != nil && st.Code() == codes.Unauthenticated {
		writeUnauthorized(w)
		return
	} else if err != nil && st.Code() == codes.PermissionDenied {
		// An authenticated caller the worker does not let read them (tenants).
		writeError(w, http.StatusForbidden, st.Message())
		return
	}
	if err != nil {
		body, _ := json.Marshal(map[string]any{
			"error_code": http.StatusServiceUnavailable,
			"message":    "Metrics unavailable: " + status.Convert(err).Message(),
		})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(body)
		return
	}
	w.Header().Set("Content-Type", answer.GetContentType())
	w.Header().Set("Content-Length", strconv.Itoa(len(answer.GetText())))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(answer.GetText()))
}

// serveMetrics is GET /metrics on the REST listener (behind basic authentication when that is
// on, like every other path).
func serveMetrics(client sluicev1.ConnectServiceClient) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		writeMetrics(client, w, r)
	}
}

// NewMetricsHandler serves GET (and HEAD) /metrics alone, for a listener of its own
// (--metrics-listen): 404 for any other path, 405 for another method. It has no
// authentication: bind it where only Prometheus reaches it.
func NewMetricsHandler(client sluicev1.ConnectServiceClient, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		switch {
		case r.URL.Path != MetricsPath:
			http.NotFound(rec, r)
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			rec.Header().Set("Allow", "GET, HEAD")
			http.Error(rec, "method not allowed", http.StatusMethodNotAllowed)
		default:
			writeMetrics(client, rec, r.WithContext(forMetricsListener(r.Context())))
		}
		logger.Debug("metrics request", "method", r.Method, "uri", r.RequestURI,
			"status", rec.status, "bytes", rec.bytes, "duration", time.Since(start),
			"remote", r.RemoteAddr)
	})
}
