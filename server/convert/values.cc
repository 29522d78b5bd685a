// Kafka Connect's Values (3.9.1): parseString, convertToString and inferSchema.
//
// Parsing follows Java step by step, on the UTF-16 text Java sees (token lengths decide which
// date pattern is tried): a tokenizer splitting at unescaped , : [ ] { } and ", a recursive
// parser that backtracks to a plain string when an array or map does not parse, and the
// type inference of Values.ValueParser and Values.SchemaMerger. It builds the Java objects
// Values builds (JObject: Byte, Short, ..., BigDecimal, java.util.Date, ArrayList,
// LinkedHashMap), and turns them into Connect data at the end, where Sluice's encodings can
// hold them (see ToSluice).
#include "server/convert/values.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/base64.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_date_format.h"
#include "server/convert/java_format.h"
#include "sluice/sdk/java_text.h"

namespace sluice::convert {
namespace {

using U16 = std::u16string;
using U16View = std::u16string_view;

constexpr int64_t kMillisPerDay = 86400000;
// Arrays and maps nest at most this deep; deeper text fails as Java's StackOverflowError does
// (SimpleHeaderConverter then keeps the bytes). Java overflows a 1 MB thread stack at around
// 1700 levels, depending on its JIT; Sluice stops earlier to bound its own stack (about 1 KB a
// level).
constexpr int kMaxDepth = 200;

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ---- Java's String and Character ---------------------------------------------------------------

// String.trim(): strips code units <= U+0020 at both ends.
U16View Trim(U16View s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && s[b] <= u' ') ++b;
  while (e > b && s[e - 1] <= u' ') --e;
  return s.substr(b, e - b);
}

// Utils.isBlank.
bool IsBlank(U16View s) { return Trim(s).empty(); }

// ---- BigDecimal -------------------------------------------------------------------------------

// A BigDecimal: (negative ? -1 : 1) * digits * 10^-scale.
struct JDecimal {
  bool negative = false;
  std::string digits = "0";  // ASCII, no leading zeros; "0" for zero (never negative)
  int32_t scale = 0;

  bool is_zero() const { return digits == "0"; }
  bool operator==(const JDecimal& o) const {
    return negative == o.negative && digits == o.digits && scale == o.scale;
  }
  // The exponent of the leading digit: value is in [10^e, 10^(e+1)).
  int64_t adjusted_exponent() const {
    return static_cast<int64_t>(digits.size()) - 1 - static_cast<int64_t>(scale);
  }
  size_t trailing_zeros() const {
    if (is_zero()) return 0;
    const size_t last = digits.find_last_not_of('0');
    return digits.size() - 1 - last;
  }
  std::string ToScientificText() const {
    return absl::StrCat(negative ? "-" : "", digits, "e", -static_cast<int64_t>(scale));
  }
};

// new BigDecimal(String): nullopt where Java throws NumberFormatException.
std::optional<JDecimal> ParseBigDecimal(U16View t) {
  size_t i = 0;
  bool negative = false;
  if (i < t.size() && (t[i] == u'-' || t[i] == u'+')) negative = t[i++] == u'-';
  bool dot = false;
  bool any_digit = false;
  std::string digits;
  int64_t scale = 0;
  int64_t exponent = 0;
  for (; i < t.size(); ++i) {
    const char16_t c = t[i];
    const int d = JavaDigit(c);
    if (d >= 0) {
      any_digit = true;
      if (!(digits.empty() && d == 0)) digits.push_back(static_cast<char>('0' + d));
      if (dot) ++scale;
    } else if (c == u'.') {
      if (dot) return std::nullopt;
      dot = true;
    } else if (c == u'e' || c == u'E') {
      // BigDecimal.parseExp: an optional sign, then only digits, at most 10 significant ones.
      size_t j = i + 1;
      if (j >= t.size()) return std::nullopt;
      const bool negative_exp = t[j] == u'-';
      if (negative_exp || t[j] == u'+') ++j;
      if (j >= t.size()) return std::nullopt;
      size_t len = t.size() - j;
      while (len > 10 && JavaDigit(t[j]) == 0) {
        ++j;
        --len;
      }
      if (len > 10) return std::nullopt;
      for (; j < t.size(); ++j) {
        const int v = JavaDigit(t[j]);
        if (v < 0) return std::nullopt;
        exponent = exponent * 10 + v;
      }
      if (negative_exp) exponent = -exponent;
      if (exponent != static_cast<int32_t>(exponent)) return std::nullopt;  // "Exponent overflow."
      break;
    } else {
      return std::nullopt;
    }
  }
  if (!any_digit) return std::nullopt;
  scale -= exponent;
  if (scale > std::numeric_limits<int32_t>::max() || scale < std::numeric_limits<int32_t>::min()) {
    return std::nullopt;  // "Scale out of range."
  }
  JDecimal out;
  out.digits = digits.empty() ? "0" : digits;
  out.negative = negative && !digits.empty();
  out.scale = static_cast<int32_t>(scale);
  return out;
}

// The big-endian two's-complement bytes of an integer given in decimal digits.
std::string DigitsToTwosComplement(bool negative, std::string_view digits) {
  std::vector<uint32_t> limbs;  // base 2^32, little-endian
  for (char c : digits) {
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (uint32_t& limb : limbs) {
      const uint64_t v = static_cast<uint64_t>(limb) * 10 + carry;
      limb = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
    if (carry != 0) limbs.push_back(static_cast<uint32_t>(carry));
  }
  std::vector<uint8_t> bytes;  // big-endian magnitude with a sign byte
  bytes.push_back(0);
  for (size_t i = limbs.size(); i-- > 0;) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes.push_back(static_cast<uint8_t>(limbs[i] >> shift));
    }
  }
  if (negative) {
    int carry = 1;
    for (size_t i = bytes.size(); i-- > 0;) {
      const int v = static_cast<uint8_t>(~bytes[i]) + carry;
      bytes[i] = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
  }
  return MinimalTwosComplement(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// ---- The Java objects Values builds -----------------------------------------------------------

struct JObject {
  enum class Kind {
    kNull, kBoolean, kByte, kShort, kInt, kLong, kFloat, kDouble, kString, kDecimal, kDate,
    kList, kMap,
  };
  // Declared here, defaulted below the struct: `entries` holds std::pair<JObject, JObject>, and
  // libstdc++'s pair checks its members' traits when it is instantiated; with implicit (inline)
  // special members that check needs JObject's destructor, hence the vector's, while the pair is
  // still incomplete. Clang rejects that cycle.
  JObject();
  ~JObject();
  JObject(const JObject&);
  JObject(JObject&&) noexcept;
  JObject& operator=(const JObject&);
  JObject& operator=(JObject&&) noexcept;

  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;  // kByte..kLong; kDate: epoch milliseconds
  double floating = 0;  // kFloat, kDouble
  U16 string;
  JDecimal decimal;
  std::vector<JObject> items;                        // kList
  std::vector<std::pair<JObject, JObject>> entries;  // kMap, in LinkedHashMap order

  static JObject Integer(Kind kind, int64_t v) {
    JObject o;
    o.kind = kind;
    o.integer = v;
    return o;
  }
  static JObject Floating(Kind kind, double v) {
    JObject o;
    o.kind = kind;
    o.floating = v;
    return o;
  }
  static JObject Date(int64_t millis) { return Integer(Kind::kDate, millis); }
  bool is_null() const { return kind == Kind::kNull; }
  bool is_integer() const { return kind >= Kind::kByte && kind <= Kind::kLong; }
  bool is_number() const {
    return is_integer() || kind == Kind::kFloat || kind == Kind::kDouble || kind == Kind::kDecimal;
  }
};

JObject::JObject() = default;
JObject::~JObject() = default;
JObject::JObject(const JObject&) = default;
JObject::JObject(JObject&&) noexcept = default;
JObject& JObject::operator=(const JObject&) = default;
JObject& JObject::operator=(JObject&&) noexcept = default;

// Object.equals, for LinkedHashMap keys.
bool JavaEquals(const JObject& a, const JObject& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JObject::Kind::kNull:
      return true;
    case JObject::Kind::kBoolean:
      return a.boolean == b.boolean;
    case JObject::Kind::kByte:
    case JObject::Kind::kShort:
    case JObject::Kind::kInt:
    case JObject::Kind::kLong:
    case JObject::Kind::kDate:
      return a.integer == b.integer;
    case JObject::Kind::kFloat: {
      // Float.equals compares floatToIntBits: NaN equals NaN, 0.0 differs from -0.0.
      const float x = static_cast<float>(a.floating);
      const float y = static_cast<float>(b.floating);
      return (std::isnan(x) && std::isnan(y)) ||
             (x == y && std::signbit(x) == std::signbit(y));
    }
    case JObject::Kind::kDouble:
      return (std::isnan(a.floating) && std::isnan(b.floating)) ||
             (a.floating == b.floating && std::signbit(a.floating) == std::signbit(b.floating));
    case JObject::Kind::kString:
      return a.string == b.string;
    case JObject::Kind::kDecimal:
      return a.decimal == b.decimal;
    case JObject::Kind::kList:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (!JavaEquals(a.items[i], b.items[i])) return false;
      }
      return true;
    case JObject::Kind::kMap:
      if (a.entries.size() != b.entries.size()) return false;
      for (const auto& [key, value] : a.entries) {
        bool found = false;
        for (const auto& [other_key, other_value] : b.entries) {
          if (JavaEquals(key, other_key)) {
            found = JavaEquals(value, other_value);
            break;
          }
        }
        if (!found) return false;
      }
      return true;
  }
  return false;
}

// LinkedHashMap.put: a key already present keeps its place and takes the new value.
void Put(std::vector<std::pair<JObject, JObject>>& entries, JObject key, JObject value) {
  for (auto& entry : entries) {
    if (JavaEquals(entry.first, key)) {
      entry.second = std::move(value);
      return;
    }
  }
  entries.emplace_back(std::move(key), std::move(value));
}

// Values.parseString's SchemaAndValue (never a null schema).
struct Parsed {
  SchemaPtr schema;
  JObject value;
};

// A DataException inside the parser. Values catches them where it tried an array or a map, and
// reads the text as a string instead.
absl::Status ParseFailure(std::string_view message) { return DataError(message); }
bool IsParseFailure(const absl::Status& s) { return s.code() == absl::StatusCode::kInvalidArgument; }

// ---- Schemas ----------------------------------------------------------------------------------

enum class Logical { kNone, kDecimal, kDate, kTime, kTimestamp };

Logical LogicalOf(const Schema* schema) {
  if (schema == nullptr || schema->name().empty()) return Logical::kNone;
  const std::string& name = schema->name();
  if (name == kDecimalLogicalName && schema->type() == SchemaType::kBytes) return Logical::kDecimal;
  if (name == kDateLogicalName && schema->type() == SchemaType::kInt32) return Logical::kDate;
  if (name == kTimeLogicalName && schema->type() == SchemaType::kInt32) return Logical::kTime;
  if (name == kTimestampLogicalName && schema->type() == SchemaType::kInt64) {
    return Logical::kTimestamp;
  }
  return Logical::kNone;
}

std::optional<int32_t> DecimalScaleOf(const Schema& schema) {
  auto it = schema.parameters().find(std::string(kDecimalScaleParameter));
  int32_t scale = 0;
  if (it == schema.parameters().end() || !absl::SimpleAtoi(it->second, &scale)) return std::nullopt;
  return scale;
}

const SchemaPtr& DateSchema() {
  static const SchemaPtr* const kSchema = new SchemaPtr(SchemaBuilder::Date().BuildOrDie());
  return *kSchema;
}
const SchemaPtr& TimeSchema() {
  static const SchemaPtr* const kSchema = new SchemaPtr(SchemaBuilder::Time().BuildOrDie());
  return *kSchema;
}
const SchemaPtr& TimestampSchema() {
  static const SchemaPtr* const kSchema = new SchemaPtr(SchemaBuilder::Timestamp().BuildOrDie());
  return *kSchema;
}

// Values.mergeSchemas: a schema for the values of both, or null. Numbers widen (INT8 < INT16 <
// INT32 < INT64 < FLOAT32 < FLOAT64, logical types by their base type); schemas of one type
// merge into the later one, whatever their details.
SchemaPtr MergeSchemas(const SchemaPtr& previous, const SchemaPtr& latest) {
  const SchemaType p = previous->type();
  const SchemaType n = latest->type();
  if (p != n) {
    auto rank = [](SchemaType t) -> int {
      switch (t) {
        case SchemaType::kInt8: return 0;
        case SchemaType::kInt16: return 1;
        case SchemaType::kInt32: return 2;
        case SchemaType::kInt64: return 3;
        case SchemaType::kFloat32: return 4;
        case SchemaType::kFloat64: return 5;
        default: return -1;
      }
    };
    const int rp = rank(p);
    const int rn = rank(n);
    if (rp < 0 || rn < 0) return nullptr;
    return rn > rp ? latest : previous;
  }
  // Both are required (Values never makes optional schemas), so the later one wins.
  if (previous->optional() == latest->optional()) return previous->optional() ? previous : latest;
  return previous->Equals(*latest) ? previous : nullptr;
}

// Values.SchemaMerger.
class SchemaMerger {
 public:
  void Merge(const std::optional<Parsed>& latest) {
    if (!latest.has_value() || latest->schema == nullptr || !compatible_) return;
    if (common_ == nullptr) {
      common_ = latest->schema;
    } else {
      common_ = MergeSchemas(common_, latest->schema);
      compatible_ = common_ != nullptr;
    }
  }
  bool has_common_schema() const { return common_ != nullptr; }
  const SchemaPtr& schema() const { return common_; }

 private:
  SchemaPtr common_;
  bool compatible_ = true;
};

// ---- Values.convertTo, for the conversions aligning an array's or map's elements --------------

absl::Status CannotConvert(const JObject& value, const Schema& to) {
  return ParseFailure(absl::StrCat("Unable to convert a value of kind ",
                                   static_cast<int>(value.kind), " to ",
                                   Av(SchemaTypeName(to.type()))));
}

// Values.asLong(value, null, null).
absl::StatusOr<int64_t> AsLong(const JObject& value, const Schema& to) {
  switch (value.kind) {
    case JObject::Kind::kByte:
    case JObject::Kind::kShort:
    case JObject::Kind::kInt:
    case JObject::Kind::kLong:
      return value.integer;
    case JObject::Kind::kFloat:
    case JObject::Kind::kDouble: {
      // (long) of a double: saturating, NaN is 0.
      const double d = value.floating;
      if (std::isnan(d)) return 0;
      if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
      if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
      return static_cast<int64_t>(d);
    }
    case JObject::Kind::kDecimal: {
      // BigDecimal.longValue(): the low 64 bits of the integer part.
      const int64_t keep = static_cast<int64_t>(value.decimal.digits.size()) - value.decimal.scale;
      uint64_t v = 0;
      for (int64_t i = 0; i < keep && i < 64 + static_cast<int64_t>(value.decimal.digits.size());
           ++i) {
        const int d = i < static_cast<int64_t>(value.decimal.digits.size())
                          ? value.decimal.digits[static_cast<size_t>(i)] - '0'
                          : 0;
        v = v * 10 + static_cast<uint64_t>(d);
      }
      return static_cast<int64_t>(value.decimal.negative ? 0 - v : v);
    }
    default:
      return CannotConvert(value, to);
  }
}

// Values.asDouble(value, null, null).
absl::StatusOr<double> AsDouble(const JObject& value, const Schema& to) {
  switch (value.kind) {
    case JObject::Kind::kByte:
    case JObject::Kind::kShort:
    case JObject::Kind::kInt:
    case JObject::Kind::kLong:
      return static_cast<double>(value.integer);
    case JObject::Kind::kFloat:
    case JObject::Kind::kDouble:
      return value.floating;
    case JObject::Kind::kDecimal:
      return std::strtod(value.decimal.ToScientificText().c_str(), nullptr);
    default: {
      absl::StatusOr<int64_t> l = AsLong(value, to);
      if (!l.ok()) return l.status();
      return static_cast<double>(*l);
    }
  }
}

absl::StatusOr<JObject> ConvertTo(const SchemaPtr& to, const JObject& value) {
  if (value.is_null()) {
    if (to->optional()) return JObject();
    return ParseFailure("Unable to convert a null value to a schema that requires a value");
  }
  switch (LogicalOf(to.get())) {
    case Logical::kDecimal:
      if (value.kind == JObject::Kind::kDecimal) return value;
      return CannotConvert(value, *to);
    case Logical::kDate:
    case Logical::kTime:
    case Logical::kTimestamp: {
      if (value.kind == JObject::Kind::kDate) return value;  // no source schema: kept as it is
      absl::StatusOr<int64_t> numeric = AsLong(value, *to);
      if (!numeric.ok()) return numeric.status();
      const Logical logical = LogicalOf(to.get());
      if (logical == Logical::kTimestamp) return JObject::Date(*numeric);
      const int32_t v = static_cast<int32_t>(*numeric);
      if (logical == Logical::kDate) return JObject::Date(static_cast<int64_t>(v) * kMillisPerDay);
      if (v < 0 || v > kMillisPerDay) {
        return ParseFailure(
            "Time values must use number of milliseconds greater than 0 and less than 86400000");
      }
      return JObject::Date(v);
    }
    case Logical::kNone:
      break;
  }
  switch (to->type()) {
    case SchemaType::kString:
      if (value.kind == JObject::Kind::kString) return value;
      return CannotConvert(value, *to);
    case SchemaType::kBoolean:
      if (value.kind == JObject::Kind::kBoolean) return value;
      return CannotConvert(value, *to);
    case SchemaType::kInt8:
    case SchemaType::kInt16:
    case SchemaType::kInt32:
    case SchemaType::kInt64: {
      static constexpr JObject::Kind kKinds[] = {JObject::Kind::kByte, JObject::Kind::kShort,
                                                 JObject::Kind::kInt, JObject::Kind::kLong};
      const JObject::Kind kind =
          kKinds[static_cast<int>(to->type()) - static_cast<int>(SchemaType::kInt8)];
      if (value.kind == kind) return value;
      absl::StatusOr<int64_t> l = AsLong(value, *to);
      if (!l.ok()) return l.status();
      int64_t v = *l;
      if (kind == JObject::Kind::kByte) v = static_cast<int8_t>(v);
      if (kind == JObject::Kind::kShort) v = static_cast<int16_t>(v);
      if (kind == JObject::Kind::kInt) v = static_cast<int32_t>(v);
      return JObject::Integer(kind, v);
    }
    case SchemaType::kFloat32: {
      if (value.kind == JObject::Kind::kFloat) return value;
      absl::StatusOr<double> d = AsDouble(value, *to);
      if (!d.ok()) return d.status();
      return JObject::Floating(JObject::Kind::kFloat, static_cast<float>(*d));
    }
    case SchemaType::kFloat64: {
      if (value.kind == JObject::Kind::kDouble) return value;
      absl::StatusOr<double> d = AsDouble(value, *to);
      if (!d.ok()) return d.status();
      return JObject::Floating(JObject::Kind::kDouble, *d);
    }
    case SchemaType::kArray:
      if (value.kind == JObject::Kind::kList) return value;
      return CannotConvert(value, *to);
    case SchemaType::kMap:
      if (value.kind == JObject::Kind::kMap) return value;
      return CannotConvert(value, *to);
    case SchemaType::kBytes:
    case SchemaType::kStruct:
      break;
  }
  return CannotConvert(value, *to);
}

// ---- Values.Parser: the tokenizer ---------------------------------------------------------------

class Tokenizer {
 public:
  explicit Tokenizer(U16View text) : text_(text) {}

  U16View original() const { return text_; }
  size_t position() const { return index_; }
  size_t Mark() const { return index_ - (next_.has_value() ? next_->size() : 0); }
  void RewindTo(size_t position) {
    index_ = position;
    next_.reset();
    previous_.reset();
  }
  bool HasNext() const { return next_.has_value() || index_ < text_.size(); }

  U16View Next() {
    if (next_.has_value()) {
      previous_ = next_;
      next_.reset();
    } else {
      previous_ = ConsumeToken();
    }
    return *previous_;
  }

  // The original text of the next `n` tokens, or nullopt (and nothing consumed) when there are
  // fewer.
  std::optional<U16View> Next(int n) {
    const size_t start = Mark();
    for (int i = 0; i < n; ++i) {
      if (!HasNext()) {
        RewindTo(start);
        return std::nullopt;
      }
      Next();
    }
    return text_.substr(start, index_ - start);
  }

  std::optional<U16View> previous() const { return previous_; }

  // Consumes the next token when, trimmed, it is `expected`. Whitespace-only tokens before it
  // are dropped.
  bool CanConsume(U16View expected) {
    if (!next_.has_value()) {
      if (!HasNext()) return false;
      next_ = ConsumeToken();
    }
    while (IsBlank(*next_) && index_ < text_.size()) next_ = ConsumeToken();
    if (Trim(*next_) != expected) return false;
    next_.reset();
    return true;
  }

 private:
  U16View ConsumeToken() {
    bool escaped = false;
    const size_t start = index_;
    while (index_ < text_.size()) {
      const char16_t c = text_[index_];
      switch (c) {
        case u'\\':
          escaped = !escaped;
          break;
        case u':':
        case u',':
        case u'{':
        case u'}':
        case u'[':
        case u']':
        case u'"':
          if (!escaped) {
            if (start < index_) return text_.substr(start, index_ - start);
            ++index_;
            return text_.substr(start, 1);
          }
          escaped = false;
          break;
        default:
          escaped = false;
          break;
      }
      ++index_;
    }
    return text_.substr(start, index_ - start);
  }

  U16View text_;
  size_t index_ = 0;
  std::optional<U16View> next_;
  std::optional<U16View> previous_;
};

// ---- Values.ValueParser -----------------------------------------------------------------------

Parsed StringResult(U16View s) {
  JObject o;
  o.kind = JObject::Kind::kString;
  o.string = U16(s);
  return Parsed{Schema::String(), std::move(o)};
}

std::optional<Parsed> ParseAsTemporal(U16View token) {
  // Escaped colons ("\:") count as colons.
  U16 text;
  text.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == u'\\' && i + 1 < token.size() && token[i + 1] == u':') {
      text.push_back(u':');
      ++i;
    } else {
      text.push_back(token[i]);
    }
  }
  IsoDatePattern pattern;
  SchemaPtr schema;
  if (text.size() == 13) {  // HH:mm:ss.SSSZ
    pattern = IsoDatePattern::kTime;
    schema = TimeSchema();
  } else if (text.size() == 24) {  // yyyy-MM-ddTHH:mm:ss.SSSZ
    pattern = IsoDatePattern::kTimestamp;
    schema = TimestampSchema();
  } else if (text.size() == 10) {  // yyyy-MM-dd
    pattern = IsoDatePattern::kDate;
    schema = DateSchema();
  } else {
    return std::nullopt;
  }
  std::optional<int64_t> millis = ParseIsoDateLeniently(text, pattern);
  if (!millis.has_value()) return std::nullopt;
  return Parsed{std::move(schema), JObject::Date(*millis)};
}

// ValueParser.parseAsNumber (with 3.9.1's parseAsExactDecimal); nullopt where Java throws
// NumberFormatException.
std::optional<Parsed> ParseAsNumber(U16View token) {
  std::optional<JDecimal> decimal = ParseBigDecimal(token);
  if (!decimal.has_value()) return std::nullopt;
  // An integer within 1 <= |v| <= 1e19 (or zero) that fits a long: the narrowest integer type.
  const int64_t e = decimal->adjusted_exponent();
  const bool huge = e > 19 || (e == 19 && decimal->digits.find_first_not_of('0', 1) != std::string::npos) ||
                    (e == 19 && decimal->digits[0] > '1');
  const bool fraction_only = !decimal->is_zero() && e < 0;
  const bool whole = decimal->is_zero() || decimal->scale <= 0 ||
                     static_cast<int64_t>(decimal->trailing_zeros()) >= decimal->scale;
  if (!huge && !fraction_only && whole) {
    // |v| <= 1e19 < 2^64: the integer fits an unsigned 64-bit value.
    const int64_t int_digits = static_cast<int64_t>(decimal->digits.size()) - decimal->scale;
    uint64_t magnitude = 0;
    for (int64_t i = 0; i < int_digits; ++i) {
      const int d = i < static_cast<int64_t>(decimal->digits.size())
                        ? decimal->digits[static_cast<size_t>(i)] - '0'
                        : 0;
      magnitude = magnitude * 10 + static_cast<uint64_t>(d);
    }
    const uint64_t limit = decimal->negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    if (magnitude <= limit) {
      const int64_t v = decimal->negative
                            ? static_cast<int64_t>(0 - magnitude)
                            : static_cast<int64_t>(magnitude);
      if (v == static_cast<int8_t>(v)) {
        return Parsed{Schema::Int8(), JObject::Integer(JObject::Kind::kByte, v)};
      }
      if (v == static_cast<int16_t>(v)) {
        return Parsed{Schema::Int16(), JObject::Integer(JObject::Kind::kShort, v)};
      }
      if (v == static_cast<int32_t>(v)) {
        return Parsed{Schema::Int32(), JObject::Integer(JObject::Kind::kInt, v)};
      }
      return Parsed{Schema::Int64(), JObject::Integer(JObject::Kind::kLong, v)};
    }
  }
  const std::string text = decimal->ToScientificText();
  const float f = std::strtof(text.c_str(), nullptr);
  const double d = std::strtod(text.c_str(), nullptr);
  if (!std::isinf(f) && decimal->scale != 0) {
    return Parsed{Schema::Float32(), JObject::Floating(JObject::Kind::kFloat, f)};
  }
  if (!std::isinf(d) && decimal->scale != 0) {
    return Parsed{Schema::Float64(), JObject::Floating(JObject::Kind::kDouble, d)};
  }
  JObject o;
  o.kind = JObject::Kind::kDecimal;
  o.decimal = *decimal;
  return Parsed{SchemaBuilder::Decimal(decimal->scale).BuildOrDie(), std::move(o)};
}

class ValueParser {
 public:
  explicit ValueParser(U16View text) : parser_(text) {}

  // ValueParser.parse: nullopt is Java's null (no token, or the literal null). Errors:
  // InvalidArgument for Java's DataException, ResourceExhausted for nesting beyond kMaxDepth.
  absl::StatusOr<std::optional<Parsed>> Parse(bool embedded, int depth) {
    if (!parser_.HasNext()) return std::optional<Parsed>();
    if (embedded && parser_.CanConsume(u"\"")) return std::optional<Parsed>(ParseQuotedString());
    if (CanParseSingleTokenLiteral(embedded, u"null")) return std::optional<Parsed>();
    if (CanParseSingleTokenLiteral(embedded, u"true")) {
      JObject o;
      o.kind = JObject::Kind::kBoolean;
      o.boolean = true;
      return std::optional<Parsed>(Parsed{Schema::Boolean(), std::move(o)});
    }
    if (CanParseSingleTokenLiteral(embedded, u"false")) {
      JObject o;
      o.kind = JObject::Kind::kBoolean;
      return std::optional<Parsed>(Parsed{Schema::Boolean(), std::move(o)});
    }

    const size_t start = parser_.Mark();
    absl::StatusOr<std::optional<Parsed>> nested = std::optional<Parsed>();
    bool tried = false;
    if (parser_.CanConsume(u"[")) {
      tried = true;
      nested = depth >= kMaxDepth ? TooDeep() : ParseArray(depth + 1);
    } else if (parser_.CanConsume(u"{")) {
      tried = true;
      nested = depth >= kMaxDepth ? TooDeep() : ParseMap(depth + 1);
    }
    if (tried) {
      if (nested.ok() || !IsParseFailure(nested.status())) return nested;
      parser_.RewindTo(start);  // not an array or map after all: read on as a string
    }

    const U16View token = parser_.Next();
    if (IsBlank(token)) return std::optional<Parsed>(StringResult(token));
    return ParseNextToken(embedded, Trim(token));
  }

 private:
  static absl::Status TooDeep() {
    return JavaError(absl::StatusCode::kResourceExhausted, "java.lang.StackOverflowError", "");
  }

  bool CanParseSingleTokenLiteral(bool embedded, U16View literal) {
    const size_t start = parser_.Mark();
    // A literal stands alone at the top level: "true}" is a string.
    if (parser_.CanConsume(literal) && (embedded || !parser_.HasNext())) return true;
    parser_.RewindTo(start);
    return false;
  }

  absl::StatusOr<std::optional<Parsed>> ParseNextToken(bool embedded, U16View token) {
    const bool first_is_digit = JavaDigit(token[0]) >= 0;
    // Temporal types are more restrictive, so they are tried first.
    if (first_is_digit) {
      std::optional<Parsed> temporal = ParseMultipleTokensAsTemporal(token);
      if (temporal.has_value()) return temporal;
    }
    if (first_is_digit || token[0] == u'+' || token[0] == u'-') {
      std::optional<Parsed> number = ParseAsNumber(token);
      if (number.has_value()) return number;
    }
    if (embedded) return ParseFailure("Failed to parse embedded value");
    return std::optional<Parsed>(StringResult(parser_.original()));
  }

  Parsed ParseQuotedString() {
    U16 content;
    while (parser_.HasNext()) {
      if (parser_.CanConsume(u"\"")) break;
      content += parser_.Next();
    }
    std::optional<Parsed> temporal = ParseAsTemporal(content);
    if (temporal.has_value()) return *std::move(temporal);
    return StringResult(content);
  }

  std::optional<Parsed> ParseMultipleTokensAsTemporal(U16View token) {
    // A time or timestamp is split into 5 tokens at its unescaped colons.
    const size_t position = parser_.Mark();
    std::optional<U16View> remainder = parser_.Next(4);
    if (remainder.has_value()) {
      U16 joined(token);
      joined += *remainder;
      std::optional<Parsed> temporal = ParseAsTemporal(joined);
      if (temporal.has_value()) return temporal;
    }
    parser_.RewindTo(position);
    return ParseAsTemporal(token);
  }

  absl::StatusOr<std::optional<Parsed>> ParseArray(int depth) {
    std::vector<JObject> result;
    SchemaMerger element_schema;
    while (parser_.HasNext()) {
      if (parser_.CanConsume(u"]")) {
        SchemaPtr schema;
        if (element_schema.has_common_schema()) {
          schema = SchemaBuilder::Array(element_schema.schema()).BuildOrDie();
          std::vector<JObject> aligned;
          aligned.reserve(result.size());
          for (const JObject& v : result) {
            absl::StatusOr<JObject> c = ConvertTo(element_schema.schema(), v);
            if (!c.ok()) return c.status();
            aligned.push_back(*std::move(c));
          }
          result = std::move(aligned);
        } else {
          schema = SchemaBuilder::ArrayOfNull().BuildOrDie();  // every element is null
        }
        JObject list;
        list.kind = JObject::Kind::kList;
        list.items = std::move(result);
        return std::optional<Parsed>(Parsed{std::move(schema), std::move(list)});
      }
      if (parser_.CanConsume(u",")) return ParseFailure("Unable to parse an empty array element");
      absl::StatusOr<std::optional<Parsed>> element = Parse(/*embedded=*/true, depth);
      if (!element.ok()) return element.status();
      element_schema.Merge(*element);
      result.push_back(element->has_value() ? (*element)->value : JObject());
      const size_t position = parser_.Mark();
      if (parser_.CanConsume(u"]")) {
        parser_.RewindTo(position);
      } else if (!parser_.CanConsume(u",")) {
        return ParseFailure("Array elements missing ',' delimiter");
      }
    }
    return ParseFailure("Array is missing terminating ']'");
  }

  absl::StatusOr<std::optional<Parsed>> ParseMap(int depth) {
    std::vector<std::pair<JObject, JObject>> result;
    SchemaMerger key_schema;
    SchemaMerger value_schema;
    while (parser_.HasNext()) {
      if (parser_.CanConsume(u"}")) {
        SchemaPtr schema;
        if (key_schema.has_common_schema() && value_schema.has_common_schema()) {
          schema = SchemaBuilder::Map(key_schema.schema(), value_schema.schema()).BuildOrDie();
          std::vector<std::pair<JObject, JObject>> aligned;
          for (const auto& [k, v] : result) {
            absl::StatusOr<JObject> ck = ConvertTo(key_schema.schema(), k);
            if (!ck.ok()) return ck.status();
            absl::StatusOr<JObject> cv = ConvertTo(value_schema.schema(), v);
            if (!cv.ok()) return cv.status();
            Put(aligned, *std::move(ck), *std::move(cv));
          }
          result = std::move(aligned);
        } else if (key_schema.has_common_schema()) {
          schema = SchemaBuilder::MapWithNullValues(key_schema.schema()).BuildOrDie();
          std::vector<std::pair<JObject, JObject>> aligned;
          for (const auto& [k, v] : result) {
            absl::StatusOr<JObject> ck = ConvertTo(key_schema.schema(), k);
            if (!ck.ok()) return ck.status();
            Put(aligned, *std::move(ck), v);
          }
          result = std::move(aligned);
        } else {
          schema = SchemaBuilder::MapOfNull().BuildOrDie();
        }
        JObject map;
        map.kind = JObject::Kind::kMap;
        map.entries = std::move(result);
        return std::optional<Parsed>(Parsed{std::move(schema), std::move(map)});
      }
      if (parser_.CanConsume(u",")) {
        return ParseFailure("Unable to parse a map entry with no key or value");
      }
      absl::StatusOr<std::optional<Parsed>> key = Parse(/*embedded=*/true, depth);
      if (!key.ok()) return key.status();
      if (!key->has_value() || (*key)->value.is_null()) {
        return ParseFailure("Map entry may not have a null key");
      }
      if (!parser_.CanConsume(u":")) return ParseFailure("Map entry is missing ':'");
      absl::StatusOr<std::optional<Parsed>> value = Parse(/*embedded=*/true, depth);
      if (!value.ok()) return value.status();
      Put(result, (*key)->value, value->has_value() ? (*value)->value : JObject());
      parser_.CanConsume(u",");
      key_schema.Merge(*key);
      value_schema.Merge(*value);
    }
    return ParseFailure("Map is missing terminating '}'");
  }

  Tokenizer parser_;
};

// ---- Java objects -> Connect data -------------------------------------------------------------

absl::Status Unrepresentable(std::string_view what) {
  return DataError(absl::StrCat("Sluice cannot represent ", Av(what)));
}

// The Connect value of a Java object at a place whose schema is `schema` (may be null).
// Date/Time/Timestamp and Decimal values take the encodings their schema gives them; where the
// schema and the Java object disagree in a way those encodings cannot carry (a java.util.Date
// with a time of day under a Date schema, a BigDecimal without a Decimal schema or of another
// scale than its schema's, an Integer under a Date schema), InvalidArgument.
absl::StatusOr<Value> ToSluice(const Schema* schema, const JObject& v) {
  const Logical logical = LogicalOf(schema);
  switch (v.kind) {
    case JObject::Kind::kNull:
      return Value::Null();
    case JObject::Kind::kBoolean:
      return Value::Boolean(v.boolean);
    case JObject::Kind::kByte:
      return Value::Int8(static_cast<int8_t>(v.integer));
    case JObject::Kind::kShort:
      return Value::Int16(static_cast<int16_t>(v.integer));
    case JObject::Kind::kInt:
      if (logical == Logical::kDate || logical == Logical::kTime) {
        return Unrepresentable("an Integer under a Date or Time schema");
      }
      return Value::Int32(static_cast<int32_t>(v.integer));
    case JObject::Kind::kLong:
      if (logical == Logical::kTimestamp) return Unrepresentable("a Long under a Timestamp schema");
      return Value::Int64(v.integer);
    case JObject::Kind::kFloat:
      return Value::Float32(static_cast<float>(v.floating));
    case JObject::Kind::kDouble:
      return Value::Float64(v.floating);
    case JObject::Kind::kString:
      return Value::String(Utf16ToUtf8(v.string));
    case JObject::Kind::kDate:
      switch (logical) {
        case Logical::kDate: {
          if (v.integer % kMillisPerDay != 0 ||
              v.integer / kMillisPerDay != static_cast<int32_t>(v.integer / kMillisPerDay)) {
            return Unrepresentable(absl::StrCat("the date of ", v.integer,
                                                " ms as a Date (whole days in 32 bits)"));
          }
          return Value::Int32(static_cast<int32_t>(v.integer / kMillisPerDay));
        }
        case Logical::kTime:
          if (v.integer != static_cast<int32_t>(v.integer)) {
            return Unrepresentable(
                absl::StrCat("the time of ", v.integer, " ms as a Time (32 bits)"));
          }
          return Value::Int32(static_cast<int32_t>(v.integer));
        case Logical::kTimestamp:
          return Value::Int64(v.integer);
        default:
          return Value::Timestamp(v.integer);  // a schemaless java.util.Date
      }
    case JObject::Kind::kDecimal: {
      std::optional<int32_t> scale;
      if (logical == Logical::kDecimal) scale = DecimalScaleOf(*schema);
      if (!scale.has_value()) return Unrepresentable("a BigDecimal without a Decimal schema");
      // The list's schema is the last element's; Java keeps each BigDecimal with its own scale,
      // and so does a Decimal value that differs from its schema's.
      const JDecimal& d = v.decimal;
      const std::string& digits = d.digits;
      if (d.scale != *scale) {
        return Value::Decimal(DigitsToTwosComplement(d.negative, digits), d.scale);
      }
      return Value::Bytes(DigitsToTwosComplement(d.negative, digits));
    }
    case JObject::Kind::kList: {
      const Schema* element = schema != nullptr && schema->type() == SchemaType::kArray
                                  ? schema->value_schema().get()
                                  : nullptr;
      std::vector<Value> items;
      items.reserve(v.items.size());
      for (const JObject& item : v.items) {
        absl::StatusOr<Value> c = ToSluice(element, item);
        if (!c.ok()) return c.status();
        items.push_back(*std::move(c));
      }
      return Value::Array(std::move(items));
    }
    case JObject::Kind::kMap: {
      const bool is_map = schema != nullptr && schema->type() == SchemaType::kMap;
      const Schema* key_schema = is_map ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = is_map ? schema->value_schema().get() : nullptr;
      std::vector<MapEntry> entries;
      entries.reserve(v.entries.size());
      for (const auto& [key, value] : v.entries) {
        absl::StatusOr<Value> k = ToSluice(key_schema, key);
        if (!k.ok()) return k.status();
        absl::StatusOr<Value> val = ToSluice(value_schema, value);
        if (!val.ok()) return val.status();
        entries.push_back(MapEntry{*std::move(k), *std::move(val)});
      }
      return Value::Map(std::move(entries));
    }
  }
  return absl::InternalError("unhandled Java object");
}

// ---- convertToString --------------------------------------------------------------------------

void AppendDate(int64_t millis, std::string& out) {
  // Values.dateFormatFor picks the pattern from the instant itself.
  if (millis < kMillisPerDay) {
    out += FormatIsoDate(millis, IsoDatePattern::kTime);
  } else if (millis % kMillisPerDay == 0) {
    out += FormatIsoDate(millis, IsoDatePattern::kDate);
  } else {
    out += FormatIsoDate(millis, IsoDatePattern::kTimestamp);
  }
}

void AppendEscaped(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void Append(const Schema* schema, const Value& value, bool embedded, std::string& out) {
  const Logical logical = LogicalOf(schema);
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBoolean:
      out += value.boolean() ? "true" : "false";
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
      absl::StrAppend(&out, value.integer());
      return;
    case Value::Kind::kInt32:
      if (logical == Logical::kDate) {
        AppendDate(value.integer() * kMillisPerDay, out);
      } else if (logical == Logical::kTime) {
        AppendDate(value.integer(), out);
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kInt64:
      if (logical == Logical::kTimestamp) {
        AppendDate(value.integer(), out);
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kFloat32:
      AppendJavaFloatToString(static_cast<float>(value.floating()), out);
      return;
    case Value::Kind::kFloat64:
      AppendJavaDoubleToString(value.floating(), out);
      return;
    case Value::Kind::kString:
      if (embedded) {
        AppendEscaped(value.string(), out);
      } else {
        out += value.string();
      }
      return;
    case Value::Kind::kTimestamp:
      AppendDate(value.timestamp_millis(), out);
      return;
    case Value::Kind::kBytes: {
      if (logical == Logical::kDecimal) {
        if (std::optional<int32_t> scale = value.decimal_scale() ? value.decimal_scale()
                                                                 : DecimalScaleOf(*schema)) {
          out += JavaBigDecimalToString(value.bytes(), *scale);  // a Number: never quoted
          return;
        }
      }
      const std::string base64 = formats::Base64Encode(value.bytes());
      if (embedded) out.push_back('"');
      out += base64;
      if (embedded) out.push_back('"');
      return;
    }
    case Value::Kind::kArray: {
      const Schema* element = schema != nullptr && schema->type() == SchemaType::kArray
                                  ? schema->value_schema().get()
                                  : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.array()) {
        if (!first) out.push_back(',');
        first = false;
        Append(element, item, true, out);
      }
      out.push_back(']');
      return;
    }
    case Value::Kind::kMap: {
      const bool is_map = schema != nullptr && schema->type() == SchemaType::kMap;
      const Schema* key_schema = is_map ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = is_map ? schema->value_schema().get() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const MapEntry& entry : value.map()) {
        if (!first) out.push_back(',');
        first = false;
        Append(key_schema, entry.key, true, out);
        out.push_back(':');
        Append(value_schema, entry.value, true, out);
      }
      out.push_back('}');
      return;
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      out.push_back('{');
      bool first = true;
      for (const Field& field : s.schema()->fields()) {
        if (!first) out.push_back(',');
        first = false;
        AppendEscaped(field.name, out);
        out.push_back(':');
        Append(field.schema.get(), s.Get(field.name), true, out);  // Struct.get: the default too
      }
      out.push_back('}');
      return;
    }
  }
}

// ---- inferSchema ------------------------------------------------------------------------------

// Values.SchemaDetector: the one type of some values, with nulls making it optional.
class SchemaDetector {
 public:
  bool CanDetect(const Value& value) {
    if (value.is_null()) {
      optional_ = true;
      return true;
    }
    SchemaPtr schema = InferSchema(value);
    if (schema == nullptr) return false;
    if (!type_.has_value()) {
      type_ = schema->type();
    } else if (*type_ != schema->type()) {
      return false;
    }
    return true;
  }

  // SchemaBuilder.type(type): an ARRAY or MAP without element schemas. Null when every value
  // was null (Java throws "type cannot be null" there).
  SchemaPtr schema() const {
    if (!type_.has_value()) return nullptr;
    SchemaBuilder builder = *type_ == SchemaType::kArray ? SchemaBuilder::ArrayOfNull()
                            : *type_ == SchemaType::kMap ? SchemaBuilder::MapOfNull()
                                                         : SchemaBuilder(*type_);
    if (optional_) builder.Optional();
    return builder.BuildOrDie();
  }

 private:
  std::optional<SchemaType> type_;
  bool optional_ = false;
};

}  // namespace

absl::StatusOr<SchemaAndValue> ParseString(std::string_view text) {
  if (text.empty()) return SchemaAndValue{Schema::String(), Value::String("")};
  const U16 utf16 = Utf8ToUtf16(text);
  ValueParser parser(utf16);
  absl::StatusOr<std::optional<Parsed>> parsed = parser.Parse(/*embedded=*/false, 0);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->has_value()) return SchemaAndValue{nullptr, Value::Null()};
  absl::StatusOr<Value> value = ToSluice((*parsed)->schema.get(), (*parsed)->value);
  if (!value.ok()) return value.status();
  return SchemaAndValue{(*parsed)->schema, *std::move(value)};
}

std::string ConvertToString(const Schema* schema, const Value& value) {
  std::string out;
  Append(schema, value, /*embedded=*/false, out);
  return out;
}

SchemaPtr InferSchema(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kString:
      return Schema::String();
    case Value::Kind::kBoolean:
      return Schema::Boolean();
    case Value::Kind::kInt8:
      return Schema::Int8();
    case Value::Kind::kInt16:
      return Schema::Int16();
    case Value::Kind::kInt32:
      return Schema::Int32();
    case Value::Kind::kInt64:
      return Schema::Int64();
    case Value::Kind::kFloat32:
      return Schema::Float32();
    case Value::Kind::kFloat64:
      return Schema::Float64();
    case Value::Kind::kBytes:
      return Schema::Bytes();
    case Value::Kind::kArray: {
      if (value.array().empty()) return nullptr;
      SchemaDetector detector;
      for (const Value& item : value.array()) {
        if (!detector.CanDetect(item)) return nullptr;
      }
      SchemaPtr element = detector.schema();
      if (element == nullptr) return nullptr;
      return SchemaBuilder::Array(std::move(element)).BuildOrDie();
    }
    case Value::Kind::kMap: {
      if (value.map().empty()) return nullptr;
      SchemaDetector keys;
      SchemaDetector values;
      for (const MapEntry& e : value.map()) {
        if (!keys.CanDetect(e.key) || !values.CanDetect(e.value)) return nullptr;
      }
      SchemaPtr key_schema = keys.schema();
      SchemaPtr value_schema = values.schema();
      if (key_schema == nullptr || value_schema == nullptr) return nullptr;
      return SchemaBuilder::Map(std::move(key_schema), std::move(value_schema)).BuildOrDie();
    }
    case Value::Kind::kStruct:
      return value.struct_value().schema();
    case Value::Kind::kNull:
    case Value::Kind::kTimestamp:  // java.util.Date: Values knows no schema for it
      return nullptr;
  }
  return nullptr;
}

}  // namespace sluice::convert
