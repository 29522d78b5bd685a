// Kafka Connect's primitive converters, org.apache.kafka.connect.converters.{Boolean, Short,
// Integer, Long, Float, Double}Converter: one value of one type as the Kafka serializers write
// it (big-endian, fixed width; a boolean is one byte, 0 or 1). Each is also a header converter.
//
// Thread-compatible (stateless).
#ifndef SLUICE_SERVER_CONVERT_PRIMITIVE_CONVERTERS_H_
#define SLUICE_SERVER_CONVERT_PRIMITIVE_CONVERTERS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/convert/converter.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

inline constexpr std::string_view kBooleanConverterClass =
    "org.apache.kafka.connect.converters.BooleanConverter";
inline constexpr std::string_view kShortConverterClass =
    "org.apache.kafka.connect.converters.ShortConverter";
inline constexpr std::string_view kIntegerConverterClass =
    "org.apache.kafka.connect.converters.IntegerConverter";
inline constexpr std::string_view kLongConverterClass =
    "org.apache.kafka.connect.converters.LongConverter";
inline constexpr std::string_view kFloatConverterClass =
    "org.apache.kafka.connect.converters.FloatConverter";
inline constexpr std::string_view kDoubleConverterClass =
    "org.apache.kafka.connect.converters.DoubleConverter";

// BooleanConverterConfig / NumberConverterConfig: converter.type only.
const ConfigDef& PrimitiveConverterConfigDef();

class PrimitiveConverter final : public Converter {
 public:
  enum class Type { kBoolean, kShort, kInteger, kLong, kFloat, kDouble };

  explicit PrimitiveConverter(Type type) : type_(type) {}

  // The converter of one of the class names above; nullopt for any other name.
  static std::optional<Type> TypeOfClass(std::string_view class_name);

  // A null value gives null bytes. BooleanConverter refuses a schema that is not BOOLEAN and a
  // value that is not a boolean; the number converters ignore the schema and refuse a value of
  // another Java class (a Short for IntegerConverter, say), with Kafka's DataException message
  // and its ClassCastException cause.
  absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                             const Schema* schema,
                                                             const Value& value) override;
  // The type's optional schema; null bytes give a null value. DataException ("Failed to
  // deserialize integer: ", with the deserializer's SerializationException as its cause) for
  // bytes of the wrong size, or a boolean byte other than 0 and 1.
  absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                               std::optional<std::string_view> bytes) override;

 private:
  Type type_;
};

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_PRIMITIVE_CONVERTERS_H_
