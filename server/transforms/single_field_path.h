// A path to one field of a Struct or a schemaless Map, as Kafka's transforms.field.SingleFieldPath
// reads it (KIP-821), with the `field.syntax.version` key (FieldSyntaxVersion) that chooses the
// syntax:
//   V1: the whole text is one field name at the root.
//   V2: dots separate nested steps; a step wrapped in backticks may contain dots
//       ("`foo.bar`.baz"), and a backslash before a backtick keeps that backtick in the name.
//
//   absl::StatusOr<SingleFieldPath> p = SingleFieldPath::Parse("a.`b.c`", FieldSyntaxVersion::kV2);
//   // steps: "a", "b.c"
//
// Thread-compatible value type.
#ifndef SLUICE_SERVER_TRANSFORMS_SINGLE_FIELD_PATH_H_
#define SLUICE_SERVER_TRANSFORMS_SINGLE_FIELD_PATH_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms {

enum class FieldSyntaxVersion { kV1, kV2 };

inline constexpr std::string_view kFieldSyntaxVersionConfig = "field.syntax.version";
// FieldSyntaxVersion.appendConfigTo: the key as Kafka defines it (STRING, default "V1",
// case-insensitive V1/V2, HIGH).
ConfigKey FieldSyntaxVersionConfigKey();
// FieldSyntaxVersion.fromConfig, from a config parsed with that key.
FieldSyntaxVersion FieldSyntaxVersionFrom(const ParsedConfig& config);

class SingleFieldPath {
 public:
  // ConfigException "Incomplete backtick pair in path: [<path>], consider adding a backslash
  // before backtick at position <n> to escape it" for a V2 backtick that is never closed.
  static absl::StatusOr<SingleFieldPath> Parse(std::string_view path, FieldSyntaxVersion version);

  // The steps; empty for the V2 path "" (which Kafka accepts and fails on when used: see
  // FieldFrom).
  const std::vector<std::string>& steps() const { return steps_; }

  // fieldFrom(schema): the field the path names, or null when a step is missing.
  // DataException "Cannot look up fields on non-struct type" when a step meets a non-STRUCT
  // schema; IllegalArgumentException "fromIndex(0) > toIndex(-1)" for a path without steps.
  absl::StatusOr<const Field*> FieldFrom(const Schema& schema) const;
  // valueFrom(struct, withDefault): the value, or null when a step is missing or an enclosing
  // struct is null. DataException "Only Struct objects supported for [nested field access],
  // found: <class>" when an enclosing value is not a struct.
  absl::StatusOr<Value> ValueFrom(const Struct& s, bool with_default) const;
  // valueFrom(map): the value, or null when a key is missing. DataException "Only Map objects
  // supported in absence of schema for [nested field access], found: <class>" when an
  // enclosing value is not a map.
  absl::StatusOr<Value> ValueFrom(const std::vector<MapEntry>& map) const;

 private:
  explicit SingleFieldPath(std::vector<std::string> steps) : steps_(std::move(steps)) {}

  std::vector<std::string> steps_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SINGLE_FIELD_PATH_H_
