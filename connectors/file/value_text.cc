// The file sink's text for a value.
#include "connectors/file/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace sluice::connectors::file {
namespace {

// Java's Float.toString / Double.toString: the shortest text that reads back as the same
// number; plain between 10^-3 and 10^7, else "1.0E10".
template <typename T>
void AppendJavaFloat(T d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0.0" : "0.0";
    return;
  }
  char buf[64];
  const T mag = std::fabs(d);
  if (mag >= T(1e-3) && mag < T(1e7)) {
    auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
    out.append(text);
    if (text.find('.') == std::string_view::npos) out += ".0";
    return;
  }
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));  // "1.5e+10"
  const size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  out.append(mantissa);
  if (mantissa.find('.') == std::string_view::npos) out += ".0";
  out += 'E';
  out += std::to_string(std::atoi(std::string(text.substr(e + 1)).c_str()));
}

bool Named(const Schema* schema, std::string_view name) {
  return schema != nullptr && schema->name() == name;
}

void AppendTime(absl::Time t, const char* format, std::string& out) {
  out += absl::FormatTime(format, t, absl::UTCTimeZone());
}

}  // namespace

void AppendValueText(const Schema* schema, const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBoolean:
      out += value.boolean() ? "true" : "false";
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
      if (Named(schema, kDateLogicalName)) {
        AppendTime(absl::FromUnixSeconds(value.integer() * 86400), "%Y-%m-%d", out);
      } else if (Named(schema, kTimeLogicalName)) {
        AppendTime(absl::FromUnixMillis(value.integer()), "%H:%M:%E3S", out);
      } else if (Named(schema, kTimestampLogicalName)) {
        AppendTime(absl::FromUnixMillis(value.integer()), "%Y-%m-%dT%H:%M:%E3SZ", out);
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kFloat32:
      AppendJavaFloat(static_cast<float>(value.floating()), out);
      return;
    case Value::Kind::kFloat64:
      AppendJavaFloat(value.floating(), out);
      return;
    case Value::Kind::kString:
      out += value.string();
      return;
    case Value::Kind::kTimestamp:
      out += JavaDateToString(value.timestamp_millis());
      return;
    case Value::Kind::kBytes:
      if (Named(schema, kDecimalLogicalName)) {
        auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
        const int32_t scale =
            it == schema->parameters().end() ? 0 : std::atoi(it->second.c_str());
        out += DecimalToString(value.bytes(), scale);
      } else {
        out += value.bytes();
      }
      return;
    case Value::Kind::kArray: {
      const Schema* item_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out += '[';
      bool first = true;
      for (const Value& item : value.array()) {
        if (!first) out += ", ";
        first = false;
        AppendValueText(item_schema, item, out);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out += '{';
      bool first = true;
      for (const MapEntry& e : value.map()) {
        if (!first) out += ", ";
        first = false;
        AppendValueText(key_schema, e.key, out);
        out += '=';
        AppendValueText(value_schema, e.value, out);
      }
      out += '}';
      return;
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      out += "Struct{";
      bool first = true;
      for (const Field& f : s.schema()->fields()) {
        const Value& v = s.values()[f.index];
        if (v.is_null()) continue;
        if (!first) out += ',';
        first = false;
        out += f.name;
        out += '=';
        AppendValueText(f.schema.get(), v, out);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace sluice::connectors::file
