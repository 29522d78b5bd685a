// Kafka Connect's data classes (Struct, ConnectSchema, SchemaBuilder) as the built-in transforms
// use them, with the exceptions those classes raise, and the Java runtime exceptions a few
// transforms let escape (ClassCastException, NullPointerException, IllegalArgumentException),
// each with the class and message a Kafka Connect 3.9 worker on JDK 17 reports.
//
//   absl::StatusOr<Value> v = GetField(order, "id", /*with_default=*/true);
//   absl::Status s = PutField(updated, "id", *v);
//   // DataException "Invalid value: null used for required field: \"id\", schema type: INT32"
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_TRANSFORMS_CONNECT_DATA_H_
#define SLUICE_SERVER_TRANSFORMS_CONNECT_DATA_H_

#include <set>
#include <string>
#include <utility>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms {

inline constexpr std::string_view kSchemaBuilderExceptionClass =
    "org.apache.kafka.connect.errors.SchemaBuilderException";
inline constexpr std::string_view kIllegalArgumentExceptionClass =
    "java.lang.IllegalArgumentException";
inline constexpr std::string_view kNullPointerExceptionClass = "java.lang.NullPointerException";
inline constexpr std::string_view kClassCastExceptionClass = "java.lang.ClassCastException";

// Struct.get(name) (with_default) or Struct.getWithoutDefault(name): DataException
// "<name> is not a valid field name" for a field the struct's schema does not have.
absl::StatusOr<Value> GetField(const Struct& s, std::string_view name, bool with_default);
// Struct.get(Field) / the raw value of a field of the struct's own schema.
const Value& GetField(const Struct& s, const Field& field, bool with_default);

// Struct.put(name, value): DataException "<name> is not a valid field name", or the
// DataException of ConnectSchema.validateValue ("Invalid value: null used for required field:
// \"<name>\", schema type: <TYPE>", ...).
absl::Status PutField(Struct& s, std::string_view name, Value value);

// Schema.field(name): null when absent; DataException "Cannot look up fields on non-struct type"
// for a schema that is not a STRUCT.
absl::StatusOr<const Field*> LookUpField(const Schema& schema, std::string_view name);
// Schema.fields(): DataException "Cannot list fields on non-struct type" for a non-STRUCT.
absl::Status RequireFields(const Schema& schema);

// SchemaBuilder.build(), failing as a SchemaBuilderException (a DataException) with the
// builder's message.
absl::StatusOr<SchemaPtr> BuildSchema(const SchemaBuilder& builder);

// A STRUCT schema built as Kafka's SchemaBuilder adds fields: the first bad field fails it with
// SchemaBuilderException "fieldName cannot be null." (an empty name) or "Cannot create field
// because of field name duplication <name>".
//
//   StructSchemaBuilder b(CopySchemaBasics(*schema));
//   b.Field("id", Schema::Int32());
//   if (!b.status().ok()) ...   // Java would have thrown here
//   absl::StatusOr<SchemaPtr> built = b.Build();
class StructSchemaBuilder {
 public:
  // REQUIRES: `base` builds a STRUCT and has no fields yet.
  explicit StructSchemaBuilder(SchemaBuilder base) : builder_(std::move(base)) {}

  // Adds the field, unless a field has already failed.
  StructSchemaBuilder& Field(const std::string& name, SchemaPtr schema);
  // The first field's error, or OK.
  const absl::Status& status() const { return status_; }
  absl::StatusOr<SchemaPtr> Build() const;

 private:
  SchemaBuilder builder_;
  std::set<std::string> names_;
  absl::Status status_;
};

// ConnectSchema.toString(): "Schema{<name>:<TYPE>}", or "Schema{<TYPE>}" when unnamed.
std::string JavaSchemaText(const Schema& schema);

// The ClassCastException Java raises where a transform takes a map key it reads as a String and
// the key is not one: "class java.lang.Integer cannot be cast to class java.lang.String
// (java.lang.Integer and java.lang.String are in module java.base of loader 'bootstrap')".
absl::Status ClassCastToStringError(const Value& key);

// A Java runtime exception of `java_class` with `message` (for IllegalArgumentException and
// NullPointerException, which Kafka's transforms let escape in a few places).
absl::Status JavaRuntimeError(std::string_view java_class, std::string_view message);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_CONNECT_DATA_H_
