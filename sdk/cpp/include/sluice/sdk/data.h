// The Connect data model: schemas and values, as in Kafka Connect's org.apache.kafka.connect.data.
//
// Plugin code builds and reads records with these types; the worker's converters turn them into
// bytes and back. Every Kafka Connect type is here (INT8..INT64, FLOAT32, FLOAT64, BOOLEAN,
// STRING, BYTES, ARRAY, MAP, STRUCT) with the logical types Decimal, Date, Time and Timestamp,
// which are schemas with a well-known name on a primitive type.
//
//   auto schema = sluice::SchemaBuilder::Struct().Name("com.example.Order")
//                     .Field("id", sluice::Schema::Int32())
//                     .Field("name", sluice::Schema::OptionalString())
//                     .Build();
//   sluice::Struct order(schema);
//   order.Put("id", sluice::Value::Int32(1));
//   sluice::Value v = sluice::Value::FromStruct(std::move(order));
//
// Thread-safety: a Schema is immutable once built and is shared between threads through
// SchemaPtr. A Value is a regular value type (thread-compatible); its nested containers are
// immutable and shared on copy, so copying a big Value is cheap.
#ifndef SLUICE_SDK_DATA_H_
#define SLUICE_SDK_DATA_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice {

enum class SchemaType {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kBoolean,
  kString,
  kBytes,
  kArray,
  kMap,
  kStruct,
};

// Kafka Connect's lower-case name of a type ("int8", ..., "struct"); FLOAT32/FLOAT64 give
// "float32"/"float64" (Schema.Type names), not the JsonConverter's "float"/"double".
std::string_view SchemaTypeName(SchemaType type);
bool IsPrimitive(SchemaType type);

class Schema;
class Value;
class Struct;
// Schemas are immutable and shared by every record that uses them.
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
  std::string name;
  int index = 0;
  SchemaPtr schema;
};

// Logical type names (Kafka Connect's class names).
inline constexpr std::string_view kDecimalLogicalName = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kDateLogicalName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeLogicalName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kTimestampLogicalName =
    "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDecimalScaleParameter = "scale";

class Schema {
 public:
  SchemaType type() const { return type_; }
  bool optional() const { return optional_; }
  // Empty when unnamed.
  const std::string& name() const { return name_; }
  std::optional<int32_t> version() const { return version_; }
  const std::string& doc() const { return doc_; }
  const std::map<std::string, std::string>& parameters() const { return parameters_; }
  // Null when the schema has no default.
  const std::shared_ptr<const Value>& default_value() const { return default_value_; }

  // STRUCT only; empty otherwise.
  const std::vector<Field>& fields() const { return fields_; }
  // STRUCT only; null when there is no such field.
  const Field* FindField(std::string_view name) const;
  // MAP: the key schema; null for other types.
  const SchemaPtr& key_schema() const { return key_schema_; }
  // ARRAY: the element schema; MAP: the value schema; null for other types.
  const SchemaPtr& value_schema() const { return value_schema_; }

  // Deep structural equality (type, optional, name, version, doc, parameters, children,
  // default).
  bool Equals(const Schema& other) const;

  // Predefined schemas, as Kafka Connect's Schema.*_SCHEMA constants.
  static const SchemaPtr& Int8();
  static const SchemaPtr& Int16();
  static const SchemaPtr& Int32();
  static const SchemaPtr& Int64();
  static const SchemaPtr& Float32();
  static const SchemaPtr& Float64();
  static const SchemaPtr& Boolean();
  static const SchemaPtr& String();
  static const SchemaPtr& Bytes();
  static const SchemaPtr& OptionalInt8();
  static const SchemaPtr& OptionalInt16();
  static const SchemaPtr& OptionalInt32();
  static const SchemaPtr& OptionalInt64();
  static const SchemaPtr& OptionalFloat32();
  static const SchemaPtr& OptionalFloat64();
  static const SchemaPtr& OptionalBoolean();
  static const SchemaPtr& OptionalString();
  static const SchemaPtr& OptionalBytes();

 private:
  friend class SchemaBuilder;
  Schema() = default;

  SchemaType type_ = SchemaType::kString;
  bool optional_ = false;
  std::string name_;
  std::optional<int32_t> version_;
  std::string doc_;
  std::map<std::string, std::string> parameters_;
  std::shared_ptr<const Value> default_value_;
  std::vector<Field> fields_;
  SchemaPtr key_schema_;
  SchemaPtr value_schema_;
};

// Builds a Schema. Build() returns InvalidArgument for an inconsistent schema: a default that
// does not match the type, a duplicate field name, a field on a non-struct.
class SchemaBuilder {
 public:
  explicit SchemaBuilder(SchemaType type);
  static SchemaBuilder Struct() { return SchemaBuilder(SchemaType::kStruct); }
  static SchemaBuilder Array(SchemaPtr value_schema);
  static SchemaBuilder Map(SchemaPtr key_schema, SchemaPtr value_schema);
  // An ARRAY or MAP schema whose element, key or value schema is null: "any value", as Kafka
  // Connect's package-private SchemaBuilder.arrayOfNull(), mapOfNull(), mapWithNullKeys() and
  // mapWithNullValues(). Kafka Connect's Values.parseString makes them for "[]", "{}" and
  // arrays or maps whose elements have no common schema (header values, InsertHeader's literal).
  // Code reading schemas must expect a null value_schema() or key_schema() on these.
  static SchemaBuilder ArrayOfNull();
  static SchemaBuilder MapOfNull();
  static SchemaBuilder MapWithNullKeys(SchemaPtr value_schema);
  static SchemaBuilder MapWithNullValues(SchemaPtr key_schema);
  // Logical types.
  static SchemaBuilder Decimal(int32_t scale);
  static SchemaBuilder Date();
  static SchemaBuilder Time();
  static SchemaBuilder Timestamp();

  SchemaBuilder& Optional();
  SchemaBuilder& Name(std::string name);
  SchemaBuilder& Version(int32_t version);
  SchemaBuilder& Doc(std::string doc);
  SchemaBuilder& Parameter(std::string key, std::string value);
  SchemaBuilder& Default(Value value);
  SchemaBuilder& Field(std::string name, SchemaPtr schema);

  absl::StatusOr<SchemaPtr> Build() const;
  // For schemas known to be valid at compile time; CHECK-fails otherwise (programmer error).
  SchemaPtr BuildOrDie() const;

 private:
  std::shared_ptr<Schema> schema_;
};

struct MapEntry;

// A Connect value: null, a primitive, or a container. The kind records the exact Java type that
// Kafka Connect would carry (Integer vs Long), which schemaless conversion needs.
class Value {
 public:
  enum class Kind {
    kNull,
    kBoolean,
    kInt8,
    kInt16,
    kInt32,
    kInt64,
    kFloat32,
    kFloat64,
    kString,
    kBytes,
    kArray,
    kMap,
    kStruct,
    // A java.util.Date met without a schema: milliseconds since the Unix epoch. Kafka Connect
    // carries Date/Time/Timestamp values as java.util.Date objects; with a schema Sluice carries
    // them as their int32/int64 encodings (the schema names the logical type), but schemaless
    // data (a map built by TimestampConverter, say) has no schema to say so, and Kafka Connect
    // treats such a value differently from a Long (JsonConverter refuses it, toString prints a
    // date).
    kTimestamp,
  };

  Value();  // null
  static Value Null() { return Value(); }
  static Value Boolean(bool v);
  static Value Int8(int8_t v);
  static Value Int16(int16_t v);
  static Value Int32(int32_t v);
  static Value Int64(int64_t v);
  static Value Float32(float v);
  static Value Float64(double v);
  static Value String(std::string v);
  static Value Bytes(std::string v);
  // A Decimal value (BYTES under a Decimal schema: the big-endian two's-complement unscaled
  // value) that carries a scale of its own, as Java's BigDecimal does. Kafka Connect's values
  // usually have their schema's scale, and then Bytes() is all it takes; some do not (12.3 read
  // from a NUMERIC JSON payload under a scale-2 schema, MaskField's BigDecimal.ZERO), and Kafka
  // Connect prints them with their own scale and refuses to serialise them ("BigDecimal has
  // mismatching scale value for given Decimal schema").
  static Value Decimal(std::string unscaled_big_endian, int32_t scale);
  // A schemaless java.util.Date (Kind::kTimestamp).
  static Value Timestamp(int64_t epoch_millis);
  static Value Array(std::vector<Value> items);
  // Entries keep their insertion order.
  static Value Map(std::vector<MapEntry> entries);
  static Value FromStruct(Struct s);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_integer() const;  // kInt8..kInt64

  // Accessors. REQUIRES: kind() matches (the integer accessor accepts every integer kind, the
  // floating one both float kinds). A mismatch is a programmer error.
  bool boolean() const;
  int64_t integer() const;
  double floating() const;
  const std::string& string() const;  // kString
  const std::string& bytes() const;   // kBytes
  // kString or kBytes: moves the characters out and leaves the value null (for a caller that
  // owns the value and needs it no more: no copy).
  std::string ReleaseString();
  // kBytes made with Decimal(): its own scale; nullopt for any other value (a Decimal value
  // then has its schema's scale).
  std::optional<int32_t> decimal_scale() const;
  const std::vector<Value>& array() const;
  const std::vector<MapEntry>& map() const;
  const Struct& struct_value() const;
  int64_t timestamp_millis() const;  // kTimestamp

  // For a kMap with string keys: the value under `key`, or null when absent.
  const Value* Find(std::string_view key) const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  Kind kind_ = Kind::kNull;
  bool has_scale_ = false;  // kBytes: i_ holds the decimal's own scale
  union {
    bool b_;
    int64_t i_;
    double d_;
  };
  std::string s_;  // kString and kBytes
  // Containers are immutable once built and shared between copies.
  std::shared_ptr<const std::vector<Value>> array_;
  std::shared_ptr<const std::vector<MapEntry>> map_;
  std::shared_ptr<const Struct> struct_;
};

struct MapEntry {
  Value key;
  Value value;
  bool operator==(const MapEntry& o) const { return key == o.key && value == o.value; }
};

// A value of a STRUCT schema: one slot per field, in field order, null until set.
class Struct {
 public:
  explicit Struct(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  // NotFound for an unknown field; InvalidArgument when the value does not fit the field schema.
  absl::Status Put(std::string_view field, Value value);
  // The field's value, or its schema default when unset; null for an unknown field.
  const Value& Get(std::string_view field) const;
  const std::vector<Value>& values() const { return values_; }
  // InvalidArgument naming the first required field that is null.
  absl::Status Validate() const;

  bool operator==(const Struct& other) const;

 private:
  SchemaPtr schema_;
  std::vector<Value> values_;
};

// Checks that `value` fits `schema` (type, optional, struct fields, container elements).
// A null schema (also a null element, key or value schema) accepts any value. InvalidArgument names the mismatch.
absl::Status ValidateValue(const Schema* schema, const Value& value);

// java.util.Date.toString() of an instant, as a JVM whose default time zone is UTC prints it:
// "Tue Nov 14 22:13:20 UTC 2023".
std::string JavaDateToString(int64_t epoch_millis);

// Decimal helpers: a Decimal value is BYTES holding the big-endian two's-complement unscaled
// integer, as in Kafka Connect.
std::string DecimalToString(const std::string& unscaled_big_endian, int32_t scale);
absl::StatusOr<std::string> DecimalFromString(std::string_view text, int32_t scale);

}  // namespace sluice

#endif  // SLUICE_SDK_DATA_H_
