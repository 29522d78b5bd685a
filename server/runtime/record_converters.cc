#include "server/runtime/record_converters.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/convert/json.h"

namespace sluice::runtime {
namespace {

absl::StatusOr<std::unique_ptr<convert::Converter>> MakeConverter(
    const config::ConverterSetting& worker_setting, const ConfigMap& connector_config,
    const std::string& key, bool is_key) {
  auto it = connector_config.find(key);
  if (it == connector_config.end() || it->second.empty()) {
    return convert::CreateConverter(worker_setting.class_name, worker_setting.config, is_key);
  }
  ConfigMap config;
  std::string prefix = key + ".";
  for (const auto& [k, v] : connector_config) {
    if (absl::StartsWith(k, prefix)) config[k.substr(prefix.size())] = v;
  }
  absl::StatusOr<std::unique_ptr<convert::Converter>> converter =
      convert::CreateConverter(it->second, config, is_key);
  if (!converter.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid value ", it->second,
                                                   " for configuration ", key, ": ",
                                                   converter.status().message()));
  }
  return converter;
}

}  // namespace

absl::StatusOr<RecordConverters> RecordConverters::Create(const config::WorkerConfig& worker,
                                                          const ConfigMap& connector_config) {
  RecordConverters converters;
  absl::StatusOr<std::unique_ptr<convert::Converter>> key =
      MakeConverter(worker.key_converter, connector_config, "key.converter", true);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::unique_ptr<convert::Converter>> value =
      MakeConverter(worker.value_converter, connector_config, "value.converter", false);
  if (!value.ok()) return value.status();
  converters.key = *std::move(key);
  converters.value = *std::move(value);
  auto tolerance = connector_config.find("errors.tolerance");
  if (tolerance != connector_config.end()) {
    if (tolerance->second == "all") {
      converters.tolerance = ErrorTolerance::kAll;
    } else if (tolerance->second != "none") {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid value ", tolerance->second,
                       " for configuration errors.tolerance: String must be one of: none, all"));
    }
  }
  return converters;
}

std::optional<std::string> HeaderToBytes(const Header& header) {
  const Value& v = header.value;
  switch (v.kind()) {
    case Value::Kind::kNull:
      return std::nullopt;
    case Value::Kind::kString:
      return v.string();
    case Value::Kind::kBytes:
      return v.bytes();
    default:
      return convert::SerializeSchemaless(v);
  }
}

Header HeaderFromBytes(std::string key, std::optional<std::string_view> bytes) {
  Header header;
  header.key = std::move(key);
  header.schema = Schema::OptionalString();
  if (bytes.has_value()) header.value = Value::String(std::string(*bytes));
  return header;
}

}  // namespace sluice::runtime
