#include "sluice/sdk/java_text.h"
#include "server/transforms/testing/record_text.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"

namespace sluice::transforms::testing {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool Named(const Schema* schema, std::string_view name) {
  return schema != nullptr && schema->name() == name;
}

int32_t DecimalScale(const Schema& schema) {
  auto it = schema.parameters().find(std::string(kDecimalScaleParameter));
  return it == schema.parameters().end() ? 0 : std::atoi(it->second.c_str());
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

// `check_struct_schema`: whether a Struct whose own schema differs from `schema` says so (not
// for a schema's default, whose Struct carries the schema as it was before the default).
std::string Text(const Schema* schema, const Value& value, bool check_struct_schema) {
  if (value.is_null()) return "null";
  if (Named(schema, kTimestampLogicalName) && value.kind() == Value::Kind::kInt64) {
    return absl::StrCat(value.integer(), "L");
  }
  if ((Named(schema, kDateLogicalName) || Named(schema, kTimeLogicalName)) &&
      value.kind() == Value::Kind::kInt32) {
    return absl::StrCat(value.integer());
  }
  if (Named(schema, kDecimalLogicalName) && value.kind() == Value::Kind::kBytes) {
    // A value with its own scale (a BigDecimal put as it is) prints at that scale.
    return absl::StrCat("dec:", JavaBigDecimalToString(value.bytes(), value.decimal_scale().value_or(
                                                                          DecimalScale(*schema))));
  }
  switch (value.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBoolean: return value.boolean() ? "true" : "false";
    case Value::Kind::kInt8: return absl::StrCat(value.integer(), "b");
    case Value::Kind::kInt16: return absl::StrCat(value.integer(), "s");
    case Value::Kind::kInt32: return absl::StrCat(value.integer());
    case Value::Kind::kInt64: return absl::StrCat(value.integer(), "L");
    case Value::Kind::kFloat32:
      return JavaFloatToString(static_cast<float>(value.floating())) + "f";
    case Value::Kind::kFloat64: return JavaDoubleToString(value.floating()) + "d";
    case Value::Kind::kString: return absl::StrCat("\"", value.string(), "\"");
    case Value::Kind::kBytes: return Hex(value.bytes());
    case Value::Kind::kTimestamp: return absl::StrCat("Date(", value.timestamp_millis(), ")");
    case Value::Kind::kArray: {
      const Schema* element = schema == nullptr ? nullptr : schema->value_schema().get();
      std::vector<std::string> items;
      for (const Value& item : value.array()) items.push_back(Text(element, item, true));
      return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
    }
    case Value::Kind::kMap: {
      const Schema* key_schema = schema == nullptr ? nullptr : schema->key_schema().get();
      const Schema* value_schema = schema == nullptr ? nullptr : schema->value_schema().get();
      std::vector<std::string> items;
      for (const MapEntry& e : value.map()) {
        items.push_back(
            absl::StrCat(Text(key_schema, e.key, true), "=", Text(value_schema, e.value, true)));
      }
      return absl::StrCat("{", absl::StrJoin(items, ", "), "}");
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      std::vector<std::string> items;
      for (const Field& f : s.schema()->fields()) {
        items.push_back(absl::StrCat(
            f.name, "=", Text(f.schema.get(), s.values()[static_cast<size_t>(f.index)], true)));
      }
      const bool same =
          !check_struct_schema || schema == nullptr || s.schema()->Equals(*schema);
      return absl::StrCat("Struct", same ? "" : "!schema=" + SchemaText(s.schema().get()), "{",
                          absl::StrJoin(items, ", "), "}");
    }
  }
  return "?";
}

// ---- Reading --------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(std::string_view s) {
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  absl::Status Expect(std::string_view s) {
    if (Consume(s)) return absl::OkStatus();
    return Error(absl::StrCat("expected \"", Av(s), "\""));
  }
  // Characters up to (not including) the first of `stops`.
  std::string_view Until(std::string_view stops) {
    const size_t start = pos_;
    while (!AtEnd() && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // A value's text up to a `stops` character outside brackets and quotes.
  std::string_view Balanced(std::string_view stops) {
    const size_t start = pos_;
    int depth = 0;
    bool quoted = false;
    for (; !AtEnd(); ++pos_) {
      const char c = text_[pos_];
      if (quoted) {
        quoted = c != '"';
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '(' || c == '[' || c == '{' || c == '<') {
        ++depth;
      } else if (depth > 0 && (c == ')' || c == ']' || c == '}' || c == '>')) {
        --depth;
      } else if (depth == 0 && stops.find(c) != std::string_view::npos) {
        break;
      }
    }
    return text_.substr(start, pos_ - start);
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(Av(what), " at ", pos_, " in \"", Av(text_), "\""));
  }

  absl::StatusOr<SchemaPtr> ReadSchema();
  absl::StatusOr<sluice::Value> ReadValue(const SchemaPtr& schema);

 private:
  absl::StatusOr<sluice::Value> Scalar(const sluice::Schema* schema);

  std::string_view text_;
  size_t pos_ = 0;
};

std::optional<SchemaType> TypeNamed(std::string_view name) {
  for (SchemaType t : {SchemaType::kInt8, SchemaType::kInt16, SchemaType::kInt32,
                       SchemaType::kInt64, SchemaType::kFloat32, SchemaType::kFloat64,
                       SchemaType::kBoolean, SchemaType::kString, SchemaType::kBytes,
                       SchemaType::kArray, SchemaType::kMap, SchemaType::kStruct}) {
    if (convert::JavaTypeName(t) == name) return t;
  }
  return std::nullopt;
}

absl::StatusOr<SchemaPtr> Reader::ReadSchema() {
  if (Consume("null")) return SchemaPtr();
  const std::string_view type_name = Until("?({[<,)>]} ");
  std::optional<SchemaType> type = TypeNamed(type_name);
  if (!type.has_value()) return Error(absl::StrCat("unknown type ", Av(type_name)));
  const bool optional = Consume("?");
  std::optional<std::string> name, doc, default_text;
  std::optional<int32_t> version;
  std::vector<std::pair<std::string, std::string>> parameters;
  if (Consume("(")) {
    while (!Consume(")")) {
      if (Consume("name=")) {
        name = std::string(Until(",)"));
      } else if (Consume("v=")) {
        version = std::atoi(std::string(Until(",)")).c_str());
      } else if (Consume("doc=")) {
        doc = std::string(Until(",)"));
      } else if (Consume("p={")) {
        while (!Consume("}")) {
          std::string k(Until("="));
          absl::Status s = Expect("=");
          if (!s.ok()) return s;
          std::string v(Until(",}"));
          parameters.emplace_back(std::move(k), std::move(v));
          Consume(", ");
        }
      } else if (Consume("def=")) {
        default_text = std::string(Balanced(",)"));
      } else {
        return Error("unknown schema attribute");
      }
      Consume(", ");
      if (AtEnd()) return Error("unterminated attributes");
    }
  }
  SchemaBuilder builder(*type);
  if (*type == SchemaType::kStruct) {
    absl::Status s = Expect("{");
    if (!s.ok()) return s;
    while (!Consume("}")) {
      std::string field(Until(":"));
      s = Expect(":");
      if (!s.ok()) return s;
      absl::StatusOr<SchemaPtr> field_schema = ReadSchema();
      if (!field_schema.ok()) return field_schema.status();
      builder.Field(std::move(field), *field_schema);
      Consume(", ");
      if (AtEnd()) return Error("unterminated struct");
    }
  } else if (*type == SchemaType::kArray) {
    absl::Status s = Expect("[");
    if (!s.ok()) return s;
    absl::StatusOr<SchemaPtr> element = ReadSchema();
    if (!element.ok()) return element.status();
    s = Expect("]");
    if (!s.ok()) return s;
    builder = SchemaBuilder::Array(*element);
  } else if (*type == SchemaType::kMap) {
    absl::Status s = Expect("<");
    if (!s.ok()) return s;
    absl::StatusOr<SchemaPtr> key = ReadSchema();
    if (!key.ok()) return key.status();
    s = Expect(", ");
    if (!s.ok()) return s;
    absl::StatusOr<SchemaPtr> value = ReadSchema();
    if (!value.ok()) return value.status();
    s = Expect(">");
    if (!s.ok()) return s;
    builder = SchemaBuilder::Map(*key, *value);
  }
  if (optional) builder.Optional();
  if (name) builder.Name(*name);
  if (version) builder.Version(*version);
  if (doc) builder.Doc(*doc);
  for (auto& [k, v] : parameters) builder.Parameter(k, v);
  if (!default_text.has_value()) return builder.Build();
  absl::StatusOr<SchemaPtr> without_default = builder.Build();
  if (!without_default.ok()) return without_default.status();
  Reader value_reader(*default_text);
  absl::StatusOr<sluice::Value> def = value_reader.ReadValue(*without_default);
  if (!def.ok()) return def.status();
  builder.Default(*std::move(def));
  return builder.Build();
}

absl::StatusOr<Value> Reader::ReadValue(const SchemaPtr& schema) {
  if (Consume("null")) return sluice::Value();
  if (schema != nullptr && schema->type() == SchemaType::kStruct) {
    absl::Status s = Expect("Struct{");
    if (!s.ok()) return s;
    Struct out(schema);
    while (!Consume("}")) {
      std::string field(Until("="));
      s = Expect("=");
      if (!s.ok()) return s;
      const Field* f = schema->FindField(field);
      if (f == nullptr) return Error(absl::StrCat("no field ", field));
      absl::StatusOr<sluice::Value> v = ReadValue(f->schema);
      if (!v.ok()) return v.status();
      if (!v->is_null()) {
        absl::Status put = out.Put(field, *std::move(v));
        if (!put.ok()) return put;
      }
      Consume(", ");
      if (AtEnd()) return Error("unterminated struct value");
    }
    return sluice::Value::FromStruct(std::move(out));
  }
  if (Consume("[")) {
    const SchemaPtr element = schema == nullptr ? nullptr : schema->value_schema();
    std::vector<sluice::Value> items;
    while (!Consume("]")) {
      absl::StatusOr<sluice::Value> v = ReadValue(element);
      if (!v.ok()) return v.status();
      items.push_back(*std::move(v));
      Consume(", ");
      if (AtEnd()) return Error("unterminated list");
    }
    return sluice::Value::Array(std::move(items));
  }
  if (Consume("{")) {
    const SchemaPtr key_schema = schema == nullptr ? nullptr : schema->key_schema();
    const SchemaPtr value_schema = schema == nullptr ? nullptr : schema->value_schema();
    std::vector<MapEntry> entries;
    while (!Consume("}")) {
      absl::StatusOr<sluice::Value> k = ReadValue(key_schema);
      if (!k.ok()) return k.status();
      absl::Status s = Expect("=");
      if (!s.ok()) return s;
      absl::StatusOr<sluice::Value> v = ReadValue(value_schema);
      if (!v.ok()) return v.status();
      entries.push_back(MapEntry{*std::move(k), *std::move(v)});
      Consume(", ");
      if (AtEnd()) return Error("unterminated map");
    }
    return sluice::Value::Map(std::move(entries));
  }
  return Scalar(schema.get());
}

absl::StatusOr<Value> Reader::Scalar(const sluice::Schema* schema) {
  if (Consume("true")) return sluice::Value::Boolean(true);
  if (Consume("false")) return sluice::Value::Boolean(false);
  if (Consume("\"")) {
    std::string s(Until("\""));
    absl::Status closed = Expect("\"");
    if (!closed.ok()) return closed;
    return sluice::Value::String(std::move(s));
  }
  if (Consume("0x")) {
    const std::string_view hex = Until(",]}=) ");
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return sluice::Value::Bytes(std::move(bytes));
  }
  if (Consume("Date(")) {
    const int64_t millis = std::atoll(std::string(Until(")")).c_str());
    absl::Status closed = Expect(")");
    if (!closed.ok()) return closed;
    return sluice::Value::Timestamp(millis);
  }
  if (Consume("dec:")) {
    const std::string text(Until(",]}=) "));
    if (!Named(schema, kDecimalLogicalName)) return Error("dec: needs a Decimal schema");
    absl::StatusOr<std::string> unscaled = DecimalFromString(text, DecimalScale(*schema));
    if (!unscaled.ok()) return unscaled.status();
    return sluice::Value::Bytes(*std::move(unscaled));
  }
  const std::string number(Until("bsLfd,]}=) "));
  if (number.empty()) return Error("expected a value");
  const char suffix = Peek();
  if (suffix == 'b' || suffix == 's' || suffix == 'L' || suffix == 'f' || suffix == 'd') Consume(std::string(1, suffix));
  switch (suffix) {
    case 'b': return sluice::Value::Int8(static_cast<int8_t>(std::atoi(number.c_str())));
    case 's': return sluice::Value::Int16(static_cast<int16_t>(std::atoi(number.c_str())));
    case 'L': return sluice::Value::Int64(std::atoll(number.c_str()));
    case 'f': return sluice::Value::Float32(std::strtof(number.c_str(), nullptr));
    case 'd': return sluice::Value::Float64(std::strtod(number.c_str(), nullptr));
    default: return sluice::Value::Int32(std::atoi(number.c_str()));
  }
}

}  // namespace

std::string SchemaText(const Schema* schema) {
  if (schema == nullptr) return "null";
  std::string out(convert::JavaTypeName(schema->type()));
  if (schema->optional()) out += "?";
  std::vector<std::string> attrs;
  if (!schema->name().empty()) attrs.push_back(absl::StrCat("name=", schema->name()));
  if (schema->version().has_value()) attrs.push_back(absl::StrCat("v=", *schema->version()));
  if (!schema->doc().empty()) attrs.push_back(absl::StrCat("doc=", schema->doc()));
  if (!schema->parameters().empty()) {
    std::vector<std::string> ps;
    for (const auto& [k, v] : schema->parameters()) ps.push_back(absl::StrCat(k, "=", v));
    attrs.push_back(absl::StrCat("p={", absl::StrJoin(ps, ", "), "}"));
  }
  if (schema->default_value() != nullptr) {
    attrs.push_back(absl::StrCat("def=", Text(schema, *schema->default_value(), false)));
  }
  if (!attrs.empty()) absl::StrAppend(&out, "(", absl::StrJoin(attrs, ", "), ")");
  switch (schema->type()) {
    case SchemaType::kStruct: {
      std::vector<std::string> fields;
      for (const Field& f : schema->fields()) {
        fields.push_back(absl::StrCat(f.name, ":", SchemaText(f.schema.get())));
      }
      absl::StrAppend(&out, "{", absl::StrJoin(fields, ", "), "}");
      break;
    }
    case SchemaType::kArray:
      absl::StrAppend(&out, "[", SchemaText(schema->value_schema().get()), "]");
      break;
    case SchemaType::kMap:
      absl::StrAppend(&out, "<", SchemaText(schema->key_schema().get()), ", ",
                      SchemaText(schema->value_schema().get()), ">");
      break;
    default:
      break;
  }
  return out;
}

std::string ValueText(const Schema* schema, const Value& value) {
  return Text(schema, value, true);
}

std::string RecordText(const ConnectRecord& record) {
  std::vector<std::string> headers;
  for (const Header& h : record.headers) {
    headers.push_back(absl::StrCat(h.key, ":", SchemaText(h.schema.get()), "=",
                                   ValueText(h.schema.get(), h.value)));
  }
  std::string out = absl::StrCat(
      "topic=", record.topic, " part=",
      record.kafka_partition ? absl::StrCat(*record.kafka_partition) : "null",
      " key=", SchemaText(record.key_schema.get()), " / ",
      ValueText(record.key_schema.get(), record.key), " value=",
      SchemaText(record.value_schema.get()), " / ",
      ValueText(record.value_schema.get(), record.value),
      " ts=", record.timestamp ? absl::StrCat(*record.timestamp) : "null", " headers=[",
      absl::StrJoin(headers, ", "), "]");
  if (record.is_sink()) absl::StrAppend(&out, " offset=", *record.kafka_offset);
  return out;
}

std::string ErrorText(const absl::Status& status) {
  return absl::StrCat("ERROR ", convert::JavaExceptionClass(status), ": ", status.message());
}

absl::StatusOr<SchemaPtr> ParseSchemaText(std::string_view text) {
  Reader reader(text);
  absl::StatusOr<SchemaPtr> schema = reader.ReadSchema();
  if (schema.ok() && !reader.AtEnd()) return reader.Error("trailing text");
  return schema;
}

absl::StatusOr<Value> ParseValueText(std::string_view text, const SchemaPtr& schema) {
  Reader reader(text);
  absl::StatusOr<Value> value = reader.ReadValue(schema);
  if (value.ok() && !reader.AtEnd()) return reader.Error("trailing text");
  return value;
}

}  // namespace sluice::transforms::testing
