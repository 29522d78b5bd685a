#include "server/transforms/testing/kafka_cases.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/transforms/testing/record_text.h"

#ifndef SLUICE_TRANSFORMS_TESTDATA_DIR
#define SLUICE_TRANSFORMS_TESTDATA_DIR "server/transforms/testdata"
#endif

namespace sluice::transforms::testing {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr std::string_view kTransformsPackage = "org.apache.kafka.connect.transforms.";
constexpr std::string_view kPredicatesPackage = "org.apache.kafka.connect.transforms.predicates.";

// A class name as written in a case file: in full, or without Kafka's package.
std::string FullClassName(const std::string& name, std::string_view package) {
  if (absl::StrContains(name, ".")) return name;
  return absl::StrCat(Av(package), name);
}

// "k=v k2=v2" -> map.
std::map<std::string, std::string> Attributes(std::string_view text) {
  std::map<std::string, std::string> out;
  for (absl::string_view item : absl::StrSplit(absl::string_view(text.data(), text.size()), ' ',
                                               absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    out.insert(std::move(kv));
  }
  return out;
}

std::optional<int64_t> OptionalNumber(const std::map<std::string, std::string>& attrs,
                                      const std::string& key) {
  auto it = attrs.find(key);
  if (it == attrs.end() || it->second == "null") return std::nullopt;
  return std::atoll(it->second.c_str());
}

// "<schema> / <value>".
absl::Status ReadSchemaAndValue(std::string_view text, SchemaPtr& schema, Value& value) {
  const size_t cut = text.find(" / ");
  if (cut == std::string_view::npos) return absl::InvalidArgumentError("expected <schema> / <value>");
  absl::StatusOr<SchemaPtr> s = ParseSchemaText(text.substr(0, cut));
  if (!s.ok()) return s.status();
  absl::StatusOr<Value> v = ParseValueText(text.substr(cut + 3), *s);
  if (!v.ok()) return v.status();
  schema = *std::move(s);
  value = *std::move(v);
  return absl::OkStatus();
}

std::string DefaultText(const ConfigKey& key) {
  if (key.required()) return "<required>";
  if (!key.default_value.has_value()) return "null";
  return absl::StrCat("\"", *key.default_value, "\"");
}

std::vector<std::string> Describe(const ConfigDef& def) {
  std::vector<std::string> lines;
  for (const ConfigKey& key : def.keys()) {
    lines.push_back(absl::StrCat(key.name, " | ", Av(ConfigTypeName(key.type)), " | ",
                                 DefaultText(key), " | ",
                                 Av(ConfigImportanceName(key.importance)), " | ",
                                 key.validator_doc, " | ", key.documentation));
  }
  if (lines.empty()) lines.push_back("<no keys>");
  return lines;
}

std::string ValidationText(const ConfigDef& def, const ConfigMap& config) {
  std::vector<std::string> items;
  for (const ConfigValueResult& r : def.Validate(config)) {
    if (r.errors.empty()) continue;
    items.push_back(absl::StrCat(r.name, ": [", absl::StrJoin(r.errors, ", "), "]"));
  }
  return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
}

}  // namespace

absl::StatusOr<std::vector<KafkaCase>> LoadKafkaCases(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<KafkaCase> cases;
  std::string line;
  int number = 0;
  auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", why));
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    const std::string directive = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (directive == "case") {
      KafkaCase c;
      c.file = path;
      c.line = number;
      c.name = rest;
      cases.push_back(std::move(c));
      continue;
    }
    if (cases.empty()) return fail("directive before the first case");
    KafkaCase& c = cases.back();
    if (directive == "transform" || directive == "predicate" || directive == "validate" ||
        directive == "describe") {
      c.kind = directive == "transform"   ? KafkaCase::Kind::kTransform
               : directive == "predicate" ? KafkaCase::Kind::kPredicate
               : directive == "validate"  ? KafkaCase::Kind::kValidate
                                          : KafkaCase::Kind::kDescribe;
      c.class_name = rest;
    } else if (directive == "config") {
      const size_t eq = rest.find('=');
      if (eq == std::string::npos) return fail("config needs key=value");
      c.config[rest.substr(0, eq)] = rest.substr(eq + 1);
    } else if (directive == "source" || directive == "sink") {
      const std::map<std::string, std::string> attrs = Attributes(rest);
      ConnectRecord r;
      auto topic = attrs.find("topic");
      r.topic = topic == attrs.end() ? "" : topic->second;
      if (std::optional<int64_t> p = OptionalNumber(attrs, "part")) {
        r.kafka_partition = static_cast<int32_t>(*p);
      }
      r.timestamp = OptionalNumber(attrs, "ts");
      if (directive == "sink") {
        r.kafka_offset = OptionalNumber(attrs, "offset").value_or(0);
        r.timestamp_type =
            r.timestamp.has_value() ? TimestampType::kCreateTime : TimestampType::kNone;
      }
      c.records.push_back(std::move(r));
    } else if (directive == "key" || directive == "value" || directive == "header") {
      if (c.records.empty()) return fail("key/value/header before a record");
      ConnectRecord& r = c.records.back();
      absl::Status read;
      if (directive == "key") {
        read = ReadSchemaAndValue(rest, r.key_schema, r.key);
      } else if (directive == "value") {
        read = ReadSchemaAndValue(rest, r.value_schema, r.value);
      } else {
        const size_t name_end = rest.find(' ');
        Header h;
        h.key = rest.substr(0, name_end);
        read = ReadSchemaAndValue(rest.substr(name_end + 1), h.schema, h.value);
        r.headers.push_back(std::move(h));
      }
      if (!read.ok()) return fail(read.message());
    } else if (directive == "expect") {
      c.expected.push_back(rest);
    } else {
      return fail(absl::StrCat("unknown directive ", directive));
    }
  }
  return cases;
}

std::vector<KafkaCase> KafkaCasesFrom(const std::string& file_name) {
  absl::StatusOr<std::vector<KafkaCase>> cases =
      LoadKafkaCases(absl::StrCat(SLUICE_TRANSFORMS_TESTDATA_DIR, "/", file_name));
  if (!cases.ok()) {
    std::fprintf(stderr, "%s\n", cases.status().ToString().c_str());
    std::abort();
  }
  return *std::move(cases);
}

std::vector<std::string> RunKafkaCase(const KafkaCase& c) {
  const TransformationClass* transformation =
      FindTransformation(FullClassName(c.class_name, kTransformsPackage));
  const PredicateClass* predicate_class =
      FindPredicate(FullClassName(c.class_name, kPredicatesPackage));
  if (transformation == nullptr && predicate_class == nullptr) {
    return {absl::StrCat("no class ", c.class_name)};
  }
  const ConfigDef& def =
      transformation != nullptr ? transformation->config : predicate_class->config;
  switch (c.kind) {
    case KafkaCase::Kind::kDescribe:
      return Describe(def);
    case KafkaCase::Kind::kValidate:
      return {ValidationText(def, c.config)};
    case KafkaCase::Kind::kTransform: {
      if (transformation == nullptr) return {"not a transformation"};
      absl::StatusOr<std::unique_ptr<Transformation>> t = transformation->create(c.config);
      if (!t.ok()) {
        return std::vector<std::string>(std::max<size_t>(c.records.size(), 1), ErrorText(t.status()));
      }
      if (c.records.empty()) return {"ok"};
      std::vector<std::string> out;
      for (const ConnectRecord& input : c.records) {
        ConnectRecord record = input;
        absl::StatusOr<bool> kept = (*t)->Apply(record);
        if (!kept.ok()) {
          out.push_back(ErrorText(kept.status()));
        } else {
          out.push_back(*kept ? RecordText(record) : "dropped");
        }
      }
      return out;
    }
    case KafkaCase::Kind::kPredicate: {
      if (predicate_class == nullptr) return {"not a predicate"};
      absl::StatusOr<std::unique_ptr<Predicate>> p = predicate_class->create(c.config);
      if (!p.ok()) {
        return std::vector<std::string>(std::max<size_t>(c.records.size(), 1), ErrorText(p.status()));
      }
      if (c.records.empty()) return {"ok"};
      std::vector<std::string> out;
      for (const ConnectRecord& record : c.records) {
        absl::StatusOr<bool> result = (*p)->Test(record);
        out.push_back(!result.ok() ? ErrorText(result.status()) : (*result ? "true" : "false"));
      }
      return out;
    }
  }
  return {};
}

void PrintTo(const KafkaCase& c, std::ostream* os) {
  *os << c.name << " (" << c.file << ":" << c.line << ")";
}

}  // namespace sluice::transforms::testing
