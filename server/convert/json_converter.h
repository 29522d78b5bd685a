// JsonConverter: Kafka Connect's org.apache.kafka.connect.json.JsonConverter. Writes the same
// bytes as the Java converter (Jackson, compact) and reads what it writes: the
// {"schema":...,"payload":...} envelope when schemas.enable=true, the bare payload otherwise;
// every Connect type, the Decimal/Date/Time/Timestamp logical types, base64 bytes, maps with
// non-string keys as [[k,v],...]. See README.md for where it differs from Java.
//
// Thread-compatible: one task runner thread at a time (it reuses a parser and a schema cache).
#ifndef SLUICE_SERVER_CONVERT_JSON_CONVERTER_H_
#define SLUICE_SERVER_CONVERT_JSON_CONVERTER_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/status/statusor.h"
#include "formats/json_tree.h"
#include "server/convert/converter.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

inline constexpr std::string_view kJsonConverterClass = "org.apache.kafka.connect.json.JsonConverter";

enum class DecimalFormat { kBase64, kNumeric };

struct JsonConverterOptions {
  bool schemas_enable = true;
  int32_t schemas_cache_size = 1000;
  DecimalFormat decimal_format = DecimalFormat::kBase64;
  bool replace_null_with_default = true;
};

// JsonConverterConfig's keys (with converter.type), as Kafka defines them.
const ConfigDef& JsonConverterConfigDef();

class JsonConverter final : public Converter {
 public:
  explicit JsonConverter(JsonConverterOptions options);

  // Parses the converter's own config keys. InvalidArgument for a bad value.
  static absl::StatusOr<std::unique_ptr<JsonConverter>> Create(const ConfigMap& config,
                                                               bool is_key);

  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                             const Schema* schema,
                                                             const Value& value) override;
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) override;

  // The payload JSON alone (no envelope), as the converter writes it with schemas.enable=false.
  // A null value writes "null" (or the schema's default); errors as FromConnectData.
  absl::Status AppendPayload(const Schema* schema, const Value& value, std::string* out) const;
  // The schema JSON of the envelope ("null" for no schema).
  absl::Status AppendSchema(const Schema* schema, std::string* out) const;

 private:
  absl::StatusOr<SchemaPtr> AsConnectSchema(const formats::JsonNode& json_schema);
  absl::StatusOr<SchemaPtr> BuildConnectSchema(const formats::JsonNode& json_schema);
  absl::StatusOr<Value> ConvertToConnect(const SchemaPtr& schema,
                                         const formats::JsonNode* json) const;

  JsonConverterOptions options_;
  formats::JsonParser parser_;
  // LRU cache of schemas read from envelopes, keyed by the schema's compact JSON text. Entries
  // are SchemaPtrs shared with the records that use them.
  std::list<std::pair<std::string, SchemaPtr>> schema_lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, SchemaPtr>>::iterator>
      schema_index_;
};

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_JSON_CONVERTER_H_
