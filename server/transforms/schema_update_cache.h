// The schema cache Kafka Connect's transforms keep (SynchronizedCache over an LRUCache of 16
// entries, keyed by Schema.equals): the schema a transform derived from an input schema, so
// that records with equal schemas share one output schema object.
//
// Thread-compatible: one per transform instance, used by its task's thread.
#ifndef SLUICE_SERVER_TRANSFORMS_SCHEMA_UPDATE_CACHE_H_
#define SLUICE_SERVER_TRANSFORMS_SCHEMA_UPDATE_CACHE_H_

#include <cstddef>
#include <list>
#include <utility>

#include "sluice/sdk/data.h"

namespace sluice::transforms {

class SchemaUpdateCache {
 public:
  static constexpr size_t kCapacity = 16;

  // The schema derived from one equal to `key`, or null. Marks it most recently used.
  SchemaPtr Get(const SchemaPtr& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key || it->first->Equals(*key)) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    }
    return nullptr;
  }
  void Put(SchemaPtr key, SchemaPtr value) {
    entries_.emplace_front(std::move(key), std::move(value));
    if (entries_.size() > kCapacity) entries_.pop_back();
  }

 private:
  std::list<std::pair<SchemaPtr, SchemaPtr>> entries_;  // most recently used first
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SCHEMA_UPDATE_CACHE_H_
