package kcrest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// HTTPStatusMetadataKey is the gRPC response metadata key (header or trailer) through which
// sluiced chooses the HTTP status of the REST answer: 201 for a created connector, 500 for an
// unknown connector class, 503 for a starting worker's health, ... When present it wins over
// every default of the gateway.
const HTTPStatusMetadataKey = "sluice-http-status"

// statusFromMetadata returns the HTTP status sluiced asked for in md, if any. Header metadata
// is consulted before trailer metadata; a value that is not a number in 100..599 is ignored.
func statusFromMetadata(md runtime.ServerMetadata) (int, bool) {
	for _, m := range []metadata.MD{md.HeaderMD, md.TrailerMD} {
		for _, v := range m.Get(HTTPStatusMetadataKey) {
			if n, err := strconv.Atoi(v); err == nil && n >= 100 && n <= 599 {
				return n, true
			}
		}
	}
	return 0, false
}

// ErrorHTTPStatus is the one mapping from a failed gRPC call to the HTTP status of Kafka
// Connect's error answer: the status sluiced put in "sluice-http-status" metadata when there is
// one, else the status for the gRPC code.
func ErrorHTTPStatus(code codes.Code, md runtime.ServerMetadata) int {
	if st, ok := statusFromMetadata(md); ok {
		return st
	}
	switch code {
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists, codes.Aborted:
		return http.StatusConflict
	case codes.InvalidArgument, codes.FailedPrecondition, codes.OutOfRange:
		return http.StatusBadRequest
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.Unimplemented:
		return http.StatusNotImplemented
	default: // DeadlineExceeded, Internal, Unknown, Canceled, ...: Kafka Connect answers 500.
		return http.StatusInternalServerError
	}
}

// errorMessage is Kafka Connect's ErrorMessage entity. Field order is the wire order.
type errorMessage struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// encodeJSON encodes v compactly as Jackson does: no HTML escaping, no trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeError answers {"error_code":httpStatus,"message":msg} with the given status.
func writeError(w http.ResponseWriter, httpStatus int, msg string) {
	writeErrorBody(w, httpStatus, httpStatus, &msg)
}

// jerseyMessage is the message Jersey gives its own HTTP errors: "HTTP 404 Not Found".
func jerseyMessage(httpStatus int) string {
	return fmt.Sprintf("HTTP %d %s", httpStatus, http.StatusText(httpStatus))
}

// handleError is the ServeMux error handler: every failed call (a gRPC error from sluiced, a
// request the generated code could not read) becomes Kafka Connect's error body.
func handleError(ctx context.Context, _ *runtime.ServeMux, _ runtime.Marshaler,
	w http.ResponseWriter, _ *http.Request, err error) {
	var httpErr *runtime.HTTPStatusError
	if errors.As(err, &httpErr) {
		writeError(w, httpErr.HTTPStatus, httpErr.Err.Error())
		return
	}
	var bodyErr *requestError
	if errors.As(err, &bodyErr) {
		writeError(w, bodyErr.httpStatus, bodyErr.msg)
		return
	}
	st := status.Convert(err)
	if st.Code() == codes.Unauthenticated {
		// sluiced refused the credentials (a bearer token, say): Kafka Connect's plain 401.
		writeUnauthorized(w)
		return
	}
	md, _ := runtime.ServerMetadataFromContext(ctx)
	writeError(w, ErrorHTTPStatus(st.Code(), md), st.Message())
}

// isBackendError reports whether err is sluiced's answer (a gRPC status), not a request the
// gateway refused itself.
func isBackendError(err error) bool {
	var httpErr *runtime.HTTPStatusError
	var bodyErr *requestError
	return !errors.As(err, &httpErr) && !errors.As(err, &bodyErr)
}

// handleRoutingError is the ServeMux routing error handler: an unknown path is 404, a known
// path with another method 405, with Jersey's messages.
func handleRoutingError(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler,
	w http.ResponseWriter, _ *http.Request, httpStatus int) {
	writeError(w, httpStatus, jerseyMessage(httpStatus))
}

// requestError is a request the gateway refuses before calling sluiced (unreadable body,
// wrong media type, body too large), with the status Kafka Connect gives it.
type requestError struct {
	httpStatus int
	msg        string
}

func (e *requestError) Error() string { return e.msg }

func newRequestError(httpStatus int, format string, args ...any) *requestError {
	return &requestError{httpStatus: httpStatus, msg: fmt.Sprintf(format, args...)}
}
