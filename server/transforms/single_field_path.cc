#include "server/transforms/single_field_path.h"

#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/requirements.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kNestedPurpose = "nested field access";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The number of UTF-16 code units in UTF-8 `text`: the index Java reports for a position.
size_t Utf16Length(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += (c & 0xF8) == 0xF0 ? 2 : 1;
  }
  return units;
}

absl::Status IncompleteBacktickPair(std::string_view path, size_t backtick_at) {
  return convert::ConfigError(absl::StrCat(
      "Incomplete backtick pair in path: [", Av(path),
      "], consider adding a backslash before backtick at position ",
      Utf16Length(path.substr(0, backtick_at)), " to escape it"));
}

// SingleFieldPath.buildFieldPathV2, step for step (the delimiters are ASCII, so byte offsets
// serve where Java uses char offsets).
absl::StatusOr<std::vector<std::string>> ParseV2(std::string_view path) {
  constexpr char kBacktick = '`';
  constexpr char kDot = '.';
  constexpr char kBackslash = '\\';
  std::vector<std::string> steps;
  const size_t len = path.size();
  size_t idx = 0;
  bool done = false;  // Java's idx == -1
  while (!done && idx < len) {
    if (path[idx] != kBacktick) {
      const size_t start = idx;
      const size_t dot = path.find(kDot, idx);
      if (dot != std::string_view::npos) {
        steps.emplace_back(path.substr(start, dot - start));
        idx = dot + 1;
      } else {
        steps.emplace_back(path.substr(start));
        done = true;
      }
      continue;
    }
    const size_t backtick_at = idx;
    ++idx;
    std::string field;
    size_t start = idx;
    while (true) {
      const size_t close = path.find(kBacktick, idx);
      if (close == std::string_view::npos) return IncompleteBacktickPair(path, backtick_at);
      idx = close;
      const bool escaped = path[idx - 1] == kBackslash;
      if (idx >= len - 1) {
        if (escaped) return IncompleteBacktickPair(path, backtick_at);
        field.append(path.substr(start, idx - start));
        steps.push_back(std::move(field));
        ++idx;
        break;
      }
      if (path[idx + 1] != kDot) {
        // A backtick inside the name: keep looking for one followed by a dot.
        ++idx;
        continue;
      }
      if (escaped) {
        field.append(path.substr(start, idx - 1 - start));
        field.push_back(kBacktick);
        ++idx;
        start = idx;
        continue;
      }
      field.append(path.substr(start, idx - start));
      steps.push_back(std::move(field));
      idx += 2;
      break;
    }
  }
  if (!path.empty() && path.back() == kDot) steps.emplace_back();
  return steps;
}

// What List.subList(0, size - 1) throws for an empty list.
absl::Status NoSteps() {
  return JavaRuntimeError(kIllegalArgumentExceptionClass, "fromIndex(0) > toIndex(-1)");
}

}  // namespace

ConfigKey FieldSyntaxVersionConfigKey() {
  ConfigKey key;
  key.name = std::string(kFieldSyntaxVersionConfig);
  key.type = ConfigType::kString;
  key.default_value = "V1";
  key.validator = validators::OneOf({"V1", "V2"}, /*ignore_case=*/true);
  key.validator_doc = "(case insensitive) [V1, V2]";
  key.importance = ConfigImportance::kHigh;
  key.documentation =
      "Defines the version of the syntax to access fields. If set to `V1`, then the field paths "
      "are limited to access the elements at the root level of the struct or map. If set to "
      "`V2`, the syntax will support accessing nested elements. To access nested elements, "
      "dotted notation is used. If dots are already included in the field name, then backtick "
      "pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` "
      "from a field named \"foo.bar\" in a struct/map the following format can be used to "
      "access its elements: \"`foo.bar`.baz\".";
  return key;
}

FieldSyntaxVersion FieldSyntaxVersionFrom(const ParsedConfig& config) {
  const std::string version = config.GetString(kFieldSyntaxVersionConfig);
  return absl::AsciiStrToUpper(version) == "V2" ? FieldSyntaxVersion::kV2
                                                 : FieldSyntaxVersion::kV1;
}

absl::StatusOr<SingleFieldPath> SingleFieldPath::Parse(std::string_view path,
                                                       FieldSyntaxVersion version) {
  if (version == FieldSyntaxVersion::kV1) {
    return SingleFieldPath({std::string(path)});
  }
  absl::StatusOr<std::vector<std::string>> steps = ParseV2(path);
  if (!steps.ok()) return steps.status();
  return SingleFieldPath(*std::move(steps));
}

absl::StatusOr<const Field*> SingleFieldPath::FieldFrom(const Schema& schema) const {
  if (steps_.empty()) return NoSteps();
  const Schema* current = &schema;
  for (size_t i = 0; i + 1 < steps_.size(); ++i) {
    absl::StatusOr<const Field*> field = LookUpField(*current, steps_[i]);
    if (!field.ok()) return field.status();
    if (*field == nullptr) return nullptr;
    current = (*field)->schema.get();
  }
  return LookUpField(*current, steps_.back());
}

absl::StatusOr<Value> SingleFieldPath::ValueFrom(const Struct& s, bool with_default) const {
  if (steps_.empty()) return NoSteps();
  Value holder;  // keeps the current nested struct alive
  const Struct* current = &s;
  for (size_t i = 0; i + 1 < steps_.size(); ++i) {
    const Field* field = current->schema()->FindField(steps_[i]);
    if (field == nullptr) return Value();
    Value sub = GetField(*current, *field, /*with_default=*/true);
    if (sub.is_null()) return Value();
    absl::StatusOr<const Struct*> nested = RequireStruct(sub, kNestedPurpose);
    if (!nested.ok()) return nested.status();
    holder = std::move(sub);
    current = &holder.struct_value();
  }
  const Field* last = current->schema()->FindField(steps_.back());
  if (last == nullptr) return Value();
  return GetField(*current, *last, with_default);
}

absl::StatusOr<Value> SingleFieldPath::ValueFrom(const std::vector<MapEntry>& map) const {
  if (steps_.empty()) return NoSteps();
  Value holder;  // keeps the current nested map alive
  const std::vector<MapEntry>* current = &map;
  auto get = [](const std::vector<MapEntry>& entries, const std::string& key) -> Value {
    for (const MapEntry& e : entries) {
      if (e.key.kind() == Value::Kind::kString && e.key.string() == key) return e.value;
    }
    return Value();
  };
  for (size_t i = 0; i + 1 < steps_.size(); ++i) {
    Value sub = get(*current, steps_[i]);
    if (sub.is_null()) return Value();
    absl::StatusOr<const std::vector<MapEntry>*> nested = RequireMap(sub, kNestedPurpose);
    if (!nested.ok()) return nested.status();
    holder = std::move(sub);
    current = &holder.map();
  }
  return get(*current, steps_.back());
}

}  // namespace sluice::transforms
