// The iteration order of a java.util.HashMap. Kafka Connect builds many maps as HashMaps (the
// JsonConverter reading an object, and InsertField, ReplaceField, MaskField, Cast, ValueToKey,
// HeaderFrom on schemaless values), and what it writes next (JSON, a sink file's toString)
// follows the HashMap's iteration order, not the order the entries were put in. Sluice keeps map
// entries in a vector, so where Kafka Connect makes a HashMap, Sluice orders the entries as that
// HashMap would iterate them.
//
//   std::vector<MapEntry> entries = ...;         // in the order Java puts them
//   OrderAsJavaHashMap(entries, JavaHashMapCapacity::Default());
//
// A HashMap iterates its table's buckets in index order, and each bucket in insertion order;
// the table doubles (keeping that order within each bucket) when it holds more than 3/4 of its
// capacity. Buckets with 8 or more colliding keys (Java's tree bins) are kept in insertion order,
// which Java does not promise; keys whose Java hashCode is an identity hash (byte arrays) or is
// not modelled here (structs) keep the map's insertion order.
//
// Thread-safe: pure functions.
#ifndef SLUICE_FORMATS_JAVA_HASH_MAP_H_
#define SLUICE_FORMATS_JAVA_HASH_MAP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sluice/sdk/data.h"

namespace sluice::formats {

// How the HashMap was created, which decides its initial table size.
struct JavaHashMapCapacity {
  // new HashMap<>(): 16 buckets.
  static JavaHashMapCapacity Default() { return {16}; }
  // new HashMap<>(n): the next power of two >= n (at least 1).
  static JavaHashMapCapacity WithInitialCapacity(size_t n);
  // new HashMap<>(otherMap) or putAll into an empty HashMap: sized for `size` entries.
  static JavaHashMapCapacity CopyOf(size_t size);

  size_t initial_buckets = 16;
};

// Java's String.hashCode() of UTF-8 text (over its UTF-16 code units).
int32_t JavaStringHashCode(std::string_view utf8);
// Java's hashCode() of the boxed object a Connect value is (String, Integer, Long, ...);
// nullopt when it is not modelled (bytes, structs, maps, lists of those).
std::optional<int32_t> JavaHashCode(const Value& value);

// Reorders `entries` (given in insertion order, keys unique) into the iteration order of a
// HashMap created with `capacity` into which they were put in that order.
void OrderAsJavaHashMap(std::vector<MapEntry>& entries,
                        JavaHashMapCapacity capacity = JavaHashMapCapacity::Default());

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_JAVA_HASH_MAP_H_
