// Converters: Connect data <-> the bytes of a Kafka record key, value or header, as Kafka
// Connect's Converter interface. They run in the worker, once, for every plugin.
//
// Built in: StringConverter, ByteArrayConverter, JsonConverter (with and without the schema
// envelope), under Kafka Connect's class names and short aliases.
//
// Thread-compatibility: a configured Converter is used by one task runner thread at a time;
// each task has its own instances.
#ifndef SLUICE_SERVER_CONVERT_CONVERTER_H_
#define SLUICE_SERVER_CONVERT_CONVERTER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

struct SchemaAndValue {
  SchemaPtr schema;  // null: schemaless
  Value value;
};

class Converter {
 public:
  virtual ~Converter() = default;

  // Connect data -> bytes. nullopt stands for a null Kafka key or value (a tombstone).
  // `schema` may be null. InvalidArgument (Kafka Connect's DataException) when the value cannot
  // be converted, with a message that says why.
  virtual absl::StatusOr<std::optional<std::string>> FromConnectData(std::string_view topic,
                                                                     const Schema* schema,
                                                                     const Value& value) = 0;
  // The same, for a value the caller owns and needs no more: a converter whose bytes are the
  // value's own (StringConverter's strings, ByteArrayConverter's bytes) moves them out instead
  // of copying them (DESIGN §5: plain bytes and strings pass through). On an error `value` is
  // left as it was.
  virtual absl::StatusOr<std::optional<std::string>> FromOwnedConnectData(std::string_view topic,
                                                                          const Schema* schema,
                                                                          Value&& value) {
    return FromConnectData(topic, schema, value);
  }

  // Bytes -> Connect data. nullopt bytes is a null key or value. InvalidArgument for bytes that
  // cannot be read (malformed JSON, a schema envelope missing when schemas.enable=true, ...).
  virtual absl::StatusOr<SchemaAndValue> ToConnectData(std::string_view topic,
                                                       std::optional<std::string_view> bytes) = 0;
};

struct ConverterClass {
  std::string class_name;  // e.g. "org.apache.kafka.connect.json.JsonConverter"
  std::vector<std::string> aliases;  // e.g. "JsonConverter", "Json"
  std::string version;
  ConfigDef config;
};

// The "converter.type" key (key, value or header) that every converter's ConfigDef starts with,
// as Kafka's ConverterConfig; the worker sets it from where the converter is used.
ConfigKey ConverterTypeConfigKey();

// Every built-in converter class.
const std::vector<ConverterClass>& BuiltinConverters();

// A configured converter. `config` holds the converter's own keys with the prefix already
// stripped (the worker's "value.converter.schemas.enable" arrives as "schemas.enable").
// NotFound for an unknown class ("Could not find converter class X"); InvalidArgument for a bad
// config value.
absl::StatusOr<std::unique_ptr<Converter>> CreateConverter(std::string_view class_name,
                                                           const ConfigMap& config, bool is_key);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_CONVERTER_H_
