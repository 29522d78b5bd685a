package kcrest

// Forwarding to the leader: Kafka Connect's HerderRequestHandler.completeOrForwardRequest. In a
// distributed cluster only the leader performs some writes; a follower's herder answers
// NotLeader (with the leader's REST URL) and its REST layer sends the same request to the
// leader, then answers with what the leader answered. sluiced signals NotLeader and
// RebalanceNeeded in trailing metadata (server/herder/request_target.h); this file does the
// rest, for exactly the endpoints Kafka Connect 3.9 forwards, so that forwarding works between
// Sluice and Java workers both ways.
//
// The request sent to the leader is Java's RestClient.httpRequest: the same method, Java's path
// (the decoded path parameters encoded as UriBuilder.path encodes them), the query
// "forward=true" when the client's request had no `forward` parameter and "forward=false" when
// it had forward=true (then restart's includeTasks / onlyFailed), headers Accept:
// application/json, User-Agent: kafka-connect, Content-Type: application/json with a body, and
// the client's Authorization header, nothing else (not the KIP-507 signature headers). No
// redirects are followed; connecting times out after 15 s (Jetty HttpClient's default), the
// exchange itself has no deadline (as in Java) beyond the client's own request; an answer over
// 2 MiB is refused (Jetty's buffering limit).
//
// The leader's answer: a 2xx becomes the status Kafka Connect's resource gives that endpoint
// (for PUT .../config: 201 when the leader created it, else 200) with the leader's body as is
// (Java re-serialises the same value); a status >= 400 is answered with that status and the
// leader's {"error_code","message"}; anything else, or a body that does not read, is a 500.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/metadata"
)

// Metadata keys of sluiced's request-target statuses (server/api/status_mapping.h).
const (
	NotLeaderMetadataKey       = "sluice-not-leader"
	LeaderURLMetadataKey       = "sluice-leader-url"
	RebalanceNeededMetadataKey = "sluice-rebalance-needed"
)

// Kafka Connect's answers when a request cannot be forwarded (HerderRequestHandler).
const (
	noLeaderMessage = "Cannot complete request momentarily due to no known leader URL, " +
		"likely because a rebalance was underway."
	conflictMessage  = "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
	rebalanceMessage = "Cannot complete request momentarily due to stale configuration " +
		"(typically caused by a concurrent config change)"
)

const (
	// ForwardConnectTimeout is Jetty HttpClient's default connect timeout, which Kafka Connect's
	// RestClient keeps.
	ForwardConnectTimeout = 15 * time.Second
	// maxForwardAnswerBytes is Jetty's FutureResponseListener buffer, the most Kafka Connect's
	// RestClient reads of an answer.
	maxForwardAnswerBytes = 2 << 20
)

// forwardBody is what body Kafka Connect's follower sends the leader.
type forwardBody int

const (
	forwardNoBody       forwardBody = iota
	forwardClientBody               // the client's JSON body (Java sends the same value re-serialised)
	forwardBodyAsBase64             // Jackson's serialisation of the raw byte[] body: a base64 JSON string
)

// forwardRoute is how Kafka Connect forwards one endpoint.
type forwardRoute struct {
	// path is Java's forwarding path, not yet encoded.
	path func(params map[string]string) string
	body forwardBody
	// status is the status Java's resource answers once the leader answered leaderStatus (2xx);
	// hasBody says whether the leader's body is passed on.
	status func(leaderStatus int, r *http.Request) (status int, hasBody bool)
	// created names the connector a 201 answer's Location points to.
	created func(params map[string]string, body *parsedBody) string
	// restartQuery: includeTasks and onlyFailed go to the leader when either is true.
	restartQuery bool
}

func statusOf(status int, hasBody bool) func(int, *http.Request) (int, bool) {
	return func(int, *http.Request) (int, bool) { return status, hasBody }
}

// restartsTasks is ConnectorsResource's !forceRestartConnectorOnly: includeTasks or
// onlyFailed was asked for.
func restartsTasks(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("includeTasks") == "true" || q.Get("onlyFailed") == "true"
}

// forwardRoutes are the endpoints Kafka Connect 3.9 forwards (ConnectorsResource and
// InternalConnectResource call completeOrForwardRequest), by grpc-gateway route pattern.
var forwardRoutes = map[string]forwardRoute{
	"POST /connectors": {
		path:   func(map[string]string) string { return "/connectors" },
		body:   forwardClientBody,
		status: statusOf(http.StatusCreated, true),
		created: func(_ map[string]string, body *parsedBody) string {
			if body != nil {
				if req, ok := body.value.(interface{ GetName() string }); ok {
					return javaTrim(req.GetName())
				}
			}
			return ""
		},
	},
	"PUT /connectors/{name=*}/config": {
		path: func(p map[string]string) string { return "/connectors/" + p["name"] + "/config" },
		body: forwardClientBody,
		status: func(leader int, _ *http.Request) (int, bool) {
			if leader == http.StatusCreated {
				return http.StatusCreated, true
			}
			return http.StatusOK, true
		},
		created: func(p map[string]string, _ *parsedBody) string { return p["name"] },
	},
	"PATCH /connectors/{name=*}/config": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/config" },
		body:   forwardClientBody,
		status: statusOf(http.StatusOK, true),
	},
	"POST /connectors/{name=*}/restart": {
		path:         func(p map[string]string) string { return "/connectors/" + p["name"] + "/restart" },
		restartQuery: true,
		status: func(_ int, r *http.Request) (int, bool) {
			if restartsTasks(r) {
				return http.StatusAccepted, true
			}
			return http.StatusNoContent, false
		},
	},
	"PUT /connectors/{name=*}/stop": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/stop" },
		status: statusOf(http.StatusNoContent, false),
	},
	"POST /connectors/{name=*}/tasks/{task=*}/restart": {
		path: func(p map[string]string) string {
			task, _ := strconv.ParseInt(p["task"], 10, 32) // checked by the middleware
			return "/connectors/" + p["name"] + "/tasks/" + strconv.FormatInt(task, 10) + "/restart"
		},
		status: statusOf(http.StatusNoContent, false),
	},
	"DELETE /connectors/{name=*}": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] },
		status: statusOf(http.StatusNoContent, false),
	},
	"PATCH /connectors/{name=*}/offsets": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/offsets" },
		body:   forwardClientBody,
		status: statusOf(http.StatusOK, true),
	},
	"DELETE /connectors/{name=*}/offsets": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/offsets" },
		status: statusOf(http.StatusOK, true),
	},
	"POST /connectors/{name=*}/tasks": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/tasks" },
		body:   forwardClientBody,
		status: statusOf(http.StatusNoContent, false),
	},
	"PUT /connectors/{name=*}/fence": {
		path:   func(p map[string]string) string { return "/connectors/" + p["name"] + "/fence" },
		body:   forwardBodyAsBase64,
		status: statusOf(http.StatusNoContent, false),
	},
}

// javaTrim is String.trim: leading and trailing characters <= ' ' removed.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// ForwardOptions configures the client that forwards requests to the leader.
type ForwardOptions struct {
	// TLS is used for https leader URLs; nil means Go's defaults (the system's roots, the host
	// name checked), which is what Kafka Connect does without ssl.* settings.
	TLS *tls.Config
}

// newForwardClient is Kafka Connect's RestClient as an http.Client: HTTP/1.1, no proxy (Jetty's
// HttpClient uses none unless configured), Jetty's connect timeout, no redirects.
func newForwardClient(opts ForwardOptions) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	transport.DialContext = (&net.Dialer{Timeout: ForwardConnectTimeout}).DialContext
	transport.TLSClientConfig = opts.TLS
	transport.TLSHandshakeTimeout = ForwardConnectTimeout
	transport.ForceAttemptHTTP2 = false
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// forwarder answers sluiced's request-target errors as Kafka Connect's REST layer does.
type forwarder struct {
	client *http.Client
	logger *slog.Logger
}

// requestTarget is what sluiced's trailing metadata says about where a request belongs.
type requestTarget struct {
	notLeader       bool
	leaderURL       string // "" when unknown
	rebalanceNeeded bool
}

func requestTargetFrom(md runtime.ServerMetadata) requestTarget {
	get := func(key string) (string, bool) {
		for _, m := range []metadata.MD{md.HeaderMD, md.TrailerMD} {
			if v := m.Get(key); len(v) > 0 {
				return v[0], true
			}
		}
		return "", false
	}
	var t requestTarget
	_, t.notLeader = get(NotLeaderMetadataKey)
	t.leaderURL, _ = get(LeaderURLMetadataKey)
	_, t.rebalanceNeeded = get(RebalanceNeededMetadataKey)
	return t
}

// handle answers the failed call of a forwarding route whose error says another worker must
// serve it; it returns false when the error is not such (the caller answers it as usual).
func (f *forwarder) handle(ctx context.Context, w http.ResponseWriter, r *http.Request) bool {
	state := stateFrom(ctx)
	if state == nil {
		return false
	}
	route, ok := forwardRoutes[state.route]
	if !ok {
		return false
	}
	md, _ := runtime.ServerMetadataFromContext(ctx)
	target := requestTargetFrom(md)
	switch {
	case target.rebalanceNeeded:
		writeError(w, http.StatusConflict, rebalanceMessage)
		return true
	case !target.notLeader:
		return false
	}
	// Jersey reads `forward` as a Boolean: absent is null, else Boolean.valueOf of the first value.
	forwardParam, present := r.URL.Query()["forward"]
	if present && !strings.EqualFold(forwardParam[0], "true") {
		f.logger.Error("request failed because it couldn't find the target Connect worker within two hops (between workers)",
			"method", r.Method, "path", r.URL.Path)
		writeError(w, http.StatusConflict, conflictMessage)
		return true
	}
	if target.leaderURL == "" {
		writeError(w, http.StatusConflict, noLeaderMessage)
		return true
	}
	f.forward(w, r, state, route, target.leaderURL, !present)
	return true
}

// forwardURL is UriBuilder.fromUri(leader).path(path).queryParam("forward", recursive) and,
// for a restart of tasks, its includeTasks and onlyFailed (in HashMap order).
func forwardURL(leader, path string, recursive bool, r *http.Request, route forwardRoute) (string, error) {
	u, err := url.Parse(leader)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("the leader's URL %q is not an absolute URL", leader)
	}
	base := strings.TrimSuffix(u.EscapedPath(), "/")
	query := "forward=" + strconv.FormatBool(recursive)
	if route.restartQuery && restartsTasks(r) {
		q := r.URL.Query()
		query += "&includeTasks=" + strconv.FormatBool(q.Get("includeTasks") == "true") +
			"&onlyFailed=" + strconv.FormatBool(q.Get("onlyFailed") == "true")
	}
	return u.Scheme + "://" + u.Host + base + LocationPath(path) + "?" + query, nil
}

func (f *forwarder) forward(w http.ResponseWriter, r *http.Request, state *requestState,
	route forwardRoute, leader string, recursive bool) {
	target, err := forwardURL(leader, route.path(state.pathParams), recursive, r, route)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Error trying to forward REST request: "+err.Error())
		return
	}
	var body io.Reader
	hasBody := false
	switch route.body {
	case forwardClientBody:
		if state.rawBody != nil {
			body, hasBody = bytes.NewReader(state.rawBody), true
		}
	case forwardBodyAsBase64:
		b, _ := json.Marshal(state.rawBody) // a JSON string of standard, padded base64, as Jackson writes byte[]
		if state.rawBody == nil {
			b = []byte(`""`)
		}
		body, hasBody = bytes.NewReader(b), true
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target, body)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Error trying to forward REST request: "+err.Error())
		return
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth := r.Header.Values("Authorization"); len(auth) > 0 {
		req.Header.Set("Authorization", strings.Join(auth, ","))
	}
	f.logger.Debug("forwarding request", "url", target, "method", r.Method)
	resp, err := f.client.Do(req)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+javaIOError(err))
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxForwardAnswerBytes+1))
	if err == nil && len(answer) > maxForwardAnswerBytes {
		err = fmt.Errorf("java.lang.IllegalArgumentException: Buffering capacity %d exceeded", maxForwardAnswerBytes)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err.Error())
		return
	}
	f.relay(w, r, state, route, resp.StatusCode, answer)
}

// relay answers with what the leader answered, as Kafka Connect's follower does.
func (f *forwarder) relay(w http.ResponseWriter, r *http.Request, state *requestState,
	route forwardRoute, leaderStatus int, answer []byte) {
	switch {
	case leaderStatus == http.StatusNoContent:
		answer = nil
	case leaderStatus >= 400:
		code, msg, err := readErrorMessage(answer)
		if err != "" {
			writeError(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err)
			return
		}
		writeErrorBody(w, leaderStatus, code, msg)
		return
	case leaderStatus >= 200 && leaderStatus < 300:
		if msg := readAnswerJSON(answer); msg != "" {
			writeError(w, http.StatusInternalServerError, "IO Error trying to forward REST request: "+msg)
			return
		}
	default:
		writeError(w, http.StatusInternalServerError,
			"Unexpected status code when handling forwarded request: "+strconv.Itoa(leaderStatus))
		return
	}
	status, hasBody := route.status(leaderStatus, r)
	if status == http.StatusCreated && route.created != nil {
		pb, _ := r.Body.(*parsedBody)
		name := route.created(state.pathParams, pb)
		w.Header().Set("Location", "http://"+state.host+"/connectors/"+LocationPath(name))
	}
	h := w.Header()
	if !hasBody || len(answer) == 0 {
		h.Del("Content-Type")
		h.Set("Content-Length", "0")
		if status == http.StatusNoContent {
			h.Del("Content-Length")
		}
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

// readErrorMessage reads the leader's error body as Kafka Connect reads an ErrorMessage:
// error_code an int (a missing one is 0), message a string or null. err is why it does not
// read ("" when it does).
func readErrorMessage(answer []byte) (code int, msg *string, err string) {
	if m := readAnswerJSON(answer); m != "" {
		return 0, nil, m
	}
	var fields map[string]json.RawMessage
	if e := json.Unmarshal(answer, &fields); e != nil {
		return 0, nil, "Cannot deserialize value of type `org.apache.kafka.connect.runtime.rest.entities.ErrorMessage`: " + e.Error()
	}
	for name, raw := range fields {
		switch name {
		case "error_code":
			var n json.Number
			var s string
			switch {
			case string(raw) == "null":
			case json.Unmarshal(raw, &n) == nil:
				v, e := n.Int64()
				if e != nil {
					return 0, nil, "error_code is not an int: " + string(raw)
				}
				code = int(v)
			case json.Unmarshal(raw, &s) == nil:
				v, e := strconv.Atoi(s)
				if e != nil {
					return 0, nil, "error_code is not an int: " + string(raw)
				}
				code = v
			default:
				return 0, nil, "error_code is not an int: " + string(raw)
			}
		case "message":
			var s string
			switch {
			case string(raw) == "null":
				msg = nil
			case json.Unmarshal(raw, &s) == nil:
				msg = &s
			case len(raw) > 0 && raw[0] != '{' && raw[0] != '[':
				text := string(raw) // a number or boolean: Jackson's text of it
				msg = &text
			default:
				return 0, nil, "message is not a string: " + string(raw)
			}
		default:
			return 0, nil, fmt.Sprintf("Unrecognized field %q (class org.apache.kafka.connect.runtime.rest.entities.ErrorMessage), not marked as ignorable (2 known properties: \"error_code\", \"message\"])", name)
		}
	}
	return code, msg, ""
}

// writeErrorBody answers httpStatus with {"error_code":code,"message":msg} (msg may be null).
func writeErrorBody(w http.ResponseWriter, httpStatus, code int, msg *string) {
	body, err := encodeJSON(struct {
		ErrorCode int     `json:"error_code"`
		Message   *string `json:"message"`
	}{code, msg})
	if err != nil {
		body = []byte(`{"error_code":500,"message":"failed to encode the error"}`)
	}
	h := w.Header()
	h.Del("Trailer")
	h.Del("Transfer-Encoding")
	h.Del("Location")
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(httpStatus)
	_, _ = w.Write(body)
}

// javaIOError words the common connection failures as Jetty's client reports them (the text
// after "IO Error trying to forward REST request: "); others keep Go's words.
func javaIOError(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "java.net.ConnectException: Connection refused"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "java.net.UnknownHostException: " + dnsErr.Name + ": Name or service not known"
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "java.net.SocketTimeoutException: Connect Timeout"
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return err.Error()
}
