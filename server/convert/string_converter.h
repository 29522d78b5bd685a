// StringConverter: Kafka Connect's org.apache.kafka.connect.storage.StringConverter. Writes a
// value's text (strings as they are, other values as Java's toString() prints them:
// sluice/sdk/java_text.h) and reads any bytes as an optional string. Also a header converter
// (header_converter.h).
//
// Thread-compatible (stateless after construction).
#ifndef SLUICE_SERVER_CONVERT_STRING_CONVERTER_H_
#define SLUICE_SERVER_CONVERT_STRING_CONVERTER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/convert/converter.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

inline constexpr std::string_view kStringConverterClass =
    "org.apache.kafka.connect.storage.StringConverter";

// StringConverterConfig's keys (converter.type, converter.encoding).
const ConfigDef& StringConverterConfigDef();

class StringConverter final : public Converter {
 public:
  StringConverter() = default;

  // InvalidArgument for an encoding other than UTF-8.
  static absl::StatusOr<std::unique_ptr<StringConverter>> Create(const ConfigMap& config,
                                                                 bool is_key);

  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                             const Schema* schema,
                                                             const Value& value) override;
  // A STRING value's characters are the bytes: moved, not copied.
  absl::StatusOr<std::optional<std::string>> FromOwnedConnectData(std::string_view topic,
                                                                  const Schema* schema,
                                                                  Value&& value) override;
  // Invalid UTF-8 sequences become U+FFFD, as Java's decoder replaces them.
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_STRING_CONVERTER_H_
