#include "formats/json_tree.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "simdjson.h"
#include "sluice/sdk/java_text.h"

namespace sluice::formats {
namespace {

namespace od = simdjson::ondemand;

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// JSON's number grammar with leading zeros allowed: -?d+(.d+)?([eE][+-]?d+)?
bool IsNumberToken(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (!digits()) return false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

absl::Status ParseError(simdjson::error_code e) {
  return absl::InvalidArgumentError(simdjson::error_message(e));
}

// Inserts or replaces a member as Jackson's ObjectNode.set does.
void SetMember(JsonNode* object, std::string key, JsonNode value) {
  for (auto& [k, v] : object->members) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  object->members.emplace_back(std::move(key), std::move(value));
}

simdjson::error_code RawToken(od::document& doc, std::string_view* token) {
  return doc.raw_json_token().get(*token);
}
simdjson::error_code RawToken(od::value& value, std::string_view* token) {
  *token = value.raw_json_token();
  return simdjson::SUCCESS;
}

// Builds the tree under `v`, an od::document or an od::value.
template <typename V>
absl::Status Build(V& v, JsonNode* out) {
  od::json_type type;
  if (auto e = v.type().get(type)) return ParseError(e);
  switch (type) {
    case od::json_type::object: {
      out->type = JsonNode::Type::kObject;
      od::object object;
      if (auto e = v.get_object().get(object)) return ParseError(e);
      // Small objects are the norm: a linear duplicate check is cheaper than hashing.
      for (auto field : object) {
        if (auto e = field.error()) return ParseError(e);
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return ParseError(e);
        std::string key_copy(key);
        od::value field_value;
        if (auto e = field.value().get(field_value)) return ParseError(e);
        JsonNode child;
        if (absl::Status s = Build(field_value, &child); !s.ok()) return s;
        SetMember(out, std::move(key_copy), std::move(child));
      }
      return absl::OkStatus();
    }
    case od::json_type::array: {
      out->type = JsonNode::Type::kArray;
      od::array array;
      if (auto e = v.get_array().get(array)) return ParseError(e);
      for (auto element_result : array) {
        od::value element;
        if (auto e = element_result.get(element)) return ParseError(e);
        JsonNode child;
        if (absl::Status s = Build(element, &child); !s.ok()) return s;
        out->items.push_back(std::move(child));
      }
      return absl::OkStatus();
    }
    case od::json_type::string: {
      out->type = JsonNode::Type::kString;
      std::string_view s;
      if (auto e = v.get_string().get(s)) return ParseError(e);
      out->text.assign(s);
      return absl::OkStatus();
    }
    case od::json_type::number: {
      out->type = JsonNode::Type::kNumber;
      std::string_view token;
      if (auto e = RawToken(v, &token)) return ParseError(e);
      while (!token.empty() && IsJsonWhitespace(token.back())) token.remove_suffix(1);
      if (!IsNumberToken(token)) {
        return absl::InvalidArgumentError(absl::StrCat("Invalid numeric value: ", std::string(token)));
      }
      out->text.assign(token);
      return absl::OkStatus();
    }
    case od::json_type::boolean: {
      out->type = JsonNode::Type::kBoolean;
      if (auto e = v.get_bool().get(out->boolean)) return ParseError(e);
      return absl::OkStatus();
    }
    case od::json_type::null: {
      out->type = JsonNode::Type::kNull;
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return ParseError(e);
      if (!is_null) return ParseError(simdjson::N_ATOM_ERROR);
      return absl::OkStatus();
    }
  }
  return ParseError(simdjson::INCORRECT_TYPE);
}

// The low 64 bits of the integer part of a number token (Java's longValue()).
uint64_t LowBits(std::string_view t) {
  bool negative = false;
  size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    negative = true;
    ++i;
  }
  std::string digits;
  int64_t frac_len = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) digits.push_back(t[i]);
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      digits.push_back(t[i]);
      ++frac_len;
    }
  }
  int64_t exponent = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) exp_negative = t[i++] == '-';
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      if (exponent < 1000000000) exponent = exponent * 10 + (t[i] - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  int64_t shift = exponent - frac_len;
  if (shift < 0) {
    const int64_t drop = -shift;
    digits.resize(drop >= static_cast<int64_t>(digits.size())
                      ? 0
                      : digits.size() - static_cast<size_t>(drop));
    shift = 0;
  }
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  // Beyond 64 factors of ten the low 64 bits are all zero (10^64 is a multiple of 2^64).
  for (int64_t k = 0; k < shift && k < 64; ++k) v *= 10;
  if (shift >= 64) v = 0;
  return negative ? ~v + 1 : v;
}

// Whether a number token's digits before its exponent are all zeros: Jackson reads it as a
// BigDecimal zero, which has no sign, so "-0.0" is 0.0 in Java.
bool IsExactZero(const std::string& text) {
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return false;
  }
  return true;
}

template <typename T>
T ParseFloating(const std::string& text) {
  T v{};
  const std::from_chars_result r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc()) return v == 0 && IsExactZero(text) ? T(0) : v;
  // Out of range: strtod/strtof give +-HUGE_VAL or zero as Java does.
  if constexpr (std::is_same_v<T, float>) {
    return std::strtof(text.c_str(), nullptr);
  } else {
    return std::strtod(text.c_str(), nullptr);
  }
}

}  // namespace

JsonNode::JsonNode() = default;
JsonNode::~JsonNode() = default;
JsonNode::JsonNode(const JsonNode&) = default;
JsonNode::JsonNode(JsonNode&&) noexcept = default;
JsonNode& JsonNode::operator=(const JsonNode&) = default;
JsonNode& JsonNode::operator=(JsonNode&&) noexcept = default;

const JsonNode* JsonNode::Get(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool JsonNode::IsIntegral() const {
  return type == Type::kNumber && text.find_first_of(".eE") == std::string::npos;
}

bool JsonNode::IsInt() const {
  if (!IsIntegral()) return false;
  int64_t v = 0;
  std::string_view t = text;
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) t.remove_prefix(1);
  const size_t nz = t.find_first_not_of('0');
  t = nz == std::string_view::npos ? std::string_view() : t.substr(nz);
  if (t.size() > 10) return false;
  for (char c : t) v = v * 10 + (c - '0');
  if (negative) v = -v;
  return v >= INT32_MIN && v <= INT32_MAX;
}

int64_t JsonNode::LongValue() const { return static_cast<int64_t>(LowBits(text)); }
double JsonNode::DoubleValue() const { return ParseFloating<double>(text); }
float JsonNode::FloatValue() const { return ParseFloating<float>(text); }

std::string_view JsonNodeTypeName(JsonNode::Type type) {
  switch (type) {
    case JsonNode::Type::kMissing:
      return "MISSING";
    case JsonNode::Type::kNull:
      return "NULL";
    case JsonNode::Type::kBoolean:
      return "BOOLEAN";
    case JsonNode::Type::kNumber:
      return "NUMBER";
    case JsonNode::Type::kString:
      return "STRING";
    case JsonNode::Type::kArray:
      return "ARRAY";
    case JsonNode::Type::kObject:
      return "OBJECT";
  }
  return "MISSING";
}

struct JsonParser::Impl {
  od::parser parser;
  std::string buffer;  // the input plus simdjson's padding, reused between documents
};

JsonParser::JsonParser() : impl_(std::make_unique<Impl>()) {}
JsonParser::~JsonParser() = default;

absl::StatusOr<JsonNode> JsonParser::Parse(std::string_view bytes) {
  size_t begin = 0;
  while (begin < bytes.size() && IsJsonWhitespace(bytes[begin])) ++begin;
  if (begin == bytes.size()) return JsonNode{};  // kMissing

  std::string& buffer = impl_->buffer;
  buffer.resize(bytes.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  std::memset(buffer.data() + bytes.size(), 0, simdjson::SIMDJSON_PADDING);

  od::document doc;
  if (auto e = impl_->parser.iterate(buffer.data(), bytes.size(), buffer.size()).get(doc)) {
    return ParseError(e);
  }
  JsonNode root;
  if (absl::Status s = Build(doc, &root); !s.ok()) return s;
  bool trailing = false;
  if (root.type == JsonNode::Type::kNumber) {
    // A root number is read through its token, which does not advance the document; the token
    // runs up to the next one, so it must end where the input ends.
    std::string_view token;
    if (auto e = doc.raw_json_token().get(token)) return ParseError(e);
    trailing = token.data() + token.size() != buffer.data() + bytes.size();
  } else {
    const char* location = nullptr;
    trailing = doc.current_location().get(location) == simdjson::SUCCESS;
  }
  if (trailing) return absl::InvalidArgumentError("Unexpected content after the JSON document");
  return root;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto append_unit = [&](uint32_t unit) {
    out->append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 15]);
  };
  out->push_back('"');
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xF0 && c <= 0xF4 && i + 3 < s.size()) {
      // Jackson writes a character outside the Basic Multilingual Plane (a UTF-16 surrogate
      // pair in Java) as two escaped surrogates: U+1F389 is "\uD83C\uDF89".
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      const auto c2 = static_cast<unsigned char>(s[i + 2]);
      const auto c3 = static_cast<unsigned char>(s[i + 3]);
      if ((c1 & 0xC0) == 0x80 && (c2 & 0xC0) == 0x80 && (c3 & 0xC0) == 0x80) {
        const uint32_t cp = ((c & 0x07u) << 18) | ((c1 & 0x3Fu) << 12) | ((c2 & 0x3Fu) << 6) |
                            (c3 & 0x3Fu);
        if (cp >= 0x10000 && cp <= 0x10FFFF) {
          out->append(s.data() + run, i - run);
          append_unit(0xD800 + ((cp - 0x10000) >> 10));
          append_unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
          i += 3;
          run = i + 1;
          continue;
        }
      }
    }
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
        break;
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonNode(const JsonNode& node, std::string* out) {
  switch (node.type) {
    case JsonNode::Type::kMissing:
      return;
    case JsonNode::Type::kNull:
      out->append("null");
      return;
    case JsonNode::Type::kBoolean:
      out->append(node.boolean ? "true" : "false");
      return;
    case JsonNode::Type::kNumber:
      out->append(node.text);
      return;
    case JsonNode::Type::kString:
      AppendJsonString(node.text, out);
      return;
    case JsonNode::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const JsonNode& item : node.items) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonNode(item, out);
      }
      out->push_back(']');
      return;
    }
    case JsonNode::Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, value] : node.members) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(key, out);
        out->push_back(':');
        AppendJsonNode(value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

void AppendJsonFloat(float f, std::string* out) {
  if (std::isfinite(f)) {
    AppendJavaFloatToString(f, *out);
  } else {
    out->push_back('"');
    AppendJavaFloatToString(f, *out);
    out->push_back('"');
  }
}

void AppendJsonDouble(double d, std::string* out) {
  if (std::isfinite(d)) {
    AppendJavaDoubleToString(d, *out);
  } else {
    out->push_back('"');
    AppendJavaDoubleToString(d, *out);
    out->push_back('"');
  }
}

absl::Status AppendJsonObject(const std::vector<std::string>& keys,
                              absl::FunctionRef<absl::Status(size_t, std::string*)> write_value,
                              std::string* out) {
  bool duplicates = false;
  if (keys.size() > 1) {
    std::unordered_set<std::string_view> seen;
    for (const std::string& k : keys) duplicates |= !seen.insert(k).second;
  }
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t source = i;
    if (duplicates) {
      bool earlier = false;
      for (size_t j = 0; j < i && !earlier; ++j) earlier = keys[j] == keys[i];
      if (earlier) continue;
      for (size_t j = i + 1; j < keys.size(); ++j) {
        if (keys[j] == keys[i]) source = j;
      }
    }
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(keys[i], out);
    out->push_back(':');
    if (absl::Status s = write_value(source, out); !s.ok()) return s;
  }
  out->push_back('}');
  return absl::OkStatus();
}

}  // namespace sluice::formats
