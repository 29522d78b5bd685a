#include "server/transforms/schema_cache.h"

namespace sluice::transforms {

SchemaPtr SchemaCache::Get(const SchemaPtr& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().second;
    }
  }
  return nullptr;
}

void SchemaCache::Put(SchemaPtr key, SchemaPtr derived) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      break;
    }
  }
  entries_.emplace_front(std::move(key), std::move(derived));
  if (entries_.size() > kCapacity) entries_.pop_back();
}

}  // namespace sluice::transforms
