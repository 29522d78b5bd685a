// The 16-entry LRU cache of derived schemas that many of Kafka's transforms keep
// (SynchronizedCache<LRUCache<Schema, Schema>>(16)).
//
// In Kafka the cache only saves work: the schema a transform derives depends on nothing but the
// input schema and the transform's config, and Kafka's cache matches input schemas by equals(),
// so a hit returns what a miss would build. So the cache is not visible in outputs, and here it
// is keyed by the input schema's identity (our schemas are immutable and shared), which finds
// the common case of one schema object per topic cheaply.
//
// Thread-compatible: one transform instance, one task thread.
#ifndef SLUICE_SERVER_TRANSFORMS_SCHEMA_CACHE_H_
#define SLUICE_SERVER_TRANSFORMS_SCHEMA_CACHE_H_

#include <cstddef>
#include <list>
#include <utility>

#include "sluice/sdk/data.h"

namespace sluice::transforms {

class SchemaCache {
 public:
  static constexpr size_t kCapacity = 16;

  // The schema derived from `key`, or null.
  SchemaPtr Get(const SchemaPtr& key);
  void Put(SchemaPtr key, SchemaPtr derived);

 private:
  // Most recently used first. The cache holds its keys, so their addresses are not reused.
  std::list<std::pair<SchemaPtr, SchemaPtr>> entries_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SCHEMA_CACHE_H_
