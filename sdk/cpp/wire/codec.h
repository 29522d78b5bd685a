// Converts between the Connect data model (sluice/sdk/data.h, records.h, config_def.h) and the
// plugin protocol's protobuf messages (proto/sluice/plugin/v1/plugin.proto).
//
// Used on both ends of a plugin stream: by sluice-plugin-host and by sluiced. Plugin code never
// sees it. A schema crosses a stream once: SchemaEncoder gives each distinct schema an id and
// emits its definition the first time; SchemaDecoder keeps the definitions it has seen.
//
// Thread-compatibility: SchemaEncoder and SchemaDecoder are per stream direction and are used by
// one thread at a time; the free functions are thread-safe.
#ifndef SLUICE_SDK_CPP_WIRE_CODEC_H_
#define SLUICE_SDK_CPP_WIRE_CODEC_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/plugin/v1/plugin.pb.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"

namespace sluice::wire {

namespace pb = ::sluice::plugin::v1;

// The largest message either end of the plugin protocol accepts (gRPC's default is 4 MiB, less
// than a batch of ordinary records can take). A plugin that sends more fails its task; the
// worker's batches stay well below it.
inline constexpr int kMaxMessageBytes = 256 << 20;

class SchemaEncoder {
 public:
  // The id of `schema` on this stream; 0 for a null schema. The first time a schema is seen, its
  // definition is appended to `new_definitions`. Schemas are told apart by identity (the
  // encoder keeps them alive, so an address is never reused).
  uint32_t Encode(const SchemaPtr& schema,
                  google::protobuf::RepeatedPtrField<pb::SchemaDefinition>* new_definitions);

 private:
  absl::flat_hash_map<const Schema*, uint32_t> ids_;
  std::vector<SchemaPtr> keep_alive_;
  uint32_t next_id_ = 1;
};

class SchemaDecoder {
 public:
  // Registers definitions received on the stream. InvalidArgument for a malformed schema or an
  // id of 0.
  absl::Status Add(const google::protobuf::RepeatedPtrField<pb::SchemaDefinition>& definitions);
  // The schema with `id`; null for id 0. InvalidArgument for an id never defined.
  absl::StatusOr<SchemaPtr> Get(uint32_t id) const;

 private:
  absl::flat_hash_map<uint32_t, SchemaPtr> schemas_;
};

void SchemaToProto(const Schema& schema, pb::Schema* out);
absl::StatusOr<SchemaPtr> SchemaFromProto(const pb::Schema& proto);

// `schema` may be null (schemaless data).
void ValueToProto(const Value& value, pb::Value* out);
// With a schema, integers take the schema's width and structs are rebuilt against it; without
// one, integers become INT64 and maps keep their entries. InvalidArgument when the value does
// not fit the schema.
absl::StatusOr<Value> ValueFromProto(const pb::Value& proto, const Schema* schema);
// The same; structs share `schema` instead of a copy of it (the raw-pointer form must copy a
// schema that contains a STRUCT, since a Struct keeps its schema alive).
absl::StatusOr<Value> ValueFromProto(const pb::Value& proto, const SchemaPtr& schema);

// Appends `record` to `batch`, with any new schema definitions. `previous`: the record appended
// to `batch` just before (null for its first): when both have the same source partition, the
// proto says so (same_source_partition) instead of carrying it again.
void SourceRecordToProto(const SourceRecord& record, uint64_t id, SchemaEncoder& schemas,
                         pb::SourceBatch* batch, const SourceRecord* previous = nullptr);
// A record whose proto has same_source_partition comes back with a null source_partition: the
// caller, who sees the whole batch, knows the previous record's. `with_offset` false leaves
// source_offset null too, undecoded (for a caller that needs only some records' offsets).
absl::StatusOr<SourceRecord> SourceRecordFromProto(const pb::SourceRecord& proto,
                                                   const SchemaDecoder& schemas,
                                                   bool with_offset = true);

void SinkRecordToProto(const SinkRecord& record, SchemaEncoder& schemas, pb::SinkBatch* batch);
// The same for a record the caller needs no more: its topic and a string or bytes key and value
// move into the batch (into `batch`'s arena, when it has one) instead of being copied.
void SinkRecordToProto(SinkRecord&& record, SchemaEncoder& schemas, pb::SinkBatch* batch);
absl::StatusOr<SinkRecord> SinkRecordFromProto(const pb::SinkRecord& proto,
                                               const SchemaDecoder& schemas);

void ConfigKeyToProto(const ConfigKey& key, pb::ConfigKeyDefinition* out);
// The definition as data; the validator does not cross the wire (the plugin validates).
ConfigKey ConfigKeyFromProto(const pb::ConfigKeyDefinition& proto);

void ConfigValueResultToProto(const ConfigValueResult& result, pb::ConfigValueResult* out);
ConfigValueResult ConfigValueResultFromProto(const pb::ConfigValueResult& proto);

void TopicPartitionsToProto(const std::vector<TopicPartition>& partitions,
                            google::protobuf::RepeatedPtrField<pb::TopicPartition>* out);
std::vector<TopicPartition> TopicPartitionsFromProto(
    const google::protobuf::RepeatedPtrField<pb::TopicPartition>& proto);

void TopicPartitionOffsetsToProto(const TopicPartitionOffsets& offsets,
                                  google::protobuf::RepeatedPtrField<pb::TopicPartitionOffset>* out);
TopicPartitionOffsets TopicPartitionOffsetsFromProto(
    const google::protobuf::RepeatedPtrField<pb::TopicPartitionOffset>& proto);

}  // namespace sluice::wire

#endif  // SLUICE_SDK_CPP_WIRE_CODEC_H_
