// The entries of a java.util.HashMap or LinkedHashMap that a transform builds for a schemaless
// value, put and removed as Java's map does them, handed back in the order the Java map would
// iterate them (which decides what a converter writes next).
//
//   MapEntriesBuilder map = MapEntriesBuilder::HashMapCopyOf(value.map());  // new HashMap<>(value)
//   map.Put(Value::String("topic"), Value::String(record.topic));
//   Value updated = Value::Map(std::move(map).Finish());
//
// Thread-compatible.
#ifndef SLUICE_SERVER_TRANSFORMS_MAP_ENTRIES_BUILDER_H_
#define SLUICE_SERVER_TRANSFORMS_MAP_ENTRIES_BUILDER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/convert/java_hash_map.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms {

class MapEntriesBuilder {
 public:
  // new HashMap<>() or new HashMap<>(n), as `capacity` says.
  static MapEntriesBuilder HashMap(convert::JavaHashMapCapacity capacity);
  // new HashMap<>(source): `source`'s entries put in their order, into a table sized for them.
  static MapEntriesBuilder HashMapCopyOf(const std::vector<MapEntry>& source);
  // new LinkedHashMap<>(): iterates in insertion order.
  static MapEntriesBuilder LinkedHashMap();

  // Map.put: a new key goes last; an existing key keeps its place and takes the new value.
  void Put(Value key, Value value);
  // Map.remove.
  void Remove(const Value& key);
  // Map.get: null when absent (or mapped to null).
  const Value* Get(const Value& key) const;
  size_t size() const { return live_; }

  // The entries in the Java map's iteration order.
  std::vector<MapEntry> Finish() &&;

 private:
  MapEntriesBuilder(bool hashed, size_t buckets) : hashed_(hashed), buckets_(buckets) {}

  std::optional<size_t> Find(const Value& key) const;

  bool hashed_;
  // The HashMap's table size: it doubles whenever the map holds more than 3/4 of it, and never
  // shrinks.
  size_t buckets_;
  // In insertion order; removed entries stay as tombstones until Finish().
  std::vector<MapEntry> entries_;
  std::vector<bool> removed_;
  size_t live_ = 0;
  // String keys -> their slot in entries_ (other keys are looked up by scanning).
  absl::flat_hash_map<std::string, size_t> string_index_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_MAP_ENTRIES_BUILDER_H_
