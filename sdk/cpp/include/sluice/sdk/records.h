// Source and sink records, as in Kafka Connect's SourceRecord and SinkRecord.
//
// Thread-compatible value types.
#ifndef SLUICE_SDK_RECORDS_H_
#define SLUICE_SDK_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sluice/sdk/data.h"

namespace sluice {

struct Header {
  std::string key;
  SchemaPtr schema;  // null: schemaless
  Value value;
};

struct SourceRecord {
  // Maps with string keys and primitive values (Value::Map), e.g. {"filename": "/data/in.txt"}
  // and {"position": 30}. A null partition means the record carries no offset.
  Value source_partition;
  Value source_offset;
  std::string topic;
  std::optional<int32_t> partition;
  SchemaPtr key_schema;  // null: schemaless (or no key)
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::vector<Header> headers;
  std::optional<int64_t> timestamp_ms;
};

enum class TimestampType { kNone, kCreateTime, kLogAppendTime };

struct SinkRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the record's own Kafka offset
  SchemaPtr key_schema;
  Value key;
  SchemaPtr value_schema;
  Value value;
  std::vector<Header> headers;
  std::optional<int64_t> timestamp_ms;
  TimestampType timestamp_type = TimestampType::kNone;
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  bool operator==(const TopicPartition& o) const {
    return partition == o.partition && topic == o.topic;
  }
  bool operator<(const TopicPartition& o) const {
    return std::tie(topic, partition) < std::tie(o.topic, o.partition);
  }
};

// Per partition, the next offset to consume (Kafka's committed-offset convention).
using TopicPartitionOffsets = std::map<TopicPartition, int64_t>;

}  // namespace sluice

#endif  // SLUICE_SDK_RECORDS_H_
