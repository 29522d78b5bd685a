// A parsed JSON document as Jackson's JsonNode tree sees it, and the JSON text writer that
// produces Jackson's exact output bytes.
//
// The tree keeps each number's token text, so a decimal is read exactly and an integer wider than
// 64 bits is truncated as Java truncates it. Objects keep their member order; a repeated key keeps
// its first position and its last value (Jackson's ObjectNode). Parsing uses simdjson on demand;
// numbers follow JSON's grammar with leading zeros allowed (the JsonDeserializer enables
// ALLOW_LEADING_ZEROS_FOR_NUMBERS).
//
// Used by formats/ and server/convert. JsonParser is thread-compatible (it reuses simdjson's
// buffers); the free functions are thread-safe.
#ifndef SLUICE_FORMATS_JSON_TREE_H_
#define SLUICE_FORMATS_JSON_TREE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::formats {

struct JsonNode {
  // Jackson's JsonNodeType, minus BINARY and POJO which never come out of a parser.
  enum class Type { kMissing, kNull, kBoolean, kNumber, kString, kArray, kObject };

  // Declared here and defaulted in json_tree.cc: `members` holds std::pair<std::string,
  // JsonNode>, and libstdc++'s pair checks its members' traits when it is instantiated; with
  // implicit (inline) special members that check needs JsonNode's destructor, hence the
  // vector's, while the pair is still incomplete. Clang rejects that cycle.
  JsonNode();
  ~JsonNode();
  JsonNode(const JsonNode&);
  JsonNode(JsonNode&&) noexcept;
  JsonNode& operator=(const JsonNode&);
  JsonNode& operator=(JsonNode&&) noexcept;

  Type type = Type::kMissing;
  bool boolean = false;
  std::string text;  // kString: the unescaped value; kNumber: the token as written
  std::vector<JsonNode> items;
  std::vector<std::pair<std::string, JsonNode>> members;

  bool is_null_or_missing() const { return type == Type::kNull || type == Type::kMissing; }
  // kObject: the member's value, or null when absent (also for other types, as JsonNode.get).
  const JsonNode* Get(std::string_view key) const;
  // Number tokens: Jackson's isIntegralNumber (no '.', no exponent) and isInt (integral and
  // within int32).
  bool IsIntegral() const;
  bool IsInt() const;
  // Number tokens as Java reads them: longValue()/intValue() keep the low bits of the integer
  // (fractions truncated toward zero), doubleValue()/floatValue() are correctly rounded.
  int64_t LongValue() const;
  double DoubleValue() const;
  float FloatValue() const;
};

// Jackson's JsonNodeType name: "MISSING", "NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY",
// "OBJECT".
std::string_view JsonNodeTypeName(JsonNode::Type type);

class JsonParser {
 public:
  JsonParser();
  ~JsonParser();
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;

  // Parses one JSON document. Empty input (or only whitespace) gives a kMissing node, as
  // Jackson's readTree. InvalidArgument with the parser's reason for anything malformed,
  // including content after the document.
  absl::StatusOr<JsonNode> Parse(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// JSON text as Jackson writes it: a quoted string with Jackson's escapes ("\"", "\\", \b \t \n
// \f \r, other control characters as \u00XX in upper-case hex; everything else, non-ASCII
// included, written raw).
void AppendJsonString(std::string_view s, std::string* out);
// The compact text of a tree (numbers as their tokens). A kMissing node writes nothing.
void AppendJsonNode(const JsonNode& node, std::string* out);

// A float or double as Jackson writes it: Java's Float/Double.toString, quoted when not finite
// ("NaN", "Infinity", "-Infinity": JsonWriteFeature.WRITE_NAN_AS_STRINGS).
void AppendJsonFloat(float f, std::string* out);
void AppendJsonDouble(double d, std::string* out);

// An object with the members keys[i] : value i, as Jackson's ObjectNode holds them when filled
// by put() in that order: a repeated key keeps its first position and its last value.
// write_value(i, out) appends the JSON of value i; its first error stops the writing.
absl::Status AppendJsonObject(const std::vector<std::string>& keys,
                              absl::FunctionRef<absl::Status(size_t, std::string*)> write_value,
                              std::string* out);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_JSON_TREE_H_
