// Single message transforms and predicates: Kafka Connect's Transformation and Predicate
// interfaces, run by the worker on every record of a connector that configures them
// (`transforms`, `predicates`; reference §5.1, §7). Sources run them before the converters,
// sinks after.
//
//   absl::StatusOr<std::unique_ptr<Transformation>> t =
//       FindTransformation("org.apache.kafka.connect.transforms.InsertField$Value")
//           ->create({{"static.field", "origin"}, {"static.value", "sluice"}});
//   absl::StatusOr<bool> kept = (*t)->Apply(record);  // record changed in place
//
// Errors raised while applying carry the Java exception Kafka Connect would raise
// (server/convert/connect_exception.h): a DataException for a record the transform cannot
// handle, as Kafka Connect's messages say it.
//
// Thread-compatibility: an instance is configured once and used by one task runner thread; each
// task has its own instances. The class descriptors are immutable and thread-safe.
#ifndef SLUICE_SERVER_TRANSFORMS_TRANSFORMATION_H_
#define SLUICE_SERVER_TRANSFORMS_TRANSFORMATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"

namespace sluice::transforms {

// A record as transforms and predicates see it: Kafka Connect's ConnectRecord, which is a
// SourceRecord on its way to Kafka or a SinkRecord on its way to the plugin. (A source record's
// source partition and offset are not visible to transforms; the pipeline keeps them.)
struct ConnectRecord {
  std::string topic;
  std::optional<int32_t> kafka_partition;
  SchemaPtr key_schema;  // null: schemaless (or no key)
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::optional<int64_t> timestamp;  // milliseconds since the epoch
  std::vector<Header> headers;       // in order; a key may repeat
  // Set for sink records only (Kafka Connect's SinkRecord): the Kafka offset the record was
  // consumed at, and the timestamp's type. Transforms keep both.
  std::optional<int64_t> kafka_offset;
  TimestampType timestamp_type = TimestampType::kNone;

  bool is_sink() const { return kafka_offset.has_value(); }
};

class Transformation {
 public:
  virtual ~Transformation() = default;
  // Transformation.apply: changes `record` in place. Returns false when the record is dropped
  // (Java's null; the chain stops there). On error the record's contents are unspecified.
  virtual absl::StatusOr<bool> Apply(ConnectRecord& record) = 0;
};

class Predicate {
 public:
  virtual ~Predicate() = default;
  // Predicate.test.
  virtual absl::StatusOr<bool> Test(const ConnectRecord& record) = 0;
};

// A built-in transformation class. Each $Key / $Value variant is a class of its own.
struct TransformationClass {
  std::string class_name;  // "org.apache.kafka.connect.transforms.InsertField$Value"
  std::string version;
  // Transformation.config(): the class's own keys as Kafka Connect defines them (types,
  // defaults, validators with Kafka's messages, documentation), without the implicit
  // `predicate` and `negate` every transform has.
  ConfigDef config;
  // Transformation.configure(): an instance configured from `config`, the keys of
  // "transforms.<alias>." with that prefix stripped (so also "type", "predicate", "negate",
  // which a class ignores unless it defines them). InvalidArgument with Kafka's
  // ConfigException message for a config the class refuses.
  std::function<absl::StatusOr<std::unique_ptr<Transformation>>(const ConfigMap& config)> create;
};

// A built-in predicate class.
struct PredicateClass {
  std::string class_name;  // "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"
  std::string version;
  ConfigDef config;        // Predicate.config()
  // Predicate.configure(), from the keys of "predicates.<alias>." with the prefix stripped.
  std::function<absl::StatusOr<std::unique_ptr<Predicate>>(const ConfigMap& config)> create;
};

// Every built-in transformation class, sorted by class name (as GET /connector-plugins lists
// them).
const std::vector<TransformationClass>& BuiltinTransformations();
// Every built-in predicate class, sorted by class name.
const std::vector<PredicateClass>& BuiltinPredicates();

// The class named `name`: its full class name, or an alias Kafka Connect accepts for it
// (reference §5.4: the simple name, or the simple name without its type's suffix; an alias
// that several classes share is not accepted). Null when none matches.
const TransformationClass* FindTransformation(std::string_view name);
const PredicateClass* FindPredicate(std::string_view name);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_TRANSFORMATION_H_
