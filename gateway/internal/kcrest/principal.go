package kcrest

import (
	"context"
	"net/http"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// The gateway speaks to sluiced for the REST caller it authenticated: every gRPC call carries
// the gateway's secret token (which sluiced gave it at start, so that no other client can claim
// to be the gateway) and the caller's principal: the basic-auth user, or the subject of a
// verified TLS client certificate. sluiced authorizes the call for that principal (tenants).

// Metadata keys, as sluiced reads them (server/api/access_control.h).
const (
	gatewayTokenMetadataKey     = "x-sluice-gateway-token"
	gatewayPrincipalMetadataKey = "x-sluice-principal-bin" // binary: a principal may be UTF-8
	// The call serves a scrape of the metrics listener, which has no authentication.
	metricsListenerMetadataKey = "x-sluice-metrics-listener"
)

type principalKey struct{}

type metricsListenerKey struct{}

// forMetricsListener marks ctx as serving a scrape of the metrics listener.
func forMetricsListener(ctx context.Context) context.Context {
	return context.WithValue(ctx, metricsListenerKey{}, true)
}

// WithPrincipal returns ctx naming the authenticated principal of its request.
func WithPrincipal(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, principalKey{}, principal)
}

// PrincipalFrom returns the principal WithPrincipal put in ctx, or "".
func PrincipalFrom(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

// BackendIdentity is the gRPC client interceptor that makes every call to sluiced carry token
// and the principal of the request the call serves (its context's).
func BackendIdentity(token string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		pairs := []string{gatewayTokenMetadataKey, token}
		if p := PrincipalFrom(ctx); p != "" {
			pairs = append(pairs, gatewayPrincipalMetadataKey, p)
		}
		if listener, _ := ctx.Value(metricsListenerKey{}).(bool); listener {
			pairs = append(pairs, metricsListenerMetadataKey, "1")
		}
		return invoker(metadata.AppendToOutgoingContext(ctx, pairs...), method, req, reply, cc, opts...)
	}
}

// WithCertificatePrincipal wraps next so that a request on a TLS connection with a verified client
// certificate is made as the certificate's subject (ClientCertPrincipal).
func WithCertificatePrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := ClientCertPrincipal(r.TLS); p != "" {
			r = r.WithContext(WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}
