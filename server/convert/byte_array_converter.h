// ByteArrayConverter: Kafka Connect's org.apache.kafka.connect.converters.ByteArrayConverter.
// Passes bytes through unchanged in both directions.
//
// Thread-compatible (stateless).
#ifndef SLUICE_SERVER_CONVERT_BYTE_ARRAY_CONVERTER_H_
#define SLUICE_SERVER_CONVERT_BYTE_ARRAY_CONVERTER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/convert/converter.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

inline constexpr std::string_view kByteArrayConverterClass =
    "org.apache.kafka.connect.converters.ByteArrayConverter";

// ConverterConfig's keys (converter.type only).
const ConfigDef& ByteArrayConverterConfigDef();

class ByteArrayConverter final : public Converter {
 public:
  // Accepts a null or BYTES schema and a bytes or null value; InvalidArgument otherwise, with
  // Kafka's messages.
  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                             const Schema* schema,
                                                             const Value& value) override;
  // A BYTES value's bytes are moved, not copied.
  absl::StatusOr<std::optional<std::string>> FromOwnedConnectData(std::string_view topic,
                                                                  const Schema* schema,
                                                                  Value&& value) override;
  // Always OPTIONAL_BYTES; null bytes give a null value.
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) override;
};

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_BYTE_ARRAY_CONVERTER_H_
