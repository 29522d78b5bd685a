// StringConverter: Kafka Connect's org.apache.kafka.connect.storage.StringConverter. Writes a
// value's text (strings as they are, other values as Java's toString() would print them) and
// reads any bytes as an optional string.
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

// Java's toString() of a Connect value, using `schema` (may be null) to print decimals as
// BigDecimal does: Struct{a=1,b=x}, [1, 2], {k=v}, 1.0E10. Bytes are copied as they are (Java
// would print the array's identity, "[B@1b6d3586").
std::string ValueToJavaString(const Schema* schema, const Value& value);

class StringConverter final : public Converter {
 public:
  StringConverter() = default;

  // InvalidArgument for an encoding other than UTF-8.
  static absl::StatusOr<std::unique_ptr<StringConverter>> Create(const ConfigMap& config,
                                                                 bool is_key);

  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                             const Schema* schema,
                                                             const Value& value) override;
  // Invalid UTF-8 sequences become U+FFFD, as Java's decoder replaces them.
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_STRING_CONVERTER_H_
