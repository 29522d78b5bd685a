#include "server/transforms/insert_header.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/values.h"
#include "server/transforms/builtins.h"

#ifndef SLUICE_TRANSFORMS_VERSION
#define SLUICE_TRANSFORMS_VERSION "unknown"
#endif

namespace sluice::transforms {
namespace {

constexpr char kHeader[] = "header";
constexpr char kValueLiteral[] = "value.literal";

}  // namespace

const ConfigDef& InsertHeaderConfigDef() {
  static const ConfigDef* const kDef = [] {
    auto* def = new ConfigDef();
    {
      ConfigKey key;
      key.name = kHeader;
      key.type = ConfigType::kString;
      key.validator = validators::NonNull();
      key.validator_doc = "non-null string";
      key.importance = ConfigImportance::kHigh;
      key.documentation = "The name of the header.";
      def->Define(std::move(key));
    }
    {
      ConfigKey key;
      key.name = kValueLiteral;
      key.type = ConfigType::kString;
      key.validator = validators::NonNull();
      key.validator_doc = "non-null string";
      key.importance = ConfigImportance::kHigh;
      key.documentation =
          "The literal value that is to be set as the header value on all records.";
      def->Define(std::move(key));
    }
    return def;
  }();
  return *kDef;
}

InsertHeader::InsertHeader(std::string header, SchemaPtr schema, Value value)
    : header_(std::move(header)), schema_(std::move(schema)), value_(std::move(value)) {}

absl::StatusOr<std::unique_ptr<InsertHeader>> InsertHeader::Create(const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = InsertHeaderConfigDef().Parse(config);
  if (!parsed.ok()) return convert::ConfigError(std::string(parsed.status().message()));
  const std::string literal = parsed->GetString(kValueLiteral);
  absl::StatusOr<convert::SchemaAndValue> value = convert::ParseString(literal);
  if (!value.ok()) {
    // Kafka accepts these literals; Sluice cannot hold what they read as.
    return convert::ConfigError(absl::StrCat("Invalid value ", literal, " for configuration ",
                                             kValueLiteral, ": ", value.status().message()));
  }
  return std::unique_ptr<InsertHeader>(
      new InsertHeader(parsed->GetString(kHeader), value->schema, std::move(value->value)));
}

absl::StatusOr<bool> InsertHeader::Apply(ConnectRecord& record) {
  record.headers.push_back(Header{header_, schema_, value_});
  return true;
}

std::vector<TransformationClass> InsertHeaderClasses() {
  return {TransformationClass{
      std::string(kInsertHeaderClass), SLUICE_TRANSFORMS_VERSION, InsertHeaderConfigDef(),
      [](const ConfigMap& config) -> absl::StatusOr<std::unique_ptr<Transformation>> {
        absl::StatusOr<std::unique_ptr<InsertHeader>> t = InsertHeader::Create(config);
        if (!t.ok()) return t.status();
        return std::unique_ptr<Transformation>(*std::move(t));
      }}};
}

}  // namespace sluice::transforms
