// Package kcrest serves Kafka Connect's REST API in front of sluiced's gRPC ConnectService.
//
// The routes are the google.api.http annotations of proto/sluice/v1/connect.proto, served by
// grpc-gateway v2's generated reverse proxy. Where Kafka Connect's JSON differs from
// grpc-gateway's defaults, this package adapts it through the ServeMux hooks only:
//
//   - a middleware reads request bodies as Jackson does (body.go) and applies Kafka Connect's
//     415 / 413 / 404 rules and query defaults before the generated handler runs;
//   - a marshaler hands those bodies to the generated code and writes pre-rendered responses;
//   - a forward-response option picks the success status (201 / 202 / 204 / the server's
//     "sluice-http-status") and sets Location; a response rewriter renders the body (render.go);
//   - the error and routing error handlers write {"error_code":N,"message":"..."} (errors.go);
//     when sluiced answers that another worker must serve the request, the error handler
//     forwards it to the leader as Kafka Connect does (forward.go).
//
// See gateway/README.md for the full list of adaptations.
package kcrest
