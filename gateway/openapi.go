// Package gateway holds what the sluice-gateway binary embeds from gen/: the OpenAPI v2 document
// that protoc-gen-openapiv2 generates from proto/sluice/v1/connect.proto at build time (see
// CMakeLists.txt). internal/openapi corrects it before it is served at /openapi.json.
package gateway

import _ "embed"

// GeneratedOpenAPIv2 is protoc-gen-openapiv2's document, as generated (proto field names).
//
//go:embed gen/openapi/sluice/v1/connect.swagger.json
var GeneratedOpenAPIv2 []byte
