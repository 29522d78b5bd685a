package kcrest

import (
	"context"
	"net/http"

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
)

type principalKey struct{}

// WithPrincipal returns ctx naming the authenticated principal of its request.
func WithPrincipal(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, principalKey{}, principal)
}

// PrincipalFrom returns the principal WithPrincipal put in ctx, or "".
func PrincipalFrom(ctx context.Context) string {
	p, _ := ctx.Value(principalKey{}).(string)
	return p
}

// WithBackendToken makes every call to sluiced carry token and the request's principal.
func WithBackendToken(token string) Option {
	return func(o *handlerOptions) { o.backendToken = token }
}

// identityMetadata is the ServeMux metadata annotator for WithBackendToken.
func identityMetadata(token string) func(context.Context, *http.Request) metadata.MD {
	return func(_ context.Context, r *http.Request) metadata.MD {
		md := metadata.MD{gatewayTokenMetadataKey: []string{token}}
		if p := PrincipalFrom(r.Context()); p != "" {
			md[gatewayPrincipalMetadataKey] = []string{p}
		}
		return md
	}
}
