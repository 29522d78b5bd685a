#include "formats/schemaless_json.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "formats/base64.h"
#include "formats/java_hash_map.h"
#include "sluice/sdk/internal/check.h"

namespace sluice::formats {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status AppendMap(const std::vector<MapEntry>& entries, StructsAndDates structs_and_dates,
                       std::string* out) {
  bool object_mode = true;
  for (const MapEntry& e : entries) {
    if (e.key.kind() != Value::Kind::kString) {
      object_mode = false;
      break;
    }
  }
  if (!object_mode) {
    out->push_back('[');
    bool first = true;
    for (const MapEntry& e : entries) {
      if (!first) out->push_back(',');
      first = false;
      out->push_back('[');
      if (absl::Status s = AppendSchemalessJson(e.key, structs_and_dates, out); !s.ok()) return s;
      out->push_back(',');
      if (absl::Status s = AppendSchemalessJson(e.value, structs_and_dates, out); !s.ok()) {
        return s;
      }
      out->push_back(']');
    }
    out->push_back(']');
    return absl::OkStatus();
  }
  std::vector<std::string> keys;
  keys.reserve(entries.size());
  for (const MapEntry& e : entries) keys.push_back(e.key.string());
  return AppendJsonObject(
      keys,
      [&](size_t i, std::string* o) {
        return AppendSchemalessJson(entries[i].value, structs_and_dates, o);
      },
      out);
}

absl::Status AppendStruct(const Struct& s, std::string* out) {
  const std::vector<Field>& fields = s.schema()->fields();
  out->push_back('{');
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(fields[i].name, out);
    out->push_back(':');
    static const Value* const kNull = new Value();
    const Value& field_value = i < s.values().size() ? s.values()[i] : *kNull;
    if (absl::Status st = AppendSchemalessJson(field_value, StructsAndDates::kWrite, out);
        !st.ok()) {
      return st;
    }
  }
  out->push_back('}');
  return absl::OkStatus();
}

}  // namespace

absl::Status AppendSchemalessJson(const Value& value, StructsAndDates structs_and_dates,
                                  std::string* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out->append("null");
      return absl::OkStatus();
    case Value::Kind::kTimestamp:
      // ConnectSchema.schemaType knows no java.util.Date: Kafka's converter refuses it.
      if (structs_and_dates == StructsAndDates::kRefuse) {
        return absl::InvalidArgumentError(
            "Java class class java.util.Date does not have corresponding schema type.");
      }
      absl::StrAppend(out, value.timestamp_millis());
      return absl::OkStatus();
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
      absl::StrAppend(out, value.integer());
      return absl::OkStatus();
    case Value::Kind::kFloat32:
      AppendJsonFloat(static_cast<float>(value.floating()), out);
      return absl::OkStatus();
    case Value::Kind::kFloat64:
      AppendJsonDouble(value.floating(), out);
      return absl::OkStatus();
    case Value::Kind::kBoolean:
      out->append(value.boolean() ? "true" : "false");
      return absl::OkStatus();
    case Value::Kind::kString:
      AppendJsonString(value.string(), out);
      return absl::OkStatus();
    case Value::Kind::kBytes:
      out->push_back('"');
      out->append(Base64Encode(value.bytes()));
      out->push_back('"');
      return absl::OkStatus();
    case Value::Kind::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& element : value.array()) {
        if (!first) out->push_back(',');
        first = false;
        if (absl::Status s = AppendSchemalessJson(element, structs_and_dates, out); !s.ok()) {
          return s;
        }
      }
      out->push_back(']');
      return absl::OkStatus();
    }
    case Value::Kind::kMap:
      return AppendMap(value.map(), structs_and_dates, out);
    case Value::Kind::kStruct:
      // Without a schema there is nothing to match the Struct's own schema against.
      if (structs_and_dates == StructsAndDates::kRefuse) {
        return absl::InvalidArgumentError("Mismatching schema.");
      }
      return AppendStruct(value.struct_value(), out);
  }
  return absl::InternalError(
      absl::StrCat("unhandled value kind ", static_cast<int>(value.kind())));
}

Value FromSchemalessJson(const JsonNode& json) {
  switch (json.type) {
    case JsonNode::Type::kMissing:
    case JsonNode::Type::kNull:
      return Value::Null();
    case JsonNode::Type::kBoolean:
      return Value::Boolean(json.boolean);
    case JsonNode::Type::kNumber:
      if (json.IsIntegral()) return Value::Int64(json.LongValue());
      return Value::Float64(json.DoubleValue());
    case JsonNode::Type::kString:
      return Value::String(json.text);
    case JsonNode::Type::kArray: {
      std::vector<Value> items;
      items.reserve(json.items.size());
      for (const JsonNode& item : json.items) items.push_back(FromSchemalessJson(item));
      return Value::Array(std::move(items));
    }
    case JsonNode::Type::kObject: {
      std::vector<MapEntry> entries;
      entries.reserve(json.members.size());
      for (const auto& [k, node] : json.members) {
        entries.push_back(MapEntry{Value::String(k), FromSchemalessJson(node)});
      }
      // Kafka builds a HashMap: the entries come out in its iteration order.
      OrderAsJavaHashMap(entries, JavaHashMapCapacity::Default());
      return Value::Map(std::move(entries));
    }
  }
  return Value::Null();
}

std::string SerializeSchemaless(const Value& value) {
  std::string out;
  const absl::Status status = AppendSchemalessJson(value, StructsAndDates::kWrite, &out);
  // Without a schema every kind has a JSON form; a failure here is a bug in the writer.
  SLUICE_CHECK(status.ok(), std::string(status.message()).c_str());
  return out;
}

absl::StatusOr<Value> ParseSchemaless(std::string_view json) {
  JsonParser parser;
  absl::StatusOr<JsonNode> tree = parser.Parse(json);
  if (!tree.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Av(kJsonReadErrorPrefix), tree.status().message()));
  }
  return FromSchemalessJson(*tree);
}

}  // namespace sluice::formats
