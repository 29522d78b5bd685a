#include "server/convert/json.h"

#include "server/convert/json_converter.h"
#include "sluice/sdk/internal/check.h"

namespace sluice::convert {
namespace {

JsonConverterOptions SchemalessOptions() {
  JsonConverterOptions options;
  options.schemas_enable = false;
  options.schemas_cache_size = 0;
  options.write_schemaless_structs = true;
  return options;
}

}  // namespace

std::string SerializeSchemaless(const Value& value) {
  const JsonConverter converter(SchemalessOptions());
  std::string out;
  const absl::Status status = converter.AppendPayload(nullptr, value, &out);
  // Without a schema every kind has a JSON form; a failure here is a bug in the writer.
  SLUICE_CHECK(status.ok(), std::string(status.message()).c_str());
  return out;
}

absl::StatusOr<Value> ParseSchemaless(std::string_view json) {
  JsonConverter converter(SchemalessOptions());
  absl::StatusOr<SchemaAndValue> result = converter.ToConnectData("", json);
  if (!result.ok()) return result.status();
  return std::move(result->value);
}

}  // namespace sluice::convert
