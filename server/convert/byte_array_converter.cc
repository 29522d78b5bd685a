#include "server/convert/byte_array_converter.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"

namespace sluice::convert {

const ConfigDef& ByteArrayConverterConfigDef() {
  static const ConfigDef* const kDef = [] {
    auto* def = new ConfigDef();
    def->Define(ConverterTypeConfigKey());
    return def;
  }();
  return *kDef;
}

namespace {

// Kafka's ByteArrayConverter.fromConnectData checks: OK for a null or byte[] value under a null
// or BYTES schema.
absl::Status CheckBytes(const Schema* schema, const Value& value) {
  if (schema != nullptr && schema->type() != SchemaType::kBytes) {
    const std::string_view type = JavaTypeName(schema->type());
    return DataError(
        absl::StrCat("Invalid schema type for ByteArrayConverter: ",
                     absl::string_view(type.data(), type.size())));
  }
  if (value.is_null()) return absl::OkStatus();
  // A Decimal is a BigDecimal in Kafka Connect, not a byte[].
  const std::string_view cls = JavaClassNameOf(schema, value);
  if (value.kind() != Value::Kind::kBytes || cls != JavaClassName(Value::Kind::kBytes)) {
    return DataError(
        absl::StrCat("ByteArrayConverter is not compatible with objects of type ",
                     absl::string_view(cls.data(), cls.size())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ByteArrayConverter::FromOwnedConnectData(
    std::string_view topic, const Schema* schema, Value&& value) {
  if (absl::Status s = CheckBytes(schema, value); !s.ok()) return s;
  if (value.is_null()) return std::optional<std::string>();
  return std::optional<std::string>(value.ReleaseString());
}

absl::StatusOr<std::optional<std::string>> ByteArrayConverter::FromConnectData(
    std::string_view topic, const Schema* schema, const Value& value) {
  if (absl::Status s = CheckBytes(schema, value); !s.ok()) return s;
  if (value.is_null()) return std::optional<std::string>();
  return std::optional<std::string>(value.bytes());
}

absl::StatusOr<SchemaAndValue> ByteArrayConverter::ToConnectData(
    std::string_view topic, std::optional<std::string_view> bytes) {
  if (!bytes.has_value()) return SchemaAndValue{Schema::OptionalBytes(), Value::Null()};
  return SchemaAndValue{Schema::OptionalBytes(), Value::Bytes(std::string(*bytes))};
}

}  // namespace sluice::convert
