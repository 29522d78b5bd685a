#include "server/transforms/map_entries_builder.h"

#include <utility>

namespace sluice::transforms {
namespace {

constexpr size_t kMaximumBuckets = size_t{1} << 30;

}  // namespace

MapEntriesBuilder MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity capacity) {
  return MapEntriesBuilder(/*hashed=*/true, capacity.initial_buckets);
}

MapEntriesBuilder MapEntriesBuilder::HashMapCopyOf(const std::vector<MapEntry>& source) {
  MapEntriesBuilder map(/*hashed=*/true,
                        convert::JavaHashMapCapacity::CopyOf(source.size()).initial_buckets);
  for (const MapEntry& e : source) map.Put(e.key, e.value);
  return map;
}

MapEntriesBuilder MapEntriesBuilder::LinkedHashMap() {
  return MapEntriesBuilder(/*hashed=*/false, convert::JavaHashMapCapacity::Default().initial_buckets);
}

std::optional<size_t> MapEntriesBuilder::Find(const Value& key) const {
  if (key.kind() == Value::Kind::kString) {
    auto it = string_index_.find(key.string());
    if (it == string_index_.end()) return std::nullopt;
    return it->second;
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!removed_[i] && entries_[i].key == key) return i;
  }
  return std::nullopt;
}

void MapEntriesBuilder::Put(Value key, Value value) {
  if (std::optional<size_t> at = Find(key)) {
    entries_[*at].value = std::move(value);
    return;
  }
  if (key.kind() == Value::Kind::kString) string_index_.emplace(key.string(), entries_.size());
  entries_.push_back(MapEntry{std::move(key), std::move(value)});
  removed_.push_back(false);
  ++live_;
  while (buckets_ < kMaximumBuckets &&
         static_cast<double>(live_) > static_cast<double>(buckets_) * 0.75) {
    buckets_ *= 2;
  }
}

void MapEntriesBuilder::Remove(const Value& key) {
  std::optional<size_t> at = Find(key);
  if (!at.has_value()) return;
  removed_[*at] = true;
  if (key.kind() == Value::Kind::kString) string_index_.erase(key.string());
  --live_;
}

const Value* MapEntriesBuilder::Get(const Value& key) const {
  std::optional<size_t> at = Find(key);
  return at.has_value() ? &entries_[*at].value : nullptr;
}

std::vector<MapEntry> MapEntriesBuilder::Finish() && {
  std::vector<MapEntry> out;
  out.reserve(live_);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!removed_[i]) out.push_back(std::move(entries_[i]));
  }
  // Within one bucket a HashMap keeps insertion order, and a removed key that comes back goes
  // to the end of its bucket, as it does here.
  if (hashed_) convert::OrderAsJavaHashMap(out, convert::JavaHashMapCapacity{buckets_});
  return out;
}

}  // namespace sluice::transforms
