#include "server/transforms/connect_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/transforms/requirements.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status NotAValidFieldName(std::string_view name) {
  return convert::DataError(absl::StrCat(Av(name), " is not a valid field name"));
}

}  // namespace

absl::StatusOr<Value> GetField(const Struct& s, std::string_view name, bool with_default) {
  const Field* field = s.schema()->FindField(name);
  if (field == nullptr) return NotAValidFieldName(name);
  return GetField(s, *field, with_default);
}

const Value& GetField(const Struct& s, const Field& field, bool with_default) {
  const Value& raw = s.values()[static_cast<size_t>(field.index)];
  if (with_default && raw.is_null() && field.schema->default_value() != nullptr) {
    return *field.schema->default_value();
  }
  return raw;
}

absl::Status PutField(Struct& s, std::string_view name, Value value) {
  if (s.schema()->FindField(name) == nullptr) return NotAValidFieldName(name);
  absl::Status put = s.Put(name, std::move(value));
  if (put.ok()) return put;
  return convert::DataError(std::string(put.message()));
}

absl::StatusOr<const Field*> LookUpField(const Schema& schema, std::string_view name) {
  if (schema.type() != SchemaType::kStruct) {
    return convert::DataError("Cannot look up fields on non-struct type");
  }
  return schema.FindField(name);
}

absl::Status RequireFields(const Schema& schema) {
  if (schema.type() == SchemaType::kStruct) return absl::OkStatus();
  return convert::DataError("Cannot list fields on non-struct type");
}

absl::StatusOr<SchemaPtr> BuildSchema(const SchemaBuilder& builder) {
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) return built;
  return convert::JavaError(absl::StatusCode::kInvalidArgument, kSchemaBuilderExceptionClass,
                            std::string(built.status().message()));
}

StructSchemaBuilder& StructSchemaBuilder::Field(const std::string& name, SchemaPtr schema) {
  if (!status_.ok()) return *this;
  if (name.empty()) {
    status_ = convert::JavaError(absl::StatusCode::kInvalidArgument, kSchemaBuilderExceptionClass,
                                 "fieldName cannot be null.");
  } else if (!names_.insert(name).second) {
    status_ = convert::JavaError(
        absl::StatusCode::kInvalidArgument, kSchemaBuilderExceptionClass,
        absl::StrCat("Cannot create field because of field name duplication ", name));
  } else {
    builder_.Field(name, std::move(schema));
  }
  return *this;
}

absl::StatusOr<SchemaPtr> StructSchemaBuilder::Build() const {
  if (!status_.ok()) return status_;
  return BuildSchema(builder_);
}

std::string JavaSchemaText(const Schema& schema) {
  std::string_view type = convert::JavaTypeName(schema.type());
  if (schema.name().empty()) return absl::StrCat("Schema{", Av(type), "}");
  return absl::StrCat("Schema{", schema.name(), ":", Av(type), "}");
}

absl::Status ClassCastToStringError(const Value& key) {
  const std::string cls = JavaClassNameOf(key);
  // Struct is loaded from the worker's class path (the application class loader); every other
  // class a Connect value can be is a JDK class.
  const std::string where =
      key.kind() == Value::Kind::kStruct
          ? absl::StrCat(cls,
                         " is in unnamed module of loader 'app'; java.lang.String is in module "
                         "java.base of loader 'bootstrap'")
          : absl::StrCat(cls, " and java.lang.String are in module java.base of loader 'bootstrap'");
  return JavaRuntimeError(kClassCastExceptionClass,
                          absl::StrCat("class ", cls, " cannot be cast to class java.lang.String (",
                                       where, ")"));
}

absl::Status JavaRuntimeError(std::string_view java_class, std::string_view message) {
  return convert::JavaError(absl::StatusCode::kInvalidArgument, java_class, message);
}

}  // namespace sluice::transforms
