// The records of Kafka Connect's offsets topic (`offset.storage.topic`, reference §3.3): the key
// `["<connector>",{<partition>}]` as the worker's internal JsonConverter writes it (the bytes
// OffsetStore keys already are), how KafkaOffsetBackingStore reads keys back, and Kafka's default
// partitioner, which places each record of the three topics.
//
//   std::string key = EncodeOffsetKey("orders", partition);
//   int32_t partition = DefaultPartition(key, 25);
//
// Thread-safety: the free functions are thread-safe; OffsetTopicState is thread-compatible.
#ifndef SLUICE_SERVER_STORE_OFFSET_RECORDS_H_
#define SLUICE_SERVER_STORE_OFFSET_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/sdk/data.h"

namespace sluice::store {

// The key of a source partition's offset: the JsonConverter's schemaless bytes of the list
// [connector, partition]. `partition` is written in its own entry order (the order of the Java
// map the connector built), so equal maps in other orders give other keys, as in Java.
std::string EncodeOffsetKey(std::string_view connector, const Value& partition);

// A key as KafkaOffsetBackingStore's reader sees it (OffsetUtils.processPartitionKey).
struct OffsetKey {
  std::string connector;
  Value partition;  // a map, in the iteration order of the HashMap Java reads
};
// nullopt for the keys Java's reader ignores: a null key, bytes that are not JSON, anything but
// a 2-element array, a first element that is not a string, a second that is not an object.
std::optional<OffsetKey> DecodeOffsetKey(const std::optional<std::string>& key);

// Equality of two values as Java's equals() over what the JsonConverter reads: maps equal
// whatever their entry order, a Long never equals a Double, doubles compared by their bits
// (Double.equals).
bool JavaValueEquals(const Value& a, const Value& b);

// Kafka's Utils.murmur2.
int32_t Murmur2(std::string_view bytes);
// The partition Kafka's producer picks for a record with a (non-null) key when none is given:
// Utils.toPositive(Utils.murmur2(key)) % partitions. librdkafka's default partitioner differs
// (its "murmur2_random" matches for non-null keys). REQUIRES: partitions > 0.
int32_t DefaultPartition(std::string_view key, int32_t partitions);

// What KafkaOffsetBackingStore keeps from the offsets topic read in order: every record's value
// under its exact key bytes (a malformed key too; a tombstone removes the key), and per
// connector the set of partitions with an offset (only well-formed keys; set equality is
// JavaValueEquals, so keys that differ only in entry order are one partition).
class OffsetTopicState {
 public:
  void Apply(const std::optional<std::string>& key, const std::optional<std::string>& value);

  // The value stored under exactly these key bytes (nullopt key: the null key).
  std::optional<std::string> Get(const std::optional<std::string>& key) const;
  size_t size() const { return data_.size() + (null_key_value_.has_value() ? 1 : 0); }
  // Every entry with a non-null key, by key bytes.
  const std::map<std::string, std::string>& Entries() const { return data_; }
  // KafkaOffsetBackingStore.connectorPartitions(connector), in the order first added.
  std::vector<Value> ConnectorPartitions(const std::string& connector) const;

 private:
  std::map<std::string, std::string> data_;
  std::optional<std::string> null_key_value_;
  std::map<std::string, std::vector<Value>> partitions_;
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_OFFSET_RECORDS_H_
