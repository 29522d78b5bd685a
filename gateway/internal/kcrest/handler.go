package kcrest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	sluicev1 "sluice.dev/gateway/gen/sluice/v1"
	"sluice.dev/gateway/internal/openapi"
)

// Option configures NewHandler.
type Option func(*handlerOptions)

type handlerOptions struct {
	forward ForwardOptions
}

// WithForwarding sets how requests are forwarded to the leader (forward.go).
func WithForwarding(opts ForwardOptions) Option {
	return func(o *handlerOptions) { o.forward = opts }
}

// NewHandler returns the HTTP handler of the Kafka Connect REST API, each request forwarded to
// client as one gRPC call (and, when sluiced says another worker must serve it, to that
// worker's REST API as Kafka Connect forwards it). logger gets one debug line per request. The
// handler is safe for concurrent use; ctx bounds nothing but grpc-gateway's registration.
func NewHandler(ctx context.Context, client sluicev1.ConnectServiceClient, logger *slog.Logger,
	opts ...Option) (http.Handler, error) {
	var options handlerOptions
	for _, o := range opts {
		o(&options)
	}
	fwd := &forwarder{client: newForwardClient(options.forward), logger: logger}
	muxOptions := []runtime.ServeMuxOption{
		runtime.WithMarshalerOption(runtime.MIMEWildcard, marshaler{}),
		runtime.WithErrorHandler(func(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler,
			w http.ResponseWriter, r *http.Request, err error) {
			if isBackendError(err) && fwd.handle(ctx, w, r) {
				return
			}
			handleError(ctx, mux, m, w, r, err)
		}),
		runtime.WithRoutingErrorHandler(handleRoutingError),
		runtime.WithForwardResponseOption(forwardResponse),
		runtime.WithForwardResponseRewriter(rewriteResponse),
		runtime.WithIncomingHeaderMatcher(noHeaders),
		runtime.WithOutgoingHeaderMatcher(noHeaders),
		runtime.WithOutgoingTrailerMatcher(noHeaders),
		runtime.WithMetadata(nullKeysMetadata),
		runtime.WithMiddlewares(prepareRequest),
		runtime.WithDisablePathLengthFallback(),
	}
	mux := runtime.NewServeMux(muxOptions...)
	if err := sluicev1.RegisterConnectServiceHandlerClient(ctx, mux, client); err != nil {
		return nil, err
	}
	doc, err := openapi.Document()
	if err != nil {
		return nil, err
	}
	// Registered on the ServeMux so that another method gets the same 405 as every route.
	if err := mux.HandlePath(http.MethodGet, openapi.Path, serveDocument(doc)); err != nil {
		return nil, err
	}
	if err := mux.HandlePath(http.MethodGet, MetricsPath, serveMetrics(client)); err != nil {
		return nil, err
	}
	return &handler{mux: mux, logger: logger}, nil
}

// serveDocument answers GET /openapi.json with doc.
func serveDocument(doc []byte) runtime.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc)
	}
}

// noHeaders forwards no HTTP header to gRPC metadata (Authorization always goes, as in Kafka
// Connect's forwarding) and no gRPC metadata to HTTP headers.
func noHeaders(string) (string, bool) { return "", false }

// requestState is what the hooks of one request share, through the request context.
type requestState struct {
	host string // the Host header, for Location
	body any    // renderedJSON or noBody, chosen by forwardResponse for rewriteResponse

	// Set by the middleware, for forwarding: the route ("METHOD pattern"), its path parameters
	// and the request body as received (nil when the route reads none).
	route      string
	pathParams map[string]string
	rawBody    []byte
}

type requestStateKey struct{}

func stateFrom(ctx context.Context) *requestState {
	s, _ := ctx.Value(requestStateKey{}).(*requestState)
	return s
}

// handler wraps the ServeMux: request state, the body size limit and the request log.
type handler struct {
	mux    *runtime.ServeMux
	logger *slog.Logger
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	method := r.Method
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	r = r.WithContext(context.WithValue(r.Context(), requestStateKey{}, &requestState{host: r.Host}))
	if r.Method == http.MethodHead {
		// Jersey answers HEAD on every GET route with the GET's status and headers. The
		// ResponseWriter belongs to the HEAD request, so net/http sends no body.
		r.Method = http.MethodGet
	}
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		// Jersey matches a path with one trailing slash as the path without it, and clients
		// rely on that (kcctl lists and creates connectors at /connectors/).
		r.URL.Path = p[:len(p)-1]
		r.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(rec, r.Body, MaxBodyBytes)
	}
	h.mux.ServeHTTP(rec, r)
	h.logger.Debug("request", "method", method, "uri", r.RequestURI, "status", rec.status,
		"bytes", rec.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
}

// statusRecorder notes the status and size of a response for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// internalRoutes are Kafka Connect's InternalConnectResource endpoints, which declare no
// @Consumes: any media type is read.
var internalRoutes = map[string]bool{
	"POST /connectors/{name=*}/tasks": true,
	"PUT /connectors/{name=*}/fence":  true,
}

// consumesJSON reports whether path belongs to a Kafka Connect resource declaring
// @Consumes(application/json).
func consumesJSON(path string) bool {
	for _, p := range []string{"/connectors", "/connector-plugins", "/admin/loggers"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// booleanParams are Kafka Connect's boolean query parameters. Jersey reads them with
// Boolean.valueOf: "true" in any case is true, anything else false, the first value counts.
var booleanParams = []string{"includeTasks", "onlyFailed", "connectorsOnly"}

// prepareRequest is the ServeMux middleware, run once the route is known and before the
// generated handler: media type (415), task number (404), query defaults, and the body.
func prepareRequest(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, pathParams map[string]string) {
		pattern, _ := runtime.HTTPPattern(r.Context())
		route := r.Method + " " + pattern.String()

		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			if ct := r.Header.Get("Content-Type"); ct != "" && r.ContentLength != 0 && consumesJSON(r.URL.Path) &&
				!internalRoutes[route] {
				if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
					writeError(w, http.StatusUnsupportedMediaType, jerseyMessage(http.StatusUnsupportedMediaType))
					return
				}
			}
		}
		// Jersey answers 404 when a path parameter does not convert to its Java type.
		if task, ok := pathParams["task"]; ok {
			if _, err := strconv.ParseInt(task, 10, 32); err != nil {
				writeError(w, http.StatusNotFound, jerseyMessage(http.StatusNotFound))
				return
			}
		}

		r = r.Clone(r.Context())
		q := r.URL.Query()
		for _, name := range booleanParams {
			if vs, ok := q[name]; ok && len(vs) > 0 {
				q.Set(name, strconv.FormatBool(strings.EqualFold(vs[0], "true")))
			}
		}
		if route == "GET /connector-plugins" && !q.Has("connectorsOnly") {
			q.Set("connectorsOnly", "true")
		}
		r.URL.RawQuery = q.Encode()

		state := stateFrom(r.Context())
		if state != nil {
			state.route, state.pathParams = route, pathParams
		}
		if kind, ok := bodyRoutes[route]; ok {
			data, rerr := readBody(r)
			if rerr == nil {
				if state != nil {
					state.rawBody = data
				}
				var pb *parsedBody
				if pb, rerr = parseBody(kind, data, r.Header); rerr == nil {
					r.Body = pb
					if pb.encodedSize(pathParams) > MaxBodyBytes {
						rerr = tooLarge()
					}
				}
			}
			if rerr != nil {
				writeError(w, rerr.httpStatus, rerr.msg)
				return
			}
		}
		next(w, r, pathParams)
	}
}

// SuccessHTTPStatus is the HTTP status of a successful call of the gRPC method (full name) that
// returned resp: the status sluiced put in "sluice-http-status" metadata when there is one, else
// Kafka Connect's status for the endpoint.
func SuccessHTTPStatus(method string, resp proto.Message, md runtime.ServerMetadata) int {
	if st, ok := statusFromMetadata(md); ok {
		return st
	}
	switch method {
	case sluicev1.ConnectService_CreateConnector_FullMethodName:
		return http.StatusCreated
	case sluicev1.ConnectService_DeleteConnector_FullMethodName,
		sluicev1.ConnectService_StopConnector_FullMethodName,
		sluicev1.ConnectService_RestartTask_FullMethodName,
		sluicev1.ConnectService_PutTaskConfigs_FullMethodName,
		sluicev1.ConnectService_FenceZombies_FullMethodName:
		return http.StatusNoContent
	case sluicev1.ConnectService_PauseConnector_FullMethodName,
		sluicev1.ConnectService_ResumeConnector_FullMethodName,
		sluicev1.ConnectService_ResetConnectorTopics_FullMethodName:
		return http.StatusAccepted
	case sluicev1.ConnectService_RestartConnector_FullMethodName:
		if r, ok := resp.(*sluicev1.RestartConnectorResponse); ok && r.GetStatus() != nil {
			return http.StatusAccepted
		}
		return http.StatusNoContent
	case sluicev1.ConnectService_SetLoggerLevel_FullMethodName:
		if r, ok := resp.(*sluicev1.SetLoggerLevelResponse); ok && len(r.GetLoggers()) == 0 {
			return http.StatusNoContent
		}
	}
	return http.StatusOK
}

// forwardResponse is the ServeMux forward-response option: it renders the body, chooses the
// status, sets Location on a created connector, and writes the status line. It runs before
// anything is written, so a failure still becomes a clean error answer.
func forwardResponse(ctx context.Context, w http.ResponseWriter, resp proto.Message) error {
	state := stateFrom(ctx)
	if state == nil || resp == nil {
		return nil
	}
	// Generated wrappers for response_body embed the message; take the message itself.
	msg := resp.ProtoReflect().Interface()
	method, _ := runtime.RPCMethod(ctx)
	md, _ := runtime.ServerMetadataFromContext(ctx)
	httpStatus := SuccessHTTPStatus(method, msg, md)

	body, hasBody, err := renderBody(msg)
	if err != nil {
		return err
	}
	if !hasBody || httpStatus == http.StatusNoContent || httpStatus == http.StatusNotModified {
		state.body = noBody{}
		w.Header().Del("Content-Type")
	} else {
		state.body = renderedJSON(body)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	if httpStatus == http.StatusCreated {
		if info, ok := msg.(*sluicev1.ConnectorInfo); ok && (method == sluicev1.ConnectService_CreateConnector_FullMethodName ||
			method == sluicev1.ConnectService_PutConnectorConfig_FullMethodName) {
			w.Header().Set("Location", "http://"+state.host+"/connectors/"+LocationPath(info.GetName()))
		}
	}
	w.WriteHeader(httpStatus)
	return nil
}

// LocationPath encodes a connector name for the Location header as Kafka Connect's
// UriBuilder.fromUri("/connectors").path(name) does: '/' is kept (a name with a slash gives
// several segments), so are the characters a path may hold unencoded (RFC 3986 unreserved and
// sub-delims, ':', '@') and valid %XX escapes; every other byte of the UTF-8 name is %XX.
func LocationPath(name string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '%' && i+2 < len(name) && isHex(name[i+1]) && isHex(name[i+2]):
			b.WriteByte(c)
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// rewriteResponse is the ServeMux forward-response rewriter: the body forwardResponse rendered.
func rewriteResponse(ctx context.Context, resp proto.Message) (any, error) {
	if state := stateFrom(ctx); state != nil && state.body != nil {
		return state.body, nil
	}
	return resp, nil
}

// renderedJSON is a response body already in Kafka Connect's JSON.
type renderedJSON []byte

// noBody is a response without a body (202 / 204).
type noBody struct{}

// marshaler is the ServeMux marshaler for every media type. Outbound it writes what the
// rewriter rendered (or protojson, for anything else); inbound it hands over the body the
// middleware parsed.
type marshaler struct{}

func (marshaler) ContentType(any) string { return "application/json" }

func (marshaler) Marshal(v any) ([]byte, error) {
	switch t := v.(type) {
	case renderedJSON:
		return t, nil
	case noBody:
		return nil, nil
	case proto.Message:
		return marshalProto(t)
	default:
		return encodeJSON(v)
	}
}

func (marshaler) Unmarshal(data []byte, v any) error {
	if m, ok := v.(proto.Message); ok {
		return protojson.Unmarshal(data, m)
	}
	return json.Unmarshal(data, v)
}

func (marshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		pb, ok := r.(*parsedBody)
		if !ok {
			return errNoBodyReader
		}
		return pb.assign(v)
	})
}

func (m marshaler) NewEncoder(w io.Writer) runtime.Encoder {
	return runtime.EncoderFunc(func(v any) error {
		b, err := m.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

var errNoBodyReader = newRequestError(http.StatusInternalServerError, "internal error: this route has no body reader")
