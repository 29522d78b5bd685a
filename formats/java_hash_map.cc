#include "formats/java_hash_map.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace sluice::formats {
namespace {

constexpr size_t kMaximumCapacity = size_t{1} << 30;

// HashMap.tableSizeFor: the next power of two >= n, at least 1.
size_t TableSizeFor(size_t n) {
  if (n <= 1) return 1;
  return std::min(kMaximumCapacity, std::bit_ceil(n));
}

int32_t LongHash(int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  return static_cast<int32_t>(static_cast<uint32_t>(u ^ (u >> 32)));
}

// Java's Float.floatToIntBits / Double.doubleToLongBits: every NaN is the canonical one.
int32_t FloatBits(float f) {
  if (f != f) return 0x7fc00000;
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return static_cast<int32_t>(bits);
}

int64_t DoubleBits(double d) {
  if (d != d) return 0x7ff8000000000000LL;
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return static_cast<int64_t>(bits);
}

// HashMap.hash: the hash code with its high bits spread down.
uint32_t Spread(int32_t h) {
  const uint32_t u = static_cast<uint32_t>(h);
  return u ^ (u >> 16);
}

}  // namespace

JavaHashMapCapacity JavaHashMapCapacity::WithInitialCapacity(size_t n) {
  return {TableSizeFor(n)};
}

JavaHashMapCapacity JavaHashMapCapacity::CopyOf(size_t size) {
  if (size == 0) return Default();
  // HashMap.putMapEntries: ((float) s / loadFactor) + 1.0F, truncated.
  const float ft = static_cast<float>(size) / 0.75f + 1.0f;
  const size_t t = ft < static_cast<float>(kMaximumCapacity) ? static_cast<size_t>(ft)
                                                              : kMaximumCapacity;
  return {TableSizeFor(t)};
}

int32_t JavaStringHashCode(std::string_view utf8) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  size_t i = 0;
  while (i < n) {
    uint32_t c = p[i];
    int extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xE0) == 0xC0) {
      c &= 0x1F;
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      c &= 0x0F;
      extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      c &= 0x07;
      extra = 3;
    } else {
      add(0xFFFD);  // not UTF-8: Java's decoder would have replaced it
      ++i;
      continue;
    }
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      if (i + static_cast<size_t>(k) >= n || (p[i + k] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      c = (c << 6) | (p[i + k] & 0x3F);
    }
    if (!ok) {
      add(0xFFFD);
      ++i;
      continue;
    }
    i += static_cast<size_t>(extra) + 1;
    if (c >= 0x10000) {
      c -= 0x10000;
      add(0xD800 + (c >> 10));
      add(0xDC00 + (c & 0x3FF));
    } else {
      add(c);
    }
  }
  return static_cast<int32_t>(h);
}

std::optional<int32_t> JavaHashCode(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kBoolean:
      return value.boolean() ? 1231 : 1237;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
    case Value::Kind::kInt32:
      return static_cast<int32_t>(value.integer());
    case Value::Kind::kInt64:
      return LongHash(value.integer());
    case Value::Kind::kFloat32:
      return FloatBits(static_cast<float>(value.floating()));
    case Value::Kind::kFloat64:
      return LongHash(DoubleBits(value.floating()));
    case Value::Kind::kString:
      return JavaStringHashCode(value.string());
    case Value::Kind::kTimestamp:
      return LongHash(value.timestamp_millis());
    case Value::Kind::kArray: {
      // List.hashCode.
      uint32_t h = 1;
      for (const Value& item : value.array()) {
        std::optional<int32_t> e = JavaHashCode(item);
        if (!e.has_value()) return std::nullopt;
        h = 31 * h + static_cast<uint32_t>(*e);
      }
      return static_cast<int32_t>(h);
    }
    case Value::Kind::kMap: {
      // AbstractMap.hashCode: the sum of key.hashCode() ^ value.hashCode().
      uint32_t h = 0;
      for (const MapEntry& e : value.map()) {
        std::optional<int32_t> k = JavaHashCode(e.key);
        std::optional<int32_t> v = JavaHashCode(e.value);
        if (!k.has_value() || !v.has_value()) return std::nullopt;
        h += static_cast<uint32_t>(*k ^ *v);
      }
      return static_cast<int32_t>(h);
    }
    case Value::Kind::kBytes:   // byte[]: an identity hash
    case Value::Kind::kStruct:  // not modelled
      return std::nullopt;
  }
  return std::nullopt;
}

void OrderAsJavaHashMap(std::vector<MapEntry>& entries, JavaHashMapCapacity capacity) {
  if (entries.size() < 2) return;
  std::vector<uint32_t> hashes;
  hashes.reserve(entries.size());
  for (const MapEntry& e : entries) {
    std::optional<int32_t> h = JavaHashCode(e.key);
    if (!h.has_value()) return;
    hashes.push_back(Spread(*h));
  }
  // The table doubles whenever the size exceeds 3/4 of it.
  size_t buckets = capacity.initial_buckets;
  while (buckets < kMaximumCapacity &&
         static_cast<double>(entries.size()) > static_cast<double>(buckets) * 0.75) {
    buckets *= 2;
  }
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const uint32_t mask = static_cast<uint32_t>(buckets - 1);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return (hashes[a] & mask) < (hashes[b] & mask);
  });
  std::vector<MapEntry> sorted;
  sorted.reserve(entries.size());
  for (size_t i : order) sorted.push_back(std::move(entries[i]));
  entries = std::move(sorted);
}

}  // namespace sluice::formats
