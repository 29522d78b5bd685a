// Header converters: Connect data <-> the bytes of one Kafka record header value, as Kafka
// Connect's HeaderConverter interface. The worker runs them for every record (source: before
// producing; sink: after consuming), configured by `header.converter` on the worker or the
// connector.
//
// Built in, under Kafka Connect's class names: SimpleHeaderConverter (the default: values as
// text, read back with type inference), and StringConverter, ByteArrayConverter, JsonConverter
// and the primitive converters (BooleanConverter, ...), which are also header converters.
//
// Thread-compatibility: a configured HeaderConverter is used by one task runner thread at a
// time; each task has its own instances.
#ifndef SLUICE_SERVER_CONVERT_HEADER_CONVERTER_H_
#define SLUICE_SERVER_CONVERT_HEADER_CONVERTER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/convert/converter.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

inline constexpr std::string_view kSimpleHeaderConverterClass =
    "org.apache.kafka.connect.storage.SimpleHeaderConverter";

class HeaderConverter {
 public:
  virtual ~HeaderConverter() = default;

  // HeaderConverter.fromConnectHeader: the bytes of header `header_key`'s value. nullopt is a
  // null header value. `schema` may be null. Errors as Converter::FromConnectData (with the Java
  // exception identity of connect_exception.h).
  virtual absl::StatusOr<std::optional<std::string>> FromConnectHeader(
      std::string_view topic, std::string_view header_key, const Schema* schema,
      const Value& value) = 0;

  // HeaderConverter.toConnectHeader: the Connect data of a header's bytes (nullopt: a null
  // value). Errors as Converter::ToConnectData.
  virtual absl::StatusOr<SchemaAndValue> ToConnectHeader(
      std::string_view topic, std::string_view header_key,
      std::optional<std::string_view> bytes) = 0;
};

struct HeaderConverterClass {
  std::string class_name;
  std::vector<std::string> aliases;
  std::string version;
  ConfigDef config;
};

// Every built-in class usable as a header converter, in the order GET /connector-plugins lists
// header converters (by class name).
const std::vector<HeaderConverterClass>& BuiltinHeaderConverters();

// A configured header converter. `config` holds its keys with the "header.converter." prefix
// stripped; converter.type is set to "header" here. NotFound for an unknown class ("Could not
// find header converter class X"); InvalidArgument for a bad config value.
absl::StatusOr<std::unique_ptr<HeaderConverter>> CreateHeaderConverter(
    std::string_view class_name, const ConfigMap& config);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_HEADER_CONVERTER_H_
